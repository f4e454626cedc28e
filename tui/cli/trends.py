"""`wirewatch trends`: how often each watched name was in the news, per day or per hour,
as a line of bars per name (or JSON), read from the same counts as the dashboard's."""

from __future__ import annotations

import argparse
import shutil
from typing import TYPE_CHECKING

from tui.cli.errors import UsageError
from tui.cli.render import category_colours, note, print_json, shown, styled
from tui.cli.session import open_session, watched_or_usage_error

if TYPE_CHECKING:
    from tui.core.config.model import Config
    from tui.core.trends import Series, Trends

DEFAULT_DAYS = {"day": 14, "hour": 2}
NAME_WIDTH = 18
_RESET = "\x1b[0m"


def register(commands: argparse._SubParsersAction) -> None:
    trends = commands.add_parser("trends", help="mentions of the watched names over time")
    trends.add_argument("--days", type=int, metavar="N",
                        help="how far back (default: 14 per day, 2 per hour)")
    trends.add_argument("--bucket", choices=("hour", "day"), default="day",
                        help="count per day (default) or per hour")
    trends.add_argument("--match", action="append", default=[], metavar="NAME",
                        help="only this watched name or category (any spelling; repeat for more)")
    trends.add_argument("--json", action="store_true")
    trends.set_defaults(run=cmd_trends)


def cmd_trends(args: argparse.Namespace) -> int:
    from tui.core.trends import MAX_BUCKETS, read_trends

    days = args.days if args.days is not None else DEFAULT_DAYS[args.bucket]
    per_day = 24 if args.bucket == "hour" else 1
    if not 1 <= days * per_day <= MAX_BUCKETS:
        raise UsageError(f"--days must be from 1 to {MAX_BUCKETS // per_day} "
                         f"for --bucket {args.bucket}")
    count = days * per_day
    session = open_session(args, read_only_ok=True)
    try:
        only = None
        if args.match:
            only = {watched_or_usage_error(session, typed).filter_key for typed in args.match}
        trends = read_trends(session.store, session.config.watch, bucket=args.bucket,
                             count=count, only=only)
        config = session.config
    finally:
        session.close()
    if args.json:
        print_json(trends.to_json())
    else:
        _print_chart(trends, config)
    if not trends.series:
        note("the watchlist is empty: add [watch] categories to feeds.toml")
    return 0


def _print_chart(trends: Trends, config: Config) -> None:
    """A heading, then per series: name, bars, total and the latest bucket's count (↑ when
    it is a sudden rise)."""
    from tui.core.trends import spark

    first, last = trends.starts[0], trends.starts[-1]
    if trends.bucket == "day":
        span = f"per day, {first:%d %b} – {last:%d %b %Y}"
        latest = "today"
    else:
        span = f"per hour, {first:%d %b %H:00} – {last:%d %b %H:00}"
        latest = "this hour"
    print(f"Items mentioning each watched name, {span} (local time)")
    columns = shutil.get_terminal_size((100, 24)).columns
    width = max(7, min(len(trends.starts), columns - NAME_WIDTH - 24))
    colours = category_colours(config) if styled() else {}
    for series in trends.series:
        bars = spark(series.counts, width)
        colour = colours.get(series.category, "")
        if colour:
            bars = f"{colour}{bars}{_RESET}"
        label = _label(series)
        rise = " ↑" if series.rising else ""
        print(f"{label:<{NAME_WIDTH}} {bars} {series.total:>6,}  {latest} {series.latest:,}{rise}")
    if trends.hits:
        rules = sorted({rule for _, rule in trends.hits})
        listed = shown(", ".join(rules), quote=False)
        print(f"alert hits in the period: {len(trends.hits):,} ({listed})")


def _label(series: Series) -> str:
    text = series.name if series.kind == "category" else f"  {series.name}"
    text = shown(text, quote=False)
    return text if len(text) <= NAME_WIDTH else text[:NAME_WIDTH - 1] + "…"
