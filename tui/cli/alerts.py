"""Commands about alerts: list rules and hits, add and remove rules, and the headless
`watch` loop for tmux, cron or a service."""

from __future__ import annotations

import json
import signal
import sys
import threading
import time

from tui.core.config.load import AlertRule, NOTIFY_KINDS, load_config, resolve_config_path
from tui.core.config.edit import remove_alert, upsert_alert
from tui.core.alerts.rules import hit_counts, list_hits
from tui.core.alerts.notify import dispatch_external
from tui.core.cache.query import iso, to_datetime


def _session(args):
    from tui.cli import _open

    return _open(args)


def cmd_alerts(args, print_json) -> int:
    session = _session(args)
    try:
        counts = hit_counts(session.store)
        hits = list_hits(session.store, limit=None if args.json else 50)
        unseen = {(a, i) for a, i in session.store.connection.execute(
            "SELECT alert, item_id FROM hits WHERE seen = 0")}
    finally:
        session.close()
    rules = session.config.alerts
    if args.json:
        print_json({
            "alerts": [{"name": r.name, "all": list(r.all), "any": list(r.any),
                        "none": list(r.none), "categories": list(r.categories),
                        "feeds": list(r.feeds), "notify": list(r.notify),
                        "command": list(r.command), "hits": counts.get(r.name, 0)}
                       for r in rules],
            "hits": [{"alert": h.alert, "item": h.item, "title": h.title, "feed": h.feed,
                      "fired_at": iso(to_datetime(h.fired_at)),
                      "seen": (h.alert, h.row_id) not in unseen} for h in hits],
        })
        return 0
    if not rules:
        print("no alerts configured (add one with `wirewatch alert add NAME --all TERM`)")
    for rule in rules:
        parts = [f"{key}={'|'.join(getattr(rule, key))}"
                 for key in ("all", "any", "none", "categories", "feeds") if getattr(rule, key)]
        print(f"{rule.name}: {counts.get(rule.name, 0)} hits  ({'; '.join(parts)})")
    if hits:
        print()
    for hit in hits:
        when = to_datetime(hit.fired_at).astimezone().strftime("%Y-%m-%d %H:%M")
        new = "*" if (hit.alert, hit.row_id) in unseen else " "
        print(f"{when}{new} {hit.alert}: {hit.title}  [{hit.item}]")
    return 0


def cmd_alert(args, print_json) -> int:
    path = resolve_config_path(args.config)
    if args.alert_command == "rm":
        remove_alert(path, args.name)
        print(f"alert {args.name!r} removed from {path}")
        return 0
    from tui.cli import UsageError

    # The argv of --command: `command_argv` (its own dest: `command` is the subcommand's).
    argv = tuple(getattr(args, "command_argv", None) or ())
    notify = tuple(dict.fromkeys(args.notify)) if args.notify else AlertRule.notify
    for kind in notify:
        if kind not in NOTIFY_KINDS:
            raise UsageError(f"--notify must be one of {', '.join(NOTIFY_KINDS)}, not {kind!r}")
    if argv and "command" not in notify:
        notify += ("command",)  # a command given is a command meant to run
    config = load_config(path)
    for feed in args.feed:
        if not config.feeds_matching((feed,)):
            raise UsageError(f"--feed {feed!r}: no feed or tag of that name in {path}")
    rule = AlertRule(name=args.name, all=tuple(args.all), any=tuple(args.any),
                     none=tuple(args.none), categories=tuple(args.category),
                     feeds=tuple(args.feed), notify=notify, command=argv)
    existing = {r.name for r in config.alerts}
    upsert_alert(path, rule, replace=args.name if args.name in existing else None)
    session = _session(args)
    try:
        new = [h for h in session.engine.alerts.evaluate_all(session.store)
               if h.alert == args.name]
        total = hit_counts(session.store).get(args.name, 0)
    finally:
        session.close()
    verb = "updated in" if args.name in existing else "added to"
    print(f"alert {args.name!r} {verb} {path}; {len(new)} cached items newly match it"
          f" ({total} hits in all)")
    return 0


def _print_hit(hit, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(hit.to_json(), ensure_ascii=False) + "\n")
    else:
        when = to_datetime(hit.fired_at).astimezone().strftime("%H:%M")
        sys.stdout.write(f"{when} {hit.alert}: {hit.title} ({hit.feed}) {hit.link or ''}  "
                         f"[{hit.item}]\n")
    sys.stdout.flush()


def _seconds_until_due(session, period: float) -> float:
    """Sleep until the first feed is due (a feed may refresh more often than the default),
    at least a second, at most one period."""
    states = session.store.feed_states()
    names = {feed.name for feed in session.config.feeds}
    due = [state.next_due for name, state in states.items()
           if name in names and state.next_due is not None]
    wait = min(due) - time.time() if due else period
    return min(max(wait, 1.0), period)


def _interrupt(signum, frame) -> None:
    """SIGTERM does what Ctrl+C does: asyncio.run turns a SIGINT into a clean cancellation of
    the refresh in progress, where an exception raised here could land inside any task."""
    signal.raise_signal(signal.SIGINT)


def cmd_watch(args, print_json) -> int:
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


def _watch(args) -> int:
    session = _session(args)
    try:
        rules = {rule.name: rule for rule in session.config.alerts}
        period = session.config.settings.refresh_minutes * 60
        print(f"wirewatch: watching {len(session.config.feeds)} feeds for "
              f"{len(rules)} alerts, every {period / 60:g} min (Ctrl+C stops)", file=sys.stderr)
        while True:
            report = session.engine.refresh_sync()
            for hit in report.alerts:
                _print_hit(hit, args.json)
                if "bell" in rules.get(hit.alert, AlertRule("")).notify and sys.stdout.isatty():
                    sys.stdout.write("\a")
                    sys.stdout.flush()
            for error in dispatch_external(report.alerts, rules):
                print(f"wirewatch: {error}", file=sys.stderr)
            for feed in report.failed:
                print(f"wirewatch: {feed.name}: {feed.error}", file=sys.stderr)
            if args.once:
                return 0
            time.sleep(_seconds_until_due(session, period))
    finally:
        session.close()
