"""X and ctrl+z over a write that takes its time (seconds at a million items): the screen
shows the outcome at once, keys go on being handled, and once the write is in the cache
agrees with the screen. The marks thread is held busy here (a job queued before X's write,
released by the test), so "meanwhile" is a state the test can look at, not a race."""

from __future__ import annotations

import threading

from tests.functional import test_daily_loop
from tests.functional.test_daily_loop import (
    older,
    serve,
    site_session,
    table,
    unread_by_cli,
    wait_until,
)
from tests.functional.test_screens_article_diff import settle
from tests.support.apps import RecordingApp
from tests.support.feedgen import item
from tui.widgets.feeds_pane import FeedsPane

HARBOR = "Harbor Wire"
desk = test_daily_loop.desk      # the fixture: a feeds.toml and its cache of 60 items


def hold_the_marks_thread(screen) -> threading.Event:
    """Keep the screen's marks thread busy until the returned event is set."""
    release = threading.Event()
    screen.marks.submit(release.wait, 30)
    return release


def unread_shown(app) -> set[str]:
    t = table(app)
    return {t.headline_at(i).uid for i in range(t.total) if not t.headline_at(i).read}


def pane_unread(app, feed: str) -> int:
    pane = app.screen_stack[0].query_one(FeedsPane)
    for index in range(pane.options.option_count):
        words = str(pane.options.get_option_at_index(index).prompt).lstrip("▸! ").split()
        if words and feed.startswith(words[0]):               # the label may be cut short
            return int(words[-1].replace(",", ""))
    raise AssertionError(f"{feed} is not in the feeds pane")


async def until_written(pilot) -> None:
    while pilot.app.screen_stack[0].writing:
        await pilot.pause(0.02)
    await settle(pilot)
    assert table(pilot.app).overlays == []   # the rows say what the cache says


async def test_X_shows_the_view_read_before_the_write_and_keys_go_on(desk):
    session, config = desk
    everything = unread_by_cli(config)
    harbor = unread_by_cli(config, "--feed", HARBOR)
    assert harbor and everything - harbor
    app = RecordingApp(session)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert pane_unread(app, HARBOR) == len(harbor)
        screen.query_one("#feed-list").focus()
        await pilot.press("j", "enter")                       # the view: Harbor Wire
        table(app).focus()
        release = hold_the_marks_thread(screen)
        await pilot.press("X")
        assert screen.writing
        assert unread_shown(app) == set()                     # at once, on screen...
        assert pane_unread(app, HARBOR) == 0                  # ...and in the feeds pane
        assert unread_by_cli(config) == everything            # while the cache has not
        await pilot.press("j")
        assert table(app).cursor_row == 1                     # keys are handled meanwhile
        await pilot.press("escape")                           # every feed, mid-write
        assert table(app).filter.feeds == ()
        assert unread_shown(app) == everything - harbor       # Harbor's rows still read
        release.set()
        await until_written(pilot)
        assert unread_by_cli(config) == everything - harbor   # the cache agrees
        assert unread_shown(app) == everything - harbor
        assert pane_unread(app, HARBOR) == 0


async def test_ctrl_z_right_after_X_restores_exactly(desk):
    session, config = desk
    everything = unread_by_cli(config)
    harbor = unread_by_cli(config, "--feed", HARBOR)
    app = RecordingApp(session)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        before = unread_shown(app)
        assert before == everything
        release = hold_the_marks_thread(screen)
        await pilot.press("X", "ctrl+z")                      # undone before X is written
        assert unread_shown(app) == before
        release.set()
        await until_written(pilot)
        assert unread_by_cli(config) == everything
        assert unread_shown(app) == everything
        # X written, then undone while the undo's own write waits: shown unread at once.
        await pilot.press("X")
        await until_written(pilot)
        assert unread_by_cli(config) == set() and unread_shown(app) == set()
        assert pane_unread(app, HARBOR) == 0
        release = hold_the_marks_thread(screen)
        await pilot.press("ctrl+z")
        assert unread_shown(app) == everything
        assert pane_unread(app, HARBOR) == len(harbor)        # the panes too, at once
        assert unread_by_cli(config, "--feed", HARBOR) == set()   # the cache: not yet
        release.set()
        await until_written(pilot)
        assert unread_by_cli(config) == everything            # exactly the items X changed
        assert pane_unread(app, HARBOR) == len(harbor)


async def test_quitting_mid_write_waits_for_it(desk):
    session, config = desk
    app = RecordingApp(session)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        release = hold_the_marks_thread(app.screen)
        await pilot.press("X")
        assert app.screen.writing
        threading.Timer(0.3, release.set).start()   # the write begins after quit is asked
        await pilot.press("q")
    assert unread_by_cli(config) == set()            # stored whole before the app was gone


async def test_marks_and_stars_mid_write_queue_behind_it(desk):
    session, config = desk
    everything = unread_by_cli(config)
    app = RecordingApp(session)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        t = table(app)
        first = t.current
        assert not first.starred
        release = hold_the_marks_thread(app.screen)
        await pilot.press("X", "s", "x")         # star it, and unread it again, mid-write
        assert t.current.starred and not t.current.read          # shown at once
        assert not session.store.connection.execute(
            "SELECT starred FROM items WHERE id = ?", (first.row_id,)).fetchone()[0]
        release.set()
        await until_written(pilot)
        assert unread_by_cli(config) == {first.uid}              # after X, in key order
        assert t.current.starred and not t.current.read
        assert session.store.connection.execute(
            "SELECT starred FROM items WHERE id = ?", (first.row_id,)).fetchone()[0]
        assert first.uid in everything


async def test_next_unread_mid_write_goes_by_what_is_shown(desk):
    session, _ = desk
    app = RecordingApp(session)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        t = table(app)
        release = hold_the_marks_thread(app.screen)
        await pilot.press("X", "j", "j", "j", "x", "g")   # all read, then the fourth unread
        assert t.cursor_row == 0
        await pilot.press("full_stop")
        assert t.cursor_row == 3                           # not row 1, unread in the cache
        await pilot.press("full_stop")
        assert t.cursor_row == 3                           # the only one: it stays
        release.set()
        await until_written(pilot)


async def test_a_refresh_mid_write_brings_new_items_unread(tmp_path, http_server):
    serve(http_server, older(30))
    session = site_session(tmp_path, http_server)
    await session.refresh(force=True)
    app = RecordingApp(session)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        t = table(app)
        release = hold_the_marks_thread(app.screen)
        await pilot.press("X")
        serve(http_server, [item(100 + n, title=f"Fresh report {n}", hours_ago=0.1 * (n + 1))
                            for n in range(3)] + older(30))
        await pilot.press("r")       # (not `settle`: it would wait for the held write too)
        await wait_until(pilot, lambda: t.total == 33, 10, "the refresh")
        await wait_until(pilot, lambda: not app.screen_stack[0].refreshing, 10, "its end")
        await pilot.pause()
        fresh = {t.headline_at(i).uid for i in range(3)}
        assert unread_shown(app) == fresh            # X's rows read, the new ones not
        release.set()
        await until_written(pilot)
        assert unread_shown(app) == fresh
        assert {uid for uid, in session.store.connection.execute(
            "SELECT i.uid FROM items i JOIN unread u ON u.item_id = i.id")} == fresh   # X took only what was there
    session.close()
