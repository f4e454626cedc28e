"""`wirewatch stories` and `wirewatch story ID`: items grouped into stories across outlets and
languages, and one story's timeline with the facts each report has."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from tui.cli.errors import RuntimeFailure, UsageError
from tui.cli.render import fit, local_stamp, note, print_json, shown
from tui.cli.session import group_stories_first, open_session, watched_or_usage_error
from tui.core.ingest.sanitize import printable
from tui.core.text.counted import counted, plural

if TYPE_CHECKING:
    from tui.core.stories.model import Story, StoryFact

FEED_WIDTH = 18
MAX_FACTS = 40


def register(commands: argparse._SubParsersAction) -> None:
    stories = commands.add_parser(
        "stories", help="stories: items grouped across outlets and languages")
    stories.add_argument("--days", type=float, metavar="N",
                         help="only stories with a report in the last N days")
    stories.add_argument("--match", metavar="NAME",
                         help="only stories mentioning this watched name or category "
                              "(any spelling, script or alias)")
    stories.add_argument("--json", action="store_true")
    stories.set_defaults(run=cmd_stories)

    story = commands.add_parser(
        "story", help="one story: its timeline and the facts each report has")
    story.add_argument("id", help="a story id (or the id of any of its items)")
    story.add_argument("--json", action="store_true")
    story.set_defaults(run=cmd_story)


def cmd_stories(args: argparse.Namespace) -> int:
    from tui.core.stories.catalog import list_stories

    if args.days is not None and not 0 < args.days <= 36_500:
        raise UsageError("--days must be a number of days from 1 to 36500")
    session = open_session(args, read_only_ok=True)
    try:
        match = watched_or_usage_error(session, args.match).filter_key if args.match else None
        group_stories_first(session)
        found = list_stories(session.store, days=args.days, match=match, settle_limit=0)
    finally:
        session.close()
    if args.json:
        print_json({"stories": [story.to_json() for story in found]})
        return 0
    if not found:
        note("no stories (a story needs reports from two items) in the cache"
             + (" for that filter" if args.days is not None or match else ""))
    for story in found:
        print(_story_line(story))
    return 0


def cmd_story(args: argparse.Namespace) -> int:
    from tui.core.stories.catalog import get_story, story_facts

    session = open_session(args, read_only_ok=True)
    try:
        group_stories_first(session)
        story = get_story(session.store, args.id, settle_limit=0)
        if story is None:
            raise RuntimeFailure(f"no story or item {shown(args.id)} in the cache")
        facts = story_facts(session.store, story)
    finally:
        session.close()
    if args.json:
        print_json({**story.to_json(), "facts": [fact.to_json() for fact in facts]})
        return 0
    _print_story(story, facts)
    return 0


def _story_line(story: Story) -> str:
    """id, last report, outlets and languages, the lead headline, the watched names."""
    names = f"  ({', '.join(story.names)})" if story.names else ""
    alerted = " !" if story.alerted else ""
    languages = ",".join(story.languages) or "-"
    return (f"{story.id}  {local_stamp(story.last.timestamp())}  "
            f"{len(story.items):>3} {plural(len(story.items), 'item'):<5} "
            f"{story.outlets:>2} {plural(story.outlets, 'outlet'):<7}  {languages:<11} "
            f"{printable(story.title, one_line=True)}{printable(names, one_line=True)}{alerted}")


def _print_story(story: Story, facts: list[StoryFact]) -> None:
    print(f"{printable(story.title, one_line=True)}  [{story.id}]")
    print(f"{counted(len(story.items), 'report')} from {counted(story.outlets, 'outlet')} in "
          f"{', '.join(story.languages) or 'unknown languages'}, "
          f"{local_stamp(story.first.timestamp())} – {local_stamp(story.last.timestamp())}")
    if story.names:
        print(f"watched names: {printable(', '.join(story.names), one_line=True)}")
    print("\nTimeline")
    number = {}
    for n, item in enumerate(story.items, 1):
        number[item.uid] = n
        when = local_stamp(item.published.timestamp()) if item.published else "no date"
        feed = fit(printable(item.feed, one_line=True), FEED_WIDTH)
        edited = " Δ" if item.versions > 1 else ""
        print(f"{n:>3}  {when}  {feed} {item.language or '--':<3}"
              f"{printable(item.title, one_line=True)}{edited}  [{item.uid}]")
    if not facts:
        return
    print("\nFacts (the reports that have each, by timeline number)")
    for fact in facts[:MAX_FACTS]:
        which = " ".join(str(number[uid]) for uid in fact.items if uid in number)
        print(f"  {fact.kind:<7}{printable(fact.value, one_line=True)[:30]:<31}{which}")
    if len(facts) > MAX_FACTS:
        print(f"  … and {len(facts) - MAX_FACTS} more (--json lists them all)")
