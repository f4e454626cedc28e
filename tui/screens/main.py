"""The dashboard: feeds and watchlist to the side, headlines in the centre, status below.

This screen owns the user's view of the cache: which filters are in force, and what the
refresh cycle's reports (RefreshCycle messages) change on screen. The cache is shown at once;
refreshes run in a worker and never block input; new items slide in without moving the cursor
off its item, and counts that are slow on a big cache are read off the event loop: the
headline table's on one reader thread, the side panes' on another, so that new rows never
wait for the panes' counts (70 ms and more at a million items).

What a key opens (article, diff, related, alerts) is not decided here: the screen posts a
request (tui.messages) and the App, the one place where those screens are wired, answers it.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from importlib import import_module
from typing import TYPE_CHECKING, TypeVar

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.events import ScreenResume
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input
from textual.worker import Worker, WorkerState

from tui import messages
from tui.bindings import bind
from tui.core.cache.hits import hit_count
from tui.core.cache.query import (
    Item,
    ItemFilter,
    ReadMarks,
    count_items,
    feed_counts,
    find_item,
    mark_read_matching,
    newest_item_id,
    next_unread_position,
    text_excerpt,
)
from tui.core.cache.store import is_read_only_error
from tui.core.trends import read_trends
from tui.screens.base import NOT_SAVED, Context, saved
from tui.state import DashboardState, save_state
from tui.widgets.feeds_pane import ALL_FEEDS, FeedChoice, FeedsPane
from tui.widgets.footer import Footer
from tui.widgets.headline_table import HeadlineTable
from tui.widgets.highlight import category_styles
from tui.widgets.preview import Preview
from tui.widgets.read_overlay import ReadOverlay
from tui.widgets.refresh_cycle import RefreshCycle
from tui.widgets.status_line import StatusLine
from tui.widgets.watch_pane import SPARK_DAYS, WatchChoice, WatchPane

if TYPE_CHECKING:
    from textual.command import Provider

    from tui.core.session import Session
    from tui.widgets.story_table import StoryTable

T = TypeVar("T")

SEARCH_DELAY = 0.15       # seconds of quiet typing before the search runs
RELOAD_DELAY = 0.3        # refresh progress is folded into one reload per this many seconds
CACHE_TICK_SECONDS = 2.0  # how soon what another process stored (a cron fetch, a watch) shows


@dataclass(frozen=True)
class Filters:
    """The filters in force; they combine (AND)."""

    feed: FeedChoice = ALL_FEEDS
    watch: WatchChoice | None = None
    search: str = ""
    matches_only: bool = False
    unread_only: bool = False
    starred_only: bool = False
    period: messages.Period | None = None    # an hour or a day chosen on the trends screen

    def describe(self) -> str:
        parts = []
        if self.feed != ALL_FEEDS:
            parts.append(self.feed.label)
        if self.watch is not None:
            parts.append(f"watch: {self.watch.name}")
        if self.matches_only:
            parts.append("matches only")
        if self.unread_only:
            parts.append("unread")
        if self.starred_only:
            parts.append("starred")
        if self.search:
            parts.append(f"/{self.search}")
        if self.period is not None:
            parts.append(self.period.label)
        return " · ".join(parts)


@dataclass
class _Counts:
    """What the side panes and the status line count, read in one go."""

    feeds: dict = field(default_factory=dict)
    days: dict = field(default_factory=dict)   # WatchChoice -> its last 14 days (Series)
    states: dict = field(default_factory=dict)
    hits: int = 0
    new: int = 0          # first seen since the user last looked at the top of the list


@dataclass(eq=False)
class _BulkMark:
    """One X: what it shows meanwhile, the counts before it, what it changed (once known)."""

    overlay: ReadOverlay
    feeds_before: dict
    marks: ReadMarks | None = None
    done: Future[ReadMarks] | None = None
    undone: bool = False


def unread_less(feeds: dict[str, tuple[int, int]], less: dict[str, int]
                ) -> dict[str, tuple[int, int]]:
    """The feeds pane's (items, unread) with `less[feed]` fewer unread (negative: more)."""
    return {feed: (feeds[feed][0], max(0, feeds[feed][1] - n)) for feed, n in less.items()
            if feed in feeds}


def _after(event: threading.Event, write: Callable[[], T]) -> Callable[[], T]:
    """`write`, once `event` is set (or a moment has passed)."""
    def run() -> T:
        event.wait(0.5)
        return write()
    return run


def _dashboard_commands() -> type[Provider]:
    """The command palette's commands, imported when the palette first opens."""
    from tui.commands import DashboardCommands

    return DashboardCommands


class MainScreen(Screen[None]):
    """The dashboard screen."""

    AUTO_FOCUS = "HeadlineTable"

    COMMANDS = {_dashboard_commands}

    BINDINGS = [
        bind("quit"), bind("back", show=False), bind("next_pane", "app.focus_next", show=False),
        bind("previous_pane", "app.focus_previous", show=False), bind("search"),
        bind("matches_only"), bind("unread_only", show=False), bind("starred_only", show=False),
        bind("refresh"), bind("mark", show=False), bind("compare", show=False), bind("diff"),
        bind("related", show=False), bind("next_match", show=False),
        bind("previous_match", show=False), bind("open_link", show=False), bind("star"),
        bind("toggle_read", show=False), bind("alerts"), bind("new_alert", show=False),
        bind("help"), bind("preview", show=False), bind("mark_all_read", show=False),
        bind("undo", show=False), bind("next_unread", show=False),
        bind("copy_link", show=False), bind("trends", show=False), bind("stories_view"),
    ]

    # What works on one headline: in the stories view, enter opens the story instead.
    HEADLINE_ACTIONS = frozenset({
        "mark", "compare", "diff", "related", "star", "toggle_read", "open_link", "copy_link",
        "preview", "next_unread", "next_match", "previous_match"})

    def __init__(self, context: Context) -> None:
        super().__init__()
        self.context = context
        self.session: Session = context.session
        self.offline = context.offline
        self.timezone = context.timezone
        self.filters = Filters()
        self.view = "headlines"          # or "stories" (`v`)
        self.last_looked = time.time()   # "new" means first seen after this
        self._undo: list[_BulkMark] = []  # what X marked read, for ctrl+z
        # Bulk marks are written on their own thread, one after another (seconds at 1M).
        self.marks = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wirewatch-marks")
        self._writes_pending = 0
        self._styles: dict = {}
        self._counts = _Counts()
        self._stories: StoryTable | None = None     # mounted hidden once its code is loaded
        self._search: Input | None = None          # mounted on the first `/` (search_box)
        self._resumed = False           # the first ScreenResume is the start
        self._search_timer: Timer | None = None
        self._reload_timer: Timer | None = None
        # Long-lived threads for counts that are slow on a big cache (one connection each,
        # not one per worker thread: the store keeps a connection per thread it has seen).
        # The table's counts have one to themselves: behind the panes' counts, the new rows
        # of a refresh waited 50-120 ms at a million items.
        self.reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wirewatch-reader")
        self.pane_reader = ThreadPoolExecutor(max_workers=1,
                                              thread_name_prefix="wirewatch-panes")

    @property
    def keymap(self) -> dict[str, str]:
        """The user's [keys] (for the command palette)."""
        return self.session.config.keys

    # --- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        config = self.session.config
        self._styles = category_styles(config, self.app.theme_variables)
        with Horizontal(id="body"):
            with Vertical(id="sidebar"):
                yield FeedsPane(config.feeds, id="feeds")
                yield WatchPane(config.watch, self._styles, id="watch")
            with Vertical(id="centre"):
                yield HeadlineTable(self.session.store, self._styles, timezone=self.timezone,
                                    reader=self.reader, marked=self.context.is_marked,
                                    id="headlines")
                yield Preview(self._styles, self._excerpt, id="preview")
        yield RefreshCycle(self.session, automatic=self.context.auto_refresh,
                           quiet_for=self.context.quiet_for)
        yield StatusLine(id="status")
        yield Footer()

    @property
    def table(self) -> HeadlineTable:
        return self.query_one(HeadlineTable)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    def on_mount(self) -> None:
        self.table.feed_name_width = max((len(f.name) for f in self.session.config.feeds),
                                         default=8)
        self.table.new_since = self.last_looked
        if self.context.remembered != DashboardState():
            self._restore(self.context.remembered)
        self.status.state = "offline" if self.offline else ""
        self.call_after_refresh(self.load_counts)
        self.call_after_refresh(self._mount_search_box)     # once the first screen is up
        self.context.alerts_changed.subscribe(self, lambda _: self._reload_now())
        self.context.mark_changed.subscribe(self, lambda _: self.table.refresh())
        self.context.config_changed.subscribe(self, lambda _: self.reconfigure())
        self.app.theme_changed_signal.subscribe(self, lambda _: self.reconfigure())
        self.context.problem.subscribe(self, self._show_problem)
        self._data_version = self.session.store.data_version()
        self.set_interval(CACHE_TICK_SECONDS, self._show_changes_from_elsewhere, name="cache")

    def _show_changes_from_elsewhere(self) -> None:
        """Reload when another process wrote to the cache (new items from a cron `wirewatch
        fetch` or a `watch`, marks from the command line, stories it grouped): without this
        they stayed out of sight until the next refresh of our own."""
        if self.refreshing:
            return              # our own refresh reloads as it goes, and once at its end
        version = self.session.store.data_version()
        if version != self._data_version:
            self._data_version = version
            self._schedule_reload()

    def _show_problem(self, line: str) -> None:
        self.status.last_error = line

    def reconfigure(self) -> None:
        """A new config is in force (a rule saved, feeds.toml edited): feeds, watchlist and
        colours as it says; a filter on a feed or term that is gone is lifted."""
        config = self.session.config
        self._styles = category_styles(config, self.app.theme_variables)
        self.query_one(FeedsPane).reconfigure(config.feeds)
        self.query_one(WatchPane).reconfigure(config.watch, self._styles)
        self.table.set_category_styles(self._styles)
        if self._stories is not None:
            self._stories.set_category_styles(self._styles)
        self.query_one(Preview).set_category_styles(self._styles)
        self.table.feed_name_width = max((len(f.name) for f in config.feeds), default=8)
        feeds = {f.name for f in config.feeds} | {t for f in config.feeds for t in f.tags}
        terms = {c.name for c in config.watch} | {t.name for c in config.watch for t in c.terms}
        filters = self.filters
        if filters.feed != ALL_FEEDS and filters.feed.value not in feeds:
            filters = replace(filters, feed=ALL_FEEDS)
        if filters.watch is not None and filters.watch.name not in terms:
            filters = replace(filters, watch=None)
        self.show_filters(filters)
        self._reload_now()

    def on_screen_resume(self, event: ScreenResume) -> None:
        """Back from another screen: items were read, hits seen, rules changed.

        The first resume is the dashboard's start, where every widget was styled as it was
        mounted: Textual's restyle of the whole screen (it runs after this handler) would do
        it all again before the first paint (~15 ms at start), so it is skipped then."""
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False
        if self.is_mounted:
            self._reload_now()

    def on_unmount(self) -> None:
        self.reader.shutdown(wait=False, cancel_futures=True)
        self.pane_reader.shutdown(wait=False, cancel_futures=True)
        self.marks.shutdown(wait=True)     # a mark on its way is stored, not lost

    # --- the side panes and the status line -------------------------------------------------

    def load_counts(self) -> None:
        """Count again what the panes and the status line show (on the panes' thread when
        the cache is big: the per-term counts take a third of a second at 100,000 items).
        While marks are being written the panes show their outcome: the counts are read
        once they are in."""
        if self._writes_pending:
            return
        if self.table.counting_is_cheap():
            self._show_counts(self._read_counts())
        else:
            self._counts_worker()

    @work(group="counts", exclusive=True, exit_on_error=False)
    async def _counts_worker(self) -> None:
        """Counts read off the event loop. A read that fails, or lands while the screen is
        being taken down (its panes already emptied), leaves the counts as they were: it
        never takes the dashboard down."""
        loop = asyncio.get_running_loop()
        self._show_counts(await loop.run_in_executor(self.pane_reader, self._read_counts))

    def _read_counts(self) -> _Counts:
        store = self.session.store
        trends = read_trends(store, self.session.config.watch, bucket="day",
                             count=SPARK_DAYS, now=self.context.clock(), tz=self.timezone)
        days = {WatchChoice(s.category, s.name if s.kind == "term" else None): s
                for s in trends.series}
        return _Counts(feed_counts(store), days, store.feed_states(),
                       hit_count(store, unseen_only=True),
                       count_items(store, ItemFilter(since=self.last_looked)))

    def _show_counts(self, counts: _Counts) -> None:
        self._counts = counts
        self._show_panes()
        self.status.alerts = counts.hits
        self.status.new = counts.new
        if not self.status.last_error:
            configured = {f.name for f in self.session.config.feeds}
            failing = [s for s in counts.states.values()
                       if s.failures and s.last_error and s.name in configured]
            if failing:
                latest = max(failing, key=lambda s: s.last_checked or 0)
                self.status.last_error = f"{latest.name}: {latest.last_error}"

    def _show_panes(self) -> None:
        self.query_one(FeedsPane).show(self._counts.feeds, self._counts.states,
                                       self.filters.feed)
        self.query_one(WatchPane).show(self._counts.days, self.filters.watch)

    # --- filters ----------------------------------------------------------------------------

    def set_filters(self, **changes: object) -> None:
        """Change some filters and show the result from the top."""
        self.show_filters(replace(self.filters, **changes))

    def show_filters(self, filters: Filters) -> None:
        self.filters = filters
        self.status.filters = self._describe()
        self.table.set_filter(self._headline_filter())
        if self.view == "stories":
            self.stories.set_filter(self._headline_filter())
        self._show_panes()

    # --- headlines or stories ---------------------------------------------------------------

    @property
    def stories(self) -> StoryTable:
        """The stories view's table, built and mounted (hidden until the view shows) when
        first asked for: the dashboard's first paint does not wait for its imports and
        styles."""
        if self._stories is None:
            from tui.widgets.story_table import StoryTable

            self._stories = StoryTable(self.session.store, self._styles,
                                       lambda text: self.session.watcher.find(text, "title"),
                                       timezone=self.timezone, id="stories")
            self.query_one("#centre").mount(self._stories, after=self.table)
        return self._stories

    def _describe(self) -> str:
        """The filters in force, for the status line, and the view when it is the stories."""
        described = self.filters.describe()
        if self.view != "stories":
            return described
        return "stories" + (f" · {described}" if described else "")

    @property
    def centre(self) -> HeadlineTable | StoryTable:
        """What the centre shows: the headline table or the stories."""
        return self.stories if self.view == "stories" else self.table

    def action_stories_view(self) -> None:
        """`v`: the centre shows headlines or stories; the filters hold for both."""
        self.show_view("headlines" if self.view == "stories" else "stories")

    def show_view(self, view: str, *, story: str | None = None) -> None:
        focused = self.app.focused
        refocus = focused is None or focused in (self.table, self._stories)
        self.view = view
        shown = view == "stories"
        # Each widget switched by itself: a class on #centre restyled its whole subtree, a
        # tenth of the key's time at a million items.
        self.table.display = not shown
        self.stories.display = shown
        self.query_one(Preview).set_class(shown, "-under-stories")
        self.status.filters = self._describe()
        if view == "stories":
            self.stories.new_since = self.last_looked
            self.stories.set_filter(self._headline_filter(), keep=story)
            if self.stories.grouping:
                self.refresh_cycle.group_backlog()      # shown as it goes (StoriesGrouped)
        if refocus:
            self.centre.focus()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.view == "stories" and action in self.HEADLINE_ACTIONS:
            return False
        return True

    def on_story_table_opened(self, event: StoryTable.Opened) -> None:
        self.post_message(messages.OpenStory(event.story.id))

    def _headline_filter(self) -> ItemFilter:
        f = self.filters
        feeds: tuple[str, ...] = ()
        if f.feed.kind == "feed":
            feeds = (f.feed.value,)
        elif f.feed.kind == "tag":
            feeds = tuple(sorted(self.session.config.feeds_matching((f.feed.value,)))) or ("",)
        return ItemFilter(feeds=feeds, match=f.watch.name if f.watch else None,
                              search=f.search or None, matches_only=f.matches_only,
                              unread_only=f.unread_only, starred_only=f.starred_only,
                              period=(f.period.start, f.period.end) if f.period else None)

    @on(FeedsPane.Chosen)
    def _feed_chosen(self, event: FeedsPane.Chosen) -> None:
        self.set_filters(feed=event.choice)

    @on(WatchPane.Chosen)
    def _watch_chosen(self, event: WatchPane.Chosen) -> None:
        self.set_filters(watch=event.choice)

    def action_matches_only(self) -> None:
        self.set_filters(matches_only=not self.filters.matches_only)

    def action_unread_only(self) -> None:
        self.set_filters(unread_only=not self.filters.unread_only)

    def action_starred_only(self) -> None:
        self.set_filters(starred_only=not self.filters.starred_only)

    @property
    def search_box(self) -> Input:
        """The search box, mounted below the panes once the first screen is up (or by a `/`
        before then): Input's styles are not part of the dashboard's start, and the first
        `/` does not wait for them either."""
        if self._search is None:
            self._search = Input(id="search", placeholder="search headlines and article text",
                                 compact=True)
            self.mount(self._search, after=self.query_one("#body"))
        return self._search

    def _mount_search_box(self) -> None:
        if self.is_attached:        # (not when the app quit at once: the screen is gone)
            _ = self.search_box
            self.run_worker(self._preload_stories_view, thread=True, group="preload",
                            exit_on_error=False, description="load the Stories view's code")

    def _preload_stories_view(self) -> None:
        """What the first `v` would wait for, made ready off the interface's thread: the
        view's code (65 ms of imports, 16 dataclasses among them) and the watchlist's
        matcher, which names the watched names in each story's title (read from beside the
        cache, or compiled: 20 ms at least; a dashboard shows stored matches until then)."""
        import_module("tui.widgets.story_table")
        _ = self.session.watcher

    @on(Worker.StateChanged)
    def _preloaded(self, event: Worker.StateChanged) -> None:
        """Its code loaded, the Stories view's table is mounted, hidden until the first `v`:
        then its styles join the stylesheet now, while the user reads, not in that key's
        time (9 ms of 41 at a million items)."""
        if event.worker.group == "preload" and event.state is WorkerState.SUCCESS \
                and self.is_attached:
            _ = self.stories

    def action_search(self) -> None:
        search = self.search_box
        search.value = self.filters.search
        # The box takes the status line's place: the same height, so opening and closing it
        # never resizes (and so repaints) the table and panes above.
        self.status.display = False
        search.add_class("-shown")
        search.focus()

    @on(Input.Changed, "#search")
    def _search_typed(self, event: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY, partial(self._run_search, event.value))

    def _run_search(self, text: str) -> None:
        if text.strip() != self.filters.search:
            self.set_filters(search=text.strip())

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._run_search(event.value)
        self._close_search()

    def _close_search(self) -> None:
        self.search_box.remove_class("-shown")
        self.status.display = True
        self.centre.focus()

    def action_back(self) -> None:
        """Escape: close the search box (dropping its text), else lift every filter."""
        search = self._search
        if search is not None and search.has_class("-shown"):
            if self._search_timer is not None:
                self._search_timer.stop()
            self._close_search()
            if self.filters.search:
                self.set_filters(search="")
            return
        if self.filters != Filters():
            self.show_filters(Filters())

    def filter_commands(self) -> Iterable[tuple[str, str, Callable[[], object]]]:
        """Filter choices for the command palette: each feed, tag and watched name."""
        yield "Show everything", "Lift every filter", partial(self.show_filters, Filters())
        config = self.session.config
        for feed in config.feeds:
            yield (f"Feed: {feed.name}", "Only this feed's items",
                   partial(self.set_filters, feed=FeedChoice("feed", feed.name)))
        tags = sorted({tag for feed in config.feeds for tag in feed.tags})
        for tag in tags:
            yield (f"Tag: #{tag}", "Only feeds with this tag",
                   partial(self.set_filters, feed=FeedChoice("tag", tag)))
        for category in config.watch:
            yield (f"Watch: {category.name}", "Items that mention any of its terms",
                   partial(self.set_filters, watch=WatchChoice(category.name)))
            for term in category.terms:
                yield (f"Watch: {term.name}", f"Items that mention it ({category.name})",
                       partial(self.set_filters, watch=WatchChoice(category.name, term.name)))

    # --- the current headline ---------------------------------------------------------------

    def _current(self) -> Item | None:
        current = self.table.current
        if current is None:
            self.notify("No headline here.", severity="warning", markup=False)
        return current

    @on(HeadlineTable.Highlighted)
    def _highlighted(self, event: HeadlineTable.Highlighted) -> None:
        if event.headline is not None and event.headline.versions > 1:
            # An edited item is one key (`d`) from its diff: the helper process that computes
            # diffs starts now, so that the diff screen does not wait for its interpreter
            # (45 ms) before the diff can begin. A dashboard with no edits never starts it.
            self.context.helper.start()
        preview = self.query_one(Preview)
        if preview.shown:
            preview.show_item(event.headline)

    def _excerpt(self, item: Item, start: int, end: int) -> str:
        return text_excerpt(self.session.store, item.row_id, start, end)

    def action_preview(self) -> None:
        preview = self.query_one(Preview)
        preview.item = self.table.current
        preview.toggle()

    def action_mark_all_read(self) -> None:
        """X: every item in the view read (ctrl+z brings them back).

        The table shows the view read at once; the write (a second at a million items) runs
        on the marks thread, and the items it changes are known a moment later, before it is
        done: the overlay then names them, the feeds pane counts them off, the undo has them."""
        flt = self._headline_filter()
        if self.session.store.read_only:
            self.notify("Not saved: the cache is read-only.", severity="warning",
                        markup=False, timeout=4)
            return
        newest = newest_item_id(self.session.store)   # not items a refresh brings meanwhile
        bulk = _BulkMark(ReadOverlay(True, view=flt, up_to=newest), dict(self._counts.feeds))
        self._undo.append(bulk)
        if (covered := self._feeds_covered()) is not None:
            self._counts.feeds.update({feed: (items, 0) for feed, (items, _) in
                                       self._counts.feeds.items() if feed in covered})
        self._show_panes()
        loop = asyncio.get_running_loop()

        def found(marks: ReadMarks) -> None:   # on the marks thread
            loop.call_soon_threadsafe(self._marks_found, bulk, marks)

        bulk.done = self._queue_write(
            lambda: mark_read_matching(self.session.store, flt, found, up_to=newest),
            bulk.overlay,
            partial(self._bulk_written, bulk))

    def _feeds_covered(self) -> set[str] | None:
        """The feeds whose every item the view lists (None: the view is narrower than whole
        feeds), so that X can clear their unread counts before any row is read."""
        flt = self._headline_filter()
        if replace(flt, feeds=(), unread_only=False) != ItemFilter():
            return None
        return set(flt.feeds) if flt.feeds else set(self._counts.feeds)

    def _marks_found(self, bulk: _BulkMark, marks: ReadMarks) -> None:
        """X's items are known (its write is under way): name them, count them off."""
        bulk.marks = marks
        if not self.is_mounted:
            return
        if bulk.undone:       # ctrl+z came first: show them unread until the undo is in
            undo = ReadOverlay(False, ids=frozenset(marks.ids))
            self.table.replace_overlay(bulk.overlay, undo)
            bulk.overlay = undo
            return
        exact = ReadOverlay(True, ids=frozenset(marks.ids))
        self.table.replace_overlay(bulk.overlay, exact)
        bulk.overlay = exact
        self._counts.feeds.update(unread_less(self._counts.feeds, marks.per_feed))
        self._show_panes()
        if marks.ids:
            self.notify(f"{len(marks.ids):,} marked read · ctrl+z brings them back",
                        markup=False, timeout=4)
        else:
            self.notify("Nothing unread here.", markup=False, timeout=2)

    def _bulk_written(self, bulk: _BulkMark, error: BaseException | None) -> None:
        """X failed, or found nothing to mark: there is nothing for ctrl+z to bring back."""
        failed_or_empty = error is not None or (bulk.marks is not None and not bulk.marks.ids)
        if failed_or_empty and bulk in self._undo:
            self._undo.remove(bulk)

    def action_undo(self) -> None:
        if not self._undo:
            self.notify("Nothing to undo.", markup=False, timeout=2)
            return
        bulk = self._undo.pop()
        bulk.undone = True
        store = self.session.store
        self.table.drop_overlay(bulk.overlay)
        if bulk.marks is None:
            # X's write has not begun: the cache still holds the marks from before it; the
            # undo's overlay names X's items once they are known (_marks_found).
            overlay = bulk.overlay = ReadOverlay(False, ids=frozenset())
            self._counts.feeds.update(bulk.feeds_before)
            self.notify("Marks undone.", markup=False, timeout=3)
        else:
            overlay = ReadOverlay(False, ids=frozenset(bulk.marks.ids))
            self._counts.feeds.update(unread_less(
                self._counts.feeds, {f: -n for f, n in bulk.marks.per_feed.items()}))
            self.notify(f"{len(bulk.marks.ids):,} unread again", markup=False, timeout=3)
        self._show_panes()

        def undo() -> None:           # on the marks thread, after X's write
            marks = bulk.done.result() if bulk.done is not None else bulk.marks
            if marks is not None:
                store.set_read(marks.ids, False)

        self._queue_write(undo, overlay)

    def _queue_write(self, write: Callable[[], T], overlay: ReadOverlay | None = None,
                     then: Callable[[BaseException | None], None] | None = None
                     ) -> Future[T]:
        """Run a write on the marks thread, one after another, while the table shows its
        outcome (`overlay`); once it is in, the table and the counts read the cache again."""
        if overlay is not None:
            self.table.show_overlay(overlay)
        self._writes_pending += 1
        painted = threading.Event()     # the key's repaint first, then the write
        future = self.marks.submit(_after(painted, write))
        self.call_after_refresh(painted.set)
        self.run_worker(self._written(future, overlay, then), group="marks")
        return future

    async def _written(self, future: Future, overlay: ReadOverlay | None,
                       then: Callable[[BaseException | None], None] | None) -> None:
        """After a queued write (a worker, so that tests can wait for it like any other)."""
        error: BaseException | None = None
        try:
            # Shielded: a worker cancelled as the screen closes must not cancel the write.
            await asyncio.shield(asyncio.wrap_future(future))
        except Exception as failure:   # noqa: BLE001 - told to the user, not raised
            error = failure
            reason = "the cache is read-only" if is_read_only_error(error) else str(error)
            self.notify(f"Not saved: {reason}.", severity="warning", markup=False, timeout=4)
        finally:
            self._writes_pending -= 1
        if then is not None:
            then(error)
        if overlay is not None:
            self.table.drop_overlay(overlay)
        if self._writes_pending == 0:
            self._reload_now()

    @property
    def writing(self) -> bool:
        """Whether marks are still on their way to the cache."""
        return self._writes_pending > 0

    def action_next_unread(self) -> None:
        current = self.table.current
        if self.writing:
            found = self._next_unread_shown()
        else:
            found = next_unread_position(self.session.store, self._headline_filter(),
                                         current.row_id if current else None)
        if found is None:
            self.notify("Everything here is read.", markup=False, timeout=2)
        else:
            self.table.cursor_row = found

    def _next_unread_shown(self) -> int | None:
        """The next row shown unread, while marks are on their way (the cache does not
        have them yet, the table's overlay does): looked for among the rows near the cursor
        and from the top, then among what the cache says, where the table agrees."""
        table = self.table
        def unread(item: Item) -> bool:
            return not item.read

        found = table.find_row(table.cursor_row, 1, unread)
        if found is None:
            found = table.find_row(-1, 1, unread, limit=table.cursor_row + 1)
        if found is None:
            current = table.current
            found = next_unread_position(self.session.store, self._headline_filter(),
                                         current.row_id if current else None)
            if found is not None and (item := table.headline_at(found)) and item.read:
                found = None
        return found

    def action_copy_link(self) -> None:
        if (current := self._current()) is None:
            return
        if not current.link:
            self.notify("This item has no link.", severity="warning", markup=False)
            return
        self.app.copy_to_clipboard(current.link)
        self.notify("Link copied.", markup=False, timeout=2)

    @on(HeadlineTable.TopSeen)
    def _top_seen(self, event: HeadlineTable.TopSeen) -> None:
        """The newest items are in view: from now on, "new" means newer than now."""
        event.stop()
        self.last_looked = time.time()
        self.table.seen_until(self.last_looked)
        self.status.new = 0

    @on(HeadlineTable.QueryFailed)
    def _query_failed(self, event: HeadlineTable.QueryFailed) -> None:
        what = "The search index is damaged" if event.searching else "The cache is damaged"
        line = f"{what} ({event.error}): run `wirewatch repair`."
        self.status.last_error = line
        self.notify(line, severity="error", markup=False, timeout=10)

    @on(HeadlineTable.Opened)
    def _opened(self, event: HeadlineTable.Opened) -> None:
        self._mark_read(event.headline, True)
        self.post_message(messages.OpenArticle(event.headline.uid))

    def _mark_read(self, headline: Item, read: bool) -> None:
        if headline.read == read:
            return
        store = self.session.store
        if self._writes_pending:   # behind a bulk mark's write: queued, not waiting for it
            self._queue_write(lambda: store.set_read([headline.row_id], read),
                              ReadOverlay(read, ids=frozenset({headline.row_id})))
        elif saved(self, lambda: store.set_read([headline.row_id], read)) is NOT_SAVED:
            return
        else:
            self.table.update_current(read=read)
        items, unread = self._counts.feeds.get(headline.feed, (0, 0))
        self._counts.feeds[headline.feed] = (items, max(0, unread + (-1 if read else 1)))
        self._show_panes()

    def action_toggle_read(self) -> None:
        if (current := self._current()) is not None:
            self._mark_read(current, not current.read)

    def action_star(self) -> None:
        if (current := self._current()) is not None and self.writing:
            # Behind a bulk mark's write: queued, rather than waiting here for the lock.
            store = self.session.store
            self._queue_write(lambda: store.toggle_star(current.row_id))
            self.table.update_current(starred=not current.starred)
        elif current is not None:
            starred = saved(self, lambda: self.session.store.toggle_star(current.row_id))
            if starred is NOT_SAVED:
                return
            self.table.update_current(starred=starred)

    def action_mark(self) -> None:
        """Mark for `c` (the row shows ◆; space again unmarks)."""
        if (current := self._current()) is not None:
            self.post_message(messages.ToggleCompareMark(current, announce=False))

    def action_compare(self) -> None:
        if (current := self._current()) is not None:
            self.post_message(messages.CompareWithMarked(current))

    def action_diff(self) -> None:
        if (current := self._current()) is not None:
            self.post_message(messages.OpenDiff(current.uid))

    def action_related(self) -> None:
        if (current := self._current()) is not None:
            self.post_message(messages.OpenRelated(current.uid))

    def action_open_link(self) -> None:
        if (current := self._current()) is not None:
            self.post_message(messages.OpenLink(current.link))

    def _jump_to_match(self, step: int) -> None:
        table = self.table
        found = table.find_row(table.cursor_row, step, lambda h: bool(h.matches))
        if found is None:
            self.notify("No more headlines with a watched name that way.", markup=False,
                        timeout=2)
        else:
            table.cursor_row = found

    def action_next_match(self) -> None:
        self._jump_to_match(+1)

    def action_previous_match(self) -> None:
        self._jump_to_match(-1)

    def show_period(self, category: str, term: str | None, period: messages.Period) -> None:
        """The headlines of one watched name in one hour or day (chosen on trends); escape
        lifts it with the other filters."""
        self.show_filters(Filters(watch=WatchChoice(category, term), period=period))
        self.centre.focus()

    def action_trends(self) -> None:
        """The trends screen, drawing the watched name the headlines are filtered to (else
        every category)."""
        watch = self.filters.watch
        names = ((watch.category, watch.term),) if watch is not None else None
        self.post_message(messages.OpenTrends(names))

    def action_alerts(self) -> None:
        self.post_message(messages.OpenAlerts())

    def action_new_alert(self) -> None:
        self.post_message(messages.NewAlert(self.alert_prefill()))

    def alert_prefill(self) -> dict:
        """What a new alert starts from: the highlighted or chosen watch term, else the
        watched names in the current headline, else nothing."""
        watch = self.query_one(WatchPane)
        choice = watch.current if watch.has_focus else self.filters.watch
        if choice is not None:
            if choice.term is None:
                return {"name": choice.category, "categories": [choice.category]}
            return {"name": choice.term, "all": [choice.term]}
        current = self.table.current
        if current is not None and current.matches:
            names = list(dict.fromkeys(m.name for m in current.matches))
            return {"name": " + ".join(names), "all": names, "item": current.uid}
        return {}

    def action_help(self) -> None:
        self.post_message(messages.OpenHelp())

    async def action_quit(self) -> None:
        self.remember()
        if self.writing:     # marks on their way are stored whole before the app goes
            self.status.state = "saving read marks…"
            await asyncio.wrap_future(self.marks.submit(lambda: None))
        self.app.exit()

    def remember(self) -> None:
        """Write down what is shown, for the next start (tui.state)."""
        filters = self.filters
        current = self.table.current
        focused = self.app.focused
        state = DashboardState(
            theme=self.app.theme,
            feed=[filters.feed.kind, filters.feed.value] if filters.feed != ALL_FEEDS else None,
            watch=[filters.watch.category, filters.watch.term] if filters.watch else None,
            search=filters.search, matches_only=filters.matches_only,
            unread_only=filters.unread_only, starred_only=filters.starred_only,
            preview=self.query_one(Preview).shown,
            cursor=current.uid if current is not None else None,
            focused=focused.id if focused is not None else None,
            last_looked=self.last_looked, view=self.view,
            story=story.id if self.view == "stories" and (story := self.stories.current)
            else None)
        if not self.session.store.read_only:
            save_state(self.session.store.cache_dir, state)

    def _restore(self, state: DashboardState) -> None:
        """Take up where the last run left off: filters still valid, the cursor's item, the
        focused pane, the preview strip."""
        config = self.session.config
        feeds = {("feed", f.name) for f in config.feeds} | {
            ("tag", t) for f in config.feeds for t in f.tags}
        terms = {(c.name, None) for c in config.watch} | {
            (c.name, t.name) for c in config.watch for t in c.terms}
        feed = FeedChoice(*state.feed) if state.feed and tuple(state.feed) in feeds \
            else ALL_FEEDS
        watch = WatchChoice(*state.watch) if state.watch and tuple(state.watch) in terms \
            else None
        if state.last_looked is not None:
            self.last_looked = state.last_looked
            self.table.new_since = state.last_looked
        self.show_filters(Filters(feed=feed, watch=watch, search=state.search,
                                  matches_only=state.matches_only,
                                  unread_only=state.unread_only,
                                  starred_only=state.starred_only))
        if state.cursor and (found := find_item(self.session.store, state.cursor)):
            self.table.go_to(found.row_id)
        if state.preview:
            self.action_preview()
        if state.view == "stories":
            self.show_view("stories", story=state.story)
        if state.focused:
            for widget in self.query(f"#{state.focused}"):
                if widget.focusable:
                    widget.focus()

    # --- refreshing -------------------------------------------------------------------------

    @property
    def refresh_cycle(self) -> RefreshCycle:
        return self.query_one(RefreshCycle)

    @property
    def refreshing(self) -> bool:
        try:
            return self.refresh_cycle.running
        except NoMatches:   # not composed yet (the App's first outbox tick can come first)
            return False    # or closing: no refresh either way

    def action_refresh(self) -> None:
        if not self.refresh_cycle.start(True):
            self.notify("A refresh is already running.", markup=False, timeout=2)

    @on(RefreshCycle.Started)
    def _refresh_started(self, event: RefreshCycle.Started) -> None:
        event.stop()
        self.status.progress = (0, event.total)

    @on(RefreshCycle.Progress)
    def _refresh_progress(self, event: RefreshCycle.Progress) -> None:
        event.stop()
        self.status.progress = (event.done, event.total)
        if event.report.error:
            self.status.last_error = f"{event.report.name}: {event.report.error}"
        if event.report.new or event.report.updated:
            self._schedule_reload()

    def _schedule_reload(self) -> None:
        """Fold a burst of progress into one reload of the table and panes."""
        if self._reload_timer is None:
            self._reload_timer = self.set_timer(RELOAD_DELAY, self._reload_now)

    def _reload_now(self) -> None:
        self._reload_timer = None
        self.table.reload()
        if self.view == "stories":
            self.stories.reload()
        self.load_counts()

    @on(RefreshCycle.StoriesGrouped)
    def _stories_grouped(self, event: RefreshCycle.StoriesGrouped) -> None:
        event.stop()
        if self.view == "stories":
            self.stories.reload()

    @on(RefreshCycle.GroupingFailed)
    def _grouping_failed(self, event: RefreshCycle.GroupingFailed) -> None:
        event.stop()
        said = str(event.error) or type(event.error).__name__
        self.status.last_error = f"stories not grouped: {said}"     # as `watch` says it

    @on(RefreshCycle.Failed)
    def _refresh_failed(self, event: RefreshCycle.Failed) -> None:
        event.stop()
        self.status.progress = None
        self.status.last_error = f"refresh failed: {event.error}"
        self.notify(f"Refresh failed: {event.error}", severity="error", markup=False)

    @on(RefreshCycle.Finished)
    def _refresh_finished(self, event: RefreshCycle.Finished) -> None:
        event.stop()
        self._data_version = self.session.store.data_version()     # our writes, shown now
        report = event.report
        self.status.progress = None
        if self._reload_timer is not None:
            self._reload_timer.stop()
        self._reload_timer = None
        stamp = datetime.now().astimezone(self.timezone).strftime("%H:%M")
        new = sum(f.new for f in report.feeds)
        failed = len(report.failed)
        self.status.state = f"updated {stamp}" + (f", {new} new" if new else "") + (
            f", {failed} failed" if failed else "")
        if not failed and not any(state.failures for state in
                                  self.session.store.feed_states().values()):
            self.status.last_error = None       # every feed is healthy again
        self.table.reload()
        if self.view == "stories":
            self.stories.reload()
        self.load_counts()
        if report.changed:
            self.context.items_changed.publish(frozenset(report.changed))
        if report.alerts:
            self.post_message(messages.AlertsChanged())   # the App announces the outbox
        if report.problems:
            self.status.last_error = report.problems[-1]
