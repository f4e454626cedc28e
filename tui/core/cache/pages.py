"""Article pages in the cache: which items have page text to (re)check, and the item record a
fetched page is written into. What a page means for the item's versions is decided in
tui.core.text.fulltext; this module only reads and writes the rows."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tui.core.cache.store import Store, chunks
from tui.core.ingest.digest import content_digest

if TYPE_CHECKING:
    from tui.core.cache.rematch import Matcher


@dataclass(frozen=True)
class PageCandidate:
    row_id: int
    link: str
    feed: str
    sort_time: float
    text_checked: float | None   # when its page was last fetched (None: never)
    matched: bool                # it mentions a watched name


def fresh_candidates(store: Store, row_ids: Sequence[int], *,
                     tracked_only: bool = False) -> list[PageCandidate]:
    """These items, where they have a link to fetch (and with `tracked_only`, only those
    whose page was read before)."""
    tracked = " AND i.text_checked IS NOT NULL" if tracked_only else ""
    found: list[PageCandidate] = []
    for chunk in chunks(row_ids, 500):
        marks = ",".join("?" * len(chunk))
        found += [_candidate(row) for row in store.connection.execute(
            f"SELECT i.id, i.link, i.feed, i.sort_time, i.text_checked, "
            f"EXISTS (SELECT 1 FROM matches m WHERE m.item_id = i.id) AS matched "
            f"FROM items i WHERE i.id IN ({marks}) AND i.link IS NOT NULL{tracked}", chunk)]
    return found


TRACKED_PAGES_SQL = (
    "SELECT id, link, feed, sort_time, text_checked, 1 AS matched FROM items "
    "WHERE text_checked IS NOT NULL AND link IS NOT NULL AND sort_time > ? "
    "ORDER BY sort_time DESC LIMIT ?")
"""Read from the partial index items_page_tracked (its WHERE repeated here is what lets
SQLite use it)."""


def tracked_pages(store: Store, *, since: float, limit: int = 5000) -> list[PageCandidate]:
    """Items whose page has been read before and that are newer than `since`, newest first."""
    return [_candidate(row) for row in store.connection.execute(TRACKED_PAGES_SQL, (since, limit))]


def untried_pages(store: Store, *, since: float, every_item: Sequence[str],
                  matched_items: Sequence[str], limit: int) -> list[PageCandidate]:
    """Items first seen after `since` whose page was never fetched though their feed's policy
    wants it (every item of the feeds `every_item`, those naming a watched name of the feeds
    `matched_items`), newest first: what an interrupted refresh, or one that had more pages
    than it may fetch, left behind."""
    if not every_item and not matched_items:
        return []
    every = ",".join("?" * len(every_item)) or "NULL"
    matched = ",".join("?" * len(matched_items)) or "NULL"
    return [_candidate(row) for row in store.connection.execute(
        "SELECT i.id, i.link, i.feed, i.sort_time, i.text_checked, "
        "EXISTS (SELECT 1 FROM matches m WHERE m.item_id = i.id) AS matched FROM items i "
        "WHERE i.first_seen > ? AND i.text_checked IS NULL AND i.link IS NOT NULL "
        f"AND (i.feed IN ({every}) OR (i.feed IN ({matched}) "
        "AND EXISTS (SELECT 1 FROM matches m WHERE m.item_id = i.id))) "
        "ORDER BY i.first_seen DESC LIMIT ?",
        (since, *every_item, *matched_items, limit))]


def _candidate(row: sqlite3.Row) -> PageCandidate:
    return PageCandidate(row["id"], row["link"], row["feed"], row["sort_time"],
                         row["text_checked"], bool(row["matched"]))


class PageRecord:
    """One item, locked for writing, as a fetched page finds it (see `page_record`)."""

    def __init__(self, store: Store, conn: sqlite3.Connection, row: sqlite3.Row) -> None:
        self._store, self._conn, self._row = store, conn, row
        self.row_id: int = row["id"]
        self.title: str = row["title"]
        self.summary: str = row["summary"]
        self.text: str | None = row["text"]
        self.text_checked: float | None = row["text_checked"]
        self.latest_seen: float = row["latest_seen"]

    def mark_checked(self, now: float, note: str | None = None) -> None:
        """The page was fetched now; `note` says why its text was not used (None: it was)."""
        self._conn.execute("UPDATE items SET text_checked = ?, page_note = ? WHERE id = ?",
                           (now, note, self.row_id))

    def complete_version(self, text: str) -> None:
        """Put page text into the item's latest version instead of making a new one."""
        self._conn.execute("UPDATE items SET text = ?, text_source = 'page' WHERE id = ?",
                           (text, self.row_id))
        self._conn.execute(
            "UPDATE versions SET text = ?, digest = ? WHERE item_id = ? AND number = ?",
            (text, content_digest(self.title, self.summary, text), self.row_id,
             self._row["versions"]))

    def add_version(self, text: str, *, now: float, minor: bool) -> bool:
        """The page text as the item's next version; False when it repeats an earlier one."""
        return self._store.add_version(self._conn, self.row_id, title=self.title,
                                       summary=self.summary, text=text, now=now, minor=minor,
                                       text_source="page")

    def rematch(self, matcher: Matcher) -> None:
        self._store.rematch(self._conn, self.row_id, matcher)


@contextmanager
def page_record(store: Store, row_id: int) -> Iterator[PageRecord | None]:
    """The item `row_id` inside a write transaction (None when it is gone)."""
    with store.transaction() as conn:
        row = conn.execute(
            "SELECT id, title, summary, text, versions, text_checked, (SELECT max(seen) "
            "FROM versions WHERE item_id = items.id) AS latest_seen FROM items WHERE id = ?",
            (row_id,)).fetchone()
        yield PageRecord(store, conn, row) if row is not None else None
