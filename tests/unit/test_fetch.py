"""The fetcher against a real loopback server playing both honest and hostile sites."""

from __future__ import annotations

import asyncio
import gzip
import socket
import tracemalloc
import zlib
from collections.abc import Callable

import pytest

from tests.support.httpserver import (
    Encoding,
    Handler,
    LoopbackServer,
    RecordedRequest,
    Reply,
)
from tui.core.ingest.fetch import USER_AGENT, Fetcher, FetchLimits, FetchResult

FEED = b"<?xml version='1.0'?><rss><channel><title>Harbor Wire</title></channel></rss>"
#: Small enough that the hostile cases are cheap, large enough to be a real body.
CAP = 1_000_000
DATE = "Wed, 21 Oct 2015 07:28:00 GMT"


async def fetch(
    url: str,
    limits: FetchLimits = FetchLimits(),
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    accept: str | None = None,
) -> FetchResult:
    """One request through a fresh fetcher, as a refresh of one feed would make it."""
    async with Fetcher(limits) as fetcher:
        return await fetcher.get(url, etag=etag, last_modified=last_modified, accept=accept)


async def fetch_measuring_memory(url: str, limits: FetchLimits) -> tuple[FetchResult, int]:
    """Fetch ``url`` and return the peak of Python allocations during ``get`` alone (the
    client's one-time setup, such as loading CA certificates, is not the body's cost)."""
    async with Fetcher(limits) as fetcher:
        tracemalloc.start()
        try:
            result = await fetcher.get(url)
            return result, tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()


def assert_failed(result: FetchResult, error: str) -> None:
    assert not result.ok
    assert result.error == error
    assert result.body is None


# -- honest servers -----------------------------------------------------------------


async def test_success_returns_body_headers_and_sends_honest_headers(
    http_server: LoopbackServer,
) -> None:
    http_server.route("/feed.xml", FEED, content_type="application/rss+xml")

    result = await fetch(http_server.url("/feed.xml"), accept="application/rss+xml")

    assert result.ok and result.error is None
    assert result.status == 200
    assert result.body == FEED
    assert result.url == http_server.url("/feed.xml")
    assert result.headers["content-type"] == "application/rss+xml"
    assert result.permanent_url is None and not result.not_modified
    assert result.seconds >= 0
    sent = http_server.requests[-1]
    assert sent.header("user-agent") == USER_AGENT
    assert USER_AGENT.startswith("wirewatch/")
    assert sent.header("accept-encoding") == "gzip, deflate"
    assert sent.header("accept") == "application/rss+xml"
    assert sent.header("if-none-match") is None and sent.header("if-modified-since") is None


@pytest.mark.parametrize(
    ("coding", "compress"),
    [
        ("gzip", gzip.compress),
        ("x-gzip", gzip.compress),
        ("deflate", zlib.compress),  # RFC 9110 deflate: zlib-wrapped
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # what some servers send: raw
    ],
    ids=["gzip", "x-gzip", "deflate-zlib", "deflate-raw"],
)
async def test_compressed_bodies_are_decoded(
    http_server: LoopbackServer, coding: str, compress: Callable[[bytes], bytes]
) -> None:
    body = FEED * 500
    http_server.route("/feed.xml", compress(body), headers={"Content-Encoding": coding})

    result = await fetch(http_server.url("/feed.xml"))

    assert result.ok, result.error
    assert result.body == body


async def test_concatenated_gzip_members_are_one_body(http_server: LoopbackServer) -> None:
    members = gzip.compress(b"first ") + gzip.compress(b"second")
    http_server.route("/feed.xml", members, headers={"Content-Encoding": "gzip"})

    result = await fetch(http_server.url("/feed.xml"))

    assert result.body == b"first second"


@pytest.mark.parametrize(
    "packed",
    [
        gzip.compress(FEED * 3) + gzip.compress(b"tail"),
        zlib.compress(FEED * 3 + b"tail"),
        zlib.compress(FEED * 3 + b"tail")[2:-4],
    ],
    ids=["gzip-members", "deflate-zlib", "deflate-raw"],
)
async def test_compressed_body_split_into_single_bytes(
    http_server: LoopbackServer, packed: bytes
) -> None:
    # Every stream header, member boundary and trailer may straddle two network reads.
    coding = "gzip" if packed.startswith(b"\x1f\x8b") else "deflate"
    one_byte_chunks = [packed[i : i + 1] for i in range(len(packed))]
    http_server.route(
        "/feed.xml", lambda _request: Reply(200, one_byte_chunks, {"Content-Encoding": coding})
    )

    result = await fetch(http_server.url("/feed.xml"))

    assert result.body == FEED * 3 + b"tail"


async def test_trailing_junk_after_gzip_is_ignored(http_server: LoopbackServer) -> None:
    junk = gzip.compress(FEED) + b"\x00\x00 trailing padding"
    http_server.route("/feed.xml", junk, headers={"Content-Encoding": "gzip"})

    result = await fetch(http_server.url("/feed.xml"))

    assert result.body == FEED


async def test_body_exactly_at_the_cap_is_accepted(http_server: LoopbackServer) -> None:
    http_server.route("/plain", b"a" * 1000)
    http_server.route("/gzip", gzip.compress(b"a" * 1000), headers={"Content-Encoding": "gzip"})
    limits = FetchLimits(max_bytes=1000)

    async with Fetcher(limits) as fetcher:
        plain = await fetcher.get(http_server.url("/plain"))
        packed = await fetcher.get(http_server.url("/gzip"))
        over = await fetcher.get(http_server.url("/gzip"), max_bytes=999)

    assert plain.body == b"a" * 1000
    assert packed.body == b"a" * 1000
    assert_failed(over, "body larger than 999 bytes")


async def test_unsupported_content_encoding_is_an_error(http_server: LoopbackServer) -> None:
    http_server.route("/feed.xml", b"\x00garbage", headers={"Content-Encoding": "br"})

    result = await fetch(http_server.url("/feed.xml"))

    assert_failed(result, "unsupported content encoding br")
    assert result.status == 200


async def test_corrupt_gzip_is_an_error(http_server: LoopbackServer) -> None:
    http_server.route("/feed.xml", b"\x1f\x8bnot gzip at all", headers={"Content-Encoding": "gzip"})

    result = await fetch(http_server.url("/feed.xml"))

    assert not result.ok
    assert result.error is not None and result.error.startswith("corrupt gzip body")


# -- conditional GET ----------------------------------------------------------------


async def test_etag_and_last_modified_round_trip_to_304(http_server: LoopbackServer) -> None:
    http_server.conditional("/feed.xml", FEED, etag='"abc"', last_modified=DATE)

    async with Fetcher() as fetcher:
        first = await fetcher.get(http_server.url("/feed.xml"))
        second = await fetcher.get(
            http_server.url("/feed.xml"), etag=first.etag, last_modified=first.last_modified
        )

    assert first.status == 200 and first.body == FEED
    assert first.etag == '"abc"'
    assert first.last_modified == DATE
    assert second.ok and second.not_modified
    assert second.status == 304 and second.body is None
    assert second.etag == '"abc"'
    sent = http_server.requests[-1]
    assert sent.header("if-none-match") == '"abc"'
    assert sent.header("if-modified-since") == DATE


async def test_if_modified_since_alone_gives_304(http_server: LoopbackServer) -> None:
    http_server.conditional("/feed.xml", FEED, etag=None, last_modified=DATE)

    result = await fetch(http_server.url("/feed.xml"), last_modified=DATE)

    assert result.ok and result.not_modified and result.body is None
    assert result.last_modified == DATE
    assert result.etag is None


async def test_stale_etag_gets_the_new_body(http_server: LoopbackServer) -> None:
    http_server.conditional("/feed.xml", FEED, etag='"v2"')

    result = await fetch(http_server.url("/feed.xml"), etag='"v1"')

    assert result.status == 200 and result.body == FEED and result.etag == '"v2"'
    assert not result.not_modified


async def test_304_without_validators_keeps_the_ones_sent(http_server: LoopbackServer) -> None:
    http_server.route("/feed.xml", b"", status=304)

    result = await fetch(http_server.url("/feed.xml"), etag='"kept"', last_modified="yesterday")

    assert result.not_modified
    assert (result.etag, result.last_modified) == ('"kept"', "yesterday")


async def test_unsendable_validator_is_dropped_not_raised(http_server: LoopbackServer) -> None:
    http_server.route("/feed.xml", FEED)

    result = await fetch(http_server.url("/feed.xml"), etag='"bad\r\nX-Injected: 1"')

    assert result.ok and result.body == FEED
    assert http_server.requests[-1].header("if-none-match") is None
    assert http_server.requests[-1].header("x-injected") is None


# -- redirects ----------------------------------------------------------------------


async def test_permanent_chain_reports_the_new_url(http_server: LoopbackServer) -> None:
    http_server.route("/new.xml", FEED)
    http_server.redirect_chain("/old.xml", "/new.xml", [301, 308])

    result = await fetch(http_server.url("/old.xml"))

    assert result.ok and result.body == FEED
    assert result.url == http_server.url("/new.xml")
    assert result.permanent_url == http_server.url("/new.xml")


async def test_chain_with_a_temporary_hop_has_no_permanent_url(http_server: LoopbackServer) -> None:
    http_server.route("/new.xml", FEED)
    http_server.redirect_chain("/old.xml", "/new.xml", [301, 302, 308])

    result = await fetch(http_server.url("/old.xml"))

    assert result.ok and result.body == FEED
    assert result.url == http_server.url("/new.xml")
    assert result.permanent_url is None


async def test_permanent_redirect_to_a_failure_is_not_reported_as_moved(
    http_server: LoopbackServer,
) -> None:
    http_server.route("/gone.xml", b"", status=404)
    http_server.redirect("/old.xml", "/gone.xml", status=301)

    result = await fetch(http_server.url("/old.xml"))

    assert_failed(result, "HTTP 404 Not Found")
    assert result.permanent_url is None and result.url == http_server.url("/gone.xml")


async def test_a_cookie_set_on_a_redirect_goes_with_the_next_request(
    http_server: LoopbackServer,
) -> None:
    # A consent or session redirect: the site sets a cookie and sends the reader back.
    http_server.route("/feed.xml", FEED)
    http_server.route("/old.xml", b"", status=302,
                      headers={"Location": "/feed.xml", "Set-Cookie": "consent=yes; Path=/"})

    async with Fetcher() as fetcher:
        first = await fetcher.get(http_server.url("/old.xml"))
        second = await fetcher.get(http_server.url("/feed.xml"))

    assert first.ok and second.ok and first.body == FEED
    sent = [request.header("cookie") for request in http_server.requests]
    assert sent == [None, "consent=yes", "consent=yes"]


async def test_responses_that_set_no_cookie_skip_the_cookie_jar(
    http_server: LoopbackServer, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The standard library's jar costs a twentieth of an all-304 refresh when asked about
    # every response; it is asked about those that set a cookie, and only those.
    import http.cookiejar

    asked: list[str] = []
    original = http.cookiejar.CookieJar.extract_cookies

    def extract_cookies(jar, response, request):
        asked.append(request.get_full_url())
        return original(jar, response, request)

    monkeypatch.setattr(http.cookiejar.CookieJar, "extract_cookies", extract_cookies)
    http_server.route("/feed.xml", FEED)
    http_server.route("/sets.xml", FEED, headers={"Set-Cookie": "id=1"})

    async with Fetcher() as fetcher:
        for path in ("/feed.xml", "/sets.xml", "/feed.xml"):
            assert (await fetcher.get(http_server.url(path))).ok

    assert asked == [http_server.url("/sets.xml")]
    assert http_server.requests[-1].header("cookie") == "id=1"


async def test_absolute_redirect_to_another_host_name(http_server: LoopbackServer) -> None:
    http_server.route("/feed.xml", FEED)
    http_server.redirect("/old.xml", http_server.url("/feed.xml", host="localhost"), status=308)

    result = await fetch(http_server.url("/old.xml"))

    assert result.ok and result.body == FEED
    assert result.permanent_url == http_server.url("/feed.xml", host="localhost")
    assert http_server.requests[-1].host == "localhost"


async def test_redirect_count_is_limited(http_server: LoopbackServer) -> None:
    http_server.route("/end", FEED)
    http_server.redirect_chain("/three", "/end", [302, 302, 302])

    allowed = await fetch(http_server.url("/three"), FetchLimits(max_redirects=3))
    refused = await fetch(http_server.url("/three"), FetchLimits(max_redirects=2))

    assert allowed.ok and allowed.body == FEED
    assert_failed(refused, "too many redirects")
    assert refused.status == 302
    assert len(http_server.requests_to("/end")) == 1


async def test_redirect_loop_stops(http_server: LoopbackServer) -> None:
    http_server.redirect("/a", "/b", status=301)
    http_server.redirect("/b", "/a", status=301)

    result = await fetch(http_server.url("/a"), FetchLimits(max_redirects=5))

    assert_failed(result, "too many redirects")
    assert result.permanent_url is None
    assert len(http_server.requests) == 6  # the first request and five redirects


@pytest.mark.parametrize("target", ["ftp://127.0.0.1/feed.xml", "file:///etc/passwd"])
async def test_redirect_to_other_schemes_is_refused(
    http_server: LoopbackServer, target: str
) -> None:
    http_server.redirect("/feed.xml", target, status=301)

    result = await fetch(http_server.url("/feed.xml"))

    scheme = target.split(":", 1)[0]
    assert_failed(result, f"redirect to unsupported scheme {scheme}")
    assert result.status == 301


async def test_redirect_without_location_is_an_error(http_server: LoopbackServer) -> None:
    http_server.route("/feed.xml", b"", status=302)

    result = await fetch(http_server.url("/feed.xml"))

    assert_failed(result, "HTTP 302 Found without a Location header")


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/feed", "example.org/feed"]
)
async def test_start_url_must_be_http(url: str) -> None:
    result = await fetch(url)

    assert not result.ok
    assert result.error is not None and result.error.startswith("unsupported scheme")
    assert result.status is None


# -- hostile servers ----------------------------------------------------------------


async def test_slow_drip_is_cut_by_the_total_deadline(http_server: LoopbackServer) -> None:
    # Each byte arrives well within httpx's per-read timeout; only a total deadline stops it.
    http_server.drip("/feed.xml", b"x" * 200, interval=0.1)

    result = await fetch(http_server.url("/feed.xml"), FetchLimits(timeout_seconds=1.0))

    assert_failed(result, "timed out after 1 s")
    assert result.status == 200
    assert result.seconds < 15  # sanity only: the full drip would take 20 s


async def test_dripping_headers_are_cut_by_the_total_deadline(http_server: LoopbackServer) -> None:
    http_server.drip("/feed.xml", b"x" * 100, interval=0.1, whole_response=True)

    result = await fetch(http_server.url("/feed.xml"), FetchLimits(timeout_seconds=1.0))

    assert_failed(result, "timed out after 1 s")
    assert result.status is None


async def test_time_queued_for_a_slot_does_not_count_against_the_deadline(
    http_server: LoopbackServer,
) -> None:
    # One slot, two requests each holding it for most of the deadline: the second one
    # waits longer than the deadline in total, yet must not time out.
    def slow(_request: RecordedRequest) -> Reply:
        http_server.pause(0.4)
        return Reply(200, FEED)

    http_server.route("/slow", slow)
    limits = FetchLimits(timeout_seconds=1.0, concurrency=1, per_host=1)

    async with Fetcher(limits) as fetcher:
        results = await asyncio.gather(*(fetcher.get(http_server.url("/slow")) for _ in range(3)))

    assert [r.error for r in results] == [None, None, None]


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate"])
async def test_compression_bomb_is_cut_at_the_cap_with_bounded_memory(
    http_server: LoopbackServer, encoding: Encoding
) -> None:
    http_server.bomb("/bomb.xml", encoding=encoding)

    result, peak = await fetch_measuring_memory(
        http_server.url("/bomb.xml"), FetchLimits(max_bytes=CAP)
    )

    assert_failed(result, f"body larger than {CAP} bytes")
    assert result.status == 200
    assert peak < 3 * CAP, f"peak {peak} bytes for a {CAP}-byte cap"


async def test_huge_plain_body_is_cut_at_the_cap_with_bounded_memory(
    http_server: LoopbackServer,
) -> None:
    http_server.huge("/huge.xml", 200 * CAP)  # chunked: no length to refuse early

    result, peak = await fetch_measuring_memory(
        http_server.url("/huge.xml"), FetchLimits(max_bytes=CAP)
    )

    assert_failed(result, f"body larger than {CAP} bytes")
    assert peak < 3 * CAP, f"peak {peak} bytes for a {CAP}-byte cap"


async def test_content_length_over_the_cap_is_refused_before_reading(
    http_server: LoopbackServer,
) -> None:
    # The server announces a huge body and then sends nothing: a fetcher that started
    # reading would wait for the deadline and report a timeout instead.
    http_server.stall("/huge.xml", content_length=10 * CAP)

    limits = FetchLimits(max_bytes=CAP, timeout_seconds=10)

    result = await fetch(http_server.url("/huge.xml"), limits)

    assert_failed(result, f"body larger than {CAP} bytes")
    assert result.status == 200
    assert result.headers["content-length"] == str(10 * CAP)


async def test_server_error_keeps_the_status(http_server: LoopbackServer) -> None:
    http_server.route("/feed.xml", b"oops", status=500)

    result = await fetch(http_server.url("/feed.xml"))

    assert_failed(result, "HTTP 500 Internal Server Error")
    assert result.status == 500
    assert result.url == http_server.url("/feed.xml")


async def test_truncated_body_is_an_error(http_server: LoopbackServer) -> None:
    http_server.truncated("/feed.xml", FEED[:20], content_length=len(FEED))

    result = await fetch(http_server.url("/feed.xml"))

    assert_failed(result, "connection closed before the response was complete")
    assert result.status == 200


async def test_truncated_gzip_stream_is_an_error(http_server: LoopbackServer) -> None:
    packed = gzip.compress(FEED * 50)
    # Honest Content-Length, but the gzip stream itself stops short.
    http_server.route("/feed.xml", packed[: len(packed) // 2], headers={"Content-Encoding": "gzip"})

    result = await fetch(http_server.url("/feed.xml"))

    assert_failed(result, "gzip body ended early")


async def test_garbage_instead_of_http_is_an_error(http_server: LoopbackServer) -> None:
    http_server.route("/feed.xml", lambda _request: Reply(raw=[b"SSH-2.0-OpenSSH_9.6\r\n"]))

    result = await fetch(http_server.url("/feed.xml"))

    assert not result.ok and result.status is None
    assert result.error is not None and result.error.startswith("protocol error")


async def test_connection_refused() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # Closed without listen(): nothing accepts on that port now.

    result = await fetch(f"http://127.0.0.1:{port}/feed.xml")

    assert_failed(result, "connection refused")
    assert result.status is None and result.headers == {}


# -- concurrency limits -------------------------------------------------------------


def gathering(
    server: LoopbackServer, *, expected: int, per_host: int, overall: int | None = None
) -> Handler:
    """A route holding each request until ``per_host`` are being served to its host,
    ``overall`` to all hosts, or all ``expected`` have arrived: the limits a correct
    client can reach. The peaks then reach the client's limits whenever the client
    allows it, without relying on how fast anything runs."""

    def handler(request: RecordedRequest) -> Reply:
        for _ in range(250):  # a backstop of 5 s, never reached by a correct client
            if (
                server.in_flight(request.host) >= per_host
                or (overall is not None and server.in_flight() >= overall)
                or len(server.requests) >= expected
                or not server.pause(0.02)
            ):
                break
        return Reply(200, FEED)

    return handler


async def test_per_host_limit_is_honoured(http_server: LoopbackServer) -> None:
    http_server.route("/feed.xml", gathering(http_server, expected=20, per_host=4))

    async with Fetcher(FetchLimits(per_host=4, concurrency=16)) as fetcher:
        results = await asyncio.gather(
            *(fetcher.get(http_server.url(f"/feed.xml?n={i}")) for i in range(20))
        )

    assert all(r.ok for r in results)
    assert http_server.peak_in_flight("127.0.0.1") == 4


async def test_global_limit_spans_hosts(http_server: LoopbackServer) -> None:
    http_server.route("/feed.xml", gathering(http_server, expected=16, per_host=3, overall=4))
    # One host first: its per-host limit leaves a global slot for the other host.
    hosts = ["127.0.0.1"] * 8 + ["localhost"] * 8
    urls = [http_server.url("/feed.xml", host=host) for host in hosts]

    async with Fetcher(FetchLimits(per_host=3, concurrency=4)) as fetcher:
        results = await asyncio.gather(*(fetcher.get(url) for url in urls))

    assert all(r.ok for r in results)
    assert http_server.peak_in_flight("127.0.0.1") <= 3
    assert http_server.peak_in_flight("localhost") <= 3
    assert http_server.peak_in_flight() == 4


async def test_get_outside_the_context_manager_is_a_programming_error() -> None:
    with pytest.raises(RuntimeError):
        await Fetcher().get("http://127.0.0.1/")


def test_limits_are_validated() -> None:
    with pytest.raises(ValueError):
        FetchLimits(per_host=0)
    with pytest.raises(ValueError):
        FetchLimits(timeout_seconds=0)
