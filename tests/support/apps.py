"""The real dashboard App for screen tests: offline, in UTC, recording what it was asked.

Tests drive the App's own message handlers (OpenArticle, ConfigChanged, ...), so they test the
wiring the user gets, not a copy of it; the recording handlers below run beside the App's own.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timezone
from typing import TypeVar

from textual import on
from textual.screen import Screen

from tui import messages
from tui.app import WirewatchApp
from tui.core.config.model import Config
from tui.core.session import Session
from tui.screens.base import Context

M = TypeVar("M")


def recorder(kind: type[M]) -> tuple[list[M], Callable[[object], None]]:
    """A `message_hook` for `run_test` that keeps each message of `kind` once (a message is
    seen at each node it bubbles through), and the list it keeps them in."""
    seen: list[M] = []

    def hook(message: object) -> None:
        if isinstance(message, kind) and all(m is not message for m in seen):
            seen.append(message)

    return seen, hook


class RecordingApp(WirewatchApp):
    """WirewatchApp that can open on a given screen and records notes, opened items and
    applied configs."""

    def __init__(self, session: Session, first: Callable[[Context], Screen] | None = None, *,
                 offline: bool = True, now: float | None = None) -> None:
        """`now`: the charts' clock, for caches of fixed dates (cachegen's FIXED_NOW)."""
        super().__init__(session, offline=offline, timezone=timezone.utc,
                         clock=(lambda: now) if now is not None else None)
        # Never a refresh by itself: fixed caches are dated in the past, and a refresh would
        # prune them. (`offline=False` still lets screens fetch article pages on demand.)
        self.context.auto_refresh = False
        self.context.announce = False     # tests that want the outbox use WirewatchApp
        self._first = first
        self.notes: list[tuple[str, str]] = []
        self.opened: list[str] = []
        self.applied: list[Config] = []

    def on_mount(self) -> None:
        if self._first is not None:
            self.push_screen(self._first(self.context))

    def notify(self, message: str, *, severity: str = "information", **kwargs) -> None:
        self.notes.append((severity, message))
        super().notify(message, severity=severity, **kwargs)  # type: ignore[arg-type]

    @on(messages.OpenArticle)
    def _record_opened(self, message: messages.OpenArticle) -> None:
        self.opened.append(message.uid)

    @on(messages.ConfigChanged)
    def _record_applied(self, message: messages.ConfigChanged) -> None:
        self.applied.append(message.config)


async def keys_answer_over_a_diff(pilot, screen, view) -> None:
    """While a diff computes: `z` folds at once, `?` opens help over the screen and escape
    closes it (the keys the user presses first, answered without waiting for the diff)."""
    folded = view.collapsed
    await pilot.press("z")
    assert view.collapsed is not folded
    await pilot.press("question_mark")
    await pilot.pause()
    assert pilot.app.screen is not screen
    await pilot.press("escape")
    await pilot.pause()
    assert pilot.app.screen is screen
