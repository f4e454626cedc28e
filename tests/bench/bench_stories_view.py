"""The Stories view at 100,000 items: how soon its first screen is painted.

    .venv/bin/python tests/bench/bench_stories_view.py [--items 100000] [--keep DIR]

The cache is bench_related.py's synthetic one (twenty outlets in four languages over sixty
days, items in stories told by one to six outlets; built once, reused with --keep), grouped
once by the core before anything is timed (bench_stories.py times the grouping).

Printed, each beside its aim:
- reading the view's list: the ids of every story that passes the filters (one query) and the
  first page of Story objects, cold (a fresh session) and warm; also under a watched-name
  filter and a full-text search, as `/` and the watchlist pane narrow the stories;
- through the real App (headless, 160x48, offline): from pressing `v` to the end of the first
  screen update that painted a story row, and, in the same run, the first paint of the
  headline table at start as the baseline it is compared with (ratio);
- a dashboard that starts in the stories view (remembered), from opening the session to the
  first painted story row.
Aim: first paint of the Stories view under 1 s at 100,000 items. The machine is shared with
other work: figures are noisy; the ratio to the headline table's first paint, measured in the
same run, is the steadier figure.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "bench"))

import bench_related  # noqa: E402

from tui.core.cache.query import ItemFilter  # noqa: E402
from tui.core.config.load import parse_config  # noqa: E402
from tui.core.session import Session  # noqa: E402
from tui.core.stories.grouping import settle  # noqa: E402
from tui.core.stories.view import StoryList  # noqa: E402

AIM_S = 1.0


def open_session(folder: Path) -> Session:
    return Session.open(cache_option=str(folder / "cache"),
                        config=parse_config(bench_related.config_text()))


def read_list(folder: Path, flt: ItemFilter) -> tuple[float, float, int]:
    """(ids read, first page built) in seconds with a fresh session, and the story count."""
    session = open_session(folder)
    try:
        started = time.perf_counter()
        stories = StoryList.read(session.store, flt)
        ids = time.perf_counter() - started
        started = time.perf_counter()
        stories.page(0)
        return ids, time.perf_counter() - started, len(stories)
    finally:
        session.close()


def warm(folder: Path, flt: ItemFilter, repeat: int = 5) -> float:
    session = open_session(folder)
    try:
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            StoryList.read(session.store, flt).page(0)
            times.append(time.perf_counter() - started)
        return statistics.median(times)
    finally:
        session.close()


async def app_paint(folder: Path, *, start_in_stories: bool) -> dict[str, float]:
    """Headless App at 160x48: the headline table's first paint from the session's opening,
    then `v` to the first update that painted a story row (or, starting in the stories view,
    the session's opening to the first story row)."""
    from textual.screen import Screen

    from tui.app import WirewatchApp
    from tui.state import DashboardState, save_state
    from tui.widgets.headline_table import HeadlineTable
    from tui.widgets.story_table import StoryTable

    marks: dict[str, float] = {}
    headline_line, story_line = HeadlineTable.render_line, StoryTable.render_line
    refresh = Screen._compositor_refresh

    def headline_painted(self, y):
        marks.setdefault("headline", time.perf_counter())
        return headline_line(self, y)

    def story_painted(self, y):
        if y >= 1 and self.total:
            marks.setdefault("story", time.perf_counter())
        return story_line(self, y)

    def refreshed(self):
        result = refresh(self)
        if "story" in marks:
            marks.setdefault("story_update_done", time.perf_counter())
        return result

    HeadlineTable.render_line, StoryTable.render_line = headline_painted, story_painted
    Screen._compositor_refresh = refreshed
    save_state(folder / "cache", DashboardState(view="stories" if start_in_stories
                                                else "headlines"))
    try:
        started = time.perf_counter()
        session = open_session(folder)
        app = WirewatchApp(session, offline=True, timezone=UTC)
        app.context.auto_refresh = False
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            result = {"start": started}
            if not start_in_stories:
                await app.workers.wait_for_complete()
                await pilot.pause()
                pressed = time.perf_counter()
                await pilot.press("v")
                await pilot.pause()
                result["pressed"] = pressed
            result.update(marks)
        session.close()
        return result
    finally:
        HeadlineTable.render_line, StoryTable.render_line = headline_line, story_line
        Screen._compositor_refresh = refresh
        save_state(folder / "cache", DashboardState())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--keep", metavar="DIR", help="build the cache here and reuse it")
    args = parser.parse_args()
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="wirewatch-sv-"))
    folder.mkdir(parents=True, exist_ok=True)
    bench_related.build(folder, args.items)
    session = open_session(folder)
    started = time.perf_counter()
    settle(session.store)           # grouped once; not what is timed here
    grouped = time.perf_counter() - started
    session.close()
    print(f"Stories view at {args.items:,} synthetic items (grouping beforehand: {grouped:.1f} s,"
          " not timed below)\n")

    print("reading the list (fresh session: ids of every story that passes, then the first page "
          "of 50)")
    for label, flt in (("no filter", ItemFilter()),
                       ("watched name Umerov", ItemFilter(match="Umerov")),
                       ("search 'Witkoff'", ItemFilter(search="Witkoff"))):
        ids, page, count = read_list(folder, flt)
        again = warm(folder, flt)
        print(f"  {label:<22} {count:>7,} stories   ids {ids * 1000:6.1f} ms   first page "
              f"{page * 1000:6.1f} ms   (warm, both: {again * 1000:6.1f} ms)   aim < "
              f"{AIM_S * 1000:.0f} ms")

    toggled = asyncio.run(app_paint(folder, start_in_stories=False))
    remembered = asyncio.run(app_paint(folder, start_in_stories=True))
    headline = toggled["headline"] - toggled["start"]
    view = toggled["story"] - toggled["pressed"]
    done = toggled.get("story_update_done", toggled["story"]) - toggled["pressed"]
    print("\nthrough the real App (headless, 160x48)")
    print(f"  headline table, first paint from opening the session: {headline * 1000:7.0f} ms "
          "(baseline)")
    print(f"  v -> first story row painted:                        {view * 1000:7.0f} ms   "
          f"(update done: {done * 1000:.0f} ms)   aim < {AIM_S * 1000:.0f} ms")
    start = remembered["story"] - remembered["start"]
    print(f"  start in the stories view -> first story row:         {start * 1000:7.0f} ms   "
          f"({start / headline:.2f}x the headline table's first paint)")
    if not args.keep:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
