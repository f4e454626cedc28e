"""Refresh benchmark against newsboat: cold and all-304 refreshes of N feeds x 50 items from a
loopback server, through the real `wirewatch fetch`, beside `newsboat -x reload` with the same
number of threads on the same feeds. Runs are interleaved (wirewatch, newsboat, wirewatch, ...)
so that load from other processes hits both alike; the figures are medians.

    .venv/bin/python tests/bench/bench_fetch.py [--feeds 300 1000] [--items 50]
                                                [--concurrency 16] [--rounds 3]
                                                [--baseline COMMIT]

With --baseline, that commit's wirewatch runs too, in the same rounds ("before"): newsboat's
times move with the machine's load more than ours do, so the ratio to newsboat alone does
not say what a change did.

Goals (issue 15): cold refresh <= 0.5x newsboat's wall time; a refresh where every feed
answers 304 <= 0.1x newsboat's. newsboat: `apt-get install newsboat` (Debian 2.21).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.bench_scale import compile_tree, env_for, extract  # noqa: E402
from tests.support.feedgen import item, rss  # noqa: E402
from tui.core.ingest.feeds import _parse_strict, _parse_tolerant, strip_doctype  # noqa: E402
from tui.core.ingest.fetch import FetchLimits  # noqa: E402

WORDS = ("Zelensky Witkoff Kushner talks Geneva plan points Crimea Donetsk ceasefire security "
         "guarantees Europe envoy Moscow Kyiv delegation draft memorandum sanctions").split()
GOALS = {"cold": 0.5, "304": 0.1}
PER_HOST = FetchLimits().per_host      # every bench feed is on one host: 127.0.0.1


def feed_doc(number: int, items: int) -> bytes:
    entries = []
    for i in range(items):
        words = " ".join(WORDS[(number + i + k) % len(WORDS)] for k in range(12))
        entries.append(item(number * 1000 + i, title=f"{words[:70]} {number}-{i}",
                            summary=(words + ". ") * 4, hours_ago=i * 0.5,
                            link=f"https://site{number % 40}.example/{number}/{i}"))
    return rss(entries, title=f"Feed {number}")


def timed(argv: list[str], env: dict | None = None,
          cwd: str | None = None) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MB) and CPU seconds (user + system, its children included) of
    a child process. CPU time is the steadier figure on a machine shared with other work."""
    # Output goes to files, not pipes: a child blocked on a full pipe would never exit.
    with tempfile.TemporaryFile() as out_file, tempfile.TemporaryFile() as err_file:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out_file, stderr=err_file, env=env, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        err_file.seek(0)
        err = err_file.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{argv[0]} failed: {err.strip()[:500]}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def parse_times(doc: bytes, rounds: int = 50) -> tuple[float, float]:
    body = strip_doctype(doc)
    results = []
    for parse in (lambda: _parse_strict(body, {}), lambda: _parse_tolerant(body, {})):
        parse()
        started = time.perf_counter()
        for _ in range(rounds):
            parse()
        results.append((time.perf_counter() - started) / rounds * 1000)
    return results[0], results[1]


def count_items(database: Path) -> int:
    import sqlite3
    with sqlite3.connect(database) as conn:
        return conn.execute("SELECT count(*) FROM items").fetchone()[0]


class Run:
    """One size: its feeds on disk, the wirewatch and newsboat command lines."""

    def __init__(self, work: Path, port: int, feeds: int, concurrency: int,
                 newsboat: str | None) -> None:
        self.work = work / f"n{feeds}"
        self.work.mkdir()
        urls = [f"http://127.0.0.1:{port}/n{feeds}/feed{n}.xml" for n in range(feeds)]
        self.urls = urls
        config = self.work / "feeds.toml"
        lines = ["[settings]", f"concurrency = {concurrency}", "full_text = \"never\"", ""]
        for n, url in enumerate(urls):
            lines += ["[[feeds]]", f'name = "feed {n}"', f'url = "{url}"', ""]
        config.write_text("\n".join(lines), encoding="utf-8")
        self.config = config
        (self.work / "urls").write_text("\n".join(urls) + "\n", encoding="utf-8")
        (self.work / "newsboat.conf").write_text(
            f"reload-threads {concurrency}\nshow-read-feeds yes\n", encoding="utf-8")
        self.newsboat_env = dict(os.environ, HOME=str(self.work))
        self.newsboat = None if newsboat is None else [
            newsboat, "-x", "reload", "-u", str(self.work / "urls"), "-c",
            str(self.work / "newsboat.db"), "-C", str(self.work / "newsboat.conf")]

    def wirewatch_pair(self, tree: Path = ROOT) -> tuple[tuple, tuple, int]:
        """The code of `tree`: a cold refresh into an empty cache, then the all-304 one,
        (wall, MB, CPU) each; and the items stored."""
        cache = self.work / f"cache-{tree.name}"
        shutil.rmtree(cache, ignore_errors=True)
        argv = [sys.executable, "-m", "tui", "--config", str(self.config), "--cache", str(cache),
                "fetch", "--json"]
        cold = timed(argv, env=env_for(tree), cwd=str(tree))
        warm = timed(argv, env=env_for(tree), cwd=str(tree))
        return cold, warm, count_items(cache / "wirewatch.sqlite3")

    def newsboat_pair(self) -> tuple[tuple, tuple]:
        for name in ("newsboat.db", "newsboat.db.lock"):
            (self.work / name).unlink(missing_ok=True)
        cold = timed(self.newsboat, env=self.newsboat_env)
        warm = timed(self.newsboat, env=self.newsboat_env)
        return cold, warm


def note(figures: dict[str, list[float]], cpu: dict[str, list[float]], rss: dict[str, float],
         who: str, cold: tuple, warm: tuple) -> None:
    """One round of one program: its wall and CPU seconds, cold and 304, and its peak memory."""
    for label, (wall, peak, seconds) in (("cold", cold), ("304", warm)):
        figures.setdefault(f"{who} {label}", []).append(wall)
        cpu.setdefault(f"{who} {label}", []).append(seconds)
        rss[who] = max(rss.get(who, 0.0), peak)


WHO = ("wirewatch", "before", "newsboat")


def bare_httpx_seconds(urls: list[str], per_host: int, rounds: int = 5, *,
                       asyncio_streams: bool = False) -> float:
    """The floor under an all-304 refresh's requests: httpx's AsyncClient alone asking for
    `urls` with the validators they gave, as many at once as wirewatch sends to one host,
    nothing stored and nothing reported (median of `rounds`, in this process, so without
    the start-up a command pays). With `asyncio_streams`, on the network layer wirewatch
    gives httpcore (tui.core.ingest.network) rather than httpx's own, through anyio. The TLS
    context is made at the first handshake, as wirewatch's is (none here: 45 ms a round)."""
    import asyncio

    import httpx

    from tui.core.ingest.network import use_asyncio_streams
    from tui.core.ingest.tls import DeferredTLSContext

    async def once(validators: dict[str, str]) -> None:
        slots = asyncio.Semaphore(per_host)
        tls, limits = DeferredTLSContext(), httpx.Limits(max_connections=16)
        async with httpx.AsyncClient(verify=tls, limits=limits) as client:
            if asyncio_streams:
                use_asyncio_streams(client, tls, limits)
            async def get(url: str) -> None:
                async with slots, client.stream(
                        "GET", url, headers={"If-None-Match": validators[url]}) as response:
                    async for _ in response.aiter_raw():
                        pass
                    if response.status_code != 304:
                        raise SystemExit(f"{url}: {response.status_code}, not 304")
            await asyncio.gather(*(get(url) for url in urls))

    with httpx.Client() as client:
        validators = {url: client.get(url).headers["etag"] for url in urls}
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        asyncio.run(once(validators))
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def report(feeds: int, items: int, figures: dict[str, list[float]], cpu: dict[str, list[float]],
           rss: dict[str, float], stored: int) -> None:
    print(f"\n{feeds} feeds x {items} items ({stored} items stored), medians of "
          f"{len(figures['wirewatch cold'])} interleaved rounds:")
    for label in ("cold", "304"):
        ours = statistics.median(figures[f"wirewatch {label}"])
        line = f"  {label:>4}: wirewatch {ours:6.2f} s"
        if figures.get(f"newsboat {label}"):
            theirs = statistics.median(figures[f"newsboat {label}"])
            ratio = ours / theirs
            verdict = "meets" if ratio <= GOALS[label] else "MISSES"
            line += (f"   newsboat {theirs:6.2f} s   ratio {ratio:5.2f}x newsboat's time"
                     f"   goal <= {GOALS[label]}x: {verdict}")
        print(line)
        if figures.get(f"before {label}") and figures.get(f"newsboat {label}"):
            before = statistics.median(figures[f"before {label}"])
            print(f"        before (--baseline) {before:6.2f} s   ratio {before / theirs:5.2f}x")
        print("        runs: " + "  ".join(
            f"{who} " + " ".join(f"{s:.2f}" for s in figures.get(f"{who} {label}", []))
            for who in WHO if figures.get(f"{who} {label}")))
        print("        CPU (median): " + "  ".join(
            f"{who} {statistics.median(cpu[f'{who} {label}']):.2f} s"
            for who in WHO if cpu.get(f"{who} {label}")))
    print("  peak RSS: " + ", ".join(f"{who} {mb:.0f} MB" for who, mb in rss.items()))


def main() -> None:
    options = argparse.ArgumentParser()
    options.add_argument("--feeds", type=int, nargs="+", default=[300, 1000])
    options.add_argument("--items", type=int, default=50)
    options.add_argument("--concurrency", type=int, default=16)
    options.add_argument("--rounds", type=int, default=3)
    options.add_argument("--baseline", metavar="COMMIT", help="also run this commit's code")
    args = options.parse_args()

    work = Path(tempfile.mkdtemp(prefix="wirewatch-bench-"))
    trees = [ROOT] + ([extract(args.baseline, work / "before")] if args.baseline else [])
    for tree in trees:
        compile_tree(tree)  # as installed: byte code compiled once, not at every start
    site = work / "site"
    newsboat = shutil.which("newsboat")
    largest = max(args.feeds)
    docs = [feed_doc(n, args.items) for n in range(largest)]
    for size in args.feeds:
        (site / f"n{size}").mkdir(parents=True)
        for n in range(size):
            (site / f"n{size}" / f"feed{n}.xml").write_bytes(docs[n])
    server = subprocess.Popen([sys.executable, str(Path(__file__).with_name("static_server.py")),
                               str(site)], stdout=subprocess.PIPE)
    port = int(server.stdout.readline())
    print(f"feeds of {args.items} items, {len(docs[0]) / 1e3:.0f} kB each, concurrency "
          f"{args.concurrency} (newsboat: reload-threads {args.concurrency}), server pid "
          f"{server.pid}; machine load {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    if newsboat is None:
        print("newsboat not installed (apt-get install newsboat): wirewatch figures only")
    try:
        strict, tolerant = parse_times(docs[0])
        print(f"parse one {args.items}-item feed: lxml {strict:.2f} ms, feedparser {tolerant:.2f} ms")
        for size in args.feeds:
            run = Run(work, port, size, args.concurrency, newsboat)
            figures: dict[str, list[float]] = {}
            cpu: dict[str, list[float]] = {}
            rss: dict[str, float] = {}
            stored = 0
            for _ in range(args.rounds):
                for tree in trees:
                    cold, warm, stored = run.wirewatch_pair(tree)
                    note(figures, cpu, rss, "wirewatch" if tree == ROOT else "before", cold,
                         warm)
                if run.newsboat is not None:
                    note(figures, cpu, rss, "newsboat", *run.newsboat_pair())
            report(size, args.items, figures, cpu, rss, stored)
            floor = bare_httpx_seconds(run.urls, PER_HOST)
            ours = bare_httpx_seconds(run.urls, PER_HOST, asyncio_streams=True)
            print(f"  httpx's AsyncClient alone, the same {size} conditional requests "
                  f"({PER_HOST} at once, no start-up): {floor:.2f} s through anyio, "
                  f"{ours:.2f} s on asyncio's streams (as wirewatch makes them)")
    finally:
        server.terminate()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
