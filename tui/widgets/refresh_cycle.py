"""The dashboard's refresh cycle: on start (unless offline), on request, and whenever a feed
is due (the session's `seconds_until_due`, the same clock `wirewatch watch` sleeps by).

A non-visual widget, so the cycle has the message pump, timers and workers of the screen it
lives on, and reports only by messages (started, progress per feed, finished, failed); the
screen decides what the user sees. The refresh itself is the session's `refresh`, the same
code as `wirewatch fetch`, awaited in a worker on the event loop: fetching is async and the
engine parses and stores on its own writer thread, so input is never blocked.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import on, work
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from tui.workers import worker_ended

if TYPE_CHECKING:   # the engine (HTTP client, parsers) loads with the first refresh
    from tui.core.engine import FeedReport, RefreshReport
    from tui.core.session import Session


#: Between two slices of grouping a refresh's story backlog: the writer thread is free for
#: other work, the interface for the user.
GROUP_PAUSE_SECONDS = 0.1
#: ... and while another process (a `watch`, `wirewatch stories`) groups them: looked at again
#: now and then, not ten times a second.
GROUP_BUSY_PAUSE_SECONDS = 2.0
#: How often a long grouping shows what it has grouped so far (the Stories view is read again).
GROUP_SHOW_SECONDS = 2.0
#: A slice of grouping starts only once the user has pressed no key (clicked, scrolled) for
#: this long: it shares the interpreter with the interface, and a key pressed during one
#: took twice as long to show (`v` back to the headlines at a million items: 40-80 ms).
GROUP_AFTER_INPUT_SECONDS = 0.5


class RefreshCycle(Widget):
    """Runs refreshes one at a time and reports them."""

    DEFAULT_CSS = "RefreshCycle { display: none; }"

    class Started(Message):
        def __init__(self, total: int) -> None:
            super().__init__()
            self.total = total

    class Progress(Message):
        """One more feed is done (fetched, stored, or failed)."""

        def __init__(self, done: int, total: int, report: FeedReport) -> None:
            super().__init__()
            self.done, self.total, self.report = done, total, report

    class Finished(Message):
        def __init__(self, report: RefreshReport) -> None:
            super().__init__()
            self.report = report

    class Failed(Message):
        """The refresh itself broke (not a feed: those are reported in Progress)."""

        def __init__(self, error: BaseException) -> None:
            super().__init__()
            self.error = error

    class StoriesGrouped(Message):
        """Items that waited to be grouped (a first refresh of many feeds, a cache met for
        the first time) have joined their stories: all of them, or some of a long backlog."""

    class GroupingFailed(Message):
        """Grouping that backlog broke (a worker process killed, say); it is tried again
        after the next refresh, or when the Stories view opens."""

        def __init__(self, error: Exception) -> None:
            super().__init__()
            self.error = error

    def __init__(self, session: Session, *, automatic: bool = True,
                 quiet_for: Callable[[], float] = lambda: float("inf"),
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.session = session
        self.automatic = automatic      # on start and whenever a feed is due; False: --offline
        self.quiet_for = quiet_for      # seconds since the user's last key, click or scroll
        self.running = False
        self._next: Timer | None = None

    def on_mount(self) -> None:
        if self.automatic:
            self.call_after_refresh(self.start, False)

    def _schedule(self) -> None:
        """Wake up when the next feed is due."""
        if not self.automatic:
            return
        if self._next is not None:
            self._next.stop()
        self._next = self.set_timer(self.session.seconds_until_due(), self._tick,
                                    name="auto-refresh")

    def _tick(self) -> None:
        self.start(False)   # when one is running, its end schedules the next

    def start(self, force: bool) -> bool:
        """Fetch the feeds (all when `force`, else those due); False if one is running."""
        if self.running:
            return False
        total = len(self.session.config.feeds) if force else len(self.session.due_feeds())
        if total == 0:
            self._schedule()
            return True
        self.running = True
        self.post_message(self.Started(total))
        self._run(force)
        return True

    @work(group="refresh", exit_on_error=False, description="refresh feeds")
    async def _run(self, force: bool) -> RefreshReport:
        def progress(done: int, total: int, report: FeedReport) -> None:
            self.post_message(self.Progress(done, total, report))

        return await self.session.refresh(force=force, on_progress=progress)

    @on(Worker.StateChanged)
    def _finished(self, event: Worker.StateChanged) -> None:
        if not worker_ended(event, "refresh"):
            return
        self.running = False
        self._schedule()
        if event.state == WorkerState.SUCCESS and event.worker.result is not None:
            self.post_message(self.Finished(event.worker.result))
            self._group_stories()
        elif event.state == WorkerState.ERROR and event.worker.error is not None:
            self.post_message(self.Failed(event.worker.error))

    def _input_since(self, began: float) -> Callable[[], bool]:
        """Whether the user has pressed, clicked or scrolled since `began` (monotonic): a
        slice's `stop`, asked from the writer thread."""
        return lambda: self.quiet_for() < time.monotonic() - began

    def group_backlog(self) -> None:
        """Group the items that wait (the Stories view opened on a cache with a backlog), in
        the background as after a refresh; nothing new while that grouping or a refresh runs
        (a refresh's end starts it again)."""
        if not self.running and not any(worker.group == "stories" and not worker.is_finished
                                         for worker in self.workers):
            self._group_stories()

    @work(group="stories", exclusive=True, exit_on_error=False, description="group stories")
    async def _group_stories(self) -> None:
        """Group the backlog a refresh left, a slice at a time, until none waits; a refresh
        that starts meanwhile takes over (its end starts this again). What is grouped is
        shown every few seconds, not only at the end: a backlog of a whole cache takes
        minutes. A failure is reported (GroupingFailed), not left to end the worker unseen."""
        untold = False      # stories grouped that the view has not been told of
        shown = time.monotonic()
        try:
            while not self.running:
                while (wait := GROUP_AFTER_INPUT_SECONDS - self.quiet_for()) > 0:
                    await asyncio.sleep(wait)
                if self.running:
                    break
                # A key that comes during the slice ends it within milliseconds: the
                # slice's thread held the interpreter lock half the time the key needed.
                report = await self.session.group_stories(
                    stop=self._input_since(time.monotonic()))
                untold |= bool(report.stories)
                if not report.more:
                    untold = True       # done: an open view stops saying more are coming
                    break
                if untold and time.monotonic() - shown >= GROUP_SHOW_SECONDS:
                    self.post_message(self.StoriesGrouped())
                    untold, shown = False, time.monotonic()
                await asyncio.sleep(GROUP_BUSY_PAUSE_SECONDS if report.busy
                                    else GROUP_PAUSE_SECONDS)
        except Exception as error:      # noqa: BLE001 - said in the status line
            self.post_message(self.GroupingFailed(error))
        if untold:
            self.post_message(self.StoriesGrouped())
