"""Mentions over time: the hourly counts the cache keeps, and the buckets read from them.

Every test compares the kept counts with a count made from the items themselves, after the
things that change them: items stored, edited, moved in time and pruned, a new watchlist, a
feed's language changed.
"""

from __future__ import annotations

import random
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.support.cachegen import entry
from tests.support.configs import settings_table
from tests.support.old_caches import before_unread_table
from tui.core.alerts.rules import evaluate_all
from tui.core.cache.mentions import settle
from tui.core.cache.store import Store
from tui.core.config.load import parse_config
from tui.core.ingest.feeds import ParsedFeed
from tui.core.session import Session
from tui.core.trends import bucket_bounds, read_trends, rising

NOW = datetime(2026, 11, 30, 12, 30, tzinfo=timezone.utc)
WATCH = """
[watch.regions]
terms = ["Crimea", "Donetsk"]

[watch.negotiators]
terms = ["Witkoff", "Lavrov"]
"""


def config_text(*, kyiv_language: str = "uk", watch: str = WATCH) -> str:
    return "\n".join([
        settings_table(keep_days=30),
        '[[feeds]]\nname = "Kyiv Wire"\nurl = "http://127.0.0.1:9/k.xml"\n'
        f'language = "{kyiv_language}"\n',
        '[[feeds]]\nname = "Harbor Daily"\nurl = "http://127.0.0.1:9/h.xml"\nlanguage = "en-GB"\n',
        '[[feeds]]\nname = "Moscow Line"\nurl = "http://127.0.0.1:9/m.xml"\n',
        watch,
        '[[alerts]]\nname = "Lavrov"\nall = ["Lavrov"]\n',
    ])


@pytest.fixture
def session(tmp_path: Path):
    session = Session.open(cache_option=str(tmp_path / "cache"), config=parse_config(config_text()))
    yield session
    session.close()


def store(session: Session, feed: str, *items: tuple[int, str, datetime | None],
          now: datetime = NOW) -> None:
    """Items (number, title, published) as a refresh stores them."""
    parsed = ParsedFeed(title=feed, language=None,
                        entries=[entry(feed, n, title, when) for n, title, when in items])
    session.store.ingest(feed, parsed, now=now.timestamp(), matcher=session.watcher)


def days(session: Session, count: int = 3, **kwargs):
    return read_trends(session.store, session.config.watch, bucket="day", count=count,
                       now=NOW.timestamp(), tz=timezone.utc, **kwargs)


def counted_from_items(store: Store) -> dict[tuple[int, str, str], int]:
    """(hour, category, name) -> items, counted the slow way, straight from the items."""
    rows = store.connection.execute(
        "SELECT CAST(i.sort_time / 3600 AS INTEGER), m.category, m.name, "
        "COUNT(DISTINCT i.id) FROM items i JOIN matches m ON m.item_id = i.id "
        "GROUP BY 1, 2, 3 UNION ALL "
        "SELECT CAST(i.sort_time / 3600 AS INTEGER), m.category, '', COUNT(DISTINCT i.id) "
        "FROM items i JOIN matches m ON m.item_id = i.id GROUP BY 1, 2")
    return {(hour, category, name): n for hour, category, name, n in rows}


def kept(store: Store) -> dict[tuple[int, str, str], int]:
    settle(store)
    out: dict[tuple[int, str, str], int] = {}
    for hour, category, name, n in store.connection.execute(
            "SELECT hour, category, name, items FROM mention_hours"):
        out[(hour, category, name)] = out.get((hour, category, name), 0) + n
    return out


# --- counting ----------------------------------------------------------------------------


def test_an_item_counts_once_for_its_names_and_once_for_its_category(session):
    yesterday = NOW - timedelta(days=1)
    store(session, "Kyiv Wire",
          (1, "Crimea, Crimea and Donetsk: the talks go on", yesterday),
          (2, "Witkoff meets Lavrov", NOW - timedelta(hours=2)),
          (3, "Weather: rain in the west", NOW - timedelta(hours=1)))
    trends = days(session)
    assert [s.name for s in trends.series] == ["regions", "Crimea", "Donetsk",
                                               "negotiators", "Witkoff", "Lavrov"]
    assert trends.find("Crimea").counts == (0, 1, 0)
    assert trends.find("regions").counts == (0, 1, 0)          # one item, two regions
    assert trends.find("negotiators").counts == (0, 0, 1)
    assert trends.find("Lavrov").latest == 1 and trends.find("Lavrov").total == 1
    assert kept(session.store) == counted_from_items(session.store)


def test_counts_follow_edits_moves_prunes_and_a_new_watchlist(session, tmp_path):
    hour_ago = NOW - timedelta(hours=1)
    store(session, "Harbor Daily", (1, "Crimea talks", hour_ago), (2, "Donetsk front", hour_ago))
    assert days(session).find("Crimea").latest == 1
    # An edit that drops the name; an item re-dated to yesterday (a feed's edits never
    # move an item, but the counts must follow whatever does).
    store(session, "Harbor Daily", (1, "Talks resume", hour_ago))
    with session.store.transaction() as conn:
        conn.execute("UPDATE items SET sort_time = ? WHERE key = 'urn:Harbor Daily:2'",
                     ((NOW - timedelta(days=1)).timestamp(),))
    trends = days(session)
    assert trends.find("Crimea").counts == (0, 0, 0)
    assert trends.find("Donetsk").counts == (0, 1, 0)
    assert kept(session.store) == counted_from_items(session.store)
    # Pruned: the old item goes and its count with it.
    store(session, "Harbor Daily", (3, "Donetsk again", NOW - timedelta(days=40)),
          now=NOW - timedelta(days=40))
    assert days(session, count=45).find("Donetsk").total == 2
    assert session.store.prune(30, now=NOW.timestamp()) == 1
    assert days(session, count=45).find("Donetsk").total == 1
    # A new watchlist: Crimea gone, Kherson watched; the counts are the new ones.
    session.apply(parse_config(config_text(watch=WATCH.replace('"Crimea"', '"Kherson"'))))
    store(session, "Harbor Daily", (4, "Kherson shelling", hour_ago))
    trends = days(session)
    assert trends.find("Crimea") is None and trends.find("Kherson").latest == 1
    assert kept(session.store) == counted_from_items(session.store)


def test_counts_are_split_by_the_feeds_language(session):
    hour_ago = NOW - timedelta(hours=1)
    store(session, "Kyiv Wire", (1, "Крим: переговори", hour_ago))
    store(session, "Harbor Daily", (1, "Crimea talks", hour_ago))
    store(session, "Moscow Line", (1, "Крым: переговоры", hour_ago))
    crimea = days(session).find("Crimea")
    assert crimea.latest == 3
    assert crimea.by_language == {"": (0, 0, 1), "en": (0, 0, 1), "uk": (0, 0, 1)}
    # The feed says what it is written in; feeds.toml, when it says, wins.
    session.store.record_fetch("Moscow Line", ok=True, now=NOW.timestamp(),
                               next_due=NOW.timestamp() + 900, language="ru-RU")
    session.apply(parse_config(config_text(kyiv_language="ru")))
    crimea = days(session).find("Crimea")
    assert crimea.by_language == {"en": (0, 0, 1), "ru": (0, 0, 2)}
    assert crimea.to_json()["by_language"] == {"en": [0, 0, 1], "ru": [0, 0, 2]}


def test_kept_counts_equal_a_fresh_count_after_random_changes(session):
    rng = random.Random(14)
    titles = ["Crimea and Lavrov", "Donetsk", "Witkoff in Moscow", "Weather", "Crimea",
              "Lavrov, Witkoff, Donetsk and Crimea"]
    feeds = ["Kyiv Wire", "Harbor Daily", "Moscow Line"]
    for round_ in range(12):
        for feed in feeds:
            items = [(rng.randrange(40), rng.choice(titles),
                      NOW - timedelta(hours=rng.randrange(24 * 40))) for _ in range(8)]
            store(session, feed, *{n: (n, t, w) for n, t, w in items}.values())
        if round_ % 4 == 3:
            session.store.prune(30, now=NOW.timestamp())
        if round_ % 3 == 2:          # readers settle as they go
            assert kept(session.store) == counted_from_items(session.store)
    assert kept(session.store) == counted_from_items(session.store)
    trends = days(session, count=45)
    crimea_items = session.store.connection.execute(
        "SELECT COUNT(DISTINCT item_id) FROM matches WHERE name = 'Crimea'").fetchone()[0]
    assert trends.find("Crimea").total == crimea_items


def test_an_existing_cache_is_counted_when_it_is_upgraded(tmp_path):
    session = Session.open(cache_option=str(tmp_path / "cache"), config=parse_config(config_text()))
    store(session, "Harbor Daily", (1, "Crimea talks", NOW - timedelta(hours=1)))
    session.close()
    path = tmp_path / "cache" / "wirewatch.sqlite3"
    with sqlite3.connect(path) as conn:                   # as a cache of schema 3 was
        conn.execute("DELETE FROM mention_hours")
        conn.execute("DELETE FROM mention_dirty")
        before_unread_table(conn)
        conn.execute("PRAGMA user_version = 3")
        for name in ("mention_hours", "mention_dirty"):
            conn.execute(f"DROP TABLE {name}")
        for trigger in ("item_insert", "item_move", "item_delete", "match_insert",
                        "match_delete", "feed_language"):
            conn.execute(f"DROP TRIGGER IF EXISTS mentions_{trigger}")
        conn.execute("ALTER TABLE feeds DROP COLUMN config_language")
        conn.execute("DROP VIEW items_search")          # schema 6's
    session = Session.open(cache_option=str(tmp_path / "cache"), config=parse_config(config_text()))
    try:
        assert days(session).find("Crimea").latest == 1
    finally:
        session.close()


def test_a_read_only_cache_shows_the_counts_it_has(tmp_path):
    session = Session.open(cache_option=str(tmp_path / "cache"), config=parse_config(config_text()))
    store(session, "Harbor Daily", (1, "Crimea talks", NOW - timedelta(hours=1)))
    days(session)                                        # settled by this reader
    session.close()
    reader = Store.open_read_only(tmp_path / "cache")
    try:
        trends = read_trends(reader, parse_config(config_text()).watch, count=3,
                             now=NOW.timestamp(), tz=timezone.utc)
        assert trends.find("Crimea").latest == 1
    finally:
        reader.close()


# --- buckets -----------------------------------------------------------------------------


def test_hour_buckets_end_with_the_current_hour():
    bounds = bucket_bounds("hour", 48, now=NOW.timestamp(), tz=timezone.utc)
    assert len(bounds) == 49
    assert bounds[-2] == datetime(2026, 11, 30, 12, tzinfo=timezone.utc)
    assert bounds[0] == datetime(2026, 11, 28, 13, tzinfo=timezone.utc)


def test_local_days_follow_the_clock_change():
    berlin = ZoneInfo("Europe/Berlin")          # clocks went back on 26 October 2025
    now = datetime(2025, 10, 27, 15, tzinfo=berlin).timestamp()
    bounds = bucket_bounds("day", 3, now=now, tz=berlin)
    assert [b.isoformat() for b in bounds] == [
        "2025-10-25T00:00:00+02:00", "2025-10-26T00:00:00+02:00",
        "2025-10-27T00:00:00+01:00", "2025-10-28T00:00:00+01:00"]
    lengths = [(b.timestamp() - a.timestamp()) / 3600 for a, b in zip(bounds, bounds[1:])]
    assert lengths == [24, 25, 24]


def test_items_fall_in_the_users_local_day(session):
    kyiv = ZoneInfo("Europe/Kyiv")
    late = datetime(2026, 11, 29, 23, 30, tzinfo=kyiv)       # 21:30 UTC, the 29th both ways
    early = datetime(2026, 11, 30, 0, 30, tzinfo=kyiv)       # 22:30 UTC on the 29th
    store(session, "Harbor Daily", (1, "Crimea late", late), (2, "Crimea early", early))
    local = read_trends(session.store, session.config.watch, count=2, now=NOW.timestamp(),
                        tz=kyiv)
    utc = read_trends(session.store, session.config.watch, count=2, now=NOW.timestamp(),
                      tz=timezone.utc)
    assert local.find("Crimea").counts == (1, 1)
    assert utc.find("Crimea").counts == (2, 0)


def test_alert_hits_are_marked_in_their_items_bucket(session):
    store(session, "Moscow Line", (1, "Lavrov speaks", NOW - timedelta(days=1)))
    evaluate_all(session.store, session.rules)
    trends = days(session)
    assert trends.hits == ((1, "Lavrov"),) and trends.hits_in(1) == ["Lavrov"]
    assert trends.to_json()["alerts"] == [{"bucket": 1, "alert": "Lavrov"}]


@pytest.mark.parametrize(("bucket", "count"), [("week", 3), ("day", 0), ("hour", 10**6)])
def test_nonsense_buckets_are_refused(bucket, count):
    with pytest.raises(ValueError):
        bucket_bounds(bucket, count)


@pytest.mark.parametrize(("counts", "expected"), [
    ((0,) * 13 + (3,), True), ((1,) * 13 + (3,), True), ((2,) * 13 + (5,), False),
    ((0,) * 13 + (2,), False), ((10, 0, 0, 0, 12), True), ((12,), False),
])
def test_a_rise_is_three_times_the_median_and_at_least_three(counts, expected):
    assert rising(counts) is expected


def test_a_rise_needs_a_cache_old_enough_to_know_what_is_usual(session):
    today = [(n, "Crimea talks", NOW - timedelta(minutes=n)) for n in range(1, 5)]
    store(session, "Harbor Daily", *today)
    assert days(session, count=14).find("Crimea").rising is False      # a new cache
    store(session, "Harbor Daily", (99, "Weather", NOW - timedelta(days=10)))
    crimea = days(session, count=14).find("Crimea")
    assert crimea.rising is True and crimea.to_json()["rising"] is True
