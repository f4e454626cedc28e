"""Big caches and start-up, each figure beside its goal (issue 15), before and after in one run.

    .venv/bin/python tests/bench/bench_scale.py [--folder DIR] [--baseline REF] [--runs 5]
        [--items 1000000] [--only cli,paint,keys,prune]

Builds (once, kept in --folder) a 100,000- and an --items-item cache with make_cache.py, then:

- CLI start to answer on the 100k cache: `headlines --limit 20`, `--offline article ID`,
  `diff ID --json`, each a fresh `python -m tui` process, median of --runs. Goal < 150 ms.
- Dashboard, shell to first paint: from starting `python -m tui --offline` in a pseudo-terminal
  (160x48) to the headline table's first painted line, at 100k and at --items. Goals < 0.5 s
  and < 1 s.
- Key to repaint at --items (every key of bench_tui.py, search included), median wall time from
  sending the key to the end of the screen update it caused. Goal < 50 ms each. The same
  process's peak RSS is the dashboard's memory at that size: goal < 300 MB.
- Prune of the 100,000 oldest items from a copy of the --items cache. Goal < 5 s.

With --baseline REF (a commit, say the branch point), the same figures are measured on that
commit's code (extracted with `git archive`) in the same run, on the same caches. Quitting is
measured by bench_quit.py. The machine is shared: read ratios measured side by side rather
than absolute figures.
"""

from __future__ import annotations

import argparse
import json
import os
import pty
import resource
import select
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SMALL = 100_000
KEY_GOAL_MS = 50


# --- caches and code trees ------------------------------------------------------------------

def ensure_cache(folder: Path, items: int) -> Path:
    if not (folder / "cache" / "wirewatch.sqlite3").exists() or not (folder / "built").exists():
        shutil.rmtree(folder, ignore_errors=True)
        print(f"building a {items:,}-item cache in {folder} ...", file=sys.stderr)
        subprocess.run([sys.executable, str(ROOT / "tests/bench/make_cache.py"), str(folder),
                        "--items", str(items)], check=True, cwd=ROOT)
        (folder / "built").write_text("ok")
    return folder


def extract(ref: str, into: Path) -> Path:
    """The code of commit `ref`, as files (the repository itself is not touched)."""
    into.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "archive", ref, "tui", "tests"], cwd=ROOT,
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def schema_version(tree: Path) -> int:
    probe = "from tui.core.cache.schema import SCHEMA_VERSION; print(SCHEMA_VERSION)"
    out = subprocess.run([sys.executable, "-c", probe], cwd=tree, capture_output=True,
                         text=True, check=True)
    return int(out.stdout)


def fit_schema(folder: Path, tree: Path) -> None:
    """Let the code of `tree` open the cache: an older wirewatch refuses a newer schema, and
    the steps added since only add indexes, but for step 12 (undone for code before it: the
    read column back), so the version number is set back for it (the newer code migrates it
    forward again, adding nothing that is there)."""
    with sqlite3.connect(folder / "cache" / "wirewatch.sqlite3") as conn:
        version = schema_version(tree)
        if version < 12 and conn.execute("SELECT 1 FROM pragma_table_info('items') "
                                         "WHERE name = 'read'").fetchone() is None:
            from tests.support.old_caches import before_unread_table

            before_unread_table(conn)
        conn.execute(f"PRAGMA user_version = {version}")


def env_for(tree: Path) -> dict:
    """As an installed wirewatch runs: byte code compiled once and kept (this workplace sets
    PYTHONDONTWRITEBYTECODE, which would add ~40 ms of compiling to every start)."""
    env = dict(os.environ, PYTHONPATH=str(tree), TZ="UTC")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def compile_tree(tree: Path) -> None:
    subprocess.run([sys.executable, "-m", "compileall", "-q", "tui", "tests"], cwd=tree,
                   env=env_for(tree), capture_output=True, check=False)


def a_revised_item(folder: Path) -> str:
    with sqlite3.connect(folder / "cache" / "wirewatch.sqlite3") as conn:
        return conn.execute("SELECT uid FROM items WHERE versions = 2 "
                            "ORDER BY sort_time DESC LIMIT 1").fetchone()[0]


def base_argv(folder: Path) -> list[str]:
    return ["--config", str(folder / "feeds.toml"), "--cache", str(folder / "cache")]


# --- CLI start to answer -----------------------------------------------------------------------

def children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def cli_ms(tree: Path, folder: Path, runs: int) -> dict[str, tuple[float, float]]:
    """Per command: median wall ms, and median CPU ms of the process (user + system)."""
    uid = a_revised_item(folder)
    commands = {"headlines --limit 20": ["headlines", "--limit", "20"],
                "--offline article ID": ["--offline", "article", uid],
                "diff ID --json": ["diff", uid, "--json"]}
    out = {}
    for name, argv in commands.items():
        samples, cpu = [], []
        for _ in range(runs + 1):
            started, used = time.perf_counter(), children_cpu()
            done = subprocess.run([sys.executable, "-m", "tui", *base_argv(folder), *argv],
                                  cwd=tree, env=env_for(tree), capture_output=True, check=False)
            samples.append((time.perf_counter() - started) * 1000)
            cpu.append((children_cpu() - used) * 1000)
            if done.returncode:
                raise SystemExit(f"{name} failed: {done.stderr.decode()[-500:]}")
        # The first run warms the disk cache.
        out[name] = (statistics.median(samples[1:]), statistics.median(cpu[1:]))
    return out


# --- dashboard: shell to first paint ----------------------------------------------------------

PAINT_PROBE = """
import sys, time
report = sys.argv.pop(1)
try:        # as `run` does first (its imports below come before run's own call)
    from tui.core.collector import pause_for_start_up
    pause_for_start_up()
except ImportError:     # a baseline from before the pause
    pass
from tui.widgets.headline_table import HeadlineTable
original = HeadlineTable.render_line
def first_paint(self, y):
    strip = original(self, y)
    if y >= 1 and self.total and not getattr(HeadlineTable, "_painted", False):
        HeadlineTable._painted = True
        with open(report, "w") as handle:
            handle.write(repr(time.time()))
        self.app.call_later(self.app.exit)
    return strip
HeadlineTable.render_line = first_paint
try:
    from tui.cli import run
except ImportError:     # a baseline from before tui.cli.run
    from tui.cli import main
    run = lambda: sys.exit(main(sys.argv[1:]))
run()
"""


def paint_seconds(tree: Path, folder: Path | None, *, argv: list[str] | None = None,
                  probe: str = PAINT_PROBE) -> float | None:
    """From starting the dashboard (or `argv`'s command) in a pseudo-terminal to its first
    painted headline."""
    report = Path(tempfile.mktemp(prefix="wirewatch-paint-"))
    command = argv if argv is not None else [*base_argv(folder), "--offline"]
    argv = [sys.executable, "-c", probe, str(report), *command]
    env = dict(env_for(tree), TERM="xterm-256color", COLUMNS="160", LINES="48")
    started = time.time()
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(tree)
        os.execvpe(argv[0], argv, env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                os.read(fd, 65536)
            except OSError:
                break
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    os.close(fd)
    if not report.exists():
        return None
    painted = float(report.read_text())
    report.unlink()
    return painted - started


# --- keys at the big size, and the dashboard's memory --------------------------------------------

def keys_child(folder: Path) -> None:
    """In the tree's own process: the dashboard over the cache, every bench_tui key timed."""
    import asyncio
    from datetime import UTC

    from tests.bench.bench_tui import BACKGROUND, press_keys
    from tui.app import WirewatchApp
    from tui.core.config.load import load_config
    from tui.core.session import Session

    async def run() -> dict:
        session = Session.open(config=load_config(folder / "feeds.toml"),
                               cache_option=str(folder / "cache"))
        app = WirewatchApp(session, offline=True, timezone=UTC)
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause(1.0)          # the first counts arrive from the reader thread
            keys = await press_keys(pilot)
        # The figures first: closing the cache while the reader thread is still counting
        # has crashed older code (see `keys`).
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({"keys": keys, "peak_rss_mb": peak, "background": BACKGROUND}),
              flush=True)
        session.close()

    asyncio.run(run())


def keys(tree: Path, folder: Path) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", "keys", str(folder)], cwd=tree,
                          env=env_for(tree), capture_output=True, text=True, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise SystemExit(f"keys child failed ({done.returncode}):\n{done.stderr[-3000:]}")
    if done.returncode:
        # A crash after the figures were taken: closing the session while the dashboard's
        # reader thread still ran a query (SIGSEGV at 1M items in the code before issue 15).
        print(f"  ({tree}: the dashboard process ended with {done.returncode} as it closed)",
              file=sys.stderr)
    return json.loads(lines[-1])


# --- prune ---------------------------------------------------------------------------------------

def prune_child(folder: Path) -> None:
    from tui.core.cache.store import Store

    store = Store.open(folder / "cache")
    conn = store.connection
    cutoff = conn.execute("SELECT sort_time FROM items ORDER BY sort_time LIMIT 1 OFFSET ?",
                          (SMALL,)).fetchone()[0]
    started, cpu = time.perf_counter(), time.process_time()
    pruned = store.prune(30, now=cutoff + 30 * 86_400)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    store.close()
    print(json.dumps({"pruned": pruned, "seconds": seconds, "cpu": cpu}))


def prune(tree: Path, folder: Path, scratch: Path) -> dict:
    copy = scratch / "prune"
    shutil.rmtree(copy, ignore_errors=True)
    (copy / "cache").mkdir(parents=True)
    shutil.copy(folder / "cache" / "wirewatch.sqlite3", copy / "cache" / "wirewatch.sqlite3")
    fit_schema(copy, tree)
    done = subprocess.run([sys.executable, __file__, "--child", "prune", str(copy)], cwd=tree,
                          env=env_for(tree), capture_output=True, text=True, check=False)
    shutil.rmtree(copy, ignore_errors=True)
    if done.returncode:
        raise SystemExit(f"prune child failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the report ----------------------------------------------------------------------------------

def verdict(value: float | None, goal: float) -> str:
    return "  —" if value is None else ("  ok" if value < goal else "  MISSED")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()) /
                        "wirewatch-scale", help="where the caches are built and kept")
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--baseline", metavar="REF", help="also measure this commit's code")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", default="cli,paint,keys,prune")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, os.getcwd())
        {"keys": keys_child, "prune": prune_child}[args.child[0]](Path(args.child[1]))
        return
    only = set(args.only.split(","))
    small = ensure_cache(args.folder / str(SMALL), SMALL)
    big = ensure_cache(args.folder / str(args.items), args.items)
    scratch = Path(tempfile.mkdtemp(prefix="wirewatch-scale-"))
    trees = {"after": ROOT}
    if args.baseline:
        trees = {"before": extract(args.baseline, scratch / "before"), **trees}
    results: dict[str, dict] = {}
    for label, tree in trees.items():
        print(f"measuring {label} ({tree}) ...", file=sys.stderr)
        r = results[label] = {}
        compile_tree(tree)
        for folder in (small, big):
            fit_schema(folder, tree)
        if "cli" in only:
            r["cli"] = cli_ms(tree, small, args.runs)
        if "paint" in only:
            r["paint"] = {}
            for size, folder in ((SMALL, small), (args.items, big)):
                samples = [paint_seconds(tree, folder) for _ in range(max(3, args.runs // 2))]
                done = [s for s in samples if s is not None]
                r["paint"][size] = statistics.median(done) if done else None
        if "keys" in only:
            r["keys"] = keys(tree, big)
        if "prune" in only:
            r["prune"] = prune(tree, big, scratch)
    shutil.rmtree(scratch, ignore_errors=True)
    report(results, args.items)


def report(results: dict[str, dict], items: int) -> None:
    labels = list(results)
    head = "".join(f"{label:>12}" for label in labels)
    print(f"\n{'measure':<52}{head}{'goal':>12}")

    def line(name: str, values: list[float | None], goal: float, unit: str, scale=1.0,
             cpu: list[float] | None = None) -> None:
        cells = "".join(f"{'—' if v is None else f'{v * scale:,.0f} {unit}':>12}"
                        for v in values)
        extra = ""
        if cpu is not None:
            extra = "   CPU " + " / ".join(f"{c * scale:,.0f}" for c in cpu) + f" {unit}"
        print(f"{name:<52}{cells}{f'< {goal * scale:,.0f} {unit}':>12}"
              f"{verdict(values[-1], goal)}{extra}")

    first = results[labels[0]]
    if "cli" in first:
        print(f"CLI start to answer, {SMALL:,} items (median):")
        for name in first["cli"]:
            line(f"  {name}", [results[l]["cli"][name][0] for l in labels], 150, "ms",
                 cpu=[results[l]["cli"][name][1] for l in labels])
    if "paint" in first:
        print("dashboard, shell to first paint (pty, 160x48, median):")
        for size, goal in zip(first["paint"], (0.5, 1.0)):
            line(f"  {int(size):,} items", [results[l]["paint"][size] for l in labels], goal,
                 "ms", 1000)
    if "keys" in first:
        print(f"key to repaint at {items:,} items (median wall, then the main thread's CPU, "
              "which the machine's other load inflates less; the goal is for every key):")
        for name in first["keys"]["keys"]:
            line(f"  {name}", [results[l]["keys"]["keys"][name][0] for l in labels],
                 KEY_GOAL_MS, "ms", cpu=[results[l]["keys"]["keys"][name][1] for l in labels])
        for name in first["keys"].get("background", {}):
            seconds = [results[l]["keys"].get("background", {}).get(name) for l in labels]
            print(f"  {name:<50}" + "".join(
                f"{'—' if v is None else f'{v:,.1f} s':>12}" for v in seconds)
                + f"{'no goal':>12}")
        line(f"memory: dashboard peak RSS at {items:,} items",
             [results[l]["keys"]["peak_rss_mb"] for l in labels], 300, "MB")
    if "prune" in first:
        pruned = results[labels[-1]]["prune"]["pruned"]
        line(f"prune of {pruned:,} oldest items from {items:,}",
             [results[l]["prune"]["seconds"] for l in labels], 5, "s",
             cpu=[results[l]["prune"]["cpu"] for l in labels])


if __name__ == "__main__":
    main()
