"""Reading stories: the list the Stories view and `wirewatch stories` show, one story with its
timeline, the story of an item, and the facts each report of a story has.

Every read settles first (groups what the last refresh noted, when the cache may be written;
at most READ_LIMIT items unless told otherwise, so a dashboard read stays quick even on a cache
met for the first time), so what is read is up to date; on a settled cache a read is a few
indexed queries: the list reads the per-story summary rows, then the items of the stories it
returns.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence

from tui.core.cache import stories as cache
from tui.core.cache.store import Store
from tui.core.ingest.dates import to_datetime
from tui.core.stories.evidence import evidence_text
from tui.core.stories.facts import find_facts
from tui.core.stories.grouping import READ_LIMIT, settle
from tui.core.stories.model import Story, StoryFact, StoryItem


def list_stories(store: Store, *, days: float | None = None,
                 match: str | Sequence[str] | None = None, limit: int | None = None,
                 min_items: int = 2, settle_limit: int | None = READ_LIMIT) -> list[Story]:
    """Stories of at least `min_items` reports, the most recently updated first: those with a
    report in the last `days`, mentioning the watched name or category `match` (canonical, as
    tui.core.names.resolve gives it), at most `limit` of them. Groups up to `settle_limit`
    waiting items first (None: all of them, however long that takes)."""
    settle(store, limit=settle_limit)
    since = time.time() - days * 86_400 if days is not None else None
    wanted = [match] if isinstance(match, str) else list(match or ())
    rows = cache.story_rows(store, since=since, min_size=min_items, limit=limit,
                            names=wanted, categories=wanted)
    return _build(store, [row.id for row in rows])


def get_story(store: Store, story_id: str, *,
              settle_limit: int | None = READ_LIMIT) -> Story | None:
    """The story `story_id`; an item's uid also names the story it belongs to."""
    settle(store, limit=settle_limit)
    found = _build(store, [story_id])
    if found:
        return found[0]
    row_id = cache.row_id_of_uid(store, story_id)
    story = cache.story_of_item(store, row_id) if row_id is not None else None
    found = _build(store, [story]) if story else []
    return found[0] if found else None


def stories_by_id(store: Store, story_ids: Sequence[str]) -> list[Story]:
    """The stories `story_ids` as the cache holds them, in that order (those gone meanwhile
    left out), read together and without grouping first: a page of the Stories view."""
    return _build(store, list(story_ids))


def story_id_of(store: Store, row_id: int, *,
                settle_limit: int | None = READ_LIMIT) -> str | None:
    """The id of the story item `row_id` belongs to (None: not grouped yet, or no such item)."""
    settle(store, limit=settle_limit)
    return cache.story_of_item(store, row_id)


def _build(store: Store, story_ids: list[str]) -> list[Story]:
    if not story_ids:
        return []
    by_story: dict[str, list[cache.MemberRow]] = {}
    for row in cache.member_rows(store, story_ids):
        by_story.setdefault(row.story, []).append(row)
    names = cache.names_by_item(store, [r.row_id for rows in by_story.values() for r in rows])
    stories = []
    for story_id in story_ids:
        rows = by_story.get(story_id)
        if not rows:
            continue
        items = [StoryItem(r.uid, r.row_id, r.feed, r.title, r.language,
                           to_datetime(r.published if r.published is not None else r.sort_time),
                           r.versions, r.read, r.alerted) for r in rows]
        languages = Counter(r.language for r in rows if r.language)
        lead = _lead(story_id, rows, languages)
        watched = sorted({n for r in rows for n in names.get(r.row_id, ())})
        stories.append(Story(
            id=story_id, title=lead.title, items=items,
            outlets=len({r.feed for r in rows}), languages=sorted(languages),
            first=to_datetime(rows[0].sort_time), last=to_datetime(rows[-1].sort_time),
            names=watched, unread=sum(1 for r in rows if not r.read),
            alerted=any(r.alerted for r in rows)))
    return stories


def _lead(story_id: str, rows: list[cache.MemberRow], languages: Counter[str]
          ) -> cache.MemberRow:
    """The report whose headline names the story: its own (the item its id is), so that the
    title stays put as reports arrive, as the id does (an older report fetched later, such as
    a profile that mentions the talks, does not retitle it), when its language has more
    reports than any other; else the first report of the language most reports are in (of
    tied languages, the one that reported first)."""
    counts = languages.most_common(2)
    own = next((r for r in rows if r.uid == story_id), None)
    if own is not None and counts and counts[0][0] == own.language and (
            len(counts) == 1 or counts[1][1] < counts[0][1]):
        return own
    main = counts[0][0] if counts else ""
    return next((r for r in rows if r.language == main), rows[0])


def story_facts(store: Store, story: Story) -> list[StoryFact]:
    """Each name, place and number of the story's reports (headline and lede) and which
    reports have it: the facts most reports share first. Bare numbers are left out."""
    texts = cache.texts_of(store, [item.row_id for item in story.items])
    found: dict[tuple[str, str], StoryFact] = {}
    for item in story.items:
        text = texts.get(item.row_id)
        if text is None:
            continue
        for mention in find_facts(evidence_text(text.title, text.summary), text.language):
            fact = mention.fact
            if fact.weak:
                continue
            entry = found.setdefault((fact.kind, fact.key),
                                     StoryFact(fact.kind, fact.shown, [], fact.key))
            if item.uid not in entry.items:
                entry.items.append(item.uid)
    order = {"name": 0, "place": 1, "number": 2}
    return sorted(found.values(), key=lambda f: (-len(f.items), order.get(f.kind, 3), f.key))
