"""How many items mention each watched name, per hour and language: what trends and the
watchlist's sparklines draw.

Counting from `matches` each time would read every matched item of the period (a million
at the largest caches). Instead `mention_hours` keeps the counts per UTC hour, and triggers
(schema step 4) note in `mention_dirty` every hour whose items or matches changed: an item
stored, edited, moved in time or pruned, a re-match, a feed's language changed. `settle`
recounts just those hours, from the items in them, so the counts can never drift from the
cache: a recount is the same query as the first count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tui.core.cache.store import Store

HOUR = 3600

_RECOUNT = """
INSERT INTO mention_hours (hour, category, name, language, items)
SELECT d.hour, m.category, m.name, language_tag(f.config_language, f.language),
       COUNT(DISTINCT i.id)
FROM mention_dirty d
JOIN items i ON i.sort_time >= d.hour * 3600 AND i.sort_time < (d.hour + 1) * 3600
JOIN matches m ON m.item_id = i.id
LEFT JOIN feeds f ON f.name = i.feed
GROUP BY d.hour, m.category, m.name, 4
UNION ALL
SELECT d.hour, m.category, '', language_tag(f.config_language, f.language),
       COUNT(DISTINCT i.id)
FROM mention_dirty d
JOIN items i ON i.sort_time >= d.hour * 3600 AND i.sort_time < (d.hour + 1) * 3600
JOIN matches m ON m.item_id = i.id
LEFT JOIN feeds f ON f.name = i.feed
GROUP BY d.hour, m.category, 4
"""


def settle(store: Store) -> int:
    """Recount the hours whose items changed; returns how many. A read-only cache cannot be
    recounted: its counts are as the last writer left them."""
    if store.read_only or not store.connection.execute(
            "SELECT EXISTS (SELECT 1 FROM mention_dirty)").fetchone()[0]:
        return 0
    with store.transaction() as conn:
        hours = conn.execute("SELECT count(*) FROM mention_dirty").fetchone()[0]
        conn.execute("DELETE FROM mention_hours WHERE hour IN (SELECT hour FROM mention_dirty)")
        conn.execute(_RECOUNT)
        conn.execute("DELETE FROM mention_dirty")
    return hours


@dataclass(frozen=True, slots=True)
class MentionCount:
    """Items of one bucket mentioning `name` (a category's own count when name is '')."""

    bucket: int
    category: str
    name: str
    language: str
    items: int


def mention_counts(store: Store, bounds: Sequence[int]) -> list[MentionCount]:
    """Counts per bucket, where bucket k holds the hours from bounds[k] up to bounds[k + 1]
    (UTC epoch hours, ascending): local days are uneven runs of hours across a clock change.
    Settles first, so what is read is up to date."""
    settle(store)
    if len(bounds) < 2:
        return []
    spans = ", ".join("(?, ?, ?)" for _ in bounds[:-1])
    values: list[int] = []
    for k, (low, high) in enumerate(zip(bounds, bounds[1:])):
        values += [k, low, high]
    rows = store.connection.execute(
        f"WITH buckets(k, low, high) AS (VALUES {spans}) "
        "SELECT b.k, h.category, h.name, h.language, SUM(h.items) FROM buckets b "
        "JOIN mention_hours h ON h.hour >= b.low AND h.hour < b.high "
        "GROUP BY b.k, h.category, h.name, h.language", values)
    return [MentionCount(*row) for row in rows]


def hit_hours(store: Store, first_hour: int, end_hour: int) -> list[tuple[str, int]]:
    """(rule, UTC epoch hour of the item) of every alert hit on an item of the period."""
    rows = store.connection.execute(
        "SELECT h.alert, CAST(i.sort_time / 3600 AS INTEGER) FROM hits h "
        "CROSS JOIN items i ON i.id = h.item_id "       # the few hits drive the lookup
        "WHERE i.sort_time >= ? AND i.sort_time < ? ORDER BY i.sort_time",
        (first_hour * HOUR, end_hour * HOUR))
    return [(alert, hour) for alert, hour in rows]


def oldest_item_time(store: Store) -> float | None:
    """When the oldest cached item came out (or was first seen): how far back trends can
    know what is usual."""
    return store.connection.execute("SELECT min(sort_time) FROM items").fetchone()[0]
