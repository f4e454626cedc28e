"""Snapshots of the daily loop: the preview strip, the "↑ N new" header, the alert summary
toast, and the diff in the light theme.

Deterministic: fixed caches (tests/support/cachegen.py and the story of
tests/functional/test_screens_article_diff.py), times in UTC, offline, every worker finished
before the picture. Update with `pytest tests/snapshots --snapshot-update` after looking.
"""

from __future__ import annotations

import json
from datetime import timezone

import pytest

from tests.functional.test_screens_article_diff import build_session, settle
from tests.support.apps import RecordingApp
from tests.support.cachegen import FIXED_NOW, config_text, fill, make_session
from tui.app import WirewatchApp
from tui.core.cache.query import ItemFilter, list_items
from tui.core.config.load import parse_config
from tui.screens.diff import DiffScreen
from tui.state import STATE_FILE


@pytest.fixture
def story(tmp_path):
    session, uids = build_session(tmp_path / "story")
    yield session, uids
    session.close()


def test_preview_strip_80x24(snap_compare, story):
    """`p` on the story's item: its summary with names, and where each name matched."""
    session, _ = story

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("G", "p")
        await settle(pilot)

    assert snap_compare(RecordingApp(session, now=FIXED_NOW.timestamp()),
                        terminal_size=(80, 24), run_before=run_before)


def test_new_items_above_the_cursor_120x30(snap_compare, tmp_path):
    """Three items arrived since the user last looked, the cursor remembered further down."""
    session = make_session(tmp_path / "cache")
    fill(session, 60)
    stamp = FIXED_NOW.timestamp()
    items = list_items(session.store, ItemFilter(), limit=60)
    with session.store.transaction() as conn:
        conn.execute("UPDATE items SET first_seen = ?", (stamp - 3600,))
        conn.executemany("UPDATE items SET first_seen = ? WHERE id = ?",
                         [(stamp, item.row_id) for item in items[:3]])
    (session.store.cache_dir / STATE_FILE).write_text(
        json.dumps({"last_looked": stamp - 60, "cursor": items[40].uid}), encoding="utf-8")
    try:
        assert snap_compare(RecordingApp(session, now=FIXED_NOW.timestamp()),
                            terminal_size=(120, 30), run_before=settle)
    finally:
        session.close()


def test_alert_summary_toast_80x24(snap_compare, tmp_path):
    """Hits waiting in the outbox, announced at start as one toast."""
    text = config_text() + '\n[[alerts]]\nname = "Lavrov"\nall = ["Lavrov"]\n'
    session = make_session(tmp_path / "cache", config=parse_config(text))
    fill(session, 60)
    with session.store.transaction() as conn:
        conn.execute("INSERT OR IGNORE INTO hits(alert, item_id, version, fired_at) "
                     "SELECT 'Lavrov', id, 1, ? FROM items WHERE title LIKE 'Lavrov%'",
                     (FIXED_NOW.timestamp(),))
        conn.execute("UPDATE hits SET delivered = 0")
    app = WirewatchApp(session, offline=True, timezone=timezone.utc,
                       clock=FIXED_NOW.timestamp)

    async def run_before(pilot) -> None:
        for _ in range(40):
            await settle(pilot)
            if pilot.app._notifications:
                break
        assert pilot.app._notifications
        await settle(pilot)

    try:
        assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
    finally:
        session.close()


def test_diff_light_theme_160x48(snap_compare, story):
    """The diff of the story's last two versions in textual-light."""
    session, uids = story
    app = RecordingApp(session, lambda ctx: DiffScreen(ctx, uids["main"]))
    app.theme = "textual-light"

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(160, 48), run_before=run_before)
