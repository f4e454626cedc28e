"""The wirewatch App: wiring only.

It holds the screens' shared `Context` (session, time zone, the compare mark), applies the
user's `[keys]`, and is the one place that decides what a request (tui.messages) opens. Screens
and widgets post messages and never push each other. A screen other than the dashboard is
imported when it is first opened: the first paint does not wait for them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import tzinfo
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, on
from textual.app import App
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState

from tui import messages
from tui.bindings import bind
from tui.core.alerts.plan import NotificationPlan, count_by_rule, summarize_hits
from tui.core.cache.hits import AlertHit
from tui.core.collector import (
    collect_if_idle,
    full_collections_in_idle_time,
    keep_start_up_objects,
)
from tui.core.session import Applied, Reloaded
from tui.core.text.counted import counted
from tui.screens.base import Context
from tui.screens.main import MainScreen
from tui.widgets.palette import readable_variables
from tui.workers import worker_ended

if TYPE_CHECKING:
    from tui.core.alerts.delivery import Delivery
    from tui.core.session import Session


class WirewatchApp(App[None]):
    """The dashboard over one session."""

    CSS_PATH = Path(__file__).with_name("app.tcss")   # absolute: subclasses live elsewhere
    TITLE = "wirewatch"
    BINDINGS = [bind("command_palette", "command_palette", show=False, priority=True)]

    def __init__(self, session: Session, *, offline: bool = False,
                 timezone: tzinfo | None = None,
                 clock: Callable[[], float] | None = None) -> None:
        super().__init__()
        self.context = Context(self, session, timezone=timezone, offline=offline,
                               clock=clock or time.time)
        self._announcing = False                    # whether it announces hits (on_mount)
        self._delivery: Delivery | None = None      # the outbox, made on its first tick

    @property
    def session(self) -> Session:
        return self.context.session

    def get_css_variables(self) -> dict[str, str]:
        """The theme's colours, every text colour readable (4.5:1) on its backgrounds."""
        self.theme_variables = readable_variables(super().get_css_variables())
        return self.theme_variables

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, _INPUT):
            self.context.last_input = time.monotonic()
        await super().on_event(event)

    def get_default_screen(self) -> Screen:
        return MainScreen(self.context)

    def on_mount(self) -> None:
        self.set_keymap(self.session.config.keys)   # checked by the loader: known and free
        remembered = self.context.remembered
        if remembered.theme in self.available_themes:
            self.theme = remembered.theme
        if self.context.remembered_note:
            self.notify(self.context.remembered_note, severity="warning", markup=False)
        self._delivering = self._applying = False
        self._announcing = self.context.announce and not self.session.store.read_only
        if self._announcing:
            self.set_interval(ALERT_TICK_SECONDS, self._deliver, name="alert outbox")
            self.call_after_refresh(self._deliver)
        self.set_interval(CONFIG_TICK_SECONDS, self._check_config_file, name="feeds.toml")
        self.call_after_refresh(keep_start_up_objects)      # the first screen is up
        full_collections_in_idle_time(True)
        self.set_interval(GC_TICK_SECONDS, lambda: collect_if_idle(self.context.quiet_for()),
                          name="full collections between keys")

    def on_unmount(self) -> None:
        """Quitting never waits on a diff: the helper process computing it is killed, and
        the worker waiting for it ends at once (and the thread pool with it)."""
        full_collections_in_idle_time(False)
        self.context.close()

    async def action_quit(self) -> None:
        """Leave at once (ctrl+q / ctrl+c): what the dashboard shows is remembered first."""
        main = self.screen_stack[0] if self.screen_stack else None
        if isinstance(main, MainScreen):
            main.remember()
        self.exit()

    # --- where requests lead ---------------------------------------------------------------

    @on(messages.OpenArticle)
    def _open_article(self, message: messages.OpenArticle) -> None:
        from tui.screens.article import ArticleScreen

        self.push_screen(ArticleScreen(self.context, message.uid))

    @on(messages.OpenDiff)
    def _open_diff(self, message: messages.OpenDiff) -> None:
        from tui.screens.diff import DiffScreen

        self.push_screen(DiffScreen(self.context, message.uid))

    @on(messages.OpenCompare)
    def _open_compare(self, message: messages.OpenCompare) -> None:
        from tui.screens.diff import DiffScreen

        self.push_screen(DiffScreen(self.context, message.left, message.right))

    @on(messages.OpenRelated)
    def _open_related(self, message: messages.OpenRelated) -> None:
        from tui.screens.related import RelatedScreen

        self.push_screen(RelatedScreen(self.context, message.uid))

    @on(messages.OpenStory)
    def _open_story(self, message: messages.OpenStory) -> None:
        from tui.screens.story import StoryScreen

        self.push_screen(StoryScreen(self.context, message.story))

    @on(messages.OpenTrends)
    def _open_trends(self, message: messages.OpenTrends) -> None:
        from tui.screens.trends import TrendsScreen

        self.push_screen(TrendsScreen(self.context, message.names))

    @on(messages.ShowHeadlines)
    def _show_headlines(self, message: messages.ShowHeadlines) -> None:
        """Back to the dashboard, filtered to a name in an hour or a day (from trends)."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        main = self.screen_stack[0]
        if isinstance(main, MainScreen):
            main.show_period(message.category, message.term, message.period)

    @on(messages.OpenAlerts)
    def _open_alerts(self) -> None:
        from tui.screens.alerts import AlertsScreen

        self.push_screen(AlertsScreen(self.context))

    @on(messages.NewAlert)
    def _new_alert(self, message: messages.NewAlert) -> None:
        from tui.screens.alert_form import AlertForm

        self.push_screen(AlertForm(self.context, message.prefill))

    @on(messages.EditAlert)
    def _edit_alert(self, message: messages.EditAlert) -> None:
        from tui.screens.alert_form import AlertForm

        self.push_screen(AlertForm(self.context, rule=message.rule))

    @on(messages.Refresh)
    def _refresh(self) -> None:
        main = self.screen_stack[0]
        if isinstance(main, MainScreen):
            main.action_refresh()

    @on(messages.OpenHelp)
    def _open_help(self) -> None:
        from tui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.session.config.keys))

    @on(messages.OpenLink)
    def _open_link(self, message: messages.OpenLink) -> None:
        """Open an item's link in the browser, only on request and only for http(s)."""
        from tui.screens.article import link_allowed

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
            from tui.screens.diff import DiffScreen

            self.push_screen(DiffScreen(self.context, marked.uid, message.item.uid))

    # --- the configuration: changed by the alert form, or edited by hand -----------------

    @on(messages.ConfigChanged)
    def _config_changed(self, message: messages.ConfigChanged) -> None:
        """New rules in force now; the cache is evaluated against them on a thread."""
        self._apply(partial(self.session.apply, message.config))

    def _check_config_file(self) -> None:
        """feeds.toml edited by hand: re-read and put in force (one stat every tick)."""
        if not self._applying and self.session.config_changed_on_disk():
            self._apply(self.session.reload_if_changed)

    def _apply(self, work: Callable[[], Applied | Reloaded | None]) -> None:
        self._applying = True
        self.run_worker(work, thread=True, group="apply-config", exit_on_error=False,
                        description="apply the changed configuration")

    @on(Worker.StateChanged)
    def _config_applied(self, event: Worker.StateChanged) -> None:
        if not worker_ended(event, "apply-config"):
            return
        worker = event.worker
        self._applying = False
        result = worker.result if event.state == WorkerState.SUCCESS else None
        if event.state == WorkerState.ERROR:
            self._problem(f"Configuration not applied: {worker.error}")
        elif isinstance(result, Reloaded) and result.error is not None:
            self._problem(f"{result.error} (the previous configuration stays in force)")
        elif result is not None:
            applied = result.applied if isinstance(result, Reloaded) else result
            if applied is not None:
                self._announce_applied(applied.hits)
            self.context.config_changed.publish(None)
        self.context.alerts_changed.publish(None)
        self._deliver()

    def _problem(self, line: str) -> None:
        self.notify(line, severity="error", markup=False, timeout=8)
        self.context.problem.publish(line)

    def _announce_applied(self, hits: list) -> None:
        """One note for the cached items a changed rule set picked up (the hits themselves are
        announced by the outbox, in one summary)."""
        counts = count_by_rule(hits)
        if counts:
            parts = [f"{name}: {counted(count, 'cached item')}"
                     for name, count in counts.items()]
            self.notify("; ".join(parts), title="Alerts matched", markup=False, timeout=6)

    # --- alert hits: whoever recorded them, announced here once ----------------------------

    @on(messages.AlertsChanged)
    def _alerts_changed(self) -> None:
        self.context.alerts_changed.publish(None)
        self._deliver()

    def _deliver(self) -> None:
        """Claim the cache's unannounced hits on a thread (the claim may wait for another
        process's write) and announce them here."""
        if self._delivering or not self._announcing or not self.screen_stack:
            return                  # (no screen: the app is closing)
        if isinstance(self.screen, ModalScreen):
            return                  # never over a form or a question: next tick, once it closes
        main = self.screen_stack[0]
        if isinstance(main, MainScreen) and main.refreshing:
            return                  # its hits are recorded as its feeds come in: announced
                                    # once it ends, in one summary, not a toast per tick
        if self._delivery is None:  # on the first tick, after the first paint (its imports)
            self._delivery = self.session.delivery(
                on_error=partial(self.call_from_thread, self.context.problem.publish))
        self._delivering = True
        self.run_worker(self._claim_hits, thread=True, group="alert-outbox",
                        exit_on_error=False, description="announce new alert hits")

    def _claim_hits(self) -> list[tuple[list[AlertHit], NotificationPlan]]:
        claimed: list[tuple[list[AlertHit], NotificationPlan]] = []
        self._delivery.deliver(lambda hits, plan: claimed.append((hits, plan)))
        return claimed

    @on(Worker.StateChanged)
    def _hits_claimed(self, event: Worker.StateChanged) -> None:
        if not worker_ended(event, "alert-outbox"):
            return
        worker = event.worker
        self._delivering = False
        if event.state == WorkerState.ERROR:
            self.context.problem.publish(f"alerts not announced: {worker.error}")
        for hits, plan in worker.result or ():
            self._announce(hits, plan)
            self.context.alerts_changed.publish(None)

    def _announce(self, hits: list[AlertHit], plan: NotificationPlan) -> None:
        """One short toast for a batch of hits (never a raw link; `a` lists them), and the
        bell once; desktop and command notifications run in the background meanwhile."""
        if plan.toasts:
            title, text = summarize_hits(plan.toasts)
            self.notify(text, title=title, severity="warning", markup=False, timeout=8)
        if plan.bell:
            self.bell()


ALERT_TICK_SECONDS = 2.0     # how soon hits recorded by another process are announced
CONFIG_TICK_SECONDS = 2.0    # how soon a hand edit of feeds.toml is taken
GC_TICK_SECONDS = 1.0        # how often the dashboard asks whether a full collection may run
# What the user does to the interface (Context.last_input): a mouse merely moving is not.
_INPUT = (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)


def run_dashboard(session: Session, *, offline: bool = False) -> None:
    WirewatchApp(session, offline=offline).run()


def run_demo() -> None:
    from tui.demo.session import demo_session

    with demo_session() as session:
        run_dashboard(session)
