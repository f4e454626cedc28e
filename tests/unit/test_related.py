"""Same-story pairing (tui/core/related.py) over a real cache: items stored through
`Store.ingest` with the real watchlist matcher, so Selenskyj, Зеленський and Zelensky are the
same watched name exactly as a refresh would store them."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from itertools import count

import pytest

from tests.support.cachegen import make_session
from tui.core.ingest.feeds import Entry, ParsedFeed
from tui.core.text.related import (
    MIN_SCORE,
    WINDOW_SECONDS,
    find_related,
    name_weight,
    score,
    story_tokens,
)

T0 = datetime(2025, 11, 25, 9, 0, tzinfo=timezone.utc)

STORY = ("Zelensky and Witkoff meet in Geneva over revised peace plan",
         "Ukraine's president Volodymyr Zelensky met US envoy Steve Witkoff in Geneva on "
         "Tuesday to discuss the revised 19-point plan.")
SAME_STORY_EN = ("Witkoff holds talks with Zelensky on 19-point plan",
                 "The US special envoy and the Ukrainian president spent three hours in Geneva "
                 "going through the shortened peace framework.")
SAME_STORY_DE = ("Selenskyj trifft Witkoff in Genf",
                 "Der ukrainische Präsident Wolodymyr Selenskyj hat den US-Sondergesandten Steve "
                 "Witkoff in Genf getroffen, um über den überarbeiteten Friedensplan zu sprechen.")
SAME_STORY_UK = ("Зеленський зустрівся з Віткоффом у Женеві",
                 "Президент Володимир Зеленський провів зустріч зі спецпосланцем США Стівом "
                 "Віткоффом у Женеві щодо оновленого мирного плану.")
ONE_NAME_ONLY = ("Zelensky visits wounded soldiers in Lviv hospital",
                 "The president thanked medical staff and handed out awards to soldiers "
                 "recovering from injuries.")
OTHER_NAME_ONLY = ("Witkoff reist nach Moskau",
                   "Der US-Sondergesandte wird in der kommenden Woche im Kreml erwartet.")
UNRELATED = ("Central bank holds rates as inflation eases",
             "The bank kept its main rate unchanged for a third meeting in a row.")


class Cache:
    """A real cache with the default watchlist; `add` stores one item as a refresh would."""

    def __init__(self, folder) -> None:
        self.session = make_session(folder)
        self.store = self.session.store
        self.numbers = count(1)

    def __call__(self, feed: str, story: tuple[str, str], *, hours: float = 0.0,
                 published: bool = True) -> int:
        n = next(self.numbers)
        when = T0 + timedelta(hours=hours)
        entry = Entry(guid=f"urn:{n}", link=f"https://news.example/{n}", title=story[0],
                      summary=story[1], content="",
                      published_raw=format_datetime(when) if published else None, key=f"urn:{n}",
                      published=when.timestamp() if published else None)
        self.store.ingest(feed, ParsedFeed(title=feed, language="en", entries=[entry]),
                          now=when.timestamp(), matcher=self.session.watcher)
        return self.store.connection.execute(
            "SELECT id FROM items WHERE feed = ? AND key = ?", (feed, f"urn:{n}")).fetchone()[0]

    def related(self, row_id: int) -> dict[str, tuple[float, bool]]:
        """Title -> (score, wire copy) of what `find_related` lists."""
        return {r.title: (r.score, r.wire_copy) for r in find_related(self.store, row_id)}


@pytest.fixture
def cache(tmp_path):
    made = Cache(tmp_path / "cache")
    yield made
    made.session.close()


def test_the_same_story_is_found_across_outlets_languages_and_scripts(cache):
    base = cache("Harbor Wire", STORY)
    cache("Kestrel Daily", SAME_STORY_EN, hours=2)
    cache("Tageskompass", SAME_STORY_DE, hours=3)
    cache("Stepova Khronika", SAME_STORY_UK, hours=1)
    cache("Kestrel Daily", UNRELATED, hours=1)
    found = cache.related(base)
    assert set(found) == {SAME_STORY_EN[0], SAME_STORY_DE[0], SAME_STORY_UK[0]}
    # Same-language wording scores above the other languages, which share only the names.
    assert found[SAME_STORY_EN[0]][0] > found[SAME_STORY_DE[0]][0]
    assert found[SAME_STORY_EN[0]][0] > found[SAME_STORY_UK[0]][0]
    assert not any(wire for _, wire in found.values())


def test_the_german_and_ukrainian_copies_share_no_words_only_names(cache):
    """Proof the cross-language pairing rides on the watched names, not on shared words."""
    en = story_tokens(*STORY)
    uk = story_tokens(*SAME_STORY_UK)
    assert not en & uk
    base = cache("Harbor Wire", STORY)
    uk_id = cache("Stepova Khronika", SAME_STORY_UK, hours=1)
    names = {row[0] for row in cache.store.connection.execute(
        "SELECT DISTINCT name FROM matches WHERE item_id = ?", (uk_id,))}
    assert names == {"Zelensky", "Witkoff"}
    assert SAME_STORY_UK[0] in cache.related(base)


def test_sharing_one_common_name_is_not_the_same_story(cache):
    base = cache("Harbor Wire", STORY)
    cache("Kestrel Daily", ONE_NAME_ONLY, hours=1)
    cache("Tageskompass", OTHER_NAME_ONLY, hours=1)
    cache("Kestrel Daily", UNRELATED, hours=1)
    assert cache.related(base) == {}


def test_a_single_name_story_is_found_through_that_name_alone():
    """Lavrov in English and Лавров in Russian, nothing else in common: still a candidate
    (weaker than a story sharing two names, stronger than the floor)."""
    one, _ = score(frozenset({"lavrov"}), frozenset({"лавров"}), {"Lavrov"}, {"Lavrov"}, 3600)
    two, _ = score(frozenset(), frozenset(), {"Lavrov", "Rubio"}, {"Lavrov", "Rubio"}, 3600)
    half, _ = score(frozenset(), frozenset(), {"Lavrov", "Rubio"}, {"Lavrov"}, 3600)
    assert two > one >= MIN_SCORE > half


def test_a_name_in_much_of_the_news_is_weak_evidence():
    """Putin alone in both items (he is in a quarter of the window) is no story; Umerov
    alone (one item in four hundred) may well be."""
    window = 13_000
    putin = {"Putin": name_weight(3_200, window)}
    umerov = {"Umerov": name_weight(30, window)}
    assert putin["Putin"] < umerov["Umerov"]
    common, _ = score(frozenset(), frozenset(), {"Putin"}, {"Putin"}, 600, putin)
    rare, _ = score(frozenset(), frozenset(), {"Umerov"}, {"Umerov"}, 600, umerov)
    assert common < MIN_SCORE <= rare
    # A cache of a few items says nothing about how common a name is.
    assert name_weight(2, 5) == name_weight(2, 150)


def test_names_alone_pair_items_only_when_they_came_out_about_together(cache):
    base = cache("Harbor Wire", STORY)
    cache("Stepova Khronika", SAME_STORY_UK, hours=2)
    cache("Tageskompass", SAME_STORY_DE, hours=40)           # shares the names and "Steve"
    cache("Kestrel Daily", SAME_STORY_EN, hours=40)          # shares words: still the story
    assert set(cache.related(base)) == {SAME_STORY_UK[0], SAME_STORY_EN[0]}


def test_wire_copy_is_labelled(cache):
    base = cache("Harbor Wire", STORY)
    cache("Kestrel Daily", STORY, hours=0.5)                   # verbatim
    cache("Tageskompass", SAME_STORY_DE, hours=1)
    found = cache.related(base)
    assert found[STORY[0]][1] is True
    assert found[STORY[0]][0] == max(s for s, _ in found.values())
    assert found[SAME_STORY_DE[0]][1] is False


def test_the_same_feed_is_left_out(cache):
    base = cache("Harbor Wire", STORY)
    cache("Harbor Wire", STORY, hours=1)                       # re-posted under a new guid
    cache("Harbor Wire", SAME_STORY_EN, hours=2)
    assert cache.related(base) == {}
    other = cache("Kestrel Daily", SAME_STORY_EN, hours=2)
    found = find_related(cache.store, other)
    assert len(found) == 3 and {r.feed for r in found} == {"Harbor Wire"}


def test_the_time_window_bounds_the_story(cache):
    days = WINDOW_SECONDS / 86_400
    base = cache("Harbor Wire", STORY)
    cache("Kestrel Daily", SAME_STORY_EN, hours=-(days - 0.5) * 24)   # inside, just
    cache("Tageskompass", SAME_STORY_DE, hours=(days + 1) * 24)       # a day too late
    cache("Stepova Khronika", SAME_STORY_UK, hours=-(days + 1) * 24)  # a day too early
    assert set(cache.related(base)) == {SAME_STORY_EN[0]}


def test_closer_in_time_scores_higher(cache):
    base = cache("Harbor Wire", STORY)
    cache("Kestrel Daily", SAME_STORY_EN, hours=1)
    cache("Tageskompass", SAME_STORY_EN, hours=60)
    found = {r.feed: r.score for r in find_related(cache.store, base)}
    assert found["Kestrel Daily"] > found["Tageskompass"] >= MIN_SCORE


def test_an_item_without_a_date_uses_when_it_was_first_seen(cache):
    base = cache("Harbor Wire", STORY)
    cache("Kestrel Daily", SAME_STORY_EN, hours=1, published=False)
    assert set(cache.related(base)) == {SAME_STORY_EN[0]}


def test_an_unknown_item_has_no_related_coverage(cache):
    cache("Harbor Wire", STORY)
    assert find_related(cache.store, 999_999) == []


def test_the_result_is_limited_and_ordered(cache):
    base = cache("Harbor Wire", STORY)
    for n in range(8):
        cache(f"Outlet {n}", SAME_STORY_EN, hours=n)
    found = find_related(cache.store, base, limit=5)
    assert len(found) == 5
    assert [r.score for r in found] == sorted((r.score for r in found), reverse=True)
    assert found[0].feed == "Outlet 0"                         # the closest in time
