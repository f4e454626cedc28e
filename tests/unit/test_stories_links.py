"""When two reports link (tui.core.stories.links): the signals a link needs, weighed by how
common each key is in the time window."""

from __future__ import annotations

from tui.core.stories.links import Rarity, link, reasons


def window(common: dict[str, int], size: int = 2_000) -> Rarity:
    """A window of `size` items in which each key of `common` is held by that many items."""
    keysets = [frozenset(key for key, held in common.items() if n < held) for n in range(size)]
    return Rarity(keysets)


def test_a_bare_number_beside_a_name_in_much_of_the_news_is_no_link():
    rarity = window({"n Vladimir Putin": 400, "x 114": 2})
    found = link(frozenset({"n Vladimir Putin", "x 114"}),
                 frozenset({"n Vladimir Putin", "x 114", "w ceasef"}), 3600, rarity)
    assert not found.holds


def test_a_bare_number_beside_a_rare_name_links():
    rarity = window({"n Rustem Umerov": 30, "x 114": 2})
    found = link(frozenset({"n Rustem Umerov", "x 114"}),
                 frozenset({"n Rustem Umerov", "x 114"}), 3600, rarity)
    assert found.holds


def test_words_much_of_the_window_has_are_no_signal():
    common = {f"w common{n}": 300 for n in range(6)}
    rarity = window({"n Donald Trump": 300, **common})
    keys = frozenset({"n Donald Trump", *common})
    assert not link(keys, keys, 3600, rarity).holds


def test_several_rare_words_of_one_language_link():
    rare = {f"w rare{n}": 3 for n in range(4)}
    rarity = window(rare)
    keys = frozenset(rare)
    found = link(keys, keys, 3600, rarity)
    assert found.holds and found.signals == 2


def test_reasons_name_what_the_gazetteer_knows_as_it_names_it_and_the_rest_as_written():
    """"place: Russian" (the adjective the user's report used) said less than the place; a
    name written as (a word of) its name or abbreviated, a name the gazetteer does not know,
    and a number, read as the report wrote them."""
    shared = ["u 28 point", "n Steve Witkoff", "n Rustem Umerov", "p Russia", "c Kyiv",
              "p United States", "n barot", "w talks"]
    shown = {"u 28 point": "28-point", "n Steve Witkoff": "Віткоффом", "n Rustem Umerov": "Umerov",
             "p Russia": "Russian", "c Kyiv": "Києві", "p United States": "US", "n barot": "Barrot",
             "w talks": "talks"}
    assert reasons(shared, shown, 5400, limit=8) == [
        "number: 28-point", "name: Steve Witkoff", "name: Umerov", "place: Russia",
        "place: Kyiv", "place: US", "name: Barrot", "1 word", "2 h apart"]
