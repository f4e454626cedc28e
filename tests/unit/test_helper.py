"""The helper process (tui.core.helper) with real processes: work runs there and comes back
as it would here; when the process cannot start or dies, the work runs in the calling thread
instead; closing kills it at once, a call under way ends, and nothing is left behind."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from tests.support import helper_work
from tests.support.processes import gone
from tui.core.helper import MAX_FAILURES, Helper, HelperClosed, NotWanted
from tui.core.text.articles import rows_by
from tui.core.text.diff import document_rows

ROOT = Path(__file__).resolve().parents[2]
OLD = ("Talks in Geneva", "Envoys met.", "The envoys met in Geneva on Monday.\n\nNo date was set.")
NEW = ("Talks in Geneva end", "Envoys met again.",
       "The envoys met in Geneva on Tuesday.\n\nNo date was set.\n\nA second round is planned.")


@pytest.fixture
def helper():
    made = Helper(preload=("tui.core.text.diff",))
    yield made
    made.close()


def wait_until(condition, what: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.01)


def test_work_runs_in_the_helper_and_comes_back_as_computed_here(helper) -> None:
    assert helper.call(os.getpid) == helper.pid != os.getpid()
    assert rows_by(helper)(OLD, NEW) == document_rows(OLD, NEW)
    assert helper.calls_here == 0 and helper.failures == 0


def test_the_works_own_error_is_raised_here_and_the_helper_goes_on(helper) -> None:
    with pytest.raises(ValueError, match="the work's own error"):
        helper.call(helper_work.fails)
    with pytest.raises(RuntimeError, match="PicklingError|AttributeError|pickle"):
        helper.call(helper_work.unpicklable)
    pid = helper.pid
    assert helper.call(os.getpid) == pid and helper.failures == 0


def test_a_helper_that_cannot_start_leaves_the_work_to_the_thread() -> None:
    helper = Helper(executable="/nonexistent/python")
    try:
        assert rows_by(helper)(OLD, NEW) == document_rows(OLD, NEW)
        assert helper.call(os.getpid) == os.getpid()
        assert helper.calls_here == 2 and helper.pid is None
        for _ in range(MAX_FAILURES):
            helper.call(os.getpid)
        assert helper.failures == MAX_FAILURES and not helper.usable   # given up: no more tries
    finally:
        helper.close()


def test_a_helper_that_starts_but_cannot_import_leaves_the_work_to_the_thread(tmp_path) -> None:
    helper = Helper(preload=("tui.no_such_module",))
    try:
        assert helper.call(os.getpid) == os.getpid()
        assert helper.failures == 1 and helper.calls_here == 1
    finally:
        helper.close()


def test_a_helper_that_dies_mid_call_is_replaced_and_the_call_done_here(helper) -> None:
    first = helper.call(os.getpid)
    assert helper.call(helper_work.dies_unless_in, os.getpid()) == "done here"
    assert helper.failures == 1 and helper.calls_here == 1
    wait_until(lambda: gone(first), "the dead helper reaped")
    second = helper.call(os.getpid)
    assert second not in (first, os.getpid()) and helper.calls_here == 1


def test_work_no_longer_wanted_is_skipped(helper, tmp_path) -> None:
    with pytest.raises(NotWanted):
        helper.call(helper_work.held, str(tmp_path), os.getpid, wanted=lambda: False)
    assert not (tmp_path / "entered").exists()


def test_closing_kills_the_helper_at_once_and_ends_the_call_under_way(helper, tmp_path) -> None:
    outcome: list[object] = []

    def caller() -> None:
        try:
            outcome.append(helper.call(helper_work.held, str(tmp_path), os.getpid))
        except HelperClosed as error:
            outcome.append(error)

    thread = threading.Thread(target=caller)
    thread.start()
    wait_until(lambda: (tmp_path / "entered").exists(), "the work started")
    pid = int((tmp_path / "entered").read_text())
    assert pid != os.getpid()
    helper.close()                            # the gate is never opened
    thread.join(10)
    assert not thread.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], HelperClosed)
    # Killed, but on a loaded machine its end can outlast close's one-second wait for it.
    wait_until(lambda: gone(pid), "the killed helper gone")
    with pytest.raises(HelperClosed):
        helper.call(os.getpid)
    helper.close()                            # twice is fine


def test_the_helper_leaves_when_its_process_ends_without_closing_it(tmp_path) -> None:
    """A dashboard killed (or ended by os._exit) leaves no helper behind: its end of the pipe
    closes, and the helper leaves."""
    script = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(ROOT)!r})
        from tui.core.helper import Helper
        helper = Helper()
        print(helper.call(os.getpid), flush=True)
        os._exit(0)
    """)
    done = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True,
                          text=True, timeout=60, cwd=tmp_path)
    pid = int(done.stdout)
    assert done.returncode == 0
    wait_until(lambda: gone(pid), "the orphaned helper left")
