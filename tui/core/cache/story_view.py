"""The Stories view's reads: which stories pass the dashboard's filters, and which are new.

A story passes when one of its items passes the headline filter (tui.core.cache.query's
ItemFilter: feed, watched name, search, matches, unread, starred), so `/`, `m` and the side
panes narrow the stories as they narrow the headlines. Only ids are read here (one indexed
query, about a millisecond per thousand stories); the rows on screen are built a page at a
time by tui.core.stories.view.
"""

from __future__ import annotations

from collections.abc import Sequence

from tui.core.cache.query import ItemFilter, _where
from tui.core.cache.store import Store, chunks
from tui.core.cache.stories import story_size_at_least


def filtered_story_ids(store: Store, flt: ItemFilter, *, min_size: int = 2) -> list[str]:
    """Stories of at least `min_size` items with an item that passes `flt`, the latest
    updated first."""
    where, params = _where(flt)
    sized = story_size_at_least(min_size, "st")
    if where:
        sql = (f"SELECT st.id FROM stories st WHERE {sized} AND st.id IN ("
               f"SELECT s.story FROM items i JOIN story_items s ON s.item_id = i.id{where} "
               "AND s.story IS NOT NULL) ORDER BY st.last DESC, st.id")
    else:
        sql = f"SELECT st.id FROM stories st WHERE {sized} ORDER BY st.last DESC, st.id"
    return [row[0] for row in store.connection.execute(sql, params)]


def stories_with_new_items(store: Store, story_ids: Sequence[str], since: float) -> set[str]:
    """Those of `story_ids` with an item first seen after `since`."""
    found: set[str] = set()
    for chunk in chunks(list(story_ids), 500):
        found.update(row[0] for row in store.connection.execute(
            "SELECT DISTINCT s.story FROM story_items s JOIN items i ON i.id = s.item_id "
            f"WHERE s.story IN ({','.join('?' * len(chunk))}) AND i.first_seen > ?",
            [*chunk, since]))
    return found


def story_position(story_ids: Sequence[str], story_id: str | None) -> int | None:
    """Where `story_id` is in the list (None: not in it)."""
    try:
        return list(story_ids).index(story_id) if story_id else None
    except ValueError:
        return None
