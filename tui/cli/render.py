"""Plain-terminal rendering for the command line: side-by-side diff rows and marked text.

ANSI styling only when stdout is a terminal (and NO_COLOR is not set); in a pipe, watched names
are bracketed ⟦like this⟧ and changed words [-like-] {+this+}: marks no language uses as
punctuation (guillemets are Russian and Ukrainian quotation marks), so the output stays
readable and greppable. Text from feeds passes `printable` on its way out.
"""

from __future__ import annotations

import codecs
import json
import os
import sys
import unicodedata
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from tui.core.ingest.sanitize import printable

if TYPE_CHECKING:
    from tui.core.config.model import Config
    from tui.core.names.model import Match
    from tui.core.text.diff import Row

MATCH_OPEN, MATCH_CLOSE = "\u27e6", "\u27e7"      # ⟦ ⟧: a watched name, when piped
_RESET = "\x1b[0m"
_OP_MARK = {"equal": " ", "replace": "~", "delete": "-", "insert": "+"}


def styled() -> bool:
    """ANSI styling: on a terminal, unless the user asked for none (https://no-color.org)."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR") and \
        os.environ.get("TERM") != "dumb"


def note(line: str) -> None:
    """A one-line remark on stderr (what a filter resolved to, why a list is empty), so that
    stdout stays the data a pipe or a script reads."""
    print(f"wirewatch: {line}", file=sys.stderr)


def shown(text: str, *, quote: bool = True) -> str:
    """A user's or a feed's words inside a message: one line, nothing a terminal acts on."""
    clean = printable(text, one_line=True)
    return f"'{clean}'" if quote else clean


def json_ascii() -> bool:
    """JSON in \\uXXXX escapes when stdout's encoding is not UTF-8 (a Latin-1 or ASCII
    locale), which would otherwise turn every Cyrillic name into '?': the same JSON to a
    parser, and nothing lost."""
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        return codecs.lookup(encoding).name != "utf-8"
    except LookupError:
        return True


def print_json(data: object) -> None:
    json.dump(data, sys.stdout, ensure_ascii=json_ascii(), indent=2)
    sys.stdout.write("\n")


def _char_cells(ch: str) -> int:
    """Two for a wide character (CJK, most emoji), none for a combining mark, one else."""
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def cells(text: str) -> int:
    """Terminal cells `text` takes."""
    return len(text) if text.isascii() else sum(map(_char_cells, text))


def fit(text: str, width: int) -> str:
    """`text` cut to `width` terminal cells and padded to exactly that many, so that the
    columns after it line up whatever script a feed's name is written in."""
    if text.isascii():
        return f"{text[:width]:<{width}}"
    out, used = [], 0
    for ch in text:
        size = _char_cells(ch)
        if used + size > width:
            break
        out.append(ch)
        used += size
    return "".join(out) + " " * (width - used)


def local_stamp(stamp: float | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Epoch seconds as local time (the terminal's zone), "" when unknown."""
    from datetime import datetime

    return datetime.fromtimestamp(stamp).astimezone().strftime(fmt) if stamp is not None else ""


def mark_spans(text: str, spans: Sequence[tuple[int, int]], *, open_: str, close: str) -> str:
    out, last = [], 0
    for start, end in sorted(spans):
        if start < last:
            continue
        out += [text[last:start], open_, text[start:end], close]
        last = end
    out.append(text[last:])
    return "".join(out)


def marked_text(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """Text with the given spans bold and underlined (terminal) or ⟦bracketed⟧ (pipe)."""
    text = printable(text)
    if styled():
        return mark_spans(text, spans, open_="\x1b[4;1m", close=_RESET)
    return mark_spans(text, spans, open_=MATCH_OPEN, close=MATCH_CLOSE)


def category_colours(config: Config) -> dict[str, str]:
    """Each watch category's ANSI colour, bold: the same colour name as the dashboard's (its
    `color` in feeds.toml, else the fallback). Rich is imported only for this, on a terminal."""
    from rich.color import ColorParseError, ColorSystem
    from rich.style import Style

    from tui.core.config.model import category_colours as colour_names

    system = ColorSystem.TRUECOLOR if os.environ.get("COLORTERM") in ("truecolor", "24bit") \
        else ColorSystem.EIGHT_BIT
    out = {}
    for category, name in colour_names(config).items():
        try:
            sample = Style(color=name, bold=True).render("\x00", color_system=system)
        except ColorParseError:
            sample = Style(bold=True).render("\x00", color_system=system)
        out[category] = sample[:sample.index("\x00")]
    return out


def marked_matches(text: str, matches: Sequence[Match], config: Config) -> str:
    """Text with its watched names in their category's colour (terminal) or ⟦bracketed⟧
    (pipe); `matches` are offsets into `text`."""
    text = printable(text)
    spans = sorted((m.start, m.end, m.category) for m in matches)
    if not styled():
        return mark_spans(text, [(start, end) for start, end, _ in spans],
                          open_=MATCH_OPEN, close=MATCH_CLOSE)
    colours: Mapping[str, str] = category_colours(config)
    out, last = [], 0
    for start, end, category in spans:
        if start < last:
            continue
        out += [text[last:start], colours.get(category, "\x1b[4;1m"), text[start:end], _RESET]
        last = end
    out.append(text[last:])
    return "".join(out)


def side_by_side(rows: Sequence[Row], left_label: str, right_label: str,
                 width: int | None = None) -> str:
    """Two columns, one block per aligned unit, changed words marked."""
    import shutil  # here: only `diff` and `compare` draw columns (~6 ms of every start)
    import textwrap

    width = width or shutil.get_terminal_size((120, 24)).columns
    column = max(20, (width - 5) // 2)
    coloured = styled()
    left_label, right_label = shown(left_label, quote=False), shown(right_label, quote=False)
    lines = [f"  {left_label[:column]:<{column}} | {right_label[:column]}",
             "  " + "-" * column + "-+-" + "-" * column]
    for row in rows:
        # One for one, so the change offsets stay valid; NUL and \x01 cannot survive it.
        row_left, row_right = printable(row.left), printable(row.right)
        if coloured:
            left = mark_spans(row_left, row.left_changes, open_="\x00", close="\x01")
            right = mark_spans(row_right, row.right_changes, open_="\x00", close="\x01")
        else:   # wdiff's marks: brackets, never used as quotation marks
            left = mark_spans(row_left, row.left_changes, open_="[-", close="-]")
            right = mark_spans(row_right, row.right_changes, open_="{+", close="+}")
        left_lines = textwrap.wrap(left, column) or [""]
        right_lines = textwrap.wrap(right, column) or [""]
        mark = _OP_MARK[row.op] if not row.moved else ">"
        for index in range(max(len(left_lines), len(right_lines))):
            l_part = left_lines[index] if index < len(left_lines) else ""
            r_part = right_lines[index] if index < len(right_lines) else ""
            pad = column - len(l_part.replace("\x00", "").replace("\x01", ""))
            line = f"{mark if index == 0 else ' '} {l_part}{' ' * pad} | {r_part}"
            if coloured:
                line = line.replace("\x00", "\x1b[7m").replace("\x01", "\x1b[27m")
            lines.append(line)
        lines.append("")
    return "\n".join(lines)
