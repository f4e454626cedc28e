"""`wirewatch headlines` end to end: `--match` in any spelling, script or alias, `--unread` as
the dashboard marks it, what it says when nothing is found, and hostile text, over a cache the
real `fetch` filled from a loopback site."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.apps import RecordingApp
from tests.support.cachegen import add_hostile, make_session
from tests.support.feedgen import config_text, item, rss
from tui.cli import main
from tui.core.session import Session
from tui.widgets.headline_table import HeadlineTable

DMITRIEV = '"Trump", { name = "Dmitriev", aliases = ["Kirill Dmitriev"] }'
ENGLISH = {
    "Crimea bridge reopens to traffic": 1,
    "Kirill Dmitriev flies to Miami for talks": 2,
    "Lavrov repeats Moscow's demands": 3,
    "Weather: a sunny weekend ahead": 4,
}
GERMAN = {"Gespräche über die Krim vertagt": 10}
UKRAINIAN = {"Переговори щодо Криму відкладено": 20}
CRIMEA = {"Crimea bridge reopens to traffic", "Gespräche über die Krim vertagt",
          "Переговори щодо Криму відкладено"}


class Desk:
    """A config and its cache, with the CLI run against them."""

    def __init__(self, config: Path) -> None:
        self.config, self.cache = config, config.parent / "cache"

    def run(self, capsys, *args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        status = main(["--config", str(self.config), "--cache", str(self.cache), *args])
        out, err = capsys.readouterr()
        return status, out, err

    def titles(self, capsys, *args: str) -> set[str]:
        status, out, err = self.run(capsys, "headlines", "--json", "--limit", "0", *args)
        assert status == 0, err
        return {entry["title"] for entry in json.loads(out)["items"]}


def _feed(titles: dict[str, int], language: str) -> bytes:
    return rss([item(n, title=title, summary="") for title, n in titles.items()],
               language=language)


@pytest.fixture
def desk(tmp_path, http_server):
    http_server.route("/en.xml", _feed(ENGLISH, "en"))
    http_server.route("/de.xml", _feed(GERMAN, "de"))
    http_server.route("/uk.xml", _feed(UKRAINIAN, "uk"))
    http_server.route("/broken.xml", "nope", status=500)
    config = tmp_path / "feeds.toml"
    text = config_text([("English", http_server.url("/en.xml")),
                        ("Deutsch", http_server.url("/de.xml")),
                        ("Ukrainska", http_server.url("/uk.xml")),
                        ("Broken", http_server.url("/broken.xml"))])
    config.write_text(text.replace('"Trump"', DMITRIEV), encoding="utf-8")
    return Desk(config)


@pytest.fixture
def fetched(desk, capsys):
    status, _, _ = desk.run(capsys, "fetch")
    assert status == 0
    return desk


# --- --match ----------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["Crimea", "crimea", "Krim", "Крим", "Крым", "KRIM"])
def test_match_takes_any_spelling_or_script_and_says_what_it_means(fetched, capsys, typed):
    assert fetched.titles(capsys, "--match", typed) == CRIMEA
    status, out, err = fetched.run(capsys, "headlines", "--match", typed)
    assert status == 0 and err == "wirewatch: matching Crimea (regions)\n"
    lines = out.splitlines()
    assert len(lines) == 3 and all(any(title in line for title in CRIMEA) for line in lines)


def test_match_takes_an_alias_and_a_category_in_any_case(fetched, capsys):
    assert fetched.titles(capsys, "--match", "Kirill Dmitriev") == {
        "Kirill Dmitriev flies to Miami for talks"}
    _, _, err = fetched.run(capsys, "headlines", "--match", "kirill dmitriev")
    assert err == "wirewatch: matching Dmitriev (negotiators)\n"
    assert fetched.titles(capsys, "--match", "REGIONS") == CRIMEA
    _, _, err = fetched.run(capsys, "headlines", "--match", "Regions")
    assert err == "wirewatch: matching the category regions\n"
    assert fetched.titles(capsys, "--match", "negotiators") == {
        "Kirill Dmitriev flies to Miami for talks", "Lavrov repeats Moscow's demands"}


def test_a_name_the_watchlist_does_not_know_is_a_usage_error_listing_it(fetched, capsys):
    for typed in ("Moscow", "Krimi", "Crimea bridge"):
        status, out, err = fetched.run(capsys, "headlines", "--match", typed)
        assert status == 2 and out == ""
        assert err.count("\n") == 1, err
        assert err.startswith(f"wirewatch: no watched name or category '{typed}' (the watchlist "
                              "has: regions: Crimea, Donetsk, Luhansk, Kherson, Zaporizhzhia; "
                              "negotiators: Witkoff, ")
        assert err.rstrip().endswith("Trump, Dmitriev)")


def test_a_known_name_with_no_items_says_so_without_sending_the_user_to_fetch(fetched, capsys):
    status, out, err = fetched.run(capsys, "headlines", "--match", "Херсон")
    assert status == 0 and out == ""
    assert err.splitlines() == ["wirewatch: matching Kherson (regions)",
                                "wirewatch: no cached item mentions Kherson (the cache has 6 items)"]
    status, out, err = fetched.run(capsys, "headlines", "--match", "Kherson", "--json")
    assert status == 0 and json.loads(out) == {"items": []}
    assert "fetch" not in err


def test_an_empty_cache_is_the_one_case_that_says_fetch(desk, capsys):
    status, out, err = desk.run(capsys, "headlines", "--match", "Kherson")
    assert status == 0 and out == ""
    assert err.splitlines()[-1] == "wirewatch: the cache is empty: fetch with `wirewatch fetch`"
    status, out, err = desk.run(capsys, "headlines")
    assert (status, out) == (0, "") and "wirewatch fetch" in err


def test_feed_and_search_with_nothing_found_say_which_filter_found_nothing(fetched, capsys):
    status, out, err = fetched.run(capsys, "headlines", "--feed", "Broken")
    assert (status, out) == (0, "")
    assert err == "wirewatch: no cached item from Broken (the cache has 6 items)\n"
    status, out, err = fetched.run(capsys, "headlines", "--search", "ceasefire")
    assert (status, out) == (0, "")
    assert err == "wirewatch: no cached item contains 'ceasefire' (the cache has 6 items)\n"
    _, _, err = fetched.run(capsys, "headlines", "--feed", "Deutsch", "--match", "Lavrov",
                            "--search", "talks", "--alerted", "--unread")
    assert err.splitlines()[-1] == (
        "wirewatch: no unread cached item from Deutsch mentions Lavrov and contains 'talks' "
        "and fired an alert (the cache has 6 items)")
    _, _, err = fetched.run(capsys, "headlines", "--match", "regions", "--feed", "English",
                            "--search", "weather")
    assert err.splitlines()[-1].startswith(
        "wirewatch: no cached item from English mentions a name of the category regions and "
        "contains 'weather'")


def test_an_unknown_feed_is_a_usage_error_listing_the_feeds_and_tags(fetched, capsys):
    status, out, err = fetched.run(capsys, "headlines", "--feed", "Nope")
    assert status == 2 and out == ""
    assert err == ("wirewatch: no feed or tag named 'Nope' (feeds: English, Deutsch, Ukrainska, "
                   "Broken; tags: test)\n")


# --- --unread ---------------------------------------------------------------------------------

async def test_unread_leaves_out_what_the_dashboard_marked_read(fetched, capsys):
    session = Session.open(str(fetched.config), str(fetched.cache))
    try:
        app = RecordingApp(session)
        async with app.run_test() as pilot:
            await pilot.pause()
            table = app.screen.query_one(HeadlineTable)
            marked = table.current.title
            await pilot.press("x")                      # the dashboard's "mark read"
            await pilot.pause()
    finally:
        session.close()
    everything = fetched.titles(capsys)
    assert marked in everything and len(everything) == 6
    assert fetched.titles(capsys, "--unread") == everything - {marked}
    if marked in CRIMEA:
        assert fetched.titles(capsys, "--unread", "--match", "Krim") == CRIMEA - {marked}
    status, out, _ = fetched.run(capsys, "headlines", "--unread")
    assert status == 0 and marked not in out and len(out.splitlines()) == 5


def test_unread_with_everything_read_says_so(fetched, capsys):
    session = Session.open(str(fetched.config), str(fetched.cache))
    try:
        from tui.core.cache.query import list_items

        session.store.set_read([i.row_id for i in list_items(session.store, limit=None)])
    finally:
        session.close()
    status, out, err = fetched.run(capsys, "headlines", "--unread", "--match", "Krim")
    assert (status, out) == (0, "")
    assert err.splitlines()[-1] == ("wirewatch: no unread cached item mentions Crimea "
                                    "(the cache has 6 items)")


# --- hostile text -----------------------------------------------------------------------------

def test_headlines_print_hostile_titles_inert(tmp_path, capsys):
    session = make_session(tmp_path / "cache")
    add_hostile(session)
    session.close()
    config = tmp_path / "feeds.toml"
    from tests.support.cachegen import config_text as cache_config

    config.write_text(cache_config(), encoding="utf-8")
    status, out, _ = Desk(config).run(capsys, "headlines", "--limit", "0")
    assert status == 0 and len(out.splitlines()) == 6
    for bad in ("\x1b", "\x07", "\u202e", "\u202c"):
        assert bad not in out
    assert "Escape \ufffd[31mred" in out and "Right-to-left \ufffdevil.exe" in out
    assert "[@click=app.quit]Click me[/] to quit" in out            # text, shown as it is


def test_alerts_print_a_hostile_title_inert(tmp_path, capsys):
    """A title stored raw (as by anything but our ingestion) that fires a rule."""
    from tests.support.cachegen import FIXED_NOW, entry
    from tests.support.cachegen import config_text as cache_config
    from tui.core.ingest.feeds import ParsedFeed

    config = tmp_path / "feeds.toml"
    config.write_text(cache_config(), encoding="utf-8")
    session = make_session(tmp_path / "cache")
    hostile = "Crimea \x1b]52;c;aGVsbG8=\x07 talks \u202eevil"
    session.store.ingest("Harbor Wire", ParsedFeed(title="x", language="en", entries=[
        entry("Harbor Wire", 1, hostile, FIXED_NOW)]), now=FIXED_NOW.timestamp(),
        matcher=session.watcher)
    session.close()
    desk = Desk(config)
    status, _, err = desk.run(capsys, "alert", "add", "Any Crimea", "--all", "Crimea")
    assert status == 0, err
    status, out, _ = desk.run(capsys, "alerts")
    assert status == 0 and "Any Crimea: " in out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "Crimea \ufffd]52;c;aGVsbG8=\ufffd talks \ufffdevil" in out
