"""Real wirewatch processes for tests of the joints between processes: `wirewatch ...` run to
completion, and a `watch` left running whose output lines are collected as they come."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Self

import pytest

ROOT = Path(__file__).resolve().parents[2]


def wirewatch(config: Path, *argv: str, cache: Path | None = None,
              timeout: float = 60) -> subprocess.CompletedProcess:
    """`wirewatch --config CONFIG --cache CACHE ARGV...` in its own process."""
    cache = cache or config.parent / "cache"
    return subprocess.run(
        [sys.executable, "-m", "tui", "--config", str(config), "--cache", str(cache), *argv],
        capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def dump_and_kill(proc: subprocess.Popen, *, read: bool = True) -> str:
    """A hung child's last words: with PYTHONFAULTHANDLER set, SIGABRT makes Python print
    every thread's stack to stderr before it dies; what it printed is returned (`read`: when
    no reader thread of ours already takes its stderr)."""
    proc.send_signal(signal.SIGABRT)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    return proc.stderr.read()[-6000:] if read and proc.stderr else ""


class Watcher:
    """A running `wirewatch watch --json`, its stdout lines and stderr lines collected."""

    def __init__(self, config: Path, *extra: str, sigint_ignored: bool = False,
                 prelude: str | None = None) -> None:
        """`sigint_ignored`: started as a script's `wirewatch watch &` is (a non-interactive
        shell starts background commands with SIGINT ignored). `prelude`: Python run in the
        process before wirewatch starts (a test's setting, as monkeypatch would make it)."""
        env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONFAULTHANDLER="1")
        ignore = (lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if sigint_ignored \
            else None
        start = ["-m", "tui"] if prelude is None else [
            "-c", f"{prelude}\nfrom tui.cli import run\nrun()"]
        self.proc = subprocess.Popen(
            [sys.executable, *start, "--config", str(config), "--cache",
             str(config.parent / "cache"), "watch", "--json", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env,
            preexec_fn=ignore)
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.errors: list[str] = []
        threading.Thread(target=self._read, args=(self.proc.stdout, self.lines.put),
                         daemon=True).start()
        threading.Thread(target=self._read, args=(self.proc.stderr, self.errors.append),
                         daemon=True).start()

    @staticmethod
    def _read(stream, put: Callable) -> None:
        for line in stream:
            put(line)
        put(None)

    def stop(self, signum: int = signal.SIGINT) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signum)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                dump_and_kill(self.proc, read=False)
                time.sleep(0.5)                 # the reader thread takes the stacks
                pytest.fail(f"watch did not stop on signal {signum}; where it was:\n"
                            + "".join(line for line in self.errors if line)[-6000:])
        return self.proc.returncode

    def printed(self) -> list[str]:
        """Every stdout line so far (after `stop`: all of them)."""
        out = []
        while True:
            try:
                line = self.lines.get(timeout=10 if self.proc.poll() is not None else 0.01)
            except queue.Empty:
                return out
            if line is None:
                return out
            out.append(line)

    def stderr(self) -> str:
        return "".join(line for line in self.errors if line)

    def __enter__(self) -> Watcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def wait_for(condition: Callable[[], object], what: str, limit: float = 30.0) -> None:
    """Poll until `condition()` holds. The limit guards against a hang; it is not a timing."""
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def gone(pid: int) -> bool:
    """No such process, or only its zombie (reaped or not by whoever adopted it)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


_HOLD_LEASE = """
import sys
from tui.core.cache.lease import LeaseLost, held
from tui.core.cache.store import Store

cache, name, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
store = Store.open(cache)
with held(store, name, seconds=seconds) as lease:
    print("held" if lease else "refused", flush=True)
    for line in sys.stdin:
        if line.strip() != "keep":
            break
        try:
            lease.keep()
            print("kept", flush=True)
        except LeaseLost:
            print("lost", flush=True)
print("released", flush=True)
"""


class LeaseHolder:
    """Another wirewatch process holding the cache's lease `name` (tui.core.cache.lease) for
    `seconds`, until `release()` or a kill. `keep()` has it call `Lease.keep` (a renewal once
    a quarter of the lease has passed) and returns what came of it: "kept" or "lost"."""

    def __init__(self, cache_dir: Path, name: str, seconds: float = 3600.0) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _HOLD_LEASE, str(cache_dir), name, str(seconds)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        self.pid = self.proc.pid
        said = self.proc.stdout.readline().strip()
        assert said == "held", f"the other process could not take the lease: {said!r}"

    def keep(self) -> str:
        self.proc.stdin.write("keep\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def release(self) -> None:
        """Let it give the lease up and end."""
        if self.proc.poll() is None:
            self.proc.stdin.close()
            assert self.proc.stdout.read().strip().endswith("released")
            self.proc.wait(timeout=30)

    def kill(self) -> None:
        """SIGKILL: no finally runs; the lease row stays, naming a dead process."""
        self.proc.kill()
        self.proc.wait(timeout=30)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
