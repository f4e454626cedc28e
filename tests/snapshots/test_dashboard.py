"""Snapshots of the dashboard (pytest-textual-snapshot): the main screen at 80x24 and 160x48.

Deterministic by construction: a fixed cache (tests/support/cachegen.py: fixed titles, dates
and marks), the time column in UTC, offline (no refresh, no clock in the status line).
Regenerate with `pytest tests/snapshots --snapshot-update` and look at the SVGs before
committing them.
"""

from __future__ import annotations

from datetime import timezone

import pytest

from tests.support.cachegen import FIXED_NOW, fail_feed, fill, make_session
from tui.app import WirewatchApp


@pytest.fixture
def app(tmp_path):
    session = make_session(tmp_path / "cache")
    fill(session, 60)
    fail_feed(session.store, "Kestrel Daily", "HTTP 500: Internal Server Error")
    yield WirewatchApp(session, offline=True, timezone=timezone.utc,
                       clock=FIXED_NOW.timestamp)
    session.close()


def test_main_screen_80x24(snap_compare, app):
    assert snap_compare(app, terminal_size=(80, 24))


def test_main_screen_160x48(snap_compare, app):
    assert snap_compare(app, terminal_size=(160, 48))


def test_main_screen_filtered_with_the_cursor_down(snap_compare, app):
    """A term chosen in the watchlist, matches only, the cursor moved: marks and highlight."""

    async def choose_crimea(pilot) -> None:
        await pilot.pause()
        pilot.app.screen.query_one("#watch").focus()
        await pilot.press("j", "enter", "tab", "j", "j", "space", "j", "s")

    assert snap_compare(app, terminal_size=(120, 30), run_before=choose_crimea)
