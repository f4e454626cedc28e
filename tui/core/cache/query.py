"""Reading the cache: filtered, newest-first item lists, single items, their texts, versions
and counts.

Shared by `wirewatch headlines` and the dashboard's table, which asks for one window of rows
at a time (limit/offset) so 100,000 cached items cost no more to show than fifty.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from tui.core.cache.paging import common_hits, common_match, common_unread, walk_search
from tui.core.cache.schema import ITEM_READ
from tui.core.cache.store import Store, at_least, chunks
from tui.core.ingest.dates import iso, to_datetime
from tui.core.names.model import Match

_WORD = re.compile(r"\w[\w'’\-.&@+]*", re.UNICODE)


@dataclass(frozen=True)
class ItemFilter:
    """Filters combine (AND); an empty filter lists everything."""

    feeds: tuple[str, ...] = ()     # feed names; the caller resolves tags to names
    match: str | None = None        # a canonical watched name or a watch category
                                    # (Session.resolve_watched(...).filter_key)
    search: str | None = None       # full-text search over title, summary and text
    alerted: bool = False
    matches_only: bool = False
    unread_only: bool = False
    starred_only: bool = False
    since: float | None = None      # only items first seen after this time (epoch seconds)
    period: tuple[float, float] | None = None   # only items dated in [start, end) (trends)


@dataclass
class Item:
    """One cached item as the lists show it. `uid` is the short id users see (JSON: "id"),
    `row_id` the cache's own integer key."""

    row_id: int
    uid: str
    feed: str
    title: str
    link: str | None
    summary: str
    published: datetime | None
    first_seen: datetime
    versions: int
    changed: bool
    read: bool
    starred: bool
    alerts: list[str] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)

    @property
    def when(self) -> datetime:
        """Published time, else when first seen (marked as an estimate by `date_known`)."""
        return self.published or self.first_seen

    @property
    def date_known(self) -> bool:
        return self.published is not None

    def to_json(self) -> dict:
        return {
            "id": self.uid, "feed": self.feed, "title": self.title, "url": self.link,
            "published": iso(self.published), "versions": self.versions,
            "alerts": self.alerts,
            "matches": [{"name": m.name, "category": m.category, "text": m.text,
                         "field": m.field} for m in self.matches],
        }


@dataclass(frozen=True)
class ItemTexts:
    """What an item says besides its headline: the page text, the feed's content, the summary."""

    text: str | None
    content: str
    summary: str
    page_note: str | None     # why the article page's text is not used (None: it is, or untried)


@dataclass(frozen=True)
class StoredVersion:
    number: int
    title: str
    summary: str
    text: str | None
    seen: float
    minor: bool


def fts_query(text: str) -> str | None:
    """A user's search words as a safe FTS5 query: every word quoted, the last one a prefix.

    User text never reaches FTS5 syntax: `covid-19`, `at&t` and a lone `"` are just words.
    """
    words = _WORD.findall(text or "")
    if not words:
        return None
    quoted = ['"' + word.replace('"', '""') + '"' for word in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def _where(flt: ItemFilter, conn: sqlite3.Connection | None = None,
           want: int = 0) -> tuple[str, list]:
    """The filter as SQL over `items i`. With `conn`, for a query that walks the list and
    stops at row `want`, each term is tested the way that is cheaper for how common it is
    (see tui.core.cache.paging); the rows selected are the same."""
    clauses: list[str] = []
    params: list = []
    if flt.feeds:
        clauses.append(f"i.feed IN ({','.join('?' * len(flt.feeds))})")
        params.extend(flt.feeds)
    if flt.match:
        # names.resolve turns the user's words into the canonical name.
        if conn is not None and common_match(conn, flt.match, want):
            clauses.append("EXISTS (SELECT 1 FROM matches m WHERE m.item_id = i.id "
                           "AND (m.name = ? OR m.category = ?))")
        else:
            clauses.append("i.id IN (SELECT item_id FROM matches WHERE name = ? "
                           "UNION SELECT item_id FROM matches WHERE category = ?)")
        params.extend([flt.match, flt.match])
    if flt.matches_only:
        clauses.append("EXISTS (SELECT 1 FROM matches m WHERE m.item_id = i.id)")
    if flt.alerted:
        if conn is not None and not common_hits(conn, want):
            clauses.append("i.id IN (SELECT item_id FROM hits)")
        else:
            clauses.append("EXISTS (SELECT 1 FROM hits h WHERE h.item_id = i.id)")
    if flt.unread_only:
        # Unread items are those in `unread` (schema step 12). Walking the list, each item is
        # looked up there when unread items are common; otherwise, and for a whole set
        # (counts, bulk marks), the unread items are read first.
        if conn is not None and common_unread(conn, want):
            clauses.append(f"NOT {ITEM_READ}")
        else:
            clauses.append("i.id IN (SELECT item_id FROM unread)")
    if flt.starred_only:
        clauses.append("i.starred = 1")
    if flt.period is not None:
        clauses.append("i.sort_time >= ? AND i.sort_time < ?")
        params.extend(flt.period)
    if flt.since is not None:
        clauses.append("i.first_seen > ?")
        params.append(flt.since)
    if flt.search:
        query = fts_query(flt.search)
        if query is None:
            clauses.append("0")
        else:
            # SQLite reads a search first and looks each match up (90 ms for 38,000 at a
            # million items); after `since` (a recent time) it reads the few items first
            # seen since, each tested against the matches (the `+` keeps the id from
            # being taken as the way in).
            tested = "+i.id" if flt.since is not None else "i.id"
            clauses.append(f"{tested} IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)")
            params.append(query)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


_COLUMNS = ("i.id, i.uid, i.feed, i.title, i.link, i.summary, i.published, i.first_seen, "
            f"i.versions, i.changed, {ITEM_READ} AS read, i.starred")


def list_items(store: Store, flt: ItemFilter = ItemFilter(), *,
               limit: int | None = 50, offset: int = 0, total: int | None = None) -> list[Item]:
    """Newest first; `limit=None` lists everything. `total`, when the caller knows how many
    items the filter lists, lets a page past the middle be read from the oldest end."""
    conn = store.connection
    if limit is None:
        where, params = _where(flt)
        return _items(store, conn.execute(
            f"SELECT {_COLUMNS} FROM items i{where} ORDER BY i.sort_time DESC, i.id DESC",
            params).fetchall())
    if total is not None and offset > total // 2:
        return _items(store, _from_oldest_end(conn, flt, limit, offset, total))
    want = offset + limit
    if flt.search:
        query = fts_query(flt.search)
        if query is not None:
            where, params = _where(replace(flt, search=None), conn, want)
            ids = walk_search(conn, where, params, query, want)
            if ids is not None:
                return _items(store, _rows_by_id(conn, ids[offset:]))
    where, params = _where(flt, conn, want)
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM items i{where} ORDER BY i.sort_time DESC, i.id DESC "
        "LIMIT ? OFFSET ?", [*params, limit, offset]).fetchall()
    return _items(store, rows)


def _from_oldest_end(conn: sqlite3.Connection, flt: ItemFilter, limit: int, offset: int,
                     total: int) -> list[sqlite3.Row]:
    """Rows offset..offset+limit of the newest-first list, read oldest first from the end."""
    count = min(limit, total - offset)
    if count <= 0:
        return []
    where, params = _where(flt, conn, total - offset)
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM items i{where} ORDER BY i.sort_time ASC, i.id ASC "
        "LIMIT ? OFFSET ?", [*params, count, total - offset - count]).fetchall()
    rows.reverse()
    return rows


def _rows_by_id(conn: sqlite3.Connection, ids: list[int]) -> list[sqlite3.Row]:
    """These items' rows, in the order of `ids`."""
    by_id: dict[int, sqlite3.Row] = {}
    for chunk in chunks(ids, 500):
        for row in conn.execute(
                f"SELECT {_COLUMNS} FROM items i WHERE i.id IN ({','.join('?' * len(chunk))})",
                chunk):
            by_id[row["id"]] = row
    return [by_id[row_id] for row_id in ids if row_id in by_id]


def count_items(store: Store, flt: ItemFilter = ItemFilter()) -> int:
    """How many items `list_items(flt)` lists. A search alone is counted in the full-text
    index, which holds exactly the cached items (store.index_items, the triggers and
    bulk_delete keep it so; `wirewatch repair` rebuilds a damaged one): 5 ms for 38,000
    matches at a million items, where looking each up in `items` takes 90 ms."""
    if flt.search and replace(flt, search=None) == ItemFilter():
        query = fts_query(flt.search)
        if query is None:
            return 0
        return store.connection.execute(
            "SELECT count(*) FROM items_fts WHERE items_fts MATCH ?", (query,)).fetchone()[0]
    if flt.unread_only and replace(flt, unread_only=False, feeds=()) == ItemFilter():
        # Unread alone, or in some feeds: counted in `unread` itself (1 ms at a million).
        feeds = f" WHERE feed IN ({','.join('?' * len(flt.feeds))})" if flt.feeds else ""
        return store.connection.execute(f"SELECT count(*) FROM unread{feeds}",
                                        list(flt.feeds)).fetchone()[0]
    where, params = _where(flt)
    return store.connection.execute(f"SELECT count(*) FROM items i{where}", params).fetchone()[0]


def _items(store: Store, rows: list[sqlite3.Row]) -> list[Item]:
    ids = [row["id"] for row in rows]
    matches = store.matches_for(ids)
    alerts = alerts_for(store, ids)
    return [
        Item(
            row_id=row["id"], uid=row["uid"], feed=row["feed"], title=row["title"],
            link=row["link"], summary=row["summary"], published=to_datetime(row["published"]),
            first_seen=to_datetime(row["first_seen"]), versions=row["versions"],
            changed=bool(row["changed"]), read=bool(row["read"]), starred=bool(row["starred"]),
            alerts=alerts.get(row["id"], []), matches=matches.get(row["id"], []),
        )
        for row in rows
    ]


def alerts_for(store: Store, row_ids: list[int]) -> dict[int, list[str]]:
    """The names of the rules each item fired."""
    out: dict[int, list[str]] = {}
    for chunk in chunks(row_ids, 500):
        for item_id, alert in store.connection.execute(
                f"SELECT item_id, alert FROM hits WHERE item_id IN ({','.join('?' * len(chunk))}) "
                "ORDER BY alert", chunk):
            out.setdefault(item_id, []).append(alert)
    return out


def find_item(store: Store, uid: str) -> Item | None:
    """An item by its id (a unique prefix of at least 4 characters is accepted)."""
    uid = uid.strip().lower()
    rows = store.connection.execute(
        f"SELECT {_COLUMNS} FROM items i WHERE i.uid = ?", (uid,)).fetchall()
    if not rows and len(uid) >= 4:
        rows = store.connection.execute(
            f"SELECT {_COLUMNS} FROM items i WHERE i.uid >= ? AND i.uid < ? LIMIT 2",
            (uid, uid + "\uffff")).fetchall()
        if len(rows) != 1:
            return None
    return _items(store, rows)[0] if rows else None


def item_texts(store: Store, row_id: int) -> ItemTexts | None:
    row = store.connection.execute(
        "SELECT text, content, summary, page_note FROM items WHERE id = ?", (row_id,)).fetchone()
    return ItemTexts(row["text"], row["content"], row["summary"], row["page_note"]) \
        if row else None


def item_link(store: Store, row_id: int) -> tuple[str | None, str] | None:
    """(link, feed) of an item, None when there is no such item."""
    row = store.connection.execute("SELECT link, feed FROM items WHERE id = ?",
                                   (row_id,)).fetchone()
    return (row["link"], row["feed"]) if row else None


def links_of(store: Store, uids: list[str]) -> dict[str, str | None]:
    """The link of each of these items, by uid."""
    out: dict[str, str | None] = {}
    for chunk in chunks(uids, 500):
        out.update(store.connection.execute(
            f"SELECT uid, link FROM items WHERE uid IN ({','.join('?' * len(chunk))})", chunk))
    return out


def stored_versions(store: Store, row_id: int) -> list[StoredVersion]:
    """An item's versions, oldest first."""
    return [StoredVersion(row["number"], row["title"], row["summary"], row["text"], row["seen"],
                          bool(row["minor"]))
            for row in store.connection.execute(
                "SELECT number, title, summary, text, seen, minor FROM versions "
                "WHERE item_id = ? ORDER BY number", (row_id,))]


def item_count(store: Store) -> int:
    return store.connection.execute("SELECT count(*) FROM items").fetchone()[0]


def more_items_than(store: Store, count: int) -> bool:
    """Whether more than `count` items are cached (a million take 8 ms to count, where
    "more than 20,000?" takes one)."""
    return at_least(store.connection, "SELECT 1 FROM items", [], count + 1)


def feed_counts(store: Store) -> dict[str, tuple[int, int]]:
    """Per feed: (items, unread)."""
    conn = store.connection
    unread = dict(conn.execute("SELECT feed, count(*) FROM unread GROUP BY feed").fetchall())
    return {feed: (items, unread.get(feed, 0)) for feed, items in conn.execute(
        "SELECT feed, count(*) FROM items GROUP BY feed")}


def item_position(store: Store, flt: ItemFilter, row_id: int) -> int | None:
    """Where an item sits in `list_items(flt)` order, or None when the filter leaves it out.

    The dashboard uses it to keep the cursor on the same item when a refresh inserts newer
    ones above it: one indexed count instead of reading every row before it.
    """
    where, params = _where(flt)
    joiner = " AND " if where else " WHERE "
    row = store.connection.execute(
        f"SELECT i.sort_time FROM items i{where}{joiner}i.id = ?", params + [row_id]).fetchone()
    if row is None:
        return None
    sort_time = row[0]
    return store.connection.execute(
        f"SELECT count(*) FROM items i{where}{joiner}"
        "(i.sort_time, i.id) > (?, ?)", params + [sort_time, row_id]).fetchone()[0]


@dataclass(frozen=True)
class ReadMarks:
    """The items a bulk mark changed, and how many of them each feed has (the feeds pane's
    unread counts follow from it without counting the cache again)."""

    ids: list[int]
    per_feed: dict[str, int]


def newest_item_id(store: Store) -> int:
    """The id of the item stored last (ids only grow): a bound for "the items there are now"."""
    return store.connection.execute("SELECT coalesce(max(id), 0) FROM items").fetchone()[0]


def mark_read_matching(store: Store, flt: ItemFilter,
                       found: Callable[[ReadMarks], None] | None = None, *,
                       up_to: int | None = None) -> ReadMarks:
    """Mark every unread item the filter lists as read (only those with ids up to `up_to`,
    when given: the items there were when the user asked); returns them (for an undo).

    At a million items the write takes a second (250,000 unread), so the dashboard runs
    this on a worker: `found` hears which items change as soon as they are read (a fraction
    of a second), before the write; the selection and the write are one transaction, all
    or nothing."""
    where, params = _where(replace(flt, unread_only=True))
    if up_to is not None:
        where, params = f"{where}{' AND ' if where else ' WHERE '}i.id <= ?", [*params, up_to]
    with store.transaction() as conn:
        ids: list[int] = []
        per_feed: Counter[str] = Counter()
        for row_id, feed in conn.execute(f"SELECT i.id, i.feed FROM items i{where}", params):
            ids.append(row_id)
            per_feed[feed] += 1
        marks = ReadMarks(ids, dict(per_feed))
        if found is not None:
            found(marks)
        store.set_read(ids, True)
    return marks


def next_unread_position(store: Store, flt: ItemFilter, row_id: int | None) -> int | None:
    """Where the first unread item after item `row_id` sits in `list_items(flt)` order (from
    the top when there is none after it, or `row_id` is None); None when all are read."""
    conn = store.connection
    if common_unread(conn, 1):
        where, params = _where(replace(flt, unread_only=True), conn, 1)
    else:
        # A few unread among many (fewer than paging.FEW: few enough to list as parameters):
        # their ids, looked up one by one, rather than a walk of the time index past every
        # read item (60 ms at a million for 100 unread; a join had SQLite filter the whole
        # items table first, 140-220 ms).
        few = [row[0] for row in conn.execute("SELECT item_id FROM unread")]
        where, params = _where(replace(flt, unread_only=False), conn, 1)
        listed = f"i.id IN ({','.join('?' * len(few))})" if few else "0"
        where = f"{where} AND {listed}" if where else f" WHERE {listed}"
        params = [*params, *few]
    joiner = " AND " if where else " WHERE "
    order = " ORDER BY i.sort_time DESC, i.id DESC LIMIT 1"
    found = None
    if row_id is not None:
        anchor = conn.execute("SELECT sort_time FROM items WHERE id = ?", (row_id,)).fetchone()
        if anchor is not None:
            found = conn.execute(
                f"SELECT i.id FROM items i{where}{joiner}"
                # A row value: "a < ? OR (a = ? AND b < ?)" makes SQLite collect and sort
                # every older item (0.5 s at 1M) instead of walking the index to the next.
                "(i.sort_time, i.id) < (?, ?)" + order, params + [anchor[0], row_id]).fetchone()
    if found is None:
        found = conn.execute(f"SELECT i.id FROM items i{where}" + order, params).fetchone()
    return item_position(store, flt, found[0]) if found is not None else None


def text_excerpt(store: Store, row_id: int, start: int, end: int, *, around: int = 40) -> str:
    """The words around characters start..end of an item's page text (its feed content
    when it has no page text): where a name was found."""
    low = max(0, start - around)
    row = store.connection.execute(
        "SELECT substr(coalesce(text, content), ?, ?) FROM items WHERE id = ?",
        (low + 1, end - low + around, row_id)).fetchone()
    excerpt = " ".join((row[0] or "").split()) if row else ""
    return ("…" if low else "") + excerpt + "…"
