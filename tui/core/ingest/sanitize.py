"""Untrusted feed text -> safe plain text, applied once at ingestion.

Everything a feed or a web page hands us is hostile until cleaned here: control characters
(ESC starts terminal escape sequences, OSC 52 writes the clipboard), bidi overrides that make
text read differently from how it is stored, HTML where plain text is expected, and fields
long enough to choke a widget. Every stored text field passes through `clean_text`.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls; bidi embeddings, overrides and isolates;
# the implicit direction marks; zero-width joiners used to smuggle look-alike text; BOM.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"
    "\u061c\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb]"
)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_LINE_EDGES = re.compile(r" ?\n ?")

#: Shortcuts for the common case (plain ASCII text, no markup, childless elements, absolute
#: links) that skip work the careful path would find had nothing to do. Off, every field takes
#: the careful path: tests/functional/test_fast_paths.py proves both give the same on every
#: file of the corpus.
FAST_PATHS = True

TITLE_MAX = 400
SUMMARY_MAX = 4_000
TEXT_MAX = 200_000
SHORT_MAX = 2_000  # names, URLs, raw dates, guids


# For printing: the characters above plus the remaining zero-width ones and the line and
# paragraph separators that some terminals take as new lines.
_UNPRINTABLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"
    "\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]"
)
_TAB_OR_NEWLINE = re.compile("[\t\n]")
REPLACEMENT = "\ufffd"


def printable(text: str | None, *, one_line: bool = False) -> str:
    """`text` as it may be written to a terminal: each control, bidi-override or invisible
    character becomes U+FFFD, one for one, so offsets of matches into the text stay valid;
    `one_line` makes tabs and newlines spaces too (a headline is one line).

    Ingestion cleans stored text already; this is the second lock on the door, for caches
    written by anything else and for text from servers that never went through ingestion.
    """
    if not text:
        return ""
    text = _UNPRINTABLE.sub(REPLACEMENT, text)
    return _TAB_OR_NEWLINE.sub(" ", text) if one_line else text


def strip_unsafe(text: str) -> str:
    """Remove control, bidi-override and invisible formatting characters; keep \\n and \\t."""
    if FAST_PATHS and text.isascii() and text.isprintable():
        return text                 # printable ASCII: nothing to remove, no \r to turn
    return _UNSAFE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def truncate(text: str, limit: int) -> str:
    """Cut at `limit` characters, on a word boundary when one is near, marking the cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ", limit - 80)
    return (cut[:space] if space > 0 else cut).rstrip() + "…"


def one_line(text: str, limit: int = TITLE_MAX) -> str:
    """Safe single-line text: titles, feed names, authors."""
    text = strip_unsafe(text)
    return truncate(" ".join(text.split()), limit)


def clean_text(text: str | None, limit: int = TEXT_MAX) -> str:
    """Safe multi-line plain text: paragraphs kept, runs of spaces and blank lines collapsed."""
    if not text:
        return ""
    if FAST_PATHS and text.isascii() and text.isprintable() and "  " not in text:
        return truncate(text.strip(), limit)    # one line, single spaces: nothing to collapse
    text = _SPACES.sub(" ", strip_unsafe(text))
    if "\n" in text:
        text = _BLANK_LINES.sub("\n\n", _LINE_EDGES.sub("\n", text))
    return truncate(text.strip(), limit)


_LOOKS_LIKE_HTML = re.compile(r"<[a-zA-Z/!]|&[#a-zA-Z0-9]+;")


def html_to_text(fragment: str | None, limit: int = TEXT_MAX) -> str:
    """Plain text of an HTML fragment (feeds put HTML in titles and summaries)."""
    if not fragment:
        return ""
    fragment = fragment[: limit * 4]  # bound the parser's work on giant fields
    if FAST_PATHS and "<" not in fragment and "&" not in fragment:
        return clean_text(fragment, limit)      # neither a tag nor an entity: plain text
    if not _LOOKS_LIKE_HTML.search(fragment):
        return clean_text(fragment, limit)
    # Imported here: a command that only reads the cache never parses HTML.
    from tui.core.ingest.html_text import TextCollector

    collector = TextCollector()
    try:
        collector.feed(fragment)
        collector.close()
        text = "".join(collector.parts)
    except Exception:  # HTMLParser is tolerant, but a malformed fragment must not lose the item
        import html

        text = html.unescape(re.sub(r"<[^>]*>", " ", fragment))
    return clean_text(text, limit)


def html_to_line(fragment: str | None, limit: int = TITLE_MAX) -> str:
    """Single-line plain text of an HTML fragment: for titles."""
    return one_line(html_to_text(fragment, limit * 2), limit)
