"""The fast ways of reading one page (tui/core/cache/paging.py) list exactly what the plain
query lists: a term tested by walking (EXISTS) or by listing (IN), a search walked newest first
in windows (decided by the index's newest matches, or by asking it over a window's ids), a
page past the middle read from the oldest end (`G`). Each way is forced in turn over a
generated cache of 20 feeds and six languages; a search's count, read from the index alone,
is the length of its list; pruning leaves nothing of what it removed behind."""

from __future__ import annotations

import dataclasses

import pytest

from tests.bench.make_cache import bulk, plan
from tui.core.cache import paging
from tui.core.cache.query import (
    ItemFilter,
    count_items,
    fts_query,
    list_items,
    next_unread_position,
)
from tui.core.cache.store import Store

FILTERS = {
    "everything": ItemFilter(),
    "a common category": ItemFilter(match="regions"),
    "a name": ItemFilter(match="Crimea"),
    "a rare name": ItemFilter(match="Kushner"),
    "a name nowhere": ItemFilter(match="Nobody"),
    "alerted": ItemFilter(alerted=True),
    "starred": ItemFilter(starred_only=True),
    "a common word": ItemFilter(search="talks"),
    "a prefix": ItemFilter(search="cri"),
    "two words": ItemFilter(search="Gespräche Genf"),
    "a word nowhere": ItemFilter(search="zzyzx"),
    "a word in feed content": ItemFilter(search="ministry"),
    "search, name and unread": ItemFilter(search="talks", match="negotiators",
                                          unread_only=True),
    "search in some feeds": ItemFilter(search="crimea", feeds=("Harbor Wire", "El Faro Diario",
                                                               "Kestrel Daily")),
    "category and alerted": ItemFilter(match="regions", alerted=True),
    "unread": ItemFilter(unread_only=True),
    "unread in some feeds": ItemFilter(unread_only=True, feeds=("Harbor Wire", "Kestrel Daily")),
    "unread with matches": ItemFilter(unread_only=True, matches_only=True),
}
WAYS = ("walk", "walk below the newest matches", "list")
SEARCHES = ("talks", "cri", "Gespräche Genf", "ministry", "crimea", "zzyzx", '"')


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("paging")
    bulk(folder, plan(3_000, days=40), batch=1_000)
    store = Store.open(folder / "cache")
    with store.transaction() as conn:
        # Hours that tie (the order falls back to the id), and items whose date is far from
        # when they were stored (a feed catching up on old items, a clock ahead): time order
        # is not id order, so a walk that followed ids would be caught.
        conn.execute("UPDATE items SET sort_time = CAST(sort_time / 7200 AS INTEGER) * 7200")
        conn.execute("UPDATE items SET sort_time = sort_time - 9 * 86400 WHERE id % 7 = 0")
        conn.execute("UPDATE items SET sort_time = sort_time + 5 * 86400 WHERE id % 11 = 0")
    yield store
    store.close()


@pytest.fixture(params=WAYS)
def way(request, monkeypatch):
    """Every term walked (and searches in small windows), or every term listed. Walking
    below the newest matches: the first read of the index holds one or two, so nearly every
    window asks the index over its own ids."""
    walk = request.param != "list"
    monkeypatch.setattr(paging, "worth_walking", lambda conn, want, cost: 1 if walk else 10**9)
    monkeypatch.setattr(paging, "FEW", 0)
    monkeypatch.setattr(paging, "MIN_WINDOW", 40)
    if request.param == "walk below the newest matches":
        monkeypatch.setattr(paging, "NEWEST_MATCHES", 0.01)
    return request.param


def everything(store, flt):
    return [item.row_id for item in list_items(store, flt, limit=None)]


def searched(store, words, where="1", params=()):
    """The items a search finds, newest first, read the plainest way (the reference)."""
    query = fts_query(words)
    if query is None:
        return []
    return [row[0] for row in store.connection.execute(
        f"SELECT id FROM items WHERE {where} AND id IN "
        "(SELECT rowid FROM items_fts WHERE items_fts MATCH ?) ORDER BY sort_time DESC, id DESC",
        [*params, query])]


@pytest.mark.parametrize("name", FILTERS)
@pytest.mark.parametrize("offset", [0, 30, 250])
def test_a_page_lists_what_the_whole_list_holds_there(store, way, name, offset):
    flt = FILTERS[name]
    page = [item.row_id for item in list_items(store, flt, limit=40, offset=offset)]
    assert page == everything(store, flt)[offset:offset + 40]


@pytest.mark.parametrize("name", FILTERS)
def test_the_last_pages_read_from_the_end_equal_the_pages_read_by_offset(store, way, name):
    flt = FILTERS[name]
    whole = everything(store, flt)
    total = count_items(store, flt)
    assert total == len(whole)
    for offset in {max(0, total - 40), max(0, total - 41), total // 2 + 1, total - 1, total}:
        from_end = list_items(store, flt, limit=40, offset=offset, total=total)
        by_offset = list_items(store, flt, limit=40, offset=offset)
        assert [i.row_id for i in from_end] == [i.row_id for i in by_offset] \
            == whole[offset:offset + 40]
        assert from_end == by_offset            # whole items: matches, alerts, marks


@pytest.mark.parametrize("name", ["everything", "a name", "search in some feeds"])
def test_the_next_unread_is_the_first_unread_below_the_cursor(store, way, name):
    """`.`: the unread items read first when they are few, walked to when they are many."""
    flt = FILTERS[name]
    whole = list_items(store, flt, limit=None)
    unread = [k for k, item in enumerate(whole) if not item.read]
    assert unread and len(unread) < len(whole)
    for at in (None, 0, 1, unread[0], len(whole) // 2, unread[-1], len(whole) - 1):
        row_id = whole[at].row_id if at is not None else None
        after = [k for k in unread if at is not None and k > at]
        expected = after[0] if after else unread[0]
        assert next_unread_position(store, flt, row_id) == expected


def test_the_filters_compared_are_not_vacuous(store):
    sizes = {name: count_items(store, flt) for name, flt in FILTERS.items()}
    assert sizes["everything"] == 3_000
    assert sizes["a name nowhere"] == sizes["a word nowhere"] == 0
    for name, size in sizes.items():
        if "nowhere" not in name:
            assert 0 < size, name
    assert sizes["a common category"] > 1_000 and sizes["a common word"] > 250


@pytest.mark.parametrize("words", SEARCHES)
def test_a_search_lists_and_counts_what_the_plain_query_finds(store, way, words):
    found = searched(store, words)
    for offset in (0, 30, 250):
        page = list_items(store, ItemFilter(search=words), limit=40, offset=offset)
        assert [item.row_id for item in page] == found[offset:offset + 40]
    assert count_items(store, ItemFilter(search=words)) == len(found)


def test_a_search_since_a_time_counts_the_items_first_seen_since(store):
    seen = sorted(row[0] for row in store.connection.execute("SELECT first_seen FROM items"))
    assert seen[0] < seen[-1]
    sizes = []
    for since in (seen[0] - 1, seen[len(seen) // 2], seen[-50], seen[-1]):
        flt = ItemFilter(search="talks", since=since)
        found = searched(store, "talks", "first_seen > ?", [since])
        assert count_items(store, flt) == len(found) == len(everything(store, flt))
        sizes.append(len(found))
    assert sizes[0] > sizes[1] > sizes[2] > 0 == sizes[3]


def test_a_common_search_at_the_top_of_the_cache_asks_the_index_once(tmp_path, monkeypatch):
    """Ids follow the time order (as when items are stored as they come): the newest matches
    by id decide the first page, with no further query of the index."""
    bulk(tmp_path, plan(2_000, days=20), batch=1_000)
    store = Store.open(tmp_path / "cache")
    monkeypatch.setattr(paging, "worth_walking", lambda conn, want, cost: 1)
    asked: list[str] = []
    store.connection.set_trace_callback(
        lambda sql: asked.append(sql) if "MATCH" in sql and not sql.startswith("--") else None)
    page = list_items(store, ItemFilter(search="talks"), limit=40)
    store.connection.set_trace_callback(None)
    assert [item.row_id for item in page] == searched(store, "talks")[:40]
    assert len(page) == 40 and len(asked) == 1, asked
    store.close()


def test_a_walked_search_and_a_listed_one_give_the_same_items(store, monkeypatch):
    pages = {}
    for way in WAYS:
        monkeypatch.setattr(paging, "worth_walking",
                            lambda conn, want, cost, walk=(way == "walk"): 1 if walk else 10**9)
        monkeypatch.setattr(paging, "MIN_WINDOW", 25)
        pages[way] = list_items(store, ItemFilter(search="talks"), limit=100, offset=20)
    assert pages["walk"] == pages["list"] and len(pages["walk"]) == 100


def test_a_sparse_search_gives_up_walking_and_lists(store, monkeypatch):
    monkeypatch.setattr(paging, "worth_walking", lambda conn, want, cost: 1)
    monkeypatch.setattr(paging, "MIN_WINDOW", 5)
    monkeypatch.setattr(paging, "MAX_WINDOWS", 1)
    monkeypatch.setattr(paging, "NEWEST_MATCHES", 0.1)
    flt = ItemFilter(search="Gespräche")
    assert [i.row_id for i in list_items(store, flt, limit=30)] == everything(store, flt)[:30]


def test_prune_takes_an_items_versions_matches_and_index_entries_and_spares_alerted(tmp_path):
    bulk(tmp_path, plan(1_500, days=30), batch=500)
    store = Store.open(tmp_path / "cache")
    conn = store.connection
    alerted = {row[0] for row in conn.execute("SELECT item_id FROM hits")}
    starred = {row[0] for row in conn.execute("SELECT id FROM items WHERE starred = 1")}
    cutoff = conn.execute("SELECT sort_time FROM items ORDER BY sort_time "
                          "LIMIT 1 OFFSET 700").fetchone()[0]
    old = {row[0] for row in conn.execute(
        "SELECT id FROM items WHERE sort_time < ? AND first_seen < ?", (cutoff, cutoff))}
    gone = old - alerted - starred
    assert len(gone) > 500 and old & alerted, "the cache must hold old alerted items"
    searchable = conn.execute("SELECT count(*) FROM items_fts WHERE items_fts MATCH 'talks'"
                              ).fetchone()[0]

    assert store.prune(10, now=cutoff + 10 * 86_400) == len(gone)

    marks = ",".join(map(str, gone))
    for table, column in [("items", "id"), ("versions", "item_id"), ("matches", "item_id"),
                          ("hits", "item_id"), ("items_fts", "rowid")]:
        assert conn.execute(f"SELECT count(*) FROM {table} WHERE {column} IN ({marks})"
                            ).fetchone()[0] == 0, table
    kept = {row[0] for row in conn.execute("SELECT item_id FROM hits")}
    assert kept == alerted
    left = conn.execute("SELECT count(*) FROM items_fts WHERE items_fts MATCH 'talks'"
                        ).fetchone()[0]
    assert 0 < left < searchable
    for words in SEARCHES:       # the index's own count still counts the items left
        assert count_items(store, ItemFilter(search=words)) == len(searched(store, words))
    assert left == count_items(store, dataclasses.replace(ItemFilter(), search="talks"))
    store.close()
