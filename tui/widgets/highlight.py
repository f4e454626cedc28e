"""Feed text -> rich Text that is safe to put on a terminal, with watched names coloured.

Every widget that shows feed text (titles, feed names, error messages) goes through here, so
there is one place that guarantees three things:

* nothing is ever parsed as markup: text is wrapped in `rich.text.Text`, never spliced into a
  markup string, so `[/b]` is two brackets and `[@click=app.quit]` is inert;
* no control, bidi-override or invisible formatting character reaches the terminal (ingestion
  strips them already; this is the second lock on the door, for caches written by anything);
  each one becomes U+FFFD, one character for one, so match offsets stay valid;
* highlighting is done with spans at the match offsets, in the category's colour.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from rich.color import Color, ColorParseError
from rich.style import Style
from rich.text import Text
from textual.color import Color as TextualColor

from tui.core.config.model import FALLBACK_COLOURS, Config, category_colours
from tui.core.names.model import Match
from tui.widgets.palette import parse, readable

# C0 (tab and newline too: a table row is one line), DEL, C1, bidi embeddings, overrides and
# isolates, direction marks, zero-width characters, BOM, interlinear annotation, and the
# line/paragraph separators some terminals treat as newlines.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]"
)
REPLACEMENT = "\ufffd"


def safe(text: str | None) -> str:
    """`text` with every unsafe character replaced by U+FFFD, length unchanged."""
    if not text:
        return ""
    if text.isprintable():      # every unsafe character is unprintable: one C scan for most
        return text
    return _UNSAFE.sub(REPLACEMENT, text)


def plain(text: str | None, style: Style | str = "") -> Text:
    """Untrusted text as a Text that renders exactly as written (one line)."""
    return Text(safe(text), style=style, no_wrap=True, end="")


def category_styles(config: Config, variables: Mapping[str, str] | None = None
                    ) -> dict[str, Style]:
    """Each watch category's highlight style: its configured colour, else a fallback one,
    made readable on the theme's backgrounds (`variables`: the App's theme variables).

    A colour rich cannot parse falls back too: a typo in feeds.toml must not crash the UI.
    """
    grounds = [ground for name in ("surface", "panel")
               if (ground := parse((variables or {}).get(name, ""))) is not None]
    styles: dict[str, Style] = {}
    for index, (name, colour) in enumerate(category_colours(config).items()):
        try:
            parsed = Color.parse(colour)
        except ColorParseError:     # a typo in feeds.toml must not crash the UI
            parsed = Color.parse(FALLBACK_COLOURS[index % len(FALLBACK_COLOURS)])
        shown = readable(TextualColor(*parsed.get_truecolor()), grounds)
        styles[name] = Style(color=shown.rich_color, bold=True)
    return styles


def highlighted(text: str | None, matches: Iterable[Match], styles: Mapping[str, Style],
                *, field: str = "title", limit: int | None = None,
                base: Style | str = "") -> Text:
    """`text` with the spans of `matches` on `field` in their category's style.

    `limit` crops long text before styling (a 5,000-character title costs no more than a
    row's width); spans outside the text or crossing the crop are clipped, never trusted.
    """
    value = safe(text)
    if limit is not None and len(value) > limit:
        value = value[:limit]
    result = Text(value, style=base, no_wrap=True, end="")
    size = len(value)
    fallback = Style(bold=True, underline=True)
    for match in matches:
        if match.field != field:
            continue
        start, end = max(0, match.start), min(size, match.end)
        if start < end:
            result.stylize(styles.get(match.category, fallback), start, end)
    return result
