"""The HTTP client's TLS context, made at the first https:// handshake rather than with the client.

httpx makes its TLS context when the client is made: certifi's bundle (or SSL_CERT_FILE /
SSL_CERT_DIR) read into an SSLContext, ~45 ms per process, which every `wirewatch fetch` paid
even when every feed is http://. `DeferredTLSContext` stands in for it: the context httpx
would have made (`httpx.create_ssl_context()`, from the same environment) is made at the first
handshake and does every handshake. Given as the client's `verify`, it reaches the transports
of proxies from the environment too (a transport of our own would turn those off).
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterable
from typing import Any

import httpx


class DeferredTLSContext(ssl.SSLContext):
    """An SSLContext (so that httpx and httpcore take it as one) whose handshakes are done by
    httpx's own default context, made on first use."""

    def __new__(cls) -> DeferredTLSContext:
        return super().__new__(cls, ssl.PROTOCOL_TLS_CLIENT)

    def __init__(self) -> None:
        self._made: ssl.SSLContext | None = None
        self._alpn: list[str] | None = None
        self._lock = threading.Lock()

    @property
    def made(self) -> bool:
        """Whether a handshake has needed the real context yet."""
        return self._made is not None

    def _real(self) -> ssl.SSLContext:
        with self._lock:
            if self._made is None:
                made = httpx.create_ssl_context()
                if self._alpn is not None:
                    made.set_alpn_protocols(self._alpn)
                self._made = made
            return self._made

    def set_alpn_protocols(self, alpn_protocols: Iterable[str]) -> None:
        """httpcore names the protocols before each handshake: the real context gets them."""
        protocols = list(alpn_protocols)
        with self._lock:
            self._alpn = protocols
            if self._made is not None:
                self._made.set_alpn_protocols(protocols)

    def wrap_bio(self, *args: Any, **kwargs: Any) -> ssl.SSLObject:
        return self._real().wrap_bio(*args, **kwargs)

    def wrap_socket(self, *args: Any, **kwargs: Any) -> ssl.SSLSocket:
        return self._real().wrap_socket(*args, **kwargs)
