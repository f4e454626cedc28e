"""Alert hits in the cache: what fired, on which item, when, and whether the user has seen it.

A hit is recorded once per rule and item (the primary key), so nothing fires twice: not after a
restart, not after a re-match, not when two processes evaluate the same item. The rule logic
itself lives in tui.core.alerts; this module only reads and writes the rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from tui.core.cache.store import RULES_FINGERPRINT, Store, chunks, match_fields
from tui.core.ingest.dates import iso, to_datetime


@dataclass(frozen=True)
class AlertHit:
    """One rule firing on one item. `uid` is the item's short id (JSON: "item")."""

    alert: str
    uid: str
    title: str
    feed: str
    link: str | None
    published: float | None
    fired_at: float
    row_id: int
    version: int

    def to_json(self) -> dict:
        return {"alert": self.alert, "item": self.uid, "title": self.title, "feed": self.feed,
                "url": self.link, "published": iso(to_datetime(self.published)),
                "fired_at": iso(to_datetime(self.fired_at))}


@dataclass(frozen=True)
class Candidate:
    """What the rules look at in one item: its text, its feed, its watch categories."""

    row_id: int
    uid: str
    feed: str
    title: str
    link: str | None
    published: float | None
    version: int
    fields: dict[str, str]
    categories: frozenset[str]


def candidates(store: Store, row_ids: Sequence[int]) -> Iterable[list[Candidate]]:
    """The items `row_ids` in batches, ready for the rules."""
    conn = store.connection
    for chunk in chunks(row_ids, 500):
        marks = ",".join("?" * len(chunk))
        categories: dict[int, set[str]] = {}
        for item_id, category in conn.execute(
                f"SELECT DISTINCT item_id, category FROM matches WHERE item_id IN ({marks})",
                chunk):
            categories.setdefault(item_id, set()).add(category)
        yield [Candidate(row["id"], row["uid"], row["feed"], row["title"], row["link"],
                         row["published"], row["versions"], match_fields(row),
                         frozenset(categories.get(row["id"], ())))
               for row in conn.execute(
                   f"SELECT id, uid, feed, title, summary, text, link, published, versions "
                   f"FROM items WHERE id IN ({marks})", chunk)]


def all_item_ids(store: Store) -> list[int]:
    return [row[0] for row in store.connection.execute("SELECT id FROM items ORDER BY id")]


class StaleRules(Exception):
    """The rules being evaluated are no longer those in feeds.toml (another process edited
    it: `alert rm` took a rule out and its hits with it). Nothing more was recorded, and the
    cache now says its items must all be evaluated again; `hits` were recorded before."""

    def __init__(self, hits: list[AlertHit]) -> None:
        super().__init__("the alert rules changed on disk while they were evaluated")
        self.hits = hits


def record_hits(store: Store, fired: Sequence[tuple[str, Candidate]], now: float, *,
                current: Callable[[], bool] | None = None) -> list[AlertHit]:
    """Record (rule name, item) hits in one transaction; returns those that are new.

    `current` says whether the rules that fired are still the ones on disk. It is asked
    under the write lock, which `alert rm` holds while it edits the file and deletes the
    rule's hits: so a process holding the old rules cannot put those hits back (and
    announce them a second time) after the removal. Raises StaleRules when they are not.
    """
    hits: list[AlertHit] = []
    if not fired:
        return hits
    with store.transaction() as conn:
        if current is not None and not current():
            store.set_meta(RULES_FINGERPRINT, "", conn)
            stale = True
        else:
            stale = False
            for alert, item in fired:
                cursor = conn.execute(
                    "INSERT INTO hits(alert, item_id, version, fired_at, delivered) "
                    "VALUES (?, ?, ?, ?, 0) ON CONFLICT(alert, item_id) DO NOTHING",
                    (alert, item.row_id, item.version, now))
                if cursor.rowcount:
                    hits.append(AlertHit(alert, item.uid, item.title, item.feed, item.link,
                                         item.published, now, item.row_id, item.version))
    if stale:
        raise StaleRules([])
    return hits


_HIT_COLUMNS = ("h.alert, i.uid, i.title, i.feed, i.link, i.published, h.fired_at, i.id, "
                "h.version")


def list_hits(store: Store, *, limit: int | None = 200) -> list[AlertHit]:
    """Hits newest first."""
    sql = (f"SELECT {_HIT_COLUMNS} FROM hits h JOIN items i ON i.id = h.item_id "
           "ORDER BY h.fired_at DESC, h.rowid DESC")
    params: list = []
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [AlertHit(*row) for row in store.connection.execute(sql, params)]


def unseen_hits(store: Store) -> set[tuple[str, int]]:
    """(rule, item row) of every hit the user has not seen yet."""
    return {(row[0], row[1]) for row in store.connection.execute(
        "SELECT alert, item_id FROM hits WHERE seen = 0")}


def hit_counts(store: Store) -> dict[str, int]:
    """Hits per rule name."""
    return dict(store.connection.execute("SELECT alert, count(*) FROM hits GROUP BY alert"))


def hit_count(store: Store, *, unseen_only: bool = False) -> int:
    """How many hits the cache holds (the dashboard's alert count)."""
    sql = "SELECT count(*) FROM hits" + (" WHERE seen = 0" if unseen_only else "")
    return store.connection.execute(sql).fetchone()[0]


def mark_seen(store: Store, pairs: Iterable[tuple[str, int]] | None = None) -> None:
    """Mark hits as seen (all of them when `pairs` is None)."""
    with store.transaction() as conn:
        if pairs is None:
            conn.execute("UPDATE hits SET seen = 1 WHERE seen = 0")
        else:
            conn.executemany("UPDATE hits SET seen = 1 WHERE alert = ? AND item_id = ?",
                             list(pairs))


@contextmanager
def hits_renamed(store: Store, old: str, new: str) -> Iterator[None]:
    """A renamed rule keeps its hits; they are renamed only if the block succeeds (the rule's
    new name written to feeds.toml), else nothing changes."""
    with store.transaction() as conn:
        if old != new:
            conn.execute("UPDATE OR REPLACE hits SET alert = ? WHERE alert = ?", (new, old))
        yield


@contextmanager
def hits_deleted(store: Store, alert: str) -> Iterator[None]:
    """A deleted rule's hits go with it, so they no longer count nor keep their items from
    pruning; only if the block succeeds (the rule taken out of feeds.toml)."""
    with store.transaction() as conn:
        conn.execute("DELETE FROM hits WHERE alert = ?", (alert,))
        yield


# --- the outbox: hits recorded but not yet announced ------------------------------------------

DELIVERY_LEASE_SECONDS = 300.0


def claim_undelivered(store: Store, *, now: float, lease: float = DELIVERY_LEASE_SECONDS,
                      limit: int = 1_000) -> list[AlertHit]:
    """Take the hits no one has announced yet, oldest first, for this process to announce.

    The claim is one write transaction, so two processes never take the same hit; a claim
    not confirmed (`mark_delivered`) within `lease` seconds (the claimant died) is taken again.
    """
    with store.transaction() as conn:
        rows = conn.execute(
            f"SELECT {_HIT_COLUMNS} FROM hits h JOIN items i ON i.id = h.item_id "
            "WHERE h.delivered = 0 AND (h.claimed_at IS NULL OR h.claimed_at < ?) "
            "ORDER BY h.fired_at, h.rowid LIMIT ?", (now - lease, limit)).fetchall()
        conn.executemany("UPDATE hits SET claimed_at = ? WHERE alert = ? AND item_id = ?",
                         [(now, row[0], row[7]) for row in rows])
    return [AlertHit(*row) for row in rows]


def mark_delivered(store: Store, hits: Sequence[AlertHit]) -> None:
    """These hits have been announced: no process announces them again."""
    if hits:
        with store.transaction() as conn:
            conn.executemany("UPDATE hits SET delivered = 1 WHERE alert = ? AND item_id = ?",
                             [(hit.alert, hit.row_id) for hit in hits])


def undelivered_count(store: Store) -> int:
    return store.connection.execute(
        "SELECT count(*) FROM hits WHERE delivered = 0").fetchone()[0]
