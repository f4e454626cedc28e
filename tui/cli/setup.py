"""Commands about the setup itself: write the starter configuration, check it, feeds in and
out as OPML, and `repair` for the cache."""

from __future__ import annotations

import argparse
import shlex
import sys

from tui.cli.errors import ExitStatus, UsageError
from tui.cli.render import note, shown
from tui.core.text.counted import counted, plural


def register(commands: argparse._SubParsersAction) -> None:
    init = commands.add_parser("init", help="write the starter feeds.toml to your config folder "
                               "(or to --config PATH); never overwrites without --force")
    init.add_argument("--force", action="store_true", help="replace an existing file")
    # Also after the command (`wirewatch init --config PATH`); SUPPRESS keeps the global one.
    init.add_argument("--config", default=argparse.SUPPRESS, metavar="PATH",
                      help="where to write (default: $WIREWATCH_CONFIG, else your config folder)")
    init.set_defaults(run=cmd_init)
    commands.add_parser("check", help="validate the configuration and print a summary"
                        ).set_defaults(run=cmd_check)
    opml_in = commands.add_parser("import-opml", help="add the feeds of an OPML file to feeds.toml")
    opml_in.add_argument("file", metavar="FILE")
    opml_in.set_defaults(run=cmd_import_opml)
    commands.add_parser("export-opml", help="print the configured feeds as OPML"
                        ).set_defaults(run=cmd_export_opml)
    commands.add_parser("repair", help="check the cache's integrity and rebuild its search index"
                        ).set_defaults(run=cmd_repair)


def cmd_init(args: argparse.Namespace) -> int:
    """Write the shipped starter where the lookup will find it, and say what comes next."""
    from pathlib import Path

    from tui.core.config.paths import (
        CONFIG_NAME,
        init_target,
        resolve_cache_dir,
        write_starter,
    )

    target = init_target(args.config)
    try:
        write_starter(target, force=args.force)
    except FileExistsError:
        raise UsageError(f"{target} already exists (add --force to replace it)") from None
    command = f"wirewatch --config {shlex.quote(str(target))}" if args.config else "wirewatch"
    print(f"wrote the starter feeds.toml to {target}")
    print(f"  its cache: {resolve_cache_dir(args.cache, target)}")
    print(f"  next: `{command} check` to review it, then `{command}` for the dashboard")
    local = Path(CONFIG_NAME)
    if not args.config and local.is_file() and local.resolve() != target.resolve():
        note(f"{local.resolve()} is found first from this folder (lookup: --config, "
             "$WIREWATCH_CONFIG, ./feeds.toml, then your config folder)")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Validate feeds.toml (its [keys] included) without opening the cache or the dashboard."""
    from tui.core.config.load import load_config, resolve_config_path

    path = resolve_config_path(args.config)
    config = load_config(path)
    terms = sum(len(c.terms) for c in config.watch)
    print(f"{path}: ok")
    print(f"  {counted(len(config.feeds), 'feed')}, "
          f"{counted(len(config.watch), 'watch category', 'watch categories')} "
          f"({counted(terms, 'term')}), {counted(len(config.alerts), 'alert')}, "
          f"{counted(len(config.keys), 'key binding')}")
    languages = sorted({f.language for f in config.feeds if f.language})
    if languages:
        print(f"  languages: {', '.join(languages)}")
    s = config.settings
    print(f"  refresh every {s.refresh_minutes:g} min, timeout {s.timeout_seconds:g} s, "
          f"concurrency {s.concurrency}, full text: {s.full_text}, "
          f"keep {counted(s.keep_days, 'day')}")
    for category in config.watch:
        names = ", ".join(t.name for t in category.terms)
        print(f"  watch.{shown(category.name, quote=False)}: {shown(names, quote=False)}")
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
    for problem in found.problems:
        print(f"{args.file}: {problem}", file=sys.stderr)
    added, skipped = add_feeds(path, found)
    print(f"{args.file}: {counted(len(added), 'feed')} added to {path}"
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
          f"search index {state} ({report.items_indexed:,} {plural(report.items_indexed, 'item')})")
    return ExitStatus.FAILURE if report.problems else ExitStatus.OK
