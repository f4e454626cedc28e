"""Notifications that leave the program: desktop (notify-send) and a user's command.

The command is an argv run without a shell, the hit passed in environment variables (never
spliced into arguments, so a hostile headline cannot inject anything), under a time limit;
its failure is reported as one line and never stops wirewatch. Commands run in the background
(`CommandRunner`, a few at a time), so a hanging command never holds up a refresh.
"""

from __future__ import annotations

import html
import os
import select
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from tui.core.alerts.plan import NotificationPlan
from tui.core.cache.hits import AlertHit
from tui.core.ingest.dates import iso, to_datetime
from tui.core.ingest.sanitize import strip_unsafe

COMMAND_TIMEOUT_SECONDS = 10.0
STDERR_KEEP_BYTES = 8 * 1024      # the tail of a command's stderr kept for its error line
STDERR_DRAIN_SECONDS = 0.2        # after exit, how long to read what its stderr still holds
COMMANDS_AT_ONCE = 3


def _env_value(value: str) -> str:
    return value.replace("\x00", "")  # the one character an environment cannot carry


def hit_environment(hit: AlertHit) -> dict[str, str]:
    return {key: _env_value(value) for key, value in {
        "WIREWATCH_ALERT": hit.alert,
        "WIREWATCH_TITLE": hit.title,
        "WIREWATCH_FEED": hit.feed,
        "WIREWATCH_LINK": hit.link or "",
        "WIREWATCH_ID": hit.uid,
        "WIREWATCH_PUBLISHED": iso(to_datetime(hit.published)) or "",
    }.items()}


def run_command(argv: list[str] | tuple[str, ...], hit: AlertHit, *,
                timeout: float = COMMAND_TIMEOUT_SECONDS,
                stop: threading.Event | None = None) -> str | None:
    """Run the alert's command for a hit; returns an error line, or None when it succeeded.

    The command runs in its own process group, and at the time limit the whole group is
    killed: a script's children (a `sleep`, a `curl`) do not outlive it. Only the last few KB
    of its stderr are kept (a command that writes gigabytes costs no memory or disk), and a
    child it leaves running in the background, holding stderr open, does not make a command
    that finished look like one that hangs. `stop` (wirewatch is closing) kills it at once.
    """
    if not argv:
        return f"alert {hit.alert!r}: no command to run"
    name = argv[0]
    env = dict(os.environ, **hit_environment(hit))
    try:
        proc = subprocess.Popen(list(argv), env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                start_new_session=True)
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        return f"alert {hit.alert!r}: command {name!r} failed to start: {reason}"
    try:
        finished, tail = _wait_reading_stderr(proc, timeout, stop)
    except BaseException:
        _kill_group(proc)
        raise
    finally:
        proc.stderr.close()  # type: ignore[union-attr]
    if not finished:
        _kill_group(proc)
        if stop is not None and stop.is_set():
            return None                        # wirewatch is closing: not the command's fault
        return f"alert {hit.alert!r}: command {name!r} killed after {timeout:g} s"
    if proc.returncode == 0:
        return None
    text = strip_unsafe(tail.decode("utf-8", "replace"))
    detail = [line.strip() for line in text.splitlines() if line.strip()]
    last = f": {detail[-1][:200]}" if detail else ""
    return f"alert {hit.alert!r}: command {name!r} exited {proc.returncode}{last}"


def _wait_reading_stderr(proc: subprocess.Popen, timeout: float,
                         stop: threading.Event | None) -> tuple[bool, bytes]:
    """Wait for `proc` up to `timeout` (or `stop`), keeping the tail of its stderr;
    (finished, tail)."""
    fd = proc.stderr.fileno()  # type: ignore[union-attr]
    os.set_blocking(fd, False)
    tail = bytearray()
    deadline = time.monotonic() + timeout
    drain_until: float | None = None
    open_ = True
    while True:
        now = time.monotonic()
        if drain_until is None and proc.poll() is not None:
            drain_until = now + STDERR_DRAIN_SECONDS
        if drain_until is not None and (now >= drain_until or not open_):
            return True, bytes(tail)
        if drain_until is None and (now >= deadline or (stop is not None and stop.is_set())):
            return False, bytes(tail)
        wait = min(0.05, (drain_until or deadline) - now)
        if not open_:
            time.sleep(max(wait, 0))
            continue
        readable, _, _ = select.select([fd], [], [], max(wait, 0))
        if readable:
            chunk = os.read(fd, 65_536)
            if not chunk:
                open_ = False                  # EOF: everything holding stderr has exited
            else:
                tail += chunk
                del tail[:-STDERR_KEEP_BYTES]


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    proc.wait()


def desktop_notify(hit: AlertHit) -> str | None:
    """notify-send where it exists; silently nothing where it does not.

    Feed text is data: "--" ends notify-send's options (a title may start with "-"), and the
    body is escaped because notification servers read it as markup.
    """
    program = shutil.which("notify-send")
    if program is None:
        return None
    body = html.escape(f"{hit.title}\n{hit.feed}", quote=False)
    try:
        subprocess.run([program, "--app-name=wirewatch", "--", f"wirewatch: {hit.alert}",
                        _env_value(body)], stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=5)
    except subprocess.TimeoutExpired:
        return "desktop notification failed: notify-send did not return within 5 s"
    except OSError as error:
        return f"desktop notification failed: {error.strerror or error}"
    return None


def dispatch_external(plan: NotificationPlan) -> list[str]:
    """The desktop and command notifications of a plan, one after another; the error lines."""
    errors: list[str] = []
    for hit in plan.desktop:
        if error := desktop_notify(hit):
            errors.append(error)
    for argv, hit in plan.commands:
        if error := run_command(argv, hit):
            errors.append(error)
    return errors


class CommandRunner:
    """Runs the desktop and command notifications of plans in the background, a few at once,
    each under its time limit; a failure is handed to `on_error` as one line (from a worker
    thread: a face that draws must pass it on to its own thread)."""

    def __init__(self, on_error: Callable[[str], None], *, at_once: int = COMMANDS_AT_ONCE,
                 timeout: float = COMMAND_TIMEOUT_SECONDS) -> None:
        self._on_error = on_error
        self._timeout = timeout
        self._pool = ThreadPoolExecutor(max_workers=at_once,
                                        thread_name_prefix="wirewatch-notify")
        self._pending: set[Future] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def submit(self, plan: NotificationPlan) -> None:
        jobs: list[Callable[[], str | None]] = [lambda hit=hit: desktop_notify(hit)
                                                for hit in plan.desktop]
        jobs += [lambda argv=argv, hit=hit: run_command(argv, hit, timeout=self._timeout,
                                                        stop=self._stop)
                 for argv, hit in plan.commands]
        for job in jobs:
            future = self._pool.submit(job)
            with self._lock:
                self._pending.add(future)
            future.add_done_callback(self._done)

    def _done(self, future: Future) -> None:
        with self._lock:
            self._pending.discard(future)
        if future.cancelled():
            return
        error = future.exception()
        line = f"notification failed: {error}" if error is not None else future.result()
        if line:
            self._on_error(line)

    @property
    def running(self) -> int:
        with self._lock:
            return len(self._pending)

    def wait(self, timeout: float | None = None) -> None:
        """Wait for what was submitted (`watch --once` before it exits)."""
        with self._lock:
            pending = list(self._pending)
        for future in pending:
            try:
                future.result(timeout=timeout)
            except Exception:
                pass

    def close(self) -> None:
        """Drop what has not started and stop what runs: closing never waits for a command."""
        self._stop.set()
        self._pool.shutdown(wait=False, cancel_futures=True)
