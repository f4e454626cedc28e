"""The dashboard (no command given) and `demo`: the dashboard on the bundled sample site, or
(`demo --serve`) that site alone, for trying the command line or a second terminal on it."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from tui.cli.errors import ExitStatus, RuntimeFailure, UsageError
from tui.cli.session import open_session

SERVE_TICK_SECONDS = 0.5    # how soon `demo --serve` notices a stop signal


def register(commands: argparse._SubParsersAction) -> None:
    demo = commands.add_parser(
        "demo", help="the dashboard on a bundled sample news site on 127.0.0.1, with a "
                     "temporary cache (--serve: serve the site alone and print a feeds.toml)")
    demo.add_argument("--serve", action="store_true",
                      help="serve the sample site only, print a feeds.toml for it on stdout, "
                           "run until Ctrl+C")
    demo.add_argument("--port", type=int, metavar="N",
                      help="with --serve: the port on 127.0.0.1 (default: any free one)")
    demo.set_defaults(run=cmd_demo)


def _need_terminal() -> None:
    """The dashboard draws on a terminal and reads its keys there: started without one (a
    cron line, `wirewatch > log`, stdin closed) it drew into the file and waited for keys
    until killed, or ended in Textual's traceback. Asked before the cache is opened."""
    for stream in (sys.stdin, sys.stdout):
        try:
            ok = stream is not None and stream.isatty()
        except ValueError:              # a closed stream
            ok = False
        if not ok:
            raise UsageError("the dashboard needs a terminal (its stdin and stdout); "
                             "`wirewatch watch` runs without one")


def cmd_dashboard(args: argparse.Namespace) -> int:
    from tui.app import run_dashboard

    _need_terminal()
    session = open_session(args, read_only_ok=args.offline)
    try:
        run_dashboard(session, offline=args.offline)
    finally:
        session.close()
    return ExitStatus.OK


def cmd_demo(args: argparse.Namespace) -> int:
    if args.serve:
        return serve_demo_site(args.port or 0)
    if args.port is not None:
        raise UsageError("--port goes with --serve (the demo dashboard picks a free port)")
    _need_terminal()
    from tui.app import run_demo

    run_demo()
    return ExitStatus.OK


def serve_demo_site(port: int) -> int:
    """`demo --serve`: the sample site on 127.0.0.1 until Ctrl+C or SIGTERM; its feeds.toml on
    stdout (redirect it to a file), how to use and stop it on stderr. Neither the dashboard
    nor the cache is touched: the site alone is what a second terminal or a script needs."""
    from tui.core.collector import start_up_done
    from tui.demo.server import DemoSite

    start_up_done()                 # it serves until stopped: the collector back on
    if not 0 <= port <= 65535:
        raise UsageError(f"--port must be between 1 and 65535, not {port}")
    site = DemoSite(port=port)
    # The stop signals are caught before anything is printed: a script that stops the site
    # as soon as it reads the first line must get a clean stop, not a killed process.
    stop = threading.Event()
    previous = {signum: signal.signal(signum, lambda *_: stop.set())
                for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        try:
            site.start()
        except OSError as error:
            raise RuntimeFailure(f"cannot serve on 127.0.0.1:{port}: "
                                 f"{error.strerror or error}") from None
        try:
            sys.stdout.write(site.config_toml())
            sys.stdout.flush()
            print(f"wirewatch: serving the sample site at {site.base_url} ({len(site.feeds)} "
                  f"feeds; it moves on every {site.advance_every:g} s); save the feeds.toml "
                  "printed on stdout and use it with `wirewatch --config FILE`; Ctrl+C stops it",
                  file=sys.stderr, flush=True)
            while not stop.wait(SERVE_TICK_SECONDS):
                pass
        finally:
            site.stop()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    print("wirewatch: stopped", file=sys.stderr)
    return 0
