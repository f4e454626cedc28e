"""The wirewatch App: wiring only.

It holds the session (config, cache, engine), applies the user's `[keys]`, and is the one
place that decides which screen a request opens: `open_item`, `open_diff`, `open_compare`,
`open_related`, `open_alerts`, `new_alert`. Screens and widgets call these hooks and never
push each other, so a later screen replaces a placeholder by changing one method here.
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

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from tui.commands import DashboardCommands, action_ids
from tui.screens.coming import ComingScreen
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen

if TYPE_CHECKING:
    from tui.core.session import Session


class WirewatchApp(App[None]):
    """The dashboard over one session."""

    CSS_PATH = "app.tcss"
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

    # --- where requests lead (later issues replace the placeholders here) -------------------

    def open_item(self, uid: str) -> None:
        self.push_screen(ComingScreen("Article", f"item {uid}", uid=uid))

    def open_diff(self, uid: str) -> None:
        self.push_screen(ComingScreen("Versions, side by side", f"item {uid}", uid=uid))

    def open_compare(self, uid_a: str, uid_b: str) -> None:
        self.push_screen(ComingScreen("Compare two reports", f"items {uid_a} and {uid_b}",
                                      uid_a=uid_a, uid_b=uid_b))

    def open_related(self, uid: str) -> None:
        self.push_screen(ComingScreen("Related coverage", f"item {uid}", uid=uid))

    def open_alerts(self) -> None:
        self.push_screen(ComingScreen("Alerts"))

    def new_alert(self, prefill: dict) -> None:
        detail = ", ".join(f"{k}: {v}" for k, v in prefill.items())
        self.push_screen(ComingScreen("New alert", detail, prefill=prefill))

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
