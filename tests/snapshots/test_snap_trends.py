"""Snapshots of the pictures: the watchlist's sparklines, the trends screen per day and per
hour (and stacked by language, in the light theme), and the alerts screen's timelines. The
diff screen's version strip is in test_snap_article_diff.py's diffs.

Deterministic: a fixed fortnight of items (cachegen.fill_for_trends), the charts' clock fixed
at its end, times in UTC, offline, every worker finished before the picture.
"""

from __future__ import annotations

import pytest

from tests.support.apps import RecordingApp
from tests.support.cachegen import FIXED_NOW, fill_for_trends, make_session


@pytest.fixture
def app(tmp_path):
    session = make_session(tmp_path / "cache")
    fill_for_trends(session)
    yield RecordingApp(session, now=FIXED_NOW.timestamp())
    session.close()


def keys(*pressed: str, theme: str | None = None):
    async def run_before(pilot) -> None:
        if theme:
            pilot.app.theme = theme
        for key in pressed:
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.press(key)
        for _ in range(3):
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
    return run_before


def test_watchlist_sparklines_160x48(snap_compare, app):
    assert snap_compare(app, terminal_size=(160, 48), run_before=keys())


def test_trends_per_day_120x30(snap_compare, app):
    assert snap_compare(app, terminal_size=(120, 30), run_before=keys("t", "j", "space", "h"))


def test_trends_per_hour_120x30(snap_compare, app):
    assert snap_compare(app, terminal_size=(120, 30), run_before=keys("t", "b", "b", "h", "h"))


def test_trends_by_language_light_100x30(snap_compare, app):
    assert snap_compare(app, terminal_size=(100, 30),
                        run_before=keys("t", "j", "L", theme="textual-light"))


def test_alerts_with_timelines_120x24(snap_compare, app):
    assert snap_compare(app, terminal_size=(120, 24), run_before=keys("a"))
