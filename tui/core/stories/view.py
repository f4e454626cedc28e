"""The Stories view's data: the stories that pass the dashboard's filters, newest update
first, read a page at a time.

At 100,000 items the list holds tens of thousands of stories; reading every one's items to
show the first screen would take seconds. So the view reads the ids once (one indexed query)
and builds Story objects (tui.core.stories.catalog) for the rows that come on screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.core.cache import story_view as cache
from tui.core.cache.query import ItemFilter
from tui.core.cache.store import Store
from tui.core.stories.catalog import stories_by_id
from tui.core.stories.grouping import has_waiting
from tui.core.stories.model import Story

PAGE_SIZE = 50


@dataclass
class StoryList:
    """The ids of the stories that pass a filter; pages of them as Story objects."""

    store: Store
    flt: ItemFilter
    ids: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, store: Store, flt: ItemFilter) -> StoryList:
        """The list as the cache holds it now. Nothing is grouped here, on the interface's
        thread: a refresh groups its own items as it ends, and a backlog (a cache met for the
        first time, new grouping rules) is grouped by the dashboard in the background, a
        slice at a time (`waiting` says whether there is one), and the view read again as it
        goes: keying 2,000 items here held the `v` key for one to two seconds at 100,000."""
        return cls(store, flt, cache.filtered_story_ids(store, flt))

    @staticmethod
    def waiting(store: Store) -> bool:
        """Whether items wait to be grouped (the background grouping has work)."""
        return not store.read_only and has_waiting(store)

    def __len__(self) -> int:
        return len(self.ids)

    def page(self, number: int) -> list[Story]:
        """Stories `number * PAGE_SIZE` onwards (those pruned meanwhile are left out)."""
        return stories_by_id(self.store, self.ids[number * PAGE_SIZE:(number + 1) * PAGE_SIZE])

    def new_among(self, stories: list[Story], since: float | None) -> set[str]:
        """Which of `stories` have an item first seen after `since`."""
        if since is None or not stories:
            return set()
        return cache.stories_with_new_items(self.store, [s.id for s in stories], since)

    def position(self, story_id: str | None) -> int | None:
        return cache.story_position(self.ids, story_id)
