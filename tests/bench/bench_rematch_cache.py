"""Whole-cache re-match through the store: 100,000 cached items (title + summary, ~320
characters, four in five naming a watched name) against 500 terms, as happens when the
watchlist changes; each case beside the way it was done before (every item matched in one
process, every match row deleted and written again), in the same run and on the same cache;
then the cost per newly fetched item through `Store.ingest` with the matcher on.

    .venv/bin/python tests/bench/bench_rematch_cache.py [--items 100000] [--terms 500]
                                                        [--processes N]

Goal (issue 15): a whole-cache re-match, 100k items x 500 terms, end to end, under 1 s.
Cases: the first match of a cache whose matches are empty (every item written); a matcher
upgrade that changes nothing (every item matched, nothing written); a term added, a term
removed (the edit path: only the items the terms may be in are matched); big edits matched
whole: half the terms replaced, one term grown to all of them (written afresh), all of them
cut to one (most items lose their matches). "recount" is the
mention-hour recount the change leaves for the next reader of trends (mentions.settle).
Wall time depends on the other work on the machine: the load average is printed, and the
ratio to the old way, measured a few seconds apart, is the steadier figure.
The matcher alone is measured by bench_watch.py.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.bench_watch import make_items, make_terms
from tui.core.cache import rematch
from tui.core.cache.mentions import settle
from tui.core.cache.store import Store, make_uid, match_fields
from tui.core.ingest.feeds import Entry, ParsedFeed
from tui.core.names.watch import Watcher

GOAL_SECONDS = 1.0


def old_ensure_matches(store: Store, matcher: Watcher, *, batch: int = 5_000) -> int:
    """The re-match as it was before tui.core.cache.rematch: every item matched here, every
    match row deleted and inserted again (triggers and indexes per row), batch by batch."""
    done = 0
    last_id = 0
    while True:
        rows = store.connection.execute(
            "SELECT id, title, summary, text FROM items WHERE id > ? ORDER BY id LIMIT ?",
            (last_id, batch)).fetchall()
        if not rows:
            break
        computed = [(row["id"], matcher.find_fields(match_fields(row))) for row in rows]
        with store.transaction() as conn:
            conn.execute("DELETE FROM matches WHERE item_id BETWEEN ? AND ?",
                         (rows[0]["id"], rows[-1]["id"]))
            conn.executemany(
                'INSERT INTO matches(item_id, field, start, "end", name, category, text) '
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(row_id, m.field, m.start, m.end, m.name, m.category, m.text)
                 for row_id, found in computed for m in found])
        done += len(rows)
        last_id = rows[-1]["id"]
    with store.transaction() as conn:
        store.set_meta("watch_fingerprint", matcher.fingerprint, conn)
        # It knew nothing of the terms' fingerprints: what it wrote is not what they say.
        conn.execute("DELETE FROM meta WHERE key = ?", (rematch.TERMS_META,))
    return done


def table(store: Store) -> list[tuple]:
    return sorted(tuple(row) for row in store.connection.execute(
        'SELECT item_id, field, start, "end", name, category, text FROM matches'))


def forget(store: Store, *, matches: bool) -> None:
    """Make the cache look stale: fingerprints unknown (and, if asked, no matches at all)."""
    with store.transaction() as conn:
        conn.execute("DELETE FROM meta WHERE key IN ('watch_fingerprint', ?)", (rematch.TERMS_META,))
        if matches:
            conn.execute("DELETE FROM matches")
    settle(store)


CPU = [0.0]   # CPU seconds of the last timed run, this process and its workers together


def timed(run) -> tuple[float, object]:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = time.process_time()
    started = time.perf_counter()
    result = run()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU[0] = (time.process_time() - cpu + after.ru_utime - children.ru_utime
              + after.ru_stime - children.ru_stime)
    return wall, result


def recount(store: Store) -> float:
    seconds, _ = timed(lambda: settle(store))
    return seconds


def report(label: str, new: float, old: float, done: rematch.Rematched | None,
           new_recount: float, old_recount: float, cpu: float) -> None:
    mark = "ok" if new < GOAL_SECONDS else "over"
    detail = (f"{done.items:,} matched, {done.changed:,} written, {done.processes} process"
              f"{'es' if done.processes > 1 else ''}") if done else ""
    print(f"  {label:34s} {new:6.2f} s (goal < {GOAL_SECONDS:.0f} s: {mark}; CPU {cpu:.2f} s)   "
          f"old way {old:6.2f} s   {old / new:5.1f}x   recount {new_recount:.2f} s "
          f"(old {old_recount:.2f} s)   {detail}")


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--items", type=int, default=100_000)
    options.add_argument("--terms", type=int, default=500)
    options.add_argument("--processes", type=int, default=None,
                         help="matching processes (default: by the cores, as wirewatch does)")
    args = options.parse_args()
    rng = random.Random(7)
    terms = make_terms(args.terms, rng)
    items = make_items(args.items, terms, rng)
    store = Store.open(Path(tempfile.mkdtemp(prefix="wirewatch-rematch-")))
    now = time.time()
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO items(uid, feed, key, title, summary, first_seen, sort_time, updated) "
            "VALUES (?, 'bench', ?, ?, ?, ?, ?, ?)",
            [(make_uid("bench", str(n)), str(n), it["title"], it["summary"], now,
              now - n * 60, now) for n, it in enumerate(items)])
    settle(store)
    chars = sum(len(it["title"]) + len(it["summary"]) for it in items) / len(items)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{len(items):,} items of {chars:.0f} characters, {len(terms)} terms; "
          f"{os.cpu_count()} CPUs, load average {load}; matching processes: "
          f"{rematch.process_count(len(items), args.processes)}")

    seconds, watcher = timed(lambda: Watcher(terms))
    print(f"build matcher: {seconds:.2f} s")
    # An edited watchlist: one name of the gazetteer less (the items name it ~300 times).
    fewer = Watcher(terms[:3] + terms[4:])
    for other in (watcher, fewer):
        _ = other.term_fingerprints, other.fingerprint     # computed once, like a session does

    print("whole-cache re-match, end to end (read, match, compare, write, commit):")
    # 1. The first match: every item written.
    old, _ = timed(lambda: old_ensure_matches(store, watcher))
    old_recount = recount(store)
    expected = table(store)
    forget(store, matches=True)
    new, done = timed(lambda: store.rematch_cache(watcher, processes=args.processes))
    cpu = CPU[0]
    report("first match (all written)", new, old, done, recount(store), old_recount, cpu)
    assert table(store) == expected

    # 2. A matcher upgrade: fingerprints differ, the matches do not.
    forget(store, matches=False)
    old, _ = timed(lambda: old_ensure_matches(store, watcher))
    old_recount = recount(store)
    forget(store, matches=False)
    new, done = timed(lambda: store.rematch_cache(watcher, processes=args.processes))
    cpu = CPU[0]
    report("matcher upgrade (nothing changes)", new, old, done, recount(store), old_recount, cpu)
    if args.processes is None and rematch.process_count(len(items)) > 1:
        forget(store, matches=False)
        single, done = timed(lambda: store.rematch_cache(watcher, processes=1))
        cpu = CPU[0]
        report("  the same in one process", single, old, done, recount(store), old_recount, cpu)

    # 3, 4. Watchlist edits: a term removed (the full list, then one name less) and added
    # (the other way round), each against the old way on the same matches.
    # 5-7. Big edits, matched whole: half the terms replaced (a few thousand items change);
    # one term grown to the 500, and the 500 cut to one (most items change).
    others = [term for term in make_terms(args.terms, random.Random(99))
              if term.name not in {t.name for t in terms}]
    half = Watcher(terms[: len(terms) // 2] + others[: len(terms) - len(terms) // 2])
    one = Watcher(terms[:1])
    for other in (half, one):
        _ = other.term_fingerprints, other.fingerprint
    print(f"  (the term edited: {terms[3].name}, {terms[3].category})")
    for label, before, after in (("a term removed", watcher, fewer), ("a term added", fewer, watcher),
                                 ("half the terms replaced", watcher, half),
                                 ("one term grown to all", one, watcher),
                                 ("all terms cut to one", watcher, one)):
        store.rematch_cache(before)            # the matches to start from, untimed
        settle(store)
        old, _ = timed(lambda after=after: old_ensure_matches(store, after))
        old_recount = recount(store)
        expected = table(store)
        store.rematch_cache(before)
        settle(store)
        new, done = timed(lambda after=after: store.rematch_cache(after, processes=args.processes))
        cpu = CPU[0]
        report(label, new, old, done, recount(store), old_recount, cpu)
        assert table(store) == expected
    store.rematch_cache(watcher)
    settle(store)

    extra = make_items(2_000, terms, random.Random(11))
    feed = ParsedFeed(title="new", language="en", entries=[
        Entry(guid=f"new-{n}", link=None, title=it["title"], summary=it["summary"], content="",
              published_raw=None, key=f"new-{n}") for n, it in enumerate(extra)])
    started = time.perf_counter()
    store.ingest("fresh", feed, now=time.time(), matcher=watcher)
    per_item = (time.perf_counter() - started) / len(extra) * 1e6
    started = time.perf_counter()
    for entry in feed.entries:
        watcher.find_fields({"title": entry.title, "summary": entry.summary})
    match_only = (time.perf_counter() - started) / len(extra) * 1e6
    print(f"per new item: {match_only:.0f} µs matching, {per_item:.0f} µs stored with its matches")


if __name__ == "__main__":
    main()
