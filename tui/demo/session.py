"""A core session over the bundled sample site: what `wirewatch demo` opens."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tui.core.session import Session
from tui.demo.server import DemoSite


@contextmanager
def demo_session(advance_every: float = 45.0) -> Iterator[Session]:
    """The bundled sample site on 127.0.0.1 and a session over a temporary cache.

    Everything is removed on exit: the site stops, the cache folder is deleted.
    """
    site = DemoSite(advance_every=advance_every)
    folder = Path(tempfile.mkdtemp(prefix="wirewatch-demo-"))
    session: Session | None = None
    try:
        site.start()
        config_path = folder / "feeds.toml"
        config_path.write_text(site.config_toml(), encoding="utf-8")
        session = Session.open(str(config_path), str(folder / "cache"))
        yield session
    finally:
        if session is not None:
            session.close()
        site.stop()
        shutil.rmtree(folder, ignore_errors=True)
