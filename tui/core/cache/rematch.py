"""Whole-cache re-match: when the watchlist (or the matcher's rules) changes, the stored
items are matched again, and only the items whose matches came out different are written.

Why this shape. A re-match of 100,000 items against 500 terms used to cost 5 s, and a watchlist
edit (a term added) changes the matches of a few dozen of them. So:

1. An edit of a few terms looks only where they may matter. Each term has a fingerprint of
   what it compiles to (``Watcher.term_fingerprints``, kept in meta beside the matches): a term
   whose fingerprint is unchanged finds exactly what it found before. The items to match again
   are those where a term now gone was matched (read from the matches table) and those where
   a new or changed term may be (``Watcher.screen``: its stems anywhere in the lower-cased
   text, one automaton pass over all the texts). Ties between overlapping mentions go to the
   earlier term, so when the kept terms changed order, or most terms changed, or nothing is
   known of the stored matches (a matcher upgrade), every item is matched again.
2. Items are read as plain tuples inside one write transaction taken first (no fetch stores
   items in between; readers see the old matches or the new, never a mix). When there are
   many and more than one core is idle they are matched in forked worker processes, a
   chunk per worker (``Forked``; a fork costs tens of milliseconds of CPU): a worker is
   started on a chunk as soon as it is read, and inherits the matcher and the chunk
   (nothing is pickled to it) while this process reads the next one, so the reading
   overlaps the matching instead of coming before it. Workers send back plain tuples a
   piece at a time, which this process writes as they come while they go on. Otherwise the
   items are matched here, a block of 100,000 at a time. A child only runs the matcher,
   never SQLite, so a thread of the parent holding a lock in it cannot hang it.
3. Each item's new matches are compared with its stored ones where they are made: the
   stored matches of a chunk are read before the chunk is matched (its worker inherits them
   too), and only the items whose matches differ, as a set, are sent back. The matcher
   scans a few hundred items as one string (``Watcher.find_row_lists``), and a run of
   items whose matches are, as one list, the rows stored (in the order written) is passed
   over without looking at each item: after a matcher upgrade that is nearly every run.
4. Only those items are rewritten, as the workers' results come. Their hours are marked for
   the mention recount in one statement at the end while the per-row mention triggers are
   set aside (they cost more than the rows themselves). When none are stored (a cache's
   first match), or few of the terms were in the last watchlist (`_mostly_new_terms`),
   every item's matches are written afresh: straight into the emptied table, its indexes
   and those triggers set aside from the start; the indexes are built again while the last
   worker still matches (its chunk is the biggest), and what it found goes in after them.

The result is the matches table a fresh match of every item gives, row for row, with the
mention counts and alert hits to match (tests/unit/test_rematch.py; figures:
tests/bench/bench_rematch_cache.py).
"""

from __future__ import annotations

import json
import sqlite3
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from typing import Protocol

from tui.core.cache.fields import MATCHED_FIELDS
from tui.core.cache.schema import MENTION_MATCH_TRIGGERS
from tui.core.collector import cycle_collection_paused
from tui.core.forked import Forked, process_count, run_in_processes
from tui.core.names.model import Match

# Items read, matched and compared per pass: bounds the memory a million-item cache needs.
BLOCK_ITEMS = 100_000
# Items whose matches are compared with the stored ones as one list (when any differ, item by
# item): after a matcher upgrade nearly every such list is the same.
COMPARE_ITEMS = 256
# Items a worker matches between two sends of what it found: written by this process as
# they come, while the workers go on.
PIECE_ITEMS = 2_048
# How much bigger than the others the last chunk matched in a worker is.
LAST_CHUNK_EXTRA = 0.5

_COLUMNS = 'item_id, field, start, "end", name, category, text'
_ItemRow = tuple[int, str, str, "str | None"]
_item_id = itemgetter(0)


class Matcher(Protocol):
    """What the store needs of the watchlist engine (tui.core.names.watch.Watcher)."""

    fingerprint: str

    def find_fields(self, fields: dict[str, str]) -> Sequence[Match]: ...

    def find_rows(self, fields: dict[str, str]) -> Sequence[tuple[str, int, int, str, str, str]]:
        ...

    def find_row_lists(self, items: Sequence[Sequence], fields: Sequence[str]
                       ) -> Sequence[list[tuple]]: ...


@dataclass(frozen=True)
class Rematched:
    """What a whole-cache re-match did."""

    items: int        # items matched again
    changed: int      # items whose matches differed, and were rewritten
    processes: int    # processes that matched them


_Work = Callable[[Sequence[_ItemRow]], tuple[list[tuple[int]], list[tuple]]]


# --- which items to look at again ---------------------------------------------------------

TERMS_META = "watch_terms"
# An edit that changes more than this share of the terms is re-matched whole: screening for
# most of the watchlist costs about what matching with all of it does.
SCREEN_MAX_SHARE = 0.25
# A watchlist of which fewer than this share of terms were in the last has its matches
# written afresh (see `_mostly_new_terms`).
MOSTLY_NEW_SHARE = 0.5


@dataclass(frozen=True)
class _Edit:
    """A watchlist edit seen term by term: the terms to screen the items for (positions in
    the new watchlist), and the (name, category) of the terms gone."""

    added: list[int]
    gone: list[tuple[str, str]]


def _terms_record(matcher: Matcher) -> str | None:
    fingerprints = getattr(matcher, "term_fingerprints", None)
    terms = getattr(matcher, "terms", None)
    if fingerprints is None or terms is None:
        return None
    return json.dumps([[f, t.name, t.category] for f, t in zip(fingerprints, terms, strict=True)],
                      ensure_ascii=False)


def record_terms(conn: sqlite3.Connection, matcher: Matcher) -> None:
    """Note the terms (with their fingerprints) the stored matches were made with, so that
    the next edit of the watchlist can be re-matched term by term."""
    record = _terms_record(matcher)
    if record is not None:
        conn.execute("INSERT INTO meta(key, value) VALUES (?, ?) "
                     "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (TERMS_META, record))
    else:
        conn.execute("DELETE FROM meta WHERE key = ?", (TERMS_META,))


def _edit(stored: list[tuple[str, str, str]] | None, matcher: Matcher) -> _Edit | None:
    """How the watchlist changed since the stored matches were made with the terms `stored`
    (`_stored_terms`), when only a few of its terms did and the others kept their order
    (ties between overlapping mentions go to the earlier term); None when the whole cache
    must be matched again."""
    if stored is None or not hasattr(matcher, "screen") or _terms_record(matcher) is None:
        return None
    old = [f for f, _, _ in stored]
    new = list(matcher.term_fingerprints)       # type: ignore[attr-defined]
    if len(set(old)) != len(old) or len(set(new)) != len(new):
        return None
    kept = set(old) & set(new)
    if [f for f in old if f in kept] != [f for f in new if f in kept]:
        return None
    added = [k for k, f in enumerate(new) if f not in kept]
    gone = [(name, category) for f, name, category in stored if f not in kept]
    if len(added) + len(gone) > SCREEN_MAX_SHARE * max(len(new), 1):
        return None
    return _Edit(added, gone)


def _stored_terms(conn: sqlite3.Connection) -> list[tuple[str, str, str]] | None:
    """The (fingerprint, name, category) of the terms the stored matches were made with, or
    None when they are not known."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (TERMS_META,)).fetchone()
    if row is None:
        return None
    try:
        return [(str(f), str(name), str(category)) for f, name, category in json.loads(row[0])]
    except (ValueError, TypeError):
        return None


def _mostly_new_terms(stored: list[tuple[str, str, str]] | None, matcher: Matcher) -> bool:
    """Whether fewer than half of the watchlist's terms were in the one the stored matches
    were made with, `stored` (a few terms grown to hundreds): then most matches will be new,
    and writing every item's afresh, the stored ones cleared, costs less than comparing each
    with its stored ones and rewriting most of them (100,000 items going from 1 term to 500:
    0.90 s afresh, 1.04 s compared)."""
    new = getattr(matcher, "term_fingerprints", None)
    if stored is None or new is None:
        return False
    kept = {f for f, _, _ in stored} & set(new)
    return len(kept) < MOSTLY_NEW_SHARE * len(new)


# --- the re-match ---------------------------------------------------------------------------

def rematch_all(conn: sqlite3.Connection, matcher: Matcher, *,
                processes: int | None = None) -> Rematched:
    """Match the cache's items again and rewrite the matches of those that changed, inside the
    caller's write transaction on `conn`. After an edit of a few terms only the items they are
    or were in are matched again (see `_edit`); otherwise every item is."""
    with cycle_collection_paused():
        return _rematch_all(conn, matcher, processes)


def _rematch_all(conn: sqlite3.Connection, matcher: Matcher, processes: int | None) -> Rematched:
    for table in ("rematch_items", "rematch_changed"):
        conn.execute(f"DROP TABLE IF EXISTS temp.{table}")
    # The items whose matches changed, for the mention recount.
    conn.execute("CREATE TEMP TABLE rematch_changed (item_id INTEGER PRIMARY KEY)")
    # After an edit: the items to look at again.
    conn.execute("CREATE TEMP TABLE rematch_items (item_id INTEGER PRIMARY KEY)")
    total = conn.execute("SELECT count(*) FROM items").fetchone()[0]
    stored_terms = _stored_terms(conn)
    edit = _edit(stored_terms, matcher)
    listed = ""
    used = 0
    if edit is not None:
        used = _list_items_to_look_at(conn, matcher, edit, processes)
        listed = "AND {} IN (SELECT item_id FROM temp.rematch_items)"
    count = (conn.execute("SELECT count(*) FROM temp.rematch_items").fetchone()[0]
             if edit is not None else total)
    if edit is None and (_mostly_new_terms(stored_terms, matcher) or conn.execute(
            "SELECT 1 FROM matches LIMIT 1").fetchone() is None):
        # Nothing stored (a cache's first match), or nearly nothing worth keeping: every
        # item found in something is written afresh, the table's indexes set aside until
        # the matches are all written.
        with _mention_hours_marked(conn, None), \
                _indexes_set_aside(conn) as put_back_indexes:
            conn.execute("DELETE FROM matches")         # no triggers, no indexes: at once
            examined, changed, processes_now = _match_chunks(
                conn, matcher, listed, count, processes, replace=False,
                before_the_last=put_back_indexes)
    else:
        with _mention_hours_marked(conn, "SELECT item_id FROM temp.rematch_changed"):
            examined, changed, processes_now = _match_chunks(
                conn, matcher, listed, count, processes, replace=True)
    used = max(used, processes_now)
    for table in ("rematch_items", "rematch_changed"):
        conn.execute(f"DROP TABLE temp.{table}")
    record_terms(conn, matcher)
    return Rematched(items=examined, changed=changed, processes=max(used, 1))


def _match_chunks(conn: sqlite3.Connection, matcher: Matcher, listed: str, count: int,
                  processes: int | None, *, replace: bool,
                  before_the_last: Callable[[], None] | None = None) -> tuple[int, int, int]:
    """Match the `count` items (those `listed`, when an edit names them) chunk by chunk, and
    write the matches of those that changed as they come (with `replace`, in place of their
    stored ones, their ids noted in temp.rematch_changed). With several workers,
    `before_the_last` runs when one is left, while it matches (the writing of its results
    leaves this process idle most of that time).
    Returns the items matched, the items changed and the processes that matched them."""
    examined = changed = 0
    processes_now = process_count(count, processes)
    # In several processes: a chunk per worker (a fork costs tens of milliseconds of CPU),
    # whose results come back piece by piece, written as they come while the workers go on;
    # at most BLOCK_ITEMS items read at once. With work `before_the_last`, the last chunk is
    # bigger than the others: the first worker starts sooner, and the last one still
    # matches while this process does that work.
    extra = LAST_CHUNK_EXTRA if before_the_last is not None else 0.0
    chunk = (min(int(count / (processes_now + extra)) + 1, BLOCK_ITEMS // processes_now)
             if processes_now > 1 else BLOCK_ITEMS)

    def record(different: tuple[list[tuple[int]], list[tuple]]) -> None:
        nonlocal changed
        ids, rows = different
        if replace:
            # Items of chunks read already: the stored matches of the next are read before
            # its worker starts, from rows this does not touch.
            conn.executemany("INSERT INTO temp.rematch_changed VALUES (?)", ids)
            conn.executemany("DELETE FROM matches WHERE item_id = ?", ids)
        conn.executemany(f"INSERT INTO matches ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        changed += len(ids)

    last_id = -1
    with Forked(processes_now, piece=PIECE_ITEMS) as workers:
        while True:
            cursor = conn.cursor()
            cursor.row_factory = None          # plain tuples: a third of the time of sqlite3.Row
            left = max(count - examined, 0)
            rows = cursor.execute(
                f"SELECT id, title, summary, text FROM items WHERE id > ? {listed.format('id')} "
                "ORDER BY id LIMIT ?",
                (last_id, left if left <= chunk * (1 + extra) else chunk)).fetchall()
            if not rows:
                break
            # By item, each item's in the order written (the order found, as a rule). Not
            # read when the table was emptied (it has no index meanwhile: the look-up would
            # read every row written so far, for nothing).
            stored = [] if not replace else cursor.execute(
                f"SELECT {_COLUMNS} FROM matches WHERE item_id BETWEEN ? AND ? "
                f"{listed.format('item_id')} ORDER BY item_id, rowid", (rows[0][0], rows[-1][0])
            ).fetchall()
            work = _match_and_compare(matcher, stored)
            if processes_now > 1:
                for different in workers.results(keep_running=processes_now - 1):
                    record(different)
                workers.start(work, rows)
            else:
                record(work(rows))
            examined += len(rows)
            last_id = rows[-1][0]
        if before_the_last is not None and processes_now > 1:
            for different in workers.results(keep_running=1):
                record(different)
            before_the_last()
        for different in workers.results():
            record(different)
    return examined, changed, processes_now if examined else 1


def _match_and_compare(matcher: Matcher, stored: list[tuple]) -> _Work:
    """Work for the workers: match each item, and keep the items whose matches differ from
    `stored` (the block's stored match rows, by item; an item's rows in any order: they are
    a set): their ids, as 1-tuples, and their new match rows, as they are written (made
    ready here, in the worker, rather than in the writing process)."""
    def work(rows: Sequence[_ItemRow]) -> tuple[list[tuple[int]], list[tuple]]:
        found_lists = matcher.find_row_lists(rows, MATCHED_FIELDS)
        ids: list[tuple[int]] = []
        new_rows: list[tuple] = []
        for begin in range(0, len(rows), COMPARE_ITEMS):
            end = min(begin + COMPARE_ITEMS, len(rows))
            found = found_lists[begin:end]
            low = bisect_left(stored, rows[begin][0], key=_item_id)
            high = bisect_right(stored, rows[end - 1][0], lo=low, key=_item_id)
            before = stored[low:high]
            if before == [match for matches in found for match in matches]:
                continue                    # the usual case after an upgrade: all the same
            by_item = {item_id: list(group) for item_id, group in groupby(before, _item_id)}
            for row, now in zip(rows[begin:end], found):
                was = by_item.get(row[0], [])
                if was != now and (len(was) != len(now) or sorted(was) != sorted(now)):
                    ids.append((row[0],))
                    new_rows += now
        return ids, new_rows
    return work


def _list_items_to_look_at(conn: sqlite3.Connection, matcher: Matcher, edit: _Edit,
                           processes: int | None) -> int:
    """Put in temp.rematch_items the items an edit may change: where a term now gone was
    found, and where a new or changed term may be (its stems anywhere in the text, read as one
    string per item, screened a block at a time: in forked workers when there are many, as
    the screen of 100,000 items is a second of lower-casing and scanning). Returns the number
    of processes that screened."""
    for name, category in edit.gone:
        conn.execute("INSERT OR IGNORE INTO temp.rematch_items SELECT DISTINCT item_id "
                     "FROM matches WHERE name = ? AND category = ?", (name, category))
    if not edit.added:
        return 1
    screen = matcher.screen(edit.added)      # type: ignore[attr-defined]

    def passing(rows: Sequence[tuple[int, str]]) -> list[int]:
        return [rows[k][0] for k in screen([text for _, text in rows])]

    used = 1
    last_id = -1
    while True:
        cursor = conn.cursor()
        cursor.row_factory = None
        # A newline joins the fields: no stem holds one, so none is made up across them.
        rows = cursor.execute(
            "SELECT id, title || char(10) || summary || coalesce(char(10) || text, '') FROM items "
            "WHERE id > ? ORDER BY id LIMIT ?", (last_id, BLOCK_ITEMS)).fetchall()
        if not rows:
            return used
        processes_now = process_count(len(rows), processes)
        used = max(used, processes_now)
        passed = run_in_processes(passing, rows, processes_now)   # type: ignore[arg-type]
        conn.executemany("INSERT OR IGNORE INTO temp.rematch_items VALUES (?)",
                         [(item_id,) for item_id in passed])
        last_id = rows[-1][0]


def _schema_sql(conn: sqlite3.Connection, kind: str, names: Sequence[str] | None = None
                ) -> list[tuple[str, str]]:
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = ? AND tbl_name = 'matches' "
                        "AND sql IS NOT NULL ORDER BY name", (kind,)).fetchall()
    return [(name, sql) for name, sql in rows if names is None or name in names]


@contextmanager
def _mention_hours_marked(conn: sqlite3.Connection, items: str | None) -> Iterator[None]:
    """Set the per-row triggers that mark the hours of changed matches for the mention
    recount aside, and mark the hours of the items changed (the ids `items` selects once the
    block is done; None: every item) in one statement instead. Only the triggers known to do
    just that are set aside (any other trigger on matches keeps firing); if they are not
    there as expected, the rows are written with whatever triggers there are."""
    triggers = _schema_sql(conn, "trigger", MENTION_MATCH_TRIGGERS)
    if len(triggers) != len(MENTION_MATCH_TRIGGERS):
        yield
        return
    for name, _ in triggers:
        conn.execute(f'DROP TRIGGER "{name}"')
    yield
    conn.execute("INSERT OR IGNORE INTO mention_dirty SELECT DISTINCT CAST(sort_time / 3600 AS INTEGER) "
                 "FROM items" + (f" WHERE id IN ({items})" if items is not None else ""))
    for _, sql in triggers:
        conn.execute(sql)


@contextmanager
def _indexes_set_aside(conn: sqlite3.Connection) -> Iterator[Callable[[], None]]:
    """Drop the matches' indexes (whatever migrations made them) and build them again after,
    or before, when the caller calls what this yields (rows written after are indexed as
    they are written)."""
    indexes = _schema_sql(conn, "index")
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')

    def put_back() -> None:
        while indexes:
            conn.execute(indexes.pop(0)[1])

    yield put_back
    put_back()
