"""The side panes' list: an OptionList that moves with vim keys and never reads markup.

Feed names and tags come from feeds.toml and servers; they are always handed over as Text,
and `markup=False` makes sure a plain string could never be read as markup either.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.message import Message
from textual.strip import Strip
from textual.widgets import OptionList

from tui.bindings import bind


class PaneList(OptionList):
    """A list (side panes, alerts, related coverage) with the same movement keys as the
    table, whose highlighted row is painted wholly in the cursor's colours: a name or a count
    in its own colour on the cursor bar is unreadable."""

    DEFAULT_CSS = """
    PaneList {
        scrollbar-size-vertical: 1;
    }
    """

    BINDINGS = [bind("cursor_down", show=False), bind("cursor_up", show=False),
                bind("first", show=False), bind("last", show=False)]

    class WidthChanged(Message):
        """The room for an option changed (resize, scrollbar shown or hidden): rows that
        are fitted to the width (counts aligned right) must be rebuilt."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, markup=False, compact=True)
        self._known_width = 0

    @property
    def line_width(self) -> int:
        """Cells available to one option's text (0 before the first layout)."""
        return max(0, self.scrollable_content_region.width - 1)

    def _check_width(self) -> None:
        if self.line_width != self._known_width:
            self._known_width = self.line_width
            self.post_message(self.WidthChanged())

    def on_resize(self) -> None:
        self.call_after_refresh(self._check_width)

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        try:
            index, _ = self._lines[self.scroll_offset.y + y]
        except IndexError:
            return strip
        if index != self.highlighted:
            return strip
        cursor = self.get_visual_style("option-list--option",
                                       "option-list--option-highlighted").rich_style
        plain_colours = Style(color=cursor.color, bgcolor=cursor.bgcolor, dim=False)
        return Strip([Segment(text, style + plain_colours if style else style, control)
                      for text, style, control in strip], strip.cell_length)

    def watch_show_vertical_scrollbar(self) -> None:
        self.call_after_refresh(self._check_width)


def row(label: Text, count: int | Text | None, width: int, *, mark: Text | None = None,
        chart: Text | None = None) -> Text:
    """`mark label ... [chart] count`, fitted to `width` cells (the label is cut, never the
    chart or the count)."""
    mark = mark if mark is not None else Text("  ")
    number = Text(f"{count:,}") if isinstance(count, int) else (count or Text())
    chart = chart or Text()
    fixed = sum(part.cell_len + 1 for part in (chart, number) if part.cell_len)
    room = max(1, width - mark.cell_len - fixed)
    label = label.copy()
    label.truncate(room, overflow="ellipsis", pad=True)
    out = Text(no_wrap=True, overflow="ellipsis", end="")
    out.append_text(mark)
    out.append_text(label)
    for part in (chart, number):
        if part.cell_len:
            out.append(" ")
            out.append_text(part)
    return out
