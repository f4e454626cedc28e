"""Trends figures: reading and drawing the watchlist's sparklines and the trends screen over
big caches, and what keeping the hourly counts costs per ingested item.

    .venv/bin/python tests/bench/bench_trends.py [--sizes 100000,1000000] [--keep DIR]

For each size, in a fresh process: a cache of that many items over the last 90 days (built
once, not timed; --keep reuses it), then
  - read: `read_trends` for the sparklines (14 days) and the screen's three ranges, warm;
  - draw: in the real App (160x48), `t` to the trends screen painted, `b` to the next range
    painted, and the main screen's counts (sparklines included) read and painted;
and, on a cache of 20,000 items, the cost of the rollup per stored item: items stored as a
refresh stores them (50 per feed and transaction) with the counting triggers and the recount,
against the same with the triggers dropped.

Goal: sparklines < 100 ms and the trends screen < 300 ms at 100,000 and 1,000,000 items.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

SPAN_SECONDS = 90 * 86_400


def build(folder: Path, size: int) -> None:
    from tests.support.cachegen import fill_for_trends, make_session

    marker = folder / f"built-{size}"
    if marker.exists():
        return
    started = time.perf_counter()
    session = make_session(folder / "cache")
    fill_for_trends(session, size, every_seconds=SPAN_SECONDS / size)
    session.close()
    marker.write_text("ok")
    print(f"  (built {size:,} items in {time.perf_counter() - started:.0f} s)", file=sys.stderr)


def read_figures(session) -> dict[str, float]:
    from tests.support.cachegen import FIXED_NOW
    from tui.core.cache.mentions import settle
    from tui.core.trends import read_trends

    settle(session.store)
    out = {}
    for name, bucket, count in (("sparklines (14 days)", "day", 14), ("48 hours", "hour", 48),
                                ("30 days", "day", 30), ("90 days", "day", 90)):
        times = []
        for _ in range(5):
            started = time.perf_counter()
            read_trends(session.store, session.config.watch, bucket=bucket, count=count,
                        now=FIXED_NOW.timestamp(), tz=timezone.utc)
            times.append((time.perf_counter() - started) * 1000)
        out[f"read {name}"] = statistics.median(times)
    return out


async def draw_figures(session) -> dict[str, float]:
    from tests.bench.bench_tui import spy, timed
    from tests.support.cachegen import FIXED_NOW
    from tui.app import WirewatchApp
    from tui.screens.main import MainScreen

    app = WirewatchApp(session, offline=True, timezone=timezone.utc, clock=FIXED_NOW.timestamp)
    out: dict[str, float] = {}
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause(0.5)
        await app.workers.wait_for_complete()
        spy()
        main = app.screen
        assert isinstance(main, MainScreen)
        times = []
        for _ in range(5):
            started = time.perf_counter()
            counts = await asyncio.get_running_loop().run_in_executor(main.pane_reader,
                                                                     main._read_counts)
            main._show_counts(counts)
            await pilot.pause()
            times.append((time.perf_counter() - started) * 1000)
        out["main screen counts + sparklines, read and painted"] = statistics.median(times)
        # The first `t` of a session also imports the screen and its chart (numpy,
        # textual-plot), kept off the dashboard's first paint; the second is the drawing alone.
        out["t -> trends screen painted, first time"] = await until_drawn(pilot, "t")
        await pilot.press("escape")
        await pilot.pause(0.3)
        out["t -> trends screen painted (30 days)"] = await until_drawn(pilot, "t")
        out["b -> 90 days painted"] = await until_drawn(pilot, "b")
        out["b -> 48 hours painted"] = await until_drawn(pilot, "b")
        out["l (cursor) repainted"], _ = await timed(pilot, "l", 5)
    return out


async def until_drawn(pilot, key: str) -> float:
    """ms from the key to the end of the last screen update once the new counts have arrived
    (the worker's read included); the screen is taken as drawn when 150 ms pass without an
    update. The update that shows the counts may come before this loop sees them, so every
    update since the key counts."""
    from tests.bench.bench_tui import RENDERS
    from tui.screens.trends import TrendsScreen

    app = pilot.app
    before = app.screen.trends if isinstance(app.screen, TrendsScreen) else None
    started = time.perf_counter()
    await pilot.press(key)
    for _ in range(5000):
        await asyncio.sleep(0.002)
        screen = app.screen
        arrived = isinstance(screen, TrendsScreen) and screen.trends is not None \
            and screen.trends is not before
        last = max((wall for wall, _ in RENDERS if wall > started), default=None)
        if arrived and last is not None and time.perf_counter() - last > 0.15:
            return (last - started) * 1000
    raise RuntimeError(f"{key}: the trends screen did not settle within 10 s")


def rollup_cost(folder: Path) -> dict[str, float]:
    """µs per stored item: with the counting triggers and a recount per refresh, and without."""
    from tests.support.cachegen import FEEDS, FIXED_NOW, TITLES, entry, make_session
    from tui.core.cache.mentions import settle
    from tui.core.ingest.feeds import ParsedFeed

    out = {}
    for label, keep in (("with counts", True), ("without", False)):
        place = folder / f"ingest-{label.replace(' ', '-')}"
        shutil.rmtree(place, ignore_errors=True)           # a kept folder's last run
        session = make_session(place)
        if not keep:
            with session.store.transaction() as conn:
                for name in ("item_insert", "item_move", "item_delete", "match_insert",
                             "match_delete", "feed_language"):
                    conn.execute(f"DROP TRIGGER mentions_{name}")
        total, n = 0.0, 0
        for refresh in range(100):                     # 100 refreshes of 4 feeds x 50 items
            started = time.perf_counter()
            for feed, _ in FEEDS:
                entries = [entry(feed, n + k, TITLES[(n + k) % len(TITLES)],
                                 FIXED_NOW - timedelta(minutes=refresh * 15 + k))
                           for k in range(50)]
                n += 50
                session.store.ingest(feed, ParsedFeed(title=feed, language="en",
                                                      entries=entries),
                                     now=FIXED_NOW.timestamp(), matcher=session.watcher)
            if keep:
                settle(session.store)
            total += time.perf_counter() - started
        out[label] = total / n * 1e6
        session.close()
    out["the rollup's share"] = out["with counts"] - out["without"]
    return out


def child(folder: Path, size: int) -> None:
    from tests.support.cachegen import make_session

    build(folder, size)
    session = make_session(folder / "cache")
    result = {"size": size, **read_figures(session)}
    result.update(asyncio.run(draw_figures(session)))
    session.close()
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--keep", metavar="DIR", help="build caches here and reuse them")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), int(args.child[1]))
        return
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="wirewatch-trends-"))
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        folder = root / str(size)
        folder.mkdir(parents=True, exist_ok=True)
        run = subprocess.run([sys.executable, __file__, "--child", str(folder), str(size)],
                             capture_output=True, text=True, check=False)
        sys.stderr.write(run.stderr[-2000:] if run.returncode else run.stderr)
        if run.returncode:
            raise SystemExit(f"child for {size} failed")
        results.append(json.loads(run.stdout.strip().splitlines()[-1]))
    names = [k for k in results[0] if k != "size"]
    print(f"{'ms (median)':<52}" + "".join(f"{r['size']:>12,}" for r in results))
    for name in names:
        print(f"{name:<52}" + "".join(f"{r[name]:>12.1f}" for r in results))
    cost = rollup_cost(root)
    print("\nstoring items as a refresh does (4 feeds x 50 items, 100 refreshes), µs per item:")
    for name, value in cost.items():
        print(f"  {name:<24} {value:8.1f}")
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
