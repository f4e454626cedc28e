"""Wrapping long feed text into terminal lines cheaply, for the Line API views.

The article and diff views show texts of any length (a 20,000-word article, both sides of its
diff). Rich's own wrapping builds a styled Text per line for the whole document; these views
only need to know *where* each line starts, so they can size the scroll area, jump to a match
and style just the lines on screen. `wrap_starts` answers that with plain string offsets, and
`text_strip` turns one styled line into a Strip of an exact width.
"""

from __future__ import annotations

import re

from rich.cells import cell_len, get_character_cell_size
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

_TOKEN = re.compile(r"\S+\s*|\s+")


def wrap_starts(text: str, width: int) -> list[int]:
    """Offsets where each line of `text` (one paragraph, no newlines) starts at `width` cells.

    Breaks at spaces; a word wider than the line is cut by characters. Trailing spaces stay on
    the line they follow (the caller strips them). The first offset is always 0.
    """
    width = max(1, width)
    if not text:
        return [0]
    ascii_only = text.isascii()
    measure = len if ascii_only else cell_len
    if measure(text) <= width:
        return [0]
    starts = [0]
    used = 0                                       # cells on the current line, spaces included
    for token in _TOKEN.finditer(text):
        start, chunk = token.start(), token.group()
        word = chunk.rstrip()
        size = measure(word)
        if used and used + size > width:           # the word opens the next line
            starts.append(start)
            used = 0
        if size > width:                           # a word longer than a line: cut it
            position, used = start, 0
            for char in word:
                cells = 1 if ascii_only else get_character_cell_size(char)
                if used and used + cells > width:
                    starts.append(position)
                    used = 0
                used += cells
                position += 1
        else:
            used += size
        used += len(chunk) - len(word)
    return starts


def line_slices(text: Text, starts: list[int]) -> list[Text]:
    """`text` cut at `starts` (from wrap_starts), each line without its trailing spaces."""
    if len(starts) == 1:
        lines = [text]
    else:
        lines = list(text.divide(starts[1:]))
    for line in lines:
        line.rstrip()
    return lines


def text_strip(console: Console, text: Text | None, width: int, base: Style) -> Strip:
    """One line of styled text as a Strip exactly `width` cells wide on `base`.

    The Text's own style (`Text(..., style=...)`, `plain(text, style)`) counts: Rich's
    `Text.render` leaves it out (a console applies it), and the diff's gutter marks, the
    current-change mark and the views' messages were painted in the base colours."""
    if width <= 0:
        return Strip([])
    if text is None or not text.plain:
        return Strip.blank(width, base)
    own = text.style if isinstance(text.style, Style) else Style.parse(text.style or "none")
    line = base + own
    segments = [Segment(s.text, line + s.style if s.style else line)
                for s in text.render(console) if s.text]
    return Strip(segments).adjust_cell_length(width, base)
