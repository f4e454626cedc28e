"""Keeping the cache sound: `wirewatch repair` checks it and rebuilds its full-text index
(a damaged index makes every search fail; the items themselves are intact)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from tui.core.cache.schema import (
    SEARCH_INDEX,
    SEARCH_INDEX_TABLES,
    SEARCH_INDEX_TRIGGERS,
    statements,
)
from tui.core.cache.store import Store


@dataclass(frozen=True)
class RepairReport:
    problems: list[str]           # what SQLite's integrity check found (empty: none)
    index_was_damaged: bool
    items_indexed: int


def search_index_damaged(store: Store) -> bool:
    try:
        store.connection.execute(
            "INSERT INTO items_fts(items_fts, rank) VALUES ('integrity-check', 1)")
    except sqlite3.DatabaseError:
        return True
    return False


def repair(store: Store) -> RepairReport:
    """Check the whole file, then rebuild the search index from the items."""
    damaged = search_index_damaged(store)
    try:
        with store.transaction() as conn:
            conn.execute("INSERT INTO items_fts(items_fts) VALUES ('rebuild')")
    except sqlite3.DatabaseError:
        _recreate_search_index(store)         # too damaged to rebuild in place
    problems = [row[0] for row in store.connection.execute("PRAGMA integrity_check")
                if row[0] != "ok"]
    indexed = store.connection.execute("SELECT count(*) FROM items").fetchone()[0]
    store.connection.execute("PRAGMA optimize")
    return RepairReport(problems, damaged, indexed)


def _recreate_search_index(store: Store) -> None:
    """An index whose own bookkeeping is gone cannot even be dropped (SQLite must open it to
    drop it): its schema row is removed by hand, its tables and triggers dropped, and it is
    created anew and filled from the items."""
    with store.transaction() as conn:
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute("DELETE FROM sqlite_master WHERE type = 'table' AND name = 'items_fts'")
        conn.execute("PRAGMA writable_schema = OFF")
    store.close()                             # every connection forgets the old schema
    with store.transaction() as conn:
        for table in SEARCH_INDEX_TABLES:
            conn.execute(f"DROP TABLE IF EXISTS {table}")
        for trigger in SEARCH_INDEX_TRIGGERS:
            conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        for statement in statements(SEARCH_INDEX):
            conn.execute(statement)
        conn.execute("INSERT INTO items_fts(items_fts) VALUES ('rebuild')")
