"""A reader that goes away (`wirewatch headlines | head -1`): the command stops quietly, with
the status Unix tools have then (141), and no "Broken pipe" or traceback on stderr."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cachegen import config_text, fill, make_session

ROOT = Path(__file__).resolve().parents[2]
ITEMS = 5_000          # a few hundred KB of output: far more than a pipe holds


@pytest.fixture(scope="module")
def big_cache(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("pipes")
    config = folder / "feeds.toml"
    config.write_text(config_text(), encoding="utf-8")
    session = make_session(folder / "cache")
    fill(session, ITEMS)
    session.close()
    return config


def _read_one_line_then_hang_up(config: Path, *argv: str) -> tuple[int, str, str]:
    """Like `wirewatch ... | head -1`: read one line, close the pipe, collect the rest."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "--config", str(config), "--cache",
         str(config.parent / "cache"), *argv],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    first = proc.stdout.readline().decode("utf-8")
    proc.stdout.close()
    err = proc.stderr.read().decode("utf-8")
    return proc.wait(timeout=60), first, err


@pytest.mark.parametrize("argv", [
    ("headlines", "--limit", "0"),
    ("headlines", "--limit", "0", "--json"),
    ("headlines", "--limit", "0", "--match", "regions"),
])
def test_a_closed_pipe_ends_the_command_quietly(big_cache, argv):
    status, first, err = _read_one_line_then_hang_up(big_cache, *argv)
    assert first.strip()                                   # it did write before the hang-up
    assert status == 141, err
    assert "Broken pipe" not in err and "Traceback" not in err and "Exception" not in err
    assert err in ("", "wirewatch: matching the category regions\n")


def test_the_same_command_read_to_the_end_exits_0(big_cache):
    proc = subprocess.run(
        [sys.executable, "-m", "tui", "--config", str(big_cache), "--cache",
         str(big_cache.parent / "cache"), "headlines", "--limit", "0"],
        capture_output=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0 and proc.stderr == b""
    assert len(proc.stdout.splitlines()) == ITEMS
