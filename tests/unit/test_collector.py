"""The garbage collector's settings for long-running faces (tui.core.collector), checked in
a fresh interpreter: they are process-wide."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc, json, sys, weakref
sys.path.insert(0, sys.argv[1])
from tui.core import collector
class Cycle:
    pass
garbage = Cycle(); garbage.me = garbage                    # start-up garbage, in a cycle
alive = weakref.ref(garbage); del garbage
before = gc.get_threshold()[0]
collector.keep_start_up_objects()
frozen = gc.get_freeze_count()
leaked = alive() is not None
made_later = [object() for _ in range(10)]
collector.keep_start_up_objects()                           # a second face: left as it is
print(json.dumps({"before": before, "after": gc.get_threshold()[0], "frozen": frozen,
                  "again": gc.get_freeze_count(), "leaked": leaked}))
"""


def test_start_up_objects_are_kept_out_of_collections_once_without_their_garbage():
    done = subprocess.run([sys.executable, "-c", PROBE, str(ROOT)], capture_output=True,
                          text=True, timeout=60, check=True)
    seen = json.loads(done.stdout)
    assert seen["before"] == seen["after"]         # young collections as often as ever
    assert seen["frozen"] > 1_000                  # the modules, classes and functions
    assert seen["again"] == seen["frozen"]         # once per process
    assert seen["leaked"] is False                 # collected before the freeze, not kept
