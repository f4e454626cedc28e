"""The SQLite cache: one file in cache/, shared safely by every wirewatch process.

WAL mode lets the dashboard read while `wirewatch fetch` writes; every write takes the lock
up front (BEGIN IMMEDIATE) with a long busy timeout, so two processes queue instead of failing
with "database is locked"; one transaction per feed means a crash mid-refresh loses nothing
already stored. Each thread gets its own connection, as sqlite3 requires.
"""

from __future__ import annotations

import errno
import hashlib
import sqlite3
import threading
import time
import urllib.parse
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING

from tui.core.cache.bulk_delete import delete_items
from tui.core.cache.fields import fields_to_match
from tui.core.cache.schema import SCHEMA_VERSION, migrate, register_functions
from tui.core.ingest.digest import content_digest
from tui.core.names.model import Match

if TYPE_CHECKING:   # the parser (lxml) is not needed to read the cache, nor the re-match
    from tui.core.cache.rematch import Matcher, Rematched
    from tui.core.ingest.feeds import Entry, ParsedFeed

DB_NAME = "wirewatch.sqlite3"
WATCH_FINGERPRINT = "watch_fingerprint"
"""Meta key: the fingerprint of the watchlist the stored matches were made with."""
RULES_FINGERPRINT = "rules_fingerprint"
"""Meta key: the fingerprint of the rules (and watchlist) every stored item was evaluated by."""
BUSY_TIMEOUT_MS = 60_000
# What the write-ahead log may keep on disk once a big write is checkpointed: a big write (a
# prune, a whole re-match, a first refresh of many feeds; a bulk read mark before schema step
# 12, 400 MB at a million items) leaves a log as big as what it wrote, which a dashboard or
# `watch` left running would otherwise keep for as long as it runs.
WAL_SIZE_LIMIT = 64 * 1024 * 1024


@dataclass
class FeedState:
    name: str
    config_url: str
    url: str
    title: str | None
    language: str | None
    etag: str | None
    last_modified: str | None
    last_checked: float | None
    last_success: float | None
    next_due: float | None
    failures: int
    last_error: str | None
    last_status: int | None
    config_language: str | None = None


_FEED_STATE_COLUMNS = ", ".join(f.name for f in fields(FeedState))


@dataclass
class IngestResult:
    new: list[int] = field(default_factory=list)      # item row ids
    updated: list[int] = field(default_factory=list)


_BASE32 = "abcdefghijklmnopqrstuvwxyz234567"
_BASE32_PAIRS = [a + b for a in _BASE32 for b in _BASE32]     # 10 bits -> two characters


def make_uid(feed: str, key: str) -> str:
    """A short, stable, URL- and shell-safe id: 10 base32 characters of a hash (the first 50
    bits of its SHA-1, as `base64.b32encode(digest)[:10].lower()` spells them; the standard
    library's pure-Python encoder cost a refresh of 15,000 items a tenth of a second)."""
    digest = hashlib.sha1(f"{feed}\x00{key}".encode("utf-8", "surrogatepass")).digest()
    bits = int.from_bytes(digest[:7], "big") >> 6
    pairs = _BASE32_PAIRS
    return (pairs[bits >> 40] + pairs[(bits >> 30) & 1023] + pairs[(bits >> 20) & 1023]
            + pairs[(bits >> 10) & 1023] + pairs[bits & 1023])


class CacheUnavailable(Exception):
    """The cache cannot be used the way asked (missing, read-only, too new); one line says why."""


_READ_ONLY_SIGNS = ("readonly database", "read-only", "unable to open database",
                    "permission denied")


class TransactionLost(sqlite3.OperationalError):
    """SQLite rolled a transaction back on its own (a full disk): its writes are all gone."""


def is_read_only_error(error: BaseException) -> bool:
    """A failure that means "this cache cannot be written here" (permissions, read-only
    file system), not a broken cache."""
    if isinstance(error, OSError) and error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return True
    return isinstance(error, sqlite3.OperationalError) and any(
        sign in str(error).lower() for sign in _READ_ONLY_SIGNS)


class Store:
    """The cache. Creating one touches nothing; `Store.open` makes the folder and brings the
    schema up to date, `Store.open_read_only` reads a cache it may not write; connections open
    lazily, one per thread."""

    def __init__(self, cache_dir: Path | str) -> None:
        self.cache_dir = Path(cache_dir)
        self.path = self.cache_dir / DB_NAME
        self.read_only = False
        self._uri: str | None = None          # for read-only connections
        self._local = threading.local()
        self._connections: list[tuple[threading.Thread, sqlite3.Connection]] = []
        self._lock = threading.Lock()

    @classmethod
    def open(cls, cache_dir: Path | str) -> Store:
        """The cache in `cache_dir`, created or migrated as needed."""
        store = cls(cache_dir)
        store.cache_dir.mkdir(parents=True, exist_ok=True)
        migrate(store.connection)
        return store

    @classmethod
    def open_read_only(cls, cache_dir: Path | str) -> Store:
        """The cache in `cache_dir`, for reading only (a read-only folder, file or disk).

        A WAL cache can be read without its -shm file only as "immutable"; that is tried when
        a plain read-only open fails.
        """
        store = cls(cache_dir)
        store.read_only = True
        if not store.path.is_file():
            raise CacheUnavailable(f"no cache at {store.cache_dir} (and it cannot be created "
                                   "here: the folder is read-only)")
        base = "file:" + urllib.parse.quote(str(store.path.resolve()))
        for uri in (base + "?mode=ro", base + "?mode=ro&immutable=1"):
            store._uri = uri
            try:
                version = store.connection.execute("PRAGMA user_version").fetchone()[0]
            except sqlite3.Error:
                store.close()
                continue
            if version != SCHEMA_VERSION:
                store.close()
                raise CacheUnavailable(
                    f"the cache at {store.cache_dir} is read-only and needs upgrading "
                    f"(schema {version}, this wirewatch uses {SCHEMA_VERSION})")
            return store
        raise CacheUnavailable(f"the cache at {store.cache_dir} cannot be read")

    # --- connections and transactions -------------------------------------------------------

    @property
    def connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            if self._uri is not None:
                conn = sqlite3.connect(self._uri, uri=True, isolation_level=None,
                                       check_same_thread=False)
            else:
                conn = sqlite3.connect(self.path, isolation_level=None,
                                       timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if self._uri is None:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
                conn.execute(f"PRAGMA journal_size_limit = {int(WAL_SIZE_LIMIT)}")
            conn.execute("PRAGMA foreign_keys = ON")
            register_functions(conn)
            self._local.conn = conn
            with self._lock:
                self._connections.append((threading.current_thread(), conn))
        return conn

    def close(self) -> None:
        """Close this thread's connection and those of threads that have ended. A thread still
        running keeps its connection until it ends (the dashboard's reader, counting a
        million items as the user quits): closing a connection under another thread's
        statement crashes the interpreter. Every thread's next use opens a new one."""
        here = threading.current_thread()
        with self._lock:
            for thread, conn in self._connections:
                if thread is here or not thread.is_alive():
                    try:
                        conn.close()
                    except sqlite3.Error:
                        pass
            self._connections.clear()
        self._local = threading.local()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that takes the lock first, so it never fails half-way on BUSY.

        Inside another one (a refresh stores several feeds per transaction) it is a savepoint:
        its failure undoes its own writes only, and the outer transaction commits the rest.
        """
        conn = self.connection
        if getattr(self._local, "outer", False):
            if not conn.in_transaction:     # an earlier failure made SQLite undo it all
                raise self._lost()
            conn.execute("SAVEPOINT nested")
            try:
                yield conn
            except BaseException as error:
                if not conn.in_transaction:     # SQLite undid the whole transaction itself
                    self._local.lost = error
                    raise
                conn.execute("ROLLBACK TO nested")
                conn.execute("RELEASE nested")
                raise
            conn.execute("RELEASE nested")
            return
        conn.execute("BEGIN IMMEDIATE")
        self._local.outer, self._local.lost = True, None
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            self._local.outer = False
        if not conn.in_transaction:
            raise self._lost()
        conn.execute("COMMIT")

    def _lost(self) -> TransactionLost:
        """Some errors (a full disk, out of memory) make SQLite roll back the whole
        transaction, not just the failing statement: the savepoints before it are gone too,
        and the writes after it must not begin transactions of their own. The batch fails as
        a whole, for the reason it did."""
        return TransactionLost(f"{getattr(self._local, 'lost', None) or 'rolled back'}; "
                               "nothing of this batch was stored")

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Several writes in one transaction, each still all or nothing on its own: a commit
        per feed cost a refresh more than storing a small feed does."""
        with self.transaction():
            yield

    def data_version(self) -> int:
        """A number that moves whenever another connection commits to the cache (another
        process: a cron `wirewatch fetch`, a `watch`; or another thread of this one), read on
        this thread's connection (PRAGMA data_version: no lock, no page read)."""
        return self.connection.execute("PRAGMA data_version").fetchone()[0]

    def meta(self, key: str) -> str | None:
        row = self.connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str, conn: sqlite3.Connection | None = None) -> None:
        (conn or self.connection).execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))

    # --- feeds ------------------------------------------------------------------------------

    def sync_feeds(self, feeds: Iterable[tuple[str, str, str | None]]) -> None:
        """Make sure every configured (name, url, language) has a row; a changed URL resets
        its state, a changed language its items' counts in trends. A feed renamed in
        feeds.toml (a new name for the URL of a name no longer there) takes its items along:
        else the next fetch would store them all again under the new name, and fire their
        alerts again."""
        feeds = list(feeds)
        with self.transaction() as conn:
            renamed = self._renamed_feeds(conn, feeds)
            for name, url, language in feeds:
                if name in renamed:
                    conn.execute("UPDATE feeds SET name = ? WHERE name = ?", (name, renamed[name]))
                    conn.execute("UPDATE items SET feed = ? WHERE feed = ?", (name, renamed[name]))
                row = conn.execute("SELECT config_url, config_language FROM feeds "
                                   "WHERE name = ?", (name,)).fetchone()
                if row is None:
                    conn.execute("INSERT INTO feeds(name, config_url, url, config_language) "
                                 "VALUES (?, ?, ?, ?)", (name, url, url, language))
                    continue
                if row[0] != url:
                    conn.execute(
                        "UPDATE feeds SET config_url = ?, url = ?, etag = NULL, "
                        "last_modified = NULL, failures = 0, next_due = NULL WHERE name = ?",
                        (url, url, name))
                if row[1] != language:
                    conn.execute("UPDATE feeds SET config_language = ? WHERE name = ?",
                                 (language, name))

    @staticmethod
    def _renamed_feeds(conn: sqlite3.Connection,
                       feeds: list[tuple[str, str, str | None]]) -> dict[str, str]:
        """New name -> old name, for each configured name the cache does not know whose URL
        is that of a stored feed no longer configured (each old feed taken once)."""
        names = {name for name, _, _ in feeds}
        stored = {row[0]: row[1] for row in conn.execute("SELECT name, config_url FROM feeds")}
        orphans: dict[str, list[str]] = {}
        for old, url in stored.items():
            if old not in names:
                orphans.setdefault(url, []).append(old)
        return {name: orphans[url].pop(0) for name, url, _ in feeds
                if name not in stored and orphans.get(url)}

    def feed_states(self) -> dict[str, FeedState]:
        """Columns by name: a newer wirewatch may have added some to a cache this process
        still has open (a running `watch` when `fetch` of the next version migrates)."""
        rows = self.connection.execute(f"SELECT {_FEED_STATE_COLUMNS} FROM feeds").fetchall()
        return {row["name"]: FeedState(**dict(row)) for row in rows}

    def record_fetch(self, name: str, *, ok: bool, now: float, next_due: float,
                     status: int | None = None, error: str | None = None,
                     etag: str | None = None, last_modified: str | None = None,
                     new_url: str | None = None, title: str | None = None,
                     language: str | None = None,
                     conn: sqlite3.Connection | None = None) -> None:
        """The outcome of one fetch: validators on success, a failure count on error."""
        def write(c: sqlite3.Connection) -> None:
            if ok:
                c.execute(
                    "UPDATE feeds SET last_checked = ?, last_success = ?, next_due = ?, "
                    "failures = 0, last_error = NULL, last_status = ?, "
                    "etag = coalesce(?, etag), last_modified = coalesce(?, last_modified), "
                    "url = coalesce(?, url), title = coalesce(?, title), "
                    "language = coalesce(?, language) WHERE name = ?",
                    (now, now, next_due, status, etag, last_modified, new_url, title or None,
                     language, name))
            else:
                c.execute(
                    "UPDATE feeds SET last_checked = ?, next_due = ?, failures = failures + 1, "
                    "last_error = ?, last_status = ? WHERE name = ?",
                    (now, next_due, error, status, name))
        if conn is not None:
            write(conn)
        else:
            with self.transaction() as c:
                write(c)

    # --- items ------------------------------------------------------------------------------

    def record_fetches(self, records: Sequence[tuple[str, dict]]) -> None:
        """Several feeds' `record_fetch` (name, its keywords) in one transaction."""
        with self.transaction() as conn:
            for name, fields in records:
                self.record_fetch(name, conn=conn, **fields)

    def ingest(self, feed: str, parsed: ParsedFeed, *, now: float, matcher: Matcher | None,
               record: dict | None = None) -> IngestResult:
        """Store a parsed feed in one transaction: new items, new versions, fresh matches.

        `record`, when given, is passed to record_fetch inside the same transaction, so the
        validators (ETag) never claim a document whose items were not stored.
        """
        result = IngestResult()
        with self.transaction() as conn:
            known = self._known_items(conn, feed, [entry.key for entry in parsed.entries])
            fresh = [entry for entry in parsed.entries if entry.key not in known]
            for entry in parsed.entries:
                if entry.key not in known:
                    continue
                row_id, state = self._update(conn, entry, known[entry.key], now)
                if state == "updated":
                    result.updated.append(row_id)
                if state != "same" and matcher is not None:
                    self.rematch(conn, row_id, matcher)
            result.new = self._insert_new(conn, feed, fresh, now, matcher)
            if record is not None:
                self.record_fetch(feed, conn=conn, **record)
        return result

    @staticmethod
    def _known_items(conn: sqlite3.Connection, feed: str,
                     keys: Sequence[str]) -> dict[str, sqlite3.Row]:
        """The stored items of `feed` among `keys`, by key: one query per 500 keys rather
        than one per entry."""
        known: dict[str, sqlite3.Row] = {}
        for chunk in chunks(keys, 500):
            marks = ",".join("?" * len(chunk))
            for row in conn.execute(
                    f"SELECT id, key, title, summary, text, versions FROM items "
                    f"WHERE feed = ? AND key IN ({marks})", [feed, *chunk]):
                known[row["key"]] = row
        return known

    def _insert_new(self, conn: sqlite3.Connection, feed: str, entries: Sequence[Entry],
                    now: float, matcher: Matcher | None) -> list[int]:
        """Insert items not seen before, with their first version, search index entries and
        matches, a statement for each table rather than several per item.

        Row ids are given here, as SQLite would (the largest plus one, the write lock held),
        so the search index is filled by one statement over the range: cheaper than the row
        trigger it replaces (schema step 5). Nothing to re-read or delete: they are new.
        """
        if not entries:
            return []
        first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM items").fetchone()[0]
        ids = range(first, first + len(entries))
        conn.executemany(
            "INSERT INTO items(id, uid, feed, key, link, title, summary, content, published, "
            "published_raw, first_seen, sort_time, updated) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(row_id, make_uid(feed, e.key), feed, e.key, e.link, e.title, e.summary, e.content,
              e.published, e.published_raw, now,
              e.published if e.published is not None else now, now)
             for row_id, e in zip(ids, entries)])
        conn.executemany(
            "INSERT INTO versions(item_id, number, title, summary, text, digest, seen) "
            "VALUES (?, 1, ?, ?, NULL, ?, ?)",
            [(row_id, e.title, e.summary, e.digest or content_digest(e.title, e.summary, None),
              now) for row_id, e in zip(ids, entries)])
        index_items(conn, ids[0], ids[-1])
        if matcher is not None:
            conn.executemany(
                'INSERT INTO matches(item_id, field, start, "end", name, category, text) '
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(row_id, m.field, m.start, m.end, m.name, m.category, m.text)
                 for row_id, e in zip(ids, entries)
                 for m in matcher.find_fields({"title": e.title, "summary": e.summary})])
        return list(ids)

    def _update(self, conn: sqlite3.Connection, entry: Entry, existing: sqlite3.Row,
                now: float) -> tuple[int, str]:
        """A known item seen again: the same, a new version, or back to an earlier one."""
        row_id = existing["id"]
        if (" ".join(entry.title.split()) == " ".join(existing["title"].split())
                and " ".join(entry.summary.split()) == " ".join(existing["summary"].split())):
            if entry.content and not existing["text"]:
                conn.execute("UPDATE items SET content = ? WHERE id = ? AND content != ?",
                             (entry.content, row_id, entry.content))
            return row_id, "same"
        changed = self.add_version(conn, row_id, title=entry.title, summary=entry.summary,
                                   text=existing["text"], now=now)
        conn.execute("UPDATE items SET link = coalesce(?, link), content = ? WHERE id = ?",
                     (entry.link, entry.content, row_id))
        return row_id, "updated" if changed else "reverted"

    def add_version(self, conn: sqlite3.Connection, row_id: int, *, title: str, summary: str,
                    text: str | None, now: float, minor: bool = False,
                    text_source: str | None = None) -> bool:
        """Record new content as the next version, unless it repeats an earlier one.

        An outlet flipping between two wordings (A/B/A) would otherwise make endless versions.
        """
        digest = content_digest(title, summary, text)
        known = conn.execute("SELECT number FROM versions WHERE item_id = ? AND digest = ?",
                             (row_id, digest)).fetchone()
        if known is not None:
            # Back to an earlier wording: no new version, but the item shows what it says now.
            conn.execute("UPDATE items SET title = ?, summary = ?, text = ?, "
                         "text_source = coalesce(?, text_source) WHERE id = ?",
                         (title, summary, text, text_source, row_id))
            return False
        number = conn.execute("SELECT coalesce(max(number), 0) + 1 FROM versions "
                              "WHERE item_id = ?", (row_id,)).fetchone()[0]
        conn.execute(
            "INSERT INTO versions(item_id, number, title, summary, text, digest, seen, minor) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (row_id, number, title, summary, text, digest, now, int(minor)))
        conn.execute(
            "UPDATE items SET title = ?, summary = ?, text = ?, "
            "text_source = coalesce(?, text_source), versions = ?, updated = ?, "
            "changed = changed OR ? WHERE id = ?",
            (title, summary, text, text_source, number, now, int(not minor), row_id))
        return True

    # --- matches ----------------------------------------------------------------------------

    def rematch(self, conn: sqlite3.Connection, row_id: int, matcher: Matcher) -> None:
        """Recompute one item's matches inside the caller's transaction."""
        row = conn.execute("SELECT title, summary, text FROM items WHERE id = ?",
                           (row_id,)).fetchone()
        self._write_matches(conn, row_id, matcher.find_fields(match_fields(row)))

    @staticmethod
    def _write_matches(conn: sqlite3.Connection, row_id: int,
                       found: Sequence[Match]) -> None:
        conn.execute("DELETE FROM matches WHERE item_id = ?", (row_id,))
        if found:
            conn.executemany(
                'INSERT INTO matches(item_id, field, start, "end", name, category, text) '
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(row_id, m.field, m.start, m.end, m.name, m.category, m.text) for m in found])

    def rematch_item(self, row_id: int, matcher: Matcher) -> None:
        with self.transaction() as conn:
            self.rematch(conn, row_id, matcher)

    def ensure_matches(self, matcher: Matcher, *, processes: int | None = None) -> int:
        """Recompute every item's matches when the watchlist changed; returns items redone.
        `processes` (default: by the cores and the cache's size) match them; see
        tui.core.cache.rematch."""
        done = self.rematch_cache(matcher, processes=processes)
        return done.items if done is not None else 0

    def rematch_cache(self, matcher: Matcher, *,
                      processes: int | None = None) -> Rematched | None:
        """`ensure_matches` with what it did: None when the matches were already the
        watchlist's. Only the items whose matches changed are written, in one transaction."""
        from tui.core.cache.rematch import TERMS_META, record_terms, rematch_all

        if self.meta(WATCH_FINGERPRINT) == matcher.fingerprint:
            if self.meta(TERMS_META) is None and hasattr(matcher, "term_fingerprints"):
                # Matches made before terms were noted (an older wirewatch): they are this
                # watchlist's, so the next edit need not match every item again.
                with self.transaction() as conn:
                    record_terms(conn, matcher)
            return None
        # Every match row written names an item read in the same transaction: the foreign
        # key's per-row look-up into items (a twentieth of a first match) finds it always.
        with self._foreign_keys_off(), self.transaction() as conn:
            done = rematch_all(conn, matcher, processes=processes)
            self.set_meta(WATCH_FINGERPRINT, matcher.fingerprint, conn)
        return done

    def matches_for(self, row_ids: Sequence[int]) -> dict[int, list[Match]]:
        out: dict[int, list[Match]] = {row_id: [] for row_id in row_ids}
        for chunk in chunks(list(row_ids), 500):
            marks = ",".join("?" * len(chunk))
            for row in self.connection.execute(
                    f'SELECT item_id, field, start, "end", name, category, text FROM matches '
                    f"WHERE item_id IN ({marks}) ORDER BY item_id, field, start", chunk):
                out[row[0]].append(Match(row[2], row[3], row[1], row[4], row[5], row[6]))
        return out

    # --- user marks -------------------------------------------------------------------------

    def set_read(self, row_ids: Sequence[int], read: bool = True) -> None:
        """Mark items read or unread, in one transaction (a bulk mark of 250k items is all
        or nothing): their rows leave or join the narrow `unread` table (schema step 12)."""
        with self.transaction() as conn:
            for chunk in chunks(row_ids, 500):
                marks = ",".join("?" * len(chunk))
                if read:
                    conn.execute(f"DELETE FROM unread WHERE item_id IN ({marks})", chunk)
                else:
                    conn.execute("INSERT OR IGNORE INTO unread (item_id, feed) "
                                 f"SELECT id, feed FROM items WHERE id IN ({marks})", chunk)

    def toggle_star(self, row_id: int) -> bool:
        """Star or unstar an item (starred items are never pruned); returns the new state."""
        with self.transaction() as conn:
            conn.execute("UPDATE items SET starred = 1 - starred WHERE id = ?", (row_id,))
            row = conn.execute("SELECT starred FROM items WHERE id = ?", (row_id,)).fetchone()
        return bool(row and row[0])

    # --- pruning ----------------------------------------------------------------------------

    def prune(self, keep_days: int, now: float | None = None) -> int:
        """Delete old items that are neither starred nor alerted; returns how many."""
        cutoff = (now or time.time()) - keep_days * 86_400
        # Every table that refers to items loses its rows first (delete_items), so the foreign
        # keys' per-row checks find nothing (a fifth of the items' delete).
        with self._foreign_keys_off(), self.transaction() as conn:
            return delete_items(
                conn, "SELECT id FROM items WHERE sort_time < ? AND first_seen < ? "
                "AND starred = 0 AND id NOT IN (SELECT item_id FROM hits)",
                (cutoff, cutoff))

    @contextmanager
    def _foreign_keys_off(self) -> Iterator[None]:
        """Foreign keys unchecked for the next transaction, where the caller knows its writes
        keep them. SQLite ignores the switch inside a transaction, so a nested one keeps them
        checked."""
        conn = self.connection
        switch = not conn.in_transaction
        if switch:
            conn.execute("PRAGMA foreign_keys = OFF")
        try:
            yield
        finally:
            if switch:
                conn.execute("PRAGMA foreign_keys = ON")


def index_items(conn: sqlite3.Connection, first_id: int, last_id: int) -> None:
    """Add the new items with ids `first_id`..`last_id` to the full-text index, mark them
    unread, and note them for grouping into stories and for their hours' mention counts.
    Whoever inserts items calls this, one statement each per feed: there are no insert
    triggers since schema steps 5 and 9 (a trigger runs once per row); edits and deletions
    still keep them in step through triggers and foreign keys."""
    span = (first_id, last_id)
    conn.execute("INSERT OR IGNORE INTO unread (item_id, feed) "
                 "SELECT id, feed FROM items WHERE id BETWEEN ? AND ?", span)
    conn.execute(
        "INSERT INTO items_fts(rowid, title, summary, text) "
        "SELECT id, title, summary, coalesce(text, content) FROM items "
        "WHERE id BETWEEN ? AND ?", span)
    conn.execute("INSERT OR REPLACE INTO story_dirty (item_id) "
                 "SELECT id FROM items WHERE id BETWEEN ? AND ?", span)
    conn.execute("INSERT OR IGNORE INTO mention_dirty "
                 "SELECT DISTINCT CAST(sort_time / 3600 AS INTEGER) FROM items "
                 "WHERE id BETWEEN ? AND ?", span)


def match_fields(row: sqlite3.Row) -> dict[str, str]:
    """The fields of an item row that names and rule terms are looked for in."""
    return fields_to_match(row["title"], row["summary"], row["text"])


def at_least(conn: sqlite3.Connection, sql: str, params: Sequence, count: int) -> bool:
    """Whether `sql` yields at least `count` rows, reading no more than that (on a big cache,
    "more than 20,000?" costs what 20,000 rows cost, not what all of them do)."""
    return conn.execute(f"SELECT count(*) FROM ({sql} LIMIT ?)",
                        [*params, count]).fetchone()[0] >= count


def chunks(values: Sequence, size: int) -> Iterator[list]:
    """`values` in lists of at most `size` (SQLite limits the parameters of one statement)."""
    for start in range(0, len(values), size):
        yield list(values[start:start + size])
