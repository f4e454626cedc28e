"""What the headline table and the story table share: a one-line header over rows painted on
demand, a cursor moved by the keys and the mouse, the component styles resolved once per paint
and each row laid out once into a cached strip.

A subclass says how many rows there are (`total`), which one is under the cursor (`current`),
what opening it means (`action_open`) and how one row and the header look (`render_line`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.bindings import bind
from tui.widgets.palette import component_style

HEADER_LINES = 1


class RowTable(ScrollView, can_focus=True):
    """Rows under a header, a cursor over them; see the module docstring."""

    BINDINGS = [bind("cursor_down", show=False), bind("cursor_up", show=False),
                bind("first", show=False), bind("last", show=False),
                bind("page_up", show=False), bind("page_down", show=False), bind("open")]

    COMPONENT_PREFIX = ""         # "headline-table--": the component classes' common prefix

    cursor_row: reactive[int] = reactive(0, repaint=False, init=False)

    total: int

    def __init__(self, category_styles: Mapping[str, Style], *, strips: int,
                 name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.category_styles = dict(category_styles)
        self._strips: LRUCache[tuple, Strip] = LRUCache(strips)
        self._styles: dict[str, Style] = {}
        self._width = 0
        # A number for each set of styles met (the theme's, focused or not), so that a row's
        # strip is kept for the styles it was painted with; see `_cached_row`.
        self._style_sets: dict[tuple, int] = {}
        self._row_styles = self._cursor_styles = 0

    # --- cursor -----------------------------------------------------------------------------

    def _visible_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - HEADER_LINES)

    def validate_cursor_row(self, value: int) -> int:
        return max(0, min(value, self.total - 1)) if self.total else 0

    def scroll_to_cursor(self) -> None:
        top, rows = round(self.scroll_y), self._visible_rows()
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, force=True)
        elif self.cursor_row >= top + rows:
            self.scroll_to(y=self.cursor_row - rows + 1, animate=False, force=True)

    def action_cursor_down(self) -> None:
        self.cursor_row += 1

    def action_cursor_up(self) -> None:
        self.cursor_row -= 1

    def action_first(self) -> None:
        self.cursor_row = 0

    def action_last(self) -> None:
        self.cursor_row = self.total - 1

    def action_open(self) -> None:
        raise NotImplementedError

    def on_click(self, event: events.Click) -> None:
        """A click moves the cursor; a double click opens. Feed text never acts on a click."""
        row = event.y - HEADER_LINES + round(self.scroll_y)
        if event.y < HEADER_LINES or not 0 <= row < self.total:
            return
        self.cursor_row = row
        if event.chain >= 2:
            self.action_open()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, self.total + HEADER_LINES)
        self.scroll_to_cursor()

    # --- painting ---------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        """Resolve the styles once per paint, not once per line (CSS lookups are not free)."""
        self._resolve_styles()
        return super().render_lines(crop)

    def _resolve_styles(self) -> None:
        # Only what each rule sets, so a column's colour never paints its own background over
        # the cursor's; translucent colours blended over the table's background.
        styles = {name.removeprefix(self.COMPONENT_PREFIX): component_style(self, name)
                  for name in self.COMPONENT_CLASSES}
        styles["base"] = self.rich_style
        self._styles = styles
        self._width = self.scrollable_content_region.width
        rows = tuple((name, style) for name, style in styles.items() if name != "cursor")
        self._row_styles = self._style_sets.setdefault(rows, len(self._style_sets))
        self._cursor_styles = self._style_sets.setdefault(tuple(styles.items()),
                                                          len(self._style_sets))

    def _cached_row(self, key: tuple, cursor: bool, row: Callable[[], Text]) -> Strip:
        """The strip of a row that shows what `key` says (laid out by `row` when not cached),
        on the table's colours or the cursor's, made once for the styles it is painted with.
        Only the cursor row's strip depends on the cursor's colours, so moving the focus (the
        search box opened or closed), which changes them, repaints the other rows from here
        instead of laying their text out again; so does going back to an earlier theme."""
        key = (*key, self._cursor_styles if cursor else self._row_styles)
        strip = self._strips.get(key)
        if strip is None:
            base = self._styles["base"]
            strip = self._strips[key] = self._strip(
                row(), self._width, base + self._styles["cursor"] if cursor else base)
        return strip

    def set_category_styles(self, styles: Mapping[str, Style]) -> None:
        """New colours for the watch categories (a theme or feeds.toml changed)."""
        self.category_styles = dict(styles)
        self._strips.clear()
        self.refresh()

    def _strip(self, text: Text, width: int, style: Style) -> Strip:
        text.truncate(width, overflow="ellipsis", pad=True)
        segments = [Segment(s.text, style + s.style if s.style else style)
                    for s in text.render(self.app.console)]
        return Strip(segments).adjust_cell_length(width, style)


class _Underlined(dict):
    """On the cursor row every category's names are bold and underlined, in the row's colour."""

    def get(self, key: object, default: object = None) -> Style:   # type: ignore[override]
        return Style(bold=True, underline=True)


UNDERLINED = _Underlined()
