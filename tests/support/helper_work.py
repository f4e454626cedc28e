"""Work for tests to send to a helper process (tui.core.helper): module-level functions, since a
call is sent by name and imported there. Gates are files in a folder, which both processes see:
`entered` is written when the work starts, and the work waits until the test writes `open`."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HOLD_SECONDS = 60          # a gate never opened gives up after this (a test failed meanwhile)


def held(folder: str, function: Callable[..., Any], *args: Any) -> Any:
    """`function(*args)` once the test opens the gate; writes which process ran it to `pid`."""
    gate = Path(folder)
    (gate / "entered").write_text(str(os.getpid()))
    deadline = time.monotonic() + HOLD_SECONDS
    while not (gate / "open").exists():
        if time.monotonic() > deadline:
            raise TimeoutError("the test never opened the gate")
        time.sleep(0.005)
    (gate / "pid").write_text(str(os.getpid()))
    return function(*args)


def dies_unless_in(pid: int) -> str:
    """Ends its process at once, unless that process is `pid` (the test's own, where the work
    falls back to when the helper died)."""
    if os.getpid() != pid:
        os._exit(3)
    return "done here"


def fails() -> None:
    raise ValueError("the work's own error")


def unpicklable() -> object:
    return lambda: None
