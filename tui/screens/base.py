"""What every screen pushed over the dashboard shares: `escape`/`q` back, `?` help, and the
polite way to ask the App for another screen."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen


def request(app: App, hook: str, *args: Any) -> None:
    """Ask the app to open something (`open_diff`, `open_compare`, ...): the app decides."""
    method = getattr(app, hook, None)
    if method is None:
        app.notify(f"This app cannot {hook.replace('_', ' ')}.", severity="warning",
                   markup=False)
        return
    method(*args)


class SubScreen(Screen[None]):
    """A screen over the dashboard: back closes it, `?` opens the help."""

    BINDINGS = [
        Binding("escape,q", "close", "Back", id="close", tooltip="Back to the previous screen."),
        Binding("question_mark", "help", "Help", show=False, id="help",
                tooltip="Every key, and its name for [keys] in feeds.toml."),
    ]

    def action_close(self) -> None:
        self.dismiss()

    def action_help(self) -> None:
        request(self.app, "open_help")
