"""The daily loop, as a user lives it: the real App under Pilot, a real SQLite cache, and a
real loopback HTTP server wherever a refresh is involved (feeds served from routes the tests
change between refreshes). Nothing of the code under test is replaced: toasts and the bell
are recorded by wrapping the App's own `notify` and `bell`, which still run.

1. new items never out of sight      7. X / ctrl+z, next unread, copy link
2. one toast per refresh for hits    8. what the dashboard remembers
3. live article and diff, r anywhere 9. [keys] checked and in force
4. a readable diff                   10. help
5. contrast in both themes           11. the alert form
6. the preview strip                 12. layout at 80 and 220 columns
"""

from __future__ import annotations

import asyncio
import io
import json
import re
import time
from contextlib import redirect_stderr, redirect_stdout
from datetime import timezone
from pathlib import Path

import pytest
from rich.segment import Segment
from textual.widgets import Input

from tests.functional.test_screens_article_diff import build_session, settle
from tests.support.apps import RecordingApp
from tests.support.cachegen import FEEDS as CACHE_FEEDS
from tests.support.cachegen import config_text as cache_config
from tests.support.cachegen import fail_feed, fill, make_session, screen_text
from tests.support.contrast import below
from tests.support.feedgen import item, rss
from tui import messages
from tui.app import WirewatchApp
from tui.cli import main as cli
from tui.core.cache.query import ItemFilter, count_items, find_item
from tui.core.config.keys import BY_ID
from tui.core.config.load import load_config, parse_config
from tui.screens.alert_form import AlertForm
from tui.screens.alerts import AlertsScreen
from tui.screens.article import ArticleScreen
from tui.screens.diff import DiffScreen
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen
from tui.screens.related import RelatedScreen
from tui.state import STATE_FILE
from tui.widgets.diff_lines import DiffLines
from tui.widgets.headline_table import HeadlineTable
from tui.widgets.preview import Preview
from tui.widgets.status_line import StatusLine

FEED_TYPE = "application/rss+xml"
PATHS = {"Harbor Wire": "/harbor.xml", "Kestrel Daily": "/kestrel.xml",
         "Tageskompass": "/tages.xml", "Stepova Khronika": "/stepova.xml"}
LAVROV_RULE = '\n[[alerts]]\nname = "Lavrov"\nall = ["Lavrov"]\n'
GENEVA_RULE = '\n[[alerts]]\nname = "Geneva"\nall = ["Geneva"]\n'


# --- helpers ---------------------------------------------------------------------------------


def serve(server, harbor: list[dict]) -> None:
    """Harbor Wire serves `harbor`; the other three feeds are up and empty."""
    server.route(PATHS["Harbor Wire"], rss(harbor), content_type=FEED_TYPE)
    for name, path in PATHS.items():
        if name != "Harbor Wire":
            server.route(path, rss([]), content_type=FEED_TYPE)


def site_config(server, *, extra: str = ""):
    """The configuration whose four feeds are the loopback server's routes."""
    urls = {name: server.url(path) for name, path in PATHS.items()}
    return parse_config(cache_config(urls, settings='full_text = "never"') + extra)


def site_session(tmp_path: Path, server, *, extra: str = ""):
    """A session whose four feeds are the loopback server's routes."""
    return make_session(tmp_path / "cache", config=site_config(server, extra=extra))


def older(count: int) -> list[dict]:
    return [item(n, title=f"Older report {n}", hours_ago=3 + n * 0.1) for n in range(count)]


async def wait_until(pilot, condition, timeout: float = 5.0, what: str = "") -> None:
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"timed out waiting for {what or condition}")


async def refreshed(app, pilot, timeout: float = 10.0) -> None:
    """Until the refresh just asked for is done and shown (whatever screen is on top)."""
    await pilot.pause()
    await wait_until(pilot, lambda: not app.screen_stack[0].refreshing, timeout, "the refresh")
    await settle(pilot)


def table(app) -> HeadlineTable:
    return app.screen_stack[0].query_one(HeadlineTable)


def status(app) -> str:
    return str(app.screen_stack[0].query_one(StatusLine).render())


def painted(app) -> list[list[Segment]]:
    """Every line the compositor paints for the screen on top, as segments."""
    return [list(line) for line in app.screen._compositor.render_strips()]


def painted_text(app) -> list[str]:
    return ["".join(segment.text for segment in line) for line in painted(app)]


def region_text(app, widget) -> list[str]:
    """The painted lines of one widget's region."""
    region = widget.region
    return [line[region.x:region.right] for line in painted_text(app)[region.y:region.bottom]]


def style_at(app, x: int, y: int):
    at = 0
    for segment in painted(app)[y]:
        if at <= x < at + segment.cell_length:
            return segment.style
        at += segment.cell_length
    raise AssertionError(f"nothing painted at {x},{y}")


def record_toasts(app) -> list[tuple[str, str, str]]:
    """(title, message, screen on top) of every notification, the App's notify still run."""
    seen: list[tuple[str, str, str]] = []
    real = app.notify

    def notify(message, **kwargs):
        seen.append((kwargs.get("title") or "", message, type(app.screen).__name__))
        return real(message, **kwargs)

    app.notify = notify
    return seen


def alert_toasts(toasts) -> list[tuple[str, str, str]]:
    return [t for t in toasts if "alert" in t[0].lower()]


# --- 1. new items never out of sight ---------------------------------------------------------


async def test_at_the_top_new_items_arrive_in_view_and_the_status_counts_them(tmp_path,
                                                                               http_server):
    serve(http_server, older(30))
    session = site_session(tmp_path, http_server)
    await session.refresh(force=True)                  # the cache as the user left it
    app = RecordingApp(session)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        t = table(app)
        assert t.total == 30 and t.cursor_row == 0 and "new since" not in status(app)
        fresh = [item(100 + n, title=f"Fresh report {n}", hours_ago=0.1 * (n + 1))
                 for n in range(3)]
        serve(http_server, fresh + older(30))
        await pilot.press("r")
        await refreshed(app, pilot)
        assert t.total == 33
        assert t.cursor_row == 0 and round(t.scroll_y) == 0
        assert t.current.title == "Fresh report 0"
        shown = "\n".join(region_text(app, t))
        assert all(f"Fresh report {n}" in shown for n in range(3))
        assert "↑" not in shown.splitlines()[0]            # nothing above: nothing to point at
        assert "● 3 new since you last looked" in status(app)
        await pilot.press("g")                             # the user looks at the top
        await pilot.pause()
        assert "new since" not in status(app)
    session.close()


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_at_80_and_100_columns_the_header_still_points_up(tmp_path, http_server, size):
    """A narrow header keeps "↑ N new" and leaves out the rest first: it dropped the whole
    note (the count too) when "↑ 4 new · g goes there · 64 items" did not fit."""
    serve(http_server, older(60))
    session = site_session(tmp_path, http_server)
    await session.refresh(force=True)
    app = RecordingApp(session)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        t = table(app)
        await pilot.press("pagedown", "j", "j")
        assert round(t.scroll_y) > 0
        serve(http_server, [item(200 + n, title=f"Breaking {n}", hours_ago=0.05 * (n + 1))
                            for n in range(4)] + older(60))
        await pilot.press("r")
        await refreshed(app, pilot)
        header = region_text(app, t)[0]
        assert "↑ 4 new" in header, header
        assert "Title" in header
    session.close()


async def test_scrolled_down_the_cursor_keeps_its_item_and_the_header_points_up(tmp_path,
                                                                               http_server):
    serve(http_server, older(60))
    session = site_session(tmp_path, http_server)
    await session.refresh(force=True)
    app = RecordingApp(session)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        t = table(app)
        await pilot.press("pagedown", "j", "j")
        watched, line = t.current, t.cursor_row - round(t.scroll_y)
        assert round(t.scroll_y) > 0
        serve(http_server, [item(200 + n, title=f"Breaking {n}", hours_ago=0.05 * (n + 1))
                            for n in range(4)] + older(60))
        await pilot.press("r")
        await refreshed(app, pilot)
        assert t.current.row_id == watched.row_id                # the cursor kept its item
        assert t.cursor_row - round(t.scroll_y) == line          # on its screen line
        header = region_text(app, t)[0]
        assert "↑ 4 new" in header and "64 items" in header
        assert "Breaking" not in "\n".join(region_text(app, t))   # above, out of sight...
        assert "● 4 new since you last looked" in status(app)     # ...but counted
        await pilot.press("g")
        await pilot.pause()
        assert t.cursor_row == 0 and t.current.title == "Breaking 0"
        header = region_text(app, t)[0]
        assert "↑" not in header and "new" not in header
        assert "new since" not in status(app)
        await pilot.press("pagedown")                        # seen: no longer "new"
        await pilot.pause()
        assert "↑" not in region_text(app, t)[0]
    session.close()


# --- 2. alert hits: one summary toast per refresh, the bell once, never over a form ----------


def alerting_app(session) -> tuple[WirewatchApp, list, list]:
    app = WirewatchApp(session, offline=True, timezone=timezone.utc)   # announces the outbox
    toasts = record_toasts(app)
    bells: list[int] = []
    real_bell = app.bell

    def bell() -> None:
        bells.append(1)
        real_bell()

    app.bell = bell
    return app, toasts, bells


async def alerting_site(tmp_path: Path, server):
    """A session over the site with the Lavrov rule, refreshed once with nothing that fires,
    and an app that records its toasts and bells: (session, app, toasts, bells)."""
    serve(server, older(5))
    session = site_session(tmp_path, server, extra=LAVROV_RULE)
    await session.refresh(force=True)
    return (session, *alerting_app(session))


HITS = [item(100, title="US weighs recognition of Crimea",
             link="https://tracker.example/a?u=1&session=abc"),
        item(101, title="Crimea recognition debated again"),
        item(102, title="Lavrov meets Witkoff in Geneva")]


async def test_alert_hits_make_one_summary_toast_and_one_bell_per_refresh(tmp_path,
                                                                        http_server):
    session, app, toasts, bells = await alerting_site(tmp_path, http_server)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert alert_toasts(toasts) == [] and bells == []
        serve(http_server, HITS + older(5))
        await pilot.press("r")
        await refreshed(app, pilot)
        await wait_until(pilot, lambda: alert_toasts(toasts), what="the toast")
        await settle(pilot)
        [(title, text, _)] = alert_toasts(toasts)
        assert title == "3 alert hits"
        assert "Crimea recognition ×2" in text and "Lavrov" in text and "Lavrov ×" not in text
        assert "http" not in title + text and "tracker.example" not in text   # never a link
        assert bells == [1]
        serve(http_server, HITS + older(5))               # nothing new: nothing announced
        await pilot.press("r")
        await refreshed(app, pilot)
        await pilot.pause(0.3)
        assert len(alert_toasts(toasts)) == 1 and bells == [1]
    session.close()


async def test_a_refresh_whose_feeds_come_in_over_seconds_makes_one_toast(tmp_path,
                                                                         http_server):
    """A refresh records its hits as its feeds come in (one cut short loses none): the outbox's
    tick, falling while a slow feed is still out, must not announce the first feeds' hits on
    their own, or one refresh made two toasts and rang twice."""
    from tests.support.httpserver import Reply
    from tui.app import ALERT_TICK_SECONDS

    session, app, toasts, bells = await alerting_site(tmp_path, http_server)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        serve(http_server, HITS[:2] + older(5))

        def slowly(_request) -> Reply:
            time.sleep(ALERT_TICK_SECONDS * 1.5)
            return Reply(200, rss([HITS[2]]), {"Content-Type": FEED_TYPE})

        http_server.route(PATHS["Kestrel Daily"], slowly)
        await pilot.press("r")
        await wait_until(pilot, lambda: alert_toasts(toasts), timeout=20, what="the toast")
        await pilot.pause(ALERT_TICK_SECONDS + 0.5)
        [(title, text, _)] = alert_toasts(toasts)
        assert title == "3 alert hits" and "Lavrov" in text and bells == [1]
    session.close()


async def test_no_alert_toast_over_the_alert_form_it_shows_once_the_form_closes(tmp_path,
                                                                              http_server):
    session, app, toasts, bells = await alerting_site(tmp_path, http_server)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        assert isinstance(app.screen, AlertForm)
        serve(http_server, HITS + older(5))
        app.screen_stack[0].action_refresh()          # a refresh due while the user types
        await refreshed(app, pilot)
        assert count_items(session.store, ItemFilter()) == 8
        await pilot.pause(2.5)                        # more than a tick of the outbox
        assert alert_toasts(toasts) == [] and bells == []
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        await wait_until(pilot, lambda: alert_toasts(toasts), timeout=15, what="the toast")
        assert len(alert_toasts(toasts)) == 1, toasts
        [(title, _, shown_over)] = alert_toasts(toasts)
        assert title == "3 alert hits" and shown_over == "MainScreen"
        assert bells == [1]
    session.close()


async def busy_interface(seconds: float) -> None:
    """Queued on the App with `call_later`: the App handles nothing else for `seconds` (a busy
    interface, a slow repaint), while workers and their threads go on."""
    await asyncio.sleep(seconds)


async def test_hits_are_announced_once_when_the_interface_is_busy_as_they_are_claimed(
        tmp_path, http_server):
    """The outbox's claim runs on a thread, which can end before the App handles the worker's
    first state message. Each of its three messages (pending, running, success) then found it
    ended, and the claim was announced three times, toast and bell (about one CI run in ten,
    in the test above)."""
    session, app, toasts, bells = await alerting_site(tmp_path, http_server)
    serve(http_server, HITS + older(5))
    await session.refresh(force=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: alert_toasts(toasts), what="the refresh's hits")
        await settle(pilot)
        assert len(alert_toasts(toasts)) == 1 and bells == [1]
        # A rule added as `wirewatch alert add` does it: its hit among the cached items is
        # recorded at once, and the App is told, but is busy as the claim runs.
        hits = session.apply(site_config(http_server, extra=LAVROV_RULE + GENEVA_RULE)).hits
        assert [hit.alert for hit in hits] == ["Geneva"]
        app.post_message(messages.AlertsChanged())
        app.call_later(busy_interface, 1.0)
        await pilot.pause(1.5)
        await settle(pilot)
        assert alert_toasts(toasts)[1:] == [
            ("Alert: Geneva", "Lavrov meets Witkoff in Geneva · Harbor Wire", "MainScreen")]
        assert bells == [1, 1]
    session.close()


# --- 3. live screens: a new version comes in; r from every screen ----------------------------


ARTICLE_V1 = item(1, title="Lavrov meets Witkoff", summary="Talks in Geneva.",
                  content="<p>Lavrov met Witkoff in Geneva on Monday.</p>"
                          "<p>No statement followed.</p>")
ARTICLE_V2 = dict(ARTICLE_V1, title="Lavrov meets Witkoff, talks end",
                  content="<p>Lavrov met Witkoff in Geneva on Monday.</p>"
                          "<p>Both sides called the talks useful.</p>")
ARTICLE_V3 = dict(ARTICLE_V2, summary="Talks in Geneva ended early.", content="<p>Lavrov met Witkoff in Geneva on Monday.</p>"
                                      "<p>Both sides called the talks useful and brief.</p>")


async def test_an_open_article_and_diff_take_a_new_version_when_a_refresh_brings_one(
        tmp_path, http_server):
    serve(http_server, [ARTICLE_V1])
    session = site_session(tmp_path, http_server)
    await session.refresh(force=True)
    app = RecordingApp(session)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        assert "No statement followed." in screen_text(app)
        serve(http_server, [ARTICLE_V2])
        await pilot.press("r")                          # from the article
        await refreshed(app, pilot)
        text = screen_text(app)
        assert isinstance(app.screen, ArticleScreen)
        assert "Both sides called the talks useful." in text
        assert "No statement followed." not in text
        assert "Lavrov meets Witkoff, talks end" in text and "2 versions" in text
        assert ("information", "A new version of this article arrived: shown.") in app.notes
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DiffScreen)
        assert app.screen.result is not None and (app.screen.older, app.screen.newer) == (1, 2)
        serve(http_server, [ARTICLE_V3])
        await pilot.press("r")                          # from the diff
        await refreshed(app, pilot)
        assert (app.screen.older, app.screen.newer) == (2, 3)
        assert "Talks in Geneva ended early." in screen_text(app)
        assert ("information", "A new version arrived: the diff shows it.") in app.notes
    session.close()


@pytest.mark.parametrize(("keys", "screen"), [(("enter",), ArticleScreen), (("d",), DiffScreen),
                                              (("R",), RelatedScreen), (("a",), AlertsScreen)])
async def test_r_starts_a_refresh_from_every_screen(tmp_path, http_server, keys, screen):
    serve(http_server, older(3))
    session = site_session(tmp_path, http_server)
    await session.refresh(force=True)
    app = RecordingApp(session)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
        assert isinstance(app.screen, screen)
        before = len(http_server.requests_to("/harbor.xml"))
        await pilot.press("r")
        await refreshed(app, pilot)
        assert len(http_server.requests_to("/harbor.xml")) == before + 1
        assert isinstance(app.screen, screen)           # and the user stays where they were
    session.close()


# --- 4. a readable diff ----------------------------------------------------------------------


@pytest.fixture
def story(tmp_path):
    session, uids = build_session(tmp_path / "story")
    uids["rail"] = session.store.connection.execute(
        "SELECT uid FROM items WHERE title LIKE 'Rail freight%'").fetchone()[0]
    yield session, uids
    session.close()


def marker_lines(app) -> list[str]:
    return [line for line in painted_text(app) if "▶" in line]


async def test_n_moves_a_visible_current_change_marker(story):
    session, uids = story
    app = RecordingApp(session, lambda ctx: DiffScreen(ctx, uids["main"]))
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        view = app.screen.query_one(DiffLines)
        assert marker_lines(app) == []                 # no change picked yet
        await pilot.press("n")
        first = marker_lines(app)
        assert first and all(line.lstrip().startswith("▶") or " │ ▶" in line
                             for line in first)
        y = next(i for i, line in enumerate(painted_text(app)) if "▶" in line)
        x = painted_text(app)[y].index("▶")
        assert style_at(app, x, y).bgcolor != view.rich_style.bgcolor   # in the cursor's colours
        await pilot.press("n")
        second = marker_lines(app)
        assert second and second != first              # the marker moved on...
        assert not set(first) & set(second)             # ...and left the first change
        await pilot.press("N")
        assert marker_lines(app) == first


async def test_compare_says_whether_two_reports_are_one_story(story):
    session, uids = story
    app = RecordingApp(session, lambda ctx: DiffScreen(ctx, uids["main"], uids["rail"]))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "compare: two reports side by side" in text
        assert "one story, as two outlets" not in text
        app.push_screen(DiffScreen(app.context, uids["main"], uids["kestrel"]))
        await settle(pilot)
        text = screen_text(app)
        assert "one story, as two outlets report it" in text
        assert "two reports side by side" not in text


# --- 5. readable in both themes; only the focused pane shows the strong cursor ---------------


THEMES = ["textual-dark", "textual-light"]


def offenders(app, where: str) -> list[str]:
    return [f"{where}: {run}" for run in below(app)]


@pytest.fixture
def dashboard(tmp_path):
    session = make_session(tmp_path / "cache")
    fill(session, 60)
    fail_feed(session.store, "Kestrel Daily", "HTTP 500: Internal Server Error")
    yield session
    session.close()


async def dashboard_screens(pilot, visit) -> None:
    """Main, main with the side pane focused, the preview, alerts, the alert form, help,
    trends."""
    await visit("main")
    await pilot.press("tab")
    await visit("main, side pane focused")
    await pilot.press("shift+tab", "p")
    await visit("main, preview open")
    await pilot.press("p", "a")
    await visit("alerts")
    await pilot.press("escape", "A")
    await visit("alert form")
    await pilot.press("escape", "question_mark")
    await visit("help")
    await pilot.press("escape", "t")
    await visit("trends")
    await pilot.press("j", "L")
    await visit("trends, by language")


async def story_screens(pilot, visit) -> None:
    """Article (a watched name in focus too), diff (a change picked), related."""
    await visit("article")
    await pilot.press("n")          # the match in focus: its own background under the name
    await visit("article, a match in focus")
    await pilot.press("d", "n")
    await visit("diff")
    await pilot.press("escape", "R")
    await visit("related")


@pytest.mark.parametrize("theme", THEMES)
async def test_every_screen_is_readable(dashboard, story, theme):
    found: list[str] = []
    for session, first, walk in ((dashboard, None, dashboard_screens),
                                 (story[0], lambda ctx: ArticleScreen(ctx, story[1]["main"]),
                                  story_screens)):
        app = RecordingApp(session, first)
        app.theme = theme
        async with app.run_test(size=(120, 36)) as pilot:
            async def visit(where: str) -> None:
                await settle(pilot)
                assert app.theme == theme
                found.extend(offenders(app, where))

            await walk(pilot, visit)
    assert not found, f"below 4.5:1 in {theme}:\n" + "\n".join(found)


async def test_a_theme_chosen_while_a_screen_is_open_keeps_it_readable(dashboard, story):
    """The theme can be changed from any screen (ctrl+p): what is on screen takes it. Each
    screen is checked right after a switch, dark to light and back in turn."""
    found: list[str] = []
    for session, first, walk in ((dashboard, None, dashboard_screens),
                                 (story[0], lambda ctx: ArticleScreen(ctx, story[1]["main"]),
                                  story_screens)):
        app = RecordingApp(session, first)
        app.theme = THEMES[0]
        async with app.run_test(size=(120, 36)) as pilot:
            async def visit(where: str) -> None:
                await settle(pilot)
                app.theme = THEMES[1 - THEMES.index(app.theme)]
                await settle(pilot)
                found.extend(offenders(app, f"{where}, now {app.theme}"))

            await walk(pilot, visit)
    assert not found, "below 4.5:1 after a theme switch:\n" + "\n".join(found)


@pytest.mark.parametrize("theme", THEMES)
async def test_only_the_focused_pane_shows_the_strong_cursor(dashboard, theme):
    app = RecordingApp(dashboard)
    app.theme = theme
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        t = table(app)
        feeds = app.screen.query_one("#feed-list")

        def table_cursor():
            return style_at(app, t.region.x + 2, t.region.y + 1 + t.cursor_row).bgcolor

        def feeds_cursor():
            return style_at(app, feeds.region.x + 1, feeds.region.y + feeds.highlighted).bgcolor

        def plain_row():
            return style_at(app, t.region.x + 2, t.region.y + 2 + t.cursor_row).bgcolor

        strong = table_cursor()
        assert app.focused is t and strong != plain_row()
        assert feeds_cursor() != strong                  # the unfocused side pane: not strong
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is feeds
        assert feeds_cursor() == strong                  # the focus moved, the strong cursor too
        blurred = table_cursor()
        assert blurred != strong and blurred != plain_row()   # still there, but quiet


# --- 6. the preview strip --------------------------------------------------------------------


def preview_lines(app) -> list[str]:
    preview = app.screen.query_one(Preview)
    return [line.strip() for line in region_text(app, preview)] if preview.display else []


async def test_preview_shows_the_summary_and_where_each_name_matched(story):
    session, uids = story
    app = RecordingApp(session)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        t = table(app)
        await pilot.press("G")
        assert t.current.uid == uids["main"]
        assert preview_lines(app) == []
        await pilot.press("p")
        await pilot.pause()
        lines = preview_lines(app)
        joined = " ".join(lines)
        assert "US envoys Witkoff and Kushner took a peace plan to Moscow" in joined
        assert "in the headline: Witkoff, Kushner" in lines
        summary_line = next(line for line in lines if line.startswith("in the summary: "))
        assert {"Witkoff", "Kushner", "Crimea", "Donetsk"} <= set(
            summary_line.removeprefix("in the summary: ").split(", "))
        text_line = next(line for line in lines if line.startswith("in the article text: "))
        names, _, around = text_line.removeprefix("in the article text: ").partition(" · ")
        in_text = list(dict.fromkeys(m.name for m in t.current.matches if m.field == "text"))
        shown, _, more = names.partition(" +")
        shown = shown.split(", ")
        assert shown == in_text[:len(shown)] and len(shown) >= 2
        assert more == ("" if len(shown) == len(in_text) else f"{len(in_text) - len(shown)} more")
        assert around.startswith("Witkoff and Kushner flew to Moscow")   # the words around
        # The names in the summary are painted in their category's colour.
        preview = app.screen.query_one(Preview)
        lines_painted = painted(app)[preview.region.y:preview.region.bottom]
        colours = {segment.text.strip(): segment.style.color for line in lines_painted
                   for segment in line if segment.style is not None and segment.text.strip()}
        plain_colour = next(c for text, c in colours.items() if text.startswith("US envoys"))
        assert colours["Crimea"] != plain_colour and colours["Witkoff"] != plain_colour
        assert colours["Crimea"] != colours["Witkoff"]         # regions vs negotiators
        await pilot.press("k")                                  # follows the cursor
        await pilot.pause()
        assert t.current.uid == uids["kestrel"]
        lines = preview_lines(app)
        assert "The US envoys carried a peace plan to Moscow" in " ".join(lines)
        assert any(line.startswith("in the summary: ") and "Umerov" in line for line in lines)
        await pilot.press("j", "j")                              # past the end: stays
        await pilot.press("p")
        await pilot.pause()
        assert preview_lines(app) == []
        assert "in the headline" not in screen_text(app)


async def test_items_matched_only_beyond_the_headline_carry_a_pilcrow(story):
    session, uids = story
    app = RecordingApp(session)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        t = table(app)
        rows = region_text(app, t)[1:1 + t.total]
        by_uid = {t.headline_at(i).uid: rows[i] for i in range(t.total)}
        assert "¶" in by_uid[uids["hostile"]]        # Crimea only in the summary
        assert "¶" not in by_uid[uids["main"]]       # names in the headline
        assert "¶" not in by_uid[uids["rail"]]       # no names at all
        await pilot.press("p")                        # and the preview says where
        await pilot.pause()
        assert t.current.uid == uids["hostile"]
        lines = preview_lines(app)
        assert "in the summary: Crimea" in lines and not any(
            line.startswith("in the headline") for line in lines)


# --- 7. X and ctrl+z, next unread, copy the link ---------------------------------------------


@pytest.fixture
def desk(tmp_path):
    """A feeds.toml on disk and its cache, for the dashboard and the command line alike."""
    config = tmp_path / "feeds.toml"
    config.write_text(cache_config(), encoding="utf-8")
    session = make_session(tmp_path / "cache", config=load_config(config))
    fill(session, 60)
    yield session, config
    session.close()


def unread_by_cli(config: Path, *args: str) -> set[str]:
    """`wirewatch headlines --unread --json` (tui.cli.main, in this process: its output taken
    here, since a running App holds sys.stdout)."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli(["--config", str(config), "--cache", str(config.parent / "cache"),
                    "headlines", "--unread", "--json", "--limit", "0", *args])
    assert code == 0, err.getvalue()
    return {entry["id"] for entry in json.loads(out.getvalue())["items"]}


async def test_X_marks_the_view_read_and_ctrl_z_brings_it_back(desk):
    session, config = desk
    everything = unread_by_cli(config)
    harbor = unread_by_cli(config, "--feed", "Harbor Wire")
    assert harbor and everything - harbor
    app = RecordingApp(session)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        app.screen.query_one("#feed-list").focus()
        await pilot.press("j", "enter")                       # the view: Harbor Wire
        table(app).focus()
        assert table(app).filter.feeds == ("Harbor Wire",)
        await pilot.press("X")
        await settle(pilot)
        assert unread_by_cli(config, "--feed", "Harbor Wire") == set()
        assert unread_by_cli(config) == everything - harbor   # only the view
        assert all(table(app).headline_at(i).read for i in range(table(app).total))
        assert any(f"{len(harbor):,} marked read" in note for _, note in app.notes)
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert unread_by_cli(config) == everything
        t = table(app)
        assert {t.headline_at(i).uid for i in range(t.total)
                if not t.headline_at(i).read} == harbor          # and on screen too


async def test_full_stop_goes_to_the_next_unread_and_wraps(desk):
    session, _ = desk
    app = RecordingApp(session)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        t = table(app)
        unread = [i for i in range(t.total) if not t.headline_at(i).read]
        assert len(unread) < t.total                          # some are read already
        visited = []
        for _ in range(len(unread) + 1):
            await pilot.press("full_stop")
            visited.append(t.cursor_row)
        assert visited[:-1] == unread[1:] + unread[:1]         # every unread, in order...
        assert visited[-1] == unread[1]                        # ...then round again
        assert all(not t.headline_at(row).read for row in visited)


async def test_y_copies_the_link(desk):
    session, _ = desk
    app = RecordingApp(session)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "y")
        assert app.clipboard == table(app).current.link
        assert app.clipboard.startswith("https://news.example/")
        assert ("information", "Link copied.") in app.notes


# --- 8. what the dashboard remembers ---------------------------------------------------------


async def test_the_dashboard_comes_back_as_it_was_left(dashboard):
    first = RecordingApp(dashboard)
    async with first.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        first.theme = "textual-light"
        feeds = first.screen.query_one("#feed-list")
        feeds.focus()
        await pilot.press("j", "j", "enter")                  # Kestrel Daily
        first.screen.query_one("#watch").focus()
        await pilot.press("j", "enter")                       # regions > Crimea
        table(first).focus()
        await pilot.press("m", "slash", *"Crimea", "enter")
        await settle(pilot)
        assert table(first).total >= 2
        await pilot.press("j", "p")
        left = table(first).current
        first.screen.query_one("#watch").focus()
        await pilot.press("q")
        await pilot.pause()
    state = json.loads((dashboard.store.cache_dir / STATE_FILE).read_text(encoding="utf-8"))
    assert state["cursor"] == left.uid

    second = RecordingApp(dashboard)
    async with second.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = second.screen
        assert second.theme == "textual-light"
        f = screen.filters
        assert (f.feed.kind, f.feed.value) == ("feed", "Kestrel Daily")
        assert (f.watch.category, f.watch.term) == ("regions", "Crimea")
        assert f.matches_only and f.search == "Crimea"
        assert table(second).current.uid == left.uid
        assert second.focused is screen.query_one("#watch")
        assert screen.query_one(Preview).display
        assert "Kestrel Daily · watch: Crimea · matches only · /Crimea" in status(second)


@pytest.mark.parametrize("damage", ["{not json", "[1, 2, 3]", b"\xff\xfe\x00garbage"])
async def test_a_damaged_dashboard_state_is_ignored_with_a_note(dashboard, damage):
    path = dashboard.store.cache_dir / STATE_FILE
    if isinstance(damage, bytes):
        path.write_bytes(damage)
    else:
        path.write_text(damage, encoding="utf-8")
    app = RecordingApp(dashboard)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MainScreen) and table(app).total == 60
        assert app.theme == "textual-dark" and app.focused is table(app)
        [(severity, note)] = [n for n in app.notes if "remembered" in n[1]]
        assert severity == "warning" and "was not read" in note
        await pilot.press("q")
    assert json.loads(path.read_text(encoding="utf-8"))["theme"] == "textual-dark"   # rewritten


# --- 9. [keys] -------------------------------------------------------------------------------


@pytest.mark.parametrize(("keys", "place", "says"), [
    ('star = "f"\nfly = "y"', "fly =", "no action named 'fly'"),
    ('star = "ctrl+"', "star =", "is not a key name"),
    ('star = "hyper+super+meta+ctrl+ctrl+f"', "star =", "is not a key name"),
    ('star = "f"\nrefresh = "f"', "refresh =", "f is already star on the dashboard screen"),
])
def test_check_refuses_bad_keys_at_their_place(tmp_path, capsys, keys, place, says):
    config = tmp_path / "feeds.toml"
    text = cache_config(keys=keys)
    config.write_text(text, encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith(place))
    code = cli(["--config", str(config), "check"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert re.match(rf"feeds\.toml:{line}:\d+: ", err), err
    assert says in err and "Traceback" not in err


async def test_single_character_keys_work_in_the_running_app(tmp_path):
    config = parse_config(cache_config(keys='help = "?"\nstar = "*"\nnext_unread = ";"\n'
                                            'copy_link = "+"'))
    assert config.keys == {"help": "question_mark", "star": "asterisk", "next_unread": "semicolon",
                           "copy_link": "plus"}
    session = make_session(tmp_path / "cache", config=config)
    fill(session, 20)
    app = RecordingApp(session)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        t = table(app)
        was = t.current.starred
        await pilot.press("*")
        assert t.current.starred is not was and find_item(session.store, t.current.uid).starred \
            is not was
        await pilot.press(";")
        assert t.cursor_row > 0 and not t.current.read
        await pilot.press("+")
        assert app.clipboard == t.current.link
        await pilot.press(".", "s", "y")                     # the defaults they replaced: idle
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("?")
        assert isinstance(app.screen, HelpScreen)
    session.close()


# --- 10. help ----------------------------------------------------------------------------------


async def test_help_puts_every_day_keys_first_filters_scrolls_and_closes(dashboard):
    app = RecordingApp(dashboard)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        body = screen.query_one("#help-body")
        lines = [line.strip() for line in region_text(app, body)]
        heading = next(i for i, line in enumerate(lines) if line.startswith("Every day"))
        named = [next((word for word in line.split() if word in BY_ID), None)
                 for line in lines[heading + 1:]]
        everyday = [name for name in named if name][:5]
        assert everyday == ["cursor_down", "cursor_up", "open", "back", "search"], lines
        assert not any(line.startswith("Move") for line in lines[:heading])
        await pilot.press("pagedown")
        assert body.scroll_y > 0
        await pilot.press("G")
        assert body.scroll_y == body.max_scroll_y > 0
        await pilot.press("g")
        assert body.scroll_y == 0
        await pilot.press(*"unread")                          # typing filters
        await pilot.pause()
        field = screen.query_one("#help-filter", Input)
        assert field.value == "unread"
        text = "\n".join(region_text(app, body))
        assert "next_unread" in text and "unread_only" in text and "toggle_read" in text
        assert "cursor_down" not in text and "refresh" not in text
        listed = [word for line in text.splitlines() for word in line.split() if word in BY_ID]
        assert re.search(rf"\b{len(listed)} matching", text) and len(set(listed)) == len(listed)
        assert "Every day" not in text
        await pilot.press("escape")                           # clears the filter
        assert isinstance(app.screen, HelpScreen) and field.value == ""
        assert "cursor_down" in "\n".join(region_text(app, body))
        await pilot.press("escape")                           # then closes
        assert isinstance(app.screen, MainScreen)


# --- 11. the alert form ------------------------------------------------------------------------


async def test_tab_end_and_quick_typing_append_to_a_prefilled_field(dashboard):
    app = RecordingApp(dashboard)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        form = app.screen
        assert isinstance(form, AlertForm)
        field = form.query_one("#alert-all", Input)
        assert field.value == "Witkoff, Kushner"
        await pilot.press("tab", "end", *", Putin")          # no pause between the keys
        assert app.focused is field
        assert field.value == "Witkoff, Kushner, Putin"
        await pilot.press("shift+tab", "end", *" too")
        assert form.query_one("#alert-name", Input).value == "Witkoff + Kushner too"


async def test_the_notify_boxes_show_x_when_on_and_blank_when_off(dashboard):
    app = RecordingApp(dashboard)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        row = next(line for line in screen_text(app).splitlines() if "Notify" in line)
        assert "[x] toast" in row and "[x] bell" in row
        assert "[ ] desktop" in row and "[ ] command" in row
        app.screen.query_one("#notify-desktop").focus()
        await pilot.press("space")
        app.screen.query_one("#notify-toast").focus()
        await pilot.press("space")
        row = next(line for line in screen_text(app).splitlines() if "Notify" in line)
        assert "[x] desktop" in row and "[ ] toast" in row and "[x] bell" in row
        assert app.screen.notify_kinds() == ["bell", "desktop"]


# --- 12. layout --------------------------------------------------------------------------------


STAMP = re.compile(r"\b(\d\d-\d\d \d\d:\d\d|\d\d:\d\d|\d\d-\d\d)\b")


async def test_at_80x24_rows_keep_a_date_and_titles_get_room(dashboard):
    app = RecordingApp(dashboard)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        t = table(app)
        rows = region_text(app, t)[1:]
        assert len(rows) >= 10
        assert all(STAMP.search(row) for row in rows if row.strip())
        for index, row in enumerate(rows[:8]):
            title = t.headline_at(index).title
            start = row.index(title[:12])
            shown = row[start:].rstrip()
            assert len(shown) > 31, (row, len(shown))
            assert title.startswith(shown.rstrip("…")) or shown.rstrip() == title


async def test_at_220_columns_feed_names_are_whole(dashboard):
    app = RecordingApp(dashboard)
    async with app.run_test(size=(220, 50)) as pilot:
        await settle(pilot)
        t = table(app)
        rows = region_text(app, t)[1:1 + 16]
        longest = max(len(name) for name, _ in CACHE_FEEDS)
        for index, row in enumerate(rows):
            feed = t.headline_at(index).feed
            assert f" {feed} " in row, row
            start = row.index(f" {feed} ") + 1
            # the title starts right after the column, which is as wide as the longest name
            assert row[start + longest:start + longest + 6].strip(" !★Δ¶") == "", row
            assert row[start + longest + 6:].startswith(t.headline_at(index).title[:20]), row
        assert "…" not in "".join(row[:60] for row in rows)


async def test_at_80x24_the_preview_keeps_a_line_per_field_and_the_words_around(story):
    session, uids = story
    app = RecordingApp(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("G", "p")
        await pilot.pause()
        lines = preview_lines(app)[1:]                       # under its top border
        assert len(lines) <= 5
        assert lines[0].startswith("US envoys Witkoff and Kushner")
        assert [line.split(":")[0] for line in lines[-3:]] == [
            "in the headline", "in the summary", "in the article text"]
        assert " · Witkoff and Kush" in lines[-1]            # the words around, cut to fit
