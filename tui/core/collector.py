"""The cyclic garbage collector paused around work that makes millions of short-lived objects.

A whole-cache re-match or a 20,000-word diff makes hundreds of thousands of small objects,
none in a reference cycle, all freed by reference counting. Each pass of the cyclic collector
they set off walks them (and every other object of the process) for nothing: a third of
either job's time, in pauses that hold the interpreter lock, so the dashboard's keys wait
while a worker thread computes. And while the dashboard runs, the full collections (every
object made since start-up that still lives) wait for a pause in the user's keys.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Pause the collector for the block, unless it is off already (another thread's block
    turns it back on; forked workers inherit the pause)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def pause_for_start_up() -> None:
    """Off from the first line of a process until its face is up (`start_up_done`): start-up
    makes over 100,000 objects that live to the end (modules, classes, functions), and each
    full pass of the collector meanwhile walks all of them for nothing: 10-20 ms of a CLI
    command's 200, 50 ms of the dashboard's imports."""
    global _start_up
    if gc.isenabled():
        _start_up = True
        gc.disable()


def start_up_done() -> None:
    """The collector back on, if start-up paused it, with what start-up made kept out of its
    walks (gc.freeze: no collection first, which would walk them all once)."""
    global _start_up
    if _start_up:
        _start_up = False
        gc.freeze()
        gc.enable()


_start_up = False


def keep_start_up_objects() -> None:
    """Once a long-running face is up: what start-up made (modules, classes, the first
    screen's widgets, Textual's caches; over 100,000 objects) lives as long as the process,
    so the collector stops walking it (gc.freeze, after one collection so that no garbage is
    kept for ever). In the dashboard, a full collection over everything took 80-160 ms on the
    event loop, one key in a few waiting for it. (Rarer young collections as well, every
    20,000 allocations, made paging slower: each one then walked more.) Once per process: a
    later face (a test's next app) leaves the frozen objects as they are."""
    global _frozen
    start_up_done()
    if _frozen:
        return
    _frozen = True
    gc.collect()
    gc.freeze()


_frozen = False


# --- full collections in idle time ----------------------------------------------------------

#: The user quiet this long (no key, click or scroll): a full collection may run.
IDLE_SECONDS = 1.0
#: Busy or not, a full collection at least this often, so that garbage in reference cycles
#: is freed in a dashboard used without a pause.
FULL_AT_LEAST_EVERY_SECONDS = 60.0
#: ... and at most this often when idle (each walks every object made since start-up).
FULL_AT_MOST_EVERY_SECONDS = 10.0
# The oldest generation's threshold that means "never of itself": counts of young-generation
# collections, which a process never reaches.
_NEVER = 1 << 30

_last_full = time.monotonic()
_oldest_threshold = gc.get_threshold()[2]


def full_collections_in_idle_time(on: bool) -> None:
    """On, while the dashboard runs: the collector does the young generations itself and
    never the oldest. A full collection walks every object made since start-up that still
    lives (the page and row caches of a dashboard over a million items: 10-20 ms), and one
    landed in a key now and then (a search at a million items: 58 ms instead of 40); the
    dashboard runs them between keys instead (`collect_if_idle`). Off when it is gone (a
    test's app): the collector's own threshold back."""
    global _oldest_threshold
    young, middle, oldest = gc.get_threshold()
    if on and oldest != _NEVER:
        _oldest_threshold = oldest
        gc.set_threshold(young, middle, _NEVER)
    elif not on and oldest == _NEVER:
        gc.set_threshold(young, middle, _oldest_threshold)


def collect_if_idle(quiet_for: float, now: float | None = None) -> bool:
    """A full collection, when the user has been quiet for IDLE_SECONDS and none ran for
    FULL_AT_MOST_EVERY_SECONDS, or when none ran for FULL_AT_LEAST_EVERY_SECONDS; whether
    one ran. The face calls it every second or so."""
    global _last_full
    now = time.monotonic() if now is None else now
    since = now - _last_full
    if not gc.isenabled():
        return False            # paused around a re-match or a diff: its objects live on
    if since < FULL_AT_MOST_EVERY_SECONDS or (
            quiet_for < IDLE_SECONDS and since < FULL_AT_LEAST_EVERY_SECONDS):
        return False
    gc.collect()
    _last_full = now
    return True
