"""The diff screen on a 20,000-word article rewritten heavily (and on its long history), in the
real app: does the keyboard ever wait for the diff?

    .venv/bin/python tests/bench/bench_diff_screen.py [--words 20000] [--versions 8] [--runs 3]

Goals (issue 15): any diff on screen never blocks input; under 100 ms for 20,000 words.
Figures, each beside its goal, for the same texts in the same run, medians of --runs:

* core: `diff_texts` of the two versions, CPU ms (best of a few; the first of a process apart);
* opening the screen (the diff starts as it mounts; the helper already running, as the
  dashboard starts it when the cursor reaches an edited headline, and apart, not yet
  running): how long until it is up saying "computing", the longest stall of the
  app's event loop while the diff computes (a ticker task records the longest gap between its
  2 ms sleeps), how long a key pressed as the diff starts takes to be handled, and how long
  until the rows are on screen and the version strip (a diff of every pair of neighbouring
  versions) is drawn;
* the screen settled, the same pair computed again (`[` then `]`, the cache emptied): the
  same stall and key, without the screen's own first paint mixed in;
* beside them the baselines: the same key with nothing computing, and the same diff run on
  the event loop, as it would be without a worker;
* first of all, the interpreter lock alone: an event loop without Textual, an input thread
  handing it a key every 10 ms, while the diff computes in a thread or in the helper.

Each figure twice, taking turns: with the diff in the App's helper process, and in the worker
thread (the helper's fallback, and how it was done before). A thread shares the interpreter
lock with the event loop, which gets it back every `sys.getswitchinterval()` (5 ms), and later
under load; a process holds nothing here. The machine may be shared: the load is printed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Self

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.bench_diff_extract import article, edit, render
from tests.functional.test_screens_article_diff import CONFIG, _entry, _ingest
from tests.support.apps import RecordingApp
from tui.core.config.load import parse_config
from tui.core.helper import Helper
from tui.core.session import Session
from tui.core.text import articles
from tui.core.text.diff import diff_texts, document_row_tuples
from tui.screens.diff import DiffScreen
from tui.widgets.diff_lines import DiffLines
from tui.widgets.version_strip import VersionStrip

CORE_GOAL_MS = 100
NO_PYTHON = "/nonexistent/python"   # a helper that cannot start: every diff in the thread
STALL_GOAL_MS = 50        # a key answered within a frame or three: input is not blocked
HEAVY = {"touched": 0.40, "replaced": 0.20, "dropped": 0.10, "added": 0.10, "moved": 0.15, "resplit": 0.10}
NEWSROOM = {"touched": 0.08, "replaced": 0.02, "dropped": 0.02, "added": 0.02, "moved": 0.03, "resplit": 0.03}
NOW = datetime(2025, 11, 21, 12, 0, tzinfo=UTC)


def versions_of(words: int, count: int, seed: int) -> list[str]:
    """An article edited lightly `count - 2` times, then rewritten heavily."""
    rng = random.Random(seed)
    paragraphs = article(rng, words)
    texts = [render(paragraphs)]
    for k in range(count - 1):
        paragraphs = edit(rng, paragraphs, **(HEAVY if k == count - 2 else NEWSROOM))
        texts.append(render(paragraphs))
    return texts


def build(cache: Path, texts: list[str]) -> tuple[Session, str]:
    session = Session.open(cache_option=str(cache), config=parse_config(CONFIG))
    seen = NOW - timedelta(hours=len(texts))
    row_id = _ingest(session, "Harbor Wire", _entry("Harbor Wire", 1, "A long article", "Long."),
                     now=seen)
    store = session.store
    with store.transaction() as conn:
        conn.execute("UPDATE items SET text = ? WHERE id = ?", (texts[0], row_id))
        conn.execute("UPDATE versions SET text = ? WHERE item_id = ?", (texts[0], row_id))
        for k, text in enumerate(texts[1:], 1):
            store.add_version(conn, row_id, title="A long article", summary="Long.", text=text,
                              now=(seen + timedelta(hours=k)).timestamp(), text_source="page")
    uid = store.connection.execute("SELECT uid FROM items WHERE id = ?", (row_id,)).fetchone()[0]
    return session, uid


class Ticker:
    """The gaps between 2 ms sleeps of a task on the event loop: how long the loop (and so
    the keyboard) was held, and when."""

    def __init__(self) -> None:
        self.gaps: list[tuple[float, float]] = []        # (ended at, length)
        self._task: asyncio.Task | None = None

    @property
    def longest(self) -> float:
        return max((length for _, length in self.gaps), default=0.0)

    def longest_before(self, moment: float) -> float:
        """The longest gap over by `moment`."""
        return max((length for end, length in self.gaps if end <= moment), default=0.0)

    async def _run(self) -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.002)
            now = time.perf_counter()
            self.gaps.append((now, now - last))
            last = now

    def __enter__(self) -> Self:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()


class Shows:
    """When the screen's `_show` (rows laid out, on the event loop) ran, and for how long."""

    def __init__(self, screen: DiffScreen) -> None:
        self.times: list[tuple[float, float]] = []        # (started, length)
        show = screen._show

        def timed(result: object) -> None:
            started = time.perf_counter()
            show(result)
            self.times.append((started, time.perf_counter() - started))
        screen._show = timed  # type: ignore[method-assign]

    def last(self) -> tuple[float, float]:
        return self.times[-1] if self.times else (float("inf"), 0.0)


class Paints:
    """When the screen was last painted (its compositor's refreshes, ended at)."""

    def __init__(self, screen: DiffScreen) -> None:
        self.ends: list[float] = []
        paint = screen._compositor_refresh

        def timed() -> None:
            paint()
            self.ends.append(time.perf_counter())
        screen._compositor_refresh = timed  # type: ignore[method-assign]

    async def after(self, moment: float) -> float:
        """When the first paint begun after `moment` ended."""
        while not self.ends or self.ends[-1] <= moment:
            await asyncio.sleep(0.001)
        return next(end for end in self.ends if end > moment)


async def on_screen(session: Session, uid: str, in_process: bool,
                    warm: bool = True) -> dict[str, float]:
    """Open the diff screen (nothing cached) and time what the user would feel; then, the
    screen settled, step back a pair and forth again (the cache emptied) with a key pressed
    while the heavy pair computes once more. `in_process`: the diff in the App's helper
    process; else its fallback, the worker thread itself (as before the helper). `warm`: the
    helper is running when the screen opens, as the dashboard starts it when the cursor
    reaches an edited headline (else it starts as the screen opens: `d` pressed at once)."""
    articles.cached_rows.cache_clear()
    figures: dict[str, float] = {}
    app = RecordingApp(session)
    if not in_process:
        app.context.helper = Helper(executable=NO_PYTHON)    # cannot start: the thread computes
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        if in_process and warm:
            app.context.helper.start()
            await asyncio.to_thread(app.context.helper.call, len, "")   # its interpreter up
        with Ticker() as ticker:
            screen = DiffScreen(app.context, uid)
            shows = Shows(screen)
            paints = Paints(screen)
            started = time.perf_counter()
            await app.push_screen(screen)
            assert app.screen is screen
            view = screen.query_one(DiffLines)
            painted = await paints.after(started)      # up, saying "computing…"
            figures["painted"] = painted - started
            figures["opening"] = ticker.longest
            app.simulate_key("z")                      # fold: a key handled mid-computation
            while view.collapsed:
                await asyncio.sleep(0.001)
            handled = time.perf_counter()
            figures["key"] = handled - painted
            figures["key_painted"] = await paints.after(handled) - painted
            figures["key_during"] = float(screen.result is None)
            while screen.result is None:
                await asyncio.sleep(0.001)
            figures["rows"] = time.perf_counter() - started
            await asyncio.sleep(0.01)                  # the ticker's gap over _show recorded
            show_started, figures["show"] = shows.last()
            figures["stall"] = max((length for end, length in ticker.gaps
                                    if painted < end <= show_started), default=0.0)
        strip = screen.query_one(VersionStrip)
        while not strip.marks:
            await asyncio.sleep(0.001)
        figures["strip"] = time.perf_counter() - started
        await pilot.pause()
        pressed = time.perf_counter()                  # the same key with nothing computing
        app.simulate_key("z")
        while not view.collapsed:
            await asyncio.sleep(0.001)
        handled = time.perf_counter()
        figures["key_idle"] = handled - pressed
        figures["key_idle_painted"] = await paints.after(handled) - pressed
        # The screen settled: one pair back, then the heavy pair computed again.
        older, newer = screen.older, screen.newer
        assert older is not None and newer is not None
        articles.cached_rows.cache_clear()
        app.simulate_key("left_square_bracket")
        while screen.result is None or screen.result.pair != (older - 1, newer - 1):
            await asyncio.sleep(0.001)
        await pilot.pause()
        await asyncio.sleep(0.2)
        articles.cached_rows.cache_clear()
        with Ticker() as ticker:
            started = time.perf_counter()
            app.simulate_key("right_square_bracket")
            while not any(w.group == "diff" and w.is_running for w in app.workers):
                await asyncio.sleep(0.001)
            await asyncio.sleep(0.02)                  # the diff under way
            pressed = time.perf_counter()
            app.simulate_key("z")
            while view.collapsed:
                await asyncio.sleep(0.001)
            handled = time.perf_counter()
            figures["again_key"] = handled - pressed
            figures["again_key_painted"] = await paints.after(handled) - pressed
            figures["again_key_during"] = float(screen.result.pair != (older, newer))
            while screen.result.pair != (older, newer):
                await asyncio.sleep(0.001)
            figures["again_rows"] = time.perf_counter() - started
            await asyncio.sleep(0.01)
            show_started, figures["again_show"] = shows.last()
            figures["again_stall"] = ticker.longest_before(show_started)
        # Baseline: the same diff computed on the event loop itself.
        articles.cached_rows.cache_clear()
        with Ticker() as ticker:
            await asyncio.sleep(0.01)
            articles.diff_versions(session.store, uid)
            await asyncio.sleep(0.01)
            figures["stall_inline"] = ticker.longest
        figures["here"] = app.context.helper.calls_here
    return figures


async def loop_alone(old: tuple[str, ...], new: tuple[str, ...], helper: Helper | None,
                     runs: int) -> tuple[float, float]:
    """The diff computed while an event loop without Textual ticks and an input thread hands
    it a key every 10 ms (as Textual's driver thread does): the loop's longest gap, and the
    worst time a key waited to be run (medians of `runs`). No paint, no other work: what
    the interpreter lock alone costs."""
    loop = asyncio.get_running_loop()

    def work() -> object:
        if helper is None:
            return document_row_tuples(old, new)
        return helper.call(document_row_tuples, old, new)

    gaps, hops = [], []
    for _ in range(runs):
        waits: list[float] = []
        stop = threading.Event()

        def keys(stop: threading.Event, waits: list[float]) -> None:
            while not stop.is_set():
                sent = time.perf_counter()
                loop.call_soon_threadsafe(lambda sent=sent: waits.append(time.perf_counter() - sent))
                time.sleep(0.01)

        typist = threading.Thread(target=keys, args=(stop, waits))
        with Ticker() as ticker:
            typist.start()
            await asyncio.sleep(0.03)
            await loop.run_in_executor(None, work)
            stop.set()
            typist.join()
            await asyncio.sleep(0.01)
        gaps.append(ticker.longest)
        hops.append(max(waits))
    return statistics.median(gaps), statistics.median(hops)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=20_000)
    parser.add_argument("--versions", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average {load} on {os.cpu_count()} CPUs; switch interval "
          f"{sys.getswitchinterval() * 1000:.0f} ms")
    texts = versions_of(args.words, args.versions, args.seed)
    old, new = texts[-2], texts[-1]
    print(f"{len(new.split()):,} words, heavy rewrite, {args.versions} versions")

    first_cpu = time.process_time()
    rows = diff_texts(old, new)
    first = (time.process_time() - first_cpu) * 1000
    best = float("inf")
    for _ in range(5):
        started = time.process_time()
        diff_texts(old, new)
        best = min(best, (time.process_time() - started) * 1000)
    print(f"  core diff_texts          {best:7.1f} ms CPU best of 5 (first call {first:.1f})"
          f"   goal < {CORE_GOAL_MS} ms: {'ok' if best < CORE_GOAL_MS else 'over'}   {len(rows)} rows")

    fields = ("A long article", "Long.", old), ("A long article", "Long.", new)
    helper = Helper(preload=("tui.core.text.diff",))
    try:
        helper.call(len, "")                            # started and ready
        alone = [asyncio.run(loop_alone(*fields, way, args.runs * 3)) for way in (None, helper)]
    finally:
        helper.close()
    print(f"  the event loop alone, an input thread handing it a key every 10 ms, medians of "
          f"{args.runs * 3}:")
    for (gap, hop), way in zip(alone, ("in a thread", "in the helper")):
        print(f"    diff {way:<14} longest loop gap {gap * 1000:6.1f} ms, worst wait of a key "
              f"{hop * 1000:6.1f} ms")

    cases = {"long": texts, "short": versions_of(300, 3, args.seed)}
    runs: dict[tuple[str, bool], list[dict[str, float]]] = {}
    cold: list[float] = []                # the helper started only as the screen opens
    for _ in range(args.runs):            # the two ways taking turns: the same load for both
        for in_process in (False, True):
            for label, case in cases.items():
                session, uid = build(Path(tempfile.mkdtemp(prefix="wirewatch-diff-")), case)
                try:
                    figures = asyncio.run(on_screen(session, uid, in_process))
                    if in_process and label == "long":
                        cold.append(asyncio.run(on_screen(session, uid, True, warm=False))["rows"])
                finally:
                    session.close()
                runs.setdefault((label, in_process), []).append(figures)

    def ms(label: str, name: str) -> tuple[float, float]:
        return tuple(statistics.median(f[name] for f in runs[label, way]) * 1000
                     for way in (False, True))  # type: ignore[return-value]

    def line(what: str, label: str, name: str, goal: float | None = None) -> None:
        thread, process = ms(label, name)
        verdict = (f"goal < {goal:.0f} ms: {'ok' if process < goal else 'over'}"
                   if goal is not None else "")
        print(f"  {what:<52} {thread:8.1f} ms {process:8.1f} ms   {verdict}")

    print(f"medians of {args.runs} runs{' ' * 30}in a thread   in the helper process")
    print("opening the screen, nothing cached:")
    line("screen up, saying computing, after", "long", "painted")
    line("  the longest stall meanwhile", "long", "opening")
    line("a key pressed as the diff starts, handled in", "long", "key", STALL_GOAL_MS)
    line("  and painted in", "long", "key_painted", STALL_GOAL_MS)
    line("longest stall while the diff computes", "long", "stall", STALL_GOAL_MS)
    line("rows on screen after", "long", "rows", CORE_GOAL_MS)
    print(f"  {'  the helper not yet running (d at once), after':<52} {'':>8}    "
          f"{statistics.median(cold) * 1000:8.1f} ms")
    line("  laying them out (on the event loop) took", "long", "show", STALL_GOAL_MS)
    line(f"version strip ({args.versions} versions) after", "long", "strip")
    line("300 words: screen up after", "short", "painted")
    line("300 words: rows on screen after", "short", "rows")
    print("the screen settled, the same pair computed again ([ then ], the cache emptied):")
    line("a key pressed while the diff computes, handled in", "long", "again_key", STALL_GOAL_MS)
    line("  and painted in", "long", "again_key_painted", STALL_GOAL_MS)
    line("longest stall while the diff computes", "long", "again_stall", STALL_GOAL_MS)
    line("rows on screen after", "long", "again_rows", CORE_GOAL_MS)
    line("  laying them out (on the event loop) took", "long", "again_show", STALL_GOAL_MS)
    line("the same key with nothing computing, handled in", "long", "key_idle")
    line("  and painted in", "long", "key_idle_painted")
    line("baseline: the diff run on the event loop, its stall", "long", "stall_inline")
    late = sum(1 for way in (False, True) for f in runs["long", way]
               if not (f["key_during"] and f["again_key_during"]))
    here = sum(f["here"] for f in runs["long", True])
    if late:
        print(f"  ({late} of the keys were handled only after the diff had finished)")
    if here:
        print(f"  ({here:.0f} diffs of the helper's runs were computed in a thread: it failed)")


if __name__ == "__main__":
    main()
