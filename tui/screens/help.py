"""`?` help: every key of the dashboard, generated from the bindings themselves.

Each row shows the keys in force (after the user's `[keys]` table), the action's name (the
name to use in `[keys]`) and what it does, so the help can never drift from the code.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.bindings import bind
from tui.commands import catalogue, key_display


class HelpScreen(ModalScreen[None]):
    """The key reference, over the dashboard."""

    BINDINGS = [
        bind("close_help", "dismiss"),
        bind("cursor_down", "scroll('down')", show=False),
        bind("cursor_up", "scroll('up')", show=False),
    ]

    def __init__(self, keymap: Mapping[str, str]) -> None:
        super().__init__()
        self.keymap = dict(keymap)

    def compose(self) -> ComposeResult:
        keymap = self.keymap
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column(style="italic dim", no_wrap=True)
        table.add_column()
        section = None
        for info in catalogue(keymap):
            if info.section != section:
                section = info.section
                if table.row_count:
                    table.add_row("", "", "")
                table.add_row(Text(section, style="bold underline"), "", "")
            keys = " ".join(key_display(self.app, key) for key in info.keys)
            table.add_row(Text(keys), Text(info.id), Text(info.help))
        intro = Text("Keys can be rebound in feeds.toml: under [keys], write "
                     'action = "key", e.g. refresh = "f5". Escape closes this help.\n')
        with VerticalScroll(id="help-body") as body:
            body.border_title = "wirewatch keys"
            yield Static(intro, markup=False)
            yield Static(table)

    def action_scroll(self, direction: str) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        (body.scroll_down if direction == "down" else body.scroll_up)(animate=False)
