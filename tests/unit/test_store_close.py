"""Closing the cache while another thread still reads it (the dashboard's reader thread
counting a big cache as the user quits) must neither crash the process nor break that read:
closing a connection under a running statement used to end the dashboard with SIGSEGV.
The race runs in a child process, so a crash fails this test instead of ending the run."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading

import pytest

from tests.support.processes import ROOT
from tui.core.cache.store import Store

RACE = """
import sys, threading, time
from tui.core.cache.store import Store

store = Store.open(sys.argv[1])
started = threading.Event()
results = []

def reader():
    conn = store.connection
    started.set()
    for _ in range(150):        # statement after statement, as a count of many queries
        results.append(conn.execute(
            "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 20000) "
            "SELECT sum(i) FROM c").fetchone()[0])

thread = threading.Thread(target=reader)
thread.start()
started.wait()
time.sleep(0.05)
store.close()                   # while the reader is busy
closed_while_reading = thread.is_alive()
thread.join()
# This thread's next use opens a connection of its own again.
assert store.connection.execute("SELECT 1").fetchone()[0] == 1
store.close()
print(closed_while_reading, len(results), set(results) == {200010000})
"""


def test_closing_while_another_thread_reads_lets_that_read_finish(tmp_path):
    done = subprocess.run([sys.executable, "-c", RACE, str(tmp_path / "cache")], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, f"{done.returncode}: {done.stderr[-2000:]}"
    assert done.stdout.split() == ["True", "150", "True"]


def test_close_closes_the_connections_of_threads_that_ended(tmp_path):
    store = Store.open(tmp_path / "cache")
    held = []
    thread = threading.Thread(target=lambda: held.append(store.connection))
    thread.start()
    thread.join()
    store.close()
    mine = store.connection                # a new one: the old was closed with the store
    assert mine.execute("SELECT 1").fetchone()[0] == 1
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        held[0].execute("SELECT 1")
    store.close()
