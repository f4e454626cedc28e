"""Commands that refresh the feeds: `fetch` once (for cron), `watch` for ever (for tmux or a
service), both through the same refresh as the dashboard's `r`."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
from functools import partial
from typing import TYPE_CHECKING

from tui.cli.errors import ExitStatus
from tui.cli.render import cells, fit, json_ascii, local_stamp, print_json, shown
from tui.cli.session import open_session
from tui.core.text.counted import counted

if TYPE_CHECKING:
    from tui.core.alerts.plan import NotificationPlan
    from tui.core.cache.hits import AlertHit
    from tui.core.engine import RefreshReport
    from tui.core.session import Session

WATCH_TICK_SECONDS = 2.0    # how soon `watch` notices other processes' hits and config edits


def register(commands: argparse._SubParsersAction) -> None:
    fetch = commands.add_parser("fetch", help="fetch every feed once and report per feed")
    fetch.add_argument("--json", action="store_true")
    fetch.set_defaults(run=cmd_fetch)

    watch = commands.add_parser("watch", help="headless: refresh every period, print new hits")
    watch.add_argument("--json", action="store_true")
    watch.add_argument("--once", action="store_true",
                       help="refresh every feed once, announce, then exit")
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
            "problems": report.problems,
            "seconds": round(report.seconds, 3),
        })
        return _status(report)
    names = {feed.name: shown(feed.name, quote=False) for feed in report.feeds}
    width = max(map(cells, names.values()), default=4)
    for feed in report.feeds:
        if feed.status == "error":
            detail = f"error: {shown(feed.error or '', quote=False)}"
        elif feed.status == "not_modified":
            detail = "not modified"
        else:
            detail = f"{feed.new} new, {feed.updated} updated"
        if feed.warning:
            detail += f" (warning: {shown(feed.warning, quote=False)})"
        print(f"{fit(names[feed.name], width)}  {detail}  ({feed.seconds:.2f} s)")
    for problem in report.problems:
        print(f"problem: {shown(problem, quote=False)}")
    for hit in report.alerts:
        print(f"ALERT {shown(hit.alert, quote=False)}: {shown(hit.title, quote=False)} "
              f"[{hit.uid}]")
    failed = len(report.failed)
    print(f"{counted(len(report.feeds), 'feed')} in {report.seconds:.2f} s"
          + (f", {failed} failed" if failed else ""))
    return _status(report)


def _status(report: RefreshReport) -> int:
    """0 also when some feeds failed (they are reported); 3 when not one could be read."""
    return ExitStatus.ALL_FEEDS_FAILED if report.all_failed else ExitStatus.OK


def _print_hit(hit: AlertHit, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(hit.to_json(), ensure_ascii=json_ascii()) + "\n")
    else:
        alert, title, feed, link = (shown(text, quote=False) for text in
                                    (hit.alert, hit.title, hit.feed, hit.link or ""))
        sys.stdout.write(f"{local_stamp(hit.fired_at, '%H:%M')} {alert}: {title} "
                         f"({feed}) {link}  [{hit.uid}]\n")
    sys.stdout.flush()


def _interrupt(signum, frame) -> None:
    """SIGTERM does what Ctrl+C does: asyncio.run turns a SIGINT into a clean cancellation of
    the refresh in progress, where an exception raised here could land inside any task.

    Started with SIGINT ignored (a script's `wirewatch watch &`), raising SIGINT does
    nothing and asyncio.run does not catch it: then the interrupt is raised here. Where it
    lands, it may be swallowed (in a weakref callback or a __del__, Python prints "Exception
    ignored" and goes on: a watch then ran on after SIGTERM, once in a CI run), so the stop is
    also noted, for the watch's loop to honour (`_stop_if_asked`)."""
    global _stop_asked
    _stop_asked = True
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        raise KeyboardInterrupt
    signal.raise_signal(signal.SIGINT)


_stop_asked = False


def _stop_if_asked() -> None:
    """A stop asked by SIGTERM whose interrupt was swallowed where it landed, done here."""
    if _stop_asked:
        raise KeyboardInterrupt


def _unraisable(unraisable) -> None:
    """sys.unraisablehook while watching: the stop's interrupt swallowed in a callback is
    not printed as "Exception ignored" with its traceback (the loop stops the watch); any
    other is, as Python does."""
    if not (_stop_asked and isinstance(unraisable.exc_value, KeyboardInterrupt)):
        sys.__unraisablehook__(unraisable)


def cmd_watch(args: argparse.Namespace) -> int:
    """Refresh every period; one line per new hit; notifications; Ctrl+C (or a service
    manager's SIGTERM) stops cleanly."""
    global _stop_asked
    _stop_asked = False
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _interrupt)
    unraisable, sys.unraisablehook = sys.unraisablehook, _unraisable
    try:
        return _watch(args)
    except KeyboardInterrupt:
        print("wirewatch: stopped", file=sys.stderr)
        return 0
    finally:
        sys.unraisablehook = unraisable
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _show(hits: list[AlertHit], plan: NotificationPlan, as_json: bool) -> None:
    """Each hit as a line (or JSON object), then the bell once if a rule asks for it."""
    for hit in hits:
        _print_hit(hit, as_json)
    if plan.bell and sys.stdout.isatty():
        sys.stdout.write("\a")
        sys.stdout.flush()


def _say(line: str) -> None:
    print(f"wirewatch: {shown(line, quote=False)}", file=sys.stderr, flush=True)


def _take_config_changes(session: Session) -> None:
    """feeds.toml edited while watching: in force at once, or refused with its line; an edit
    that could not be put in force (its re-match failed) is said once and the watch goes on
    with the configuration it had, as the dashboard does."""
    try:
        reloaded = session.reload_if_changed()
    except Exception as error:      # noqa: BLE001 - said; the file saved again is tried again
        _say(f"configuration not applied: {error} (the previous configuration stays in force)")
        return
    if reloaded is None:
        return
    if reloaded.error is not None:
        _say(f"{reloaded.error} (the previous configuration stays in force)")
    else:
        _say(f"configuration reloaded: {counted(len(session.config.feeds), 'feed')}, "
             f"{counted(len(session.config.alerts), 'alert')}")


def _group_stories(session: Session, pause: float) -> bool:
    """One slice of grouping stories between refreshes; False when done (or failing: said
    once, tried again after the next refresh). While another process groups them, the next
    slice waits `pause` seconds rather than ask again at once."""
    try:
        report = session.group_stories_step()
    except Exception as error:
        _say(f"stories not grouped: {error}")
        return False
    if report.busy:
        time.sleep(pause)
    return report.more


def _watch(args: argparse.Namespace) -> int:
    session = open_session(args)
    delivery = session.delivery(on_error=_say)
    show = partial(_show, as_json=args.json)
    try:
        config = session.config
        _say(f"watching {counted(len(config.feeds), 'feed')} for "
             f"{counted(len(config.alerts), 'alert')}, every "
             f"{config.settings.refresh_minutes:g} min (Ctrl+C stops)")
        while True:
            _stop_if_asked()
            _take_config_changes(session)
            report = session.refresh_sync(force=args.once)   # --once: every feed, now
            _stop_if_asked()
            for feed in report.failed:
                _say(f"{feed.name}: {feed.error}")
            for problem in report.problems:
                _say(problem)
            delivery.deliver(show)
            if args.once:
                delivery.commands.wait()
                return _status(report)
            # Between refreshes: hits recorded by other processes (a cron `fetch`, `alert
            # add`) are announced, and an edited feeds.toml is taken, within a few seconds.
            # The stories' backlog (a first refresh of many feeds) is grouped meanwhile.
            wake = time.monotonic() + session.seconds_until_due()
            grouping = True
            while (left := wake - time.monotonic()) > 0:
                if grouping:
                    grouping = _group_stories(session, min(left, WATCH_TICK_SECONDS))
                else:
                    time.sleep(min(left, WATCH_TICK_SECONDS))
                _stop_if_asked()
                _take_config_changes(session)
                delivery.deliver(show)
    finally:
        session.close()
