"""Snapshots of the article, diff and related screens.

Deterministic: the cache is built from fixed text with fixed dates (the same story as the
functional tests), times are shown in UTC, and every worker has finished before the picture
is taken. Update with `pytest tests/snapshots --snapshot-update` after checking the change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from textual.screen import Screen

from tests.functional.test_screens_article_diff import ScreensApp, build_session, settle
from tui.screens.article import ArticleScreen
from tui.screens.base import Context
from tui.screens.diff import DiffScreen
from tui.screens.related import RelatedScreen


@pytest.fixture
def story(tmp_path: Path):
    session, uids = build_session(tmp_path / "cache")
    yield session, uids
    session.close()


def snap(snap_compare, story, make: Callable[[dict[str, str], Context], Screen], size: tuple[int, int],
         keys: Iterable[str] = ()) -> bool:
    session, uids = story

    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return snap_compare(ScreensApp(session, lambda ctx: make(uids, ctx)), terminal_size=size,
                        run_before=run_before)


def test_article_80x24(snap_compare, story) -> None:
    """Header, text with watched names coloured, the third match in focus (`n` x3)."""
    assert snap(snap_compare, story, lambda uids, ctx: ArticleScreen(ctx, uids["main"]), (80, 24),
                keys=["n", "n", "n"])


def test_article_hostile_text_80x24(snap_compare, story) -> None:
    """Markup shown as brackets, control and bidi characters as U+FFFD."""
    assert snap(snap_compare, story, lambda uids, ctx: ArticleScreen(ctx, uids["hostile"]), (80, 24))


def test_diff_versions_80x24(snap_compare, story) -> None:
    """Narrow: one column, old units above new ones, unchanged runs folded."""
    assert snap(snap_compare, story, lambda uids, ctx: DiffScreen(ctx, uids["main"]), (80, 24))


def test_diff_versions_160x48(snap_compare, story) -> None:
    """Wide: two synchronised columns, v2 | v3, changed words highlighted on both sides."""
    assert snap(snap_compare, story, lambda uids, ctx: DiffScreen(ctx, uids["main"]), (160, 48))


def test_diff_older_pair_unfolded_160x48(snap_compare, story) -> None:
    """`[` moves to v1 | v2; `z` shows the unchanged passages; `n` marks the first change."""
    assert snap(snap_compare, story, lambda uids, ctx: DiffScreen(ctx, uids["main"]), (160, 48),
                keys=["left_square_bracket", "z", "n"])


def test_compare_two_outlets_160x48(snap_compare, story) -> None:
    """Harbor Wire | Kestrel Daily on one story."""
    assert snap(snap_compare, story,
                lambda uids, ctx: DiffScreen(ctx, uids["main"], uids["kestrel"]), (160, 48))


def test_compare_two_outlets_80x24(snap_compare, story) -> None:
    assert snap(snap_compare, story,
                lambda uids, ctx: DiffScreen(ctx, uids["main"], uids["kestrel"]), (80, 24))


def test_related_80x24(snap_compare, story) -> None:
    """Other outlets' reports, best first, wire copy labelled."""
    assert snap(snap_compare, story, lambda uids, ctx: RelatedScreen(ctx, uids["main"]), (80, 24))
