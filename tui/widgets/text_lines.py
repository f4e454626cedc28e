"""Wrapping long feed text into terminal lines cheaply, for the Line API views.

The article and diff views show texts of any length (a 20,000-word article, both sides of its
diff). Rich's own wrapping builds a styled Text per line for the whole document; these views
only need to know *where* each line starts, so they can size the scroll area, jump to a match
and style just the lines on screen. `wrap_starts` answers that with plain string offsets, and
`text_strip` turns one styled line into a Strip of an exact width.
"""

from __future__ import annotations

import re
import unicodedata

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

    A diff of a 20,000-word article measures thousands of paragraphs on the UI thread when it
    is shown: text whose characters are all one cell wide and whose only space is " " (nearly
    all news text, Cyrillic included) is measured a line at a time with string searches
    (`_wrap_one_cell`); anything else word by word (`wrap_starts_by_words`). Both give the
    same offsets (tests/unit/test_wrap.py).
    """
    width = max(1, width)
    if len(text) <= width and text.isascii() or not text:
        return [0]
    # Printable ASCII is all one cell wide, and its only space is " ": one C scan for most text.
    if text.isascii() and text.isprintable() or _ONE_CELL.issuperset(text):
        return _wrap_one_cell(text, width)
    return wrap_starts_by_words(text, width)


def _one_cell_characters() -> frozenset[str]:
    """Characters one cell wide for certain (Latin, Greek, Cyrillic, the dashes, quotes and
    currency signs of news text; no marks, no control or format characters), and of the
    spaces only " "."""
    ranges = ((0x20, 0x7E), (0xA1, 0xAC), (0xAE, 0x2FF), (0x370, 0x482), (0x48A, 0x52F),
              (0x2010, 0x205E), (0x20A0, 0x20C0))
    return frozenset(char for low, high in ranges for char in map(chr, range(low, high + 1))
                     if get_character_cell_size(char) == 1
                     and (char == " " or unicodedata.category(char)[0] not in "CMZ"))


_ONE_CELL = _one_cell_characters()
_NOT_SPACE = re.compile(r"[^ ]")


def _wrap_one_cell(text: str, width: int) -> list[int]:
    """`wrap_starts` for text of one-cell characters spaced by " ": a line starting at `start`
    ends before the word that reaches past `start + width`, or is cut there inside a word too
    long for a line."""
    starts = [0]
    start, size = 0, len(text)
    while start + width < size:
        limit = start + width
        if text[limit] == " ":                     # the words up to the limit fit
            following = _NOT_SPACE.search(text, limit)
            if following is None:                  # only spaces left: they stay on the line
                break
            start = following.start()
        else:
            space = text.rfind(" ", start, limit)
            start = space + 1 if space >= start else limit   # no space: a long word is cut
        starts.append(start)
    return starts


def wrap_starts_by_words(text: str, width: int) -> list[int]:
    """`wrap_starts` for any text, one word at a time: cells measured by Rich.

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
