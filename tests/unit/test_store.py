import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.support.feedgen import item, rss
from tui.core.cache.query import ItemFilter, count_items, find_item, list_items
from tui.core.cache.schema import SCHEMA_VERSION, SchemaTooNew
from tui.core.cache.store import Store
from tui.core.ingest.feeds import parse_feed

ROOT = Path(__file__).resolve().parents[2]


def ingest(store: Store, feed: str, items: list[dict], now: float | None = None):
    return store.ingest(feed, parse_feed(rss(items)),
                        now=now or time.time(), matcher=None)


def test_new_items_then_nothing_new(tmp_path):
    store = Store.open(tmp_path)
    first = ingest(store, "A", [item(1), item(2)])
    again = ingest(store, "A", [item(1), item(2)])
    assert len(first.new) == 2 and again.new == [] and again.updated == []
    assert count_items(store) == 2


def test_same_guid_in_two_feeds_is_two_items(tmp_path):
    store = Store.open(tmp_path)
    ingest(store, "A", [item(1)])
    ingest(store, "B", [item(1)])
    assert count_items(store) == 2


def test_changed_title_is_a_new_version_not_a_new_row(tmp_path):
    store = Store.open(tmp_path)
    ingest(store, "A", [item(1, title="Plan has 28 points")])
    result = ingest(store, "A", [item(1, title="Plan cut to 19 points")])
    assert result.new == [] and len(result.updated) == 1
    [headline] = list_items(store)
    assert headline.title == "Plan cut to 19 points" and headline.versions == 2
    assert headline.changed
    versions = store.connection.execute(
        "SELECT number, title FROM versions ORDER BY number").fetchall()
    assert [tuple(v) for v in versions] == [(1, "Plan has 28 points"), (2, "Plan cut to 19 points")]


def test_whitespace_only_change_is_not_a_version(tmp_path):
    store = Store.open(tmp_path)
    ingest(store, "A", [item(1, title="Plan  has 28 points")])
    result = ingest(store, "A", [item(1, title="Plan has 28 points ")])
    assert result.updated == []


def test_flip_flop_does_not_make_endless_versions(tmp_path):
    store = Store.open(tmp_path)
    for title in ["A", "B", "A", "B", "A"]:
        ingest(store, "F", [item(1, title=title)])
    [headline] = list_items(store)
    assert headline.versions == 2
    assert headline.title == "A"          # what the outlet says now, not the last new wording


def test_item_ids_are_short_and_stable(tmp_path):
    store = Store.open(tmp_path)
    ingest(store, "A", [item(1)])
    uid = list_items(store)[0].uid
    other = Store.open(tmp_path / "other")
    ingest(other, "A", [item(1)])
    assert list_items(other)[0].uid == uid and len(uid) == 10
    assert find_item(store, uid[:6]).uid == uid


@pytest.mark.parametrize("query", ["covid-19", "at&t", '"', "Zelensky's", "a OR", "NEAR(", "*"])
def test_search_never_errors_on_user_text(tmp_path, query):
    store = Store.open(tmp_path)
    ingest(store, "A", [item(1, title="covid-19 and at&t news"), item(2)])
    found = list_items(store, ItemFilter(search=query))
    if query in ("covid-19", "at&t"):
        assert [h.title for h in found] == ["covid-19 and at&t news"]


def test_search_finds_words_ignoring_diacritics_and_case(tmp_path):
    store = Store.open(tmp_path)
    ingest(store, "A", [item(1, title="Selenskyj trifft Präsidenten"), item(2, title="Other")])
    assert len(list_items(store, ItemFilter(search="prasidenten"))) == 1
    assert len(list_items(store, ItemFilter(search="SELENS"))) == 1


def test_prune_keeps_starred_items(tmp_path):
    store = Store.open(tmp_path)
    old = time.time() - 100 * 86400
    ingest(store, "A", [item(1, published="Mon, 01 Jan 2024 00:00:00 GMT"),
                        item(2, published="Mon, 01 Jan 2024 00:00:00 GMT"), item(3)], now=old)
    store.connection.execute("UPDATE items SET starred = 1 WHERE key = 'urn:test:2'")
    assert store.prune(90) == 1
    assert {h.title for h in list_items(store)} == {"Headline 2", "Headline 3"}


def test_schema_is_versioned_and_a_newer_cache_is_refused(tmp_path):
    Store.open(tmp_path).close()
    conn = sqlite3.connect(tmp_path / "wirewatch.sqlite3")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(SchemaTooNew):
        Store.open(tmp_path)


WRITER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    from tests.support.feedgen import item, rss
    from tui.core.ingest.feeds import parse_feed
    from tui.core.cache.store import Store
    store = Store.open(sys.argv[1])
    prefix = sys.argv[2]
    for n in range(30):
        doc = parse_feed(rss([item(i, guid=f"{{prefix}}-{{n}}-{{i}}") for i in range(40)]))
        store.ingest(f"{{prefix}}{{n}}", doc, now=time.time(), matcher=None)
    print("done")
""")


def test_two_processes_on_one_cache_neither_fails_nor_corrupts(tmp_path):
    Store.open(tmp_path).close()
    script = WRITER.format(root=str(ROOT))
    procs = [subprocess.Popen([sys.executable, "-c", script, str(tmp_path), p],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for p in ("x", "y")]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert "database is locked" not in err
    store = Store.open(tmp_path)
    assert count_items(store) == 2 * 30 * 40
    assert store.connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


CRASHER = textwrap.dedent("""
    import os, sys, time
    sys.path.insert(0, {root!r})
    from tests.support.feedgen import item, rss
    from tui.core.ingest.feeds import parse_feed
    from tui.core.cache import store as store_module
    store = store_module.Store.open(sys.argv[1])
    store.ingest("good", parse_feed(rss([item(i) for i in range(10)])),
                 now=time.time(), matcher=None)
    def dying_index(conn, first_id, last_id):
        assert conn.execute("SELECT count(*) FROM items WHERE feed = 'doomed'").fetchone()[0]
        os._exit(9)   # the power goes out half-way through a feed: its items written, not all
    store_module.index_items = dying_index
    store.ingest("doomed", parse_feed(rss([item(i) for i in range(10)])),
                 now=time.time(), matcher=None)
""")


def test_a_crash_mid_write_leaves_the_cache_whole(tmp_path):
    proc = subprocess.run([sys.executable, "-c", CRASHER.format(root=str(ROOT)), str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 9, proc.stderr
    store = Store.open(tmp_path)
    assert store.connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    feeds = {h.feed for h in list_items(store, limit=None)}
    assert feeds == {"good"} and count_items(store) == 10


def fts_index_agrees_with_items(store: Store) -> None:
    """FTS5's own check that the index holds exactly what the items say (rank 1: against
    the content table); raises when a new item was not indexed or an old entry lingers.
    Only for items without feed content: the index holds that content where `text` is
    empty, which the check (reading the `text` column) would call a mismatch."""
    store.connection.execute("INSERT INTO items_fts(items_fts, rank) VALUES ('integrity-check', 1)")


def test_new_items_are_found_by_search_without_an_insert_trigger(tmp_path):
    store = Store.open(tmp_path)
    assert store.connection.execute(
        "SELECT count(*) FROM sqlite_master WHERE name = 'items_fts_insert'").fetchone()[0] == 0
    ingest(store, "A", [item(1, title="Talks in Geneva"), item(2, title="Harbour reopens")])
    ingest(store, "B", [item(3, title="Geneva again", content="<p>Full text: Donetsk</p>")])
    ingest(store, "A", [item(1, title="Talks in Geneva end"), item(2, title="Harbour reopens"),
                        item(4, title="Ceasefire in Donetsk")])
    found = {i.title for i in list_items(store, ItemFilter(search="geneva"), limit=None)}
    assert found == {"Talks in Geneva end", "Geneva again"}
    found = {i.title for i in list_items(store, ItemFilter(search="donetsk"), limit=None)}
    assert found == {"Geneva again", "Ceasefire in Donetsk"}
    assert {i.title for i in list_items(store, ItemFilter(search="talks in"), limit=None)} \
        == {"Talks in Geneva end"}


def test_search_finds_the_same_as_an_index_rebuilt_from_the_items(tmp_path):
    store = Store.open(tmp_path)
    for n in range(3):
        ingest(store, f"F{n}", [item(n * 10 + i, title=f"Headline {i} of feed {n} kyiv")
                                for i in range(5)])
    fts_index_agrees_with_items(store)
    before = [i.uid for i in list_items(store, ItemFilter(search="kyiv"), limit=None)]
    with store.transaction() as conn:
        conn.execute("INSERT INTO items_fts(items_fts) VALUES ('rebuild')")
    after = [i.uid for i in list_items(store, ItemFilter(search="kyiv"), limit=None)]
    assert len(before) == 15 and before == after


def test_new_item_ids_follow_on_from_the_largest(tmp_path):
    store = Store.open(tmp_path)
    first = ingest(store, "A", [item(1), item(2), item(3)])
    store.connection.execute("DELETE FROM items WHERE id = ?", (first.new[1],))
    second = ingest(store, "A", [item(4), item(5)])
    assert second.new == [first.new[-1] + 1, first.new[-1] + 2]


def test_a_transaction_inside_another_is_undone_alone(tmp_path):
    store = Store.open(tmp_path)
    with store.transaction():
        ingest(store, "kept", [item(1)])
        with pytest.raises(RuntimeError), store.transaction() as conn:
            conn.execute("INSERT INTO meta(key, value) VALUES ('gone', 'x')")
            raise RuntimeError("this feed fails")
        ingest(store, "also kept", [item(2)])
    assert {i.feed for i in list_items(store, limit=None)} == {"kept", "also kept"}
    assert store.meta("gone") is None
    fts_index_agrees_with_items(store)


def test_item_ids_are_the_base32_spelling_of_their_hash_as_ever():
    """Ids are stable across versions (users keep them in scripts and notes): the fast
    encoder spells exactly what base64.b32encode did, for every kind of key."""
    import base64
    import hashlib
    import random

    from tui.core.cache.store import make_uid

    rng = random.Random(5)
    keys = ["urn:1", "", "https://news.example/a?b=c", "Зеленський", "\udcff lone surrogate",
            *("".join(chr(rng.randrange(1, 0x2FFF)) for _ in range(rng.randrange(40)))
              for _ in range(3_000))]
    for feed in ("Harbor Wire", "Тагесшау", ""):
        for key in keys:
            digest = hashlib.sha1(f"{feed}\x00{key}".encode("utf-8", "surrogatepass")).digest()
            assert make_uid(feed, key) == base64.b32encode(digest)[:10].decode().lower()
    assert make_uid("Harbor Wire", "urn:1") == "23epg7un6b"     # what earlier caches hold


def test_a_batch_sqlite_undid_for_a_full_disk_fails_whole_for_that_reason(tmp_path):
    """A full disk makes SQLite roll back the whole transaction, not only the failing
    statement: the feeds stored before it in the batch are gone too, so the batch fails as a
    whole, and a feed after it must not quietly begin (and commit) a transaction of its own."""
    from tui.core.cache.store import TransactionLost

    store = Store.open(tmp_path / "cache")
    conn = store.connection
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages + 40}")
    after: list[BaseException] = []
    with pytest.raises(TransactionLost, match="database or disk is full; nothing of this batch"):
        with store.batch():
            ingest(store, "before", [item(1)])
            with pytest.raises(sqlite3.DatabaseError, match="full"):
                ingest(store, "big", [item(n, content="y " * 50_000) for n in range(40)])
            try:
                ingest(store, "after", [item(2)])
            except TransactionLost as error:
                after.append(error)
    assert len(after) == 1 and "database or disk is full" in str(after[0])
    conn.execute(f"PRAGMA max_page_count = {pages + 100_000}")
    assert list_items(store) == []                      # nothing of the batch, as reported
    ingest(store, "after", [item(2)])                   # and the cache works on
    assert [i.feed for i in list_items(store)] == ["after"]
    store.close()


def test_the_write_ahead_log_shrinks_back_after_a_big_write(tmp_path, monkeypatch):
    """A big write (a first refresh, a prune, a re-match over a big cache) leaves a log as big
    as what it wrote; a dashboard or `watch` left running must not keep it on disk (the limit
    is made small here, the write too)."""
    import tui.core.cache.store as store_module

    monkeypatch.setattr(store_module, "WAL_SIZE_LIMIT", 64 * 1024)
    store = Store.open(tmp_path)
    # SQLite checkpoints the log once it passes this many pages (1,000 by default: 4 MB).
    store.connection.execute("PRAGMA wal_autocheckpoint = 50")
    ingest(store, "A", [item(n, summary="words " * 200) for n in range(400)])
    wal = tmp_path / "wirewatch.sqlite3-wal"
    assert wal.stat().st_size > 4 * 64 * 1024
    ids = [row[0] for row in store.connection.execute("SELECT id FROM items")]
    store.set_read(ids[:1], True)           # the next write starts the log over, cut short
    assert wal.stat().st_size <= 64 * 1024 + 16 * 4096
    assert count_items(store, ItemFilter(unread_only=True)) == 399
    store.close()


def test_a_cache_from_before_the_unread_table_keeps_its_read_marks(tmp_path):
    """Schema step 12 moves the read marks out of the wide item rows into `unread`: every
    mark survives the upgrade, and the old column can no longer be read by mistake."""
    from tests.support.old_caches import before_unread_table

    store = Store.open(tmp_path)
    ingest(store, "A", [item(n) for n in range(6)])
    ids = [row[0] for row in store.connection.execute("SELECT id FROM items ORDER BY id")]
    store.set_read(ids[::2], True)
    store.close()
    with sqlite3.connect(tmp_path / "wirewatch.sqlite3") as conn:     # as schema 11 left it
        before_unread_table(conn)
        conn.execute("PRAGMA user_version = 11")
        assert [r[0] for r in conn.execute("SELECT read FROM items ORDER BY id")] == [1, 0] * 3
    store = Store.open(tmp_path)
    try:
        conn = store.connection
        assert [i.read for i in sorted(list_items(store, limit=None), key=lambda i: i.row_id)] \
            == [True, False] * 3
        assert {r[0] for r in conn.execute("SELECT item_id FROM unread")} == set(ids[1::2])
        assert [r[0] for r in conn.execute("SELECT feed FROM unread")] == ["A"] * 3
        with pytest.raises(sqlite3.OperationalError, match="no such column: read"):
            conn.execute("SELECT read FROM items")
        assert count_items(store, ItemFilter(unread_only=True)) == 3
    finally:
        store.close()


def test_marking_read_and_unread_leaves_the_item_rows_alone(tmp_path):
    """Read marks live in the narrow `unread` table: a bulk mark rewrites none of the wide item
    rows (at a million items, marking 250,000 read rewrote 400 MB of pages, 3 s)."""
    store = Store.open(tmp_path)
    ingest(store, "A", [item(n, summary="words " * 100) for n in range(20)])
    ids = [row[0] for row in store.connection.execute("SELECT id FROM items ORDER BY id")]
    written: list[str] = []
    store.connection.set_trace_callback(written.append)
    store.set_read(ids, True)
    assert count_items(store, ItemFilter(unread_only=True)) == 0
    store.set_read(ids[:5], False)
    store.connection.set_trace_callback(None)
    assert not [s for s in written if s.lstrip().upper().startswith("UPDATE ITEMS")]
    assert {i.row_id for i in list_items(store, ItemFilter(unread_only=True))} == set(ids[:5])
    store.close()
