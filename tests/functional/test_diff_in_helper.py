"""The diff screen's diffs are computed in the App's helper process (tui.core.helper), so the
keyboard never waits for them: the real app, the real helper process, the real core call.

The work is held in the helper on a gate (files: tests/support/helper_work.py), so "while the
helper computes" is a state the test controls, not a race it hopes to win; whether a thread
would have held the keys up is a matter of time, measured by tests/bench/bench_diff_screen.py.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from tests.functional.test_screens_article_diff import (
    ScreensApp,
    build_session,
    screen_text,
    settle,
)
from tests.support import helper_work
from tests.support.apps import keys_answer_over_a_diff
from tests.support.processes import gone
from tui.core.helper import Helper, HelperClosed
from tui.core.text import articles
from tui.screens.diff import DiffScreen
from tui.widgets.diff_lines import DiffLines, measure
from tui.widgets.version_strip import VersionStrip


class GatedHelper(Helper):
    """The App's helper, its work held in the helper process until the test opens the gate;
    what each call came to is recorded."""

    def __init__(self, gate: Path) -> None:
        super().__init__(preload=("tui.core.text.diff",))
        self.gate = gate
        self.outcomes: list[object] = []
        self.ended = threading.Event()

    def call(self, function, *args, wanted=None):
        try:
            result = super().call(helper_work.held, str(self.gate), function, *args,
                                  wanted=wanted)
        except BaseException as error:
            self.outcomes.append(error)
            raise
        else:
            self.outcomes.append("done")
            return result
        finally:
            self.ended.set()


@pytest.fixture
def story(tmp_path: Path):
    session, uids = build_session(tmp_path / "cache")
    articles.cached_rows.cache_clear()          # no pair computed by an earlier test
    yield session, uids
    session.close()


@pytest.fixture
def gate(tmp_path: Path) -> Path:
    folder = tmp_path / "gate"
    folder.mkdir()
    yield folder
    (folder / "open").touch()                   # never leave a helper waiting


async def entered(pilot, gate: Path) -> int:
    """The helper's process id, once the held work has started there."""
    for _ in range(2000):
        if (gate / "entered").exists():
            return int((gate / "entered").read_text())
        await pilot.pause(0.01)
    raise AssertionError("the work never reached the helper")


async def test_the_diff_comes_from_the_helper_and_keys_are_handled_meanwhile(story, gate):
    session, uids = story
    app = ScreensApp(session, lambda ctx: DiffScreen(ctx, uids["main"]))
    helper = app.context.helper = GatedHelper(gate)
    async with app.run_test(size=(160, 40)) as pilot:
        pid = await entered(pilot, gate)
        assert pid == helper.pid and pid != os.getpid()
        screen = app.screen
        assert isinstance(screen, DiffScreen)
        view = screen.query_one(DiffLines)
        assert any("computing" in line for line in screen_text(view))
        folded = view.collapsed
        await keys_answer_over_a_diff(pilot, screen, view)
        assert view.collapsed is not folded
        assert screen.result is None and helper.outcomes == []     # still in the helper
        (gate / "open").touch()
        await settle(pilot)
        assert screen.result is not None and (screen.older, screen.newer) == (2, 3)
        assert any("19-point plan" in line for line in screen_text(view))
        assert int((gate / "pid").read_text()) == pid        # computed there, not here
        # The strip's other diff (v1 -> v2; v2 -> v3 is cached) went there too; every call
        # came back, none was done here.
        strip = screen.query_one(VersionStrip)
        assert [m.number for m in strip.marks] == [1, 2, 3] and strip.marks[2].words > 0
        assert helper.outcomes == ["done"] * 2 and helper.calls_here == 0
        # The rows are those the core computes here.
        shown = screen.result.diff.rows
    articles.cached_rows.cache_clear()
    assert articles.diff_versions(session.store, uids["main"]).rows == shown
    assert gone(pid)                                        # the App closed its helper


async def test_quitting_while_the_helper_computes_kills_it_and_waits_for_nothing(story, gate):
    session, uids = story
    app = ScreensApp(session, lambda ctx: DiffScreen(ctx, uids["main"]))
    helper = app.context.helper = GatedHelper(gate)
    async with app.run_test(size=(120, 30)) as pilot:
        pid = await entered(pilot, gate)
        await pilot.press("escape")                         # the diff screen left ...
        await pilot.pause()
        assert not isinstance(app.screen, DiffScreen)
        await pilot.press("q")                              # ... and the dashboard quit
        await pilot.pause()
    # The gate was never opened: the worker's call ended because the helper was killed.
    assert helper.ended.wait(10), "the worker still waits for the helper"
    assert len(helper.outcomes) == 1 and isinstance(helper.outcomes[0], HelperClosed)
    assert gone(pid)
    assert not (gate / "pid").exists()                      # the work never ran


async def test_rows_measured_by_the_worker_show_as_rows_measured_on_screen(story):
    """The worker measures where the rows' lines break (at the view's widths), so showing
    them measures nothing on the event loop; the lines are those measured on screen, and
    rows measured at other widths (the terminal resized meanwhile) are measured again."""
    session, uids = story
    app = ScreensApp(session, lambda ctx: DiffScreen(ctx, uids["main"]))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DiffScreen) and screen.result is not None
        view = screen.query_one(DiffLines)
        measured = screen.result.measured
        assert measured is not None and measured.widths == view.column_widths
        rows = view.rows
        await pilot.press("z")                              # every row, all measured
        shown = (view.line_count, screen_text(view, height=200))
        for given in (None, measure(rows, (7, 9))):
            view.show(rows, view.left_label, view.right_label, measured=given)
            view.set_collapsed(False)
            assert (view.line_count, screen_text(view, height=200)) == shown


async def test_reading_an_article_starts_the_helper_its_diff_then_uses(story):
    """The article is one key from its diff: the helper is started as the article shows, and
    the diff screen finds it running (no start of its own to hold up that screen)."""
    from tui.screens.article import ArticleScreen

    session, uids = story
    app = ScreensApp(session, lambda ctx: ArticleScreen(ctx, uids["main"]))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        helper = app.context.helper
        assert helper.started and helper.calls_here == 0
        await pilot.press("d")                              # the article's diff
        await settle(pilot)
        assert isinstance(app.screen, DiffScreen) and app.screen.result is not None
        pid = helper.pid
        assert pid is not None and pid != os.getpid() and helper.calls_here == 0
    assert gone(pid)


async def test_the_cursor_on_an_edited_headline_starts_the_helper_its_diff_then_uses(story):
    """`d` on an edited headline finds the helper running: it is started as the cursor
    reaches such a headline (not before: a dashboard with no edits runs no helper)."""
    session, uids = story
    app = ScreensApp(session)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        helper = app.context.helper
        table = app.screen.table
        assert table.current.versions == 1 and not helper.started    # the newest: unedited
        await pilot.press("G")                                      # the oldest: 3 versions
        await settle(pilot)
        assert table.current.uid == uids["main"] and helper.started
        started = helper._process.pid           # (said ready only to a first call)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DiffScreen) and app.screen.result is not None
        assert helper.pid == started and helper.calls_here == 0     # that process did it
    assert gone(started)
