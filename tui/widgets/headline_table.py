"""The headline table: every cached item that passes the filter, newest first.

A DataTable paints 10,000 rows in over a second and must be refilled on every filter change,
so this is a Line API widget instead (the way Textual's toolong shows huge logs): the widget
knows only how many rows there are, and each visible line asks the cache for its row, one
page of rows at a time, through `list_items(limit, offset)`. A hundred thousand cached
items cost one count and one page to show. Pages are kept in a small LRU cache and dropped
when the filter changes or a refresh stores new items.

The cursor belongs to an item, not to a row number: when a refresh inserts newer items above
it, `reload` finds the item again and keeps it on the same screen line; the header then says
"↑ N new" until the top is in view again. A cursor at the top stays at the top, so the newest
items arrive in view.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from dataclasses import replace
from datetime import datetime, tzinfo

from rich.style import Style
from rich.text import Text
from textual import work
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip

from tui.core.cache.query import (
    Item,
    ItemFilter,
    count_items,
    item_position,
    list_items,
    more_items_than,
)
from tui.core.cache.store import Store
from tui.core.text.counted import plural
from tui.widgets.highlight import highlighted, plain
from tui.widgets.read_overlay import ReadOverlay, overlaid
from tui.widgets.row_table import HEADER_LINES, UNDERLINED, RowTable

PAGE_SIZE = 100
SYNC_LIMIT = 20_000   # up to this many cached items, counting is done between key presses


class HeadlineTable(RowTable):
    """Headlines as lines rendered on demand from the cache."""

    COMPONENT_PREFIX = "headline-table--"
    COMPONENT_CLASSES = {
        "headline-table--header",
        "headline-table--cursor",
        "headline-table--unread",
        "headline-table--read",
        "headline-table--time",
        "headline-table--feed",
        "headline-table--alert",
        "headline-table--flag",
        "headline-table--empty",
    }

    DEFAULT_CSS = """
    HeadlineTable {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
        & > .headline-table--header { text-style: bold; background: $panel; color: $foreground; }
        & > .headline-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
        }
        &:focus > .headline-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
        }
        & > .headline-table--unread { text-style: bold; }
        & > .headline-table--read { color: $foreground-darken-2; }
        & > .headline-table--time { color: $foreground-darken-2; }
        & > .headline-table--feed { color: $text-secondary; }
        & > .headline-table--alert { color: $text-error; text-style: bold; }
        & > .headline-table--flag { color: $text-warning; }
        & > .headline-table--empty { color: $foreground-darken-2; text-style: italic; }
    }
    """

    class _TableMessage(Message):
        """A message about this table (`control` lets handlers use `@on(..., "#id")`)."""

        def __init__(self, table: HeadlineTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> HeadlineTable:
            return self.table

    class Highlighted(_TableMessage):
        """The cursor moved to another item (None: the list is empty)."""

        def __init__(self, table: HeadlineTable, headline: Item | None) -> None:
            super().__init__(table)
            self.headline = headline

    class Opened(_TableMessage):
        """The user asked to open an item (enter or double click)."""

        def __init__(self, table: HeadlineTable, headline: Item) -> None:
            super().__init__(table)
            self.headline = headline

    class QueryFailed(_TableMessage):
        """The cache could not answer (damaged); `searching`: it was the full-text search."""

        def __init__(self, table: HeadlineTable, error: str, searching: bool) -> None:
            super().__init__(table)
            self.error, self.searching = error, searching

    class TopSeen(_TableMessage):
        """The newest rows are in view: what arrived until now has been seen."""

    class Reloaded(_TableMessage):
        """The row count may have changed (filter change or refresh)."""

        def __init__(self, table: HeadlineTable, total: int) -> None:
            super().__init__(table)
            self.total = total

    def __init__(self, store: Store, category_styles: Mapping[str, Style], *,
                 timezone: tzinfo | None = None, reader: Executor | None = None,
                 marked: Callable[[Item], bool] = lambda item: False,
                 name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(category_styles, strips=1024, name=name, id=id, classes=classes)
        self.store = store
        self.reader = reader          # one long-lived thread for slow counts (None: count here)
        self.timezone = timezone
        self.filter = ItemFilter()
        self.failure: str | None = None   # why the last query found nothing: a damaged cache
        self.total = 0
        self.new_since: float | None = None   # items first seen after this are "new"
        self.new_count = 0                    # ... and this many pass the filter
        self.counting = False         # the total is provisional until the count arrives
        self._generation = 0          # bumped per filter or reload: late counts are dropped
        self.marked = marked          # is this the item marked for comparison (shown ◆)?
        self._pages: LRUCache[int, list[Item]] = LRUCache(32)
        self.overlays: list[ReadOverlay] = []   # read marks on their way to the cache
        self._replaced: dict[ReadOverlay, ReadOverlay] = {}
        self.feed_name_width = 18     # the longest feed name (the screen sets it from feeds.toml)
        self._last_highlighted: int | None = None

    # --- data -------------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.set_filter(self.filter, force=True)

    def set_filter(self, flt: ItemFilter, *, force: bool = False) -> None:
        """Show another selection of items, from the top.

        The first page is read at once and shown; on a big cache the count (which can take
        tens of milliseconds at 100,000 items) follows from the reader thread.
        """
        if flt == self.filter and not force:
            return
        self.filter = flt
        self._generation += 1
        self._pages.clear()
        self.failure = None
        first = self._page(flt, 0)
        self._pages[0] = first
        if len(first) < PAGE_SIZE:
            self._apply(len(first), 0, None)
        elif self.counting_is_cheap():
            self._apply(self._total(flt), 0, None)
        else:
            self._apply(len(first), 0, None, counting=True)
            self._measure(flt, self._generation, None, None, reloading=False)

    def reload(self) -> None:
        """Count again and forget cached pages, keeping the cursor on its item.

        The cursor item keeps its line on screen, so new items arriving above it scroll the
        list rather than move the user's place in it. On a big cache the counting runs on
        the reader thread and the old rows stay on screen until it is done.
        """
        current = self.current
        at_top = self.cursor_row == 0 and round(self.scroll_y) == 0
        row_id = current.row_id if current is not None and not at_top else None
        screen_line = self.cursor_row - round(self.scroll_y)
        self._generation += 1
        if self.counting_is_cheap():
            total, position, new = self._count(self.filter, row_id)
            self._pages.clear()
            self.new_count = new
            self._apply(total, self._target(position, total), screen_line)
        else:
            self._measure(self.filter, self._generation, row_id, screen_line, reloading=True)

    def go_to(self, row_id: int) -> bool:
        """Put the cursor on item `row_id` (when the filter lists it), counted at once."""
        total, position, _ = self._count(self.filter, row_id)
        if position is None:
            return False
        self._apply(total, position, None)
        return True

    def counting_is_cheap(self) -> bool:
        """Whether counting is cheap enough to do between two key presses."""
        return self.reader is None or not more_items_than(self.store, SYNC_LIMIT)

    def _count(self, flt: ItemFilter, row_id: int | None) -> tuple[int, int | None, int]:
        """(rows, the row of item `row_id`, rows that are new), on whichever thread calls it."""
        total = self._total(flt)
        try:
            position = item_position(self.store, flt, row_id) if row_id is not None else None
        except sqlite3.DatabaseError:
            position = None
        new = self._total(replace(flt, since=self.new_since)) if self.new_since else 0
        return total, position, new

    def seen_until(self, when: float) -> None:
        """Everything first seen before `when` has been seen: nothing above is "new"."""
        self.new_since = when
        if self.new_count:
            self.new_count = 0
            self.refresh(Region(0, 0, self.size.width, HEADER_LINES))

    # A damaged cache (most often its full-text index) must not take the dashboard down: the
    # query that met it shows nothing, and the table says why once (QueryFailed).

    def _page(self, flt: ItemFilter, page: int) -> list[Item]:
        try:
            return list_items(self.store, flt, limit=PAGE_SIZE, offset=page * PAGE_SIZE)
        except sqlite3.DatabaseError as error:
            self._failed(error)
            return []

    def _total(self, flt: ItemFilter) -> int:
        try:
            return count_items(self.store, flt)
        except sqlite3.DatabaseError as error:
            self._failed(error)
            return 0

    def _failed(self, error: sqlite3.DatabaseError) -> None:
        if self.failure is None:
            self.failure = str(error)
            if self.is_running:   # from the reader thread too: messages are thread-safe
                self.post_message(self.QueryFailed(self, str(error), bool(self.filter.search)))

    def _target(self, position: int | None, total: int) -> int:
        return position if position is not None else min(self.cursor_row, max(0, total - 1))

    @work(group="headline-count", exclusive=True)
    async def _measure(self, flt: ItemFilter, generation: int, row_id: int | None,
                       screen_line: int | None, *, reloading: bool) -> None:
        """Count on the reader thread, then take the count (and, for a reload, the rows)."""
        loop = asyncio.get_running_loop()
        total, position, new = await loop.run_in_executor(self.reader, self._count, flt,
                                                          row_id)
        if generation != self._generation:
            return                       # the filter changed meanwhile: a newer count follows
        self.new_count = new
        if reloading:
            self._pages.clear()
            self._apply(total, self._target(position, total), screen_line)
        else:                            # the first page on screen stands: only the count
            self._apply(total, self.cursor_row, None, repaint=False)

    def _apply(self, total: int, target: int, screen_line: int | None, *,
               counting: bool = False, repaint: bool = True) -> None:
        """Take a new row count, put the cursor on row `target` and keep it on `screen_line`
        of the screen (None: scroll only as far as needed to show it)."""
        self.total, self.counting = total, counting
        self.virtual_size = Size(self.scrollable_content_region.width, total + HEADER_LINES)
        target = max(0, min(target, total - 1))
        self.set_reactive(HeadlineTable.cursor_row, target)
        if screen_line is not None:
            self.scroll_to(y=max(0, target - screen_line), animate=False, force=True)
        elif target < round(self.scroll_y) or target >= round(self.scroll_y) + self._visible_rows():
            self.scroll_to(y=max(0, target - self._visible_rows() + 1), animate=False, force=True)
        if repaint:
            self.refresh()
        else:
            self.refresh(Region(0, 0, self.size.width, HEADER_LINES))   # the header's count
        self.post_message(self.Reloaded(self, total))
        self._announce(force=True)

    def _reached_top(self) -> None:
        """The user went to the newest rows (not a reload that happened to leave them there)."""
        if self.is_mounted:
            self.post_message(self.TopSeen(self))

    def headline_at(self, index: int) -> Item | None:
        """The item at row `index`, reading its page from the cache when not held."""
        if not 0 <= index < self.total:
            return None
        page, slot = divmod(index, PAGE_SIZE)
        rows = self._pages.get(page)
        if rows is None:
            # A known count lets the last pages (G) be read from the oldest end.
            rows = list_items(self.store, self.filter, limit=PAGE_SIZE,
                              offset=page * PAGE_SIZE, total=None if self.counting else self.total)
            self._pages[page] = rows
        if slot >= len(rows):
            return None
        return overlaid(rows[slot], self.overlays, self.filter) if self.overlays else rows[slot]

    def show_overlay(self, overlay: ReadOverlay) -> None:
        """Show read marks that a write on a worker will store (see tui.widgets.read_overlay)."""
        self.overlays.append(overlay)
        self.refresh()

    def replace_overlay(self, old: ReadOverlay, new: ReadOverlay) -> None:
        """Put `new` where `old` was (later overlays still win over it); dropping `old`
        drops `new`."""
        if old in self.overlays:
            self.overlays[self.overlays.index(old)] = new
            self._replaced[old] = new
            self.refresh()

    def drop_overlay(self, overlay: ReadOverlay) -> None:
        """The write is in (or failed): the rows are read from the cache again."""
        while overlay in self._replaced:
            overlay = self._replaced.pop(overlay)
        if overlay in self.overlays:
            self.overlays.remove(overlay)
            self._pages.clear()
            self.refresh()

    @property
    def current(self) -> Item | None:
        return self.headline_at(self.cursor_row)

    def update_current(self, **changes: object) -> None:
        """Change the held copy of the current item (read, starred) and repaint its line."""
        index = self.cursor_row
        page, slot = divmod(index, PAGE_SIZE)
        rows = self._pages.get(page)
        if rows is not None and slot < len(rows):
            rows[slot] = replace(rows[slot], **changes)
        self._refresh_row(index)

    def find_row(self, start: int, step: int, predicate, *, limit: int = 2_000) -> int | None:
        """The nearest row from `start` (exclusive) in direction `step` whose item passes."""
        index = start + step
        for _ in range(limit):
            if not 0 <= index < self.total:
                return None
            headline = self.headline_at(index)
            if headline is not None and predicate(headline):
                return index
            index += step
        return None

    # --- cursor -----------------------------------------------------------------------------

    def watch_cursor_row(self, old: int, new: int) -> None:
        self._refresh_row(old)
        self._refresh_row(new)
        self.scroll_to_cursor()
        self._announce()
        if new == 0 and old != 0:
            self._reached_top()

    def _announce(self, force: bool = False) -> None:
        current = self.current
        key = current.row_id if current else None
        if force or key != self._last_highlighted:
            self._last_highlighted = key
            self.post_message(self.Highlighted(self, current))

    def _refresh_row(self, index: int) -> None:
        self.refresh_line(index + HEADER_LINES)

    def action_first(self) -> None:
        self.cursor_row = 0
        self._reached_top()

    def action_page_down(self) -> None:
        rows = self._visible_rows()
        self.scroll_to(y=round(self.scroll_y) + rows, animate=False, force=True)
        self.cursor_row += rows

    def action_page_up(self) -> None:
        rows = self._visible_rows()
        self.scroll_to(y=max(0, round(self.scroll_y) - rows), animate=False, force=True)
        self.cursor_row -= rows

    def action_open(self) -> None:
        current = self.current
        if current is not None:
            self.post_message(self.Opened(self, current))

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if round(new) == 0 and round(old) > 0:
            self._reached_top()
        if self.new_count:
            self.refresh(Region(0, 0, self.size.width, HEADER_LINES))   # "↑ N new" or not

    # --- painting ---------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        if not self._styles:
            self._resolve_styles()
        width, styles = self._width, self._styles
        base = styles["base"]
        if y < HEADER_LINES:
            return self._strip(self._header(width), width, base + styles["header"])
        index = round(self.scroll_y) + y - HEADER_LINES
        if self.total == 0:
            if y == HEADER_LINES:
                why = (f"  the cache could not answer ({self.failure})" if self.failure
                       else "  nothing here: no cached item passes the filters")
                empty = plain(why, styles["empty"])
                return self._strip(empty, width, base)
            return Strip.blank(width, base)
        headline = self.headline_at(index)
        if headline is None:
            return Strip.blank(width, base)
        cursor = index == self.cursor_row
        marked = self.marked(headline)
        # A row looks the same wherever it appears: toggling a filter off, scrolling back
        # or reloading after a refresh repaints from here instead of laying text out again.
        key = (headline.row_id, headline.title, headline.when, headline.read, headline.starred,
               headline.changed, headline.versions, bool(headline.alerts), width, cursor,
               marked, self.feed_name_width)
        return self._cached_row(key, cursor, lambda: self._row(headline, width, marked, cursor))

    def _columns(self, width: int) -> tuple[int, int]:
        """(time width, feed width) for a table this wide: the date stays down to ~64 cells
        (then "06:07" for today, "12-01" before); feed names get their own length, up to a
        fifth of the width, so the title keeps the most room."""
        time_width = 11 if width >= 64 else 5
        feed_width = min(self.feed_name_width, max(8, width // 5), 28)
        return time_width, feed_width

    def _stamp(self, when: datetime, time_width: int) -> str:
        local = when.astimezone(self.timezone)
        if time_width > 5:
            return local.strftime("%m-%d %H:%M")
        today = datetime.now(local.tzinfo).date()
        return local.strftime("%H:%M" if local.date() == today else "%m-%d")

    def _header(self, width: int) -> Text:
        time_width, feed_width = self._columns(width)
        count = "counting…" if self.counting else f"{self.total:,} {plural(self.total, 'item')}"
        notes = [count]
        if self.new_count and round(self.scroll_y) > 0:
            new = f"↑ {self.new_count:,} new"     # what a narrow header keeps longest
            notes = [f"{new} · g goes there · {count}", f"{new} · {count}", new]
        text = Text(" " + "Time".ljust(time_width + 1) + " " + "Feed".ljust(feed_width)
                    + "      Title", no_wrap=True, end="")
        for note in notes:
            gap = width - text.cell_len - len(note) - 1
            if gap > 1:
                text.append(" " * gap + note)
                break
        return text

    def _row(self, headline: Item, width: int, marked: bool, cursor: bool) -> Text:
        """One headline as a line. On the cursor row every column takes the cursor's colours
        (a column's own colour on the cursor bar is unreadable) and names are underlined."""
        time_width, feed_width = self._columns(width)
        stamp = self._stamp(headline.when, time_width)
        estimated = " " if headline.date_known else "~"
        styles = self._styles if not cursor else _PLAIN_COLUMNS
        weight = styles["read" if headline.read else "unread"]
        row = Text(no_wrap=True, end="")
        row.append("◆" if marked else " ", styles["flag"])
        row.append(stamp + estimated, styles["time"])
        row.append(" ")
        feed = plain(headline.feed, styles["feed"])
        feed.truncate(feed_width, overflow="ellipsis", pad=True)
        row.append_text(feed)
        row.append(" ")
        row.append("!" if headline.alerts else " ", styles["alert"])
        row.append("★" if headline.starred else " ", styles["flag"])
        row.append("Δ" if headline.changed or headline.versions > 1 else " ", styles["flag"])
        row.append(BEYOND_TITLE if matched_beyond_title(headline) else " ", styles["flag"])
        row.append(" ")
        room = max(1, width - row.cell_len)
        names = self.category_styles if not cursor else UNDERLINED
        row.append_text(highlighted(headline.title, headline.matches, names,
                                    limit=room * 2, base=weight))
        return row


BEYOND_TITLE = "¶"     # a watched name is in the summary or the article text, not the headline


def matched_beyond_title(item: Item) -> bool:
    return bool(item.matches) and not any(m.field == "title" for m in item.matches)


_PLAIN_COLUMNS = {name: Style(bold=name in ("unread", "alert")) for name in
                  ("flag", "time", "feed", "alert", "read", "unread")}
