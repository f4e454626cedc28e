"""The preview strip under the headlines (`p`): why the current item matched.

A headline shows the watched names in its title; when a name is only in the summary or the
article text, the list cannot say so. The strip shows the summary with its names coloured, and
one line per field a name was found in: the names, and for the article text a few words around
the first mention.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
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

    def set_category_styles(self, styles: Mapping[str, Style]) -> None:
        """New colours for the watched names (another theme or feeds.toml)."""
        self.category_styles = dict(styles)
        self.show_item(self.item)

    def show_item(self, item: Item | None) -> None:
        self.item = item
        if not self.shown:
            return
        if item is None:
            self.update(plain("no headline here"))
            return
        summary = highlighted(item.summary or "(no summary)", item.matches,
                              self.category_styles, field="summary", limit=SUMMARY_SHOWN)
        summary.no_wrap = False
        self.update(_Fitted(summary, self._where(item), CONTENT_LINES))

    def _where(self, item: Item) -> list[_Where]:
        """One line per field with a watched name: which names, and for the text, where."""
        by_field: dict[str, list] = {}
        for match in item.matches:
            by_field.setdefault(match.field, []).append(match)
        lines: list[_Where] = []
        for field in ("title", "summary", "text"):
            found = by_field.get(field)
            if not found:
                continue
            names = list(dict.fromkeys(m.name for m in found))
            around = None
            if field == "text":
                around = self.excerpt(item, found[0].start, found[0].end)
            lines.append(_Where(f"in the {FIELD_NAMES[field]}: ", names, around))
        return lines


CONTENT_LINES = 5        # the strip's max-height, less its top border


class _Where:
    """A field's line: its label, the names found there, the words around the first one."""

    def __init__(self, label: str, names: list[str], around: str | None) -> None:
        self.label, self.names, self.around = label, names, around

    def line(self, width: int) -> Text:
        """One line of `width` cells: the words around a text match keep a third of it, the
        names list gives way ("Witkoff, Kushner +5 more")."""
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        line.append(self.label, style=Style(bold=True))
        room = width - len(self.label)
        if self.around is not None:
            room = max(1, room - 3 - max(width // 3, 24))
        line.append_text(plain(_names_within(self.names, room)))
        if self.around is not None:
            line.append(" · ")
            line.append_text(plain(self.around, Style(italic=True)))
        line.truncate(width, overflow="ellipsis")
        return line


def _names_within(names: list[str], room: int) -> str:
    shown: list[str] = []
    for index, name in enumerate(names):
        rest = len(names) - index - 1
        candidate = ", ".join([*shown, name]) + (f" +{rest} more" if rest else "")
        if shown and cell_len(candidate) > room:
            break
        shown.append(name)
    more = len(names) - len(shown)
    return ", ".join(shown) + (f" +{more} more" if more else "")


class _Fitted:
    """The strip's text fitted to its width and height when it is painted: every "in the …"
    line is one line and always shown; the summary takes the lines left, cut with "…"."""

    def __init__(self, summary: Text, where: list[_Where], lines: int) -> None:
        self.summary, self.where, self.lines = summary, where, lines

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(1, options.max_width)
        where = [w.line(width) for w in self.where] or [
            plain("no watched name in this item", Style(italic=True))]
        room = max(1, self.lines - len(where))
        wrapped = list(self.summary.wrap(console, width))
        shown = wrapped[:room]
        if len(wrapped) > room:
            last = shown[-1]
            last.rstrip()
            last.truncate(width - 1)
            last.append("…")
        text = Text("\n", no_wrap=True).join([*shown, *where])   # ends in a newline: Textual
        text.end = "\n"                                         # counts lines by them
        text.no_wrap = True
        yield text
