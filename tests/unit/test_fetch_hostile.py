"""The fetcher against servers that hand it hostile URLs and hostile header text.

Everything here goes through a real loopback server. Responses that the test server's
``send_header`` could not write (bytes outside latin-1, odd Location values) are written
raw, exactly as a hostile server would put them on the wire.
"""

from __future__ import annotations

import unicodedata

import pytest

from tests.support.httpserver import LoopbackServer, Reply
from tui.core.ingest.fetch import ERROR_MAX, Fetcher, FetchResult

FEED = b"<?xml version='1.0'?><rss><channel><title>Harbor Wire</title></channel></rss>"


async def fetch(url: str) -> FetchResult:
    async with Fetcher() as fetcher:
        return await fetcher.get(url)


def raw_reply(status: str, headers: list[tuple[bytes, bytes]], body: bytes = b"") -> Reply:
    """A response written byte for byte (then the connection closes)."""
    head = b"HTTP/1.1 " + status.encode() + b"\r\n"
    head += b"".join(name + b": " + value + b"\r\n" for name, value in headers)
    head += b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body)
    return Reply(raw=[head + body])


def serve_redirect(server: LoopbackServer, location: bytes, status: str = "301 Moved") -> str:
    server.route("/feed.xml", lambda _request: raw_reply(status, [(b"Location", location)]))
    return server.url("/feed.xml")


def assert_safe_error_line(result: FetchResult) -> None:
    """An error a terminal can show: one line, bounded, no control or bidi character."""
    assert not result.ok and result.body is None
    error = result.error
    assert error and len(error) <= ERROR_MAX
    unsafe = [c for c in error if unicodedata.category(c) in ("Cc", "Cf")]
    assert unsafe == [], f"unsafe characters {unsafe!r} in {error!r}"


# -- task 1: URL-derived failures are results, not exceptions --------------------------


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("http://127.0.0.1:99999/feed", "port 99999 (outside 0-65535)"),
        ("http://127.0.0.1:65536/feed", "port 65536 (outside 0-65535)"),
        ("http://127.0.0.1:-1/feed", "port -1 (outside 0-65535)"),
        # httpx accepts this; idna raises a ValueError when the host is first read.
        ("http://xn--/feed", "invalid URL (Malformed A-label, no Punycode eligible content found)"),
        ("http://:80/feed", "URL without a host: http:/feed"),
    ],
)
async def test_start_url_that_cannot_be_connected_to_is_an_error(url: str, error: str) -> None:
    result = await fetch(url)

    assert result.error == error
    assert result.status is None and result.body is None


@pytest.mark.parametrize(
    ("location", "error"),
    [
        (b"http://127.0.0.1:99999/x", "redirect to port 99999 (outside 0-65535)"),
        (b"//127.0.0.1:70000/x", "redirect to port 70000 (outside 0-65535)"),
        (b"//:99999/x", "redirect to URL without a host: http://:99999/x"),
        (b"https://user:pw@/x", "redirect to URL without a host: https://user:pw@/x"),
        (b"mailto:editor@news.example", "redirect to unsupported scheme mailto"),
        (b"javascript:alert(1)", "redirect to unsupported scheme javascript"),
        (b"data:text/xml,<rss/>", "redirect to unsupported scheme data"),
        (b"http://xn--/feed", "redirect to invalid URL "
                              "(Malformed A-label, no Punycode eligible content found)"),
        (b"http://999.1.1.1/feed", "redirect to invalid URL (Invalid IPv4 address: '999.1.1.1')"),
        (b"http://[::1/feed", "redirect to invalid URL (Invalid port: ':1')"),
        (b"http://host:%/feed", "redirect to invalid URL (Invalid port: '%')"),
    ],
)
async def test_redirect_to_a_url_we_cannot_use_is_an_error(
    http_server: LoopbackServer, location: bytes, error: str
) -> None:
    result = await fetch(serve_redirect(http_server, location))

    assert result.error == error
    # The redirect itself arrived: its status and headers are reported, Location included.
    assert result.status == 301
    assert result.headers["location"] == location.decode()
    assert result.permanent_url is None


async def test_good_redirect_still_works_after_a_bad_one(http_server: LoopbackServer) -> None:
    http_server.route("/good.xml", FEED)
    http_server.redirect("/old.xml", "/good.xml", status=301)
    bad = serve_redirect(http_server, b"http://127.0.0.1:99999/x")

    async with Fetcher() as fetcher:
        failed = await fetcher.get(bad)
        moved = await fetcher.get(http_server.url("/old.xml"))

    assert not failed.ok
    assert moved.ok and moved.body == FEED
    assert moved.permanent_url == http_server.url("/good.xml")
    assert moved.headers.get("location") is None  # the final response was no redirect


# -- task 2: every error line built from server data is sanitised ------------------------


@pytest.mark.parametrize(
    "coding",
    [
        b"br\x9b31m",                                  # a C1 CSI as a latin-1 byte
        "zstd\u009b2J\u202egzip\u2066".encode(),     # C1 CSI and bidi controls in UTF-8
        "x-\u0085evil\u2028line, gzip".encode(),      # NEL and LINE SEPARATOR: new lines
        b"x" * 5000,                                   # long enough to flood a status bar
    ],
    ids=["c1-latin1", "c1-bidi-utf8", "line-breaks", "long"],
)
async def test_unsupported_content_encoding_is_quoted_safely(
    http_server: LoopbackServer, coding: bytes
) -> None:
    http_server.route(
        "/feed.xml",
        lambda _request: raw_reply("200 OK", [(b"Content-Encoding", coding)], b"\x00" * 16),
    )

    result = await fetch(http_server.url("/feed.xml"))

    assert_safe_error_line(result)
    assert result.error.startswith("unsupported content encoding ")
    assert result.status == 200


async def test_bidi_in_a_redirect_host_is_not_echoed(http_server: LoopbackServer) -> None:
    location = "http://news\u202eelpmaxe.com\u2066/feed".encode()

    result = await fetch(serve_redirect(http_server, location))

    assert_safe_error_line(result)
    assert result.error.startswith("redirect to invalid URL")


async def test_control_bytes_in_a_header_line_make_a_safe_protocol_error(
    http_server: LoopbackServer,
) -> None:
    # h11 refuses the line and its message quotes it; that message reaches the error line.
    http_server.route(
        "/feed.xml", lambda _request: raw_reply("200 OK", [(b"X\x1b]52;c;cm0=\x07\x9b", b"1")])
    )

    result = await fetch(http_server.url("/feed.xml"))

    assert_safe_error_line(result)
    assert result.error.startswith("protocol error (illegal header line")


async def test_host_less_redirect_with_hostile_path_is_quoted_safely(
    http_server: LoopbackServer,
) -> None:
    location = b"//:99999/" + "\u202e\u0085".encode() * 400 + b"x" * 2000

    result = await fetch(serve_redirect(http_server, location))

    assert_safe_error_line(result)
    assert result.error.startswith("redirect to URL without a host: http://:99999/")
