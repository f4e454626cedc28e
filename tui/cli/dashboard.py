"""The dashboard (no command given) and `demo`: the faces that open the Textual App."""

from __future__ import annotations

import argparse

from tui.cli.session import open_session


def register(commands: argparse._SubParsersAction) -> None:
    commands.add_parser("demo", help="the dashboard on a bundled sample news site on 127.0.0.1, "
                        "with a temporary cache").set_defaults(run=cmd_demo)


def cmd_dashboard(args: argparse.Namespace) -> int:
    from tui.app import run_dashboard

    session = open_session(args, read_only_ok=args.offline)
    try:
        run_dashboard(session, offline=args.offline)
    finally:
        session.close()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from tui.app import run_demo

    run_demo()
    return 0
