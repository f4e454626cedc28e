"""A cache with fixed content, for the dashboard's tests, snapshots and benchmark.

Everything is deterministic: the same titles, feeds, dates and marks on every run, so a
snapshot of the dashboard shows the same screen on any machine (with the time zone fixed).
Items go in through `Store.ingest`, the path a refresh takes; `hostile` titles are handed
over raw (as Entry objects), bypassing the parser's sanitising, to prove the UI's own guard.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

from tests.support.configs import WATCHLIST
from tui.core.cache.store import Store
from tui.core.config.load import parse_config
from tui.core.config.model import Config
from tui.core.ingest.feeds import Entry, ParsedFeed

FIXED_NOW = datetime(2025, 11, 21, 12, 0, tzinfo=timezone.utc)

FEEDS = [
    ("Harbor Wire", ("en", "wire")),
    ("Kestrel Daily", ("en",)),
    ("Tageskompass", ("de",)),
    ("Stepova Khronika", ("uk",)),
]

TITLES = [
    "Witkoff and Kushner carry a 28-point plan to Moscow",
    "Crimea recognition stays off the table, Rubio says",
    "Grain exports through Odesa rise for a third month",
    "Lavrov: talks on Zaporizhzhia plant need new guarantees",
    "Umerov leads Kyiv delegation to Geneva round",
    "Central bank holds rates as inflation eases",
    "Trump says deal on Donetsk is 'very close'",
    "Yermak resigns after anti-corruption raid",
    "Rail freight volumes fall in the autumn",
    "Zelensky meets European leaders on security guarantees",
    "Kherson shelling cuts power to thousands",
    "Putin and Witkoff talk for five hours in the Kremlin",
    "Football: Shakhtar win away in Europe",
    "Luhansk administration reports new evacuations",
]

HOSTILE_TITLES = [
    "Bold [/b] closes nothing [b]and [i]opens[/] nothing",
    "[@click=app.quit]Click me[/] to quit",
    "Escape \x1b[31mred\x1b[0m and \x1b]52;c;aGVsbG8=\x07 clipboard",
    "Link \x1b]8;;https://evil.example\x1b\\here\x1b]8;;\x1b\\ OSC 8",
    "Right-to-left \u202eevil.exe\u202c override",
    "Long " + "Crimea " * 700 + "end",
]


def config_text(feed_urls: dict[str, str] | None = None, *, refresh_minutes: float = 15,
                settings: str = "", keys: str = "") -> str:
    """The feeds.toml these caches go with (URLs point nowhere unless given)."""
    lines = ["[settings]", f"refresh_minutes = {refresh_minutes}", "timeout_seconds = 5",
             settings, ""]
    for index, (name, tags) in enumerate(FEEDS):
        url = (feed_urls or {}).get(name, f"http://127.0.0.1:9/feed{index}.xml")
        tag_list = ", ".join(f'"{t}"' for t in tags)
        lines += ["[[feeds]]", f'name = "{name}"', f'url = "{url}"', f"tags = [{tag_list}]", ""]
    lines += [
        WATCHLIST,
        "[[alerts]]", 'name = "Crimea recognition"', 'all = ["Crimea"]',
        'any = ["recognition"]', "",
    ]
    if keys:
        lines += ["[keys]", keys, ""]
    return "\n".join(lines)


def make_session(cache_dir: Path, *, text: str | None = None, config: Config | None = None):
    """A session like the dashboard gets from `open_session`, over `cache_dir`."""
    from tui.core.session import Session

    return Session.open(cache_option=str(cache_dir),
                        config=config or parse_config(text or config_text()))


def entry(feed: str, n: int, title: str, published: datetime | None) -> Entry:
    return Entry(guid=f"urn:{feed}:{n}", link=f"https://news.example/{feed[:4].lower()}/{n}",
                 title=title, summary=f"Summary of item {n}: {title}", content="",
                 published_raw=format_datetime(published) if published else None,
                 key=f"urn:{feed}:{n}", published=published.timestamp() if published else None)


def fill(session, count: int, *, now: datetime = FIXED_NOW, batch: int = 2_000,
         titles: list[str] | None = None, every_seconds: float = 420) -> None:
    """`count` items spread over the feeds, one every 7 minutes (`every_seconds`) back from
    `now`.

    Every 5th item is read, every 11th starred, every 13th has no date (shown estimated),
    every 17th has a second version; items whose title says "recognition" fired an alert.
    """
    store, matcher = session.store, session.watcher
    titles = titles or TITLES
    per_feed: dict[str, list[Entry]] = {name: [] for name, _ in FEEDS}
    for n in range(count):
        feed = FEEDS[n % len(FEEDS)][0]
        published = None if n % 13 == 12 else now - timedelta(seconds=every_seconds * n)
        per_feed[feed].append(entry(feed, n, titles[n % len(titles)], published))
    stamp = now.timestamp()
    undated = [(stamp - every_seconds * n, feed, f"urn:{feed}:{n}")
               for n in range(count) if n % 13 == 12
               for feed in (FEEDS[n % len(FEEDS)][0],)]
    for feed, entries in per_feed.items():
        for start in range(0, len(entries), batch):
            chunk = entries[start:start + batch]
            store.ingest(feed, ParsedFeed(title=feed, language="en", entries=chunk),
                         now=stamp, matcher=matcher)
    _marks(store, now)
    with store.transaction() as conn:   # an undated item was first seen about when it came out
        conn.executemany("UPDATE items SET first_seen = ?, sort_time = ? "
                         "WHERE feed = ? AND key = ?",
                         [(when, when, feed, key) for when, feed, key in undated])


def _marks(store: Store, now: datetime) -> None:
    stamp = now.timestamp()
    with store.transaction() as conn:
        conn.execute("UPDATE items SET first_seen = ?, sort_time = coalesce(published, ?)",
                     (stamp, stamp))
        conn.execute("DELETE FROM unread WHERE item_id % 5 = 0")
        conn.execute("UPDATE items SET starred = 1 WHERE id % 11 = 0")
        conn.execute("UPDATE items SET versions = 2, changed = 1 WHERE id % 17 = 0")
        conn.execute("INSERT OR IGNORE INTO hits(alert, item_id, version, fired_at) "
                     "SELECT 'Crimea recognition', id, 1, ? FROM items "
                     "WHERE title LIKE '%recognition%'", (stamp,))


def fail_feed(store: Store, name: str, error: str, *, now: datetime = FIXED_NOW) -> None:
    """Record a failed fetch for `name`, as a refresh would."""
    stamp = now.timestamp()
    store.record_fetch(name, ok=False, now=stamp, next_due=stamp + 900, status=500, error=error)


def add_hostile(session, *, now: datetime = FIXED_NOW) -> None:
    """The hostile titles, stored raw in a feed of their own, newest of all."""
    entries = [entry("Harbor Wire", 90_000 + i, title, now + timedelta(minutes=i + 1))
               for i, title in enumerate(HOSTILE_TITLES)]
    session.store.ingest("Harbor Wire", ParsedFeed(title="x", language="en", entries=entries),
                         now=now.timestamp(), matcher=session.watcher)


def screen_text(app) -> str:
    """What the terminal shows now, as plain text (every cell, top to bottom)."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False,
                      safe_box=False)
    console.print(app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens))
    return console.export_text(styles=False)


def screen_segments_text(app) -> str:
    """Every character the screen would send to the terminal, styles aside."""
    update = app.screen._compositor.render_update(full=True,
                                                   screen_stack=app._background_screens)
    return "".join(segment.text for line in update.strips for strip in line for segment in strip)


FEED_LANGUAGES = {"Harbor Wire": "en", "Kestrel Daily": "en-GB", "Tageskompass": "de",
                  "Stepova Khronika": "uk"}


def fill_for_trends(session, count: int = 3_000, *, now: datetime = FIXED_NOW,
                    every_seconds: float = 420) -> None:
    """`count` items (3,000: a fortnight back from `now`) from feeds that say their language,
    for the trends screen, the sparklines and their snapshots."""
    fill(session, count, now=now, every_seconds=every_seconds)
    stamp = now.timestamp()
    for name, language in FEED_LANGUAGES.items():
        session.store.record_fetch(name, ok=True, now=stamp, next_due=stamp + 900,
                                   language=language)
