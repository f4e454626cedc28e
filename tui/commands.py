"""`?` help and the command palette, both read from the action table with the user's `[keys]`
applied, so they can never disagree with what a key really does."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Protocol

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from tui.core.config.keys import ACTIONS, SECTIONS
from tui.widgets.highlight import safe

if TYPE_CHECKING:
    from textual.app import App


@dataclass(frozen=True)
class ActionInfo:
    """One user-visible action: its [keys] name, its keys now, and what it does."""

    id: str
    keys: tuple[str, ...]      # key names in force (after [keys]), e.g. ("j", "down")
    label: str                 # short, as in the footer
    help: str                  # one sentence, as in `?` help
    section: str
    palette: bool


def catalogue(keymap: Mapping[str, str] | None = None) -> list[ActionInfo]:
    """Every action, in help order, with `keymap` ([keys]) applied."""
    keymap = keymap or {}
    order = {name: index for index, name in enumerate(SECTIONS)}
    found = [ActionInfo(action.id, tuple(keymap.get(action.id, action.keys).split(",")),
                        action.label, action.help, action.section, action.palette)
             for action in ACTIONS]
    return sorted(found, key=lambda info: order.get(info.section, len(order)))


def key_display(app: App, key: str) -> str:
    """A key as the footer shows it ("ctrl+p" -> "^p", "question_mark" -> "?")."""
    return app.get_key_display(Binding(key, ""))


class PaletteScreen(Protocol):
    """What the dashboard screen offers the palette."""

    keymap: Mapping[str, str]

    def filter_commands(self) -> Iterable[tuple[str, str, Callable[[], object]]]: ...

    async def run_action(self, action: str) -> bool: ...


class DashboardCommands(Provider):
    """The dashboard's actions and filters in the command palette (ctrl+p)."""

    def _commands(self) -> list[tuple[str, str, object]]:
        """(title, help, callback) for everything the palette offers."""
        screen: PaletteScreen = self.screen  # type: ignore[assignment]
        app = self.app
        commands: list[tuple[str, str, object]] = []
        for info in catalogue(screen.keymap):
            if not info.palette:
                continue
            keys = ", ".join(key_display(app, k) for k in info.keys)
            commands.append((info.label, f"{info.help} ({keys})",
                             partial(screen.run_action, info.id)))
        commands.extend(screen.filter_commands())
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
