"""The Stories view: one row per story, the latest updated first (`v` on the dashboard).

Like the headline table, a Line API widget: it holds the ids of the stories that pass the
filter (tui.core.stories.view.StoryList) and builds the rows that come on screen a page at a
time, so 100,000 cached items cost one query of ids and one page of stories to show.

A row: the alert mark `!`, `●` when the story has unread reports and `+` when some arrived
since the user last looked at the newest, when it was last
updated, how many outlets and which languages told it, the lead headline with the watched
names in their category's colour, and the watched names its reports mention.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, tzinfo

from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip

from tui.core.cache.query import ItemFilter
from tui.core.cache.store import Store
from tui.core.names.model import Match
from tui.core.stories.model import Story
from tui.core.stories.view import PAGE_SIZE, StoryList
from tui.core.text.counted import plural
from tui.widgets.highlight import highlighted, plain
from tui.widgets.row_table import HEADER_LINES, UNDERLINED, RowTable

WIDE = 100              # from this width the languages are listed, below only counted


class StoryTable(RowTable):
    """Stories as lines rendered on demand from the cache."""

    COMPONENT_PREFIX = "story-table--"
    COMPONENT_CLASSES = {
        "story-table--header", "story-table--cursor", "story-table--unread",
        "story-table--read", "story-table--time", "story-table--count",
        "story-table--alert", "story-table--new", "story-table--names", "story-table--empty",
    }

    DEFAULT_CSS = """
    StoryTable {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
        & > .story-table--header { text-style: bold; background: $panel; color: $foreground; }
        & > .story-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
        }
        &:focus > .story-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
        }
        & > .story-table--unread { text-style: bold; }
        & > .story-table--read { color: $foreground-darken-2; }
        & > .story-table--time { color: $foreground-darken-2; }
        & > .story-table--count { color: $text-secondary; }
        & > .story-table--alert { color: $text-error; text-style: bold; }
        & > .story-table--new { color: $text-warning; text-style: bold; }
        & > .story-table--names { color: $text-muted; }
        & > .story-table--empty { color: $foreground-darken-2; text-style: italic; }
    }
    """

    class Highlighted(Message):
        def __init__(self, table: StoryTable, story: Story | None) -> None:
            super().__init__()
            self.table, self.story = table, story

        @property
        def control(self) -> StoryTable:
            return self.table

    class Opened(Message):
        """Enter on a story: open the story screen."""

        def __init__(self, table: StoryTable, story: Story) -> None:
            super().__init__()
            self.table, self.story = table, story

        @property
        def control(self) -> StoryTable:
            return self.table

    def __init__(self, store: Store, category_styles: Mapping[str, Style],
                 find_matches: Callable[[str], Sequence[Match]], *,
                 timezone: tzinfo | None = None, name: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(category_styles, strips=512, name=name, id=id, classes=classes)
        self.store = store
        self.find_matches = find_matches
        self.timezone = timezone
        self.stories: StoryList | None = None
        self.grouping = False       # items wait to be grouped: the list is what is grouped so far
        self.new_since: float | None = None
        self._pages: LRUCache[int, list[Story]] = LRUCache(16)
        self._new: set[str] = set()

    # --- data -------------------------------------------------------------------------------

    @property
    def total(self) -> int:
        return len(self.stories) if self.stories is not None else 0

    def set_filter(self, flt: ItemFilter, *, keep: str | None = None) -> None:
        """Show the stories with an item that passes `flt`; the cursor on story `keep` when
        it is listed, else at the top."""
        if keep is None and self.current is not None and self.stories is not None \
                and self.stories.flt == flt:
            keep = self.current.id
        self._show(flt, keep)

    def _show(self, flt: ItemFilter, keep: str | None) -> None:
        self.stories = StoryList.read(self.store, flt)
        self.grouping = StoryList.waiting(self.store)
        self._pages.clear()
        self._new.clear()
        position = self.stories.position(keep) or 0
        self.virtual_size = Size(self.scrollable_content_region.width, self.total + HEADER_LINES)
        self.set_reactive(StoryTable.cursor_row, max(0, min(position, self.total - 1)))
        self.scroll_to_cursor()
        self.refresh()
        self.post_message(self.Highlighted(self, self.current))

    def reload(self) -> None:
        """Read the list again (a refresh grouped new items), keeping the cursor's story; at
        the top of the list, the cursor stays at the top, so that stories updated since come
        into view above it, as new headlines do (while a backlog was grouped, the cursor
        followed the first story found down the list as the others arrived above it)."""
        if self.stories is not None:
            at_top = self.cursor_row == 0 and round(self.scroll_y) == 0
            current = self.current
            self._show(self.stories.flt, None if at_top or current is None else current.id)

    def story_at(self, index: int) -> Story | None:
        if self.stories is None or not 0 <= index < self.total:
            return None
        page, slot = divmod(index, PAGE_SIZE)
        stories = self._pages.get(page)
        if stories is None:
            stories = self.stories.page(page)
            self._pages[page] = stories
            self._new |= self.stories.new_among(stories, self.new_since)
        return stories[slot] if slot < len(stories) else None

    @property
    def current(self) -> Story | None:
        return self.story_at(self.cursor_row)

    # --- cursor -----------------------------------------------------------------------------

    def watch_cursor_row(self, old: int, new: int) -> None:
        self.refresh_line(old + HEADER_LINES)
        self.refresh_line(new + HEADER_LINES)
        self.scroll_to_cursor()
        self.post_message(self.Highlighted(self, self.current))

    def action_page_down(self) -> None:
        self.cursor_row += self._visible_rows()

    def action_page_up(self) -> None:
        self.cursor_row -= self._visible_rows()

    def action_open(self) -> None:
        if (current := self.current) is not None:
            self.post_message(self.Opened(self, current))

    # --- painting ---------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width, styles = self._width, self._styles
        base = styles["base"]
        if y < HEADER_LINES:
            return self._strip(self._header(width), width, base + styles["header"])
        index = round(self.scroll_y) + y - HEADER_LINES
        if self.total == 0:
            if y == HEADER_LINES:
                why = ("  grouping stories: they show as they are found"   # (fits at 80x24)
                       if self.grouping else "  no story passes the filters (a story is two or "
                       "more reports of one event)")
                return self._strip(plain(why, styles["empty"]), width, base)
            return Strip.blank(width, base)
        story = self.story_at(index)
        if story is None:
            return Strip.blank(width, base)
        cursor = index == self.cursor_row
        key = (story.id, story.title, story.last, story.outlets, tuple(story.languages),
               tuple(story.names), story.unread, story.alerted, story.id in self._new,
               width, cursor)
        return self._cached_row(key, cursor, lambda: self._row(story, width, cursor))

    def _columns(self, width: int) -> tuple[int, int]:
        """(time width, languages width)."""
        return (11 if width >= 64 else 5), (11 if width >= WIDE else 2)

    def _stamp(self, when: datetime, time_width: int) -> str:
        local = when.astimezone(self.timezone)
        return local.strftime("%m-%d %H:%M" if time_width > 5 else "%H:%M")

    def _header(self, width: int) -> Text:
        time_width, lang_width = self._columns(width)
        text = Text(" " * 5 + "Updated".ljust(time_width) + " " + "Src".rjust(3) + " "
                    + ("Languages" if lang_width > 2 else "Ln").ljust(lang_width)
                    + "  Story", no_wrap=True, end="")
        count = f"{self.total:,} {plural(self.total, 'story', 'stories')}"
        gap = width - text.cell_len - len(count) - 1
        if gap > 1:
            text.append(" " * gap + count)
        return text

    def _row(self, story: Story, width: int, cursor: bool) -> Text:
        """One story as a line; on the cursor row every column takes the cursor's colours."""
        time_width, lang_width = self._columns(width)
        styles = self._styles if not cursor else _PLAIN
        row = Text(no_wrap=True, end="")
        row.append(" ")
        row.append("!" if story.alerted else " ", styles["alert"])
        row.append("●" if story.unread else " ", styles["unread"])
        row.append("+" if story.id in self._new else " ", styles["new"])
        row.append(" ")
        row.append(self._stamp(story.last, time_width).ljust(time_width), styles["time"])
        row.append(" ")
        row.append(f"{story.outlets:>3}", styles["count"])
        row.append(" ")
        languages = (" ".join(story.languages) if lang_width > 2
                     else str(len(story.languages)) if story.languages else "?")
        row.append_text(plain(languages[:lang_width].ljust(lang_width), styles["count"]))
        row.append("  ")
        weight = styles["unread" if story.unread else "read"]
        room = max(1, width - row.cell_len)
        names = self.category_styles if not cursor else UNDERLINED
        title = highlighted(story.title, self.find_matches(story.title), names,
                            limit=room * 2, base=weight)
        row.append_text(title)
        if story.names and room - title.cell_len > 12:
            row.append_text(plain("  · " + ", ".join(story.names), styles["names"]))
        return row


_PLAIN = {name: Style(bold=name in ("unread", "alert", "new")) for name in
          ("alert", "unread", "read", "new", "time", "count", "names")}
