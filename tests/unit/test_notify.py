"""Notifications that leave the program, run for real: small Python scripts stand in for the
user's command and for notify-send, and report what they were given."""

from __future__ import annotations

import json
import os
import stat
import sys
import time
from pathlib import Path

import pytest

from tui.core.alerts.notify import (
    desktop_notify,
    dispatch_external,
    hit_environment,
    run_command,
)
from tui.core.alerts.plan import plan_notifications
from tui.core.cache.hits import AlertHit
from tui.core.config.model import AlertRule

HOSTILE = "Crimea $(touch pwned) `touch pwned2`; rm -rf ./victim && echo x > owned | cat"


def make_hit(**changes) -> AlertHit:
    values = dict(alert="Crimea recognition", uid="abcdefghij", title="US weighs Crimea",
                  feed="Harbor Wire", link="https://harbor.example/1", published=1_764_000_000.0,
                  fired_at=1_764_000_100.0, row_id=1, version=1)
    values.update(changes)
    return AlertHit(**values)


def script(path: Path, body: str) -> Path:
    path.write_text(f"#!{sys.executable}\n{body}", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


DUMP = """import json, os, sys
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump({"argv": sys.argv[2:],
               "env": {k: v for k, v in os.environ.items() if k.startswith("WIREWATCH_")}},
              out, ensure_ascii=False)
"""


@pytest.fixture
def workdir(tmp_path, monkeypatch) -> Path:
    """Run from an empty folder holding a file a shell injection would delete."""
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "victim").write_text("still here")
    monkeypatch.chdir(folder)
    return folder


def test_the_command_gets_its_argv_and_the_hit_in_the_environment(tmp_path, workdir):
    dump = script(tmp_path / "dump.py", DUMP)
    out = tmp_path / "out.json"
    hit = make_hit()
    assert run_command([str(dump), str(out), "--flag", "two words", "$HOME"], hit) is None
    seen = json.loads(out.read_text(encoding="utf-8"))
    assert seen["argv"] == ["--flag", "two words", "$HOME"]
    assert seen["env"] == {
        "WIREWATCH_ALERT": "Crimea recognition", "WIREWATCH_TITLE": "US weighs Crimea",
        "WIREWATCH_FEED": "Harbor Wire", "WIREWATCH_LINK": "https://harbor.example/1",
        "WIREWATCH_ID": "abcdefghij", "WIREWATCH_PUBLISHED": "2025-11-24T16:00:00Z"}
    assert seen["env"] == hit_environment(hit)


def test_a_hostile_title_reaches_the_command_as_plain_data(tmp_path, workdir):
    dump = script(tmp_path / "dump.py", DUMP)
    out = tmp_path / "out.json"
    hit = make_hit(title=HOSTILE, feed="Feed; rm victim", link=None, published=None)
    assert run_command([str(dump), str(out)], hit) is None
    seen = json.loads(out.read_text(encoding="utf-8"))
    assert seen["env"]["WIREWATCH_TITLE"] == HOSTILE
    assert seen["env"]["WIREWATCH_FEED"] == "Feed; rm victim"
    assert seen["env"]["WIREWATCH_LINK"] == "" and seen["env"]["WIREWATCH_PUBLISHED"] == ""
    # Even a user command that is itself a shell only sees the title as a variable's value.
    shell = ["/bin/sh", "-c", 'printf "%s" "$WIREWATCH_TITLE" > title.txt']
    assert run_command(shell, hit) is None
    assert (workdir / "title.txt").read_text(encoding="utf-8") == HOSTILE
    assert sorted(p.name for p in workdir.iterdir()) == ["title.txt", "victim"]
    assert (workdir / "victim").read_text() == "still here"


def test_a_nul_in_the_hit_does_not_break_the_command(tmp_path, workdir):
    dump = script(tmp_path / "dump.py", DUMP)
    out = tmp_path / "out.json"
    assert run_command([str(dump), str(out)], make_hit(title="A\x00B")) is None
    assert json.loads(out.read_text(encoding="utf-8"))["env"]["WIREWATCH_TITLE"] == "AB"


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except (FileNotFoundError, ProcessLookupError):
        return True


def test_a_hanging_command_is_killed_at_its_limit_with_its_children(tmp_path, workdir):
    pids = tmp_path / "pids"
    hang = script(tmp_path / "hang.py", f"""import os, subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
with open({str(pids)!r}, "w") as out:
    out.write(f"{{os.getpid()}} {{child.pid}}")
time.sleep(120)
""")
    error = run_command([str(hang)], make_hit(), timeout=3)
    assert error is not None and "\n" not in error
    assert "Crimea recognition" in error and "killed after 3 s" in error
    own, child = (int(p) for p in pids.read_text().split())
    deadline = time.monotonic() + 10   # a wait for the kernel, not a timed assertion
    while not (_gone(own) and _gone(child)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _gone(own), "the command itself survived its time limit"
    assert _gone(child), "the command's own child process survived its time limit"


def test_a_failing_command_is_reported_as_one_clean_line(tmp_path, workdir):
    fail = script(tmp_path / "fail.py", """import sys
sys.stderr.write("warming up\\n\\x1b]52;c;cHduZWQ=\\x07\\x1b[31mboom: bad thing\\x1b[0m\\n")
sys.exit(3)
""")
    error = run_command([str(fail)], make_hit())
    assert error is not None and "\n" not in error
    assert "exited 3" in error and "boom: bad thing" in error and "Crimea recognition" in error
    assert "\x1b" not in error and "\x07" not in error and "warming up" not in error


def test_a_command_that_cannot_start_is_reported(tmp_path, workdir):
    missing = run_command([str(tmp_path / "no-such-program")], make_hit())
    assert missing is not None and "failed to start" in missing and "\n" not in missing
    plain = tmp_path / "not-executable.sh"
    plain.write_text("echo hi\n")
    denied = run_command([str(plain)], make_hit())
    assert denied is not None and "failed to start" in denied
    assert run_command([], make_hit()) is not None


def test_dispatch_runs_commands_only_for_rules_that_ask_and_collects_failures(tmp_path, workdir):
    dump = script(tmp_path / "dump.py", DUMP)
    fail = script(tmp_path / "fail.py", "import sys\nsys.exit(1)\n")
    rules = {
        "run": AlertRule("run", all=("Crimea",), notify=("toast", "command"),
                         command=(str(dump), str(tmp_path / "run.json"))),
        "quiet": AlertRule("quiet", all=("Crimea",), notify=("toast", "bell"),
                           command=(str(dump), str(tmp_path / "quiet.json"))),
        "broken": AlertRule("broken", all=("Crimea",), notify=("command",),
                            command=(str(fail),)),
    }
    plan = plan_notifications(
        [make_hit(alert="run"), make_hit(alert="quiet"), make_hit(alert="broken"),
         make_hit(alert="removed meanwhile")], rules)
    assert [hit.alert for hit in plan.toasts] == ["run", "quiet", "removed meanwhile"]
    assert plan.bell       # "quiet" asks for it, and so does a rule deleted meanwhile
    errors = dispatch_external(plan)
    assert (tmp_path / "run.json").exists() and not (tmp_path / "quiet.json").exists()
    assert len(errors) == 1 and "'broken'" in errors[0] and "exited 1" in errors[0]


def test_desktop_notification_is_silently_skipped_without_notify_send(tmp_path, monkeypatch):
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert desktop_notify(make_hit()) is None
    rules = {"Crimea recognition": AlertRule("Crimea recognition", all=("Crimea",),
                                             notify=("desktop",))}
    assert dispatch_external(plan_notifications([make_hit()], rules)) == []


def test_desktop_notification_passes_feed_text_as_data(tmp_path, monkeypatch):
    """notify-send parses options and the body may be markup: a title is neither."""
    folder = tmp_path / "bin"
    folder.mkdir()
    out = tmp_path / "notify.json"
    script(folder / "notify-send", f"""import json, sys
with open({str(out)!r}, "w", encoding="utf-8") as handle:
    json.dump(sys.argv[1:], handle, ensure_ascii=False)
""")
    monkeypatch.setenv("PATH", str(folder))
    hit = make_hit(title="--urgency=critical <b>Crimea</b> & <a href='x'>co</a>")
    assert desktop_notify(hit) is None
    argv = json.loads(out.read_text(encoding="utf-8"))
    assert "--" in argv
    options, texts = argv[:argv.index("--")], argv[argv.index("--") + 1:]
    assert not any("critical" in option for option in options)
    body = texts[-1]
    assert "<b>" not in body and "<a " not in body
    assert "&lt;b&gt;Crimea&lt;/b&gt; &amp;" in body and "Harbor Wire" in body


def test_a_command_that_finishes_but_leaves_a_background_child_has_succeeded(tmp_path, workdir):
    pids = tmp_path / "pids"
    detach = script(tmp_path / "detach.py", f"""import subprocess, sys
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
with open({str(pids)!r}, "w") as out:
    out.write(str(child.pid))
""")
    try:
        assert run_command([str(detach)], make_hit(), timeout=3) is None
    finally:
        if pids.exists():
            os.kill(int(pids.read_text()), 9)
