"""An article's text, wrapped to the window, watched names coloured, one match in focus.

Like the diff view this is a Line API widget: `show` measures where every paragraph's lines
break (offsets only) and a paragraph is styled when it first comes on screen. That keeps a
20,000-word page instant, and it tells `n`/`N` exactly which line a match is on, so jumping to
a match scrolls it into view (a Static holding one big Text could not say where a match went).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Size
from textual.strip import Strip

from tui.core.names.model import Match
from tui.widgets.highlight import highlighted, plain, safe
from tui.widgets.line_scroll import LineScrollView
from tui.widgets.text_lines import line_slices, text_strip, wrap_starts

MAX_MEASURE = 96          # cells: the longest line worth reading
MARGIN = 2


@dataclass(frozen=True, slots=True)
class MatchPlace:
    """One watched-name match: which paragraph, where in it, and what it is."""

    paragraph: int
    start: int
    end: int
    name: str
    category: str


class ArticleText(LineScrollView):
    """Paragraphs of untrusted text, shown exactly as text."""

    STYLE_PREFIX = "article-text--"

    COMPONENT_CLASSES = {"article-text--current", "article-text--message", "article-text--lead"}

    DEFAULT_CSS = """
    ArticleText {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: scroll;
        scrollbar-size-vertical: 1;
        & > .article-text--current {
            background: $accent 40%; color: $foreground; text-style: bold underline;
        }
        & > .article-text--message { color: $text-muted; text-style: italic; }
        & > .article-text--lead { text-style: italic; }
    }
    """

    def __init__(self, category_styles: Mapping[str, Style] | None = None, *,
                 name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.category_styles = dict(category_styles or {})
        self.paragraphs: tuple[str, ...] = ()
        self.paragraph_matches: tuple[tuple[Match, ...], ...] = ()
        self.matches: tuple[MatchPlace, ...] = ()
        self.current: int | None = None        # index into `matches` of the match in focus
        self.message: str | None = None
        self.lead = 0
        self._starts: list[list[int]] = []
        self._tops: list[int] = []
        self._total = 0
        self._layout_width: int | None = None
        self._lines: LRUCache[int, list[Text]] = LRUCache(256)
        self._styles: dict[str, Style] = {}
        self._width = 0

    # --- data -------------------------------------------------------------------------------

    def show(self, paragraphs: Sequence[str],
             matches: Sequence[Sequence[Match]] | None = None, *,
             keep_position: bool = False, message: str | None = None, lead: int = 0) -> None:
        """Show these paragraphs; `matches[i]` are the watched names in paragraph i; the
        first `lead` are the feed's summary (set in italics)."""
        top = round(self.scroll_y)
        self.lead = lead
        self.paragraphs = tuple(safe(p) for p in paragraphs)    # offsets unchanged
        found = matches if matches is not None else [()] * len(self.paragraphs)
        self.paragraph_matches = tuple(tuple(m) for m in found)
        self.matches = tuple(
            MatchPlace(index, m.start, m.end, m.name, m.category)
            for index, found_here in enumerate(self.paragraph_matches) for m in found_here)
        self.current = None
        self.message = message
        self._lines.clear()
        self._layout_width = None
        self._relayout()
        self.scroll_to(y=top if keep_position else 0, animate=False, force=True)
        self.refresh()

    @property
    def line_count(self) -> int:
        return self._total

    # --- layout -----------------------------------------------------------------------------

    def _measure(self) -> int:
        return max(1, min(MAX_MEASURE, self.scrollable_content_region.width - 2 * MARGIN))

    def _relayout(self) -> None:
        if not self.is_mounted or self.scrollable_content_region.width <= 0:
            return
        width = self._measure()
        if width == self._layout_width:
            return
        self._layout_width = width
        self._lines.clear()
        self._starts = [wrap_starts(p, width) for p in self.paragraphs]
        tops, top = [], 0
        for starts in self._starts:
            tops.append(top)
            top += len(starts) + 1               # a blank line after each paragraph
        self._tops = tops
        if self.message:
            self._total = (top if self.paragraphs else 0) + 1   # the message, last
        else:
            self._total = max(0, top - 1)
        self.virtual_size = Size(self.scrollable_content_region.width, self._total)

    def on_resize(self) -> None:
        anchor = self._paragraph_at(round(self.scroll_y))
        self._relayout()
        if anchor is not None:
            self.scroll_to(y=self._tops[anchor], animate=False, force=True)

    def _paragraph_at(self, line: int) -> int | None:
        if not self._tops:
            return None
        return max(0, bisect_right(self._tops, line) - 1)

    def line_of(self, place: MatchPlace) -> int:
        """The line (from the top of the text) that `place` starts on."""
        self._relayout()
        if place.paragraph >= len(self._starts):
            return 0                     # not measured yet (no size)
        starts = self._starts[place.paragraph]
        return self._tops[place.paragraph] + max(0, bisect_right(starts, place.start) - 1)

    # --- matches ----------------------------------------------------------------------------

    def jump(self, step: int) -> MatchPlace | None:
        """Focus the next (step 1) or previous (-1) match and scroll it into view.

        Without a match in focus, the search starts from the top of the view, so `n` finds
        the first match below what the reader is looking at. Wraps around at either end.
        """
        if not self.matches:
            return None
        count = len(self.matches)
        if self.current is None:
            view_top = round(self.scroll_y)
            lines = [self.line_of(m) for m in self.matches]
            if step > 0:
                index = next((i for i, line in enumerate(lines) if line >= view_top), 0)
            else:
                index = next((i for i in range(count - 1, -1, -1) if lines[i] < view_top),
                             count - 1)
        else:
            index = (self.current + step) % count
        self._focus_match(index)
        return self.matches[index]

    def _focus_match(self, index: int) -> None:
        previous = self.current
        self.current = index
        for match_index in (previous, index):
            if match_index is not None:
                self._lines.discard(self.matches[match_index].paragraph)
        line = self.line_of(self.matches[index])
        height = max(1, self.scrollable_content_region.height)
        top = round(self.scroll_y)
        if not top <= line < top + height:
            self.scroll_to(y=max(0, line - height // 3), animate=False, force=True)
        self.refresh()

    # --- painting ---------------------------------------------------------------------------


    def render_line(self, y: int) -> Strip:
        width, styles = self._width, self._styles
        base = styles["base"]
        line = round(self.scroll_y) + y
        console = self.app.console
        margin = Strip.blank(MARGIN, base)
        if self.message is not None and line == self._total - 1:
            body = text_strip(console, plain(self.message, styles["message"]),
                              width - MARGIN, base)
            return Strip.join([margin, body])
        paragraph = self._paragraph_at(line)
        if paragraph is None or line >= self._total:
            return Strip.blank(width, base)
        k = line - self._tops[paragraph]
        lines = self._paragraph_lines(paragraph)
        if k >= len(lines):
            return Strip.blank(width, base)
        body = text_strip(console, lines[k], width - MARGIN, base)
        return Strip.join([margin, body])

    def _paragraph_lines(self, index: int) -> list[Text]:
        cached = self._lines.get(index)
        if cached is not None:
            return cached
        text = highlighted(self.paragraphs[index], self.paragraph_matches[index],
                           self.category_styles, field="text",
                           base=self._styles.get("lead", "") if index < self.lead else "")
        if self.current is not None:     # in the text's colour: a category's is unreadable
            place = self.matches[self.current]   # on the focus background (2.4:1 in dark)
            if place.paragraph == index:
                text.stylize(self._styles.get("current", Style(reverse=True)),
                             place.start, place.end)
        lines = line_slices(text, self._starts[index])
        self._lines[index] = lines
        return lines
