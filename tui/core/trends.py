"""Mentions of the watched names over time: one series per watch category and term, counted
per hour or per local day and split by the feeds' languages, with the alert hits that fell in
each bucket. The trends screen, the watchlist's sparklines, the alerts screen's timelines and
`wirewatch trends` all read through here, from the hourly counts the cache keeps
(tui.core.cache.mentions), so drawing 90 days never reads the items themselves.
"""

from __future__ import annotations

import bisect
import statistics
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Literal

from tui.core.cache.mentions import HOUR, hit_hours, mention_counts, oldest_item_time
from tui.core.cache.store import Store
from tui.core.config.model import WatchCategory
from tui.core.ingest.dates import iso

Bucket = Literal["hour", "day"]
BUCKETS: tuple[Bucket, ...] = ("hour", "day")
MAX_BUCKETS = 24 * 400          # a year of hours (or of days) is the most anyone draws

#: A sudden rise: the last bucket at least this many times the window's median...
RISE_FACTOR = 3
#: ...and at least this many items (one item against a median of none is not news).
RISE_FLOOR = 3


@dataclass(frozen=True)
class Series:
    """Items mentioning one term, or one category as a whole (an item counts once)."""

    name: str
    category: str
    kind: Literal["category", "term"]
    counts: tuple[int, ...]
    by_language: dict[str, tuple[int, ...]] = field(default_factory=dict)
    rising: bool = False      # the latest bucket is a sudden rise (see `rising`)

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def latest(self) -> int:
        """The last bucket's count: today's, or this hour's."""
        return self.counts[-1] if self.counts else 0

    def to_json(self) -> dict:
        return {"name": self.name, "category": self.category, "kind": self.kind,
                "counts": list(self.counts), "rising": self.rising,
                "by_language": {lang or "unknown": list(c) for lang, c in self.by_language.items()}}


@dataclass(frozen=True)
class Trends:
    """The buckets (their starts in the user's time zone, plus the end of the last one), the
    series in watchlist order, and (bucket, rule) for every alert hit in the period."""

    bucket: Bucket
    bounds: tuple[datetime, ...]
    series: tuple[Series, ...]
    hits: tuple[tuple[int, str], ...] = ()

    @property
    def starts(self) -> tuple[datetime, ...]:
        return self.bounds[:-1]

    def period(self, k: int) -> tuple[datetime, datetime]:
        """Start and end of bucket k."""
        return self.bounds[k], self.bounds[k + 1]

    def find(self, name: str) -> Series | None:
        return next((s for s in self.series if s.name == name), None)

    def hits_in(self, k: int) -> list[str]:
        return [rule for bucket, rule in self.hits if bucket == k]

    def to_json(self) -> dict:
        return {"bucket": self.bucket,
                "buckets": [iso(start) for start in self.starts],
                "series": [s.to_json() for s in self.series],
                "alerts": [{"bucket": k, "alert": rule} for k, rule in self.hits]}


SPARK_BARS = " ▁▂▃▄▅▆▇█"


def spark(counts: Sequence[int], width: int | None = None) -> str:
    """Counts as one bar character each (eighths of a cell, scaled from zero: a blank is
    none at all, the tallest bar the most). With `width`, runs of buckets are added up so
    the line fits (the last cell always ends with the latest bucket)."""
    cells = _fit(counts, width) if width is not None and 0 < width < len(counts) else counts
    top = max(cells, default=0)
    if top <= 0:
        return " " * len(cells)
    return "".join(SPARK_BARS[0 if c <= 0 else max(1, round(c / top * 8))] for c in cells)


def _fit(counts: Sequence[int], width: int) -> list[int]:
    """`counts` summed into `width` runs of (nearly) equal length."""
    n = len(counts)
    edges = [round(k * n / width) for k in range(width + 1)]
    return [sum(counts[a:b]) for a, b in zip(edges, edges[1:])]


def rising(counts: Sequence[int]) -> bool:
    """Is the last count a sudden rise over the rest of the window: at least RISE_FACTOR
    times its median, and at least RISE_FLOOR?"""
    if len(counts) < 2:
        return False
    last, before = counts[-1], statistics.median(counts[:-1])
    return last >= RISE_FLOOR and last >= RISE_FACTOR * before and last > before


def bucket_bounds(bucket: Bucket, count: int, *, now: float | None = None,
                  tz: tzinfo | None = None) -> list[datetime]:
    """The `count` buckets ending with the current one, as count + 1 boundaries.

    Hours are whole clock hours; days are the user's local days (`tz`, else the system's
    zone), so a day across a clock change is 23 or 25 hours long.
    """
    if bucket not in BUCKETS:
        raise ValueError(f"bucket must be hour or day, not {bucket!r}")
    if not 1 <= count <= MAX_BUCKETS:
        raise ValueError(f"between 1 and {MAX_BUCKETS} buckets, not {count}")
    now = time.time() if now is None else now
    zone = tz or datetime.fromtimestamp(now).astimezone().tzinfo
    if bucket == "hour":
        current = int(now // HOUR)
        return [datetime.fromtimestamp((current - count + 1 + k) * HOUR, zone)
                for k in range(count + 1)]
    today = datetime.fromtimestamp(now, zone).date()
    return [_local_midnight(today - timedelta(days=count - 1 - k), tz) for k in range(count + 1)]


def _local_midnight(day: date, tz: tzinfo | None) -> datetime:
    if tz is not None:
        return datetime(day.year, day.month, day.day, tzinfo=tz)
    # The system's zone: mktime knows its clock changes (a fixed offset from now would not).
    stamp = time.mktime((day.year, day.month, day.day, 0, 0, 0, 0, 0, -1))
    return datetime.fromtimestamp(stamp).astimezone()


def read_trends(store: Store, categories: Sequence[WatchCategory], *, bucket: Bucket = "day",
                count: int = 14, now: float | None = None, tz: tzinfo | None = None,
                only: Collection[str] | None = None) -> Trends:
    """Every category and term of the watchlist (or those named in `only`: canonical term
    names and category names), counted per bucket."""
    bounds = bucket_bounds(bucket, count, now=now, tz=tz)
    hours = [int(b.timestamp() // HOUR) for b in bounds]
    # A cache younger than half the window has no "usual" to rise above: every name seen
    # today would be a sudden rise.
    oldest = oldest_item_time(store)
    has_history = oldest is not None and oldest < bounds[len(bounds) // 2].timestamp()
    by_key: dict[tuple[str, str], dict[str, list[int]]] = {}
    for row in mention_counts(store, hours):
        per_language = by_key.setdefault((row.category, row.name), {})
        per_language.setdefault(row.language, [0] * count)[row.bucket] += row.items
    series = []
    for category in categories:
        keys = [("category", category.name, "")] + [("term", t.name, t.name)
                                                      for t in category.terms]
        for kind, name, stored in keys:
            if only is not None and name not in only:
                continue
            languages = by_key.get((category.name, stored), {})
            totals = [sum(c[k] for c in languages.values()) for k in range(count)]
            series.append(Series(name, category.name, kind, tuple(totals),  # type: ignore[arg-type]
                                 {lang: tuple(c) for lang, c in sorted(languages.items())},
                                 rising=has_history and rising(totals)))
    hits = []
    for rule, hour in hit_hours(store, hours[0], hours[-1]):
        k = _bucket_of(hours, hour)
        if k is not None:
            hits.append((k, rule))
    return Trends(bucket, tuple(bounds), tuple(series), tuple(hits))


def hit_timelines(store: Store, *, days: int = 14, now: float | None = None,
                  tz: tzinfo | None = None) -> dict[str, tuple[int, ...]]:
    """Per alert rule: its hits on each of the last `days` local days, by when the items
    came out (a rule added today that finds last week's items shows them last week)."""
    bounds = bucket_bounds("day", days, now=now, tz=tz)
    hours = [int(b.timestamp() // HOUR) for b in bounds]
    timelines: dict[str, list[int]] = {}
    for rule, hour in hit_hours(store, hours[0], hours[-1]):
        k = _bucket_of(hours, hour)
        if k is not None:
            timelines.setdefault(rule, [0] * days)[k] += 1
    return {rule: tuple(counts) for rule, counts in timelines.items()}


def _bucket_of(hours: Sequence[int], hour: int) -> int | None:
    """The bucket whose hours hold `hour` (`hours` are the ascending boundaries)."""
    k = bisect.bisect_right(hours, hour) - 1
    return k if 0 <= k < len(hours) - 1 else None
