"""Keyboard scrolling for views that render their own lines (the article text, the diff)."""

from __future__ import annotations

from textual.geometry import Region
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.bindings import bind
from tui.widgets.palette import component_style


class LineScrollView(ScrollView, can_focus=True):
    """A ScrollView moved by vim keys and pages, without animation: over thousands of lines
    a smooth scroll is a long wait.

    Subclasses render cached lines: they keep `_lines` (the cache), `_styles`, `_width` and a
    `_relayout()`, and name their component classes with STYLE_PREFIX.
    """

    STYLE_PREFIX = ""

    BINDINGS = [
        bind("cursor_down", "scroll_lines(1)", show=False),
        bind("cursor_up", "scroll_lines(-1)", show=False),
        bind("first", show=False), bind("last", show=False),
        bind("page_up", "page(-1)", show=False), bind("page_down", "page(1)", show=False),
    ]

    def action_scroll_lines(self, count: int) -> None:
        self.scroll_to(y=max(0, round(self.scroll_y) + count), animate=False)

    def action_page(self, pages: int) -> None:
        """A page up or down, less one line kept for context."""
        step = max(1, self.scrollable_content_region.height - 2)
        self.action_scroll_lines(pages * step)

    def action_first(self) -> None:
        self.scroll_to(y=0, animate=False)

    def action_last(self) -> None:
        self.scroll_to(y=self.max_scroll_y, animate=False)

    def set_category_styles(self, styles) -> None:
        """New colours for the watched names (another theme): cached lines are restyled."""
        self.category_styles = dict(styles)
        self._lines.clear()
        self.refresh()

    def render_lines(self, crop: Region) -> list[Strip]:
        """Resolve styles once per paint; relayout first if the width moved under us."""
        self._relayout()
        styles = {name.removeprefix(self.STYLE_PREFIX): component_style(self, name)
                  for name in self.COMPONENT_CLASSES}
        styles["base"] = self.rich_style
        if styles != self._styles:
            self._lines.clear()                     # a theme change restyles cached lines
        self._styles = styles
        self._width = self.scrollable_content_region.width
        return super().render_lines(crop)
