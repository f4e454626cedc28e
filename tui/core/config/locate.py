"""Where in feeds.toml a mistake is: a key path ("feeds", 3, "url") as a line and column, a
nesting too deep for the TOML reader, bytes that are not UTF-8. The loader reports every
refusal as FILE:LINE:COL with these."""

from __future__ import annotations

import json
import re
from typing import Any

from tui.core.config.model import ConfigError

MAX_NESTING = 32          # arrays and inline tables inside each other; deeper is refused

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"'.]+)\s*=")


class Locator:
    """Maps a key path like ("feeds", 3, "url") to its line and column in the source.

    A path that names a table (an unknown [table], a [[feeds]] entry without a url) points
    at the table's header; a path that names a key points at the key's line.
    """

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def find(self, path: tuple[Any, ...]) -> tuple[int, int] | None:
        table: list[str] = []
        array_counts: dict[str, int] = {}
        current_index: dict[str, int] = {}
        wanted = [str(p) for p in path]
        best: tuple[int, int] | None = None
        for number, line in enumerate(self.lines, start=1):
            header = _HEADER.match(line)
            if header and not line.lstrip().startswith("#"):
                name = header.group(2).replace('"', "").replace("'", "")
                table = name.split(".")
                if header.group(1) == "[[":
                    array_counts[name] = array_counts.get(name, -1) + 1
                    current_index[name] = array_counts[name]
                resolved = self._resolve(table, current_index)
                where = (number, line.index(header.group(2)[0]) + 1)
                if resolved == wanted:
                    return where
                if best is None and resolved and wanted[: len(resolved)] == resolved:
                    best = where
                continue
            key = _KEY.match(line)
            if not key or line.lstrip().startswith("#"):
                continue
            full = self._resolve(table, current_index) + [
                k.strip("\"'") for k in key.group(1).split(".")
            ]
            if full[: len(wanted)] == wanted or (wanted[: len(full)] == full and len(full) > 1):
                return number, line.index(key.group(1)[0]) + 1
        return best

    def find_inline_key(self, path: tuple[Any, ...]) -> tuple[int, int] | None:
        """Where the last key of ``path`` is written inside an inline table of an array
        (`terms = [..., { name = "Putin", not = [...] }]`, maybe on a later line than `terms`);
        else what ``find`` says."""
        start = self.find(path)
        key = path[-1] if path else None
        if start is None or not isinstance(key, str) or not any(isinstance(p, int) for p in path[:-1]):
            return start
        pattern = re.compile(rf"(?<![\w\"'.-]){re.escape(key)}\s*=")
        for number in range(start[0], min(len(self.lines), start[0] + 500) + 1):
            found = pattern.search(self.lines[number - 1], start[1] - 1 if number == start[0] else 0)
            if found:
                return number, found.start() + 1
        return start

    def find_value(self, path: tuple[Any, ...], value: str) -> tuple[int, int] | None:
        """Where the string ``value`` is written at or after the key of ``path`` (an element of
        an array, a key of an inline table, maybe on a later line); else the key's place."""
        start = self.find(path)
        if start is None:
            return None
        quoted = [json.dumps(value, ensure_ascii=False), f"'{value}'"]
        for number in range(start[0], min(len(self.lines), start[0] + 500) + 1):
            line = self.lines[number - 1]
            found = [c for c in (line.find(q, start[1] - 1 if number == start[0] else 0) for q in quoted) if c >= 0]
            if found:
                return number, min(found) + 1
        return start

    @staticmethod
    def _resolve(table: list[str], current_index: dict[str, int]) -> list[str]:
        out: list[str] = []
        for i, part in enumerate(table):
            out.append(part)
            name = ".".join(table[: i + 1])
            if name in current_index:
                out.append(str(current_index[name]))
        return out


def decode(raw: bytes, file: str) -> str:
    """feeds.toml's bytes as text: UTF-8, a leading byte-order mark dropped (editors on
    Windows write one); bytes that are not UTF-8 are refused at their line and column."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
        raise ConfigError(f"not UTF-8 text (byte 0x{raw[error.start]:02x}); save the file "
                          "as UTF-8", file=file, line=line, col=col) from None


# What the nesting scan stops at; everything else is passed over by the regex engine (a
# 300-feed file is 25,000 characters, read one by one in Python for 7 ms).
_NESTING_MARKS = re.compile(r"[\n\\\"'#\[\]{}]")


def nesting_too_deep(text: str) -> tuple[int, int] | None:
    """Line and column where arrays or inline tables nest deeper than MAX_NESTING, or None.

    Python's TOML reader recurses once per level and fails with a RecursionError far below
    the file sizes we accept; this scan (strings and comments skipped) refuses such a file
    with a located message first.
    """
    depth = 0
    line, line_start = 1, 0
    quote: str | None = None          # the delimiter of the string we are in
    i = 0
    next_mark = _NESTING_MARKS.search
    while (mark := next_mark(text, i)) is not None:
        i = mark.start()
        char = text[i]
        if char == "\n":
            line, line_start = line + 1, i + 1
            if quote in ('"', "'"):
                quote = None          # a one-line string cannot span lines: TOML will say so
        elif quote is not None:
            if char == "\\" and quote in ('"', '"""'):
                if text.startswith("\n", i + 1):       # a line-ending backslash
                    line, line_start = line + 1, i + 2
                i += 2
                continue
            if text.startswith(quote, i):
                i += len(quote)
                quote = None
                continue
        elif char == "#":
            end = text.find("\n", i)
            if end < 0:
                return None
            i = end
            continue
        elif char in "\"'":
            quote = char * 3 if text.startswith(char * 3, i) else char
            i += len(quote)
            continue
        elif char in "[{":
            depth += 1
            if depth > MAX_NESTING:
                return line, i - line_start + 1
        elif char in "]}":
            depth = max(0, depth - 1)
        i += 1
    return None
