"""Time from pressing q to the dashboard process having exited, in a real pseudo-terminal.

    .venv/bin/python tests/bench/bench_quit.py [--runs 5]

Four cases, each the median of --runs fresh processes: the dashboard offline over a small
cache; the demo; the dashboard in the middle of a refresh, against a loopback site whose
feeds answer slowly (every feed dripping its body for 10 s), so fetches, the writer thread
and the refresh cycle are all busy when q arrives; and the dashboard quit (ctrl+q) from a
diff screen still computing the diff of a 100,000-word article rewritten (two seconds of
work, in the helper process or a thread). A user expects the terminal back at once in every
case. A script that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import os
import pty
import select
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.support.feedgen import config_text, item, rss  # noqa: E402
from tests.support.httpserver import LoopbackServer, Reply  # noqa: E402

WIREWATCH = [sys.executable, "-m", "tui"]


def drain(fd: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                os.read(fd, 65536)
            except OSError:
                return


def quit_seconds(argv: list[str], settle: float,
                 keys: tuple[tuple[bytes, float], ...] = (), quit_key: bytes = b"q") -> float | None:
    """Start `argv` in a pty, let it run `settle` seconds, press each of `keys` and wait its
    seconds, press `quit_key`: seconds until it exits."""
    pid, fd = pty.fork()
    if pid == 0:
        env = dict(os.environ, TERM="xterm-256color", COLUMNS="120", LINES="40")
        os.execvpe(argv[0], argv, env)
    drain(fd, settle)
    for key, wait in keys:
        os.write(fd, key)
        drain(fd, wait)
    started = time.monotonic()
    os.write(fd, quit_key)
    while time.monotonic() - started < 20:
        ready, _, _ = select.select([fd], [], [], 0.01)
        if ready:
            try:
                os.read(fd, 65536)
            except OSError:
                pass
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            os.close(fd)
            return time.monotonic() - started
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    os.close(fd)
    return None


def slow_feed(request) -> Reply:
    body = rss([item(n, title=f"Talks on Crimea, part {n}") for n in range(20)])
    pieces = [body[i:i + 200] for i in range(0, len(body), 200)]

    def drip():
        for piece in pieces:
            time.sleep(10 / len(pieces))
            yield piece
    return Reply(200, drip(), {"Content-Type": "application/rss+xml"})


def long_article(folder: Path) -> tuple[Path, Path]:
    """A cache whose one item has two versions of 100,000 words, the second a heavy rewrite:
    its diff takes seconds (bench_diff_screen's texts, ten times longer)."""
    from tests.bench.bench_diff_screen import build, versions_of
    from tests.functional.test_screens_article_diff import CONFIG

    config = folder / "long.toml"
    config.write_text(CONFIG, encoding="utf-8")
    cache = folder / "long-cache"
    session, _ = build(cache, versions_of(100_000, 2, seed=7))
    session.close()
    return config, cache


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="wirewatch-quit-"))
    results: dict[str, list[float | None]] = {}
    with LoopbackServer() as server:
        feeds = [(f"Slow {n}", server.url(f"/slow{n}.xml")) for n in range(8)]
        for n in range(8):
            server.route(f"/slow{n}.xml", slow_feed)
        config = folder / "feeds.toml"
        config.write_text(config_text(feeds), encoding="utf-8")
        base = [*WIREWATCH, "--config", str(config), "--cache", str(folder / "cache")]
        long_config, long_cache = long_article(folder)
        cases = {
            "offline, empty cache": (base + ["--offline"], 2.5, (), b"q"),
            "demo": ([*WIREWATCH, "demo"], 3.0, (), b"q"),
            "mid-refresh (8 feeds dripping)": (base, 3.0, (), b"q"),
            "mid-diff (100k words, ctrl+q)": (
                [*WIREWATCH, "--config", str(long_config), "--cache", str(long_cache),
                 "--offline"], 2.5, ((b"d", 1.0),), b"\x11"),
        }
        for name, (argv, settle, keys, quit_key) in cases.items():
            results[name] = [quit_seconds(argv, settle, keys, quit_key)
                             for _ in range(args.runs)]
    print(f"q -> process exited, median of {args.runs} runs (each in a fresh process):")
    for name, times in results.items():
        done = [t for t in times if t is not None]
        hung = len(times) - len(done)
        median = f"{statistics.median(done) * 1000:6.0f} ms" if done else "   never"
        worst = f"{max(done) * 1000:6.0f} ms" if done else ""
        print(f"  {name:<32} {median}  (worst {worst})" + (f", {hung} hung" if hung else ""))


if __name__ == "__main__":
    main()
