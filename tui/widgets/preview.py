"""The preview strip under the headlines (`p`): why the current item matched.

A headline shows the watched names in its title; when a name is only in the summary or the
article text, the list cannot say so. The strip shows the summary with its names coloured, and
one line per field a name was found in: the names, and for the article text a few words around
the first mention.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from tui.core.cache.query import Item
from tui.widgets.highlight import highlighted, plain

SUMMARY_SHOWN = 300      # characters: about three lines, the rest is in the article
FIELD_NAMES = {"title": "headline", "summary": "summary", "text": "article text"}

Excerpt = Callable[[Item, int, int], str]


class Preview(Static):
    """A few lines about the current item; hidden until `p`."""

    DEFAULT_CSS = """
    Preview {
        height: auto;
        max-height: 6;
        padding: 0 1;
        background: $panel;
        color: $foreground;
        display: none;
        border-top: hkey $border-blurred;
    }
    Preview.-shown { display: block; }
    """

    def __init__(self, styles: Mapping[str, Style], excerpt: Excerpt, *,
                 id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.category_styles = dict(styles)
        self.excerpt = excerpt          # (item, start, end) -> words around a text match
        self.item: Item | None = None

    @property
    def shown(self) -> bool:
        return self.has_class("-shown")

    def toggle(self) -> bool:
        self.set_class(not self.shown, "-shown")
        self.show_item(self.item)
        return self.shown

    def show_item(self, item: Item | None) -> None:
        self.item = item
        if not self.shown:
            return
        if item is None:
            self.update(plain("no headline here"))
            return
        text = Text(end="")
        summary = highlighted(item.summary or "(no summary)", item.matches,
                              self.category_styles, field="summary", limit=SUMMARY_SHOWN)
        summary.no_wrap = False
        text.append_text(summary)
        for line in self._where(item):
            text.append("\n")
            text.append_text(line)
        self.update(text)

    def _where(self, item: Item) -> list[Text]:
        """One line per field with a watched name: which names, and for the text, where."""
        lines: list[Text] = []
        by_field: dict[str, list] = {}
        for match in item.matches:
            by_field.setdefault(match.field, []).append(match)
        for field in ("title", "summary", "text"):
            found = by_field.get(field)
            if not found:
                continue
            names = ", ".join(dict.fromkeys(m.name for m in found))
            line = Text(no_wrap=True, overflow="ellipsis", end="")
            line.append(f"in the {FIELD_NAMES[field]}: ", style=Style(bold=True))
            line.append_text(plain(names))
            if field == "text":
                first = found[0]
                line.append(" · ")
                line.append_text(plain(self.excerpt(item, first.start, first.end),
                                       Style(italic=True)))
            lines.append(line)
        if not lines:
            lines.append(plain("no watched name in this item", Style(italic=True)))
        return lines
