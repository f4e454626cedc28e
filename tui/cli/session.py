"""The core session a command works on, opened from the global options."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from tui.cli.errors import RuntimeFailure, UsageError
from tui.cli.render import note, shown

if TYPE_CHECKING:
    from tui.core.config.model import Config
    from tui.core.names.resolve import Watched
    from tui.core.session import Session


def open_session(args: argparse.Namespace, *, config: Config | None = None,
                 read_only_ok: bool = False) -> Session:
    """The session of `--config` / `--cache` (or of `config`, already loaded). Commands that
    only read pass `read_only_ok`: they work on a cache they cannot write."""
    from tui.core.collector import start_up_done
    from tui.core.session import Session

    try:
        return Session.open(args.config, args.cache, config=config, read_only_ok=read_only_ok)
    finally:
        start_up_done()


@contextmanager
def reading_items(args: argparse.Namespace) -> Iterator[Session]:
    """The session of a command that looks items up by id (article, diff, compare,
    related): a read-only cache will do, an unknown id is a one-line failure, and the
    session is closed before the command prints."""
    from tui.core.text.articles import NotFound

    session = open_session(args, read_only_ok=True)
    try:
        yield session
    except NotFound as error:
        raise RuntimeFailure(str(error)) from None
    finally:
        session.close()


def watched_or_usage_error(session: Session, typed: str) -> Watched:
    """The watched name or category `--match` means, in any spelling the matcher knows; a
    usage error that lists the watchlist when it names none."""
    from tui.core.names.resolve import watched_names

    found = session.resolve_watched(typed)
    if found is None:
        listed = "; ".join(f"{category}: {', '.join(names)}"
                           for category, names in watched_names(session.watcher).items())
        have = f"the watchlist has: {listed}" if listed else "the watchlist is empty"
        raise UsageError(f"no watched name or category {shown(typed)} ({have})")
    return found


def group_stories_first(session: Session) -> None:
    """Group every item that waits before a command reads stories (`stories`, `story`,
    `related`). While another wirewatch process groups them (a `watch`, the dashboard), the
    command does not wait for it (minutes, on a big backlog): it reads the stories as they
    are, and says so on stderr."""
    from tui.core.stories.grouping import settle

    if settle(session.store).busy:
        note("another wirewatch process is grouping new items into stories: "
             "these are the stories as they are")
