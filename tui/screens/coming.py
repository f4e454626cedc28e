"""A placeholder for the screens of later issues (article, diff, compare, related, alerts).

The keys work from day one: they reach the app's `open_*` hooks, which open this screen
saying what is coming and for which item, until the real screen takes its place.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Footer, Static

from tui.widgets.highlight import safe


class ComingScreen(Screen[None]):
    """"This view is coming": names the view and what it was opened for."""

    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back", id="close"),
    ]

    def __init__(self, view: str, detail: str = "", **payload: object) -> None:
        super().__init__()
        self.view = view
        self.detail = detail
        self.payload = payload       # what the real screen will be given (tests read it)

    def compose(self) -> ComposeResult:
        text = Text(self.view, style="bold")
        text.append("\n\nThis view is coming in a later version of wirewatch.\n")
        if self.detail:
            text.append("\n" + safe(self.detail))
        text.append("\n\nPress escape to go back.", style="dim")
        with Middle():
            with Center():
                yield Static(text, id="coming", markup=False)
        yield Footer()
