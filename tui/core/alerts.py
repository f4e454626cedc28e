"""Alert rules and their hits.

Rule terms go through the same matcher as the watchlist, so "Crimea" in a rule also fires on
Krim, Крым and Криму. All rules share one matcher: one pass over an item finds every rule
term, then each rule is a few set operations, which keeps 200 rules cheap per new item.
A hit is recorded once per rule and item (the cache's primary key), so nothing fires twice:
not after a restart, not after a re-match; a later version that newly matches fires then.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Iterable, Sequence

from tui.config import AlertRule, Config
from tui.core.store import Store
from tui.core.watch import Term, Watcher

ALERT_CATEGORY = "\x00alert"  # never shown: marks terms that come from rules, not the watchlist


@dataclass(frozen=True)
class AlertHit:
    alert: str
    item: str        # the item's short id
    title: str
    feed: str
    link: str | None
    published: float | None
    fired_at: float
    row_id: int
    version: int

    def to_json(self) -> dict:
        from tui.core.query import iso, to_datetime

        return {"alert": self.alert, "item": self.item, "title": self.title, "feed": self.feed,
                "url": self.link, "fired_at": iso(to_datetime(self.fired_at))}


class AlertEngine:
    """Evaluates every rule against items and records the hits."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.rules = config.alerts
        terms = {t for rule in self.rules for t in (*rule.all, *rule.any, *rule.none)}
        self.matcher = Watcher([Term(name=t, category=ALERT_CATEGORY) for t in sorted(terms)])
        self._feeds = {rule.name: config.feeds_matching(rule.feeds) if rule.feeds else None
                       for rule in self.rules}

    def rules_hit(self, fields: dict[str, str], feed: str, categories: set[str]) -> list[AlertRule]:
        """The rules an item satisfies, given its text and its watch categories."""
        if not self.rules:
            return []
        found = {m.name for m in self.matcher.find_fields(fields)}
        return [rule for rule in self.rules if self._satisfies(rule, found, feed, categories)]

    def _satisfies(self, rule: AlertRule, found: set[str], feed: str,
                   categories: set[str]) -> bool:
        allowed = self._feeds[rule.name]
        if allowed is not None and feed not in allowed:
            return False
        if any(term in found for term in rule.none):
            return False
        if not all(term in found for term in rule.all):
            return False
        if rule.any and not any(term in found for term in rule.any):
            return False
        if rule.categories and not categories.intersection(rule.categories):
            return False
        return True

    def evaluate(self, store: Store, row_ids: Sequence[int], *,
                 now: float | None = None) -> list[AlertHit]:
        """Record the new hits among these items; returns only hits that are new."""
        if not self.rules or not row_ids:
            return []
        now = now or time.time()
        hits: list[AlertHit] = []
        for start in range(0, len(row_ids), 500):
            chunk = list(row_ids[start:start + 500])
            marks = ",".join("?" * len(chunk))
            conn = store.connection
            rows = conn.execute(
                f"SELECT id, uid, feed, title, summary, text, link, published, versions "
                f"FROM items WHERE id IN ({marks})", chunk).fetchall()
            categories: dict[int, set[str]] = {}
            for item_id, category in conn.execute(
                    f"SELECT DISTINCT item_id, category FROM matches WHERE item_id IN ({marks})",
                    chunk):
                categories.setdefault(item_id, set()).add(category)
            fired = [(rule, row) for row in rows for rule in self.rules_hit(
                _fields(row), row["feed"], categories.get(row["id"], set()))]
            if not fired:
                continue
            with store.transaction() as write:
                for rule, row in fired:
                    cursor = write.execute(
                        "INSERT INTO hits(alert, item_id, version, fired_at) VALUES (?, ?, ?, ?) "
                        "ON CONFLICT(alert, item_id) DO NOTHING",
                        (rule.name, row["id"], row["versions"], now))
                    if cursor.rowcount:
                        hits.append(AlertHit(rule.name, row["uid"], row["title"], row["feed"],
                                             row["link"], row["published"], now, row["id"],
                                             row["versions"]))
        return hits

    def evaluate_all(self, store: Store) -> list[AlertHit]:
        """Re-evaluate every stored item (after the rules changed)."""
        ids = [row[0] for row in store.connection.execute("SELECT id FROM items ORDER BY id")]
        return self.evaluate(store, ids)


def _fields(row) -> dict[str, str]:
    fields = {"title": row["title"], "summary": row["summary"]}
    if row["text"]:
        fields["text"] = row["text"]
    return fields


def rule_for(config: Config, name: str) -> AlertRule | None:
    return next((rule for rule in config.alerts if rule.name == name), None)


def list_hits(store: Store, *, limit: int | None = 200) -> list[AlertHit]:
    """Hits newest first."""
    sql = ("SELECT h.alert, i.uid, i.title, i.feed, i.link, i.published, h.fired_at, i.id, "
           "h.version, h.seen FROM hits h JOIN items i ON i.id = h.item_id "
           "ORDER BY h.fired_at DESC, h.rowid DESC")
    params: list = []
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [AlertHit(*row[:9]) for row in store.connection.execute(sql, params)]


def unseen_hits(store: Store) -> set[tuple[str, int]]:
    return {(row[0], row[1]) for row in store.connection.execute(
        "SELECT alert, item_id FROM hits WHERE seen = 0")}


def hit_counts(store: Store) -> dict[str, int]:
    return dict(store.connection.execute("SELECT alert, count(*) FROM hits GROUP BY alert"))


def mark_seen(store: Store, pairs: Iterable[tuple[str, int]] | None = None) -> None:
    """Mark hits as seen (all of them when `pairs` is None)."""
    with store.transaction() as conn:
        if pairs is None:
            conn.execute("UPDATE hits SET seen = 1 WHERE seen = 0")
        else:
            conn.executemany("UPDATE hits SET seen = 1 WHERE alert = ? AND item_id = ?",
                             list(pairs))
