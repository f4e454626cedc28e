"""The big-cache generator writes what refreshes would have stored: its bulk path and
`Store.ingest` give the same rows, the same search results and the same trend counts."""

from __future__ import annotations

import sqlite3

import pytest

from tests.bench.make_cache import bulk, plan, reference

TABLES = {
    "items": "SELECT * FROM items ORDER BY id",
    "versions": "SELECT * FROM versions ORDER BY item_id, number",
    "matches": 'SELECT item_id, field, start, "end", name, category, text FROM matches '
               "ORDER BY item_id, field, start",
    "hits": "SELECT alert, item_id, version, fired_at, seen, delivered, claimed_at FROM hits "
            "ORDER BY alert, item_id",
    "mention_hours": "SELECT * FROM mention_hours ORDER BY hour, category, name, language",
    "mention_dirty": "SELECT * FROM mention_dirty",
    "unread": "SELECT * FROM unread ORDER BY item_id",
    "feeds": "SELECT * FROM feeds ORDER BY name",
    "meta": "SELECT * FROM meta ORDER BY key",
}
SEARCHES = ['"crimea"', '"Крим"', '"talks"', '"updated"', '"Gespräche"', '"plant" OR "power"',
            '"ministry" AND "comment"', '"evacu"*']


@pytest.fixture(scope="module")
def caches(tmp_path_factory):
    planned = plan(1_200, days=20)
    fast, slow = tmp_path_factory.mktemp("bulk"), tmp_path_factory.mktemp("reference")
    bulk(fast, planned, batch=500)
    reference(slow, planned)
    connect = lambda folder: sqlite3.connect(folder / "cache" / "wirewatch.sqlite3")
    yield connect(fast), connect(slow)


@pytest.mark.parametrize("table", TABLES)
def test_bulk_rows_equal_ingested_rows(caches, table):
    fast, slow = caches
    rows = fast.execute(TABLES[table]).fetchall()
    assert rows == slow.execute(TABLES[table]).fetchall()
    if table not in ("mention_dirty",):
        assert rows, f"the generator left {table} empty: nothing was compared"


def test_generated_cache_is_varied(caches):
    fast, _ = caches
    languages = {row[0] for row in fast.execute(
        "SELECT language_tag FROM (SELECT coalesce(config_language, '') AS language_tag "
        "FROM feeds)")}
    assert len(languages) == 6
    assert fast.execute("SELECT count(DISTINCT feed) FROM items").fetchone()[0] == 20
    assert fast.execute("SELECT count(*) FROM items WHERE versions = 2").fetchone()[0] > 100
    assert fast.execute("SELECT count(*) FROM unread").fetchone()[0] > 100
    assert fast.execute("SELECT count(*) FROM items WHERE published IS NULL").fetchone()[0] > 10


@pytest.mark.parametrize("query", SEARCHES)
def test_bulk_search_index_finds_what_ingest_indexed(caches, query):
    fast, slow = caches
    sql = "SELECT rowid FROM items_fts WHERE items_fts MATCH ? ORDER BY rowid"
    found = fast.execute(sql, (query,)).fetchall()
    assert found == slow.execute(sql, (query,)).fetchall()
    assert found, f"{query} finds nothing: a vacuous comparison"


def test_bulk_cache_has_the_triggers_ingest_leaves(caches):
    fast, _ = caches
    triggers = {row[0] for row in fast.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"items_fts_delete", "items_fts_update"} <= triggers
    slow_triggers = {row[0] for row in caches[1].execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert triggers == slow_triggers
