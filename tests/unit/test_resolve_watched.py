"""What a user typed -> the watched name or category it means (`headlines --match`)."""

from __future__ import annotations

import pytest

from tests.support.configs import WATCHLIST
from tui.core.config.load import parse_config
from tui.core.names.resolve import Watched, resolve_watched, watched_names
from tui.core.session import build_watcher

CONFIG = WATCHLIST.replace('"Trump"', '"Trump", { name = "Dmitriev", aliases = ["Kirill Dmitriev"] }')


@pytest.fixture(scope="module")
def watcher():
    return build_watcher(parse_config(CONFIG))


@pytest.mark.parametrize("typed, name", [
    ("Crimea", "Crimea"), ("crimea", "Crimea"), ("CRIMEA", "Crimea"), ("  Crimea ", "Crimea"),
    ("Krim", "Crimea"), ("krim", "Crimea"), ("Крим", "Crimea"), ("Крым", "Crimea"),
    ("Kirill Dmitriev", "Dmitriev"), ("kirill   dmitriev", "Dmitriev"),
    ("Кирилл Дмитриев", "Dmitriev"), ("Selenskyj", "Zelensky"), ("Зеленского", "Zelensky"),
    ("Saporischschja", "Zaporizhzhia"), ("trump", "Trump"),
])
def test_any_spelling_script_case_or_alias_names_the_canonical_term(watcher, typed, name):
    found = resolve_watched(watcher, typed)
    assert found is not None and found.name == name
    assert found.category == ("negotiators" if name in ("Dmitriev", "Zelensky", "Trump")
                              else "regions")


def test_a_category_in_any_case_is_the_whole_category(watcher):
    for typed in ("regions", "Regions", "REGIONS"):
        assert resolve_watched(watcher, typed) == Watched(None, "regions")
    found = resolve_watched(watcher, "Negotiators")
    assert found.filter_key == "negotiators" and found.describe() == "the category negotiators"


def test_a_term_describes_itself_with_its_category(watcher):
    found = resolve_watched(watcher, "Крим")
    assert found.describe() == "Crimea (regions)" and found.filter_key == "Crimea"
    name, category = found                      # it is a (name, category) pair too
    assert (name, category) == ("Crimea", "regions")


@pytest.mark.parametrize("typed", [
    "", "   ", "Moscow", "Krimi", "Crimea bridge", "Putin Trump", "Lavra", "Donation", "Kirill",
])
def test_what_is_not_exactly_one_watched_term_resolves_to_nothing(watcher, typed):
    assert resolve_watched(watcher, typed) is None


def test_a_name_the_watchlist_changes_resolves_with_it():
    without = build_watcher(parse_config(WATCHLIST))
    assert resolve_watched(without, "Kirill Dmitriev") is None
    renamed = build_watcher(parse_config(WATCHLIST.replace('"Crimea"', '"Krym"')))
    assert resolve_watched(renamed, "Crimea") == Watched("Krym", "regions")


def test_watched_names_lists_each_category_in_the_files_order(watcher):
    names = watched_names(watcher)
    assert list(names) == ["regions", "negotiators"]
    assert names["regions"] == ("Crimea", "Donetsk", "Luhansk", "Kherson", "Zaporizhzhia")
    assert names["negotiators"][-1] == "Dmitriev"


@pytest.mark.parametrize("typed", ["Witkoff's", "Witkoff’s", "witkoff's", "Witkoffs'"])
def test_a_possessive_names_the_term_as_the_highlighting_does(watcher, typed):
    """The matcher highlights "Witkoff's" in a text as Witkoff (the mention ends before the
    apostrophe), so `--match "Witkoff's"` names Witkoff: it was refused as no watched name."""
    assert resolve_watched(watcher, typed) == Watched("Witkoff", "negotiators")


def test_a_possessive_does_not_let_other_words_through(watcher):
    assert resolve_watched(watcher, "Witkoff's plan") is None
    assert resolve_watched(watcher, "Witkoff'x") is None
