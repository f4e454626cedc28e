"""Snapshots of the alerts screen, the alert form and the delete confirmation, at 80x24.

Deterministic: the cache and feeds.toml are the fixed ones of the functional tests (hits fired
at fixed times, one of them seen before), times are shown in UTC, every worker has finished,
and the text cursor does not blink. Update with `pytest tests/snapshots --snapshot-update`
after checking the change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from textual.screen import Screen
from textual.widgets import Input

from tests.functional.test_screens_alerts import AlertsApp, build, settle
from tui.screens.alert_form import AlertForm
from tui.screens.alerts import AlertsScreen


@pytest.fixture
def session(tmp_path: Path):
    session, _ = build(tmp_path)
    yield session
    session.close()


def snap(snap_compare, session, make: Callable[[], Screen], keys: Iterable[str] = (),
         name: str | None = None) -> bool:
    async def run_before(pilot) -> None:
        await settle(pilot)
        if name is not None:
            pilot.app.screen.query_one("#alert-name", Input).value = name
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()

    return snap_compare(AlertsApp(session, make), terminal_size=(80, 24), run_before=run_before)


def test_alerts_screen_80x24(snap_compare, session) -> None:
    """Rules with counts; hits newest first, the two unseen ones marked; a hostile title
    shown as text."""
    assert snap(snap_compare, session, AlertsScreen)


def test_alert_form_prefilled_80x24(snap_compare, session) -> None:
    """`A` on a headline naming Crimea and Kirill Dmitriev: the name made unique."""
    assert snap(snap_compare, session,
                lambda ctx: AlertForm(ctx, {"name": "Crimea recognition",
                                   "all": ["Crimea", "Kirill Dmitriev"], "item": "x"}))


def test_alert_form_error_80x24(snap_compare, session) -> None:
    """A duplicate name: the error in plain text, the name field focused."""
    assert snap(snap_compare, session, lambda ctx: AlertForm(ctx, {"all": ["Putin"]}),
                name="German negotiators", keys=["enter"])


def test_confirm_delete_80x24(snap_compare, session) -> None:
    """`x` on the second rule: the question over the alerts screen."""
    assert snap(snap_compare, session, AlertsScreen, keys=["tab", "down", "x"])
