"""httpcore on asyncio's streams (tui.core.ingest.network): wired into the fetcher's client,
keep-alive connections reused and dropped ones noticed, failures mapped to httpx's own
exceptions. Against a real loopback server; TLS is covered by test_fetch_tls, which runs
through the same streams."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable, Iterator

import httpcore
import httpx
import pytest

from tests.support.httpserver import LoopbackServer, Reply
from tui.core.ingest.fetch import Fetcher, FetchLimits, _describe
from tui.core.ingest.network import AsyncioStream, _with_attempts, use_asyncio_streams

FEED = b"<rss><channel><title>Harbor Wire</title></channel></rss>"
LIMITS = httpx.Limits(max_connections=4, max_keepalive_connections=4)


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as server:
        server.route("/feed.xml", lambda request: Reply(body=FEED))
        yield server


def client_on_asyncio(**options) -> tuple[httpx.AsyncClient, bool]:
    client = httpx.AsyncClient(limits=LIMITS, **options)
    return client, use_asyncio_streams(client, httpx.create_ssl_context(), LIMITS)


def fetch(*urls: str, timeout: float = 5.0,
          between: Callable[[], bool] | None = None) -> list[httpx.Response | Exception]:
    """GET each URL in turn on one client on asyncio's streams; each response (read whole,
    its stream type kept in `extensions`) or the exception its request raised. `between`,
    when given, is waited for (up to 5 s) before each request after the first."""
    async def run() -> list[httpx.Response | Exception]:
        client, swapped = client_on_asyncio(timeout=timeout)
        assert swapped, "this httpx's insides moved: requests would go through anyio"
        outcomes: list[httpx.Response | Exception] = []
        async with client:
            for url in urls:
                if outcomes and between is not None:
                    for _ in range(500):
                        if between():
                            break
                        await asyncio.sleep(0.01)
                    await asyncio.sleep(0.05)       # (its socket closes just after)
                try:
                    outcomes.append(await client.get(url))
                except httpx.HTTPError as error:
                    outcomes.append(error)
        return outcomes
    return asyncio.run(run())


def test_the_fetcher_makes_its_requests_on_asyncio_streams(server):
    async def run() -> tuple[bool, bytes | None]:
        async with Fetcher(FetchLimits(timeout_seconds=5)) as fetcher:
            result = await fetcher.get(server.url("/feed.xml"))
            return fetcher.asyncio_streams, result.body
    assert asyncio.run(run()) == (True, FEED)


def test_responses_come_over_an_asyncio_stream(server):
    (response,) = fetch(server.url("/feed.xml"))
    assert isinstance(response, httpx.Response) and response.content == FEED
    assert isinstance(response.extensions["network_stream"], AsyncioStream)


def test_a_client_with_its_own_transport_is_left_alone():
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=FEED))
    client, swapped = client_on_asyncio(transport=transport)
    assert not swapped
    assert client._transport is transport


def test_a_fetcher_given_a_transport_keeps_it():
    async def run() -> tuple[bool, bool]:
        transport = httpx.AsyncHTTPTransport()
        async with Fetcher(FetchLimits(timeout_seconds=5), transport=transport) as fetcher:
            return fetcher.asyncio_streams, fetcher._client._transport is transport
    assert asyncio.run(run()) == (False, True)


def test_a_kept_alive_connection_serves_the_next_request(server):
    ports = []
    first, second = fetch(server.url("/feed.xml"), server.url("/feed.xml"))
    for response in (first, second):
        assert isinstance(response, httpx.Response)
        ports.append(response.extensions["network_stream"].get_extra_info("client_addr"))
    assert ports[0] == ports[1]


def test_a_connection_the_server_dropped_while_idle_is_not_reused(server):
    """The server answers as if keeping the connection alive, then closes it: the next
    request must see the hang-up (is_readable) and open a new connection, not fail."""
    response = (b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\n"
                b"Content-Length: %d\r\n\r\n%s" % (len(FEED), FEED))
    server.route("/dropped.xml", lambda request: Reply(raw=[response]))
    # The second request once the server has hung up (the client is idle by then, as a
    # connection a server drops after its keep-alive time is).
    first, second = fetch(server.url("/dropped.xml"), server.url("/feed.xml"),
                          between=lambda: not server._connections)
    assert isinstance(first, httpx.Response) and first.content == FEED
    assert isinstance(second, httpx.Response) and second.content == FEED
    assert first.extensions["network_stream"].get_extra_info("client_addr") != \
        second.extensions["network_stream"].get_extra_info("client_addr")


def test_a_server_silent_after_its_headers_is_a_read_timeout(server):
    server.stall("/stall.xml", content_length=100, seconds=5)
    (outcome,) = fetch(server.url("/stall.xml"), timeout=0.3)
    assert isinstance(outcome, httpx.ReadTimeout)


def test_a_refused_connection_is_a_connect_error():
    with socket.socket() as probe:          # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (outcome,) = fetch(f"http://127.0.0.1:{port}/feed.xml")
    assert isinstance(outcome, httpx.ConnectError)
    assert _describe(outcome) == "connection refused"


def test_refusals_at_every_address_of_a_host_still_read_as_a_refusal():
    """asyncio sums up a failure at several addresses as one plain OSError; the fetcher
    must still find the refusals behind it, as it did behind anyio's ExceptionGroup."""
    summary = _with_attempts(OSError(
        "Multiple exceptions: [Errno 111] Connect call failed ('::1', 9), "
        "[Errno 101] Connect call failed ('127.0.0.1', 9)"))
    causes = summary.__cause__.exceptions
    assert [type(c) for c in causes] == [ConnectionRefusedError, OSError]
    assert causes[1].errno == 101
    try:
        raise httpcore.ConnectError(summary) from summary     # as `_mapped` raises it
    except httpcore.ConnectError as error:
        assert _describe(error) == "connection refused"
    plain = OSError(113, "No route to host")
    assert _with_attempts(plain) is plain


def test_a_refusal_at_every_address_of_localhost_reads_as_a_refusal():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    async def run():
        async with Fetcher(FetchLimits(timeout_seconds=5)) as fetcher:
            return await fetcher.get(f"http://localhost:{port}/feed.xml")
    assert asyncio.run(run()).error == "connection refused"


def test_a_connection_reset_mid_body_is_a_read_error(server):
    server.truncated("/cut.xml", FEED[:10], content_length=len(FEED))
    (outcome,) = fetch(server.url("/cut.xml"))
    assert isinstance(outcome, (httpx.ReadError, httpx.RemoteProtocolError))
