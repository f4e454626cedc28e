"""`?` help: every key of the dashboard, generated from the action table itself.

The keys used every day come first; then every action by section. Each row shows the keys in
force (after the user's `[keys]`), the action's name (the name to use in `[keys]`) and what it
does, so the help can never drift from the code. Typing filters the rows (by key, name or
words); j/k, PgUp/PgDn and g/G scroll; escape clears the filter, then closes.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui.bindings import bind
from tui.commands import ActionInfo, catalogue, key_display
from tui.widgets.footer import Footer
from tui.widgets.palette import tone

# The keys a newcomer needs on the first day, in the order they will use them.
COMMON = ("cursor_down", "cursor_up", "open", "back", "search", "refresh", "matches_only",
          "next_unread", "mark_all_read", "preview", "diff", "alerts", "new_alert", "help",
          "quit")
SCROLL_KEYS = {"j", "k", "g", "G", "q", "question_mark"}


class HelpScreen(ModalScreen[None]):
    """The key reference, over the dashboard."""

    AUTO_FOCUS = "#help-body"

    BINDINGS = [
        bind("close_help", "close"),
        bind("cursor_down", "scroll(1)", show=False),
        bind("cursor_up", "scroll(-1)", show=False),
        bind("page_down", "scroll_page(1)", show=False),
        bind("page_up", "scroll_page(-1)", show=False),
        bind("first", "scroll_home", show=False),
        bind("last", "scroll_end", show=False),
    ]

    DEFAULT_CSS = """
    HelpScreen #help-filter { height: 1; margin: 0 0 1 0; }
    HelpScreen #help-box {
        width: 90%;
        max-width: 110;
        height: 90%;
        border: round $border;
        border-title-color: $foreground;
        background: $surface;
        padding: 0 1;
    }
    """

    def __init__(self, keymap: Mapping[str, str]) -> None:
        super().__init__()
        self.keymap = dict(keymap)
        self.actions = catalogue(self.keymap)

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box") as box:
            box.border_title = "wirewatch keys"
            # select_on_focus off: the first key typed lands in the field and focuses it;
            # selected, the second key would replace it.
            yield Input(placeholder="type to filter: a key, a name or a word", compact=True,
                        id="help-filter", select_on_focus=False)
            with VerticalScroll(id="help-body", can_focus=True):
                yield Static(id="help-table")
        yield Footer()      # its own keys, not the dimmed ones of the screen beneath

    def on_mount(self) -> None:
        self._show("")
        self.app.theme_changed_signal.subscribe(
            self, lambda _: self._show(self.query_one("#help-filter", Input).value))

    def _show(self, query: str) -> None:
        muted = tone(self, "muted")
        intro = Text("Keys can be rebound in feeds.toml: under [keys], write action = \"key\", "
                     "e.g. refresh = \"f5\". Escape closes this help.\n", style=muted)
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column(style=muted, no_wrap=True)
        table.add_column()
        by_id = {info.id: info for info in self.actions}
        # Filtered, each action shows once, in its own section (and counts once).
        everyday = [] if query else [by_id[name] for name in COMMON if name in by_id]
        sections: dict[str, list[ActionInfo]] = {"Every day": everyday}
        for info in self.actions:
            sections.setdefault(info.section, []).append(info)
        shown = 0
        for title, infos in sections.items():
            rows = [info for info in infos if self._wanted(info, query)]
            if not rows:
                continue
            if table.row_count:
                table.add_row("", "", "")
            table.add_row(Text(title, style="bold underline"), "", "")
            for info in rows:
                keys = " ".join(key_display(self.app, key) for key in info.keys)
                table.add_row(Text(keys), Text(info.id), Text(info.help))
                shown += 1
        head = intro if not query else Text(f"{shown} matching\n", style=muted)
        self.query_one("#help-table", Static).update(Group(head, table))

    def _wanted(self, info: ActionInfo, query: str) -> bool:
        if not query:
            return True
        words = " ".join((info.id, info.label, info.help,
                          " ".join(key_display(self.app, k) for k in info.keys))).casefold()
        return all(part in words for part in query.casefold().split())

    @on(Input.Changed, "#help-filter")
    def _filtered(self, event: Input.Changed) -> None:
        self._show(event.value)
        self.query_one("#help-body", VerticalScroll).scroll_home(animate=False)

    def on_key(self, event: events.Key) -> None:
        """Typing anything that is not a scroll key starts the filter with it."""
        field = self.query_one("#help-filter", Input)
        if field.has_focus or not event.is_printable or event.key in SCROLL_KEYS:
            return
        event.stop()
        field.focus()
        field.insert_text_at_cursor(event.character or "")

    def action_close(self) -> None:
        field = self.query_one("#help-filter", Input)
        if field.value:
            field.value = ""
            self.query_one("#help-body").focus()
            return
        self.dismiss()

    def action_scroll(self, lines: int) -> None:
        self.query_one("#help-body", VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_scroll_page(self, pages: int) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        body.scroll_relative(y=pages * max(1, body.size.height - 1), animate=False)

    def action_scroll_home(self) -> None:
        self.query_one("#help-body", VerticalScroll).scroll_home(animate=False)

    def action_scroll_end(self) -> None:
        self.query_one("#help-body", VerticalScroll).scroll_end(animate=False)
