"""Related coverage is the other outlets' reports of the item's story, best first, with the
reasons (tui.core.stories.related), over a real cache stored as a refresh stores it."""

from __future__ import annotations

import pytest

from tests.support.storycache import StoryCache
from tui.core.stories.links import WINDOW_SECONDS
from tui.core.stories.related import find_related

STORY = ("Zelensky and Witkoff meet in Geneva over revised peace plan",
         ("Ukraine's president Volodymyr Zelensky met US envoy Steve Witkoff in Geneva on "
         "Tuesday to discuss the revised 19-point plan."))
SAME_STORY_EN = ("Witkoff holds talks with Zelensky on 19-point plan",
                 ("The US special envoy and the Ukrainian president spent three hours in Geneva "
                 "going through the shortened peace framework."))
SAME_STORY_DE = ("Selenskyj trifft Witkoff in Genf",
                 ("Der ukrainische Präsident Wolodymyr Selenskyj hat den US-Sondergesandten Steve "
                 "Witkoff in Genf getroffen, um über den überarbeiteten Friedensplan zu sprechen."))
SAME_STORY_UK = ("Зеленський зустрівся з Віткоффом у Женеві",
                 ("Президент Володимир Зеленський провів зустріч зі спецпосланцем США Стівом "
                 "Віткоффом у Женеві щодо оновленого мирного плану."))
ONE_NAME_ONLY = ("Zelensky visits wounded soldiers in Lviv hospital",
                 ("The president thanked medical staff and handed out awards to soldiers "
                 "recovering from injuries."))
OTHER_NAME_ONLY = ("Witkoff reist nach Moskau",
                   "Der US-Sondergesandte wird in der kommenden Woche im Kreml erwartet.")
UNRELATED = ("Central bank holds rates as inflation eases",
             "The bank kept its main rate unchanged for a third meeting in a row.")


@pytest.fixture
def cache(tmp_path):
    made = StoryCache(tmp_path / "cache")
    yield made
    made.close()


def titles(cache: StoryCache, row_id: int) -> dict[str, float]:
    return {r.title: r.score for r in find_related(cache.store, row_id)}


def test_the_same_story_is_found_across_outlets_languages_and_scripts(cache):
    base = cache("Harbor Wire", STORY)
    cache("Kestrel Daily", SAME_STORY_EN, hours=2)
    cache("Tageskompass", SAME_STORY_DE, hours=3, language="de")
    cache("Stepova Khronika", SAME_STORY_UK, hours=1, language="uk")
    cache("Kestrel Daily", UNRELATED, hours=1)
    found = titles(cache, base)
    assert set(found) == {SAME_STORY_EN[0], SAME_STORY_DE[0], SAME_STORY_UK[0]}
    # The English follow-up shares a number and words besides the names: it links best.
    assert found[SAME_STORY_EN[0]] == max(found.values())


def test_each_related_item_says_why(cache):
    base = cache("Harbor Wire", STORY)
    cache("Stepova Khronika", SAME_STORY_UK, hours=1, language="uk")
    (found,) = find_related(cache.store, base)
    assert "name: Witkoff" in found.reasons and "name: Zelensky" in found.reasons
    assert "place: Geneva" in found.reasons
    assert found.reasons[-1] == "1 h apart"
    assert found.to_json()["reasons"] == found.reasons


def test_sharing_one_name_is_not_the_same_story(cache):
    base = cache("Harbor Wire", STORY)
    cache("Kestrel Daily", ONE_NAME_ONLY, hours=1)
    cache("Tageskompass", OTHER_NAME_ONLY, hours=1, language="de")
    cache("Kestrel Daily", UNRELATED, hours=1)
    assert titles(cache, base) == {}


def test_wire_copy_is_labelled(cache):
    base = cache("Harbor Wire", STORY)
    cache("Kestrel Daily", STORY, hours=0.5)                   # verbatim
    cache("Tageskompass", SAME_STORY_DE, hours=1, language="de")
    found = {r.title: r for r in find_related(cache.store, base)}
    assert found[STORY[0]].wire_copy is True
    assert found[STORY[0]].score == max(r.score for r in found.values())
    assert found[SAME_STORY_DE[0]].wire_copy is False


def test_the_same_feed_is_left_out(cache):
    base = cache("Harbor Wire", STORY)
    cache("Harbor Wire", STORY, hours=1)                       # re-posted under a new guid
    cache("Harbor Wire", SAME_STORY_EN, hours=2)
    assert titles(cache, base) == {}
    other = cache("Kestrel Daily", SAME_STORY_EN, hours=2)
    found = find_related(cache.store, other)
    assert len(found) == 3 and {r.feed for r in found} == {"Harbor Wire"}


def test_the_time_window_bounds_the_story(cache):
    days = WINDOW_SECONDS / 86_400
    base = cache("Harbor Wire", STORY)
    cache("Kestrel Daily", SAME_STORY_EN, hours=(days - 0.5) * 24)    # inside, just
    cache("Stepova Khronika", SAME_STORY_UK, hours=-(days + 1) * 24, language="uk")  # too early
    assert set(titles(cache, base)) == {SAME_STORY_EN[0]}


def test_closer_in_time_scores_higher(cache):
    base = cache("Harbor Wire", STORY)
    cache("Kestrel Daily", SAME_STORY_EN, hours=1)
    cache("Tageskompass", SAME_STORY_EN, hours=60)
    found = {r.feed: r.score for r in find_related(cache.store, base)}
    assert found["Kestrel Daily"] > found["Tageskompass"] > 0


def test_an_item_without_a_date_uses_when_it_was_first_seen(cache):
    base = cache("Harbor Wire", STORY)
    cache("Kestrel Daily", SAME_STORY_EN, hours=1, published=False)
    assert set(titles(cache, base)) == {SAME_STORY_EN[0]}


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


ABU_DHABI_UK = ("Віткофф і Кушнер зустрілися з Умєровим в Абу-Дабі: план із 28 пунктів скорочують",
                ("Спецпосланець США Стів Віткофф і Джаред Кушнер провели зустріч із Рустемом "
                "Умєровим та Андрієм Єрмаком в Абу-Дабі після переговорів у Женеві щодо плану з "
                "28 пунктів."))
ABU_DHABI_RU = ("Уиткофф и Кушнер встретились с Умеровым в Абу-Даби",
                ("Спецпосланник США Стив Уиткофф и Джаред Кушнер встретились в Абу-Даби с Рустемом "
                "Умеровым и Андреем Ермаком после переговоров в Женеве по плану из 28 пунктов."))


def test_a_report_in_another_language_is_never_wire_copy(cache):
    """The same facts told in Ukrainian and in Russian share most of their evidence keys
    (names, places and numbers are keyed alike in every language): that is one story, not one
    text copied by two outlets."""
    base = cache("Stepova Khronika", ABU_DHABI_UK, language="uk")
    cache("Svobodnyi Bereg", ABU_DHABI_RU, hours=0.3, language="ru")
    (found,) = find_related(cache.store, base)
    assert found.title == ABU_DHABI_RU[0] and found.score > 0.9
    assert found.wire_copy is False
