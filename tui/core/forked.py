"""Work in forked worker processes: how many to use, and running them so that a worker's
error is raised in the caller and a worker that dies fails the call instead of hanging it.

Why fork. The whole-cache re-match and the keying of a story backlog are CPU-bound pure
Python over a block of rows already in memory: a forked child inherits the work and its rows
(nothing is pickled to it) and sends back plain lists. A child only computes, never touches
SQLite or the terminal, so that a lock some thread of the parent held at the fork cannot hang
it. (A multiprocessing Pool, used before, waited for ever for a worker that died.)
"""

from __future__ import annotations

import os
import select
import signal
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from operator import itemgetter
from typing import Self

# Below this many items forking costs more than it saves (two workers forked from a process
# of 400 MB cost ~25 ms; 20,000 items match in ~0.2 s).
PARALLEL_MIN_ITEMS = 20_000
MAX_PROCESSES = 8
# Slices per worker process in `run_in_processes`.
SLICES_PER_PROCESS = 3

_Work = Callable[[Sequence], list]


def process_count(items: int, requested: int | None = None) -> int:
    """How many processes to work through `items` with: the cores this process may use that
    other work leaves idle (by the load average: on busy cores a second worker only adds the
    cost of forking and collecting), at most MAX_PROCESSES, one per PARALLEL_MIN_ITEMS; 1
    where fork is not available."""
    if requested is not None:
        wanted = requested
    else:
        try:
            cores = len(os.sched_getaffinity(0))
        except AttributeError:             # not on Linux
            cores = os.cpu_count() or 1
        try:
            idle = cores - os.getloadavg()[0]     # this process counts in the load: + 1
        except OSError:
            idle = cores - 1
        # Rounded: the one-minute load lags, and the command's own work of a moment ago
        # (reading the cache, say) keeps it near 1.2 on an otherwise idle pair of cores.
        wanted = min(cores, int(max(idle, 0) + 0.5) + 1, MAX_PROCESSES,
                     items // PARALLEL_MIN_ITEMS)
    import multiprocessing

    if wanted > 1 and "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(wanted, items))


def _quiet_child() -> None:
    """A worker leaves signals to its parent: Ctrl+C stops the parent, which ends its workers
    (no traceback from each), and a terminal resize is not the worker's to report (the
    parent's event loop wakes on a byte written to a descriptor the child shares)."""
    signal.set_wakeup_fd(-1)
    for name in ("SIGINT", "SIGWINCH", "SIGTERM"):
        number = getattr(signal, name, None)
        if number is not None:
            signal.signal(number, signal.SIG_DFL if name == "SIGTERM" else signal.SIG_IGN)


def run_in_processes(work: _Work, rows: Sequence[tuple], processes: int) -> list:
    """`work(rows)`, split over `processes` forked workers (in this process when 1), their
    lists joined in the order of the rows. The rows are cut into a few slices per worker,
    which the workers take one at a time, so that a slow slice does not leave the other cores
    idle. Through `Forked`: nothing is pickled to a worker, a worker's error is raised here,
    and a worker that dies fails the call (a multiprocessing Pool waited for it for ever)."""
    if processes <= 1 or len(rows) < 2:
        return work(rows)
    # Every slice number and a stop for each worker go in one write to a pipe: at most
    # PIPE_BUF bytes, so that it neither blocks nor is split.
    processes = min(processes, len(rows), select.PIPE_BUF // (4 * (SLICES_PER_PROCESS + 1)))
    step = -(-len(rows) // (processes * SLICES_PER_PROCESS))
    starts = range(0, len(rows), step)
    taken, offered = os.pipe()
    try:
        os.write(offered, b"".join(number.to_bytes(4, "little") for number in
                                   [*range(len(starts)), *[len(starts)] * processes]))
    finally:
        os.close(offered)

    def take(rows: Sequence[tuple]) -> list[tuple[int, list]]:
        """In a worker: (number, result) of each slice it takes. A read of four bytes from a
        pipe is atomic: there is no lock that a worker could die holding, leaving the others
        waiting."""
        done = []
        while len(read := os.read(taken, 4)) == 4:
            number = int.from_bytes(read, "little")
            if number >= len(starts):
                break
            done.append((number, work(rows[starts[number]:starts[number] + step])))
        return done

    try:
        with Forked(processes) as workers:
            for _ in range(processes):
                workers.start(take, rows)
            parts = workers.finish()
    finally:
        os.close(taken)
    slices = sorted((pair for part in parts for pair in part), key=itemgetter(0))
    return [value for _, part in slices for value in part]


class WorkerLost(RuntimeError):
    """A forked worker ended without its result (killed, os._exit, a crash): the work it had
    is not done, and the call fails rather than waits."""


class Forked:
    """Work run in forked children while this process goes on (the whole-cache re-match
    reads the next chunk of the cache and writes what the children found meanwhile), at most
    `processes` at once. A child inherits the work and its rows when it is started (nothing
    is pickled to it) and sends back its results as it makes them: `work` applied to `piece`
    rows at a time (to all of them at once when `piece` is None). Results come back in the
    order the children were started, each child's in its order. A child's error is raised
    here, and a child that ends without its results (killed, os._exit, a crash) raises
    WorkerLost, which says how it ended: its end of the pipe closes, so nothing waits for
    it. Leaving the block ends any child still running (on an error here).

    Every child's pipe is read as its results come, also while an older child's are awaited,
    so that no child waits on a full pipe; and a pipe holds up to PIPE_BYTES (where the
    system allows), so that a child goes on while this process is busy reading the next rows.
    Forking a process of a few hundred megabytes costs tens of milliseconds of CPU, between
    the fork and the pages copied after it: few children, each with many rows, cost less."""

    def __init__(self, processes: int, *, piece: int | None = None) -> None:
        self._limit = max(processes, 1)
        self._piece = piece
        self._running: deque[_Child] = deque()
        self._context = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        while self._running:
            child = self._running.popleft()
            child.receiver.close()
            child.process.kill()
            child.process.join()

    def start(self, work: _Work, rows: Sequence[tuple]) -> None:
        """Start `work` on `rows` in a child. At most `processes` children run at once: make
        room first with `results(keep_running=processes - 1)`."""
        if len(self._running) >= self._limit:
            raise RuntimeError("no room for another worker: collect the results first")
        if self._context is None:
            import multiprocessing  # here, not at import: a command that starts saves ~5 ms

            self._context = multiprocessing.get_context("fork")
        receiver, sender = self._context.Pipe(duplex=False)
        _widen(receiver.fileno())
        process = self._context.Process(target=_run_forked, args=(work, rows, self._piece, sender),
                                        daemon=True)
        process.start()
        sender.close()
        self._running.append(_Child(process, receiver, (work, rows)))

    def results(self, *, keep_running: int = 0) -> Iterator:
        """The results the children have sent, in order: waiting while more than
        `keep_running` children run (0: until all are done), then the ones already here."""
        from multiprocessing.connection import wait

        while self._running:
            oldest = self._running[0]
            while oldest.results:
                yield oldest.results.popleft()
            if oldest.done:
                self._running.popleft()
                oldest.end()
                continue
            waiting = len(self._running) > keep_running
            listening = [child.receiver for child in self._running if not child.done]
            ready = wait(listening, timeout=None if waiting else 0)
            if not ready and not waiting:
                return
            for child in self._running:
                if child.receiver in ready:
                    child.take()

    def finish(self) -> list:
        """Every result still to come, once all the children are done."""
        return list(self.results())


class _Child:
    """A running child of `Forked`, and its results read so far. It holds the child's work
    and rows until the child is reaped: freed here while the child runs, they would first be
    copied (every page of them the child still shares: 60 ms for 50,000 items)."""

    def __init__(self, process, receiver, inherited: tuple) -> None:
        self.process = process
        self.receiver = receiver
        self._inherited: tuple | None = inherited
        self.results: deque = deque()
        self.done = False
        self._error: BaseException | None = None

    def take(self) -> None:
        """Read one message the child sent (it is there: the pipe was readable)."""
        try:
            status, value = self.receiver.recv()
        except EOFError:
            status, value = "lost", None
        if status == "piece":
            self.results.append(value)
            return
        self.done = True
        if status == "error":
            self._error = value
        elif status != "ok":
            self._error = WorkerLost(f"a worker process ended without its result "
                                     f"({_how_it_ended(self._ended())})")

    def end(self) -> None:
        """Its results all handed over: close its pipe, reap it, raise its error."""
        self.receiver.close()
        self.process.join()
        self._inherited = None
        if self._error is not None:
            raise self._error

    def _ended(self) -> int | None:
        self.process.join()
        return self.process.exitcode


# How much a worker's pipe holds: a re-match worker's results for 20,000 items, so that it
# goes on matching while the parent reads the next rows.
PIPE_BYTES = 1 << 20


def _widen(fd: int) -> None:
    """Let the pipe hold PIPE_BYTES where the system allows (Linux; up to its limit for
    unprivileged processes, 1 MB by default); elsewhere it stays as it is."""
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass


def _how_it_ended(exitcode: int | None) -> str:
    """A child's end in words: its exit code, or the signal that killed it (SIGKILL: the
    out-of-memory killer, as a rule)."""
    if exitcode is not None and exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            pass
    return f"exit code {exitcode}"


def _run_forked(work: _Work, rows: Sequence[tuple], piece: int | None, sender) -> None:
    """A child of `Forked`: send the results of the work, piece by piece, then "ok"; or its
    error."""
    _quiet_child()
    step = piece or max(len(rows), 1)
    try:
        for begin in range(0, len(rows), step):
            sender.send(("piece", work(rows[begin:begin + step])))
        result: tuple = ("ok", None)
    except Exception as error:          # noqa: BLE001 - raised again in the parent
        result = ("error", error)
    try:
        sender.send(result)
    except Exception as error:          # noqa: BLE001 - an error that does not pickle
        sender.send(("error", RuntimeError(f"{result[1]!r} ({error})")))
    sender.close()
