"""Refresh benchmark: 500 feeds x 50 items from a loopback server, cold and all-304,
through the real `wirewatch fetch`, against newsboat (`newsboat -x reload`) on the same feeds.

    .venv/bin/python tests/bench/bench_fetch.py [--feeds 500] [--items 50] [--concurrency 16]

Prints wall time and peak memory (max RSS of the process) for each run, per-feed parse
times of both parsers, and the ratios to newsboat when it is installed (Debian: newsboat).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.support.feedgen import item, rss  # noqa: E402
from tui.core.ingest.feeds import _parse_strict, _parse_tolerant, strip_doctype  # noqa: E402

WORDS = ("Zelensky Witkoff Kushner talks Geneva plan points Crimea Donetsk ceasefire security "
         "guarantees Europe envoy Moscow Kyiv delegation draft memorandum sanctions").split()


def feed_doc(number: int, items: int) -> bytes:
    entries = []
    for i in range(items):
        words = " ".join(WORDS[(number + i + k) % len(WORDS)] for k in range(12))
        entries.append(item(number * 1000 + i, title=f"{words[:70]} {number}-{i}",
                            summary=(words + ". ") * 4, hours_ago=i * 0.5,
                            link=f"https://site{number % 40}.example/{number}/{i}"))
    return rss(entries, title=f"Feed {number}")


def timed(argv: list[str], env: dict | None = None, cwd: str | None = None) -> tuple[float, float, str]:
    """Wall seconds and peak RSS (MB) of a child process."""
    # Output goes to files, not pipes: a child blocked on a full pipe would never exit.
    with tempfile.TemporaryFile() as out_file, tempfile.TemporaryFile() as err_file:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out_file, stderr=err_file, env=env, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        out_file.seek(0)
        err_file.seek(0)
        out = out_file.read().decode(errors="replace")
        err = err_file.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{argv[0]} failed: {err.strip()[:500]}")
    return wall, usage.ru_maxrss / 1024, out


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


def main() -> None:
    options = argparse.ArgumentParser()
    options.add_argument("--feeds", type=int, default=500)
    options.add_argument("--items", type=int, default=50)
    options.add_argument("--concurrency", type=int, default=16)
    args = options.parse_args()

    work = Path(tempfile.mkdtemp(prefix="wirewatch-bench-"))
    site = work / "site"
    site.mkdir()
    docs = [feed_doc(n, args.items) for n in range(args.feeds)]
    for n, doc in enumerate(docs):
        (site / f"feed{n}.xml").write_bytes(doc)
    server = subprocess.Popen([sys.executable, str(Path(__file__).with_name("static_server.py")),
                               str(site)], stdout=subprocess.PIPE)
    port = int(server.stdout.readline())
    urls = [f"http://127.0.0.1:{port}/feed{n}.xml" for n in range(args.feeds)]
    print(f"{args.feeds} feeds x {args.items} items, {sum(map(len, docs)) / 1e6:.1f} MB, "
          f"concurrency {args.concurrency}, server pid {server.pid}")
    try:
        strict, tolerant = parse_times(docs[0])
        print(f"parse one {args.items}-item feed: lxml {strict:.2f} ms, feedparser {tolerant:.2f} ms "
              f"({tolerant / strict:.0f}x)")

        config = work / "feeds.toml"
        lines = ["[settings]", f"concurrency = {args.concurrency}", "full_text = \"never\"", ""]
        for n, url in enumerate(urls):
            lines += ["[[feeds]]", f'name = "feed {n}"', f'url = "{url}"', ""]
        config.write_text("\n".join(lines), encoding="utf-8")
        wirewatch = [sys.executable, "-m", "tui", "--config", str(config), "--cache",
                     str(work / "cache"), "fetch", "--json"]
        results = {}
        for label in ("cold", "304"):
            wall, rss_mb, out = timed(wirewatch, cwd=str(ROOT))
            results[("wirewatch", label)] = wall
            print(f"wirewatch fetch {label:>4}: {wall:6.2f} s wall, {rss_mb:6.0f} MB peak RSS")
        items = subprocess.run(
            [sys.executable, "-c", "import sqlite3,sys; print(sqlite3.connect(sys.argv[1])"
             ".execute('select count(*) from items').fetchone()[0])",
             str(work / "cache" / "wirewatch.sqlite3")], capture_output=True, text=True).stdout
        print(f"  items stored: {items.strip()}")

        newsboat = shutil.which("newsboat")
        if newsboat is None:
            print("newsboat not installed (apt-get install newsboat): no comparison")
            return
        (work / "urls").write_text("\n".join(urls) + "\n", encoding="utf-8")
        (work / "newsboat.conf").write_text(
            f"reload-threads {args.concurrency}\nshow-read-feeds yes\n", encoding="utf-8")
        env = dict(os.environ, HOME=str(work))
        command = [newsboat, "-x", "reload", "-u", str(work / "urls"), "-c",
                   str(work / "newsboat.db"), "-C", str(work / "newsboat.conf")]
        for label in ("cold", "304"):
            wall, rss_mb, _ = timed(command, env=env)
            results[("newsboat", label)] = wall
            print(f"newsboat -x reload {label:>4}: {wall:6.2f} s wall, {rss_mb:6.0f} MB peak RSS")
        for label in ("cold", "304"):
            ratio = results[("newsboat", label)] / results[("wirewatch", label)]
            print(f"{label}: wirewatch is {ratio:.2f}x newsboat's speed "
                  f"({'faster' if ratio > 1 else 'slower'})")
    finally:
        server.terminate()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
