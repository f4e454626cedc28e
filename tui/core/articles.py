"""Items as articles: their text with its source, their versions, and side-by-side diffs of
two versions or of two outlets' items. The `article`, `diff` and `compare` commands and the
dashboard's article and diff screens all read through here, so they show the same thing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from tui.core.diff import Row, diff_texts
from tui.core.query import Headline, find_item, iso, to_datetime
from tui.core.store import Store, StoredMatch


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
        parts = [self.title, self.summary, self.text or ""]
        return "\n\n".join(p for p in parts if p).strip()


@dataclass
class Article:
    item: Headline
    text: str
    text_source: str          # "page" or "feed"
    matches: list[StoredMatch] = field(default_factory=list)

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


@lru_cache(maxsize=128)
def cached_diff(old: str, new: str) -> tuple[Row, ...]:
    """Diffs are pure functions of two texts: compute each pair once per process."""
    return tuple(diff_texts(old, new))


def diff_versions(store: Store, uid: str, *, older: int | None = None,
                  newer: int | None = None) -> DiffView:
    """Version `older` against `newer` of one item (default: the last two)."""
    item = get_item(store, uid)
    versions = {v.number: v for v in load_versions(store, item.row_id)}
    last = max(versions)
    newer = newer if newer is not None else last
    older = older if older is not None else max(1, newer - 1)
    for number in (older, newer):
        if number not in versions:
            raise NotFound(f"item {item.id} has versions 1..{last}, not {number}")
    left, right = versions[older], versions[newer]
    return DiffView(
        left=Side(item.id, older, left.title, left.document, item.feed),
        right=Side(item.id, newer, right.title, right.document, item.feed),
        rows=list(cached_diff(left.document, right.document)))


def compare_items(store: Store, uid_a: str, uid_b: str) -> DiffView:
    """Two different items side by side (two outlets' reports of one story)."""
    sides = []
    for uid in (uid_a, uid_b):
        article = load_article(store, uid)
        document = f"{article.item.title}\n\n{article.text}".strip()
        sides.append(Side(article.item.id, article.item.versions, article.item.title, document,
                          article.item.feed))
    return DiffView(left=sides[0], right=sides[1],
                    rows=list(cached_diff(sides[0].text, sides[1].text)))
