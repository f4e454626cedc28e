"""Every dashboard action in one catalogue, for `?` help, the command palette and `[keys]`.

The catalogue is read from the bindings themselves (the classes' BINDINGS, their `id` and
`tooltip`), with the user's `[keys]` overrides applied, so help, palette and keymap can
never disagree with what a key really does. A binding's `id` is the action name users write
in feeds.toml: `[keys]` / `refresh = "f5"`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from tui.widgets.highlight import safe

if TYPE_CHECKING:
    from textual.app import App

SECTIONS = ("Move", "Panes and filters", "The current headline", "Screens",
            "Article and diff", "Alerts", "App")

# Which section each binding id is listed under in help; anything else goes under "App".
_SECTION_OF = {
    "cursor_down": "Move", "cursor_up": "Move", "first": "Move", "last": "Move",
    "page_up": "Move", "page_down": "Move", "next_match": "Move", "previous_match": "Move",
    "next_pane": "Panes and filters", "previous_pane": "Panes and filters",
    "search": "Panes and filters", "matches_only": "Panes and filters",
    "unread_only": "Panes and filters", "starred_only": "Panes and filters",
    "back": "Panes and filters",
    "open": "The current headline", "mark": "The current headline",
    "compare": "The current headline", "diff": "The current headline",
    "related": "The current headline", "star": "The current headline",
    "toggle_read": "The current headline", "open_link": "The current headline",
    "alerts": "Screens", "new_alert": "Screens", "help": "Screens",
    "command_palette": "Screens",
    "close": "Article and diff", "older_versions": "Article and diff",
    "newer_versions": "Article and diff", "next_change": "Article and diff",
    "previous_change": "Article and diff", "fold_unchanged": "Article and diff",
    "edit_alert": "Alerts", "delete_alert": "Alerts", "save_alert": "Alerts",
    "cancel_alert": "Alerts", "confirm_yes": "Alerts", "confirm_no": "Alerts",
}

# Movement is for keys, not for the palette.
_NOT_IN_PALETTE = {"cursor_down", "cursor_up", "first", "last", "page_up", "page_down",
                   "next_pane", "previous_pane", "command_palette",
                   # keys of the other screens: the palette runs dashboard actions
                   "close", "older_versions", "newer_versions", "next_change", "previous_change",
                   "fold_unchanged", "edit_alert", "delete_alert", "save_alert", "cancel_alert",
                   "confirm_yes", "confirm_no"}


@dataclass(frozen=True)
class ActionInfo:
    """One user-visible action: its [keys] name, its keys now, and what it does."""

    id: str
    keys: tuple[str, ...]      # key names in force (after [keys]), e.g. ("j", "down")
    label: str                 # short, as in the footer
    help: str                  # one sentence, as in `?` help
    section: str
    action: str                # the action to run on the owning node, e.g. "refresh"
    owner: str                 # "screen", "table", "pane" or "app"


def _owners() -> list[tuple[str, Iterable[Binding]]]:
    """The classes whose bindings make up the dashboard, imported late (no cycles)."""
    from tui.app import WirewatchApp
    from tui.screens.alert_form import AlertForm
    from tui.screens.alerts import AlertsScreen, ConfirmDelete
    from tui.screens.article import ArticleScreen
    from tui.screens.base import SubScreen
    from tui.screens.diff import DiffScreen
    from tui.screens.main import MainScreen
    from tui.screens.related import RelatedScreen
    from tui.widgets.line_scroll import LineScrollView
    from tui.widgets.headline_table import HeadlineTable

    return [("table", HeadlineTable.BINDINGS), ("screen", MainScreen.BINDINGS),
            ("app", WirewatchApp.BINDINGS), ("screens", SubScreen.BINDINGS),
            ("article", ArticleScreen.BINDINGS),
            ("article", LineScrollView.BINDINGS), ("diff", DiffScreen.BINDINGS),
            ("related", RelatedScreen.BINDINGS),
            ("alerts", AlertsScreen.BINDINGS), ("alerts", AlertForm.BINDINGS),
            ("alerts", ConfirmDelete.BINDINGS)]


def catalogue(keymap: Mapping[str, str] | None = None) -> list[ActionInfo]:
    """Every action with an id, in help order, with `keymap` ([keys]) applied."""
    keymap = keymap or {}
    found: dict[str, ActionInfo] = {}
    for owner, bindings in _owners():
        for binding in bindings:
            if not isinstance(binding, Binding) or not binding.id or binding.id in found:
                continue
            keys = keymap.get(binding.id, binding.key)
            found[binding.id] = ActionInfo(
                id=binding.id, keys=tuple(k.strip() for k in keys.split(",") if k.strip()),
                label=binding.description, help=binding.tooltip or binding.description,
                section=_SECTION_OF.get(binding.id, "App"), action=binding.action, owner=owner)
    order = {name: index for index, name in enumerate(SECTIONS)}
    return sorted(found.values(), key=lambda info: order.get(info.section, len(order)))


def action_ids() -> set[str]:
    """The names `[keys]` accepts."""
    return {info.id for info in catalogue()}


def key_display(app: App, key: str) -> str:
    """A key as the footer shows it ("ctrl+p" -> "^p", "question_mark" -> "?")."""
    return app.get_key_display(Binding(key, ""))


class DashboardCommands(Provider):
    """The dashboard's actions and filters in the command palette (ctrl+p)."""

    def _commands(self) -> list[tuple[str, str, object]]:
        """(title, help, callback) for everything the palette offers on this screen."""
        from tui.screens.main import MainScreen

        screen = self.screen
        if not isinstance(screen, MainScreen):
            return []
        app = self.app
        keymap = getattr(app, "keymap", {})
        commands: list[tuple[str, str, object]] = []
        for info in catalogue(keymap):
            if info.id in _NOT_IN_PALETTE:
                continue
            keys = ", ".join(key_display(app, k) for k in info.keys)
            commands.append((info.label, f"{info.help} ({keys})",
                             partial(screen.run_palette_action, info)))
        for title, helptext, callback in screen.filter_commands():
            commands.append((title, helptext, callback))
        return commands

    # Feed names and terms come from feeds.toml; the palette reads a plain `str` prompt or
    # help as markup (and `Matcher.highlight` does too), so both are handed over as Content.

    async def discover(self) -> Hits:
        for title, helptext, callback in self._commands():
            yield DiscoveryHit(Content(safe(title)), callback, text=title,
                               help=Content(safe(helptext)))  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, helptext, callback in self._commands():
            score, offsets = matcher.fuzzy_search.match(query, title)
            if score > 0:
                shown = Content(safe(title))
                for offset in offsets:
                    shown = shown.stylize(matcher.match_style, offset, offset + 1)
                yield Hit(score, shown, callback, text=title,
                          help=Content(safe(helptext)))  # type: ignore[arg-type]
