"""Read marks shown before the cache holds them.

`X` (every item in view read) and its undo write up to hundreds of thousands of rows, seconds
at a million items: the write runs on a worker, and the headline table shows its outcome at
once through an overlay laid over the rows it reads from the cache (which still answer with
the old marks until the write commits). An overlay names the whole view it covers (known the
moment the key is pressed) or the items themselves (known a fraction of a second later); it
is lifted once the write is in and the table has read the rows again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from tui.core.cache.query import Item, ItemFilter


@dataclass(frozen=True, eq=False)
class ReadOverlay:
    """Show items read (or unread): every row of `view` (up to item id `up_to`: not items
    stored since), or the items `ids`."""

    read: bool
    view: ItemFilter | None = None
    ids: frozenset[int] = frozenset()
    up_to: int | None = None

    def covers(self, item: Item, shown: ItemFilter) -> bool:
        if item.row_id in self.ids:
            return True
        if self.view is None or (self.up_to is not None and item.row_id > self.up_to):
            return False
        if replace(self.view, feeds=(), unread_only=False) == ItemFilter():
            # Whole feeds (all of them, one, a tag's): known in any view, by the item's feed.
            return not self.view.feeds or item.feed in self.view.feeds
        # Narrower (a search, a watched name): known only in the same view.
        return replace(self.view, unread_only=False) == replace(shown, unread_only=False)


def overlaid(item: Item, overlays: list[ReadOverlay], shown: ItemFilter) -> Item:
    """The item as the user should see it: the latest overlay that covers it decides."""
    read = item.read
    for overlay in overlays:
        if overlay.covers(item, shown):
            read = overlay.read
    return item if read == item.read else replace(item, read=read)
