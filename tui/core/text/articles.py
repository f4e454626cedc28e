"""Items as articles: their text with its source, their versions, and side-by-side diffs of
two versions or of two outlets' items. The `article`, `diff` and `compare` commands and the
dashboard's article and diff screens all read through here, so they show the same thing."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from threading import Lock
from typing import TYPE_CHECKING

from tui.core.cache.query import Item, find_item, item_texts, stored_versions
from tui.core.cache.store import Store
from tui.core.ingest.dates import iso, to_datetime
from tui.core.names.model import Match
from tui.core.text.diff import Row, diff_stats, document_row_tuples, document_rows

if TYPE_CHECKING:
    from tui.core.helper import Helper


class NotFound(LookupError):
    """No such item or version; the message says which."""


@dataclass
class Version:
    number: int
    title: str
    summary: str
    text: str | None
    seen: datetime
    minor: bool

    @property
    def document(self) -> str:
        """What a version diff compares: headline, feed summary, then the page text if any.

        The summary is kept even with page text: outlets rewrite the teaser on its own.
        """
        return _document(self.title, self.summary, self.text)


@dataclass
class Article:
    item: Item
    text: str
    text_source: str          # "page" or "feed"
    matches: list[Match] = field(default_factory=list)
    text_note: str | None = None   # why the page's text is not shown, when it was tried
    summary: str = ""              # the feed's summary (teaser, standfirst), as stored

    @property
    def standfirst(self) -> str | None:
        """The feed's summary when the text shown does not hold it, to show above the text:
        outlets often edit the teaser alone, and extraction may leave it out."""
        return self.summary if not _holds(self.text, self.summary) else None

    def to_json(self) -> dict:
        return {
            "id": self.item.uid, "feed": self.item.feed, "title": self.item.title,
            "url": self.item.link, "published": iso(self.item.published),
            "summary": self.summary,
            "text": self.text, "text_source": self.text_source, "text_note": self.text_note,
            "versions": self.item.versions,
            "matches": [{"name": m.name, "category": m.category, "text": m.text,
                         "field": m.field, "start": m.start, "end": m.end}
                        for m in self.matches],
        }


@dataclass
class Side:
    """One side of a diff: which item and version, and the text compared."""

    uid: str
    version: int
    title: str
    text: str
    feed: str = ""

    def to_json(self) -> dict:
        return {"id": self.uid, "version": self.version, "title": self.title, "text": self.text}


ONE_VERSION = "one version so far: nothing to compare it with yet"


@dataclass
class Diff:
    """Two texts side by side, aligned into rows (`diff` of versions, `compare` of items)."""

    left: Side
    right: Side
    rows: list[Row]

    @property
    def same_item(self) -> bool:
        return self.left.uid == self.right.uid

    def to_json(self) -> dict:
        return {"left": self.left.to_json(), "right": self.right.to_json(),
                "rows": [row.to_json() for row in self.rows]}


def get_item(store: Store, uid: str) -> Item:
    item = find_item(store, uid)
    if item is None:
        raise NotFound(f"no item {uid!r} in the cache (see `wirewatch headlines`)")
    return item


def load_article(store: Store, uid: str) -> Article:
    """The item's best text: the extracted page when there is one, else the feed's own."""
    item = get_item(store, uid)
    texts = item_texts(store, item.row_id)
    if texts is not None and texts.text:
        text, source = texts.text, "page"
    else:
        text, source = (texts.content or texts.summary or "") if texts else "", "feed"
    note = texts.page_note if texts is not None else None
    return Article(item=item, text=text, text_source=source, matches=item.matches,
                   text_note=note, summary=(texts.summary or "") if texts else "")


#: What a teaser ends with when it is the text's opening cut short (compared casefolded).
_CUT_MARKS = ("[…]", "[...]", "…", "...", "(more)", "read more")


def _holds(text: str, summary: str) -> bool:
    """Does `text` already say `summary`? Compared case- and space-blind, a teaser's
    trailing "…" or "[...]" dropped (it is usually the text's opening, cut short)."""
    wanted = " ".join(summary.split()).casefold()
    while cut := next((mark for mark in _CUT_MARKS if wanted.endswith(mark)), None):
        wanted = wanted.removesuffix(cut).rstrip()
    return not wanted or wanted in " ".join(text.split()).casefold()


def load_versions(store: Store, row_id: int) -> list[Version]:
    return [Version(number=v.number, title=v.title, summary=v.summary, text=v.text,
                    seen=to_datetime(v.seen), minor=v.minor)
            for v in stored_versions(store, row_id)]


def _document(*parts: str | None) -> str:
    return "\n\n".join(p.strip() for p in parts if p and p.strip())


Fields = tuple[str | None, ...]      # a document field by field: headline, summary, text
RowsOf = Callable[[Fields, Fields], Sequence[Row]]


class RowsCache:
    """The rows of the last pairs of documents diffed, whoever computed them (this thread,
    or a helper process): diffs are pure functions of their inputs, so each pair is
    computed once per session, and stepping back and forth with [ and ] is free."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._rows: OrderedDict[tuple[Fields, Fields], tuple[Row, ...]] = OrderedDict()
        self._lock = Lock()            # the diff screen's two workers read and fill it

    def __call__(self, old: Fields, new: Fields, rows_of: RowsOf = document_rows) -> tuple[Row, ...]:
        """Side-by-side rows of two documents given field by field (see `document_rows`);
        `rows_of` computes them when they are not here (outside the lock: the two workers
        may compute two different pairs at once)."""
        key = (old, new)
        with self._lock:
            rows = self._rows.get(key)
            if rows is not None:
                self._rows.move_to_end(key)
                return rows
        rows = tuple(rows_of(old, new))
        with self._lock:
            self._rows[key] = rows
            while len(self._rows) > self.size:
                self._rows.popitem(last=False)
        return rows

    def cache_clear(self) -> None:
        with self._lock:
            self._rows.clear()


cached_rows = RowsCache(128)


def rows_by(helper: Helper, wanted: Callable[[], bool] | None = None) -> RowsOf:
    """`document_rows` computed by a helper process (in this thread when it cannot be
    used); `wanted` as in `Helper.call`."""
    def rows_of(old: Fields, new: Fields) -> tuple[Row, ...]:
        found = helper.call(document_row_tuples, old, new, wanted=wanted)
        return tuple(Row(*fields) for fields in found)
    return rows_of


def diff_versions(store: Store, uid: str, *, older: int | None = None,
                  newer: int | None = None, rows_of: RowsOf = document_rows) -> Diff:
    """Version `older` against `newer` of one item (default: the last two); `rows_of`
    computes the rows of a pair not in `cached_rows`.

    A version saved before the item had any page text is compared on its headline and
    summary only: the article did not grow by its whole text, we just had not read it yet.
    """
    item = get_item(store, uid)
    versions = {v.number: v for v in load_versions(store, item.row_id)}
    last = max(versions)
    newer = newer if newer is not None else last
    older = older if older is not None else max(1, newer - 1)
    for number in (older, newer):
        if number not in versions:
            raise NotFound(f"item {item.uid} has versions 1..{last}, not {number}")
    left, right = versions[older], versions[newer]
    with_text = (left.text is None) == (right.text is None)
    fields = [(v.title, v.summary, v.text if with_text else None) for v in (left, right)]
    return Diff(
        left=Side(item.uid, older, left.title, _document(*fields[0]), item.feed),
        right=Side(item.uid, newer, right.title, _document(*fields[1]), item.feed),
        rows=list(cached_rows(fields[0], fields[1], rows_of)))


@dataclass(frozen=True)
class VersionMark:
    """One version on a time axis: when it was seen and how many words it changed against
    the version before (0 for the first)."""

    number: int
    seen: datetime
    words: int
    minor: bool


def version_marks(versions: list[Version], rows_of: RowsOf = document_rows) -> list[VersionMark]:
    """How much each version changed, for the diff screen's strip: when an article was
    rewritten and how much, at a glance. Each pair is diffed as `diff_versions` diffs it
    (and cached, so the pair on screen costs nothing twice)."""
    marks: list[VersionMark] = []
    previous: Version | None = None
    for version in versions:
        words = 0
        if previous is not None:
            with_text = (previous.text is None) == (version.text is None)
            old = (previous.title, previous.summary, previous.text if with_text else None)
            new = (version.title, version.summary, version.text if with_text else None)
            words = diff_stats(cached_rows(old, new, rows_of)).changed_words
        marks.append(VersionMark(version.number, version.seen, words, version.minor))
        previous = version
    return marks


def compare_items(store: Store, uid_a: str, uid_b: str, rows_of: RowsOf = document_rows) -> Diff:
    """Two different items side by side (two outlets' reports of one story)."""
    left, right, fields = report_sides(store, uid_a, uid_b)
    return Diff(left=left, right=right, rows=list(cached_rows(*fields, rows_of)))


def report_sides(store: Store, uid_a: str, uid_b: str) -> tuple[Side, Side, tuple[Fields, Fields]]:
    """The two sides of `compare_items`, and the fields their word diff is computed from (a
    comparison across languages aligns them by facts instead)."""
    sides, fields = [], []
    for uid in (uid_a, uid_b):
        article = load_article(store, uid)
        fields.append((article.item.title, article.text))
        sides.append(Side(article.item.uid, article.item.versions, article.item.title,
                          _document(*fields[-1]), article.item.feed))
    return sides[0], sides[1], (fields[0], fields[1])
