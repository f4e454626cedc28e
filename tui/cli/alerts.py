"""Commands about alert rules: list the rules and their hits, add and remove rules.

Rules are written through the session's one rule-write path (the dashboard's form uses the
same), then put in force: the cached items are evaluated against them at once."""

from __future__ import annotations

import argparse

from tui.cli.errors import UsageError
from tui.cli.render import local_stamp, print_json, shown
from tui.cli.session import open_session
from tui.core.text.counted import counted

_FLAGS = {"all": "--all", "any": "--any", "none": "--none", "categories": "--category",
          "feeds": "--feed", "notify": "--notify", "command": "--command", "name": "NAME"}


def register(commands: argparse._SubParsersAction) -> None:
    alerts = commands.add_parser("alerts", help="the alert rules and their hits")
    alerts.add_argument("--json", action="store_true")
    alerts.set_defaults(run=cmd_alerts)

    alert = commands.add_parser("alert", help="add or remove an alert rule in feeds.toml")
    alert_commands = alert.add_subparsers(dest="alert_command", metavar="add|rm", required=True)
    add = alert_commands.add_parser("add", help="add (or replace) a rule")
    add.add_argument("name")
    for flag, dest, text in (("--all", "all", "every one of these must match"),
                             ("--any", "any", "at least one of these must match"),
                             ("--none", "none", "none of these may match"),
                             ("--category", "category", "any term of this watch category"),
                             ("--feed", "feed", "only these feeds or tags"),
                             ("--notify", "notify", "toast, bell, desktop, command")):
        add.add_argument(flag, dest=dest, action="append", default=[], metavar="T", help=text)
    add.add_argument("--command", dest="command_argv", nargs=argparse.REMAINDER, metavar="ARG",
                     help="argv to run on each hit (implies --notify command); put it last")
    add.set_defaults(run=cmd_alert_add)
    remove = alert_commands.add_parser("rm", help="remove a rule")
    remove.add_argument("name")
    remove.set_defaults(run=cmd_alert_rm)


def cmd_alerts(args: argparse.Namespace) -> int:
    from tui.core.cache.hits import hit_counts, list_hits, unseen_hits

    session = open_session(args, read_only_ok=True)
    try:
        counts = hit_counts(session.store)
        hits = list_hits(session.store, limit=None if args.json else 50)
        unseen = unseen_hits(session.store)
        rules = session.config.alerts
    finally:
        session.close()
    if args.json:
        print_json({
            "alerts": [dict(rule.to_json(), hits=counts.get(rule.name, 0)) for rule in rules],
            "hits": [dict(hit.to_json(), seen=(hit.alert, hit.row_id) not in unseen)
                     for hit in hits],
        })
        return 0
    if not rules:
        print("no alerts configured (add one with `wirewatch alert add NAME --all TERM`)")
    for rule in rules:
        parts = [f"{key}={'|'.join(getattr(rule, key))}"
                 for key in ("all", "any", "none", "categories", "feeds") if getattr(rule, key)]
        print(f"{shown(rule.name, quote=False)}: {counted(counts.get(rule.name, 0), 'hit')}  "
              f"({shown('; '.join(parts), quote=False)})")
    if hits:
        print()
    for hit in hits:
        new = "*" if (hit.alert, hit.row_id) in unseen else " "
        print(f"{local_stamp(hit.fired_at)}{new} {shown(hit.alert, quote=False)}: "
              f"{shown(hit.title, quote=False)}"
              f"  [{hit.uid}]")
    return 0


def cmd_alert_add(args: argparse.Namespace) -> int:
    from tui.core.cache.hits import hit_counts
    from tui.core.config.load import load_config, resolve_config_path
    from tui.core.config.model import AlertRule
    from tui.core.config.rules import rule_problem

    # The argv of --command: `command_argv` (its own dest: `command` is the subcommand's).
    argv = tuple(getattr(args, "command_argv", None) or ())
    notify = tuple(dict.fromkeys(args.notify)) if args.notify else AlertRule.notify
    if argv and "command" not in notify:
        notify += ("command",)  # a command given is a command meant to run
    rule = AlertRule(name=args.name, all=tuple(args.all), any=tuple(args.any),
                     none=tuple(args.none), categories=tuple(args.category),
                     feeds=tuple(args.feed), notify=notify, command=argv)
    config = load_config(resolve_config_path(args.config))
    existing = any(r.name == args.name for r in config.alerts)
    problem = rule_problem(rule, categories=[c.name for c in config.watch], feeds=config.feeds,
                           taken=[r.name for r in config.alerts if r.name != args.name],
                           label=_FLAGS.__getitem__)
    if problem is not None:     # refused before anything is written or opened
        flag = _FLAGS[problem.field]    # named once: some messages start with it already
        raise UsageError(problem.message if problem.message.startswith(flag)
                         else f"{flag}: {problem.message}")
    session = open_session(args, config=config)
    try:
        applied = session.apply(session.save_rule(rule, replace=args.name if existing else None))
        new = [hit for hit in applied.hits if hit.alert == args.name]
        total = hit_counts(session.store).get(args.name, 0)
    finally:
        session.close()
    verb = "updated in" if existing else "added to"
    print(f"alert {args.name!r} {verb} {config.path}; {counted(len(new), 'cached item')} newly "
          f"match{'es' if len(new) == 1 else ''} it ({counted(total, 'hit')} in all)")
    return 0


def cmd_alert_rm(args: argparse.Namespace) -> int:
    from tui.core.config.load import load_config, resolve_config_path

    config = load_config(resolve_config_path(args.config))
    if not any(rule.name == args.name for rule in config.alerts):
        raise UsageError(f"no alert named {args.name!r} in {config.path}")
    session = open_session(args, config=config)
    try:
        session.apply(session.delete_rule(args.name))
    finally:
        session.close()
    print(f"alert {args.name!r} removed from {config.path}")
    return 0
