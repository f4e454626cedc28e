"""Dashboard figures: first paint, memory, and key-press latency over big caches.

    .venv/bin/python tests/bench/bench_tui.py [--sizes 1000,10000,100000] [--keep DIR]
    .venv/bin/python tests/bench/bench_tui.py --items 1000000 [--keep DIR]

For each cache size, in a fresh process (so memory is the dashboard's own): build a cache of
that many items (not timed), then time opening the session and the dashboard until the
headline table has painted, and the resident memory then (a watchlist changed since the
cache was built makes the first open re-match every item: timed apart, once). At the largest size, time key
presses until the screen is idle again: cursor moves, a page, the far end, filter toggles,
a full-text search: from posting the key to the end of the last screen update it caused
(Textual paints at most 60 frames a second, so up to ~17 ms of each figure is the wait
for the next frame).

The daily loop is timed too: the preview strip, `.` (next unread), `X` (every item in view
read, 80,000 of them at the largest size) and ctrl+z, and 50 new items arriving from a
refresh, with the top scrolled away and in view. Quitting is timed in bench_quit.py.

--items N measures one size, N, over the realistic cache of make_cache.py (20 feeds, six
languages, a year of items; built in bulk, about 90 s for a million) instead of the fixed
one.

Goals (issue 15): first paint under 0.5 s up to 100,000 items and under 1 s at a million
(here from opening the session; bench_scale.py times it from the shell), every key under
50 ms, memory under 300 MB at a million. Each figure is printed beside its goal.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


KEY_GOAL_MS = 50
MEMORY_GOAL_MB = 300


def paint_goal_ms(size: int) -> float:
    return 500 if size <= 100_000 else 1000


def goal(value: float, limit: float, unit: str) -> str:
    return f"(goal < {limit:,.0f} {unit}: {'ok' if value < limit else 'MISSED'})"


def generated(folder: Path) -> bool:
    """A make_cache.py cache (with its own feeds.toml), not the fixed one of cachegen."""
    return (folder / "feeds.toml").exists()


def open_session(folder: Path):
    from tests.support.cachegen import make_session

    if generated(folder):
        from tui.core.config.load import load_config
        from tui.core.session import Session

        return Session.open(config=load_config(folder / "feeds.toml"),
                            cache_option=str(folder / "cache"))
    return make_session(folder / "cache")


def build(folder: Path, size: int, realistic: bool = False) -> None:
    from tests.support.cachegen import fill, make_session

    marker = folder / f"built-{size}"
    if marker.exists():
        return
    started = time.perf_counter()
    if realistic:
        from tests.bench.make_cache import bulk, plan

        bulk(folder, plan(size))
    else:
        session = make_session(folder / "cache")
        fill(session, size)
        session.close()
    marker.write_text("ok")
    print(f"  (built {size:,} items in {time.perf_counter() - started:.1f} s)", file=sys.stderr)


async def measure(folder: Path, size: int, keys: bool) -> dict:
    from tui.app import WirewatchApp
    from tui.widgets.headline_table import HeadlineTable

    result: dict = {"size": size}
    started = time.perf_counter()
    open_session(folder).close()      # brings stored matches up to date, if needed
    result["rematch_s"] = time.perf_counter() - started

    base_rss = rss_mb()
    painted: list[tuple[float, float]] = []
    original = HeadlineTable.render_line

    def first_paint(self, y):
        if not painted:
            painted.append((time.perf_counter(), time.thread_time()))
        return original(self, y)

    HeadlineTable.render_line = first_paint
    started, started_cpu = time.perf_counter(), time.thread_time()
    session = open_session(folder)
    result["open_session_s"] = time.perf_counter() - started
    app = WirewatchApp(session, offline=True, timezone=timezone.utc)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        painted_at, painted_cpu = painted[0]
        result["first_paint_s"] = painted_at - started
        result["first_paint_cpu_s"] = painted_cpu - started_cpu
        result["rss_mb"] = rss_mb()
        result["rss_app_mb"] = rss_mb() - base_rss
        HeadlineTable.render_line = original
        if keys:
            result["keys_ms"] = await press_keys(pilot)
            result["background_s"] = dict(BACKGROUND)
    session.close()
    return result


RENDERS: list[tuple[float, float]] = []    # (wall, main-thread CPU) at the end of each update
ACTIONS: list[float] = []


def spy() -> None:
    """Record when each action finishes and when each screen update is done."""
    from textual.app import App
    from textual.screen import Screen

    compositor_refresh = Screen._compositor_refresh
    dispatch_action = App._dispatch_action

    def recorded_refresh(self):
        result = compositor_refresh(self)
        RENDERS.append((time.perf_counter(), time.thread_time()))
        return result

    async def recorded_action(self, *args, **kwargs):
        result = await dispatch_action(self, *args, **kwargs)
        ACTIONS.append(time.perf_counter())
        return result

    Screen._compositor_refresh = recorded_refresh
    App._dispatch_action = recorded_action


async def timed(pilot, key: str, repeat: int = 1) -> tuple[float, float]:
    """Median ms from sending the key to the end of the first screen update after its
    action ran (the action's work, the wait for the next frame, and the repaint), as wall
    time and as the main thread's CPU time (which other load on the machine does not
    inflate)."""
    from textual import events

    app = pilot.app
    send = lambda: app._driver.send_message(  # noqa: E731
        events.Key(key, key if len(key) == 1 else None))
    samples = [await _until_shown(pilot, send, acted=True) for _ in range(repeat)]
    return (statistics.median(wall for wall, _ in samples),
            statistics.median(cpu for _, cpu in samples))


async def _until_shown(pilot, start, *, acted: bool) -> tuple[float, float]:
    """ms (wall, main-thread CPU) from calling ``start`` to the end of the first screen
    update after it (after the action it caused ran, when ``acted``)."""
    await pilot.pause(0.05)
    t0, c0 = time.perf_counter(), time.thread_time()
    start()
    shown = None
    for _ in range(2500):
        await asyncio.sleep(0.002)
        after = [t for t in ACTIONS if t > t0] if acted else [t0]
        shown = next(((w, c) for w, c in RENDERS if after and w > after[0]), None)
        if shown:
            break
    wall, cpu = shown or (t0, c0)
    return (wall - t0) * 1000, (cpu - c0) * 1000


async def new_items_arrive(pilot, count: int) -> tuple[float, float]:
    """``count`` items stored as a refresh stores them, then the screen told as a finished
    refresh tells it: until the table shows them (or the "↑ N new" line, scrolled away)."""
    from datetime import datetime

    from tests.support.cachegen import FEEDS, entry
    from tui.core.ingest.feeds import ParsedFeed

    screen = pilot.app.screen
    session = screen.session
    now = datetime.now(timezone.utc)
    feed = FEEDS[0][0]
    fresh = [entry(feed, 10_000_000 + n, f"Fresh talks on Kherson, part {n}", now)
             for n in range(count)]
    session.store.ingest(feed, ParsedFeed(title=feed, language="en", entries=fresh),
                         now=now.timestamp(), matcher=session.watcher)

    def announce():
        screen.table.reload()
        screen.load_counts()
    return await _until_shown(pilot, announce, acted=False)


# Figures of work the keys leave to the background (seconds; no goal: the keys answer at
# once). Filled by press_keys.
BACKGROUND: dict[str, float] = {}


async def writes_done(pilot, timeout: float = 120.0) -> float:
    """Seconds until the dashboard's queued marks are in the cache."""
    started = time.perf_counter()
    while pilot.app.screen.writing and time.perf_counter() - started < timeout:
        await asyncio.sleep(0.01)
    return time.perf_counter() - started


async def press_keys(pilot) -> dict[str, float]:
    out: dict[str, float] = {}
    spy()
    out["j (cursor down)"] = await timed(pilot, "j", 20)
    out["k (cursor up)"] = await timed(pilot, "k", 10)
    out["pagedown"] = await timed(pilot, "pagedown", 10)
    out["G (last of all)"] = await timed(pilot, "G")
    out["k at the far end"] = await timed(pilot, "k", 5)
    out["g (first)"] = await timed(pilot, "g")
    out["m (matches only on)"] = await timed(pilot, "m")
    out["j (matches only)"] = await timed(pilot, "j", 10)
    out["m (matches only off)"] = await timed(pilot, "m")
    out["u (unread only on)"] = await timed(pilot, "u")
    out["u (unread only off)"] = await timed(pilot, "u")
    import tui.screens.main

    tui.screens.main.SEARCH_DELAY = 60   # no search while typing: enter runs it, timed
    await pilot.press("slash", *"crimea")
    await pilot.pause()
    out["/crimea enter (full-text search)"] = await timed(pilot, "enter")
    out["escape (lift filters)"] = await timed(pilot, "escape")
    # The daily loop: preview, next unread, everything read and back, new items arriving.
    out["p (preview open)"] = await timed(pilot, "p")
    out["j (with the preview open)"] = await timed(pilot, "j", 10)
    out["p (preview closed)"] = await timed(pilot, "p")
    out[". (next unread)"] = await timed(pilot, "full_stop", 10)
    out["X (all in view read)"] = await timed(pilot, "X")
    out["ctrl+z (unread again)"] = await timed(pilot, "ctrl+z")
    # The two keys answer at once; their writes (every unread item of the view read, then
    # unread again) go on in the background, and at a million items they take seconds. The
    # new items below are timed once they are in, so that what is timed is the new items.
    BACKGROUND["X and ctrl+z written (background), s"] = await writes_done(pilot)
    await timed(pilot, "pagedown", 3)
    out["50 new items, scrolled away"] = await new_items_arrive(pilot, 50)
    await timed(pilot, "g")
    out["50 new items, top in view"] = await new_items_arrive(pilot, 50)
    # Last: a cache never grouped into stories is grouped in the background from here on,
    # which the keys above would then share the interpreter with.
    out["v (stories view)"] = await timed(pilot, "v")
    out["j (stories)"] = await timed(pilot, "j", 5)
    out["v (headlines again)"] = await timed(pilot, "v")
    return out


def child(folder: Path, size: int, keys: bool, realistic: bool) -> None:
    build(folder, size, realistic)
    result = asyncio.run(measure(folder, size, keys))
    result["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1000
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--items", type=int, metavar="N",
                        help="one size, N, over make_cache.py's realistic cache")
    parser.add_argument("--keep", metavar="DIR", help="build caches here and reuse them")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), int(args.child[1]), args.child[2] == "keys",
              args.child[3] == "realistic")
        return
    sizes = [args.items] if args.items else [int(s) for s in args.sizes.split(",")]
    kind = "realistic" if args.items else "fixed"
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="wirewatch-bench-"))
    results = []
    for size in sizes:
        folder = root / (f"{size}-{kind}" if args.items else str(size))
        folder.mkdir(parents=True, exist_ok=True)
        mode = "keys" if size == max(sizes) else "nokeys"
        out = subprocess.run([sys.executable, __file__, "--child", str(folder), str(size), mode,
                              kind],
                             capture_output=True, text=True, check=False)
        if out.returncode:
            print(out.stderr, file=sys.stderr)
            raise SystemExit(f"child for {size} failed")
        sys.stderr.write(out.stderr)
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print("first paint = from opening the session to the first painted headline line\n")
    print(f"{'items':>8}  {'open session':>12}  {'first paint':>11}  {'(its CPU)':>9}  "
          f"{'RSS':>7}  {'app RSS':>7}  {'(one-time re-match)':>19}")
    for r in results:
        print(f"{r['size']:>8,}  {r['open_session_s'] * 1000:>9.0f} ms  "
              f"{r['first_paint_s'] * 1000:>8.0f} ms  {r['first_paint_cpu_s'] * 1000:>6.0f} ms  "
              f"{r['rss_mb']:>4.0f} MB  {r['rss_app_mb']:>4.0f} MB  "
              f"{r['rematch_s']:>17.1f} s  "
              f"first paint {goal(r['first_paint_s'] * 1000, paint_goal_ms(r['size']), 'ms')}")
    keyed = next(r for r in results if "keys_ms" in r)
    print(f"\npeak memory at {keyed['size']:,} items: {keyed['maxrss_mb']:,.0f} MB "
          f"{goal(keyed['maxrss_mb'], MEMORY_GOAL_MB, 'MB')}")
    print(f"\nkey press -> repaint at {keyed['size']:,} items (160x48, median):")
    print(f"  {'':<36} {'wall':>9}  {'main-thread CPU':>15}")
    for name, (wall, cpu) in keyed["keys_ms"].items():
        print(f"  {name:<36} {wall:6.1f} ms  {cpu:12.1f} ms  {goal(wall, KEY_GOAL_MS, 'ms')}")
    for name, seconds in keyed.get("background_s", {}).items():
        print(f"  {name:<36} {seconds:6.1f} s   (no goal: the keys answered at once)")
    if not args.keep:
        import shutil

        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
