"""The command line: parse arguments, ask the core, print text or JSON, exit 0/1/2/3.

Each module of this package adds its own subcommands (`register`) and runs them; commands
import the core lazily, so `wirewatch check` never pays for the HTTP client or the dashboard,
and a command named plainly loads only its own module (`COMMANDS`): `--help` still lists all.
Errors are one line on stderr, never a traceback; see `errors.ExitStatus` for the statuses.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sqlite3
import sys
from collections.abc import Sequence
from typing import NoReturn

from tui import __version__
from tui.cli.errors import ExitStatus, RuntimeFailure, UsageError
from tui.core.collector import pause_for_start_up

COMMAND_MODULES = ("dashboard", "setup", "refresh", "items", "stories", "trends", "alerts")
"""The modules of tui.cli that add subcommands, in the order `--help` lists them."""

COMMANDS = {
    "demo": "dashboard",
    "init": "setup", "check": "setup", "import-opml": "setup", "export-opml": "setup",
    "repair": "setup",
    "fetch": "refresh", "watch": "refresh",
    "headlines": "items", "article": "items", "diff": "items", "compare": "items",
    "related": "items",
    "stories": "stories", "story": "stories",
    "trends": "trends",
    "alerts": "alerts", "alert": "alerts",
}
"""Each subcommand and the module that adds it (a test checks this against the modules)."""


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole parser; or, for `command` (a key of COMMANDS), one that knows only that
    command's module: it parses that command's arguments exactly as the whole one does."""
    parser = argparse.ArgumentParser(
        prog="wirewatch",
        description="Watch news feeds for the places and people you follow.")
    parser.add_argument("--version", action="version", version=f"wirewatch {__version__}")
    parser.add_argument("--config", metavar="PATH",
                        help="feeds.toml to use (default: $WIREWATCH_CONFIG, else ./feeds.toml, "
                             "else the one `wirewatch init` writes in your config folder)")
    parser.add_argument("--cache", metavar="DIR",
                        help="cache folder (default: $WIREWATCH_CACHE, else cache/ beside the "
                             "config; for the config in your config folder, your cache folder)")
    parser.add_argument("--offline", action="store_true",
                        help="dashboard: show the cache without fetching")
    parser.set_defaults(run=_run_dashboard, command=None)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES if command is None else (COMMANDS[command],):
        importlib.import_module(f"tui.cli.{name}").register(commands)
    return parser


def _run_dashboard(args: argparse.Namespace) -> int:
    """No command given: the dashboard (its module loaded only then)."""
    from tui.cli.dashboard import cmd_dashboard

    return cmd_dashboard(args)


def named_command(argv: Sequence[str]) -> str | None:
    """The subcommand `argv` names when nothing but the global options, spelled in full,
    stands before it (`--config PATH headlines ...`); None otherwise (no command, `--help`,
    an abbreviated or unknown option): then the whole parser decides."""
    tokens = iter(argv)
    for token in tokens:
        if token in ("--config", "--cache"):
            value = next(tokens, None)
            if value is None or value.startswith("-"):
                return None
        elif token != "--offline" and not token.startswith(("--config=", "--cache=")):
            return token if token in COMMANDS else None
    return None


def run() -> NoReturn:
    """The program (the `wirewatch` script and `python -m tui`): `main`, then out at once.

    By then the answer is written and the cache closed (each command closes its session, every
    write committed; the dashboard has restored the terminal). What is left is the interpreter
    unwinding: joining threads, freeing every module and object one by one, 30-100 ms after
    each command's answer (a few hundred after the dashboard), for nothing."""
    pause_for_start_up()        # until the command's session is open (tui.cli.session)
    _usable_streams()
    status = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):       # a reader gone, a stream closed: nothing to keep
            pass
    os._exit(status)


def _usable_streams() -> None:
    """Output that cannot fail on what it is given: a character the locale's encoding cannot
    spell (Cyrillic under Latin-1 or ASCII) is printed as "?" instead of ending the command
    in a UnicodeEncodeError, and a stream the shell closed (`wirewatch fetch >&-`) writes
    to /dev/null instead of being None, which every print and flush would trip over."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
        elif name == "stdout" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")   # stderr already has backslashreplace


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; its exit status. A reader of our output that went away (`wirewatch
    headlines | head -1`) ends the command quietly with 141, as Unix tools do."""
    try:
        status = _run(argv)
        sys.stdout.flush()          # so that a closed pipe is noticed here, not at exit
    except BrokenPipeError:
        return _stop_writing()
    return status


def _stop_writing() -> int:
    """After EPIPE: point stdout at /dev/null, so the interpreter's last flush of what is
    still buffered has nowhere to fail and prints no "Exception ignored" either."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):   # a stdout with no file descriptor (tests capture it)
        pass
    return ExitStatus.BROKEN_PIPE


def _run(argv: Sequence[str] | None) -> int:
    from tui.core.cache.schema import SchemaTooNew
    from tui.core.cache.store import CacheUnavailable
    from tui.core.config.model import ConfigError
    from tui.core.forked import WorkerLost

    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(named_command(argv))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        return args.run(args)
    except ConfigError as error:
        print(str(error), file=sys.stderr)
        return ExitStatus.USAGE
    except UsageError as error:
        print(f"wirewatch: {error}", file=sys.stderr)
        return ExitStatus.USAGE
    except (RuntimeFailure, SchemaTooNew, CacheUnavailable, WorkerLost) as error:
        print(f"wirewatch: {error}", file=sys.stderr)
        return ExitStatus.FAILURE
    except sqlite3.Error as error:
        damaged = any(sign in str(error) for sign in ("malformed", "corrupt", "vtable"))
        hint = " (`wirewatch repair` checks the cache and rebuilds its index)" if damaged else ""
        print(f"wirewatch: cache error: {error}{hint}", file=sys.stderr)
        return ExitStatus.FAILURE
    except BrokenPipeError:
        raise                       # not an error of ours: main stops quietly
    except OSError as error:
        print(f"wirewatch: {error.strerror or error}: {error.filename or ''}".rstrip(": "),
              file=sys.stderr)
        return ExitStatus.FAILURE
    except KeyboardInterrupt:
        return ExitStatus.INTERRUPTED
