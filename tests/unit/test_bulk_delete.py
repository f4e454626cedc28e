"""Prune deletes set by set (tui.core.cache.bulk_delete): what it leaves must be exactly what
deleting the same items row by row leaves, through the foreign keys' cascades and every
trigger (search index, mention hours, stories), and the triggers it sets aside come back."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from tests.bench.make_cache import bulk, plan
from tui.core.cache.store import Store
from tui.core.stories.grouping import settle

TABLES = ("items", "versions", "matches", "hits", "story_items", "stories", "story_stale",
          "story_dirty", "mention_dirty", "mention_hours")


def dump(store: Store) -> dict[str, list[tuple]]:
    conn = store.connection
    out = {table: sorted(map(tuple, conn.execute(f"SELECT * FROM {table}")), key=repr)
           for table in TABLES}
    out["schema"] = sorted(map(tuple, conn.execute("SELECT type, name, sql FROM sqlite_master")),
                           key=repr)
    out["search"] = [conn.execute("SELECT count(*) FROM items_fts WHERE items_fts MATCH ?",
                                  (word,)).fetchone()[0] for word in ("talks", "crimea", "grain")]
    return out


@pytest.fixture
def twins(tmp_path):
    """Two copies of one settled cache (items, versions, matches, hits, stories)."""
    (tmp_path / "a").mkdir()
    bulk(tmp_path / "a", plan(1_200, days=30), batch=400)
    first = Store.open(tmp_path / "a" / "cache")
    settle(first)
    first.close()
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    stores = Store.open(tmp_path / "a" / "cache"), Store.open(tmp_path / "b" / "cache")
    yield stores
    for store in stores:
        store.close()


def test_prune_leaves_what_deleting_row_by_row_leaves(twins):
    bulk_store, row_store = twins
    conn = bulk_store.connection
    cutoff = conn.execute("SELECT sort_time FROM items ORDER BY sort_time LIMIT 1 OFFSET 600"
                          ).fetchone()[0]
    now = cutoff + 10 * 86_400
    with row_store.transaction() as rows:
        expected = rows.execute(
            "DELETE FROM items WHERE sort_time < ? AND first_seen < ? AND starred = 0 "
            "AND id NOT IN (SELECT item_id FROM hits)", (cutoff, cutoff)).rowcount
    assert expected > 300

    assert bulk_store.prune(10, now=now) == expected

    assert dump(bulk_store) == dump(row_store)
    assert conn.execute("SELECT count(*) FROM story_stale").fetchone()[0] > 0
    assert conn.execute("INSERT INTO items_fts(items_fts, rank) VALUES ('integrity-check', 1)")


def test_a_prune_that_fails_leaves_everything_as_it_was(twins):
    store, untouched = twins
    before = dump(untouched)
    with pytest.raises(sqlite3.OperationalError), store.transaction() as conn:
        assert store.prune(10, now=conn.execute("SELECT max(sort_time) FROM items"
                                                ).fetchone()[0] + 20 * 86_400) > 0
        conn.execute("SELECT * FROM no_such_table")          # the caller's next write fails
    assert dump(store) == before


def test_prune_leaves_the_foreign_keys_on(twins):
    store, _ = twins
    store.prune(10, now=store.connection.execute("SELECT max(sort_time) FROM items"
                                                 ).fetchone()[0] + 20 * 86_400)
    assert store.connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.connection.execute("PRAGMA foreign_key_check").fetchall() == []
