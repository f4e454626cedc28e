"""One helper process for pure CPU work the dashboard must not do itself.

A diff of two 20,000-word versions takes a fifth of a second of Python. In a thread it holds
the interpreter lock, which the event loop gets back only every switch interval (5 ms, more
under load), so every key waits behind it; in another process it holds nothing here, and the
thread that asked waits on a pipe, without the lock.

The process is started when a screen is about to need it (the cursor on an edited headline,
an article shown, the diff screen), else on first use, with `python -I -S -c` (a fresh
interpreter: never a fork of a process that runs threads and holds SQLite connections;
without site-packages, so the work may use the standard library and tui only), importing
only what the work needs (tui.core.helper_serve is its side); it stays for the session and
is killed, never waited for, when the session ends. It leaves by itself when this process
goes (its end of the socket closes), and it never sees the terminal's signals. When it
cannot be started, or dies, the work runs in the calling thread: slower for the keyboard,
never wrong.
"""

from __future__ import annotations

import os
import pickle
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from tui.core.helper_serve import receive, send

T = TypeVar("T")

MAX_FAILURES = 3          # starts or deaths before the helper is given up for the session
#: The package root, first on the helper's path: it imports the same `tui` as this process.
_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_BOOT = ("import sys; sys.path.insert(0, sys.argv[1]); "
         "from tui.core.helper_serve import serve; serve(int(sys.argv[2]), sys.argv[3:])")


class HelperClosed(RuntimeError):
    """The helper was closed (the dashboard is quitting): the work is not done at all."""


class NotWanted(RuntimeError):
    """The caller no longer wanted the result when its turn came: the work was skipped."""


class Helper:
    """A helper process, started on demand, shared by threads (one call at a time)."""

    def __init__(self, preload: Iterable[str] = (), *, executable: str | None = None) -> None:
        self.preload = tuple(preload)       # modules the helper imports before its first call
        self.executable = executable or sys.executable      # the Python it runs
        self.failures = 0
        self.calls_here = 0                 # calls run in the calling thread instead
        self._process: subprocess.Popen | None = None
        self._connection: socket.socket | None = None
        self._ready = False
        self._closed = False
        self._turn = threading.Lock()       # one call on the pipe at a time
        self._state = threading.Lock()      # starting, losing and closing the process

    @property
    def pid(self) -> int | None:
        """The helper's process id once it has said it is ready."""
        process = self._process
        return process.pid if process is not None and self._ready else None

    @property
    def started(self) -> bool:
        """A process runs (or is starting) for the next call."""
        return self._process is not None

    @property
    def usable(self) -> bool:
        return not self._closed and self.failures < MAX_FAILURES

    def start(self) -> None:
        """Start the process now, without waiting for it (a screen about to need it calls
        this, so that the interpreter starts while the screen paints)."""
        with self._state:
            self._spawn()

    def call(self, function: Callable[..., T], *args: Any,
             wanted: Callable[[], bool] | None = None) -> T:
        """`function(*args)` in the helper (a module-level function: it is sent by name), or
        here when the helper cannot be used. Blocks: call it from a thread.

        `wanted` is asked once the call's turn comes (calls wait for each other): a screen
        that moved on skips the work it had asked for (NotWanted). The function's own
        exception is raised here as it was raised there.
        """
        with self._turn:
            if self._closed:
                raise HelperClosed("the helper is closed")
            if wanted is not None and not wanted():
                raise NotWanted("no longer wanted")
            connection = self._ensure_ready()
            if connection is not None:
                try:
                    send(connection, (function, args))
                    status, value = receive(connection)  # type: ignore[misc]
                except (EOFError, OSError):
                    self._lose()
                else:
                    if status == "error":
                        raise value
                    return value
        self.calls_here += 1
        return function(*args)

    def close(self) -> None:
        """Kill the process at once, without waiting for its work; a call under way ends
        with HelperClosed. Safe to call twice, and from any thread."""
        with self._state:
            self._closed = True
            process, self._process = self._process, None
            _kill(process)
            if self._turn.acquire(blocking=False):   # else the caller closes it on its way out
                try:
                    self._close_connection()
                finally:
                    self._turn.release()

    # --- the process ------------------------------------------------------------------------

    def _spawn(self) -> None:
        """Start the process unless it runs, the helper is closed or was given up."""
        if self._process is not None or not self.usable:
            return
        ours, theirs = socket.socketpair()
        try:
            self._process = subprocess.Popen(
                [self.executable, "-I", "-S", "-c", _BOOT, _ROOT, str(theirs.fileno()),
                 *self.preload],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        except (OSError, subprocess.SubprocessError, ValueError):
            ours.close()
            self.failures += 1
            return
        finally:
            theirs.close()
        self._connection = ours
        self._ready = False

    def _ensure_ready(self) -> socket.socket | None:
        """The pipe to a process that said it is ready (started if need be), or None."""
        with self._state:
            if self._closed:
                raise HelperClosed("the helper is closed")
            self._spawn()
            connection = self._connection
        if connection is None:
            return None
        if not self._ready:
            try:
                status, _ = receive(connection)  # type: ignore[misc]  # ("ready", pid), imports done
            except (EOFError, OSError, pickle.UnpicklingError):
                status = None
            if status != "ready":
                self._lose()
                return None
            self._ready = True
        return connection

    def _lose(self) -> None:
        """The process died or could not start: count it, and start afresh next time."""
        with self._state:
            if self._closed:
                self._close_connection()
                raise HelperClosed("the helper is closed")
            self.failures += 1
            process, self._process = self._process, None
            _kill(process)
            self._close_connection()
            self._ready = False

    def _close_connection(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()


def _kill(process: subprocess.Popen | None) -> None:
    """SIGKILL, then reap: a killed process is gone within a millisecond or so."""
    if process is None:
        return
    try:
        process.kill()
        process.wait(timeout=1)
    except (OSError, subprocess.TimeoutExpired):
        pass
