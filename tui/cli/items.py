"""Commands that read cached items: headlines, article, diff, compare, related."""

from __future__ import annotations

import argparse
import asyncio
from typing import TYPE_CHECKING

from tui.cli.errors import RuntimeFailure, UsageError
from tui.cli.render import marked_text, print_json, side_by_side
from tui.cli.session import open_session

if TYPE_CHECKING:
    from tui.core.text.articles import Diff


def register(commands: argparse._SubParsersAction) -> None:
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
    headlines.set_defaults(run=cmd_headlines)

    article = commands.add_parser("article", help="full text of an item, matches marked")
    article.add_argument("id")
    article.add_argument("--json", action="store_true")
    article.set_defaults(run=cmd_article)

    diff = commands.add_parser("diff", help="side by side: two versions of one item")
    diff.add_argument("id")
    diff.add_argument("--from", dest="from_", type=int, metavar="N", help="older version")
    diff.add_argument("--to", type=int, metavar="M", help="newer version (default: the last)")
    diff.add_argument("--json", action="store_true")
    diff.set_defaults(run=cmd_diff)

    compare = commands.add_parser("compare", help="side by side: two different items")
    compare.add_argument("id1")
    compare.add_argument("id2")
    compare.add_argument("--json", action="store_true")
    compare.set_defaults(run=cmd_compare)

    related = commands.add_parser("related", help="other outlets' items on the same story")
    related.add_argument("id")
    related.add_argument("--json", action="store_true")
    related.set_defaults(run=cmd_related)


def cmd_headlines(args: argparse.Namespace) -> int:
    from tui.core.cache.query import ItemFilter, list_items, resolve_match

    if args.limit < 0:
        raise UsageError("--limit must be 0 (all) or more")
    session = open_session(args, read_only_ok=True)
    try:
        feeds: tuple[str, ...] = ()
        if args.feed:
            unknown = [f for f in args.feed if not session.config.feeds_matching((f,))]
            if unknown:
                raise UsageError(f"no feed or tag named {unknown[0]!r}")
            feeds = tuple(sorted(session.config.feeds_matching(tuple(args.feed))))
        match = resolve_match(session.store, args.match) if args.match else None
        flt = ItemFilter(feeds=feeds, match=match, search=args.search, alerted=args.alerted)
        # 0 is "all", and so is any limit beyond what SQLite can count to.
        limit = args.limit if 0 < args.limit < 2 ** 62 else None
        items = list_items(session.store, flt, limit=limit)
    finally:
        session.close()
    if args.json:
        print_json({"items": [item.to_json() for item in items]})
        return 0
    if not items:
        import sys

        print("no cached items match (fetch with `wirewatch fetch`)", file=sys.stderr)
    for item in items:
        when = item.when.astimezone().strftime("%Y-%m-%d %H:%M")
        mark = "!" if item.alerts else ("*" if item.matches else " ")
        estimated = " " if item.date_known else "~"
        print(f"{when}{estimated}{mark} {item.feed[:18]:<18} {item.title}  [{item.uid}]")
    return 0


def cmd_article(args: argparse.Namespace) -> int:
    from tui.core.text.articles import NotFound, get_item, load_article

    session = open_session(args, read_only_ok=True)
    try:
        item = get_item(session.store, args.id)
        article = load_article(session.store, item.uid)
        if (not args.offline and not session.store.read_only and article.text_source != "page"
                and item.link):
            asyncio.run(session.fetch_text(item.row_id))
            article = load_article(session.store, item.uid)
    except NotFound as error:
        raise RuntimeFailure(str(error)) from None
    finally:
        session.close()
    if args.json:
        print_json(article.to_json())
        return 0
    it = article.item
    when = it.when.astimezone().strftime("%Y-%m-%d %H:%M") if it.when else "unknown"
    print(it.title)
    print(f"{it.feed} · {when} · {it.versions} version(s) · text from {article.text_source}")
    if article.text_note:
        print(f"(not the page's text: {article.text_note})" if article.text_source == "feed"
              else f"(the page was read again: {article.text_note})")
    if it.link:
        print(it.link)
    print()
    spans = [(m.start, m.end) for m in article.matches
             if m.field == ("text" if article.text_source == "page" else "summary")]
    print(marked_text(article.text, spans) if spans else article.text)
    return 0


def _print_diff(diff: Diff, args: argparse.Namespace) -> int:
    from tui.core.text.diff import diff_stats

    if args.json:
        print_json(diff.to_json())
        return 0
    if diff.same_item:
        left, right = (f"{side.feed} v{side.version}" for side in (diff.left, diff.right))
    else:
        left, right = (f"{side.feed} [{side.uid}]" for side in (diff.left, diff.right))
    print(side_by_side(diff.rows, left, right))
    print(diff_stats(diff.rows).describe())
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from tui.core.text.articles import NotFound, diff_versions

    session = open_session(args, read_only_ok=True)
    try:
        diff = diff_versions(session.store, args.id, older=args.from_, newer=args.to)
    except NotFound as error:
        raise RuntimeFailure(str(error)) from None
    finally:
        session.close()
    return _print_diff(diff, args)


def cmd_compare(args: argparse.Namespace) -> int:
    from tui.core.text.articles import NotFound, compare_items

    session = open_session(args, read_only_ok=True)
    try:
        diff = compare_items(session.store, args.id1, args.id2)
    except NotFound as error:
        raise RuntimeFailure(str(error)) from None
    finally:
        session.close()
    return _print_diff(diff, args)


def cmd_related(args: argparse.Namespace) -> int:
    from tui.core.text.articles import NotFound, get_item
    from tui.core.text.related import find_related

    session = open_session(args, read_only_ok=True)
    try:
        found = find_related(session.store, get_item(session.store, args.id).row_id)
    except NotFound as error:
        raise RuntimeFailure(str(error)) from None
    finally:
        session.close()
    if args.json:
        print_json({"items": [r.to_json() for r in found]})
        return 0
    if not found:
        print("no related coverage in the cache")
    for related in found:
        label = " (wire copy)" if related.wire_copy else ""
        print(f"{related.score:4.2f}  {related.feed[:18]:<18} {related.title}{label}  "
              f"[{related.uid}]")
    return 0
