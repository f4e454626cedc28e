"""The cyclic garbage collector paused around work that makes millions of short-lived objects.

A whole-cache re-match or a 20,000-word diff makes hundreds of thousands of small objects,
none in a reference cycle, all freed by reference counting. Each pass of the cyclic collector
they set off walks them (and every other object of the process) for nothing: a third of
either job's time, in pauses that hold the interpreter lock, so the dashboard's keys wait
while a worker thread computes.
"""

from __future__ import annotations

import gc
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
