"""The command line: parse arguments, ask the core, print text or JSON, exit 0/1/2.

Exit status: 0 done (also when some feeds failed: they are reported), 1 runtime failure,
2 usage or configuration error. Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from typing import Callable, Sequence

from tui import __version__
from tui.core.config.load import ConfigError, load_config, resolve_config_path
from tui.core.cache.schema import SchemaTooNew


class UsageError(Exception):
    """Wrong arguments: exit status 2."""


class RuntimeFailure(Exception):
    """The command could not do its job: exit status 1."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wirewatch",
        description="Watch news feeds for the places and people you follow.")
    parser.add_argument("--version", action="version", version=f"wirewatch {__version__}")
    parser.add_argument("--config", metavar="PATH",
                        help="feeds.toml to use (default: $WIREWATCH_CONFIG, else ./feeds.toml)")
    parser.add_argument("--cache", metavar="DIR",
                        help="cache folder (default: $WIREWATCH_CACHE, else cache/ beside the config)")
    parser.add_argument("--offline", action="store_true",
                        help="dashboard: show the cache without fetching")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    commands.add_parser("demo", help="the dashboard on a bundled sample news site on 127.0.0.1, "
                        "with a temporary cache")
    commands.add_parser("check", help="validate the configuration and print a summary")
    fetch = commands.add_parser("fetch", help="fetch every feed once and report per feed")
    fetch.add_argument("--json", action="store_true")

    headlines = commands.add_parser("headlines", help="list cached items, newest first")
    headlines.add_argument("--feed", action="append", default=[], metavar="F",
                           help="a feed name or tag (repeatable)")
    headlines.add_argument("--match", metavar="NAME_OR_CATEGORY",
                           help="only items mentioning this watched name or category")
    headlines.add_argument("--search", metavar="TEXT", help="full-text search")
    headlines.add_argument("--alerted", action="store_true", help="only items that fired alerts")
    headlines.add_argument("--limit", type=int, default=50, metavar="N",
                           help="how many (0 = all; default 50)")
    headlines.add_argument("--json", action="store_true")

    article = commands.add_parser("article", help="full text of an item, matches marked")
    article.add_argument("id")
    article.add_argument("--json", action="store_true")

    diff = commands.add_parser("diff", help="side by side: two versions of one item")
    diff.add_argument("id")
    diff.add_argument("--from", dest="from_", type=int, metavar="N", help="older version")
    diff.add_argument("--to", type=int, metavar="M", help="newer version (default: the last)")
    diff.add_argument("--json", action="store_true")

    compare = commands.add_parser("compare", help="side by side: two different items")
    compare.add_argument("id1")
    compare.add_argument("id2")
    compare.add_argument("--json", action="store_true")

    related = commands.add_parser("related", help="other outlets' items on the same story")
    related.add_argument("id")
    related.add_argument("--json", action="store_true")

    alerts = commands.add_parser("alerts", help="the alert rules and their hits")
    alerts.add_argument("--json", action="store_true")
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
    remove = alert_commands.add_parser("rm", help="remove a rule")
    remove.add_argument("name")

    watch = commands.add_parser("watch", help="headless: refresh every period, print new hits")
    watch.add_argument("--json", action="store_true")
    watch.add_argument("--once", action="store_true", help="one refresh, then exit")

    opml_in = commands.add_parser("import-opml", help="add the feeds of an OPML file to feeds.toml")
    opml_in.add_argument("file", metavar="FILE")
    commands.add_parser("export-opml", help="print the configured feeds as OPML")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    handler = HANDLERS.get(args.command or "dashboard")
    try:
        return handler(args)
    except ConfigError as error:
        print(str(error), file=sys.stderr)
        return 2
    except UsageError as error:
        print(f"wirewatch: {error}", file=sys.stderr)
        return 2
    except (RuntimeFailure, SchemaTooNew) as error:
        print(f"wirewatch: {error}", file=sys.stderr)
        return 1
    except sqlite3.Error as error:
        print(f"wirewatch: cache error: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"wirewatch: {error.strerror or error}: {error.filename or ''}".rstrip(": "),
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _print_json(data: object) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _open(args):
    from tui.core.session import open_session

    return open_session(args.config, args.cache)


# --- commands --------------------------------------------------------------------------------

def cmd_check(args) -> int:
    path = resolve_config_path(args.config)
    config = load_config(path)
    terms = sum(len(c.terms) for c in config.watch)
    print(f"{path}: ok")
    print(f"  {len(config.feeds)} feeds, {len(config.watch)} watch categories ({terms} terms), "
          f"{len(config.alerts)} alerts, {len(config.keys)} key bindings")
    languages = sorted({f.language for f in config.feeds if f.language})
    if languages:
        print(f"  languages: {', '.join(languages)}")
    s = config.settings
    print(f"  refresh every {s.refresh_minutes:g} min, timeout {s.timeout_seconds:g} s, "
          f"concurrency {s.concurrency}, full text: {s.full_text}, keep {s.keep_days} days")
    for category in config.watch:
        names = ", ".join(t.name for t in category.terms)
        print(f"  watch.{category.name}: {names}")
    if config.keys:
        from tui.commands import action_ids  # the dashboard's action names

        unknown = sorted(set(config.keys) - action_ids())
        if unknown:
            print(f"  warning: [keys] names no action {', '.join(unknown)} "
                  "(the names are listed by ? in the dashboard)")
    return 0


def cmd_fetch(args) -> int:
    session = _open(args)
    try:
        report = session.engine.refresh_sync(force=True)
    finally:
        session.close()
    if args.json:
        _print_json({
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
        print(f"ALERT {hit.alert}: {hit.title} [{hit.item}]")
    failed = len(report.failed)
    print(f"{len(report.feeds)} feeds in {report.seconds:.2f} s"
          + (f", {failed} failed" if failed else ""))
    return 0


def cmd_headlines(args) -> int:
    from tui.core.cache.query import HeadlineFilter, list_headlines, resolve_match

    if args.limit < 0:
        raise UsageError("--limit must be 0 (all) or more")
    session = _open(args)
    try:
        feeds: tuple[str, ...] = ()
        if args.feed:
            selected = session.config.feeds_matching(tuple(args.feed))
            unknown = [f for f in args.feed if not session.config.feeds_matching((f,))]
            if unknown:
                raise UsageError(f"no feed or tag named {unknown[0]!r}")
            feeds = tuple(sorted(selected))
        match = resolve_match(session.store, args.match) if args.match else None
        flt = HeadlineFilter(feeds=feeds, match=match, search=args.search,
                             alerted=args.alerted)
        items = list_headlines(session.store, flt, limit=args.limit or None)
    finally:
        session.close()
    if args.json:
        _print_json({"items": [item.to_json() for item in items]})
        return 0
    if not items:
        print("no cached items match (fetch with `wirewatch fetch`)", file=sys.stderr)
    for item in items:
        when = item.when.astimezone().strftime("%Y-%m-%d %H:%M")
        mark = "!" if item.alerts else ("*" if item.matches else " ")
        estimated = " " if item.date_known else "~"
        print(f"{when}{estimated}{mark} {item.feed[:18]:<18} {item.title}  [{item.id}]")
    return 0


def cmd_import_opml(args) -> int:
    from tui.core.ingest.opml import read_opml
    from tui.core.config.edit import add_feeds

    path = resolve_config_path(args.config)
    try:
        with open(args.file, "rb") as handle:
            found = read_opml(handle.read())
    except ValueError as error:
        raise UsageError(f"{args.file}: {error}") from None
    added, skipped = add_feeds(path, found)
    print(f"{args.file}: {len(added)} feeds added to {path}"
          + (f", {skipped} already there" if skipped else ""))
    return 0


def cmd_export_opml(args) -> int:
    from tui.core.ingest.opml import write_opml

    config = load_config(resolve_config_path(args.config))
    sys.stdout.write(write_opml(config.feeds))
    return 0


def cmd_dashboard(args) -> int:
    from tui.app import run_dashboard

    session = _open(args)
    try:
        run_dashboard(session, offline=args.offline)
    finally:
        session.close()
    return 0


def cmd_demo(args) -> int:
    from tui.app import run_demo

    run_demo()
    return 0


def _item_command(name: str):
    def run(args) -> int:
        from tui.cli import items as cli_items

        try:
            return getattr(cli_items, f"cmd_{name}")(args, _print_json)
        except cli_items.ItemError as error:
            raise RuntimeFailure(str(error)) from None
    return run


def _alert_command(name: str):
    def run(args) -> int:
        from tui.cli import alerts as cli_alerts

        return getattr(cli_alerts, f"cmd_{name}")(args, _print_json)
    return run


HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "article": _item_command("article"),
    "diff": _item_command("diff"),
    "compare": _item_command("compare"),
    "related": _item_command("related"),
    "alerts": _alert_command("alerts"),
    "alert": _alert_command("alert"),
    "watch": _alert_command("watch"),
    "check": cmd_check,
    "fetch": cmd_fetch,
    "headlines": cmd_headlines,
    "import-opml": cmd_import_opml,
    "export-opml": cmd_export_opml,
    "dashboard": cmd_dashboard,
    "demo": cmd_demo,
}
