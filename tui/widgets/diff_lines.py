"""Aligned diff rows as two synchronised columns, or one column on a narrow terminal.

A 20,000-word article diffed against its next version is a few thousand screen lines. Building
a styled Text (or a widget) per row up front would take seconds; this is a Line API widget
instead: only where each row's lines break is measured (plain offsets, see text_lines: by
the worker that computed the diff, with `measure`, or else here, once per width), and a row
is styled (changed words, watched names) when it first comes on screen, then kept in a small
LRU cache. Both columns scroll as one because they are one line of one widget.

Unchanged runs fold into one line ("12 unchanged passages") keeping one row of context on each
side of a change; `z` (the screen's binding) unfolds them all and folds them again.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Size
from textual.strip import Strip

from tui.core.names.model import Match
from tui.core.text.diff import Row
from tui.widgets.highlight import highlighted, plain, safe
from tui.widgets.line_scroll import LineScrollView
from tui.widgets.text_lines import line_slices, text_strip, wrap_starts

NARROW_BELOW = 100        # columns: below this the diff is one column, old above new
CONTEXT = 1               # unchanged rows kept beside a change when folding
HEADER_LINES = 1
GUTTER = 2                # "- " / "+ " before each side
DIVIDER = " │ "

FindMatches = Callable[[str], Sequence[Match]]


@dataclass(slots=True)
class _Block:
    """What one stretch of screen lines shows: a row, or a fold of unchanged rows."""

    kind: str                     # "row" or "fold"
    index: int                    # the row (or the first folded row)
    count: int = 1                # rows folded
    top: int = 0                  # first line, counted from the top of the diff
    height: int = 1               # lines, the blank separator included
    left: list[int] = field(default_factory=list)    # wrap starts of the left side shown
    right: list[int] = field(default_factory=list)   # ... of the right side shown


@dataclass(frozen=True, slots=True)
class Measured:
    """Where the lines of each row's two sides start, at two column widths."""

    widths: tuple[int, int]
    starts: list[tuple[list[int], list[int]] | None]      # None: not measured yet


def measure(rows: Sequence[Row], widths: tuple[int, int]) -> Measured:
    """Measure every row at `widths` (see `DiffLines.column_widths`): pure offsets, so a
    worker thread can do it, and `show` finds them ready instead of measuring a 20,000-word
    diff on the event loop."""
    left, right = widths
    return Measured(widths, [(wrap_starts(safe(row.left), left), wrap_starts(safe(row.right), right))
                             for row in rows])


def _is_change(row: Row) -> bool:
    return row.op != "equal" or row.moved


def _is_aligned_change(row: Row) -> bool:
    """Rows aligned by facts: a pair is a change only where its facts differ."""
    return row.op != "replace" or bool(row.left_changes or row.right_changes)


class DiffLines(LineScrollView):
    """The rows of a diff (tui.core.text.diff.Row), rendered line by line on demand."""

    STYLE_PREFIX = "diff-view--"

    COMPONENT_CLASSES = {
        "diff-view--header",
        "diff-view--divider",
        "diff-view--gutter",
        "diff-view--gutter-removed",
        "diff-view--gutter-added",
        "diff-view--gutter-moved",
        "diff-view--current",
        "diff-view--removed",
        "diff-view--added",
        "diff-view--deleted",
        "diff-view--inserted",
        "diff-view--fold",
        "diff-view--message",
    }

    DEFAULT_CSS = """
    DiffLines {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: scroll;
        scrollbar-size-vertical: 1;
        & > .diff-view--header { background: $panel; color: $foreground; text-style: bold; }
        & > .diff-view--divider { color: $text-muted; }
        & > .diff-view--gutter { color: $text-muted; }
        & > .diff-view--gutter-removed { color: $text-error; text-style: bold; }
        & > .diff-view--gutter-added { color: $text-success; text-style: bold; }
        & > .diff-view--gutter-moved { color: $text-accent; text-style: bold; }
        & > .diff-view--current { background: $block-cursor-background;
                                  color: $block-cursor-foreground; text-style: bold; }
        & > .diff-view--removed { background: $error 35%; }
        & > .diff-view--added { background: $success 35%; }
        & > .diff-view--deleted { background: $error 10%; }
        & > .diff-view--inserted { background: $success 10%; }
        & > .diff-view--fold { color: $text-muted; background: $boost; text-style: italic; }
        & > .diff-view--message { color: $text-muted; text-style: italic; }
    }
    """

    def __init__(self, category_styles: Mapping[str, Style] | None = None, *,
                 find_matches: FindMatches | None = None, name: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.category_styles = dict(category_styles or {})
        self.find_matches = find_matches
        self.rows: tuple[Row, ...] = ()
        self.left_label = ""
        self.right_label = ""
        self.message: str | None = "computing the diff…"
        self.collapsed = True
        self.aligned = False      # rows aligned by facts (two languages): see show()
        self.current_change: int | None = None        # row index of the change jumped to
        self._blocks: list[_Block] = []
        self._tops: list[int] = []
        self._total = 0
        self._layout_key: tuple[int, bool, bool] | None = None
        self._measured = Measured((0, 0), [])       # the rows' line starts, kept for folding
        self._lines: LRUCache[tuple[int, str], list[Text]] = LRUCache(512)
        self._styles: dict[str, Style] = {}
        self._width = 0

    # --- data -------------------------------------------------------------------------------

    def show(self, rows: Sequence[Row], left_label: str, right_label: str, *,
             aligned: bool = False, measured: Measured | None = None) -> None:
        """Show these rows from the top (a new pair of versions or items). `aligned`: the
        rows pair sentences of two languages by their facts: nothing is folded, a pair is
        not tinted as changed, and its change spans are the facts that differ. `measured`:
        the rows measured beforehand (`measure`), used if the columns are still that wide."""
        self.aligned = aligned
        self.rows = tuple(rows)
        self._measured = measured if measured is not None else Measured((0, 0), [])
        self.left_label, self.right_label = left_label, right_label
        self.message = None
        self.current_change = None
        self._lines.clear()
        self._layout_key = None
        self._relayout()
        self.scroll_to(y=0, animate=False, force=True)
        self.refresh()

    def show_message(self, message: str) -> None:
        """Show a line of explanation instead of rows (computing, no such version...)."""
        self.message = message
        self.rows = ()
        self._measured = Measured((0, 0), [])
        self._layout_key = None
        self._relayout()
        self.refresh()

    @property
    def narrow(self) -> bool:
        return self.outer_size.width < NARROW_BELOW

    @property
    def line_count(self) -> int:
        """Lines of the diff (without the column header)."""
        return self._total

    @property
    def has_changes(self) -> bool:
        return any(self._changed(row) for row in self.rows)

    def _changed(self, row: Row) -> bool:
        return _is_aligned_change(row) if self.aligned else _is_change(row)

    def set_collapsed(self, collapsed: bool) -> None:
        """Fold (or unfold) the unchanged runs, keeping the row at the top of the view there."""
        if collapsed == self.collapsed:
            return
        anchor = self._row_at_top()
        self.collapsed = collapsed
        self._layout_key = None
        self._relayout()
        if anchor is not None:
            self.scroll_to(y=self._top_of_row(anchor), animate=False, force=True)
        self.refresh()

    # --- layout -----------------------------------------------------------------------------

    @property
    def column_widths(self) -> tuple[int, int] | None:
        """The text widths of the two columns (gutters apart), once laid out: for `measure`."""
        if not self.is_mounted or self.scrollable_content_region.width <= 0:
            return None
        _, left, right = self._text_width()
        return left, right

    def _starts(self, index: int, widths: tuple[int, int]) -> tuple[list[int], list[int]]:
        """Row `index`'s line starts at these widths: measured once, then kept (folding and
        unfolding measure nothing again)."""
        if self._measured.widths != widths or len(self._measured.starts) != len(self.rows):
            self._measured = Measured(widths, [None] * len(self.rows))
        found = self._measured.starts[index]
        if found is None:
            row = self.rows[index]
            found = (wrap_starts(safe(row.left), widths[0]), wrap_starts(safe(row.right), widths[1]))
            self._measured.starts[index] = found
        return found

    def _text_width(self) -> tuple[int, int, int]:
        """(total width, left column width, right column width) of the text (gutters apart)."""
        width = max(1, self.scrollable_content_region.width)
        if self.narrow:
            column = max(1, width - GUTTER)
            return width, column, column
        room = max(2, width - len(DIVIDER) - 2 * GUTTER)
        return width, room // 2, room - room // 2

    def _relayout(self) -> None:
        """Measure every shown row at the current width; cheap (offsets only)."""
        if not self.is_mounted or self.scrollable_content_region.width <= 0:
            return                       # not laid out yet: on_resize will measure
        width, left_width, right_width = self._text_width()
        key = (width, self.narrow, self.collapsed)
        if key == self._layout_key:
            return
        if self._layout_key is None or self._layout_key[:2] != key[:2]:
            self._lines.clear()
        self._layout_key = key
        narrow = self.narrow
        widths = (left_width, right_width)
        blocks: list[_Block] = []
        top = 0
        for block in self._plan():
            if block.kind == "row":
                row = self.rows[block.index]
                show_left = row.op in ("replace", "delete") or (row.op == "equal" and not narrow)
                show_right = row.op in ("replace", "insert", "equal")
                # measured as painted: highlighted() shows unsafe characters as U+FFFD
                left_starts, right_starts = self._starts(block.index, widths)
                block.left = left_starts if show_left else []
                block.right = right_starts if show_right else []
                lines = (len(block.left) + len(block.right) if narrow
                         else max(len(block.left), len(block.right)))
                block.height = max(1, lines) + 1
            else:
                block.height = 2
            block.top = top
            top += block.height
            blocks.append(block)
        if blocks:
            top -= 1                    # no separator after the last block
        self._blocks = blocks
        self._tops = [b.top for b in blocks]
        self._total = top if blocks else (1 if self.message else 0)
        self.virtual_size = Size(width, self._total + HEADER_LINES)

    def _plan(self) -> list[_Block]:
        """Blocks in order: every row, or with unchanged runs folded around the changes."""
        rows = self.rows
        if not self.collapsed or not self.has_changes or self.aligned:
            return [_Block("row", k) for k in range(len(rows))]
        blocks: list[_Block] = []
        k = 0
        while k < len(rows):
            if _is_change(rows[k]):
                blocks.append(_Block("row", k))
                k += 1
                continue
            end = k
            while end < len(rows) and not _is_change(rows[end]):
                end += 1
            keep_before = CONTEXT if k > 0 else 0          # after a change
            keep_after = CONTEXT if end < len(rows) else 0  # before a change
            if end - k <= keep_before + keep_after + 1:
                blocks.extend(_Block("row", j) for j in range(k, end))
            else:
                blocks.extend(_Block("row", j) for j in range(k, k + keep_before))
                hidden = end - k - keep_before - keep_after
                blocks.append(_Block("fold", k + keep_before, hidden))
                blocks.extend(_Block("row", j) for j in range(end - keep_after, end))
            k = end
        return blocks

    def _block_at(self, line: int) -> _Block | None:
        if not self._blocks or line < 0:
            return None
        return self._blocks[max(0, bisect_right(self._tops, line) - 1)]

    def _row_at_top(self) -> int | None:
        block = self._block_at(round(self.scroll_y))
        return block.index if block is not None else None

    def _top_of_row(self, row: int) -> int:
        """First line of the block showing `row` (or of the fold that hides it)."""
        for block in self._blocks:
            if block.index <= row < block.index + block.count:
                return block.top
        return 0

    def on_resize(self) -> None:
        anchor = self._row_at_top()
        self._relayout()
        if anchor is not None and self._layout_key is not None:
            self.scroll_to(y=self._top_of_row(anchor), animate=False, force=True)

    # --- moving -----------------------------------------------------------------------------

    def _visible_lines(self) -> int:
        return max(1, self.scrollable_content_region.height - HEADER_LINES)

    def jump_to_change(self, step: int) -> bool:
        """Scroll to the next (step 1) or previous (-1) changed row; False when none is left."""
        changes = [b for b in self._blocks
                   if b.kind == "row" and self._changed(self.rows[b.index])]
        if not changes:
            return False
        view_top = round(self.scroll_y)
        current = next((b for b in changes if b.index == self.current_change), None)
        if current is not None and not view_top <= current.top < view_top + self._visible_lines():
            current = None                # scrolled away from it: start from the view
        if step > 0:
            floor = max(view_top, current.top) if current is not None else view_top - 1
            found = next((b for b in changes if b.top > floor), None)
        else:
            ceiling = current.top if current is not None else view_top
            found = next((b for b in reversed(changes) if b.top < ceiling), None)
        if found is None:
            return False
        self.current_change = found.index
        self.scroll_to(y=max(0, found.top - 1) if found.top else 0, animate=False, force=True)
        self.refresh()
        return True

    # --- painting ---------------------------------------------------------------------------


    def render_line(self, y: int) -> Strip:
        width, styles = self._width, self._styles
        base = styles["base"]
        if y < HEADER_LINES:
            return self._header(width, base + styles["header"])
        line = round(self.scroll_y) + y - HEADER_LINES
        if self.message is not None and not self.rows:
            if line == 0:
                return text_strip(self.app.console, plain("  " + self.message,
                                                          styles["message"]), width, base)
            return Strip.blank(width, base)
        block = self._block_at(line)
        if block is None or line >= self._total:
            return Strip.blank(width, base)
        offset = line - block.top
        if offset >= block.height - 1 and block is not self._blocks[-1]:
            return self._separator(width, base)
        if block.kind == "fold":
            return self._fold(block, width, base)
        if self.narrow:
            return self._narrow_line(block, offset, width, base)
        return self._wide_line(block, offset, width, base)

    def _header(self, width: int, style: Style) -> Strip:
        console = self.app.console
        if not self.rows:
            return Strip.blank(width, style)
        if self.narrow:
            text = Text(no_wrap=True, end="")
            text.append("- ", self._styles["gutter-removed"])
            text.append_text(plain(self.left_label))
            text.append("   + ", self._styles["gutter-added"])
            text.append_text(plain(self.right_label))
            return text_strip(console, text, width, style)
        _, left_width, right_width = self._text_width()
        left = text_strip(console, plain(self.left_label), left_width, style)
        right = text_strip(console, plain(self.right_label), right_width, style)
        gutter = Strip.blank(GUTTER, style)
        divider = text_strip(console, Text(DIVIDER), len(DIVIDER), style)
        return Strip.join([gutter, left, divider, gutter, right]).adjust_cell_length(width, style)

    def _separator(self, width: int, base: Style) -> Strip:
        """The blank line after a row: empty, but the column rule runs on through it."""
        if self.narrow:
            return Strip.blank(width, base)
        _, left_width, right_width = self._text_width()
        divider = text_strip(self.app.console, Text(DIVIDER, style=self._styles["divider"]),
                             len(DIVIDER), base)
        return Strip.join([Strip.blank(left_width + GUTTER, base), divider,
                           Strip.blank(right_width + GUTTER, base)])

    def _fold(self, block: _Block, width: int, base: Style) -> Strip:
        noun = "passage" if block.count == 1 else "passages"
        text = plain(f"  ··· {block.count} unchanged {noun} · z shows them ···",
                     self._styles["fold"])
        return text_strip(self.app.console, text, width, base + self._styles["fold"])

    def _gutter(self, index: int, side: str, first: bool, base: Style) -> Strip:
        """`- ` / `+ ` / `» ` in their colours; the change n/N moved to is marked `▶` on
        every line, in the cursor's colours, so the jump shows even when all fits on screen."""
        styles = self._styles
        row = self.rows[index]
        mark = "  "
        style = styles["gutter"]
        if self._changed(row):
            if row.moved:
                mark, style = "» ", styles["gutter-moved"]
            elif side == "left":
                mark, style = "- ", styles["gutter-removed"]
            else:
                mark, style = "+ ", styles["gutter-added"]
            if index == self.current_change:
                mark, style = "▶ ", styles["current"]
            elif not first:
                mark = "  "
        return text_strip(self.app.console, Text(mark, style=style), GUTTER, base)

    def _side(self, block: _Block, side: str, k: int, width: int, base: Style) -> Strip:
        """Line `k` of one side of a row, `width` cells, its gutter included."""
        starts = block.left if side == "left" else block.right
        if k >= len(starts):
            return Strip.blank(width, base)
        lines = self._side_lines(block.index, side, starts)
        gutter = self._gutter(block.index, side, k == 0, base)
        body = text_strip(self.app.console, lines[k], width - GUTTER, base)
        return Strip.join([gutter, body])

    def _wide_line(self, block: _Block, offset: int, width: int, base: Style) -> Strip:
        _, left_width, right_width = self._text_width()
        divider = text_strip(self.app.console, Text(DIVIDER, style=self._styles["divider"]),
                             len(DIVIDER), base)
        left = self._side(block, "left", offset, left_width + GUTTER, base)
        right = self._side(block, "right", offset, right_width + GUTTER, base)
        return Strip.join([left, divider, right]).adjust_cell_length(width, base)

    def _narrow_line(self, block: _Block, offset: int, width: int, base: Style) -> Strip:
        if offset < len(block.left):
            return self._side(block, "left", offset, width, base)
        return self._side(block, "right", offset - len(block.left), width, base)

    def _side_lines(self, index: int, side: str, starts: list[int]) -> list[Text]:
        """One side of a row, styled and cut into lines (cached)."""
        key = (index, side)
        cached = self._lines.get(key)
        if cached is not None:
            return cached
        row = self.rows[index]
        styles = self._styles
        value = row.left if side == "left" else row.right
        whole = Style()
        if self.aligned and row.op == "replace":
            pass                                 # a pair of sentences: only facts stand out
        elif not row.moved and row.op in ("delete", "replace") and side == "left":
            whole = styles["deleted"]            # a faint tint for the passage...
        elif not row.moved and row.op in ("insert", "replace") and side == "right":
            whole = styles["inserted"]
        matches = self.find_matches(value) if self.find_matches is not None else ()
        text = highlighted(value, matches, self.category_styles, field="text", base=whole)
        changes = row.left_changes if side == "left" else row.right_changes
        change_style = styles["removed"] if side == "left" else styles["added"]
        # The text's own colour on a change: a watched name's category colour is readable on
        # the surface, not always on the red or green of a change (it stays bold).
        change_style += Style(color=styles["base"].color)
        for start, end in changes:                # ...a strong one for the words changed
            text.stylize(change_style, start, end)
        lines = line_slices(text, starts)
        self._lines[key] = lines
        return lines
