"""Commands about single items: article, diff, compare, related."""

from __future__ import annotations

import asyncio

from tui.cli.render import marked_text, side_by_side
from tui.core.text.articles import DiffView, NotFound, compare_items, diff_versions, get_item, \
    load_article
from tui.core.text.diff import diff_stats
from tui.core.text.related import find_related


class ItemError(Exception):
    """Raised for a missing item or version: the CLI turns it into exit status 1."""


def _session(args):
    from tui.cli import _open

    return _open(args)


def cmd_article(args, print_json) -> int:
    session = _session(args)
    try:
        item = _get(session.store, args.id)
        if not args.offline:
            has_text = session.store.connection.execute(
                "SELECT text IS NOT NULL FROM items WHERE id = ?", (item.row_id,)).fetchone()[0]
            if not has_text and item.link:
                asyncio.run(session.engine.fetch_text(item.row_id))
        article = load_article(session.store, item.id)
    except NotFound as error:
        raise ItemError(str(error)) from None
    finally:
        session.close()
    if args.json:
        print_json(article.to_json())
        return 0
    it = article.item
    when = it.when.astimezone().strftime("%Y-%m-%d %H:%M") if it.when else "unknown"
    print(it.title)
    print(f"{it.feed} · {when} · {it.versions} version(s) · text from {article.text_source}")
    if it.link:
        print(it.link)
    print()
    spans = [(m.start, m.end) for m in article.matches
             if m.field == ("text" if article.text_source == "page" else "summary")]
    print(marked_text(article.text, spans) if spans else article.text)
    return 0


def _get(store, uid):
    try:
        return get_item(store, uid)
    except NotFound as error:
        raise ItemError(str(error)) from None


def _print_diff(view: DiffView, args, print_json) -> int:
    if args.json:
        print_json(view.to_json())
        return 0
    left = f"{view.left.feed} v{view.left.version}" if view.left.id == view.right.id \
        else f"{view.left.feed} [{view.left.id}]"
    right = f"{view.right.feed} v{view.right.version}" if view.left.id == view.right.id \
        else f"{view.right.feed} [{view.right.id}]"
    print(side_by_side(view.rows, left, right))
    print(diff_stats(view.rows).describe())
    return 0


def cmd_diff(args, print_json) -> int:
    session = _session(args)
    try:
        view = diff_versions(session.store, args.id, older=args.from_, newer=args.to)
    except NotFound as error:
        raise ItemError(str(error)) from None
    finally:
        session.close()
    return _print_diff(view, args, print_json)


def cmd_compare(args, print_json) -> int:
    session = _session(args)
    try:
        view = compare_items(session.store, args.id1, args.id2)
    except NotFound as error:
        raise ItemError(str(error)) from None
    finally:
        session.close()
    return _print_diff(view, args, print_json)


def cmd_related(args, print_json) -> int:
    session = _session(args)
    try:
        item = _get(session.store, args.id)
        found = find_related(session.store, item.row_id)
    finally:
        session.close()
    if args.json:
        print_json({"items": [r.to_json() for r in found]})
        return 0
    if not found:
        print("no related coverage in the cache")
    for related in found:
        label = " (wire copy)" if related.wire_copy else ""
        print(f"{related.score:4.2f}  {related.feed[:18]:<18} {related.title}{label}  [{related.id}]")
    return 0
