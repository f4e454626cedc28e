"""Whatever the terminal or the shell hands us, a command answers in readable text or one clear
line: an encoding that cannot spell the feeds' scripts (a Latin-1 or ASCII locale), or a
stdout a script closed (`wirewatch fetch >&-` in cron), never end in a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CONFIG = """\
[[feeds]]
name = "Степова хроніка"
url = "http://127.0.0.1:9/feed.xml"

[watch.negotiators]
terms = ["Лавров", "Zelensky"]
"""

@pytest.fixture
def config(tmp_path) -> Path:
    path = tmp_path / "feeds.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path

def _wirewatch(config: Path, *argv: str, env: dict[str, str] | None = None,
               shell_tail: str = "", timeout: float = 60) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "tui", "--config", str(config), "--cache",
               str(config.parent / "cache"), *argv]
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    if shell_tail:        # a redirection only a shell can make (closing a descriptor)
        command = ["sh", "-c", 'exec "$@" ' + shell_tail, "sh", *command]
    return subprocess.run(command, capture_output=True, cwd=ROOT, env=environment,
                          timeout=timeout, check=False)


@pytest.mark.parametrize("encoding", ["latin-1", "ascii"])
def test_a_locale_that_cannot_spell_the_names_gets_them_replaced_not_a_traceback(
        config, encoding):
    proc = _wirewatch(config, "check", env={"PYTHONIOENCODING": encoding})
    assert b"Traceback" not in proc.stderr, proc.stderr.decode(errors="replace")
    assert proc.returncode == 0
    out = proc.stdout.decode(encoding)
    assert "watch.negotiators: ??????, Zelensky" in out


@pytest.mark.parametrize("closed", [">&-", "2>&- >&-"])
def test_a_closed_stdout_does_not_end_in_a_traceback(config, closed):
    proc = _wirewatch(config, "check", shell_tail=closed)
    assert b"Traceback" not in proc.stderr and b"Error" not in proc.stderr, proc.stderr
    assert proc.returncode == 0


def test_json_stays_whole_in_a_locale_that_cannot_spell_it(tmp_path):
    """JSON is for programs: where the locale cannot carry a character it is escaped
    (\\uXXXX, still the same JSON), never replaced by '?'."""
    path = tmp_path / "feeds.toml"
    path.write_text('[[feeds]]\nname = "Хроніка"\nurl = "http://127.0.0.1:9/x"\n'
                    '[[alerts]]\nname = "Лавров у Москві"\nall = ["Лавров"]\n', encoding="utf-8")
    proc = _wirewatch(path, "alerts", "--json", env={"PYTHONIOENCODING": "latin-1"})
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout.decode("latin-1"))
    assert data["alerts"][0]["name"] == "Лавров у Москві"
    assert data["alerts"][0]["all"] == ["Лавров"]


@pytest.mark.parametrize(("argv", "redirect"), [
    (["--offline"], "</dev/null >/dev/null"),     # a cron line or `wirewatch > log`
    (["--offline"], "<&-"),                       # stdin closed
    (["demo"], "</dev/null"),
])
def test_the_dashboard_without_a_terminal_says_so_in_one_line(config, argv, redirect):
    """It would draw into a file and wait for keys that never come (until killed), or end in
    Textual's traceback when stdin is closed."""
    try:
        proc = _wirewatch(config, *argv, shell_tail=redirect, timeout=20)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the dashboard ran with {redirect!r} instead of refusing")
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.decode().splitlines() == [
        ("wirewatch: the dashboard needs a terminal (its stdin and stdout); "
         "`wirewatch watch` runs without one")]
    assert not (config.parent / "cache").exists()      # nothing opened, nothing written
