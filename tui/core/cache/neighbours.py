"""The cache's answers to "what else was in the news around this item?": the items of a time
window found by shared words (full-text index) or shared watched names (matches index).

Each lookup is limited to the window's span of row ids (ids grow as items arrive, so a window's
items sit in a narrow id range), so it costs about the same with 100,000 items as with 1,000.
Story grouping (tui.core.stories) reads windows through tui.core.cache.stories instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.core.cache.store import Store, chunks


@dataclass(frozen=True)
class Neighbour:
    row_id: int
    uid: str
    feed: str
    title: str
    summary: str
    published: float | None
    sort_time: float


def anchor(store: Store, row_id: int) -> Neighbour | None:
    return next(iter(neighbours(store, [row_id])), None)


def id_span(store: Store, low: float, high: float) -> tuple[int, int]:
    """The row ids of the items published (or first seen) between `low` and `high`."""
    first, last = store.connection.execute(
        "SELECT min(id), max(id) FROM items WHERE sort_time BETWEEN ? AND ?",
        (low, high)).fetchone()
    return (first or 0), (last or 0)


def names_of(store: Store, row_id: int) -> set[str]:
    """The watched names an item mentions."""
    return {row[0] for row in store.connection.execute(
        "SELECT DISTINCT name FROM matches WHERE item_id = ?", (row_id,))}


def names_by_item(store: Store, row_ids: list[int]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for chunk in chunks(row_ids, 500):
        for item_id, name in store.connection.execute(
                f"SELECT DISTINCT item_id, name FROM matches "
                f"WHERE item_id IN ({','.join('?' * len(chunk))})", chunk):
            found.setdefault(item_id, set()).add(name)
    return found


def feed_items(store: Store, feed: str, low: float, high: float) -> set[int]:
    """One outlet's items in the window."""
    return {row[0] for row in store.connection.execute(
        "SELECT id FROM items WHERE feed = ? AND sort_time BETWEEN ? AND ?", (feed, low, high))}


def items_with_word(store: Store, term: str, first_id: int, last_id: int) -> list[int]:
    """Items in the id span whose headline or summary holds `term` (an FTS5 phrase, quoted by
    the caller, optionally ending in * for a prefix)."""
    return [row[0] for row in store.connection.execute(
        "SELECT rowid FROM items_fts WHERE items_fts MATCH ? AND rowid BETWEEN ? AND ?",
        ("{title summary} : " + term, first_id, last_id))]


def items_naming(store: Store, name: str, first_id: int, last_id: int) -> list[int]:
    """Items in the id span that mention the watched name `name`."""
    return [row[0] for row in store.connection.execute(
        "SELECT DISTINCT item_id FROM matches WHERE name = ? AND item_id BETWEEN ? AND ?",
        (name, first_id, last_id))]


def neighbours(store: Store, row_ids: list[int], *, not_feed: str | None = None,
               low: float | None = None, high: float | None = None) -> list[Neighbour]:
    """These items (optionally: not of feed `not_feed`, and within [low, high])."""
    found: list[Neighbour] = []
    extra, params = "", []
    if not_feed is not None:
        extra += " AND feed != ?"
        params.append(not_feed)
    if low is not None and high is not None:
        extra += " AND sort_time BETWEEN ? AND ?"
        params += [low, high]
    for chunk in chunks(row_ids, 500):
        found += [Neighbour(row["id"], row["uid"], row["feed"], row["title"], row["summary"],
                            row["published"], row["sort_time"])
                  for row in store.connection.execute(
                      f"SELECT id, uid, feed, title, summary, published, sort_time FROM items "
                      f"WHERE id IN ({','.join('?' * len(chunk))}){extra}", [*chunk, *params])]
    return found
