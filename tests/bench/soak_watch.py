"""Soak: `wirewatch watch` for a long run against a loopback site that adds and edits items and
mixes in every hostile fault, while a second process runs `wirewatch fetch` every minute and a
third adds and removes alert rules. A script that prints figures, not a test.

    .venv/bin/python tests/bench/soak_watch.py [--minutes 30] [--keep DIR]

Reports: hits recorded vs announced by `watch` (every hit of a rule still in force announced,
none twice), peak resident memory of the `watch` process, its refreshes and the longest gap
between two (a refresh is "missed" when the gap is over twice the period), and the fetch and
rule-editing processes' failures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.support.feedgen import config_text, item, rss  # noqa: E402
from tests.support.httpserver import LoopbackServer, Reply  # noqa: E402

PERIOD_MINUTES = 0.25                   # watch refreshes every 15 s
PAGE = (b"<html><body><article><h1>Talks</h1><p>" + b"Talks on the plan went on for hours. " * 40
        + b"</p></article></body></html>")
NAMES = ["Crimea", "Donetsk", "Kherson", "Witkoff", "Lavrov", "Zelensky", "Putin", "Rubio",
         "Weather", "Markets", "Football"]
RULES = """
[[alerts]]
name = "Crimea recognition"
all = ["Crimea"]
any = ["recognition", "talks"]

[[alerts]]
name = "Witkoff"
all = ["Witkoff"]

[[alerts]]
name = "Kherson"
categories = ["regions"]
feeds = ["Honest 2"]
"""


class Site:
    """Five honest feeds that grow and get edited, and one feed per hostile fault."""

    def __init__(self, server: LoopbackServer) -> None:
        self.server = server
        self.items: dict[int, list[dict]] = {n: [] for n in range(5)}
        self.documents: dict[int, bytes] = {}
        self.counter = 0
        self.lock = threading.Lock()
        self.clock: list[float] = []         # when /honest0.xml was asked for: refreshes
        for feed in self.items:
            server.route(f"/honest{feed}.xml", lambda request, feed=feed: self._serve(feed))
        self.faults()

    def _serve(self, feed: int) -> Reply:
        if feed == 0:
            self.clock.append(time.time())
        with self.lock:
            body = self.documents.get(feed, rss([]))
        return Reply(200, body, {"Content-Type": "application/rss+xml"})

    def step(self) -> None:
        """New items in every honest feed, and a headline edited here and there."""
        with self.lock:
            for feed, entries in self.items.items():
                for _ in range(random.randint(0, 3)):
                    self.counter += 1
                    words = random.sample(NAMES, 2)
                    path = f"/page/{self.counter}"
                    entries.insert(0, item(self.counter, title=f"{words[0]} and {words[1]}: "
                                           f"talks on recognition, report {self.counter}",
                                           link=self.server.url(path), hours_ago=0.01))
                    self.server.route(path, PAGE, content_type="text/html")
                for entry in entries[:10]:
                    if random.random() < 0.1:
                        entry["title"] = entry["title"] + " (updated)"
                del entries[60:]
                self.documents[feed] = rss(entries)

    def faults(self) -> None:
        s = self.server
        s.redirect("/bad-port.xml", "http://127.0.0.1:99999/feed.xml", status=301)
        s.bomb("/bomb.xml")
        laughs = (b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>t</title>'
                  + b"<!-- padding -->" * 5000
                  + b'<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">' + b"".join(
                      f'<!ENTITY {chr(98 + k)} "{("&" + chr(97 + k) + ";") * 10}">'.encode()
                      for k in range(8)) + b"]><item><title>&i;</title></item></channel></rss>")
        s.route("/laughs.xml", laughs, content_type="application/rss+xml")
        junk = [item(10_000 + n, title=f"Rotating {n}", guid=f"urn:junk:{random.random()}",
                     published=f"sometime {random.random()} maybe") for n in range(2000)]
        s.route("/junk-dates.xml", rss(junk), content_type="application/rss+xml")
        whole = rss([item(20_000 + n) for n in range(20)])
        s.truncated("/truncated.xml", whole[: len(whole) // 2], content_length=len(whole))
        s.drip("/drip.xml", rss([item(30_000)]), interval=1.0)
        s.route("/c1.xml", rss([item(40_000)]), content_type="application/rss+xml",
                headers={"Content-Encoding": "br\x85\x9b31m\x07"})
        s.route("/html.xml", b"<html><body>not a feed</body></html>",
                content_type="text/html")
        s.route("/error.xml", b"oops", status=500)
        s.route("/bad-links.xml", rss([item(50_000 + n, title=f"Crimea talks {n}",
                                            link="http://127.0.0.1:99999/x") for n in range(5)]),
                content_type="application/rss+xml")

    def paths(self) -> list[str]:
        return ([f"/honest{n}.xml" for n in range(5)]
                + ["/bad-port.xml", "/bomb.xml", "/laughs.xml", "/junk-dates.xml",
                   "/truncated.xml", "/drip.xml", "/c1.xml", "/html.xml", "/error.xml",
                   "/bad-links.xml"])


def wirewatch(config: Path, *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui", "--config", str(config), *argv],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)


def peak_rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--keep", metavar="DIR")
    args = parser.parse_args()
    folder = Path(args.keep or tempfile.mkdtemp(prefix="wirewatch-soak-"))
    folder.mkdir(parents=True, exist_ok=True)
    random.seed(7)
    stop = threading.Event()
    problems: list[str] = []
    fetches: list[tuple[float, float, int]] = []
    with LoopbackServer() as server:
        site = Site(server)
        site.step()
        names = [(f"Honest {n}" if n < 5 else path.strip("/").split(".")[0],
                  server.url(path)) for n, path in enumerate(site.paths())]
        config = folder / "feeds.toml"
        config.write_text(config_text(names, extra=RULES, settings=(
            f"refresh_minutes = {PERIOD_MINUTES}\ntimeout_seconds = 5\n"
            'full_text = "matches"\nmax_feed_bytes = 5_000_000')), encoding="utf-8")

        def grow() -> None:
            while not stop.wait(20):
                site.step()

        def cron() -> None:
            while not stop.wait(60):
                started = time.time()
                done = wirewatch(config, "fetch", "--json")
                fetches.append((started, time.time(), done.returncode))
                if done.returncode not in (0, 3) or "Traceback" in done.stderr:
                    problems.append(f"fetch: {done.returncode} {done.stderr[-300:]}")

        def churn() -> None:
            number = 0
            while not stop.wait(45):
                number += 1
                name = random.choice(["Donetsk", "Lavrov", "Zelensky", "Putin"])
                added = wirewatch(config, "alert", "add", f"Churn {number}", "--all", name)
                if added.returncode:
                    problems.append(f"alert add: {added.stderr.strip()}")
                if number > 1:
                    removed = wirewatch(config, "alert", "rm", f"Churn {number - 1}")
                    if removed.returncode:
                        problems.append(f"alert rm: {removed.stderr.strip()}")

        out = open(folder / "watch.out", "w")
        err = open(folder / "watch.err", "w")
        watch = subprocess.Popen([sys.executable, "-m", "tui", "--config", str(config),
                                  "watch", "--json"], stdout=out, stderr=err, cwd=ROOT,
                                 env=dict(os.environ, PYTHONUNBUFFERED="1"))
        threads = [threading.Thread(target=f, daemon=True) for f in (grow, cron, churn)]
        for thread in threads:
            thread.start()
        started = time.time()
        peak = 0.0
        try:
            while time.time() - started < args.minutes * 60:
                time.sleep(5)
                peak = max(peak, peak_rss_mb(watch.pid))
                if watch.poll() is not None:
                    problems.append(f"watch ended early with {watch.returncode}")
                    break
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=600)
            time.sleep(6)                    # watch's next tick announces the last hits
            peak = max(peak, peak_rss_mb(watch.pid))
            watch.send_signal(signal.SIGTERM)   # as a service manager stops it
            watch.wait(timeout=60)
            out.close()
            err.close()
    report(folder, config, args.minutes, peak, fetches, site.clock, problems, watch)


def report(folder: Path, config: Path, minutes: float, peak: float, fetches: list,
           clock: list[float], problems: list[str], watch) -> None:
    conn = sqlite3.connect(folder / "cache" / "wirewatch.sqlite3")
    recorded = {(alert, uid) for alert, uid in conn.execute(
        "SELECT h.alert, i.uid FROM hits h JOIN items i ON i.id = h.item_id")}
    undelivered = conn.execute("SELECT count(*) FROM hits WHERE delivered = 0").fetchone()[0]
    rules = set()
    for line in config.read_text(encoding="utf-8").splitlines():
        if line.startswith("name = ") and "Honest" not in line:
            rules.add(line.split("=", 1)[1].strip().strip('"'))
    printed = [(h["alert"], h["item"]) for h in map(json.loads, (folder / "watch.out")
                                                     .read_text(encoding="utf-8").splitlines())]
    in_force = {hit for hit in recorded if hit[0] in rules}
    missing = in_force - set(printed)
    duplicates = len(printed) - len(set(printed))
    fetch_times = [(a, b) for a, b, _ in fetches]
    watch_refreshes = sorted(at for at in clock
                             if not any(a - 1 <= at <= b + 1 for a, b in fetch_times))
    gaps = [b - a for a, b in zip(watch_refreshes, watch_refreshes[1:])]
    period = PERIOD_MINUTES * 60
    stderr = (folder / "watch.err").read_text(encoding="utf-8")
    print(f"soak: {minutes:g} min, watch every {period:g} s, fetch every 60 s, rules churned "
          f"every 45 s ({folder})")
    print(f"  hits recorded (rules in force at the end): {len(in_force)}; announced by watch: "
          f"{len(set(printed) & in_force)}; never announced: {len(missing)}; announced twice: "
          f"{duplicates}; still in the outbox: {undelivered}")
    print(f"  announced in all (removed rules' hits included): {len(printed)}")
    print(f"  watch peak RSS: {peak:.0f} MB; exit status {watch.returncode}; tracebacks in "
          f"its stderr: {stderr.count('Traceback')}")
    if watch_refreshes:
        print(f"  watch refreshes: {len(watch_refreshes)} (expected about "
              f"{int(minutes * 60 / period)}); longest gap {max(gaps, default=0):.1f} s; missed "
              f"(gap > {2 * period:g} s): {sum(g > 2 * period for g in gaps)}")
    print(f"  fetch runs: {len(fetches)} (exit statuses {sorted({c for *_, c in fetches})})")
    print(f"  problems: {len(problems)}")
    for problem in problems[:10]:
        print(f"    {problem}")


if __name__ == "__main__":
    main()
