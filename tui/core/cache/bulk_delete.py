"""Deleting many items at once (prune): set by set instead of row by row.

Deleting 100k items from a million one row at a time spent most of its time in the foreign
keys' cascades (a DELETE per child table per item) and in the search index's delete trigger
(one 'delete' command per item). Here the doomed ids go into a temp table first; every table
that refers to items loses their rows in one statement each (its own triggers still fire),
the search index is told in one statement fed from one SELECT, and only then are the items
deleted, with the search trigger and the per-match mention trigger set aside (the items'
own mention trigger marks the same hours), inside the caller's transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from tui.core.cache.schema import MENTION_MATCH_TRIGGERS

# Triggers whose work delete_items does in bulk (or that the items' own triggers cover).
_SET_ASIDE = ("items_fts_delete", *MENTION_MATCH_TRIGGERS)
DOOMED = "temp.doomed_items"


def item_children(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(table, column) of every table whose rows refer to items, whatever migrations made
    them: their rows go first, so no cascade is left to run row by row."""
    return [(table, column) for table, column in conn.execute(
        "SELECT m.name, f.\"from\" FROM sqlite_master m, pragma_foreign_key_list(m.name) f "
        "WHERE m.type = 'table' AND f.\"table\" = 'items' ORDER BY m.name")]


def delete_items(conn: sqlite3.Connection, select_ids: str, params: Sequence = ()) -> int:
    """Delete the items whose ids `select_ids` (a SELECT of one column) lists, with their
    versions, matches, story membership and search index entries; returns how many. Call it
    inside a write transaction: it is all or nothing with the caller's other writes."""
    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {DOOMED.split('.')[1]} "
                 "(id INTEGER PRIMARY KEY)")
    conn.execute(f"DELETE FROM {DOOMED}")
    conn.execute(f"INSERT INTO {DOOMED} (id) {select_ids}", params)
    doomed = f"(SELECT id FROM {DOOMED})"
    with _triggers_set_aside(conn, _SET_ASIDE) as aside:
        for table, column in item_children(conn):
            conn.execute(f'DELETE FROM "{table}" WHERE "{column}" IN {doomed}')
        if "items_fts_delete" in aside:
            conn.execute(
                "INSERT INTO items_fts (items_fts, rowid, title, summary, text) "
                "SELECT 'delete', id, title, summary, coalesce(text, content) FROM items "
                f"WHERE id IN {doomed}")
        count = conn.execute(f"DELETE FROM items WHERE id IN {doomed}").rowcount
    conn.execute(f"DELETE FROM {DOOMED}")
    return count


@contextmanager
def _triggers_set_aside(conn: sqlite3.Connection, names: Sequence[str]) -> Iterator[set[str]]:
    """Drop the named triggers that exist and create them again after (inside the caller's
    transaction: no other connection ever sees them gone); yields the names dropped."""
    rows = conn.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN "
        f"({','.join('?' * len(names))})", list(names)).fetchall()
    for name, _ in rows:
        conn.execute(f'DROP TRIGGER "{name}"')
    try:
        yield {name for name, _ in rows}
    finally:
        for _, sql in rows:
            conn.execute(sql)
