"""The real dashboard App for screen tests: offline, in UTC, recording what it was asked.

Tests drive the App's own hooks (open_item, apply_config, ...), so they test the wiring the
user gets, not a copy of it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timezone

from textual.screen import Screen

from tui.app import WirewatchApp
from tui.core.config.load import Config
from tui.core.session import Session
from tui.screens.main import MainScreen


class RecordingApp(WirewatchApp):
    """WirewatchApp that can open on a given screen and records notes, opened items and
    applied configs."""

    def __init__(self, session: Session, first: Callable[[], Screen] | None = None, *,
                 offline: bool = True) -> None:
        super().__init__(session, offline=offline, timezone=timezone.utc)
        self.offline = offline      # whether screens may fetch pages on demand
        self._first = first
        self.notes: list[tuple[str, str]] = []
        self.opened: list[str] = []
        self.applied: list[Config] = []

    def get_default_screen(self) -> Screen:
        # The dashboard never refreshes by itself here: fixed caches are dated in the past,
        # and a refresh would prune them.
        return MainScreen(self.session, offline=True, timezone=self.timezone)

    def on_mount(self) -> None:
        super().on_mount()
        if self._first is not None:
            self.push_screen(self._first())

    def notify(self, message: str, *, severity: str = "information", **kwargs) -> None:
        self.notes.append((severity, message))
        super().notify(message, severity=severity, **kwargs)  # type: ignore[arg-type]

    def open_item(self, uid: str) -> None:
        self.opened.append(uid)
        super().open_item(uid)

    def apply_config(self, config: Config) -> None:
        self.applied.append(config)
        super().apply_config(config)
