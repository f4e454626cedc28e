"""The dashboard's refresh cycle: on start (unless offline), on request, and every period.

A non-visual widget, so the cycle has the message pump, timers and workers of the screen it
lives on, and reports only by messages (started, progress per feed, finished, failed); the
screen decides what the user sees. The refresh itself is the core's `Engine.refresh`, the same
code as `wirewatch fetch`, awaited in a worker on the event loop: fetching is async and the
engine parses and stores on its own writer thread, so input is never blocked.
"""

from __future__ import annotations

from textual import on, work
from textual.message import Message
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from tui.core.config.load import Config
from tui.core.engine import Engine, FeedReport, RefreshReport

MIN_PERIOD = 10.0         # seconds: the shortest automatic refresh period


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

    def __init__(self, engine: Engine, config: Config, *, automatic: bool = True,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.engine = engine
        self.config = config
        self.automatic = automatic      # on start and every period; False for --offline
        self.running = False

    def on_mount(self) -> None:
        if self.automatic:
            self.call_after_refresh(self.start, False)
            self.set_interval(self.period(), self._tick, name="auto-refresh")

    def period(self) -> float:
        """Seconds between automatic refreshes: the shortest feed period (due feeds only
        are fetched each time, so feeds with longer periods are not fetched more often)."""
        minutes = min((self.config.refresh_minutes(f) for f in self.config.feeds),
                      default=self.config.settings.refresh_minutes)
        return max(MIN_PERIOD, minutes * 60)

    def _tick(self) -> None:
        if not self.running:
            self.start(False)

    def start(self, force: bool) -> bool:
        """Fetch the feeds (all when `force`, else those due); False if one is running."""
        if self.running:
            return False
        total = len(self.config.feeds) if force else len(self.engine.due_feeds())
        if total == 0:
            return True
        self.running = True
        self.post_message(self.Started(total))
        self._run(force)
        return True

    @work(group="refresh", exit_on_error=False, description="refresh feeds")
    async def _run(self, force: bool) -> RefreshReport:
        def progress(done: int, total: int, report: FeedReport) -> None:
            self.post_message(self.Progress(done, total, report))

        return await self.engine.refresh(force=force, on_progress=progress)

    @on(Worker.StateChanged)
    def _finished(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "refresh" or not event.worker.is_finished:
            return
        self.running = False
        if event.state == WorkerState.SUCCESS and event.worker.result is not None:
            self.post_message(self.Finished(event.worker.result))
        elif event.state == WorkerState.ERROR and event.worker.error is not None:
            self.post_message(self.Failed(event.worker.error))
