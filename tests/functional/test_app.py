"""The dashboard under Pilot: every key, every filter, the panes, help, palette and [keys].

Each test runs the real App over a real cache (a SQLite file in a temp folder) with fixed
content from tests/support/cachegen.py; `--offline` keeps these tests off the network (the
refresh cycle has its own tests against a loopback server).
"""

from __future__ import annotations

from datetime import timezone
from pathlib import Path

import pytest

from tests.functional.test_daily_loop import style_at
from tests.support.cachegen import (
    config_text,
    fail_feed,
    fill,
    make_session,
    screen_text,
)
from tui import messages
from tui.app import WirewatchApp
from tui.core.cache.query import ItemFilter, count_items, find_item
from tui.core.config.load import parse_config
from tui.screens.alert_form import AlertForm
from tui.screens.alerts import AlertsScreen
from tui.screens.article import ArticleScreen
from tui.screens.diff import DiffScreen
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen
from tui.screens.related import RelatedScreen
from tui.widgets.headline_table import HeadlineTable
from tui.widgets.watch_pane import WatchPane

ITEMS = 60


@pytest.fixture
def session(tmp_path):
    session = make_session(tmp_path / "cache")
    fill(session, ITEMS)
    fail_feed(session.store, "Kestrel Daily", "HTTP 500: Internal Server Error")
    yield session
    session.close()


def make_app(session, **kwargs) -> WirewatchApp:
    return WirewatchApp(session, offline=True, timezone=timezone.utc, **kwargs)


def table(app) -> HeadlineTable:
    return app.screen.query_one(HeadlineTable)


def count(session, **filters) -> int:
    return count_items(session.store, ItemFilter(**filters))


async def test_the_cache_shows_at_once_offline(session):
    app = make_app(session)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert table(app).total == ITEMS
        assert app.focused is table(app)
        text = screen_text(app)
        assert "offline" in text
        assert "Kestrel Daily: HTTP 500" in text          # the last error, in the status line
        assert "⚑ 5 unseen" in text                        # items that fired "Crimea recognition"
        assert "Witkoff and Kushner carry a 28-point plan" in text


async def test_full_collections_wait_for_a_pause_in_the_keys(session, monkeypatch):
    """While the dashboard runs, the collector does no full collection of itself (one landed
    in a key now and then: 10-20 ms at a million items); the dashboard asks for one once the
    user has pressed nothing for a while, and the collector's own threshold is back after."""
    import gc

    from tui.core import collector

    own = gc.get_threshold()
    monkeypatch.setattr(collector, "IDLE_SECONDS", 0.8)
    monkeypatch.setattr(collector, "FULL_AT_MOST_EVERY_SECONDS", 0.0)
    full: list[int] = []

    def seen(phase, info):
        if phase == "stop" and info["generation"] == 2:
            full.append(1)

    app = make_app(session)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert gc.get_threshold()[:2] == own[:2] and gc.get_threshold()[2] > 1_000_000
        gc.callbacks.append(seen)
        try:
            for _ in range(12):                     # a key every 0.15 s for 1.8 s
                await pilot.press("j")
                await pilot.pause(0.15)
            assert full == []
            await pilot.pause(2.2)                  # quiet: a tick collects
            assert full
        finally:
            gc.callbacks.remove(seen)
    assert gc.get_threshold() == own


async def test_movement_keys(session):
    app = make_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        t = table(app)
        await pilot.press("j", "j", "down")
        assert t.cursor_row == 3
        await pilot.press("k", "up")
        assert t.cursor_row == 1
        await pilot.press("G")
        assert t.cursor_row == ITEMS - 1
        await pilot.press("g")
        assert t.cursor_row == 0
        await pilot.press("pagedown")
        page = t.cursor_row
        assert page > 10
        await pilot.press("pageup")
        assert t.cursor_row == 0
        await pilot.press("end")
        assert t.cursor_row == ITEMS - 1
        await pilot.press("home", "k")
        assert t.cursor_row == 0                          # never above the first row


async def test_moving_the_focus_lays_out_only_the_cursor_row_again(session):
    """Opening and closing the search box moves the focus off the table and back, which
    changes the cursor's colours only: the other rows are repainted from their strips, not
    laid out again (a whole page of rows cost 10-16 ms at a million items, after every
    search and every escape), while the cursor row takes the colours of the focus."""
    app = make_app(session)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        t = table(app)
        laid_out: list[int] = []
        real_row = t._row

        def row(headline, *args):
            laid_out.append(headline.row_id)
            return real_row(headline, *args)

        t._row = row

        def cursor_colour():
            return style_at(app, t.region.x + 2, t.region.y + 1 + t.cursor_row).bgcolor

        focused = cursor_colour()
        await pilot.press("slash")
        await pilot.pause()
        assert app.focused is not t and cursor_colour() != focused
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is t and cursor_colour() == focused
        first = t.current.row_id
        assert laid_out and set(laid_out) == {first}
        await pilot.press("j")        # the row left keeps its strip from before the cursor came
        await pilot.pause()
        assert set(laid_out) == {first, t.current.row_id} != {first}


async def test_tab_and_shift_tab_cycle_the_panes(session):
    app = make_app(session)
    async with app.run_test() as pilot:
        seen = [app.focused.id]
        for _ in range(3):
            await pilot.press("tab")
            seen.append(app.focused.id)
        assert seen == ["headlines", "feed-list", "watch", "headlines"]
        await pilot.press("shift+tab", "shift+tab")
        assert app.focused.id == "feed-list"


async def test_enter_on_a_feed_a_tag_and_all_feeds_filters(session):
    app = make_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        app.screen.query_one("#feed-list").focus()
        await pilot.press("j", "enter")                   # Harbor Wire
        assert table(app).filter.feeds == ("Harbor Wire",)
        assert table(app).total == count(session, feeds=("Harbor Wire",))
        assert all(table(app).headline_at(i).feed == "Harbor Wire"
                   for i in range(table(app).total))
        await pilot.press("enter")                        # again: lifted
        assert table(app).filter.feeds == ()
        await pilot.press("G", "enter")                   # the last tag, #uk
        assert table(app).filter.feeds == ("Stepova Khronika",)
        await pilot.press("k", "k", "k", "enter")         # #en: two feeds
        assert table(app).filter.feeds == ("Harbor Wire", "Kestrel Daily")
        await pilot.press("g", "enter")                   # All feeds
        assert table(app).total == ITEMS


async def test_the_outbox_asking_before_the_dashboard_is_composed_finds_no_refresh(session):
    """The App's first outbox tick can come before the dashboard has composed its refresh
    cycle (it asks whether a refresh runs): no refresh, rather than NoMatches."""
    app = make_app(session)
    async with app.run_test(size=(100, 30)):
        composing = MainScreen(app.context)           # its widgets not there yet
        assert composing.refreshing is False
        assert app.screen.refreshing is False         # the composed one: none running offline


async def test_a_failing_feed_shows_its_last_error_when_highlighted(session):
    app = make_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        app.screen.query_one("#feed-list").focus()
        panel = app.screen.query_one("#feed-error")
        assert not panel.display or not panel.has_class("-shown")
        await pilot.press("j", "j")                       # Kestrel Daily
        assert panel.has_class("-shown")
        assert "HTTP 500: Internal Server Error" in screen_text(app)
        await pilot.press("j")
        assert not panel.has_class("-shown")


async def test_enter_on_a_term_or_category_filters(session):
    app = make_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        watch = app.screen.query_one(WatchPane)
        watch.focus()
        await pilot.press("j", "enter")                   # regions > Crimea
        assert table(app).filter.match == "Crimea"
        assert table(app).total == count(session, match="Crimea") > 0
        headline = table(app).current
        assert any(m.name == "Crimea" for m in headline.matches)
        await pilot.press("g", "enter")                   # the whole category
        assert table(app).filter.match == "regions"
        assert table(app).total == count(session, match="regions")
        await pilot.press("enter")                        # again: lifted
        assert table(app).filter.match is None


async def test_filters_combine(session):
    app = make_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("m")
        assert table(app).total == count(session, matches_only=True) < ITEMS
        await pilot.press("u")
        assert table(app).total == count(session, matches_only=True, unread_only=True)
        await pilot.press("S")
        assert table(app).total == count(session, matches_only=True, unread_only=True,
                                         starred_only=True)
        await pilot.press("S", "u", "m")
        assert table(app).total == ITEMS
        app.screen.query_one("#feed-list").focus()
        await pilot.press("j", "enter")
        table(app).focus()
        await pilot.press("m", "u")
        assert table(app).total == count(session, feeds=("Harbor Wire",), matches_only=True,
                                         unread_only=True)
        assert "Harbor Wire · matches only · unread" in screen_text(app)
        await pilot.press("escape")                       # lifts every filter
        assert table(app).total == ITEMS
        assert table(app).filter == ItemFilter()


async def test_search_is_full_text_and_escape_drops_it(session):
    app = make_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash")
        assert app.focused.id == "search"
        await pilot.press(*"Kher", "enter")              # the last word is a prefix
        assert app.focused is table(app)
        assert table(app).filter.search == "Kher"
        assert table(app).total == count(session, search="Kherson") > 0
        await pilot.press("m")                            # combines with the rest
        assert table(app).total == count(session, search="Kher", matches_only=True)
        await pilot.press("slash", "escape")              # escape in the box drops the search
        assert table(app).filter.search is None
        await pilot.press("slash", *"sum", "wait:250")   # typing searches as you go
        assert table(app).filter.search == "sum"
        await pilot.press("enter", "slash", *'"&zq(', "enter")
        assert table(app).total == 0                       # odd text is words, not FTS syntax
        assert "nothing here" in screen_text(app)


async def test_enter_opens_the_item_and_marks_it_read(session):
    app = make_app(session)
    async with app.run_test() as pilot:
        await pilot.press("j")
        target = table(app).current
        assert not target.read
        await pilot.press("enter")
        assert isinstance(app.screen, ArticleScreen) and app.screen.uid == target.uid
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        assert find_item(session.store, target.uid).read
        assert table(app).current.read
        await pilot.press("x")                            # and back to unread
        assert not find_item(session.store, target.uid).read


async def test_double_click_opens_click_moves(session):
    app = make_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        t = table(app)
        await pilot.click(HeadlineTable, offset=(40, 3))
        assert t.cursor_row == 2
        assert isinstance(app.screen, MainScreen)
        await pilot.double_click(HeadlineTable, offset=(40, 4))
        assert isinstance(app.screen, ArticleScreen)
        assert app.screen.uid == t.headline_at(3).uid


async def test_space_marks_and_c_compares(session):
    app = make_app(session)
    async with app.run_test() as pilot:
        await pilot.press("c")                            # nothing marked: says so, stays
        assert isinstance(app.screen, MainScreen)
        first = table(app).current
        await pilot.press("space", "j", "j")
        second = table(app).current
        await pilot.press("c")
        assert isinstance(app.screen, DiffScreen)
        assert (app.screen.uid, app.screen.other) == (first.uid, second.uid)
        await pilot.press("q")                            # q is "back" on other screens
        assert isinstance(app.screen, MainScreen)
        await pilot.press("k", "k", "space")             # unmark
        assert app.context.compare_mark is None


@pytest.mark.parametrize(("key", "screen"), [("d", DiffScreen), ("R", RelatedScreen),
                                             ("a", AlertsScreen)])
async def test_item_and_alert_keys_reach_their_screens(session, key, screen):
    app = make_app(session)
    async with app.run_test() as pilot:
        current = table(app).current
        await pilot.press(key)
        assert isinstance(app.screen, screen)
        if key != "a":
            assert app.screen.uid == current.uid and getattr(app.screen, "other", None) is None


async def test_new_alert_is_prefilled(session):
    app = make_app(session)
    async with app.run_test() as pilot:
        await pilot.press("A")                            # the current headline's names
        assert isinstance(app.screen, AlertForm)
        assert app.screen.prefill["all"] == ["Witkoff", "Kushner"]
        await pilot.press("escape")
        app.screen.query_one(WatchPane).focus()
        await pilot.press("j", "j", "A")                  # the highlighted term
        assert app.screen.prefill == {"name": "Donetsk", "all": ["Donetsk"]}
        await pilot.press("escape", "g", "A")             # a category
        assert app.screen.prefill == {"name": "regions", "categories": ["regions"]}


async def test_star_and_matches_navigation(session):
    app = make_app(session)
    async with app.run_test() as pilot:
        await pilot.press("j", "j")                       # an item without matches
        assert not table(app).current.matches
        await pilot.press("n")
        assert table(app).cursor_row == 3 and table(app).current.matches
        await pilot.press("N")
        assert table(app).cursor_row == 1
        item = table(app).current
        was = item.starred
        await pilot.press("s")
        assert find_item(session.store, item.uid).starred is not was
        assert table(app).current.starred is not was
        await pilot.press("S")
        assert table(app).total == count(session, starred_only=True)


async def test_o_opens_http_links_only_on_request(session):
    app = make_app(session)
    opened: list[str] = []
    app.open_url = lambda url, **kw: opened.append(url)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert opened == []
        await pilot.press("o")
        await app.workers.wait_for_complete()
        assert opened == [table(app).current.link]
        app.post_message(messages.OpenLink("javascript:alert(1)"))
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert opened == [table(app).current.link]


async def test_help_lists_every_key_with_its_name(session):
    app = make_app(session)
    async with app.run_test(size=(120, 110)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for name in ("cursor_down", "first", "last", "page_down", "next_pane", "search",
                     "matches_only", "unread_only", "starred_only", "refresh", "mark",
                     "compare", "diff", "related", "star", "open_link", "alerts", "new_alert",
                     "help", "quit", "back", "open", "command_palette", "next_match",
                     "older_versions", "fold_unchanged", "edit_alert", "delete_alert",
                     "stories_view", "open_story"):
            assert name in text, name
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_help_shows_its_own_keys_at_the_bottom_not_those_beneath(session):
    """A modal's footer is its own: under help, the main screen's keys (dimmed, and dead
    while help is up) used to fill the bottom line."""
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Star" in screen_text(app).rstrip("\n").splitlines()[-1]
        await pilot.press("question_mark")
        await pilot.pause()
        bottom = screen_text(app).rstrip("\n").splitlines()[-1]
        assert "Close" in bottom and "Star" not in bottom, bottom


async def test_keys_can_be_rebound_in_feeds_toml(tmp_path):
    config = parse_config(config_text(keys='star = "f"\nmatches_only = "M"'))
    session = make_session(tmp_path / "cache", config=config)
    fill(session, 20)
    app = make_app(session)
    async with app.run_test(size=(120, 60), notifications=True) as pilot:
        await pilot.pause()
        before = table(app).current.starred
        await pilot.press("s")
        assert table(app).current.starred is before       # s is no longer star
        await pilot.press("f")
        assert table(app).current.starred is not before
        await pilot.press("M")
        assert table(app).filter.matches_only
        await pilot.press("question_mark")
        help_text = screen_text(app)
        assert "f  " in help_text and "star" in help_text
    session.close()


async def test_the_command_palette_runs_actions_and_filters(session):
    app = make_app(session)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p", *"Matches")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert table(app).filter.matches_only
        await pilot.press("ctrl+p", *"Tages")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert table(app).filter.feeds == ("Tageskompass",)


async def test_the_theme_follows_textual_themes(session):
    app = make_app(session)
    async with app.run_test() as pilot:
        before = table(app).rich_style
        app.theme = "textual-light"
        await pilot.pause()
        assert table(app).rich_style != before


async def test_q_quits_from_the_main_screen(session):
    app = make_app(session)
    async with app.run_test() as pilot:
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0 or app.return_code is None
    assert not app.is_running


async def test_on_a_big_cache_counts_come_from_the_reader_thread(session, monkeypatch):
    import tui.widgets.headline_table as headline_table

    monkeypatch.setattr(headline_table, "SYNC_LIMIT", 0)   # every cache counts as big
    monkeypatch.setattr(headline_table, "PAGE_SIZE", 7)     # and spans many pages
    app = make_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        t = table(app)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert t.total == ITEMS and not t.counting
        assert "⚑ 5 unseen" in screen_text(app)             # pane counts arrived too
        titles = [t.headline_at(i).title for i in range(ITEMS)]
        assert titles[7] != titles[6] and len(set(titles)) > 7
        await pilot.press("m")
        assert t.filter.matches_only
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert t.total == count(session, matches_only=True)
        await pilot.press("pagedown", "j")
        watched, line = t.current, t.cursor_row - round(t.scroll_y)
        app.screen._reload_now()                            # what a refresh does
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert t.current.row_id == watched.row_id
        assert t.cursor_row - round(t.scroll_y) == line


async def test_on_a_big_cache_new_rows_do_not_wait_for_the_panes_counts(session, monkeypatch):
    """The headline table counts a reload on the reader thread; the panes' counts (per feed,
    per term: 70 ms and more at a million items) used to run on that same thread, so new
    rows waited behind them, 50-120 ms at a million items. The panes have a thread of their
    own: here their count is held, and the table still takes the new items."""
    import threading
    from datetime import datetime, timedelta

    import tui.widgets.headline_table as headline_table
    from tests.support.cachegen import FEEDS, FIXED_NOW, entry
    from tui.core.ingest.feeds import ParsedFeed

    monkeypatch.setattr(headline_table, "SYNC_LIMIT", 0)   # every cache counts as big
    released = threading.Event()
    app = make_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        t = table(app)
        await app.workers.wait_for_complete()
        await pilot.pause()
        main = app.screen
        read_counts = main._read_counts

        def held_counts():                                  # on the panes' thread
            released.wait(10)
            return read_counts()

        monkeypatch.setattr(main, "_read_counts", held_counts)
        try:
            main.load_counts()                              # the panes count, and count...
            await pilot.pause(0.05)
            feed = FEEDS[0][0]
            later = FIXED_NOW + timedelta(hours=1)
            fresh = [entry(feed, 90_000 + n, f"Fresh talks on Kherson, part {n}", later)
                     for n in range(3)]
            session.store.ingest(feed, ParsedFeed(title=feed, language="en", entries=fresh),
                                 now=datetime.now().timestamp(), matcher=session.watcher)
            main._reload_now()                              # ...as a refresh ends
            for _ in range(100):
                if t.total == ITEMS + 3:
                    break
                await pilot.pause(0.02)
            assert t.total == ITEMS + 3 and not released.is_set()
            assert t.headline_at(0).title.startswith("Fresh talks on Kherson")
        finally:
            released.set()
        await app.workers.wait_for_complete()


async def test_on_a_big_cache_a_search_shows_its_rows_at_once_and_its_count_once_known(
        session, monkeypatch):
    """The first page of a search is read at once; the header says "counting…" until the
    reader thread's count comes, then shows it."""
    import threading

    from tui.widgets import headline_table

    monkeypatch.setattr(headline_table, "SYNC_LIMIT", 0)   # every cache counts as big
    monkeypatch.setattr(headline_table, "PAGE_SIZE", 3)    # a full first page: a count is due
    released = threading.Event()
    counted = headline_table.count_items

    def held_count(store, flt):                             # on the reader thread
        if flt.search:
            released.wait(10)
        return counted(store, flt)

    monkeypatch.setattr(headline_table, "count_items", held_count)
    app = make_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        t = table(app)
        await app.workers.wait_for_complete()
        await pilot.pause()
        try:
            await pilot.press("slash", *"plan", "enter")
            await pilot.pause()
            assert t.filter.search == "plan" and t.counting
            text = screen_text(app)
            assert "counting…" in text and " items" not in text.splitlines()[0]
            assert t.current is not None and "plan" in t.current.title.lower()
            assert t.current.title[:30] in text                # the rows are on screen
        finally:
            released.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        expected = count(session, search="plan")
        assert not t.counting and t.total == expected > 3
        text = screen_text(app)
        assert f"{expected} items" in text and "counting…" not in text


async def test_the_footer_is_rebuilt_only_when_the_keys_it_shows_change(session):
    """The same keys keep their widgets; the search box's few keys are the table's, shown
    and hidden where they stand: closing it builds nothing (building the keys anew restyled
    each and laid the screen out twice, 60-100 ms after every search)."""
    from textual.widgets._footer import FooterKey

    app = make_app(session)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()

        def keys():
            return [key for key in app.screen.query(FooterKey) if key.display]

        def footer() -> str:
            return screen_text(app).rstrip("\n").splitlines()[-1]

        shown = keys()
        assert "slash" in [key.key for key in shown] and len(shown) > 5
        app.screen.refresh_bindings()                     # the same bindings: kept
        await pilot.pause()
        assert keys() == shown and all(a is b for a, b in zip(keys(), shown, strict=True))
        await pilot.press("slash")                         # the search box has its own
        await pilot.pause()
        assert 0 < len(keys()) < len(shown)
        assert "Search" in footer() and "Matches" not in footer()
        await pilot.press(*"plan", "enter")                # back on the table: its keys again
        await pilot.pause()
        assert all(a is b for a, b in zip(keys(), shown, strict=True))
        assert "Matches" in footer() and "Commands" in footer()


async def test_a_failing_feeds_mark_takes_the_themes_error_colour(session):
    from rich.color import Color
    from rich.style import Style

    from tui.widgets.feeds_pane import FeedsPane

    def mark_colour(app) -> Color:
        pane = app.screen.query_one(FeedsPane)
        index = next(i for i, c in enumerate(pane._choices) if c.value == "Kestrel Daily")
        prompt = pane.options.get_option_at_index(index).prompt
        at = prompt.plain.index("!")
        style = next(Style.parse(span.style) if isinstance(span.style, str) else span.style
                     for span in prompt.spans if span.start <= at < span.end)
        return style.color

    app = make_app(session)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        for theme in ("textual-light", "nord"):
            app.theme = theme
            await pilot.pause()
            assert mark_colour(app) == Color.parse(app.theme_variables["text-error"]), theme


@pytest.mark.parametrize("size", [(80, 24), (64, 24)])
async def test_a_narrow_footer_shows_whole_keys_only(session, size):
    """At 80 columns the main screen's keys do not all fit: those that do not are left out
    whole. The cut used to leave a key without its word ("s Star  a ▏^p Commands")."""
    from textual.widgets._footer import FooterKey

    app = make_app(session)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.pause()
        footer = screen_text(app).rstrip("\n").splitlines()[-1]
        left = footer.split("▏")[0].rstrip()
        words = [key.description for key in app.screen.query(FooterKey)
                 if key.display and "-command-palette" not in key.classes]
        assert left and any(left.endswith(word) for word in words), footer
        assert footer.rstrip().endswith("Commands")
        first = footer
        await pilot.press("slash")                     # the search box's two keys, then all again
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        await pilot.pause()
        assert screen_text(app).rstrip("\n").splitlines()[-1] == first
        await pilot.press("tab")                       # other keys, fewer of them: refitted
        await pilot.pause()
        await pilot.pause()
        footer = screen_text(app).rstrip("\n").splitlines()[-1]
        left = footer.split("▏")[0].rstrip()
        assert any(left.endswith(word) for word in words), footer
        await pilot.resize_terminal(200, 30)           # wide again: every key shows
        await pilot.pause()
        await pilot.pause()
        footer = screen_text(app).rstrip("\n").splitlines()[-1]
        words = [key.description for key in app.screen.query(FooterKey) if key.display]
        assert len(words) > 8 and all(word in footer for word in words), footer


def test_every_screen_uses_the_footer_that_shows_whole_keys():
    """Textual's own Footer cuts a key in half at 80 columns (and rebuilds on every focus
    change): every screen yields tui.widgets.footer.Footer. The alerts and related screens
    once used Textual's."""
    import re

    import tui

    root = Path(tui.__file__).parent
    stock = re.compile(r"^from textual\.widgets import [^\n]*\bFooter\b", re.M)
    offenders = [str(path.relative_to(root)) for path in root.rglob("*.py")
                 if path.name != "footer.py" and stock.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


async def test_a_counts_read_that_fails_off_the_loop_leaves_the_dashboard_up(session,
                                                                            monkeypatch):
    """The panes' counts are read on the reader thread in a big cache. A read that fails (or
    lands while the screen is being taken down) must not end the dashboard: it once did,
    with 'No nodes match #feed-list' at the end of a test."""
    import sqlite3

    monkeypatch.setattr(HeadlineTable, "counting_is_cheap", lambda self: False)
    failures = [sqlite3.OperationalError("disk I/O error")]
    real = MainScreen._read_counts

    def flaky(self):
        if failures:
            raise failures.pop()
        return real(self)

    monkeypatch.setattr(MainScreen, "_read_counts", flaky)
    app = make_app(session)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert not failures and app.is_running and isinstance(app.screen, MainScreen)
        app.screen.load_counts()                       # the next read shows the counts
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "⚑ 5 unseen" in screen_text(app)
