"""Commands that refresh the feeds: `fetch` once (for cron), `watch` for ever (for tmux or a
service), both through the same refresh as the dashboard's `r`."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
from typing import TYPE_CHECKING

from tui.cli.render import local_stamp, print_json
from tui.cli.session import open_session

if TYPE_CHECKING:
    from tui.core.cache.hits import AlertHit
    from tui.core.engine import RefreshReport
    from tui.core.session import Session


def register(commands: argparse._SubParsersAction) -> None:
    fetch = commands.add_parser("fetch", help="fetch every feed once and report per feed")
    fetch.add_argument("--json", action="store_true")
    fetch.set_defaults(run=cmd_fetch)

    watch = commands.add_parser("watch", help="headless: refresh every period, print new hits")
    watch.add_argument("--json", action="store_true")
    watch.add_argument("--once", action="store_true", help="one refresh, then exit")
    watch.set_defaults(run=cmd_watch)


def cmd_fetch(args: argparse.Namespace) -> int:
    session = open_session(args)
    try:
        report = session.refresh_sync(force=True)
    finally:
        session.close()
    if args.json:
        print_json({
            "feeds": [f.to_json() for f in report.feeds],
            "alerts": [hit.to_json() for hit in report.alerts],
            "seconds": round(report.seconds, 3),
        })
        return 0
    width = max((len(f.name) for f in report.feeds), default=4)
    for feed in report.feeds:
        if feed.status == "error":
            detail = f"error: {feed.error}"
        elif feed.status == "not_modified":
            detail = "not modified"
        else:
            detail = f"{feed.new} new, {feed.updated} updated"
        print(f"{feed.name:<{width}}  {detail}  ({feed.seconds:.2f} s)")
    for hit in report.alerts:
        print(f"ALERT {hit.alert}: {hit.title} [{hit.uid}]")
    failed = len(report.failed)
    print(f"{len(report.feeds)} feeds in {report.seconds:.2f} s"
          + (f", {failed} failed" if failed else ""))
    return 0


def _print_hit(hit: AlertHit, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(hit.to_json(), ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(f"{local_stamp(hit.fired_at, '%H:%M')} {hit.alert}: {hit.title} "
                         f"({hit.feed}) {hit.link or ''}  [{hit.uid}]\n")
    sys.stdout.flush()


def _interrupt(signum, frame) -> None:
    """SIGTERM does what Ctrl+C does: asyncio.run turns a SIGINT into a clean cancellation of
    the refresh in progress, where an exception raised here could land inside any task."""
    signal.raise_signal(signal.SIGINT)


def cmd_watch(args: argparse.Namespace) -> int:
    """Refresh every period; one line per new hit; notifications; Ctrl+C (or a service
    manager's SIGTERM) stops cleanly."""
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        return _watch(args)
    except KeyboardInterrupt:
        print("wirewatch: stopped", file=sys.stderr)
        return 0
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _announce(session: Session, report: RefreshReport, as_json: bool) -> None:
    """Each new hit as a line, then the notifications its rule asks for."""
    from tui.core.alerts.notify import dispatch_external
    from tui.core.alerts.plan import plan_notifications

    plan = plan_notifications(report.alerts, {r.name: r for r in session.config.alerts})
    for hit in report.alerts:
        _print_hit(hit, as_json)
    if plan.bell and sys.stdout.isatty():
        sys.stdout.write("\a")
        sys.stdout.flush()
    for error in dispatch_external(plan):
        print(f"wirewatch: {error}", file=sys.stderr)


def _watch(args: argparse.Namespace) -> int:
    session = open_session(args)
    try:
        config = session.config
        print(f"wirewatch: watching {len(config.feeds)} feeds for {len(config.alerts)} alerts, "
              f"every {config.settings.refresh_minutes:g} min (Ctrl+C stops)", file=sys.stderr)
        while True:
            report = session.refresh_sync()
            _announce(session, report, args.json)
            for feed in report.failed:
                print(f"wirewatch: {feed.name}: {feed.error}", file=sys.stderr)
            if args.once:
                return 0
            time.sleep(session.seconds_until_due())
    finally:
        session.close()
