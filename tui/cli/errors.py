"""Exit statuses and the two errors a command raises; `tui.cli.main` turns them into one
line on stderr and the status."""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    OK = 0                 # done (also when some feeds failed: they are reported)
    FAILURE = 1            # the command could not do its job
    USAGE = 2              # wrong arguments or a bad configuration
    ALL_FEEDS_FAILED = 3   # `fetch` / `watch --once`: not one feed could be read
    INTERRUPTED = 130      # Ctrl+C (128 + SIGINT)
    BROKEN_PIPE = 141      # the reader of our output went away (128 + SIGPIPE), as `| head`


class UsageError(Exception):
    """Wrong arguments: exit status 2."""


class RuntimeFailure(Exception):
    """The command could not do its job: exit status 1."""
