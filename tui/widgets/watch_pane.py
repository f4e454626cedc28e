"""The watchlist pane: each watch category and its terms, with how many items mentioned them
on each of the last 14 days (a sparkline) and today (a sudden rise marked ↑).

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
from tui.core.trends import Series, spark
from tui.widgets.highlight import plain
from tui.widgets.palette import Tones
from tui.widgets.pane_list import PaneList, row

SPARK_DAYS = 14
CHART_CELLS = (SPARK_DAYS, SPARK_DAYS // 2)   # a cell a day, else two days a cell
MIN_LABEL = 6                                 # cells a name keeps before the chart gives way
WANTED_LABEL = 12                             # ...and the room it would like
MARK_CELLS = 2                                # "▸ " before every row


def _count_text(series: Series | None) -> str:
    """Today's count, with ↑ when it is a sudden rise."""
    today = series.latest if series is not None else 0
    return f"{today:,}↑" if series is not None and series.rising else f"{today:,}"


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
        self._days: Mapping[WatchChoice, Series] = {}
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

    def show(self, days: Mapping[WatchChoice, Series], active: WatchChoice | None) -> None:
        """Each row's last 14 days (`days`, from tui.core.trends); `active` is the filter."""
        self._days, self.active = days, active
        self._paint()

    def _paint(self) -> None:
        width = self.line_width
        if not width:
            return
        rise = Tones.of(self).new
        shown = {c: self._days.get(c) for c in self._choices}
        counts = {c: _count_text(series) for c, series in shown.items()}
        layout = self._layout(width, max((len(t) for t in counts.values()), default=1))
        for index, choice in enumerate(self._choices):
            series = shown[choice]
            key = (layout, choice == self.active, series.counts if series else (),
                   counts[choice], rise)
            if self._painted.get(index) != key:
                self._painted[index] = key
                self.replace_option_prompt_at_index(index, self._prompt(choice, *key))

    def _layout(self, width: int, count_cells: int) -> tuple[int, int, int]:
        """(width, chart cells, count cells), the same for every row so the charts line up:
        a cell a day when the names keep their room, two days a cell when that is what
        fits, no chart in a pane too narrow for one."""
        longest = max((len(c.term or c.category) + (2 if c.term else 0)
                       for c in self._choices), default=0)
        room = width - MARK_CELLS - count_cells - 2
        cells = next((c for c in CHART_CELLS if room - c >= min(longest, WANTED_LABEL)),
                     next((c for c in CHART_CELLS if room - c >= MIN_LABEL), 0))
        return width, cells, count_cells

    def _prompt(self, choice: WatchChoice, layout: tuple[int, int, int], active: bool,
                counts: tuple[int, ...], count_text: str, rise: Style) -> Text:
        width, cells, count_cells = layout
        colour = self._styles.get(choice.category, Style(bold=True))
        emphasis = Style(underline=True, bold=True) if active else Style()
        if choice.term is None:
            label = plain(choice.category, colour + emphasis)
            mark = Text("▸ " if active else "  ")
        else:
            label = plain(choice.term, emphasis)
            mark = Text.assemble("▸ " if active else "  ", ("● ", Style(color=colour.color)))
        count = Text(count_text.rjust(count_cells),
                     style=rise if count_text.endswith("↑") else Style())
        chart = Text(spark(counts or (0,) * SPARK_DAYS, cells).ljust(cells),
                     style=Style(color=colour.color)) if cells else None
        return row(label, count, width, mark=mark, chart=chart)

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
