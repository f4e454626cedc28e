"""The core session a command works on, opened from the global options."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.core.config.model import Config
    from tui.core.session import Session


def open_session(args: argparse.Namespace, *, config: Config | None = None,
                 read_only_ok: bool = False) -> Session:
    """The session of `--config` / `--cache` (or of `config`, already loaded). Commands that
    only read pass `read_only_ok`: they work on a cache they cannot write."""
    from tui.core.session import Session

    return Session.open(args.config, args.cache, config=config, read_only_ok=read_only_ok)
