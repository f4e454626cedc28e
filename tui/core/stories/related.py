"""Related coverage: the other outlets' reports of an item's story, best first, each with the
reasons it belongs (the names, places and numbers both reports have, shared words, time apart).

The story already says which reports belong together; this orders them by how directly each
links to the item, weighing shared keys by their rarity in the item's time window (read from
the cache's id span of that window, so a lookup costs about the same at 100,000 items as at
1,000). Near-identical evidence of a report in the same language is wire copy: names, places
and numbers are keyed alike in every language, so a translation shares them as a copy would.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from tui.core.cache import stories as cache
from tui.core.cache.store import Store
from tui.core.stories.compare import languages_differ
from tui.core.stories.evidence import parse_keys, shown_forms
from tui.core.stories.grouping import READ_LIMIT, settle
from tui.core.stories.links import LINK_SCORE, WINDOW_SECONDS, Rarity, link, reasons

WIRE_COPY_OVERLAP = 0.6


@dataclass(frozen=True)
class RelatedItem:
    uid: str
    feed: str
    title: str
    score: float            # 0..1: 0.63 is a link just strong enough to make a story
    wire_copy: bool
    published: float | None
    reasons: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"id": self.uid, "feed": self.feed, "title": self.title,
                "score": round(self.score, 3), "wire_copy": self.wire_copy,
                "reasons": list(self.reasons)}


def find_related(store: Store, row_id: int, *, limit: int = 20,
                 settle_limit: int | None = READ_LIMIT) -> list[RelatedItem]:
    """The other outlets' items of `row_id`'s story, most directly linked first."""
    settle(store, limit=settle_limit)
    story = cache.story_of_item(store, row_id)
    if story is None:
        return []
    members = cache.members_of(store, [story])
    me = next((m for m in members if m.row_id == row_id), None)
    others = [m for m in members if me is not None and m.feed != me.feed]
    if me is None or not others:
        return []
    window = cache.window(store, me.sort_time - WINDOW_SECONDS, me.sort_time + WINDOW_SECONDS)
    rarity = Rarity(parse_keys(m.keys) for m in window)
    keys = parse_keys(me.keys)
    mine = shown_forms(me.keys)
    texts = cache.texts_of(store, [me.row_id, *(m.row_id for m in others)])
    own = texts.get(me.row_id)
    found: list[tuple[float, float, RelatedItem]] = []
    for other in others:
        their = parse_keys(other.keys)
        apart = other.sort_time - me.sort_time
        found_link = link(keys, their, apart, rarity)
        overlap = len(keys & their) / len(keys | their) if keys and their else 0.0
        text = texts.get(other.row_id)
        if own is not None and text is not None and languages_differ(
                own.language, text.language, own.title, text.title):
            overlap = 0.0                   # a translation, however faithful, is not a copy
        score = 1 - math.exp(-found_link.score / LINK_SCORE)
        shown = {**shown_forms(other.keys), **mine}
        found.append((score, abs(apart), RelatedItem(
            other.uid, other.feed, text.title if text else "", score,
            overlap >= WIRE_COPY_OVERLAP, text.sort_time if text else None,
            reasons(found_link.heaviest(rarity), shown, apart) if found_link.shared
            else ["same story, through other reports"])))
    found.sort(key=lambda f: (-f[0], f[1], f[2].uid))
    return [item for _, _, item in found[:limit]]
