"""Commands about the setup itself: check the configuration, feeds in and out as OPML, and
`repair` for the cache."""

from __future__ import annotations

import argparse
import sys

from tui.cli.errors import ExitStatus, UsageError


def register(commands: argparse._SubParsersAction) -> None:
    commands.add_parser("check", help="validate the configuration and print a summary"
                        ).set_defaults(run=cmd_check)
    opml_in = commands.add_parser("import-opml", help="add the feeds of an OPML file to feeds.toml")
    opml_in.add_argument("file", metavar="FILE")
    opml_in.set_defaults(run=cmd_import_opml)
    commands.add_parser("export-opml", help="print the configured feeds as OPML"
                        ).set_defaults(run=cmd_export_opml)
    commands.add_parser("repair", help="check the cache's integrity and rebuild its search index"
                        ).set_defaults(run=cmd_repair)


def cmd_check(args: argparse.Namespace) -> int:
    """Validate feeds.toml (its [keys] included) without opening the cache or the dashboard."""
    from tui.core.config.load import load_config, resolve_config_path

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
    return 0


def cmd_import_opml(args: argparse.Namespace) -> int:
    from tui.core.config.edit import add_feeds
    from tui.core.config.load import resolve_config_path
    from tui.core.ingest.opml import read_opml

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


def cmd_export_opml(args: argparse.Namespace) -> int:
    from tui.core.config.load import load_config, resolve_config_path
    from tui.core.ingest.opml import write_opml

    config = load_config(resolve_config_path(args.config))
    sys.stdout.write(write_opml(config.feeds))
    return 0


def cmd_repair(args: argparse.Namespace) -> int:
    from tui.cli.session import open_session
    from tui.core.cache.upkeep import repair

    session = open_session(args)
    try:
        report = repair(session.store)
    finally:
        session.close()
    for problem in report.problems:
        print(f"integrity: {problem}")
    state = "was damaged, rebuilt" if report.index_was_damaged else "rebuilt"
    print(f"{session.store.path}: {'ok' if not report.problems else 'problems above'}; "
          f"search index {state} ({report.items_indexed:,} items)")
    return ExitStatus.FAILURE if report.problems else ExitStatus.OK
