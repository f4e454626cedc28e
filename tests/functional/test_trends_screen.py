"""The trends screen (`t`) through the real App over a fixed cache: what it draws, what the
cursor's line says, the keys that change it, and `enter` back to the headlines of a name in
one hour or day. Counts are checked against tui.core.trends, the CLI's source too."""

from __future__ import annotations

from datetime import timezone

import pytest
from textual.widgets import Static

from tests.support.apps import RecordingApp
from tests.support.cachegen import FIXED_NOW, fill_for_trends, make_session
from tui.core.cache.query import ItemFilter, count_items, list_items
from tui.core.trends import read_trends
from tui.screens.main import MainScreen
from tui.screens.trends import TrendsScreen
from tui.widgets.headline_table import HeadlineTable
from tui.widgets.trend_chart import TrendChart

NOW = FIXED_NOW.timestamp()


@pytest.fixture
def session(tmp_path):
    session = make_session(tmp_path / "cache")
    fill_for_trends(session)
    yield session
    session.close()


def expected(session, bucket: str = "day", count: int = 30):
    return read_trends(session.store, session.config.watch, bucket=bucket, count=count,
                       now=NOW, tz=timezone.utc)


async def settle(pilot) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def info(app) -> str:
    return str(app.screen.query_one("#trend-info", Static).render())


async def open_trends(pilot) -> TrendsScreen:
    await settle(pilot)
    await pilot.press("t")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TrendsScreen)
    return screen


async def test_t_draws_every_category_and_the_cursor_starts_today(session):
    app = RecordingApp(session, now=NOW)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_trends(pilot)
        want = expected(session)
        assert screen.drawn == {("regions", None), ("negotiators", None)}
        assert screen.cursor == 29
        regions, negotiators = want.find("regions"), want.find("negotiators")
        line = info(app)
        assert line.startswith("Fri 21 Nov")
        assert f"regions {regions.latest}" in line and f"negotiators {negotiators.latest}" in line
        hits = want.hits_in(29)
        assert f"▲ {len(hits)} alert hits: Crimea recognition" in line
        chart = screen.query_one(TrendChart)
        assert len(chart._datasets) == 2 + 1 + 1          # two lines, hit marks, the cursor


async def test_keys_move_the_cursor_draw_names_and_change_the_range(session):
    app = RecordingApp(session, now=NOW)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_trends(pilot)
        await pilot.press("h", "h", "left")
        assert screen.cursor == 26 and info(app).startswith("Tue 18 Nov")
        await pilot.press("l")
        assert screen.cursor == 27
        await pilot.press("j", "space")                     # Crimea drawn too
        assert ("regions", "Crimea") in screen.drawn
        crimea = expected(session).find("Crimea")
        assert f"Crimea {crimea.counts[27]}" in info(app)
        await pilot.press("space")
        assert ("regions", "Crimea") not in screen.drawn
        await pilot.press("b")                              # 90 days
        await settle(pilot)
        assert len(screen.trends.starts) == 90 and screen.cursor == 89
        await pilot.press("b")                              # 48 hours
        await settle(pilot)
        assert screen.trends.bucket == "hour" and len(screen.trends.starts) == 48
        assert info(app).startswith("Fri 21 Nov 12:00–13:00")


async def test_by_language_stacks_the_highlighted_name_and_says_each_count(session):
    app = RecordingApp(session, now=NOW)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_trends(pilot)
        await pilot.press("j", "L", "h")                    # Crimea, yesterday, by language
        crimea = expected(session).find("Crimea")
        line = info(app)
        languages = crimea.by_language                      # en (two feeds) and uk
        assert set(languages) == {"en", "uk"} and crimea.counts[28] > 0
        for language, counts in languages.items():
            assert f"■ {language} {counts[28]}" in line
        assert sum(counts[28] for counts in languages.values()) == crimea.counts[28]
        assert "By language" in str(screen.query_one("#trend-head", Static).render())
        await pilot.press("L")
        assert "■ en" not in info(app)


async def test_enter_shows_the_headlines_of_that_name_in_that_day_and_escape_lifts_it(session):
    app = RecordingApp(session, now=NOW)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_trends(pilot)
        await pilot.press("j", "h", "h", "enter")            # Crimea, Wed 19 Nov
        await settle(pilot)
        main = app.screen
        assert isinstance(main, MainScreen)
        crimea = expected(session).find("Crimea")
        start, end = screen.trends.period(27)
        flt = main._headline_filter()
        assert flt.match == "Crimea" and flt.period == (start.timestamp(), end.timestamp())
        table = main.query_one(HeadlineTable)
        assert table.total == crimea.counts[27] == count_items(session.store, flt) > 0
        shown = list_items(session.store, flt, limit=None)
        assert all(start <= item.when < end for item in shown)
        assert "Wed 19 Nov" in str(main.status.filters)
        await pilot.press("escape")
        assert main._headline_filter() == ItemFilter()


async def test_t_on_a_filtered_dashboard_opens_on_that_name(session):
    app = RecordingApp(session, now=NOW)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        pilot.app.screen.query_one("#watch").focus()
        await pilot.press("j", "j", "enter")                # Donetsk
        screen = await open_trends(pilot)
        assert screen.drawn == {("regions", "Donetsk")}
        assert screen.highlighted_key == ("regions", "Donetsk")
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
