"""Whole-cache re-match through the store: 100,000 cached items (title + summary, ~300
characters) against 500 terms, as happens when the watchlist changes; and the cost per newly
fetched item through `Store.ingest` with the matcher on.

    .venv/bin/python tests/bench/bench_rematch_cache.py [--items 100000] [--terms 500]

The matcher alone is measured by bench_watch.py; this adds reading and writing the cache.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.bench_watch import make_items, make_terms  # noqa: E402
from tui.core.cache.store import Store, make_uid  # noqa: E402
from tui.core.ingest.feeds import Entry, ParsedFeed  # noqa: E402
from tui.core.names.watch import Watcher  # noqa: E402


def main() -> None:
    options = argparse.ArgumentParser()
    options.add_argument("--items", type=int, default=100_000)
    options.add_argument("--terms", type=int, default=500)
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
            [(make_uid("bench", str(n)), str(n), it["title"], it["summary"], now, now - n, now)
             for n, it in enumerate(items)])
    chars = sum(len(it["title"]) + len(it["summary"]) for it in items) / len(items)
    print(f"{len(items):,} items of {chars:.0f} characters, {len(terms)} terms")

    started = time.perf_counter()
    watcher = Watcher(terms)
    print(f"build matcher: {time.perf_counter() - started:.2f} s")
    started = time.perf_counter()
    redone = store.ensure_matches(watcher)
    whole = time.perf_counter() - started
    matches = store.connection.execute("SELECT count(*) FROM matches").fetchone()[0]
    print(f"whole-cache re-match through SQLite: {whole:.2f} s for {redone:,} items "
          f"({matches:,} matches written)")

    extra = make_items(2_000, terms, random.Random(11))
    feed = ParsedFeed(title="new", language="en", entries=[
        Entry(guid=f"new-{n}", link=None, title=it["title"], summary=it["summary"], content="",
              published_raw=None, key=f"new-{n}") for n, it in enumerate(extra)])
    started = time.perf_counter()
    store.ingest("fresh", feed, language="en", now=time.time(), matcher=watcher)
    per_item = (time.perf_counter() - started) / len(extra) * 1e6
    started = time.perf_counter()
    for entry in feed.entries:
        watcher.find_fields({"title": entry.title, "summary": entry.summary})
    match_only = (time.perf_counter() - started) / len(extra) * 1e6
    print(f"per new item: {match_only:.0f} µs matching, {per_item:.0f} µs stored with its matches")


if __name__ == "__main__":
    main()
