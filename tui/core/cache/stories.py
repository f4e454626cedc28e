"""The cache's side of stories: which items wait to be grouped, the evidence keys of a time
window, story membership and the per-story summary rows the Stories view lists.

Triggers (schema step 5) note new and edited items in `story_dirty` and stories that lost an
item in `story_stale`; tui.core.stories.grouping decides, this module only reads and writes.
Window reads are bounded by the window's span of row ids (ids grow as items arrive), so they
cost about the same with 100,000 items as with 1,000.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tui.core.cache.schema import ITEM_READ
from tui.core.cache.store import Store, at_least, chunks

_LANGUAGE = "language_tag(f.config_language, f.language)"


@dataclass(frozen=True, slots=True)
class ItemText:
    """What an item's evidence is read from."""

    row_id: int
    uid: str
    feed: str
    title: str
    summary: str
    language: str
    sort_time: float
    rekey: bool = True      # its evidence must be read afresh (else only regrouped)


@dataclass(slots=True)
class Member:
    """An item of a window as grouping sees it (its story may change while grouping)."""

    row_id: int
    uid: str
    feed: str
    sort_time: float
    story: str | None
    keys: str


@dataclass(frozen=True, slots=True)
class StoryRow:
    id: str
    first: float
    last: float
    size: int
    outlets: int


@dataclass(frozen=True, slots=True)
class MemberRow:
    """An item of a story as the faces show it."""

    story: str
    row_id: int
    uid: str
    feed: str
    title: str
    language: str
    published: float | None
    sort_time: float
    versions: int
    read: bool
    alerted: bool


# --------------------------------------------------------------------------- grouping's writes


def versions(store: Store, *keys: str) -> tuple[str | None, ...]:
    """The grouping and evidence versions the cache was grouped by (meta keys)."""
    return tuple(store.meta(key) for key in keys)


def reset(store: Store, *, rekey: bool, versions: dict[str, str] | None = None) -> None:
    """Forget every story and note every item to be grouped again (new grouping rules); with
    `rekey`, its evidence is read afresh too (new evidence rules). `versions`: meta keys and
    values to record in the same transaction."""
    with store.transaction() as conn:
        for key, value in (versions or {}).items():
            store.set_meta(key, value, conn)
        conn.execute("DELETE FROM stories")
        conn.execute("DELETE FROM story_stale")
        conn.execute("UPDATE story_items SET story = NULL")
        if rekey:
            conn.execute("DELETE FROM story_items")
        conn.execute("INSERT OR IGNORE INTO story_dirty (item_id, rekey) "
                     "SELECT item_id, 0 FROM story_items")
        conn.execute("INSERT OR IGNORE INTO story_dirty (item_id) SELECT id FROM items")


def has_dirty(store: Store) -> bool:
    return bool(store.connection.execute(
        "SELECT EXISTS (SELECT 1 FROM story_dirty) OR EXISTS (SELECT 1 FROM story_stale)"
    ).fetchone()[0])


def more_waiting_than(store: Store, count: int) -> bool:
    """Whether more than `count` items wait to be grouped (a backlog is not counted through)."""
    return at_least(store.connection, "SELECT 1 FROM story_dirty", [], count + 1)


def dirty_texts(store: Store, after: int, limit: int) -> list[ItemText]:
    """Up to `limit` items waiting to be grouped, by row id, from after row id `after`."""
    rows = store.connection.execute(
        f"SELECT i.id, i.uid, i.feed, i.title, i.summary, {_LANGUAGE}, i.sort_time, d.rekey "
        "FROM story_dirty d CROSS JOIN items i ON i.id = d.item_id "   # the few notes lead
        "LEFT JOIN feeds f ON f.name = i.feed WHERE d.item_id > ? "
        "ORDER BY d.item_id LIMIT ?", (after, limit))
    return [ItemText(*row[:7], bool(row[7])) for row in rows]


def drop_missing_dirty(store: Store) -> None:
    """Dirty notes of items pruned before they were grouped."""
    with store.transaction() as conn:
        conn.execute("DELETE FROM story_dirty WHERE item_id NOT IN (SELECT id FROM items)")


def store_keys(store: Store, row_ids: Sequence[int],
               keyed: Iterable[tuple[int, str]]) -> set[str]:
    """Take the items `row_ids` out of their stories (they are grouped again) and store the
    fresh evidence of those `keyed`; returns the stories they were in."""
    with store.transaction() as conn:
        old = set(stories_of(conn, row_ids).values())
        conn.executemany("UPDATE story_items SET story = NULL WHERE item_id = ?",
                         [(row_id,) for row_id in row_ids])
        write_keys(conn, keyed)
        # Noted with the change: a settle that stops before it has looked at them again (a
        # kill, a lease taken over) leaves them to the next one, not stale for good.
        note_stale(conn, old)
    return old


def write_keys(conn: sqlite3.Connection, keyed: Iterable[tuple[int, str]]) -> None:
    """Store fresh evidence of items, taking them out of their stories (grouped again)."""
    conn.executemany(
        "INSERT INTO story_items(item_id, story, keys) VALUES (?, NULL, ?) "
        "ON CONFLICT(item_id) DO UPDATE SET keys = excluded.keys, story = NULL",
        [(row_id, keys) for row_id, keys in keyed])


def stories_of(conn: sqlite3.Connection, row_ids: Sequence[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for chunk in chunks(row_ids, 500):
        found.update(conn.execute(
            f"SELECT item_id, story FROM story_items WHERE story IS NOT NULL "
            f"AND item_id IN ({','.join('?' * len(chunk))})", chunk).fetchall())
    return found


def clear_dirty(conn: sqlite3.Connection, row_ids: Sequence[int]) -> None:
    conn.executemany("DELETE FROM story_dirty WHERE item_id = ?", [(i,) for i in row_ids])


def stale_stories(store: Store) -> list[str]:
    """Stories that lost an item since they were last settled (pruned, or taken out to be
    grouped again); the notes stay until `write_ids` writes what the settle made of them."""
    return [row[0] for row in store.connection.execute("SELECT story FROM story_stale")]


def span_of(store: Store, low: float, high: float) -> tuple[int, int]:
    first, last = store.connection.execute(
        "SELECT min(id), max(id) FROM items WHERE sort_time BETWEEN ? AND ?",
        (low, high)).fetchone()
    return (first or 0), (last or 0)


def window(store: Store, low: float, high: float) -> list[Member]:
    """Every keyed item that came out between `low` and `high`."""
    first_id, last_id = span_of(store, low, high)
    rows = store.connection.execute(
        "SELECT i.id, i.uid, i.feed, i.sort_time, s.story, s.keys FROM story_items s "
        "JOIN items i ON i.id = s.item_id "
        "WHERE s.item_id BETWEEN ? AND ? AND i.sort_time BETWEEN ? AND ?",
        (first_id, last_id, low, high))
    return [Member(*row) for row in rows]


def members_of(store: Store, stories: Sequence[str]) -> list[Member]:
    found: list[Member] = []
    for chunk in chunks(list(stories), 500):
        found += [Member(*row) for row in store.connection.execute(
            "SELECT i.id, i.uid, i.feed, i.sort_time, s.story, s.keys FROM story_items s "
            "JOIN items i ON i.id = s.item_id "
            f"WHERE s.story IN ({','.join('?' * len(chunk))})", chunk)]
    return found


def assign(conn: sqlite3.Connection, placed: Iterable[tuple[str, int]]) -> None:
    """(story, row id): each item's story."""
    conn.executemany("UPDATE story_items SET story = ? WHERE item_id = ?", list(placed))


def write_placement(store: Store, merged: Sequence[tuple[str, str]],
                    placed: Sequence[tuple[str, int]], done: Sequence[int]) -> None:
    """One stretch of grouping, in one transaction: stories merged (old, new label), items
    placed (story, row id), and their notes cleared; the stories they went to are noted stale
    instead, until `write_ids` gives them their final ids and summary rows."""
    with store.transaction() as conn:
        for old, new in merged:
            relabel(conn, old, new)
        assign(conn, placed)
        clear_dirty(conn, done)
        note_stale(conn, {story for story, _ in placed} | {new for _, new in merged})


def write_stories(store: Store, placed: Sequence[tuple[str, int]]) -> None:
    """Items moved to other stories (a split), in one transaction; the stories are noted
    stale with it, until `write_ids` gives them their final ids and summary rows."""
    with store.transaction() as conn:
        assign(conn, placed)
        note_stale(conn, {story for story, _ in placed})


def note_stale(conn: sqlite3.Connection, stories: Iterable[str]) -> None:
    """Note stories whose final ids and summary rows a settle still owes (it may be killed
    before it writes them: the next one then does)."""
    conn.executemany("INSERT OR IGNORE INTO story_stale VALUES (?)", [(s,) for s in stories])


def write_ids(store: Store, placed: Sequence[tuple[str, int]], gone: Iterable[str],
              fresh: Sequence[str], settled: Iterable[str] = ()) -> None:
    """Final story ids for items, and the summary rows of the stories touched; the stale
    notes of the stories `settled` (looked at again by this settle) go with them."""
    with store.transaction() as conn:
        assign(conn, placed)
        rewrite_summaries(conn, gone, fresh)
        conn.executemany("DELETE FROM story_stale WHERE story = ?", [(s,) for s in settled])


def relabel(conn: sqlite3.Connection, old: str, new: str) -> None:
    """Every item of story `old` now belongs to story `new` (two stories merged)."""
    conn.execute("UPDATE story_items SET story = ? WHERE story = ?", (new, old))


def rewrite_summaries(conn: sqlite3.Connection, gone: Iterable[str], fresh: Sequence[str]) -> None:
    """Drop the summary rows of stories `gone`, write those of `fresh` from their items."""
    conn.executemany("DELETE FROM stories WHERE id = ?", [(s,) for s in set(gone) | set(fresh)])
    for chunk in chunks(list(fresh), 500):
        conn.execute(
            "INSERT INTO stories(id, first, last, size, outlets) "
            "SELECT s.story, min(i.sort_time), max(i.sort_time), count(*), count(DISTINCT i.feed) "
            "FROM story_items s JOIN items i ON i.id = s.item_id "
            f"WHERE s.story IN ({','.join('?' * len(chunk))}) GROUP BY s.story", chunk)


# --------------------------------------------------------------------------- the faces' reads


def story_size_at_least(size: int, table: str = "") -> str:
    """The SQL condition "a story of at least `size` items", written so that SQLite reads
    the stories of two or more from their own index (stories_told) rather than walk every
    story: a partial index is used only when the query states its condition as written."""
    column = f"{table}.size" if table else "size"
    size = int(size)
    if size < 2:
        return f"{column} >= {size}"
    return f"{column} >= 2" + (f" AND {column} >= {size}" if size > 2 else "")


def story_rows(store: Store, *, since: float | None = None, min_size: int = 2,
               limit: int | None = None, names: Sequence[str] = (),
               categories: Sequence[str] = ()) -> list[StoryRow]:
    """Stories, latest report first: those updated since `since`, with at least `min_size`
    items, and (when names or categories are given) with an item that mentions one."""
    where, params = [story_size_at_least(min_size)], []
    if since is not None:
        where.append("last >= ?")
        params.append(since)
    if names or categories:
        parts = []             # one indexed lookup per column (an OR would scan matches)
        if names:
            parts.append(f"SELECT item_id FROM matches WHERE name IN ({','.join('?' * len(names))})")
            params += list(names)
        if categories:
            parts.append("SELECT item_id FROM matches "
                         f"WHERE category IN ({','.join('?' * len(categories))})")
            params += list(categories)
        where.append("id IN (SELECT s.story FROM story_items s "
                     f"WHERE s.item_id IN ({' UNION '.join(parts)}))")
    sql = (f"SELECT id, first, last, size, outlets FROM stories WHERE {' AND '.join(where)} "
           "ORDER BY last DESC, id")
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [StoryRow(*row) for row in store.connection.execute(sql, params)]


def story_row(store: Store, story_id: str) -> StoryRow | None:
    row = store.connection.execute(
        "SELECT id, first, last, size, outlets FROM stories WHERE id = ?", (story_id,)).fetchone()
    return StoryRow(*row) if row else None


def member_rows(store: Store, story_ids: Sequence[str]) -> list[MemberRow]:
    """The items of these stories, oldest first."""
    found: list[MemberRow] = []
    for chunk in chunks(list(story_ids), 500):
        found += [MemberRow(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7],
                            row[8], bool(row[9]), bool(row[10]))
                  for row in store.connection.execute(
                      f"SELECT s.story, i.id, i.uid, i.feed, i.title, {_LANGUAGE}, i.published, "
                      f"i.sort_time, i.versions, {ITEM_READ}, "
                      "EXISTS (SELECT 1 FROM hits h WHERE h.item_id = i.id) "
                      "FROM story_items s JOIN items i ON i.id = s.item_id "
                      "LEFT JOIN feeds f ON f.name = i.feed "
                      f"WHERE s.story IN ({','.join('?' * len(chunk))}) "
                      "ORDER BY i.sort_time, i.id", chunk)]
    return found


def names_by_item(store: Store, row_ids: list[int]) -> dict[int, set[str]]:
    """The watched names each item mentions (the Stories view's names column)."""
    found: dict[int, set[str]] = {}
    for chunk in chunks(row_ids, 500):
        for item_id, name in store.connection.execute(
                f"SELECT DISTINCT item_id, name FROM matches "
                f"WHERE item_id IN ({','.join('?' * len(chunk))})", chunk):
            found.setdefault(item_id, set()).add(name)
    return found


def story_of_item(store: Store, row_id: int) -> str | None:
    row = store.connection.execute(
        "SELECT story FROM story_items WHERE item_id = ?", (row_id,)).fetchone()
    return row[0] if row else None


def row_id_of_uid(store: Store, uid: str) -> int | None:
    row = store.connection.execute("SELECT id FROM items WHERE uid = ?", (uid,)).fetchone()
    return row[0] if row else None


def keys_of(store: Store, row_ids: Sequence[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for chunk in chunks(list(row_ids), 500):
        found.update(store.connection.execute(
            f"SELECT item_id, keys FROM story_items "
            f"WHERE item_id IN ({','.join('?' * len(chunk))})", chunk).fetchall())
    return found


def texts_of(store: Store, row_ids: Sequence[int]) -> dict[int, ItemText]:
    found: dict[int, ItemText] = {}
    for chunk in chunks(list(row_ids), 500):
        for row in store.connection.execute(
                f"SELECT i.id, i.uid, i.feed, i.title, i.summary, {_LANGUAGE}, i.sort_time "
                "FROM items i LEFT JOIN feeds f ON f.name = i.feed "
                f"WHERE i.id IN ({','.join('?' * len(chunk))})", chunk):
            found[row[0]] = ItemText(*row)
    return found
