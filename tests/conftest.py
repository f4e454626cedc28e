"""Shared fixtures. Keep this small: helpers live in tests/support/."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.httpserver import LoopbackServer


@pytest.fixture
def http_server() -> Iterator[LoopbackServer]:
    """A started loopback HTTP server, stopped after the test.

    A route handler that raised is a bug in the test, so it fails the test here
    rather than passing as an innocent-looking HTTP 500.
    """
    with LoopbackServer() as server:
        yield server
    assert not server.errors, f"route handlers raised: {server.errors!r}"
