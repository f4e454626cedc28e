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


IDLE_PROBE = """
import gc, json, sys
sys.path.insert(0, sys.argv[1])
from tui.core import collector
full = []
gc.callbacks.append(lambda phase, info: full.append(1)
                    if phase == "stop" and info["generation"] == 2 else None)
before = gc.get_threshold()
collector.full_collections_in_idle_time(True)
during = gc.get_threshold()
collector.full_collections_in_idle_time(True)               # twice: the first setting kept
seen = {"before": before, "during": during, "twice": gc.get_threshold()}
# Objects that live on, enough for the collector to start full collections of itself (three
# with its own threshold).
kept = [[] for _ in range(300_000)]
seen["by_itself"] = len(full)
start = collector._last_full
def asked(quiet, after):
    del full[:]
    ran = collector.collect_if_idle(quiet, now=collector._last_full + after)
    return [ran, len(full)]
seen["busy"] = asked(0.0, 30.0)                # keys coming: none
seen["quiet_too_soon"] = asked(5.0, 2.0)       # quiet, but one ran a moment ago
seen["quiet"] = asked(5.0, 30.0)               # quiet, and due: one
seen["busy_overdue"] = asked(0.0, 61.0)        # keys coming, but none for a minute: one
gc.disable()
seen["paused"] = asked(5.0, 30.0)              # paused around a re-match: none
gc.enable()
collector.full_collections_in_idle_time(False)
seen["after"] = gc.get_threshold()
print(json.dumps(seen))
"""


def test_the_dashboard_leaves_full_collections_to_the_moments_between_keys():
    """While the dashboard runs, the collector never starts a full collection of itself
    (one landed in a key now and then: 10-20 ms of a 40 ms search at a million items); the
    dashboard asks for one when the user has been quiet for a second, or when none ran for
    a minute, and the collector's own threshold is back when it is gone."""
    done = subprocess.run([sys.executable, "-c", IDLE_PROBE, str(ROOT)], capture_output=True,
                          text=True, timeout=60, check=True)
    seen = json.loads(done.stdout)
    assert seen["during"][:2] == seen["before"][:2]              # young ones as before
    assert seen["during"][2] > 1_000_000 and seen["twice"] == seen["during"]
    assert seen["by_itself"] == 0
    assert seen["busy"] == [False, 0]
    assert seen["quiet_too_soon"] == [False, 0]
    assert seen["quiet"] == [True, 1]
    assert seen["busy_overdue"] == [True, 1]
    assert seen["paused"] == [False, 0]
    assert seen["after"] == seen["before"]
