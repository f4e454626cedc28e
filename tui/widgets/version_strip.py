"""The diff screen's version strip: every version of the article on a time axis, each mark as
tall as the change it made, so the user sees at once when it was rewritten and how much.

    edits  21 Nov 09:00 ●─────▂────────────█ 11:10   tallest: 40 words · ▶ v2 → v3

The pair the diff shows is drawn in the picker's colours (older red, newer green).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from tui.core.text.articles import VersionMark
from tui.widgets.palette import BOLD, Tones

BARS = "▁▂▃▄▅▆▇█"
AXIS = "─"


def strip_text(marks: Sequence[VersionMark], pair: tuple[int | None, int | None], width: int,
               local: Callable[[datetime], datetime], tones: Tones) -> Text:
    """The strip fitted to `width` cells (empty with fewer than two versions)."""
    text = Text(no_wrap=True, overflow="ellipsis", end="")
    if len(marks) < 2 or width < 20:
        return text
    first, last = local(marks[0].seen), local(marks[-1].seen)
    start = f"{first:%d %b %H:%M}"
    end = f"{last:%H:%M}" if last.date() == first.date() else f"{last:%d %b %H:%M}"
    tallest = max(mark.words for mark in marks)
    note = f"   tallest: {tallest:,} words" if tallest else "   no words changed"
    axis = width - len("edits  ") - len(start) - len(end) - 2 - len(note)
    if axis < 6:
        note, axis = "", width - len("edits  ") - len(start) - len(end) - 2
    if axis < 2:
        return text
    cells: list[VersionMark | None] = [None] * axis
    span = (marks[-1].seen - marks[0].seen).total_seconds() or 1.0
    for mark in marks:
        k = round((mark.seen - marks[0].seen).total_seconds() / span * (axis - 1))
        held = cells[k]
        if held is None or mark.words >= held.words:      # the bigger change shows
            cells[k] = mark
    text.append("edits  ", style=tones.muted)
    text.append(start + " ", style=tones.muted)
    older, newer = pair
    for cell in cells:
        if cell is None:
            text.append(AXIS, style=tones.muted)
            continue
        if cell.number == marks[0].number:
            glyph = "●"
        elif cell.minor or not cell.words:
            glyph = "·"
        else:
            glyph = BARS[max(0, min(7, round(cell.words / tallest * 7)))]
        if cell.number == older:
            style = tones.error + BOLD
        elif cell.number == newer:
            style = tones.success + BOLD
        else:
            style = Style()
        text.append(glyph, style=style)
    text.append(" " + end, style=tones.muted)
    text.append(note, style=tones.muted)
    return text


class VersionStrip(Widget):
    """One line; hidden when there is nothing to place on it (compare, one version)."""

    DEFAULT_CSS = """
    VersionStrip { height: 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.marks: list[VersionMark] = []
        self.pair: tuple[int | None, int | None] = (None, None)
        self.local: Callable[[datetime], datetime] = lambda when: when.astimezone()

    def show(self, marks: Sequence[VersionMark], pair: tuple[int | None, int | None],
             local: Callable[[datetime], datetime]) -> None:
        self.marks, self.pair, self.local = list(marks), pair, local
        self.display = len(self.marks) >= 2
        self.refresh()

    def render(self) -> Text:
        return strip_text(self.marks, self.pair, self.content_size.width, self.local,
                          Tones.of(self))
