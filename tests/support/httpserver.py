"""A real HTTP server on 127.0.0.1 for tests: no test reaches the internet, none mocks HTTP.

Routes are set at runtime, so one server per test can play a news site that changes
(``route`` again to serve a new version) or a hostile one (drip, bombs, truncation,
redirect loops). Every request is recorded with its headers, and the number of requests
in flight per host is tracked, so tests can assert on what a client actually sent.

Use it through the ``http_server`` fixture in ``tests/conftest.py`` or as a context
manager::

    with LoopbackServer() as server:
        server.route("/feed.xml", rss_bytes, content_type="application/rss+xml")
        url = server.url("/feed.xml")
"""

from __future__ import annotations

import functools
import socket
import ssl
import struct
import sys
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Literal
from urllib.parse import urlsplit

__all__ = [
    "Encoding",
    "Handler",
    "LoopbackServer",
    "RecordedRequest",
    "Reply",
    "compression_bomb",
    "http_date",
]

MiB = 1 << 20
Encoding = Literal["gzip", "deflate", "raw-deflate"]


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server saw it."""

    method: str
    path: str
    """Path with the query string, as sent."""
    headers: dict[str, str]
    """Names lower-cased; a repeated header keeps its last value."""
    host: str
    """Host header without the port: tells ``127.0.0.1`` from ``localhost``."""
    body: bytes = b""

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass
class Reply:
    """What a route answers.

    ``body`` may be an iterable of chunks, written (and flushed) one by one: without a
    ``Content-Length`` in ``headers`` they go out chunked. A ``Content-Length`` in
    ``headers`` is sent as given, even when it is a lie. ``raw`` bypasses HTTP
    entirely: those bytes are written verbatim and the connection is closed.
    """

    status: int = 200
    body: bytes | Iterable[bytes] = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    close: bool = False
    """Close the connection after this reply."""
    raw: Iterable[bytes] | None = None


Handler = Callable[[RecordedRequest], Reply]


class LoopbackServer:
    """A threaded HTTP/1.1 server on a loopback port (an ephemeral one unless given); over
    TLS with the server context ``tls``."""

    def __init__(self, port: int = 0, *, tls: ssl.SSLContext | None = None) -> None:
        self._requested_port = port
        self._tls = tls
        self.requests: list[RecordedRequest] = []
        self.errors: list[BaseException] = []
        """Exceptions raised by route handlers: a test bug, reported by the fixture."""
        self._routes: dict[str, Handler] = {}
        self._lock = threading.Lock()
        self._in_flight: dict[str, int] = {}
        self._peak: dict[str, int] = {}
        self._in_flight_total = 0
        self._peak_total = 0
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle -------------------------------------------------------------------

    def start(self) -> LoopbackServer:
        self._stopping.clear()
        self._httpd = _Server(("127.0.0.1", self._requested_port), _RequestHandler, self)
        if self._tls is not None:
            self._httpd.socket = self._tls.wrap_socket(self._httpd.socket, server_side=True)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.01},
            name=f"loopback-http-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and wake every handler: dripping ones stop sleeping, idle
        keep-alive ones stop waiting for a next request."""
        if self._httpd is None:
            return
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join()
        self._httpd = None

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("server not started")
        return self._httpd.server_address[1]

    def url(self, path: str = "/", *, host: str = "127.0.0.1") -> str:
        """Absolute URL of ``path``. ``host="localhost"`` reaches the same server under
        another host name (for per-host limits)."""
        scheme = "https" if self._tls is not None else "http"
        return f"{scheme}://{host}:{self.port}/{path.lstrip('/')}"

    # -- routes -----------------------------------------------------------------------

    def route(
        self,
        path: str,
        body: bytes | str | Handler,
        *,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        content_type: str = "text/plain; charset=utf-8",
    ) -> None:
        """Serve ``path`` (query string ignored), replacing any earlier route.

        A callable ``body`` gets the ``RecordedRequest`` and returns a ``Reply``; it runs
        on the server thread, so it may block (but should watch ``pause``).
        """
        if callable(body):
            self._routes[_route_key(path)] = body
            return
        data = body.encode() if isinstance(body, str) else body
        reply_headers = {"Content-Type": content_type, **(headers or {})}
        self._routes[_route_key(path)] = lambda _request: Reply(status, data, reply_headers)

    def conditional(
        self,
        path: str,
        body: bytes | str,
        *,
        etag: str | None = '"v1"',
        last_modified: str | None = "Wed, 21 Oct 2015 07:28:00 GMT",
        content_type: str = "application/xml",
    ) -> None:
        """Serve ``body`` with validators; answer 304 when the request carries a matching
        If-None-Match (which wins, as RFC 9110 says) or an equal If-Modified-Since."""
        data = body.encode() if isinstance(body, str) else body
        validators = {"ETag": etag, "Last-Modified": last_modified}
        validators = {k: v for k, v in validators.items() if v is not None}

        def handler(request: RecordedRequest) -> Reply:
            if_none_match = request.header("if-none-match")
            if if_none_match is not None:
                tags = [tag.strip() for tag in if_none_match.split(",")]
                fresh = etag is not None and (etag in tags or "*" in tags)
            else:
                since = request.header("if-modified-since")
                fresh = last_modified is not None and since == last_modified
            if fresh:
                return Reply(304, b"", validators)
            return Reply(200, data, {"Content-Type": content_type, **validators})

        self.route(path, handler)

    def redirect(self, path: str, location: str, *, status: int = 302) -> None:
        """Redirect ``path`` to ``location`` (absolute, or relative as a server may send it)."""
        self.route(path, b"", status=status, headers={"Location": location})

    def redirect_chain(self, path: str, target: str, statuses: Sequence[int]) -> list[str]:
        """``path`` -> ``path-hop1`` -> ... -> ``target``, hop *i* answering ``statuses[i]``.

        Returns the paths of the chain, ``path`` first. Locations are relative, as many
        servers send them."""
        paths = [path] + [f"{path}-hop{i}" for i in range(1, len(statuses))]
        for i, status in enumerate(statuses):
            self.redirect(paths[i], paths[i + 1] if i + 1 < len(paths) else target, status=status)
        return paths

    def drip(
        self,
        path: str,
        body: bytes = b"x" * 1000,
        *,
        interval: float = 1.0,
        whole_response: bool = False,
    ) -> None:
        """Send ``body`` one byte every ``interval`` seconds, each one resetting a client's
        per-read timeout. With ``whole_response`` the status line and headers drip too."""

        def one_byte_at_a_time(data: bytes) -> Iterator[bytes]:
            for i in range(len(data)):
                if i and not self.pause(interval):
                    return
                yield data[i : i + 1]

        def handler(_request: RecordedRequest) -> Reply:
            if whole_response:
                head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n\r\n".encode()
                return Reply(raw=one_byte_at_a_time(head + body))
            return Reply(
                200,
                one_byte_at_a_time(body),
                {"Content-Length": str(len(body)), "Content-Type": "application/xml"},
            )

        self.route(path, handler)

    def bomb(self, path: str, *, encoding: Encoding = "gzip", expanded: int = 128 * MiB) -> None:
        """Serve a ~130 KB body that inflates to ``expanded`` bytes of zeros, labelled
        with the matching Content-Encoding (raw deflate is sent as ``deflate`` too)."""
        data = compression_bomb(expanded, encoding)
        coding = "gzip" if encoding == "gzip" else "deflate"
        self.route(
            path,
            data,
            headers={"Content-Encoding": coding},
            content_type="application/xml",
        )

    def huge(self, path: str, size: int, *, declare_length: bool = False) -> None:
        """Stream ``size`` bytes in 64 KiB chunks, never holding them: chunked encoding,
        or with a true Content-Length when ``declare_length``."""

        def chunks() -> Iterator[bytes]:
            piece = b"<item>huge</item>\n" * 3641  # ~64 KiB
            sent = 0
            while sent < size and not self._stopping.is_set():
                chunk = piece[: size - sent]
                sent += len(chunk)
                yield chunk

        headers = {"Content-Type": "application/xml"}
        if declare_length:
            headers["Content-Length"] = str(size)
        self.route(path, lambda _request: Reply(200, chunks(), headers))

    def stall(self, path: str, *, content_length: int, seconds: float = 30.0) -> None:
        """Send headers announcing ``content_length`` bytes, then nothing for ``seconds``
        (or until the server stops). A client that starts reading waits in vain."""

        def silence() -> Iterator[bytes]:
            self.pause(seconds)
            yield b""

        headers = {"Content-Length": str(content_length), "Content-Type": "application/xml"}
        self.route(path, lambda _request: Reply(200, silence(), headers, close=True))

    def truncated(self, path: str, body: bytes, *, content_length: int) -> None:
        """Announce ``content_length`` bytes, send only ``body``, then close."""
        headers = {"Content-Length": str(content_length), "Content-Type": "application/xml"}
        self.route(path, lambda _request: Reply(200, body, headers, close=True))

    def pause(self, seconds: float) -> bool:
        """Sleep in a handler; returns False at once when the server is stopping."""
        return not self._stopping.wait(seconds)

    # -- observations -----------------------------------------------------------------

    def requests_to(self, path: str) -> list[RecordedRequest]:
        """Recorded requests whose path (query string ignored) is ``path``."""
        key = _route_key(path)
        return [r for r in list(self.requests) if _route_key(r.path) == key]

    def in_flight(self, host: str | None = None) -> int:
        """Requests being served right now, to ``host`` or overall."""
        with self._lock:
            return self._in_flight_total if host is None else self._in_flight.get(host, 0)

    def peak_in_flight(self, host: str | None = None) -> int:
        """Most requests that were being served at once, to ``host`` or overall."""
        with self._lock:
            return self._peak_total if host is None else self._peak.get(host, 0)

    # -- serving (server threads) -----------------------------------------------------

    def _serve(self, handler: _RequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        request = RecordedRequest(
            method=handler.command,
            path=handler.path,
            headers={k.lower(): v for k, v in handler.headers.items()},
            host=urlsplit(f"//{handler.headers.get('Host', '')}").hostname or "",
            body=handler.rfile.read(length) if length else b"",
        )
        self.requests.append(request)
        self._enter(request.host)
        try:
            route = self._routes.get(_route_key(request.path))
            if route is None:
                reply = Reply(404, b"no route\n", {"Content-Type": "text/plain"})
            else:
                try:
                    reply = route(request)
                except Exception as exc:  # a broken test handler: record, answer, go on
                    self.errors.append(exc)
                    reply = Reply(500, b"handler raised\n", close=True)
            _write(handler, reply, head_only=request.method == "HEAD")
        finally:
            self._leave(request.host)

    def _enter(self, host: str) -> None:
        with self._lock:
            self._in_flight[host] = self._in_flight.get(host, 0) + 1
            self._peak[host] = max(self._peak.get(host, 0), self._in_flight[host])
            self._in_flight_total += 1
            self._peak_total = max(self._peak_total, self._in_flight_total)

    def _leave(self, host: str) -> None:
        with self._lock:
            self._in_flight[host] -= 1
            self._in_flight_total -= 1

    def _track(self, conn: socket.socket, *, open_: bool) -> None:
        with self._lock:
            (self._connections.add if open_ else self._connections.discard)(conn)


def _write(handler: _RequestHandler, reply: Reply, *, head_only: bool) -> None:
    out = handler.wfile
    if reply.raw is not None:
        for data in reply.raw:
            out.write(data)
            out.flush()
        handler.close_connection = True
        return
    headers = {k.title(): v for k, v in reply.headers.items()}
    body = reply.body
    chunked = False
    if isinstance(body, (bytes, bytearray)):
        headers.setdefault("Content-Length", str(len(body)))
    elif "Content-Length" not in headers:
        chunked = True
        headers["Transfer-Encoding"] = "chunked"
    if reply.status in (204, 304) or reply.status < 200:
        headers.pop("Content-Length", None)
        headers.pop("Transfer-Encoding", None)
        body, chunked = b"", False
    if reply.close:
        headers["Connection"] = "close"
        handler.close_connection = True
    handler.send_response(reply.status)
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.end_headers()
    out.flush()
    if head_only:
        return
    chunks = [body] if isinstance(body, (bytes, bytearray)) else body
    for chunk in chunks:
        if not chunk:
            continue
        out.write(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
        out.flush()
    if chunked:
        out.write(b"0\r\n\r\n")
        out.flush()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[BaseHTTPRequestHandler],
        owner: LoopbackServer,
    ) -> None:
        self.owner = owner
        super().__init__(address, handler)

    def handle_error(self, request: object, client_address: object) -> None:
        """A client hanging up mid-reply is what hostile-case tests do on purpose."""
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers
    server: _Server

    def setup(self) -> None:
        super().setup()
        # Headers and body go out as separate small writes; without this, Nagle's
        # algorithm meets the client's delayed ACK and each request stalls ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.owner._track(self.connection, open_=True)

    def finish(self) -> None:
        self.server.owner._track(self.connection, open_=False)
        super().finish()

    def do_GET(self) -> None:
        self.server.owner._serve(self)

    do_HEAD = do_POST = do_GET

    def log_message(self, format: str, *args: object) -> None:
        """Tests are quiet; ``LoopbackServer.requests`` is the log."""


def _route_key(path: str) -> str:
    return "/" + urlsplit(path).path.lstrip("/")


@functools.cache
def compression_bomb(expanded: int = 128 * MiB, encoding: Encoding = "gzip") -> bytes:
    """A compressed body inflating to ``expanded`` (rounded up to whole MiB) zero bytes.

    Compressing 128 MiB takes most of a second; instead one MiB of zeros is compressed
    once and ended with a full flush, which makes that deflate block self-contained, so
    repeating it is a valid stream. Only the checksums see every byte, one MiB at a time.
    """
    blocks = -(-expanded // MiB)
    zeros = bytes(MiB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    raw = block * blocks + compressor.flush()
    if encoding == "raw-deflate":
        return raw
    if encoding == "deflate":
        adler = 1
        for _ in range(blocks):
            adler = zlib.adler32(zeros, adler)
        return b"\x78\xda" + raw + struct.pack(">I", adler)
    crc = 0
    for _ in range(blocks):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00" + struct.pack("<I", 0) + b"\x02\xff"
    return header + raw + struct.pack("<II", crc, (blocks * MiB) & 0xFFFFFFFF)


def http_date(timestamp: float) -> str:
    """An RFC 9110 date for Last-Modified and friends."""
    return formatdate(timestamp, usegmt=True)
