"""The fetcher's TLS context is made at the first https:// handshake, not with the client, and
is then the one httpx would have made: the same trust (SSL_CERT_FILE, else certifi's), the
same proxies from the environment. Against real loopback servers, one of them over TLS with a
certificate for 127.0.0.1 kept in tests/data/tls."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.httpserver import LoopbackServer, Reply
from tui.core.ingest.fetch import Fetcher, FetchLimits, FetchResult

CERTS = Path(__file__).resolve().parents[1] / "data" / "tls"
FEED = b"<?xml version='1.0'?><rss><channel><title>Harbor Wire</title></channel></rss>"
LIMITS = FetchLimits(timeout_seconds=10)


@pytest.fixture
def https_server() -> Iterator[LoopbackServer]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(CERTS / "cert.pem", CERTS / "key.pem")
    server = LoopbackServer(tls=context).start()
    server.route("/feed.xml", lambda request: Reply(body=FEED))
    yield server
    server.stop()


@pytest.fixture
def http_server() -> Iterator[LoopbackServer]:
    server = LoopbackServer().start()
    server.route("/feed.xml", lambda request: Reply(body=FEED))
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def plain_environment(monkeypatch) -> None:
    for name in ("SSL_CERT_FILE", "SSL_CERT_DIR", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
                 "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def fetch_all(*urls: str) -> tuple[list[FetchResult], bool]:
    """Fetch the urls one after the other through one fetcher; and whether its TLS context
    was made."""
    async def run() -> tuple[list[FetchResult], bool]:
        async with Fetcher(LIMITS) as fetcher:
            return [await fetcher.get(url) for url in urls], fetcher.tls.made
    return asyncio.run(run())


def test_http_feeds_never_make_a_tls_context(http_server):
    (result,), made = fetch_all(http_server.url("/feed.xml"))
    assert result.ok and result.body == FEED
    assert not made


def test_an_https_feed_is_fetched_with_the_trust_of_ssl_cert_file(https_server, http_server,
                                                                  monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(CERTS / "cert.pem"))
    results, made = fetch_all(http_server.url("/feed.xml"), https_server.url("/feed.xml"),
                              https_server.url("/feed.xml"))
    assert [r.error for r in results] == [None, None, None]
    assert [r.body for r in results] == [FEED] * 3
    assert made
    assert https_server.url("/").startswith("https://127.0.0.1:")


def test_a_certificate_nobody_trusts_is_refused(https_server):
    # Without SSL_CERT_FILE the trust is certifi's, which does not know this certificate.
    (result,), made = fetch_all(https_server.url("/feed.xml"))
    assert not result.ok and result.body is None
    assert "certificate" in (result.error or "").lower()
    assert made


def test_a_proxy_from_the_environment_is_still_used(http_server, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", http_server.url("/"))
    (result,), _ = fetch_all("http://feeds.example/feed.xml")
    assert result.ok and result.body == FEED
    assert [r.path for r in http_server.requests] == ["http://feeds.example/feed.xml"]
