"""Items as articles: their text with its source, their versions, and side-by-side diffs of
two versions or of two outlets' items. The `article`, `diff` and `compare` commands and the
dashboard's article and diff screens all read through here, so they show the same thing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from difflib import SequenceMatcher
from functools import lru_cache

from tui.core.text.diff import Row, diff_texts, split_paragraphs
from tui.core.cache.query import Headline, find_item, iso, to_datetime
from tui.core.cache.store import Store
from tui.core.names.watch import Match


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
    item: Headline
    text: str
    text_source: str          # "page" or "feed"
    matches: list[Match] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "id": self.item.id, "feed": self.item.feed, "title": self.item.title,
            "url": self.item.link, "published": iso(self.item.published),
            "text": self.text, "text_source": self.text_source,
            "versions": self.item.versions,
            "matches": [{"name": m.name, "category": m.category, "text": m.text,
                         "field": m.field, "start": m.start, "end": m.end}
                        for m in self.matches],
        }


@dataclass
class Side:
    id: str
    version: int
    title: str
    text: str
    feed: str = ""

    def to_json(self) -> dict:
        return {"id": self.id, "version": self.version, "title": self.title, "text": self.text}


@dataclass
class DiffView:
    left: Side
    right: Side
    rows: list[Row]

    def to_json(self) -> dict:
        return {"left": self.left.to_json(), "right": self.right.to_json(),
                "rows": [row.to_json() for row in self.rows]}


def get_item(store: Store, uid: str) -> Headline:
    item = find_item(store, uid)
    if item is None:
        raise NotFound(f"no item {uid!r} in the cache (see `wirewatch headlines`)")
    return item


def load_article(store: Store, uid: str) -> Article:
    """The item's best text: the extracted page when there is one, else the feed's own."""
    item = get_item(store, uid)
    row = store.connection.execute(
        "SELECT text, content, summary FROM items WHERE id = ?", (item.row_id,)).fetchone()
    if row["text"]:
        text, source = row["text"], "page"
    else:
        text, source = row["content"] or row["summary"] or "", "feed"
    return Article(item=item, text=text, text_source=source, matches=item.matches)


def load_versions(store: Store, row_id: int) -> list[Version]:
    return [
        Version(number=row["number"], title=row["title"], summary=row["summary"],
                text=row["text"], seen=to_datetime(row["seen"]), minor=bool(row["minor"]))
        for row in store.connection.execute(
            "SELECT number, title, summary, text, seen, minor FROM versions "
            "WHERE item_id = ? ORDER BY number", (row_id,))
    ]


def _document(*parts: str | None) -> str:
    return "\n\n".join(p.strip() for p in parts if p and p.strip())


_TOKEN = re.compile(r"\w+(?:[-\u2010\u2011'\u2019.,:/]\w+)*|[^\w\s]")


def _word_changes(left: str, right: str) -> tuple[tuple[tuple[int, int], ...], ...]:
    """Character spans of the changed words on each side of two short texts."""
    a, b = list(_TOKEN.finditer(left)), list(_TOKEN.finditer(right))
    matcher = SequenceMatcher(None, [m.group() for m in a], [m.group() for m in b],
                              autojunk=False)
    spans: tuple[list[tuple[int, int]], list[tuple[int, int]]] = ([], [])
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        for side, tokens, lo, hi in ((0, a, i1, i2), (1, b, j1, j2)):
            if hi > lo:
                text = left if side == 0 else right
                start, end = tokens[lo].start(), tokens[hi - 1].end()
                found = spans[side]
                if found and not text[found[-1][1]:start].strip():
                    found[-1] = (found[-1][0], end)       # one stretch, not confetti
                else:
                    found.append((start, end))
    return tuple(spans[0]), tuple(spans[1])


def _field_rows(old: str, new: str) -> list[Row]:
    """Rows for one field (headline, teaser, text). A headline or a one-paragraph teaser is a
    single unit on each side: however much it was rewritten, it stays one row side by side,
    never a deletion and an unrelated-looking insertion."""
    rows = diff_texts(old, new)
    single = len(split_paragraphs(old)) == 1 and len(split_paragraphs(new)) == 1
    if single and not any(row.op in ("equal", "replace") for row in rows):
        left, right = old.strip(), new.strip()
        rows = [Row("replace", left, right, *_word_changes(left, right))]
    return rows


@lru_cache(maxsize=128)
def cached_rows(old: tuple[str | None, ...], new: tuple[str | None, ...]) -> tuple[Row, ...]:
    """Side-by-side rows of two documents given field by field (headline, summary, text).

    Fields are aligned with their own kind: a headline is never paired with a paragraph.
    Diffs are pure functions of their inputs, so each pair is computed once per process.
    """
    rows: list[Row] = []
    for left, right in zip(old, new):
        rows.extend(_field_rows(left or "", right or ""))
    return tuple(rows)


def diff_versions(store: Store, uid: str, *, older: int | None = None,
                  newer: int | None = None) -> DiffView:
    """Version `older` against `newer` of one item (default: the last two).

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
            raise NotFound(f"item {item.id} has versions 1..{last}, not {number}")
    left, right = versions[older], versions[newer]
    with_text = (left.text is None) == (right.text is None)
    fields = [(v.title, v.summary, v.text if with_text else None) for v in (left, right)]
    return DiffView(
        left=Side(item.id, older, left.title, _document(*fields[0]), item.feed),
        right=Side(item.id, newer, right.title, _document(*fields[1]), item.feed),
        rows=list(cached_rows(fields[0], fields[1])))


def compare_items(store: Store, uid_a: str, uid_b: str) -> DiffView:
    """Two different items side by side (two outlets' reports of one story)."""
    sides, fields = [], []
    for uid in (uid_a, uid_b):
        article = load_article(store, uid)
        fields.append((article.item.title, article.text))
        sides.append(Side(article.item.id, article.item.versions, article.item.title,
                          _document(*fields[-1]), article.item.feed))
    return DiffView(left=sides[0], right=sides[1], rows=list(cached_rows(*fields)))
