"""Plain-terminal rendering for the command line: side-by-side diff rows and marked text.

ANSI styling only when stdout is a terminal; in a pipe, changed words and matches are
bracketed instead, so the output stays readable and greppable.
"""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from tui.core.text.diff import Row

_OP_MARK = {"equal": " ", "replace": "~", "delete": "-", "insert": "+"}


def _styled() -> bool:
    return sys.stdout.isatty()


def print_json(data: object) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


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
    """Text with the given spans underlined (terminal) or «bracketed» (pipe)."""
    if _styled():
        return mark_spans(text, spans, open_="\x1b[4;1m", close="\x1b[0m")
    return mark_spans(text, spans, open_="«", close="»")


def side_by_side(rows: Sequence[Row], left_label: str, right_label: str,
                 width: int | None = None) -> str:
    """Two columns, one block per aligned unit, changed words marked."""
    width = width or shutil.get_terminal_size((120, 24)).columns
    column = max(20, (width - 5) // 2)
    styled = _styled()
    lines = [f"  {left_label[:column]:<{column}} | {right_label[:column]}",
             "  " + "-" * column + "-+-" + "-" * column]
    for row in rows:
        if styled:
            left = mark_spans(row.left, row.left_changes, open_="\x00", close="\x01")
            right = mark_spans(row.right, row.right_changes, open_="\x00", close="\x01")
        else:
            left = mark_spans(row.left, row.left_changes, open_="[-", close="-]")
            right = mark_spans(row.right, row.right_changes, open_="{+", close="+}")
        left_lines = textwrap.wrap(left, column) or [""]
        right_lines = textwrap.wrap(right, column) or [""]
        mark = _OP_MARK[row.op] if not row.moved else ">"
        for index in range(max(len(left_lines), len(right_lines))):
            l_part = left_lines[index] if index < len(left_lines) else ""
            r_part = right_lines[index] if index < len(right_lines) else ""
            pad = column - len(l_part.replace("\x00", "").replace("\x01", ""))
            line = f"{mark if index == 0 else ' '} {l_part}{' ' * pad} | {r_part}"
            if styled:
                line = line.replace("\x00", "\x1b[7m").replace("\x01", "\x1b[27m")
            lines.append(line)
        lines.append("")
    return "\n".join(lines)
