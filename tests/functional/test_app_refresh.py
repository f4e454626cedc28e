"""The dashboard's refresh cycle against a real loopback server.

On start (unless offline), on `r` and every period, in a worker: progress shows as feeds
done / total, a failing feed's error reaches the status line, input keeps working while
feeds are slow, and new items slide in without taking the cursor off its item.
"""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest

from tests.support.apps import recorder
from tests.support.cachegen import config_text, fill, make_session, screen_text
from tests.support.feedgen import item, rss
from tests.support.httpserver import Reply
from tui.app import WirewatchApp
from tui.core.config.load import parse_config
from tui.widgets.headline_table import HeadlineTable
from tui.widgets.refresh_cycle import RefreshCycle

FEEDS = {"Harbor Wire": "/harbor.xml", "Kestrel Daily": "/kestrel.xml",
         "Tageskompass": "/tages.xml", "Stepova Khronika": "/stepova.xml"}


def serve(server, *, harbor: list[dict] | None = None) -> None:
    server.route("/harbor.xml", rss(harbor or [item(1, title="Witkoff lands in Moscow"),
                                               item(2, title="Markets calm", hours_ago=2)]),
                 content_type="application/rss+xml")
    server.route("/kestrel.xml", "down for maintenance", status=500)
    server.route("/tages.xml", rss([item(10, title="Krim: neue Gespräche", hours_ago=3)]),
                 content_type="application/rss+xml")
    server.route("/stepova.xml", rss([item(20, title="Херсон без світла", hours_ago=4)]),
                 content_type="application/rss+xml")


def session_for(tmp_path, server, refresh_minutes: float = 15):
    urls = {name: server.url(path) for name, path in FEEDS.items()}
    return make_session(tmp_path / "cache", config=parse_config(
        config_text(urls, refresh_minutes=refresh_minutes, settings='full_text = "never"')))


async def wait_until(pilot, condition, timeout: float = 5.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("timed out")


async def wait_for_refresh(app, pilot, timeout: float = 10.0) -> None:
    """Until the refresh running (or about to start) is done and its results are shown."""
    await pilot.pause()
    await wait_until(pilot, lambda: not app.screen.refreshing, timeout)
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_refresh_on_start_reports_progress_and_errors(tmp_path, http_server):
    serve(http_server)
    session = session_for(tmp_path, http_server)
    seen, hook = recorder(RefreshCycle.Progress)

    app = WirewatchApp(session, timezone=timezone.utc)
    async with app.run_test(size=(120, 30), message_hook=hook) as pilot:
        await wait_for_refresh(app, pilot)
        table = app.screen.query_one(HeadlineTable)
        assert table.total == 4
        assert [(m.done, m.total) for m in seen] == [(1, 4), (2, 4), (3, 4), (4, 4)]
        text = screen_text(app)
        assert "Kestrel Daily: HTTP 500" in text
        assert "updated" in text and "4 new" in text and "1 failed" in text
        assert "Witkoff lands in Moscow" in text
        assert all(len(http_server.requests_to(path)) == 1 for path in FEEDS.values())
    session.close()


async def test_offline_fetches_nothing_until_r(tmp_path, http_server):
    serve(http_server)
    session = session_for(tmp_path, http_server)
    app = WirewatchApp(session, offline=True, timezone=timezone.utc)
    async with app.run_test() as pilot:
        await pilot.pause(0.3)
        assert http_server.requests == []
        assert "offline" in screen_text(app)
        await pilot.press("r")                             # asked for: fetched
        await wait_for_refresh(app, pilot)
        assert len(http_server.requests) == 4
        assert app.screen.query_one(HeadlineTable).total == 4
    session.close()


async def test_r_keeps_the_cursor_on_its_item_as_new_items_arrive(tmp_path, http_server):
    serve(http_server)
    session = session_for(tmp_path, http_server)
    fill(session, 80, now=datetime.now(timezone.utc) - timedelta(days=1))   # older news
    app = WirewatchApp(session, timezone=timezone.utc)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for_refresh(app, pilot)
        table = app.screen.query_one(HeadlineTable)
        await pilot.press("pagedown", "j", "j")
        watched = table.current
        line = table.cursor_row - round(table.scroll_y)
        before = table.cursor_row
        newer = [item(100 + n, title=f"Fresh report {n} on Crimea", hours_ago=0.1 * (n + 1))
                 for n in range(3)]
        serve(http_server, harbor=newer + [item(1, title="Witkoff lands in Moscow"),
                                           item(2, title="Markets calm", hours_ago=2)])
        await pilot.press("r")
        await wait_for_refresh(app, pilot)
        assert table.total == 87
        assert table.current.row_id == watched.row_id      # same item under the cursor
        assert table.cursor_row == before + 3
        assert table.cursor_row - round(table.scroll_y) == line   # on the same screen line
        await pilot.press("g")
        assert "Fresh report 0 on Crimea" in screen_text(app)
    session.close()


async def test_input_is_never_blocked_by_a_slow_feed(tmp_path, http_server):
    serve(http_server)
    body = rss([item(30, title="Slow news")])
    release = threading.Event()

    def slow(_request) -> Reply:                           # answers when the test says so
        release.wait(10)
        return Reply(200, body, {"Content-Type": "application/rss+xml"})

    http_server.route("/stepova.xml", slow)
    session = session_for(tmp_path, http_server)
    app = WirewatchApp(session, timezone=timezone.utc)
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            status = app.screen.query_one("#status")
            table = app.screen.query_one(HeadlineTable)
            await wait_until(pilot, lambda: table.total == 3)   # the fast feeds already show
            assert status.progress == (3, 4)                    # while the slow one waits
            await pilot.press("j", "m")                         # keys work meanwhile
            assert table.cursor_row == 0 and table.filter.matches_only
            await pilot.press("m", "question_mark", "escape", "j")
            assert table.cursor_row == 1
            assert "refreshing 3/4 feeds" in screen_text(app)
            await pilot.press("r")                              # a second refresh is refused
            release.set()
            await wait_for_refresh(app, pilot)
            assert table.total == 4 and status.progress is None
            assert len(http_server.requests_to("/stepova.xml")) == 1
    finally:
        release.set()
    session.close()


async def test_periodic_refresh(tmp_path, http_server):
    """The dashboard wakes when a feed is due (the session's clock, as `watch` uses)."""
    serve(http_server)
    session = session_for(tmp_path, http_server, refresh_minutes=0.05)    # 3 s, the least
    app = WirewatchApp(session, timezone=timezone.utc)
    async with app.run_test() as pilot:
        await wait_until(pilot, lambda: len(http_server.requests_to("/harbor.xml")) >= 2,
                         timeout=10)
        await wait_for_refresh(app, pilot)
    session.close()


async def test_demo_runs_on_the_bundled_site_and_cleans_up():
    from tui.demo.session import demo_session

    with demo_session(advance_every=None) as session:
        folder = session.config.path.parent
        assert session.store.path.is_relative_to(folder)
        app = WirewatchApp(session, timezone=timezone.utc)
        async with app.run_test(size=(120, 30)) as pilot:
            await wait_for_refresh(app, pilot)
            table = app.screen.query_one(HeadlineTable)
            assert table.total > 10
            assert "updated" in screen_text(app) and "failed" not in screen_text(app)
            await pilot.press("m")
            assert 0 < table.total
    assert not folder.exists()


def route_the_geneva_story(http_server, held: threading.Event | None = None) -> None:
    """The Geneva story in three languages (three outlets), and a fourth feed's other news
    (answered once `held` is set, if given)."""
    from tests.support.storycache import GENEVA_DE, GENEVA_EN, GENEVA_UK

    for path, (title, summary), language in (("/harbor.xml", GENEVA_EN, "en"),
                                             ("/tages.xml", GENEVA_DE, "de"),
                                             ("/stepova.xml", GENEVA_UK, "uk")):
        http_server.route(path, rss([item(len(path), title=title, summary=summary)],
                                    language=language), content_type="application/rss+xml")
    other = rss([item(9, title="Markets calm")])
    if held is None:
        http_server.route("/kestrel.xml", other, content_type="application/rss+xml")
        return

    def when_released(_request) -> Reply:
        held.wait(20)
        return Reply(200, other, {"Content-Type": "application/rss+xml"})

    http_server.route("/kestrel.xml", when_released)


async def test_the_story_backlog_a_refresh_leaves_is_grouped_after_it(
        tmp_path, http_server, monkeypatch):
    """A first refresh of many feeds leaves its thousands of items ungrouped (REFRESH_LIMIT,
    one item here): the dashboard groups them after the refresh, a slice at a time on the
    refresh's writer thread, says so (StoriesGrouped), and the stories view then shows the
    story. (The stories view is not open meanwhile.)"""
    from tui.core.stories import grouping
    from tui.widgets.story_table import StoryTable

    monkeypatch.setattr(grouping, "REFRESH_LIMIT", 1)
    route_the_geneva_story(http_server)
    session = session_for(tmp_path, http_server)
    grouped, hook = recorder(RefreshCycle.StoriesGrouped)

    app = WirewatchApp(session, timezone=timezone.utc)
    async with app.run_test(size=(120, 30), message_hook=hook) as pilot:
        await wait_for_refresh(app, pilot)
        # Grouping loads the story rules' data on first use: seconds on a busy machine.
        await wait_until(pilot, lambda: grouped, timeout=30)
        assert not session.group_stories_step().more       # nothing left waiting
        await pilot.press("v")
        stories = app.screen.query_one(StoryTable)
        await wait_until(pilot, lambda: stories.total == 1, timeout=10)
        assert stories.story_at(0).outlets == 3
    session.close()


async def test_the_open_stories_view_shows_the_backlog_once_grouped(
        tmp_path, http_server, monkeypatch):
    """The stories view open while the refresh runs shows the story its backlog makes, with
    no key pressed: grouped after the refresh by the dashboard, in the background
    (StoriesGrouped reloads the view)."""
    from tui.core.stories import grouping
    from tui.widgets.story_table import StoryTable

    monkeypatch.setattr(grouping, "REFRESH_LIMIT", 1)
    release = threading.Event()
    route_the_geneva_story(http_server, held=release)
    session = session_for(tmp_path, http_server)
    app = WirewatchApp(session, timezone=timezone.utc)
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.press("v")                         # the stories view, empty so far
            stories = app.screen.query_one(StoryTable)
            status = app.screen.query_one("#status")
            await wait_until(pilot, lambda: status.progress == (3, 4))  # the story's feeds in
            assert stories.total == 0
            release.set()                                  # the last feed: the refresh ends
            await wait_for_refresh(app, pilot)
            await wait_until(pilot, lambda: stories.total == 1, timeout=30)
            assert stories.story_at(0).outlets == 3
            assert not session.group_stories_step().more   # nothing left waiting
    finally:
        release.set()
    session.close()


@pytest.mark.parametrize("grouped_by", ["the refresh", "idle time"])
async def test_a_grouping_worker_that_dies_is_said_in_one_line_and_the_dashboard_goes_on(
        tmp_path, http_server, monkeypatch, grouped_by):
    """Many items are keyed for their stories in forked workers. One killed meanwhile (the
    out-of-memory killer, say) used to leave the grouping waiting for ever on the refresh's
    writer thread, and the refresh with it; the grouping of a backlog after the refresh failed
    unseen. Either way the status line now says it in one line, the refresh ends, and the
    dashboard goes on (the grouping is tried again after the next refresh)."""
    from tui.core.stories import grouping

    if grouped_by == "idle time":
        monkeypatch.setattr(grouping, "REFRESH_LIMIT", 1)    # left to the dashboard's slices
    parent = os.getpid()

    def dying(rows):
        if os.getpid() != parent:
            os._exit(3)
        raise AssertionError("keyed in the dashboard's process, not in a worker")

    monkeypatch.setattr(grouping, "KEY_PARALLEL_MIN", 1)
    monkeypatch.setattr(grouping, "process_count", lambda items: 2)
    monkeypatch.setattr(grouping, "_key_rows", dying)
    route_the_geneva_story(http_server)
    session = session_for(tmp_path, http_server)
    finished, hook = recorder(RefreshCycle.Finished)

    said = "a worker process ended without its result (exit code 3)"
    app = WirewatchApp(session, timezone=UTC)
    async with app.run_test(size=(120, 30), message_hook=hook) as pilot:
        await wait_until(pilot, lambda: finished, timeout=30)
        problems = finished[0].report.problems
        assert problems == ([f"stories not grouped: WorkerLost: {said}"]
                            if grouped_by == "the refresh" else [])
        status = app.screen.query_one("#status")
        await wait_until(pilot, lambda: status.last_error == f"stories not grouped: {said}",
                         timeout=30)
        await app.workers.wait_for_complete()
        await pilot.press("down")
        await pilot.pause()
        assert app.is_running and "stories not grouped" in screen_text(app)
        assert "Markets calm" in screen_text(app)             # the refresh's items are in
    session.close()


async def test_items_another_process_stores_show_without_a_key(tmp_path, http_server):
    """The dashboard open (offline here: it fetches nothing itself) while a cron `wirewatch
    fetch` stores new items in the same cache: they show within seconds, with no key pressed.
    They used to stay out of sight until the dashboard's own next refresh."""
    import asyncio
    import subprocess
    import sys
    from pathlib import Path

    serve(http_server)
    urls = {name: http_server.url(path) for name, path in FEEDS.items()}
    config = tmp_path / "feeds.toml"
    config.write_text(config_text(urls, settings='full_text = "never"'), encoding="utf-8")
    session = session_for(tmp_path, http_server)
    app = WirewatchApp(session, offline=True, timezone=timezone.utc)
    async with app.run_test(size=(120, 30)) as pilot:
        table = app.screen.query_one(HeadlineTable)
        await pilot.pause()
        assert table.total == 0
        fetched = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "tui", "--config", str(config), "--cache",
             str(tmp_path / "cache"), "fetch", "--json"],
            capture_output=True, text=True, timeout=60, cwd=Path(__file__).resolve().parents[2])
        assert '"status": "ok"' in fetched.stdout, fetched.stderr
        await wait_until(pilot, lambda: table.total == 4, timeout=15)
        await pilot.pause()
        assert "Witkoff lands in Moscow" in screen_text(app)
    session.close()
