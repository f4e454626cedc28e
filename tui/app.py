"""The wirewatch App: wiring only.

It holds the screens' shared `Context` (session, time zone, the compare mark), applies the
user's `[keys]`, and is the one place that decides what a request (tui.messages) opens. Screens
and widgets post messages and never push each other.
"""

from __future__ import annotations

from datetime import tzinfo
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import App
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from tui import messages
from tui.bindings import bind
from tui.core.alerts.plan import count_by_rule
from tui.screens.alert_form import AlertForm
from tui.screens.alerts import AlertsScreen
from tui.screens.article import ArticleScreen, link_allowed
from tui.screens.base import Context
from tui.screens.diff import DiffScreen
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen
from tui.screens.related import RelatedScreen

if TYPE_CHECKING:
    from tui.core.session import Session


class WirewatchApp(App[None]):
    """The dashboard over one session."""

    CSS_PATH = Path(__file__).with_name("app.tcss")   # absolute: subclasses live elsewhere
    TITLE = "wirewatch"
    BINDINGS = [bind("command_palette", "command_palette", show=False, priority=True)]

    def __init__(self, session: Session, *, offline: bool = False,
                 timezone: tzinfo | None = None) -> None:
        super().__init__()
        self.context = Context(self, session, timezone=timezone, offline=offline)

    @property
    def session(self) -> Session:
        return self.context.session

    def get_default_screen(self) -> Screen:
        return MainScreen(self.context)

    def on_mount(self) -> None:
        self.set_keymap(self.session.config.keys)   # checked by the loader: known and free

    # --- where requests lead ---------------------------------------------------------------

    @on(messages.OpenArticle)
    def _open_article(self, message: messages.OpenArticle) -> None:
        self.push_screen(ArticleScreen(self.context, message.uid))

    @on(messages.OpenDiff)
    def _open_diff(self, message: messages.OpenDiff) -> None:
        self.push_screen(DiffScreen(self.context, message.uid))

    @on(messages.OpenCompare)
    def _open_compare(self, message: messages.OpenCompare) -> None:
        self.push_screen(DiffScreen(self.context, message.left, message.right))

    @on(messages.OpenRelated)
    def _open_related(self, message: messages.OpenRelated) -> None:
        self.push_screen(RelatedScreen(self.context, message.uid))

    @on(messages.OpenAlerts)
    def _open_alerts(self) -> None:
        self.push_screen(AlertsScreen(self.context))

    @on(messages.NewAlert)
    def _new_alert(self, message: messages.NewAlert) -> None:
        self.push_screen(AlertForm(self.context, message.prefill))

    @on(messages.EditAlert)
    def _edit_alert(self, message: messages.EditAlert) -> None:
        self.push_screen(AlertForm(self.context, rule=message.rule))

    @on(messages.OpenHelp)
    def _open_help(self) -> None:
        self.push_screen(HelpScreen(self.session.config.keys))

    @on(messages.OpenLink)
    def _open_link(self, message: messages.OpenLink) -> None:
        """Open an item's link in the browser, only on request and only for http(s)."""
        url = message.url
        if not url:
            self.notify("This item has no link.", severity="warning", markup=False)
        elif not link_allowed(url):
            self.notify("Only http and https links are opened.", severity="warning",
                        markup=False)
        else:
            self.notify(f"Opening {url}", markup=False, timeout=3)
            # A browser can take a while to start: not on the event loop.
            self.run_worker(partial(self.open_url, url), thread=True, group="browser",
                            exit_on_error=False, description="open the link in the browser")

    # --- the item marked for comparison -----------------------------------------------------

    @on(messages.ToggleCompareMark)
    def _toggle_mark(self, message: messages.ToggleCompareMark) -> None:
        context = self.context
        if context.is_marked(message.item):
            context.compare_mark = None
            note = "Mark removed."
        else:
            context.compare_mark = message.item
            note = "Marked for comparison: go to another item and press c."
        if message.announce:
            self.notify(note, markup=False, timeout=3)
        context.mark_changed.publish(context.compare_mark)

    @on(messages.CompareWithMarked)
    def _compare_with_marked(self, message: messages.CompareWithMarked) -> None:
        marked = self.context.compare_mark
        if marked is None:
            self.notify("Mark an item with space first, then press c on another.",
                        severity="warning", markup=False)
        elif marked.row_id == message.item.row_id:
            self.notify("This is the marked item: press c on another one to compare.",
                        severity="warning", markup=False)
        else:
            self.push_screen(DiffScreen(self.context, marked.uid, message.item.uid))

    # --- alert rules changed from the dashboard ---------------------------------------------

    @on(messages.ConfigChanged)
    def _config_changed(self, message: messages.ConfigChanged) -> None:
        """New rules in force now; the cache is evaluated against them on a thread."""
        self.run_worker(partial(self.session.apply, message.config), thread=True,
                        group="apply-config", exit_on_error=False,
                        description="apply the changed configuration")

    @on(Worker.StateChanged)
    def _config_applied(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != "apply-config" or not worker.is_finished:
            return
        if event.state == WorkerState.SUCCESS and worker.result is not None:
            self._announce_applied(worker.result.hits)
        elif event.state == WorkerState.ERROR:
            self.notify(f"Alert rules not applied: {worker.error}", severity="error",
                        markup=False)
        self.context.alerts_changed.publish(None)

    def _announce_applied(self, hits: list) -> None:
        """One note for the cached items a changed rule set picked up (not a toast per hit:
        these are old items found again, not news)."""
        counts = count_by_rule(hits)
        if counts:
            parts = [f"{name}: {count} cached item" + ("" if count == 1 else "s")
                     for name, count in counts.items()]
            self.notify("; ".join(parts), title="Alerts matched", markup=False, timeout=6)

    @on(messages.AlertsChanged)
    def _alerts_changed(self) -> None:
        self.context.alerts_changed.publish(None)


def run_dashboard(session: Session, *, offline: bool = False) -> None:
    WirewatchApp(session, offline=offline).run()


def run_demo() -> None:
    from tui.demo.session import demo_session

    with demo_session() as session:
        run_dashboard(session)
