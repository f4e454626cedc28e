"""`wirewatch demo --serve`: the sample site alone, as a real process. Its feeds.toml (on
stdout, redirected to a file as a user would) is used by a real `fetch`; then it is stopped
with Ctrl+C or SIGTERM and must exit 0 without a traceback."""

from __future__ import annotations

import json
import re
import select
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.processes import wirewatch
from tui.cli import main
from tui.core.config.load import load_config

ROOT = Path(__file__).resolve().parents[2]


class Served:
    """A running `wirewatch demo --serve`, its stdout going to a file."""

    def __init__(self, folder: Path, *extra: str) -> None:
        self.config = folder / "demo.toml"
        with self.config.open("wb") as stdout:
            self.proc = subprocess.Popen([sys.executable, "-m", "tui", "demo", "--serve", *extra],
                                         stdout=stdout, stderr=subprocess.PIPE, text=True,
                                         cwd=ROOT)

    def first_line(self) -> str:
        """The line on stderr that says it is serving (or why not)."""
        ready, _, _ = select.select([self.proc.stderr], [], [], 60)
        assert ready, "demo --serve said nothing within a minute"
        return self.proc.stderr.readline()

    def stop(self, signum: int) -> tuple[int, str]:
        self.proc.send_signal(signum)
        try:
            status = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            pytest.fail(f"demo --serve did not stop on signal {signum}")
        return status, self.proc.stderr.read()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc.stderr.close()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_serve_prints_a_feeds_toml_that_fetch_uses_then_stops_cleanly(tmp_path, signum):
    served = Served(tmp_path)
    try:
        line = served.first_line()
        found = re.search(r"serving the sample site at http://127\.0\.0\.1:(\d+) ", line)
        assert found and "Ctrl+C stops it" in line, line
        port = int(found.group(1))
        config = load_config(served.config)                 # the printed file is a valid config
        assert len(config.feeds) == 6
        assert all(f.url.startswith(f"http://127.0.0.1:{port}/feeds/") for f in config.feeds)
        assert [c.name for c in config.watch] == ["regions", "negotiators"]
        fetched = wirewatch(served.config, "fetch", "--json", cache=tmp_path / "cache")
        assert fetched.returncode == 0, fetched.stderr
        feeds = json.loads(fetched.stdout)["feeds"]
        assert {f["status"] for f in feeds} == {"ok"} and all(f["new"] > 0 for f in feeds)
        crimea = wirewatch(served.config, "headlines", "--match", "Крим", "--json",
                           cache=tmp_path / "cache")
        assert crimea.returncode == 0 and json.loads(crimea.stdout)["items"]
        status, rest = served.stop(signum)
    finally:
        served.kill()
    assert status == 0
    assert rest == "wirewatch: stopped\n"


def test_serve_on_a_chosen_port(tmp_path):
    with socket.socket() as probe:                          # a port free a moment ago
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    served = Served(tmp_path, "--port", str(port))
    try:
        assert f"http://127.0.0.1:{port} " in served.first_line()
        assert f'url = "http://127.0.0.1:{port}/feeds/' in served.config.read_text("utf-8")
        status, _ = served.stop(signal.SIGTERM)
    finally:
        served.kill()
    assert status == 0


def test_a_port_in_use_is_one_line_and_exit_1(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = subprocess.run([sys.executable, "-m", "tui", "demo", "--serve", "--port",
                               str(port)], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.startswith(f"wirewatch: cannot serve on 127.0.0.1:{port}: ")
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


def test_port_without_serve_is_a_usage_error(capsys):
    assert main(["demo", "--port", "8080"]) == 2
    assert capsys.readouterr().err == ("wirewatch: --port goes with --serve (the demo dashboard "
                                       "picks a free port)\n")


def test_a_client_that_resets_its_connection_leaves_no_traceback(tmp_path):
    """A `watch` stopped mid-request resets its connection; socketserver printed its
    traceback for each one on the terminal `demo --serve` runs in."""
    import struct
    import time

    served = Served(tmp_path)
    try:
        port = int(re.search(r"127\.0\.0\.1:(\d+)", served.first_line()).group(1))
        for _ in range(3):
            client = socket.create_connection(("127.0.0.1", port))
            client.sendall(b"GET /feeds/harbor-wire.xml HTTP/1.1\r\n")    # half a request
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            client.close()                                                # RST, not FIN
        time.sleep(1.0)                     # the handlers meet the reset
        status, rest = served.stop(signal.SIGTERM)
    finally:
        served.kill()
    assert status == 0
    assert rest == "wirewatch: stopped\n"
