"""Work in forked workers (tui.core.forked): how many, results in order, a worker's error
raised in the caller, and a worker that dies failing the call instead of hanging it (the
screen of a watchlist edit and the keying of a story backlog go through run_in_processes,
the whole-cache re-match through Forked)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time

import pytest

from tui.core import forked


@pytest.mark.parametrize(("cores", "load", "items", "expected"), [
    (2, 0.2, 100_000, 2),          # an idle pair of cores: both
    (2, 1.3, 100_000, 2),          # this process's own load a moment ago: the other is idle
    (2, 1.6, 100_000, 1),          # most of the other core is taken
    (2, 2.5, 100_000, 1),          # busy cores: a second worker would only wait its turn
    (8, 1.0, 100_000, 5),          # one worker per 20,000 items
    (8, 1.0, 1_000_000, 8),
    (16, 0.0, 1_000_000, forked.MAX_PROCESSES),
    (4, 0.0, 10_000, 1),           # a small cache is matched here
])
def test_processes_follow_the_idle_cores_and_the_cache_size(monkeypatch, cores, load, items,
                                                            expected):
    monkeypatch.setattr(forked.os, "sched_getaffinity", lambda pid: set(range(cores)),
                        raising=False)
    monkeypatch.setattr(forked.os, "getloadavg", lambda: (load, load, load))
    assert forked.process_count(items) == expected
    assert forked.process_count(items, requested=3) == 3     # asked for: as asked


def with_owner(rows):
    """Each row with the process that worked on it."""
    return [(row, os.getpid()) for row in rows]


def bounded(call, seconds: float = 60.0):
    """`call()` on a thread: its result, or its error raised here; fails if it has not
    returned in `seconds` (a worker that died used to leave the call waiting for ever)."""
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as error:      # noqa: BLE001 - raised again below
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still waiting after {seconds:g} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def test_work_split_over_processes_comes_back_in_order():
    rows = [(n, f"text {n}") for n in range(50)]
    done = bounded(lambda: forked.run_in_processes(with_owner, rows, 2))
    assert [row for row, _ in done] == rows
    assert os.getpid() not in {owner for _, owner in done}       # in forked workers
    assert multiprocessing.active_children() == []
    # One process, or too little to split: here.
    assert forked.run_in_processes(with_owner, rows, 1) == [(row, os.getpid()) for row in rows]
    assert forked.run_in_processes(with_owner, rows[:1], 4) == [(rows[0], os.getpid())]
    assert forked.run_in_processes(with_owner, [], 4) == []


def test_a_workers_error_is_raised_by_the_call():
    def failing(rows):
        if any(n == 30 for n, _ in rows):
            raise ValueError(f"no good: {rows[0][0]}")
        return with_owner(rows)

    rows = [(n, f"text {n}") for n in range(50)]
    with pytest.raises(ValueError, match="no good"):
        bounded(lambda: forked.run_in_processes(failing, rows, 2))
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("how", ["exit", "kill"])
def test_a_worker_that_dies_fails_the_call_at_once(how):
    """A worker killed (the out-of-memory killer, a user's kill -9) or ended by os._exit:
    the call fails with WorkerLost, which says so, and no worker is left. A pool of workers
    used to wait for the lost slice for ever, and the add of a term or a refresh's grouping
    of stories with it."""
    def dying(rows):
        if any(n == 30 for n, _ in rows):
            if how == "exit":
                os._exit(3)
            os.kill(os.getpid(), signal.SIGKILL)
        return with_owner(rows)

    rows = [(n, f"text {n}") for n in range(50)]
    expected = "exit code 3" if how == "exit" else "SIGKILL"
    with pytest.raises(forked.WorkerLost, match=expected):
        bounded(lambda: forked.run_in_processes(dying, rows, 2))
    assert multiprocessing.active_children() == []


def test_a_workers_results_come_piece_by_piece_while_it_runs():
    """`Forked` with `piece`: the work runs on that many rows at a time and each result is
    here as soon as it is made (the re-match writes them while the workers go on): the
    worker's second piece waits for this process to have read the first."""
    read_first, told = os.pipe()

    def work(rows):
        if rows[0] > 0:                              # the second piece on
            os.read(read_first, 1)
        return [row * 10 for row in rows]

    def run():
        with forked.Forked(1, piece=2) as workers:
            workers.start(work, [0, 1, 2, 3, 4])
            results = workers.results()
            first = next(results)
            os.write(told, b"xx")
            return [first, *results]

    try:
        assert bounded(run, 30) == [[0, 10], [20, 30], [40]]
    finally:
        os.close(read_first)
        os.close(told)
    assert multiprocessing.active_children() == []


def test_no_worker_waits_on_a_full_pipe_while_an_older_one_is_awaited(tmp_path):
    """Results come in the order the workers were started, but every worker's pipe is read
    as its results come: a younger worker sending more than a pipe holds is not left blocked
    while the older one is awaited. Here the older one waits for the younger one to reach
    its last piece, which it can only do once what it sent before is read."""
    reached_last = tmp_path / "younger-reached-its-last-piece"

    def older(rows):
        deadline = time.monotonic() + 20
        while not reached_last.exists() and time.monotonic() < deadline:
            time.sleep(0.005)
        return ["older", reached_last.exists()]

    def younger(rows):
        if rows == [3]:
            reached_last.touch()
        return [b"x" * (forked.PIPE_BYTES // 2)]       # four pieces: twice what a pipe holds

    def run():
        with forked.Forked(2, piece=1) as workers:
            workers.start(older, [0])
            workers.start(younger, [0, 1, 2, 3])
            return [result if result[0] == "older" else len(result[0])
                    for result in workers.results()]

    assert bounded(run, 30) == [["older", True], *[forked.PIPE_BYTES // 2] * 4]
    assert multiprocessing.active_children() == []
