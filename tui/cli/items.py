"""Commands that read cached items: headlines, article, diff, compare, related."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from tui.cli.errors import UsageError
from tui.cli.render import fit, marked_matches, note, print_json, shown, side_by_side
from tui.cli.session import (
    group_stories_first,
    open_session,
    reading_items,
    watched_or_usage_error,
)
from tui.core.ingest.sanitize import printable
from tui.core.text.counted import plural

if TYPE_CHECKING:
    from tui.core.cache.query import Item
    from tui.core.config.model import Config
    from tui.core.names.resolve import Watched
    from tui.core.text.articles import Diff


def register(commands: argparse._SubParsersAction) -> None:
    headlines = commands.add_parser("headlines", help="list cached items, newest first")
    headlines.add_argument("--feed", action="append", default=[], metavar="F",
                           help="a feed name or tag (repeatable)")
    headlines.add_argument("--match", metavar="NAME_OR_CATEGORY",
                           help="only items mentioning this watched name (any spelling, script "
                                "or alias: Krim, Крим) or any name of this watch category")
    headlines.add_argument("--search", metavar="TEXT", help="full-text search")
    headlines.add_argument("--alerted", action="store_true", help="only items that fired alerts")
    headlines.add_argument("--unread", action="store_true",
                           help="only unread items (as marked in the dashboard)")
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

    related = commands.add_parser(
        "related", help="the other outlets' items of the same story, best first, with the reasons")
    related.add_argument("id")
    related.add_argument("--json", action="store_true")
    related.set_defaults(run=cmd_related)


def cmd_headlines(args: argparse.Namespace) -> int:
    from tui.core.cache.query import ItemFilter, item_count, list_items

    if args.limit < 0:
        raise UsageError("--limit must be 0 (all) or more")
    session = open_session(args, read_only_ok=True)
    try:
        feeds = _selected_feeds(session.config, args.feed)
        watched = watched_or_usage_error(session, args.match) if args.match is not None else None
        if watched is not None:
            note(f"matching {watched.describe()}")
        flt = ItemFilter(feeds=feeds, match=watched.filter_key if watched else None,
                         search=args.search, alerted=args.alerted, unread_only=args.unread)
        # 0 is "all", and so is any limit beyond what SQLite can count to.
        limit = args.limit if 0 < args.limit < 2 ** 62 else None
        items = list_items(session.store, flt, limit=limit)
        cached = item_count(session.store) if not items else 0
    finally:
        session.close()
    if args.json:
        print_json({"items": [item.to_json() for item in items]})
    else:
        _print_headlines(items)
    if not items:
        note(_nothing_found(args, watched, cached))
    return 0


def _print_headlines(items: list[Item]) -> None:
    """One line per item: local time (~ when estimated), ! alert or * watched name, feed,
    title, id. Feed text passes `printable`: it goes to a terminal."""
    for item in items:
        when = item.when.astimezone().strftime("%Y-%m-%d %H:%M")
        mark = "!" if item.alerts else ("*" if item.matches else " ")
        estimated = " " if item.date_known else "~"
        feed, title = printable(item.feed, one_line=True), printable(item.title, one_line=True)
        print(f"{when}{estimated}{mark} {fit(feed, 18)} {title}  [{item.uid}]")


def _selected_feeds(config: Config, wanted: list[str]) -> tuple[str, ...]:
    """The feed names `--feed` selects (names or tags); an unknown one is a usage error that
    lists what there is."""
    if not wanted:
        return ()
    unknown = [name for name in wanted if not config.feeds_matching((name,))]
    if unknown:
        tags = sorted({tag for feed in config.feeds for tag in feed.tags})
        known = ", ".join(feed.name for feed in config.feeds) or "no feeds"
        raise UsageError(f"no feed or tag named {shown(unknown[0])} (feeds: {known}"
                         + (f"; tags: {', '.join(tags)})" if tags else ")"))
    return tuple(sorted(config.feeds_matching(tuple(wanted))))


def _nothing_found(args: argparse.Namespace, watched: Watched | None, cached: int) -> str:
    """Why the list is empty, in the words of the filters: only an empty cache is a reason
    to fetch (a filter that finds nothing in a full cache is not)."""
    if cached == 0:
        return "the cache is empty: fetch with `wirewatch fetch`"
    subject = "no " + ("unread " if args.unread else "") + "cached item"
    if args.feed:
        subject += " from " + " or ".join(shown(name, quote=False) for name in args.feed)
    says = []
    if watched is not None:
        says.append(f"mentions {watched.name}" if watched.name is not None
                    else f"mentions a name of the category {watched.category}")
    if args.search is not None:
        says.append(f"contains {shown(args.search)}")
    if args.alerted:
        says.append("fired an alert")
    return (" ".join([subject, " and ".join(says)]).rstrip()
            + f" (the cache has {cached:,} {plural(cached, 'item')})")


def cmd_article(args: argparse.Namespace) -> int:
    from tui.core.text.articles import get_item, load_article

    with reading_items(args) as session:
        item = get_item(session.store, args.id)
        article = load_article(session.store, item.uid)
        if (not args.offline and not session.store.read_only and article.text_source != "page"
                and item.link):
            import asyncio

            asyncio.run(session.fetch_text(item.row_id))
            article = load_article(session.store, item.uid)
    if args.json:
        print_json(article.to_json())
        return 0
    it = article.item
    when = it.when.astimezone().strftime("%Y-%m-%d %H:%M") if it.when else "unknown"
    print(printable(it.title, one_line=True))
    print(f"{printable(it.feed, one_line=True)} · {when} · {it.versions} version(s) · "
          f"text from {article.text_source}")
    if article.text_note:
        reason = printable(article.text_note, one_line=True)
        print(f"(not the page's text: {reason})" if article.text_source == "feed"
              else f"(the page was read again: {reason})")
    if it.link:
        print(printable(it.link, one_line=True))
    print()
    # Names found afresh in what is printed: the stored matches' offsets are those of the
    # summary and the page text, and the text shown may be the feed's content.
    if standfirst := article.standfirst:
        print(marked_matches(standfirst, session.watcher.find(standfirst, "summary"),
                             session.config))
        print()
    print(marked_matches(article.text, session.watcher.find(article.text, "text"),
                         session.config))
    return 0


def _print_diff(diff: Diff, args: argparse.Namespace, *, one_version: bool = False) -> int:
    from tui.core.text.articles import ONE_VERSION
    from tui.core.text.diff import diff_stats

    if args.json:
        print_json(diff.to_json())
        return 0
    if diff.same_item:
        left, right = (f"{side.feed} v{side.version}" for side in (diff.left, diff.right))
    else:
        left, right = (f"{side.feed} [{side.uid}]" for side in (diff.left, diff.right))
    print(side_by_side(diff.rows, left, right))
    print(ONE_VERSION if one_version else diff_stats(diff.rows).describe())
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from tui.core.text.articles import diff_versions

    with reading_items(args) as session:
        diff = diff_versions(session.store, args.id, older=args.from_, newer=args.to)
    # The last two versions, and they are one: say so, as the diff screen does.
    one_version = args.from_ is None and args.to is None and \
        diff.left.version == diff.right.version
    return _print_diff(diff, args, one_version=one_version)


def cmd_compare(args: argparse.Namespace) -> int:
    """Same language: the word diff. Two languages: the facts table, then the sentences
    aligned by the facts they share (tui.core.stories.compare)."""
    from tui.core.stories.compare import compare_reports

    with reading_items(args) as session:
        comparison = compare_reports(session.store, args.id1, args.id2)
    if args.json:
        print_json(comparison.to_json())
        return 0
    if not comparison.by_facts:
        return _print_diff(comparison.diff, args)
    _print_facts(comparison)
    diff = comparison.diff
    print(side_by_side(diff.rows, *(f"{s.feed} [{s.uid}]" for s in (diff.left, diff.right))))
    print(comparison.summary())
    return 0


FACT_STATUS = {"both": "both", "left": "left only", "right": "right only",
               "differs": "DIFFERS"}


def _print_facts(comparison) -> None:
    """The facts table: each name, place and number, as each report writes it."""
    left, right = comparison.languages
    print(f"facts ({left or '?'} | {right or '?'}): names, places and numbers of both reports")
    width = max([len(printable(f.left or '-', one_line=True)) for f in comparison.facts] + [4])
    for fact in comparison.facts:
        mine = printable(fact.left or "-", one_line=True)
        theirs = printable(fact.right or "-", one_line=True)
        print(f"  {fact.kind:<6} {mine:<{min(width, 30)}} | {theirs:<30} "
              f"{FACT_STATUS.get(fact.status, fact.status)}")
    if not comparison.facts:
        print("  (no names, places or numbers found)")
    print()


def cmd_related(args: argparse.Namespace) -> int:
    from tui.core.stories.related import find_related
    from tui.core.text.articles import get_item

    with reading_items(args) as session:
        group_stories_first(session)
        found = find_related(session.store, get_item(session.store, args.id).row_id,
                             settle_limit=0)
    if args.json:
        print_json({"items": [r.to_json() for r in found]})
        return 0
    if not found:
        print("no related coverage in the cache")
    for related in found:
        label = " (wire copy)" if related.wire_copy else ""
        feed = fit(printable(related.feed, one_line=True), 18)
        print(f"{related.score:4.2f}  {feed} {printable(related.title, one_line=True)}"
              f"{label}  [{related.uid}]")
        print(f"{'':6}{printable(' · '.join(related.reasons), one_line=True)}")
    return 0
