"""The diff screen never holds up the keyboard: while a diff is computed (a long article can
take a tenth of a second, a long history of versions more) the screen says so and takes keys;
escape leaves at once, and the result that comes later is dropped without a trace.

The computation is held on a gate (the real core call runs once the gate opens), so "while it
computes" is a state the test controls, not a race it hopes to win.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

import tui.screens.diff as diff_screen
from tests.functional.test_screens_article_diff import (
    ScreensApp,
    build_session,
    screen_text,
    settle,
    static_text,
)
from tests.support.apps import keys_answer_over_a_diff
from tui.screens.diff import DiffScreen
from tui.widgets.diff_lines import DiffLines
from tui.widgets.version_strip import VersionStrip


class Gate:
    """Wraps a core function so that its calls wait until the test opens the gate."""

    def __init__(self, function: Callable) -> None:
        self.function = function
        self.entered = threading.Event()
        self.opened = threading.Event()
        self.calls = 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        self.entered.set()
        assert self.opened.wait(30), "the test never opened the gate"
        return self.function(*args, **kwargs)


@pytest.fixture
def story(tmp_path: Path):
    session, uids = build_session(tmp_path / "cache")
    yield session, uids
    session.close()


async def wait_for(pilot, event: threading.Event) -> None:
    for _ in range(500):
        if event.is_set():
            return
        await pilot.pause(0.01)
    raise AssertionError("the worker never started")


@pytest.fixture
def gate(monkeypatch) -> Gate:
    held = Gate(diff_screen.diff_versions)
    monkeypatch.setattr(diff_screen, "diff_versions", held)
    return held


async def test_escape_leaves_while_the_diff_computes(story, gate) -> None:
    session, uids = story
    app = ScreensApp(session, lambda ctx: DiffScreen(ctx, uids["main"]))
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            await wait_for(pilot, gate.entered)
            screen = app.screen
            assert isinstance(screen, DiffScreen)
            assert any("computing" in line for line in screen_text(screen.query_one(DiffLines)))
            assert static_text(screen, "#diff-title") == "Versions…"
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, DiffScreen)        # left, the diff still held
            assert not gate.opened.is_set()
            gate.opened.set()
            await settle(pilot)
            assert not isinstance(app.screen, DiffScreen)
            assert screen.result is None                          # the late result dropped
    finally:
        gate.opened.set()


async def test_keys_work_and_the_screen_says_so_while_the_diff_computes(story, gate) -> None:
    session, uids = story
    app = ScreensApp(session, lambda ctx: DiffScreen(ctx, uids["main"]))
    try:
        async with app.run_test(size=(160, 40)) as pilot:
            await wait_for(pilot, gate.entered)
            screen = app.screen
            view = screen.query_one(DiffLines)
            assert view.collapsed
            await keys_answer_over_a_diff(pilot, screen, view)
            assert not view.collapsed and screen.result is None
            gate.opened.set()
            await settle(pilot)
            assert screen.result is not None and (screen.older, screen.newer) == (2, 3)
            assert any("19-point plan" in line for line in screen_text(view))
            # The strip of every version's change arrives from its own worker, after the pair.
            strip = screen.query_one(VersionStrip)
            assert strip.display and [m.number for m in strip.marks] == [1, 2, 3]
            assert strip.marks[2].words > 0
            # Stepping to another pair: the screen says it is computing until the rows come.
            gate.opened.clear()
            gate.entered.clear()
            await pilot.press("left_square_bracket")
            await wait_for(pilot, gate.entered)
            assert any("computing v1 → v2" in line for line in screen_text(view))
            gate.opened.set()
            await settle(pilot)
            assert (screen.older, screen.newer) == (1, 2)
            assert [m.number for m in strip.marks] == [1, 2, 3]       # the same versions' strip
    finally:
        gate.opened.set()


async def test_escape_before_the_first_paint_leaves_cleanly(story) -> None:
    """Closed before its first paint (its worker starts after that paint): nothing fails,
    nothing is left running, and the screen opens again."""
    session, uids = story
    app = ScreensApp(session)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        screen = DiffScreen(app.context, uids["main"])
        app.push_screen(screen)
        app.pop_screen()
        await settle(pilot)
        assert not isinstance(app.screen, DiffScreen)
        assert screen.result is None
        assert not [w for w in app.workers if w.group == "diff" and w.is_running]
        app.push_screen(DiffScreen(app.context, uids["main"]))      # and it opens again
        await settle(pilot)
        assert app.screen.result is not None
