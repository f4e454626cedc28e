"""The wirewatch App: wiring only.

It holds the session (config, cache, engine), applies the user's `[keys]`, and is the one
place that decides which screen a request opens: `open_item`, `open_diff`, `open_compare`,
`open_related`, `open_alerts`, `new_alert`. Screens and widgets call these hooks and never
push each other.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from functools import partial

from textual import on
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from tui.commands import DashboardCommands, action_ids
from tui.core.config.load import Config
from tui.core.alerts import edit as alert_apply
from tui.screens.alert_form import AlertForm, announce_applied
from tui.screens.alerts import AlertsScreen
from tui.screens.article import ArticleScreen
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
    COMMANDS = App.COMMANDS | {DashboardCommands}
    BINDINGS = [
        Binding("ctrl+p", "command_palette", "Commands", show=False, priority=True,
                id="command_palette", tooltip="Every action and filter, by name."),
    ]

    def __init__(self, session: Session, *, offline: bool = False,
                 timezone: tzinfo | None = None) -> None:
        super().__init__()
        self.session = session
        self.offline = offline
        self.timezone = timezone            # None: the local time zone
        self.keymap: dict[str, str] = dict(session.config.keys)

    def get_default_screen(self) -> Screen:
        return MainScreen(self.session, offline=self.offline, timezone=self.timezone)

    def on_mount(self) -> None:
        known = action_ids()
        unknown = sorted(set(self.keymap) - known)
        if unknown:
            self.notify(f"[keys] in feeds.toml: no action named {', '.join(unknown)} "
                        "(press ? for the names)", severity="warning", markup=False)
        self.set_keymap({action: key for action, key in self.keymap.items() if action in known})

    # --- where requests lead ---------------------------------------------------------------

    def open_item(self, uid: str) -> None:
        self.push_screen(ArticleScreen(uid))

    def open_diff(self, uid: str) -> None:
        self.push_screen(DiffScreen(uid))

    def open_compare(self, uid_a: str, uid_b: str) -> None:
        self.push_screen(DiffScreen(uid_a, uid_b))

    def open_related(self, uid: str) -> None:
        self.push_screen(RelatedScreen(uid))

    def open_alerts(self) -> None:
        self.push_screen(AlertsScreen(), callback=lambda _: self.alerts_changed())

    def new_alert(self, prefill: dict) -> None:
        self.push_screen(AlertForm(prefill))

    # --- alert rules changed from the dashboard ---------------------------------------------

    def apply_config(self, config: Config) -> None:
        """New rules in force now; the cache is re-evaluated on a thread."""
        self.run_worker(partial(alert_apply.apply_config, self.session, config), thread=True,
                        group="apply-config", exit_on_error=False,
                        description="apply the changed alert rules")

    @on(Worker.StateChanged)
    def _config_applied(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != "apply-config" or not worker.is_finished:
            return
        if event.state == WorkerState.SUCCESS and worker.result is not None:
            announce_applied(self, worker.result.hits)
        elif event.state == WorkerState.ERROR:
            self.notify(f"Alert rules not applied: {worker.error}", severity="error",
                        markup=False)
        self.alerts_changed()

    def alerts_changed(self) -> None:
        """Rules or hits changed: every screen showing them reads them again."""
        for screen in self.screen_stack:
            if isinstance(screen, AlertsScreen):
                screen.reload()
            elif isinstance(screen, MainScreen):
                screen.table.reload()
                screen.load_counts()

    def open_help(self) -> None:
        self.push_screen(HelpScreen())

    def open_link(self, url: str) -> None:
        """Open an item's link in the browser, only on request and only for http(s)."""
        if urlsplit(url).scheme.lower() not in ("http", "https"):
            self.notify("Only http and https links are opened.", severity="warning",
                        markup=False)
            return
        self.open_url(url)


def run_dashboard(session: Session, *, offline: bool = False) -> None:
    WirewatchApp(session, offline=offline).run()


@contextmanager
def demo_session(advance_every: float = 45.0) -> Iterator[Session]:
    """The bundled sample site on 127.0.0.1 and a session over a temporary cache.

    Everything is removed on exit: the site stops, the cache folder is deleted.
    """
    from tui.core.session import open_session
    from tui.demo import DemoSite

    site = DemoSite(advance_every=advance_every)
    folder = Path(tempfile.mkdtemp(prefix="wirewatch-demo-"))
    session: Session | None = None
    try:
        site.start()
        config_path = folder / "feeds.toml"
        config_path.write_text(site.config_toml(), encoding="utf-8")
        session = open_session(str(config_path), str(folder / "cache"))
        yield session
    finally:
        if session is not None:
            session.close()
        site.stop()
        shutil.rmtree(folder, ignore_errors=True)


def run_demo() -> None:
    with demo_session() as session:
        run_dashboard(session)
