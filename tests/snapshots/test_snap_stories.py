"""Snapshots of the Stories view, the story screen and the facts compare of two languages, in
the dark and the light theme, at 80x24 and 160x48.

Deterministic: the cache is tests/support/multilingual.py (fixed text and dates, grouped by
the core), times in UTC, the charts' clock fixed, offline. Update with
`pytest tests/snapshots --snapshot-update` after looking at the SVGs.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.screen import Screen

from tests.functional.test_screens_article_diff import settle
from tests.support.apps import RecordingApp
from tests.support.multilingual import build_multilingual
from tests.support.storycache import T0
from tui.screens.base import Context
from tui.screens.diff import DiffScreen
from tui.screens.story import StoryScreen

NOW = T0.timestamp() + 12 * 3600
SIZES = [(80, 24), (160, 48)]
THEMES = ["textual-dark", "textual-light"]


@pytest.fixture
def stories(tmp_path):
    cache, uids = build_multilingual(tmp_path / "cache")
    yield cache.session, uids
    cache.close()


def snap(snap_compare, stories, theme: str, size: tuple[int, int], *,
         first: Callable[[dict[str, str], Context], Screen] | None = None,
         keys: tuple[str, ...] = ()) -> bool:
    session, uids = stories
    app = RecordingApp(session, (lambda ctx: first(uids, ctx)) if first else None, now=NOW)
    app.theme = theme

    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_stories_view(snap_compare, stories, theme, size) -> None:
    """`v`: one row per story, lead headline with the watched names coloured, outlets,
    languages, last update, unread and alert marks; the cursor on the second story."""
    assert snap(snap_compare, stories, theme, size, keys=("v", "j"))


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_story_screen(snap_compare, stories, theme, size) -> None:
    """The Geneva story: its timeline (Δ on the edited report, ● unread), and the two
    reports that differ most (19 points against 28) compared by facts."""
    assert snap(snap_compare, stories, theme, size,
                first=lambda uids, ctx: StoryScreen(ctx, uids["geneva/en"]))


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_compare_by_facts(snap_compare, stories, theme, size) -> None:
    """English against German: the facts table (19 points ≠ 28-Punkte first), then the
    sentences side by side, aligned through their names, places and numbers."""
    assert snap(snap_compare, stories, theme, size,
                first=lambda uids, ctx: DiffScreen(ctx, uids["geneva/en"], uids["geneva/de"]))
