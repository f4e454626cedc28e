"""Reading the cache (tui/core/cache/query.py) on a real SQLite cache filled the way a refresh
fills it (Store.ingest with the watchlist's matcher, alert rules evaluated on the items).

`wirewatch headlines` and the dashboard's table rely on these queries for what a user sees:
filters that combine, newest first, windows that add up to the whole list, positions that stay
put when newer items arrive, search that takes any text as plain words, and counts that agree
with the lists they summarise.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import timedelta

import pytest

from tests.support.cachegen import FIXED_NOW, config_text, entry
from tui.core.alerts.rules import RuleSet, evaluate_all
from tui.core.cache.query import (
    ItemFilter,
    count_items,
    feed_counts,
    find_item,
    fts_query,
    item_position,
    item_texts,
    links_of,
    list_items,
    stored_versions,
)
from tui.core.cache.store import Store, make_uid
from tui.core.config.load import parse_config
from tui.core.ingest.feeds import ParsedFeed
from tui.core.session import build_watcher

CONFIG = parse_config(config_text())
WATCHER = build_watcher(CONFIG)
NOW = FIXED_NOW.timestamp()

# (feed, n, title, hours before FIXED_NOW; None = the feed gives no date)
ITEMS = [
    ("Harbor Wire", 1, "Witkoff carries a plan to Moscow", 1.0),
    ("Harbor Wire", 2, "Crimea recognition stays off the table", 2.0),
    ("Harbor Wire", 3, "Grain exports rise for a third month", 3.0),
    ("Kestrel Daily", 4, "Lavrov talks on Zaporizhzhia plant", 0.5),
    ("Kestrel Daily", 5, "covid-19 and at&t outage", 4.0),
    ("Kestrel Daily", 6, "Kherson shelling cuts power", None),
    ("Tageskompass", 7, "Selenskyj trifft Präsidenten", 5.0),
]
NEWEST_FIRST = [
    "Kherson shelling cuts power",               # undated: sorted by when it was first seen
    "Lavrov talks on Zaporizhzhia plant",
    "Witkoff carries a plan to Moscow",
    "Crimea recognition stays off the table",
    "Grain exports rise for a third month",
    "covid-19 and at&t outage",
    "Selenskyj trifft Präsidenten",
]


def ingest(store: Store, feed: str, entries: list, *, now: float = NOW):
    return store.ingest(feed, ParsedFeed(title=feed, language="en", entries=entries),
                        now=now, matcher=WATCHER)


def dated(feed: str, n: int, title: str, hours: float | None):
    return entry(feed, n, title, None if hours is None else FIXED_NOW - timedelta(hours=hours))


@pytest.fixture
def store(tmp_path) -> Iterator[Store]:
    store = Store.open(tmp_path)
    for feed in dict.fromkeys(feed for feed, *_ in ITEMS):
        ingest(store, feed, [dated(*item) for item in ITEMS if item[0] == feed])
    evaluate_all(store, RuleSet(CONFIG))
    yield store
    store.close()


def titles(items) -> list[str]:
    return [item.title for item in items]


def row_id(store: Store, title: str) -> int:
    return next(item.row_id for item in list_items(store, limit=None) if item.title == title)


# --- lists -----------------------------------------------------------------------------------


def test_items_come_newest_first_with_undated_ones_at_first_sight(store):
    items = list_items(store)
    assert titles(items) == NEWEST_FIRST
    undated = items[0]
    assert undated.published is None and not undated.date_known
    assert undated.when == undated.first_seen == FIXED_NOW
    assert items[1].published == FIXED_NOW - timedelta(minutes=30) and items[1].date_known


def test_windows_of_the_list_add_up_to_the_whole_list(store):
    windows = [list_items(store, limit=3, offset=offset) for offset in (0, 3, 6, 9)]
    assert [len(w) for w in windows] == [3, 3, 1, 0]
    assert titles(item for window in windows for item in window) == NEWEST_FIRST
    assert titles(list_items(store, limit=None)) == NEWEST_FIRST


def test_an_item_carries_its_matches_and_alerts(store):
    crimea = next(i for i in list_items(store) if i.title.startswith("Crimea"))
    assert crimea.alerts == ["Crimea recognition"]
    assert {(m.name, m.category) for m in crimea.matches} == {("Crimea", "regions")}
    assert {m.field for m in crimea.matches} == {"title", "summary"}
    title_match = next(m for m in crimea.matches if m.field == "title")
    assert crimea.title[title_match.start:title_match.end] == title_match.text == "Crimea"
    grain = next(i for i in list_items(store) if i.title.startswith("Grain"))
    assert grain.alerts == [] and grain.matches == []


def test_an_item_as_json_has_the_documented_fields(store):
    item = next(i for i in list_items(store) if i.title.startswith("Lavrov"))
    data = item.to_json()
    assert data["id"] == item.uid and data["feed"] == "Kestrel Daily"
    assert data["url"] == "https://news.example/kest/4"
    assert data["published"] == "2025-11-21T11:30:00Z"
    assert {(m["name"], m["category"]) for m in data["matches"]} == {
        ("Lavrov", "negotiators"), ("Zaporizhzhia", "regions")}


def test_a_feed_filter_keeps_only_those_feeds(store):
    assert titles(list_items(store, ItemFilter(feeds=("Harbor Wire",)))) == NEWEST_FIRST[2:5]
    both = list_items(store, ItemFilter(feeds=("Harbor Wire", "Tageskompass")))
    assert {i.feed for i in both} == {"Harbor Wire", "Tageskompass"} and len(both) == 4
    assert list_items(store, ItemFilter(feeds=("Nowhere",))) == []


def test_a_period_filter_keeps_items_dated_in_it_start_included_end_not(store):
    hour = 3600
    period = (NOW - 3 * hour, NOW - 1 * hour)
    assert titles(list_items(store, ItemFilter(period=period))) == [
        "Crimea recognition stays off the table", "Grain exports rise for a third month"]
    both = ItemFilter(period=(NOW - 5 * hour, NOW), match="regions")
    assert titles(list_items(store, both)) == ["Lavrov talks on Zaporizhzhia plant",
                                               "Crimea recognition stays off the table"]
    assert count_items(store, ItemFilter(period=(NOW + hour, NOW + 2 * hour))) == 0


def test_a_match_filter_takes_a_watched_name_or_a_category(store):
    assert titles(list_items(store, ItemFilter(match="Zelensky"))) == [
        "Selenskyj trifft Präsidenten"]
    assert titles(list_items(store, ItemFilter(match="regions"))) == [
        "Kherson shelling cuts power", "Lavrov talks on Zaporizhzhia plant",
        "Crimea recognition stays off the table"]


def test_matches_only_keeps_items_naming_a_watched_term(store):
    found = titles(list_items(store, ItemFilter(matches_only=True)))
    assert found == [t for t in NEWEST_FIRST if not t.startswith(("Grain", "covid"))]


def test_alerted_keeps_items_that_fired_a_rule(store):
    assert titles(list_items(store, ItemFilter(alerted=True))) == [
        "Crimea recognition stays off the table"]


def test_unread_and_starred_follow_the_users_marks(store):
    lavrov, grain = row_id(store, NEWEST_FIRST[1]), row_id(store, NEWEST_FIRST[4])
    store.set_read([lavrov, grain])
    assert store.toggle_star(grain) is True
    unread = titles(list_items(store, ItemFilter(unread_only=True)))
    assert unread == [t for t in NEWEST_FIRST if t not in (NEWEST_FIRST[1], NEWEST_FIRST[4])]
    assert titles(list_items(store, ItemFilter(starred_only=True))) == [NEWEST_FIRST[4]]
    store.set_read([lavrov], read=False)
    assert store.toggle_star(grain) is False
    assert count_items(store, ItemFilter(unread_only=True)) == 6
    assert count_items(store, ItemFilter(starred_only=True)) == 0


def test_filters_combine(store):
    flt = ItemFilter(feeds=("Kestrel Daily",), match="regions")
    assert titles(list_items(store, flt)) == NEWEST_FIRST[:2]
    store.set_read([row_id(store, NEWEST_FIRST[0])])
    assert titles(list_items(store, dataclasses.replace(flt, unread_only=True))) == [
        NEWEST_FIRST[1]]
    assert list_items(store, dataclasses.replace(flt, alerted=True)) == []


FILTERS = [
    ItemFilter(),
    ItemFilter(feeds=("Kestrel Daily",)),
    ItemFilter(match="negotiators"),
    ItemFilter(matches_only=True),
    ItemFilter(alerted=True),
    ItemFilter(search="plan"),
    ItemFilter(search='"'),
    ItemFilter(feeds=("Harbor Wire", "Kestrel Daily"), matches_only=True, search="Moscow"),
    ItemFilter(search="plan", since=NOW - 1),
    ItemFilter(search="plan", since=NOW),
]


@pytest.mark.parametrize("flt", FILTERS, ids=lambda flt: repr(flt)[11:60])
def test_counts_agree_with_the_lists(store, flt):
    assert count_items(store, flt) == len(list_items(store, flt, limit=None))


# --- positions -------------------------------------------------------------------------------


@pytest.mark.parametrize("flt", FILTERS, ids=lambda flt: repr(flt)[11:60])
def test_every_items_position_is_its_place_in_the_list(store, flt):
    listed = list_items(store, flt, limit=None)
    for index, item in enumerate(listed):
        assert item_position(store, flt, item.row_id) == index
    left_out = {i.row_id for i in list_items(store, limit=None)} - {i.row_id for i in listed}
    for row in left_out:
        assert item_position(store, flt, row) is None


def test_a_position_moves_down_by_the_newer_items_that_arrive(store):
    witkoff = row_id(store, "Witkoff carries a plan to Moscow")
    assert item_position(store, ItemFilter(), witkoff) == 2
    ingest(store, "Tageskompass", [dated("Tageskompass", 20, "Eilmeldung aus Genf", 0.1),
                                   dated("Tageskompass", 21, "Older news", 9.0)])
    assert item_position(store, ItemFilter(), witkoff) == 3
    assert list_items(store, limit=1, offset=3)[0].row_id == witkoff


def test_items_published_at_the_same_moment_keep_one_stable_order(tmp_path):
    store = Store.open(tmp_path)
    for n, feed in enumerate(("Harbor Wire", "Kestrel Daily", "Tageskompass"), start=1):
        ingest(store, feed, [dated(feed, n, f"Same minute {n}", 1.0)])
    listed = list_items(store)
    assert titles(listed) == ["Same minute 3", "Same minute 2", "Same minute 1"]
    assert [item_position(store, ItemFilter(), i.row_id) for i in listed] == [0, 1, 2]
    assert titles(list_items(store, limit=1, offset=1)) == ["Same minute 2"]
    store.close()


def test_an_unknown_item_has_no_position(store):
    assert item_position(store, ItemFilter(), 10_000) is None


# --- search ----------------------------------------------------------------------------------


def test_search_words_are_quoted_and_the_last_is_a_prefix():
    assert fts_query("peace plan") == '"peace" "plan"*'
    assert fts_query("covid-19") == '"covid-19"*'
    assert fts_query("Zelensky's") == "\"Zelensky's\"*"
    assert fts_query('NEAR(a b) OR c*') == '"NEAR" "a" "b" "OR" "c"*'


@pytest.mark.parametrize("text", ["", "   ", '"', "*", "()", None])
def test_text_without_words_is_no_query(text):
    assert fts_query(text) is None


@pytest.mark.parametrize("text, expected", [
    ("covid-19", ["covid-19 and at&t outage"]),
    ("at&t", ["covid-19 and at&t outage"]),
    ("moscow plan", ["Witkoff carries a plan to Moscow"]),
    ("mosc", ["Witkoff carries a plan to Moscow"]),
    ("PRASIDENTEN", ["Selenskyj trifft Präsidenten"]),
    ('"', []),
    ("*", []),
    ("a OR", []),
    ("NEAR(", []),
    ("title:Crimea", []),
    ("-Crimea", ["Crimea recognition stays off the table"]),
])
def test_search_takes_user_text_as_words(store, text, expected):
    assert titles(list_items(store, ItemFilter(search=text))) == expected


def test_search_reaches_the_summary_the_feeds_content_and_the_article_text(tmp_path):
    store = Store.open(tmp_path)
    item = dataclasses.replace(dated("Harbor Wire", 1, "Talks resume", 1.0),
                               summary="Delegations meet in Geneva",
                               content="Negotiators discussed the grain corridor")
    [row] = ingest(store, "Harbor Wire", [item]).new
    assert len(list_items(store, ItemFilter(search="geneva"))) == 1
    assert len(list_items(store, ItemFilter(search="corridor"))) == 1
    with store.transaction() as conn:
        store.add_version(conn, row, title="Talks resume", summary="Delegations meet in Geneva",
                          text="The article page mentions Istanbul instead", now=NOW + 60)
    assert len(list_items(store, ItemFilter(search="istanbul"))) == 1
    assert list_items(store, ItemFilter(search="corridor")) == []
    store.close()


# --- single items ----------------------------------------------------------------------------


def test_an_item_is_found_by_its_id_or_a_unique_prefix(store):
    item = list_items(store)[3]
    assert find_item(store, item.uid).row_id == item.row_id
    assert find_item(store, item.uid[:4]).row_id == item.row_id
    assert find_item(store, f"  {item.uid[:6].upper()} ").row_id == item.row_id
    assert find_item(store, item.uid[:3]) is None
    assert find_item(store, "zzzzzzzzzz") is None


def test_a_prefix_shared_by_two_items_finds_neither(tmp_path):
    feed, seen, pair = "Harbor Wire", {}, None
    for n in range(50_000):
        prefix = make_uid(feed, f"urn:{feed}:{n}")[:4]
        if prefix in seen:
            pair = (seen[prefix], n)
            break
        seen[prefix] = n
    assert pair is not None
    store = Store.open(tmp_path)
    ingest(store, feed, [dated(feed, n, f"Item {n}", 1.0) for n in pair])
    uids = [i.uid for i in list_items(store)]
    assert uids[0][:4] == uids[1][:4]
    assert find_item(store, uids[0][:4]) is None
    common = next(k for k in range(4, 11) if uids[0][:k] != uids[1][:k])
    assert {find_item(store, u[:common]).uid for u in uids} == set(uids)
    store.close()


def test_an_items_texts_are_its_page_text_its_feed_content_and_its_summary(tmp_path):
    store = Store.open(tmp_path)
    item = dataclasses.replace(dated("Harbor Wire", 1, "Talks resume", 1.0),
                               summary="Delegations meet", content="Full feed content")
    [row] = ingest(store, "Harbor Wire", [item]).new
    texts = item_texts(store, row)
    assert (texts.text, texts.content, texts.summary) == (None, "Full feed content",
                                                          "Delegations meet")
    with store.transaction() as conn:
        store.add_version(conn, row, title="Talks resume", summary="Delegations meet",
                          text="The page", now=NOW + 60)
    assert item_texts(store, row).text == "The page"
    assert item_texts(store, row + 1) is None
    store.close()


def test_versions_come_oldest_first_and_minor_ones_are_marked(store):
    row = row_id(store, "Witkoff carries a plan to Moscow")
    ingest(store, "Harbor Wire", [dated("Harbor Wire", 1, "Witkoff carries a 28-point plan", 1.0)],
           now=NOW + 600)
    with store.transaction() as conn:
        store.add_version(conn, row, title="Witkoff carries a 28-point plan.",
                          summary="Summary of item 1: Witkoff carries a 28-point plan",
                          text=None, now=NOW + 900, minor=True)
    versions = stored_versions(store, row)
    assert [(v.number, v.title, v.minor) for v in versions] == [
        (1, "Witkoff carries a plan to Moscow", False),
        (2, "Witkoff carries a 28-point plan", False),
        (3, "Witkoff carries a 28-point plan.", True)]
    assert [v.seen for v in versions] == [NOW, NOW + 600, NOW + 900]
    assert stored_versions(store, 10_000) == []


def test_links_are_looked_up_by_id(store):
    items = list_items(store, limit=2)
    found = links_of(store, [i.uid for i in items] + ["zzzzzzzzzz"])
    assert found == {i.uid: i.link for i in items}
    assert links_of(store, []) == {}


def test_an_item_without_a_link_has_none(tmp_path):
    store = Store.open(tmp_path)
    bare = dataclasses.replace(dated("Harbor Wire", 1, "No link", 1.0), link=None)
    ingest(store, "Harbor Wire", [bare])
    [item] = list_items(store)
    assert item.link is None and links_of(store, [item.uid]) == {item.uid: None}
    store.close()


# --- counts ----------------------------------------------------------------------------------


def test_feed_counts_give_items_and_unread(store):
    assert feed_counts(store) == {"Harbor Wire": (3, 3), "Kestrel Daily": (3, 3),
                                  "Tageskompass": (1, 1)}
    store.set_read([row_id(store, NEWEST_FIRST[0]), row_id(store, NEWEST_FIRST[1])])
    assert feed_counts(store)["Kestrel Daily"] == (3, 1)


