"""A real cache to group stories in: items stored one by one through `Store.ingest` with the
real watchlist matcher, each from a feed in a language, at an hour after T0."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from itertools import count

from tests.support.cachegen import make_session
from tui.core.ingest.feeds import Entry, ParsedFeed

T0 = datetime(2025, 11, 25, 9, 0, tzinfo=UTC)


class StoryCache:
    """`cache(feed, (title, summary), hours=..)` stores one item and returns its row id."""

    def __init__(self, folder) -> None:
        self.session = make_session(folder)
        self.store = self.session.store
        self.numbers = count(1)

    def __call__(self, feed: str, story: tuple[str, str], *, hours: float = 0.0,
                 published: bool = True, language: str = "en", key: str | None = None) -> int:
        n = next(self.numbers)
        key = key or f"urn:{n}"
        when = T0 + timedelta(hours=hours)
        entry = Entry(guid=key, link=f"https://news.example/{n}", title=story[0],
                      summary=story[1], content="",
                      published_raw=format_datetime(when) if published else None, key=key,
                      published=when.timestamp() if published else None)
        with self.store.transaction() as conn:      # a feed of its own, in its language
            conn.execute("INSERT OR IGNORE INTO feeds(name, config_url, url) VALUES (?, ?, ?)",
                         (feed, f"https://{n}.example/feed", f"https://{n}.example/feed"))
        self.store.ingest(feed, ParsedFeed(title=feed, language=language, entries=[entry]),
                          now=when.timestamp(), matcher=self.session.watcher,
                          record={"ok": True, "now": when.timestamp(),
                                  "next_due": when.timestamp(), "language": language})
        return self.store.connection.execute(
            "SELECT id FROM items WHERE feed = ? AND key = ?", (feed, key)).fetchone()[0]

    def uid(self, row_id: int) -> str:
        return self.store.connection.execute(
            "SELECT uid FROM items WHERE id = ?", (row_id,)).fetchone()[0]

    def close(self) -> None:
        self.session.close()
