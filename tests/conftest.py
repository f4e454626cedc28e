"""Shared fixtures. Keep this small: helpers live in tests/support/."""

from __future__ import annotations

import signal
from collections.abc import Iterator

import pytest

from tests.support.httpserver import LoopbackServer

# The tests stop `wirewatch watch` children with Ctrl+C (SIGINT). A non-interactive shell
# starts a background command (`pytest &`) with SIGINT ignored, and a child inherits that:
# its Ctrl+C would do nothing and every such test would hang. So the tests' own processes
# take SIGINT as Python does by default, wherever pytest was started from (a test that wants
# it ignored says so: tests.support.processes.Watcher(sigint_ignored=True)).
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture
def http_server() -> Iterator[LoopbackServer]:
    """A started loopback HTTP server, stopped after the test.

    A route handler that raised is a bug in the test, so it fails the test here
    rather than passing as an innocent-looking HTTP 500.
    """
    with LoopbackServer() as server:
        yield server
    assert not server.errors, f"route handlers raised: {server.errors!r}"


_LOOPBACK = ("localhost", "127.", "::1", "0:0:0:0:0:0:0:1")


@pytest.fixture(autouse=True)
def no_internet(monkeypatch):
    """No test touches the internet: any name lookup that is not loopback fails at once."""
    import socket

    real = socket.getaddrinfo

    def loopback_only(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host or "")
        if not name.startswith(_LOOPBACK):
            raise socket.gaierror(socket.EAI_NONAME, f"tests may not reach {name}")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", loopback_only)
