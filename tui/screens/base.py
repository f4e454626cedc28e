"""What every screen is handed by the App (`Context`), and what every screen pushed over the
dashboard shares: `escape`/`q` back, `?` help."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, TypeVar

from textual.dom import DOMNode
from textual.screen import Screen
from textual.signal import Signal
from textual.worker import get_current_worker

from tui import messages
from tui.bindings import bind
from tui.core.cache.store import is_read_only_error
from tui.state import load_state

if TYPE_CHECKING:
    from tui.core.cache.query import Item
    from tui.core.helper import Helper
    from tui.core.session import Session
    from tui.core.text.articles import RowsOf

T = TypeVar("T")


class Context:
    """The App's state that screens read: the session (config, cache, engine), how to show
    times, whether to fetch, the item marked for comparison, signals for changes, and the
    helper process that computes diffs.

    The App creates it and hands it to every screen it opens; only the App writes to it.
    """

    def __init__(self, owner: DOMNode, session: Session, *, timezone: tzinfo | None = None,
                 offline: bool = False, clock: Callable[[], float] = time.time) -> None:
        self.session = session
        self.timezone = timezone            # None: the local time zone
        self.clock = clock                  # "now" for charts (snapshots fix it)
        self.offline = offline              # no fetching at all (--offline)
        self.auto_refresh = not offline     # refresh on start and when feeds are due
        self.announce = True                # announce the outbox's alert hits
        self.compare_mark: Item | None = None
        self.alerts_changed: Signal[None] = Signal(owner, "alerts-changed")
        self.config_changed: Signal[None] = Signal(owner, "config-changed")
        self.mark_changed: Signal[Item | None] = Signal(owner, "mark-changed")
        self.items_changed: Signal[frozenset[int]] = Signal(owner, "items-changed")
        self.problem: Signal[str] = Signal(owner, "problem")     # for the status line
        self.last_input = time.monotonic()  # the user's last key, click or scroll
        self._helper: Helper | None = None
        self.remembered, self.remembered_note = load_state(session.store.cache_dir)

    def quiet_for(self) -> float:
        """Seconds since the user last pressed a key, clicked or scrolled: background work
        that shares the interpreter with the interface waits for a quiet moment."""
        return time.monotonic() - self.last_input

    def local(self, when: datetime) -> datetime:
        """`when` in the dashboard's time zone."""
        return when.astimezone(self.timezone)

    @property
    def helper(self) -> Helper:
        """The process diffs are computed in, never holding the interpreter lock the keys
        need. Made on first use (its module too: the first paint does not wait for it); the
        process starts when a screen first needs it, and `close` ends it."""
        if self._helper is None:
            from tui.core.helper import Helper

            self._helper = Helper(preload=("tui.core.text.diff",))
        return self._helper

    @helper.setter
    def helper(self, helper: Helper) -> None:
        self._helper = helper

    def diff_rows(self) -> RowsOf:
        """How the worker thread calling this gets a diff's rows: from the helper process;
        work it queued there is skipped once the worker is cancelled (another pair asked
        for, the screen left)."""
        from tui.core.text.articles import rows_by  # (the diff screens import it first)

        worker = get_current_worker()
        return rows_by(self.helper, wanted=lambda: not worker.is_cancelled)

    def close(self) -> None:
        """The App is ending: the helper is killed, not waited for (a worker waiting for it
        ends at once)."""
        if self._helper is not None:
            self._helper.close()

    def is_marked(self, item: Item | None) -> bool:
        mark = self.compare_mark
        return item is not None and mark is not None and mark.row_id == item.row_id


NOT_SAVED = object()


def saved(screen: Screen, write: Callable[[], T]) -> T | object:
    """Run a small write to the cache (a mark, a star) for a key press and return its result;
    a cache that cannot be written (read-only, full) gets a note and NOT_SAVED instead of
    taking the dashboard down."""
    try:
        return write()
    except sqlite3.Error as error:
        reason = "the cache is read-only" if is_read_only_error(error) else str(error)
        screen.notify(f"Not saved: {reason}.", severity="warning", markup=False, timeout=4)
        return NOT_SAVED


class SubScreen(Screen[None]):
    """A screen over the dashboard: back closes it, `?` opens the help."""

    BINDINGS = [bind("close"), bind("help", show=False), bind("refresh", show=False)]

    def __init__(self, context: Context) -> None:
        super().__init__()
        self.context = context

    @property
    def session(self) -> Session:
        return self.context.session

    def action_close(self) -> None:
        self.dismiss()

    def action_help(self) -> None:
        self.post_message(messages.OpenHelp())

    def action_refresh(self) -> None:
        self.post_message(messages.Refresh())
