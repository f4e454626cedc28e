"""The watchlist pane: each watch category and its terms, with how many items mention them.

Choosing a term (or a whole category) filters the headlines to the items that mention it;
choosing it again lifts the filter. Each row carries its category's colour, the same colour
the names are highlighted with in the headlines, so the pane doubles as the legend.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import on
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.core.config.model import WatchCategory
from tui.widgets.highlight import plain
from tui.widgets.pane_list import PaneList, row


@dataclass(frozen=True)
class WatchChoice:
    """A watch category, or one canonical term within it."""

    category: str
    term: str | None = None

    @property
    def name(self) -> str:
        """What `ItemFilter.match` takes: the term, else the category."""
        return self.term or self.category


class WatchPane(PaneList):
    """Categories and terms with counts; posts `Chosen` (None lifts the filter)."""

    DEFAULT_CSS = """
    WatchPane { height: 1fr; }
    """

    class Chosen(Message):
        def __init__(self, choice: WatchChoice | None) -> None:
            super().__init__()
            self.choice = choice

    def __init__(self, categories: Sequence[WatchCategory], styles: Mapping[str, Style], *,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Watchlist"
        self._set_categories(categories, styles)
        self._terms: Mapping[tuple[str, str], int] = {}
        self._categories: Mapping[str, int] = {}
        self.active: WatchChoice | None = None
        self._painted: dict[int, tuple] = {}    # what each row shows now: repaint on change

    @property
    def choices(self) -> list[WatchChoice]:
        return list(self._choices)

    @property
    def current(self) -> WatchChoice | None:
        """The highlighted row (what `A` prefills a new alert with)."""
        index = self.highlighted
        return self._choices[index] if index is not None and self._choices else None

    def _set_categories(self, categories: Sequence[WatchCategory],
                        styles: Mapping[str, Style]) -> None:
        self._categories_shown = tuple(categories)
        self._styles = dict(styles)
        self._choices: list[WatchChoice] = []
        for category in categories:
            self._choices.append(WatchChoice(category.name))
            self._choices.extend(WatchChoice(category.name, t.name) for t in category.terms)

    def on_mount(self) -> None:
        self._fill()

    def _fill(self) -> None:
        self.set_options(Option(Text(c.name)) for c in self._choices)
        if self._choices:
            self.highlighted = 0
        self._painted = {}

    def reconfigure(self, categories: Sequence[WatchCategory],
                    styles: Mapping[str, Style]) -> None:
        """The watchlist changed in feeds.toml: list its categories and terms now."""
        if tuple(categories) != self._categories_shown or dict(styles) != self._styles:
            self._set_categories(categories, styles)
            self._fill()
            self._paint()

    def show(self, terms: Mapping[tuple[str, str], int], categories: Mapping[str, int],
             active: WatchChoice | None) -> None:
        self._terms, self._categories, self.active = terms, categories, active
        self._paint()

    def _paint(self) -> None:
        width = self.line_width
        if not width:
            return
        for index, choice in enumerate(self._choices):
            if choice.term is None:
                count = self._categories.get(choice.category, 0)
            else:
                count = self._terms.get((choice.category, choice.term), 0)
            key = (width, choice == self.active, count)
            if self._painted.get(index) != key:
                self._painted[index] = key
                self.replace_option_prompt_at_index(index, self._prompt(choice, *key))

    def _prompt(self, choice: WatchChoice, width: int, active: bool, count: int) -> Text:
        colour = self._styles.get(choice.category, Style(bold=True))
        emphasis = Style(underline=True, bold=True) if active else Style()
        if choice.term is None:
            label = plain(choice.category, colour + emphasis)
            mark = Text("▸ " if active else "  ")
        else:
            label = plain(choice.term, emphasis)
            mark = Text.assemble("▸ " if active else "  ", ("● ", Style(color=colour.color)))
        return row(label, count, width, mark=mark)

    def on_pane_list_width_changed(self, event: PaneList.WidthChanged) -> None:
        event.stop()
        self._paint()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.control is not self:
            return
        event.stop()
        choice = self._choices[event.option_index]
        self.post_message(self.Chosen(None if choice == self.active else choice))
