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


# Reports of two stories in several languages, a report that bridges them, and unrelated news.
GENEVA_EN = ("Zelensky and Witkoff meet in Geneva over revised peace plan",
             ("Ukraine's president Volodymyr Zelensky met US envoy Steve Witkoff in Geneva on "
             "Tuesday to discuss the revised 19-point plan."))
GENEVA_UK = ("Зеленський зустрівся з Віткоффом у Женеві",
             ("Президент Володимир Зеленський провів зустріч зі спецпосланцем США Стівом "
             "Віткоффом у Женеві щодо плану з 19 пунктів."))
GENEVA_DE = ("Selenskyj trifft Witkoff in Genf",
             ("Der ukrainische Präsident Wolodymyr Selenskyj hat Steve Witkoff in Genf "
             "getroffen, um über den 19-Punkte-Plan zu sprechen."))
LOAN_EN = ("EU leaders back €90bn loan for Kyiv at Brussels summit",
           ("Kaja Kallas said the €90bn loan would cover two years of Ukraine's budget needs; "
           "Viktor Orbán abstained."))
LOAN_RU = ("Лидеры ЕС одобрили кредит Киеву на 90 млрд евро",
           ("Кая Каллас заявила, что кредит в 90 млрд евро покроет бюджетные нужды Украины на "
           "два года; Виктор Орбан воздержался."))
BRIDGE = ("Zelensky tells Witkoff in Geneva the €90bn EU loan backs the 19-point plan",
          ("Volodymyr Zelensky told Steve Witkoff in Geneva that the €90bn loan Kaja Kallas "
          "announced would carry the 19-point plan; Viktor Orbán objected."))
ELSEWHERE = ("Grain exports through Odesa rise for a third month",
             "Shipments of wheat and maize from Odesa ports grew by 12 percent in October.")
WITKOFF_MOSCOW = ("Witkoff flies to Moscow for Kremlin talks next week",
                  "Steve Witkoff is expected at the Kremlin, where Yuri Ushakov will receive him.")
