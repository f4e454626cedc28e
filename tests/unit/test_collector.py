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


START_UP_PROBE = """
import gc, json, sys
sys.path.insert(0, sys.argv[1])
from tui.core import collector
seen = {"at_first": gc.isenabled()}
collector.pause_for_start_up()                      # what tui.cli.run does first
seen["starting"] = gc.isenabled()
from tui.cli.session import open_session            # a command opens its session
import argparse
try:
    open_session(argparse.Namespace(config=sys.argv[2], cache=sys.argv[3]))
except Exception as error:
    seen["error"] = str(error)
seen["after_open"] = gc.isenabled()
seen["frozen"] = gc.get_freeze_count()
gc.disable()
collector.start_up_done()                           # once only: a later pause is the caller's
seen["second_call"] = gc.isenabled()
print(json.dumps(seen))
"""


def test_a_command_starts_without_the_collector_and_has_it_back_once_its_session_is_open(
        tmp_path):
    """Start-up makes objects that live to the end; the collector's passes over them are
    skipped until the command's session is open, and then it is back on for the command's
    own work (a `watch` runs for weeks), with start-up's objects frozen out of its walks."""
    from tests.support.cachegen import config_text

    config = tmp_path / "feeds.toml"
    config.write_text(config_text(), encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", START_UP_PROBE, str(ROOT), str(config),
                           str(tmp_path / "cache")],
                          capture_output=True, text=True, timeout=60, check=True)
    seen = json.loads(done.stdout)
    assert "error" not in seen
    assert seen["at_first"] is True and seen["starting"] is False
    assert seen["after_open"] is True
    assert seen["frozen"] > 1_000
    assert seen["second_call"] is False
