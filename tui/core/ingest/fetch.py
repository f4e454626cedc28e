"""Fetch URLs from hostile networks without letting any one server hurt the program.

Feeds and article pages come from servers we do not control. httpx alone is not enough
for that: its timeouts are per read (a server dripping one byte a second never trips
them), its automatic decompression has no size cap (a 255 KB gzip became 268 MB), and
its redirect following hands any scheme to the transport. So this module:

- bounds every request by a TOTAL deadline (``asyncio.timeout_at``), redirects and body
  included;
- follows redirects itself: http/https only, at most ``max_redirects``, and reports
  whether the whole chain was permanent so callers can update a stored URL;
- streams the raw body and decompresses it with a bounded decoder, so memory never
  exceeds the cap plus one piece, whatever the compression ratio;
- limits requests in flight overall and per host, to be polite and to stay within
  the connection pool.

``Fetcher.get`` never raises for anything the network can do to us: it returns a
``FetchResult`` whose ``error`` is one human-readable line. That covers every URL a server
hands us too: a Location with a port past 65535, no host, an odd scheme or a name IDNA
refuses is an error line like any other, and every error line is sanitised (control and
bidi characters out, one line, bounded) because it is stored and shown on a terminal.
Programming errors (such as calling ``get`` outside ``async with``) still raise.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import sys
import time
import zlib
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from http import HTTPStatus
from types import TracebackType

# httpx imports its command-line client (click and rich: a third of its import time, paid by
# every `wirewatch fetch`) unless that import fails; wirewatch never runs it, and a None in
# sys.modules is Python's way of saying "not available" (httpx then defines a stub).
sys.modules.setdefault("httpx._main", None)
import httpx

from tui import __version__
from tui.core.ingest.sanitize import one_line
from tui.core.ingest.tls import DeferredTLSContext

__all__ = ["USER_AGENT", "FetchLimits", "FetchResult", "Fetcher"]

USER_AGENT = (
    f"wirewatch/{__version__} (+https://github.com/wirewatch/wirewatch; terminal news monitor)"
)

#: Only the codings we can decode with a bounded decoder. httpx's default would also
#: advertise br/zstd when those packages happen to be installed.
ACCEPT_ENCODING = "gzip, deflate"

_ALLOWED_SCHEMES = frozenset({"http", "https"})
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_PERMANENT_STATUSES = frozenset({301, 308})
#: Largest piece the decoder produces per step: the memory held beyond the cap.
_PIECE = 64 * 1024
#: Longest error line; server text quoted in one gets far less (see ``_quote``).
ERROR_MAX = 300
_PORTS = range(0, 65536)
#: Where ``_take_location`` parks a redirect's Location while httpx looks at the response.
_LOCATION = "wirewatch.location"


@dataclass(frozen=True)
class FetchLimits:
    """How much one server may cost us. Defaults match ``feeds.toml`` [settings]."""

    timeout_seconds: float = 20.0
    """TOTAL deadline for one request, redirects and body included (not per read)."""
    max_bytes: int = 10_000_000
    """Cap on the body after decompression; larger bodies are an error."""
    max_redirects: int = 5
    concurrency: int = 16
    """Requests in flight overall; also the size of the connection pool."""
    per_host: int = 4
    """Requests in flight to one host name, so a feed-heavy site is not hammered."""

    def __post_init__(self) -> None:
        if self.timeout_seconds <= 0:
            raise ValueError("timeout_seconds must be positive")
        if self.max_bytes < 0 or self.max_redirects < 0:
            raise ValueError("max_bytes and max_redirects must not be negative")
        if self.concurrency < 1 or self.per_host < 1:
            raise ValueError("concurrency and per_host must be at least 1")


@dataclass
class FetchResult:
    """What happened to one ``Fetcher.get``: the body, or a reason, never an exception."""

    url: str
    """Final URL after redirects."""
    status: int | None
    """Final HTTP status; None when no response arrived."""
    body: bytes | None
    """Decompressed body; None on 304 or on error."""
    headers: dict[str, str]
    """Final response headers, names lower-cased, repeated headers joined with ", "."""
    etag: str | None
    """Validator to send next time. On a 304 without one, the validator that was sent."""
    last_modified: str | None
    """As ``etag``, for If-Modified-Since."""
    permanent_url: str | None
    """The new URL when the request succeeded through redirects that were all 301/308."""
    not_modified: bool
    """True on 304: the caller's cached copy is current."""
    error: str | None
    """One human line explaining the failure; None on success (including 304)."""
    seconds: float
    """Time spent in ``get``, waiting for a free slot included."""

    @property
    def ok(self) -> bool:
        """True when the fetch succeeded: a 2xx body or a 304."""
        return self.error is None


class _Failure(Exception):
    """A fetch failed for a reason worth showing the user verbatim."""


class _TooLarge(_Failure):
    def __init__(self, max_bytes: int) -> None:
        super().__init__(f"body larger than {max_bytes} bytes")


@dataclass
class _Progress:
    """How far a fetch got, so that a failure still reports the last URL, status and headers."""

    url: str
    status: int | None = None
    headers: httpx.Headers | None = None
    redirected: bool = False
    all_permanent: bool = True


class _Cookies(httpx.Cookies):
    """httpx's cookie jar, that looks at a response only when it sets a cookie.

    httpx hands every response to the standard library's cookie jar, through a urllib
    Request and an email Message it builds for each: a twentieth of an all-304 refresh, for
    responses that set nothing. The jar's policy reads Set-Cookie alone (Set-Cookie2, RFC
    2965, is off by default), so a response without one can change nothing in it."""

    def extract_cookies(self, response: httpx.Response) -> None:
        if "set-cookie" in response.headers:
            super().extract_cookies(response)


class _Client(httpx.AsyncClient):
    """httpx's client with `_Cookies` for its jar: cookies a server sets (on a redirect, as
    a rule) still go back to it on the next request of the refresh."""

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self.cookies = options.get("cookies")

    @property
    def cookies(self) -> httpx.Cookies:
        return self._feed_cookies

    @cookies.setter
    def cookies(self, cookies: httpx.Cookies | dict[str, str] | None) -> None:
        self._feed_cookies = _Cookies(cookies)


class Fetcher:
    """One shared HTTP client with total deadlines, byte caps and concurrency limits.

    Use as ``async with Fetcher(limits) as fetcher: result = await fetcher.get(url)``.
    ``transport`` replaces httpx's network transport (then the pool limits are the
    transport's business); tests use a real loopback server instead.
    """

    def __init__(
        self,
        limits: FetchLimits = FetchLimits(),
        *,
        user_agent: str = USER_AGENT,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.limits = limits
        self._user_agent = user_agent
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self.tls = DeferredTLSContext()
        """httpx's own TLS context, made at the first https:// handshake (~45 ms), not before."""
        self._all_slots = asyncio.Semaphore(limits.concurrency)
        self._host_slots: dict[str, asyncio.Semaphore] = {}
        self.asyncio_streams = False
        """Whether requests go over asyncio's streams (a fifth less CPU) or anyio's: known
        once the client is made (`async with`)."""

    async def __aenter__(self) -> Fetcher:
        from tui.core.ingest.network import use_asyncio_streams

        # The semaphores admit at most `concurrency` requests, so the pool never makes
        # one wait (which would surface as a confusing PoolTimeout).
        pool = httpx.Limits(max_connections=self.limits.concurrency,
                            max_keepalive_connections=self.limits.concurrency)
        self._client = _Client(
            headers={"User-Agent": self._user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            # Per-operation timeouts stay as a backstop; the real bound is the total deadline.
            timeout=httpx.Timeout(self.limits.timeout_seconds),
            limits=pool,
            follow_redirects=False,
            event_hooks={"response": [_take_location]},
            transport=self._transport,
            verify=self.tls,
        )
        self.asyncio_streams = self._transport is None and \
            use_asyncio_streams(self._client, self.tls, pool)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        max_bytes: int | None = None,
        accept: str | None = None,
    ) -> FetchResult:
        """GET ``url``; conditional when validators are given. Never raises for network trouble.

        ``max_bytes`` overrides the limits' cap (article pages have their own);
        ``accept`` is the Accept header (default ``*/*``).
        """
        if self._client is None:
            raise RuntimeError("Fetcher.get needs 'async with Fetcher(...)' first")
        started = time.perf_counter()
        cap = self.limits.max_bytes if max_bytes is None else max_bytes
        headers = _request_headers(etag=etag, last_modified=last_modified, accept=accept)
        progress = _Progress(url=url)
        body: bytes | None = None
        error: str | None = None
        try:
            body = await self._follow(progress, headers, cap)
        except _Failure as exc:
            error = str(exc)
        except (TimeoutError, httpx.TimeoutException):
            error = f"timed out after {self.limits.timeout_seconds:g} s"
        except (httpx.HTTPError, httpx.InvalidURL, OSError) as exc:
            error = _describe(exc)
        if error is not None:
            error = one_line(error, ERROR_MAX)  # the last word: whatever built it, it is safe
        return self._result(progress, body, error, started, etag, last_modified)

    async def _follow(self, progress: _Progress, headers: dict[str, str], cap: int) -> bytes | None:
        """Walk the redirect chain; return the final body (None on 304) or raise."""
        assert self._client is not None
        current = _checked_url(progress.url)
        loop = asyncio.get_running_loop()
        deadline: float | None = None
        for _ in range(self.limits.max_redirects + 1):
            async with self._slot(current.host):
                # The clock starts once a slot is ours: time queued behind other
                # feeds is not the server's fault and must not time it out.
                if deadline is None:
                    deadline = loop.time() + self.limits.timeout_seconds
                async with asyncio.timeout_at(deadline):
                    request = self._client.build_request("GET", current, headers=headers)
                    response = await self._client.send(request, stream=True)
                    location = _give_back_location(response)
                    try:
                        progress.url = str(response.url)
                        progress.status = response.status_code
                        progress.headers = response.headers
                        if response.status_code not in _REDIRECT_STATUSES:
                            return await _read(response, cap)
                    finally:
                        await response.aclose()
            if not location:
                raise _Failure(f"{_status_line(response.status_code)} without a Location header")
            current = _redirect_target(current, location)
            progress.redirected = True
            progress.all_permanent &= response.status_code in _PERMANENT_STATUSES
        raise _Failure("too many redirects")

    @asynccontextmanager
    async def _slot(self, host: str) -> AsyncIterator[None]:
        """Hold one per-host and one global slot.

        The host slot is taken first so that requests queued behind a busy host do not
        sit on global slots other hosts could use.
        """
        host_slots = self._host_slots.setdefault(host, asyncio.Semaphore(self.limits.per_host))
        async with host_slots, self._all_slots:
            yield

    @staticmethod
    def _result(
        progress: _Progress,
        body: bytes | None,
        error: str | None,
        started: float,
        sent_etag: str | None,
        sent_last_modified: str | None,
    ) -> FetchResult:
        headers = progress.headers or httpx.Headers()
        not_modified = error is None and progress.status == 304
        etag = headers.get("etag") or (sent_etag if not_modified else None)
        last_modified = headers.get("last-modified") or (
            sent_last_modified if not_modified else None
        )
        permanent = error is None and progress.redirected and progress.all_permanent
        return FetchResult(
            url=progress.url,
            status=progress.status,
            body=None if error is not None else body,
            headers=dict(headers.items()),
            etag=etag,
            last_modified=last_modified,
            permanent_url=progress.url if permanent else None,
            not_modified=not_modified,
            error=error,
            seconds=time.perf_counter() - started,
        )


def _request_headers(
    *, etag: str | None, last_modified: str | None, accept: str | None
) -> dict[str, str]:
    """Per-request headers. Validators that could not travel in a header are dropped:
    they came from a server and a bad one must cost a full fetch, not an exception."""
    headers = {"Accept": accept or "*/*"}
    if etag and _header_safe(etag):
        headers["If-None-Match"] = etag
    if last_modified and _header_safe(last_modified):
        headers["If-Modified-Since"] = last_modified
    return headers


def _header_safe(value: str) -> bool:
    return value.isascii() and value.isprintable()


def _checked_url(url: str | httpx.URL, *, redirect: bool = False) -> httpx.URL:
    """Parse ``url`` and refuse anything we will not connect to, as a ``_Failure``.

    Only http(s) leaves here (file:// and friends never do). httpx's parser is lenient
    where it hurts later: it accepts port 99999 (``connect`` then raises OverflowError
    inside an ExceptionGroup) and checks an IDNA host name only when ``.host`` is read
    (idna raises a ValueError). So both are read here, where a failure is just a reason.
    """
    prefix = "redirect to " if redirect else ""
    try:
        parsed = httpx.URL(url)
        host, port = parsed.host, parsed.port
    except (httpx.InvalidURL, ValueError) as exc:  # idna's errors are ValueErrors
        raise _Failure(f"{prefix}invalid URL ({_quote(str(exc))})") from None
    if parsed.scheme not in _ALLOWED_SCHEMES:
        raise _Failure(f"{prefix}unsupported scheme {_quote(parsed.scheme, 20) or '(none)'}")
    if not host:
        raise _Failure(f"{prefix}URL without a host: {_quote(str(parsed))}")
    if port is not None and port not in _PORTS:
        raise _Failure(f"{prefix}port {port} (outside 0-65535)")
    return parsed


def _redirect_target(current: httpx.URL, location: str) -> httpx.URL:
    """The URL a Location header sends us to, resolved against the current one and vetted."""
    try:
        target = current.join(location)
    except (httpx.InvalidURL, ValueError) as exc:
        raise _Failure(f"redirect to invalid URL ({_quote(str(exc))})") from None
    return _checked_url(target, redirect=True)


async def _take_location(response: httpx.Response) -> None:
    """Response hook: hide a redirect's Location from httpx; ``_give_back_location`` returns it.

    Even with ``follow_redirects=False`` httpx parses Location to offer ``next_request``,
    and on a hostile value it raises from inside ``send`` (RemoteProtocolError, InvalidURL
    or idna's ValueError), so the status and headers of the response are lost with it.
    We follow redirects ourselves; ``_redirect_target`` is the one place that judges it.
    """
    if response.status_code in _REDIRECT_STATUSES and "location" in response.headers:
        response.extensions[_LOCATION] = response.headers["location"]
        del response.headers["location"]


def _give_back_location(response: httpx.Response) -> str | None:
    """The Location ``_take_location`` kept, back among the headers the caller sees."""
    location = response.extensions.pop(_LOCATION, None)
    if location is not None:
        try:
            response.headers["location"] = location  # re-encoded as it was decoded
        except UnicodeEncodeError:
            pass  # only FetchResult.headers misses it; the redirect is still followed
    return location


def _quote(text: str, limit: int = 120) -> str:
    """Server-supplied text inside an error line: one safe line, short enough to leave
    room for the words around it."""
    return one_line(text, limit)


async def _read(response: httpx.Response, cap: int) -> bytes | None:
    """Read a final (non-redirect) response: the bounded body, None on 304, else raise."""
    status = response.status_code
    if status == 304:
        # A 304 has no body, but until its (empty) end is read httpcore counts the response
        # unfinished and closes the connection instead of keeping it for the next feed.
        async for _ in response.aiter_raw():
            pass
        return None
    if not 200 <= status < 300:
        raise _Failure(_status_line(status))
    body = _BoundedBody.for_encoding(response.headers.get("content-encoding", ""), cap)
    declared = _content_length(response.headers)
    if body.is_identity and declared is not None and declared > cap:
        # Only trusted for identity: a compressed length says little about the result.
        raise _TooLarge(cap)
    async for raw in response.aiter_raw():
        body.feed(raw)
    return body.finish()


def _content_length(headers: httpx.Headers) -> int | None:
    try:
        return int(headers["content-length"])
    except (KeyError, ValueError):
        return None


def _status_line(status: int) -> str:
    """``HTTP 500 Internal Server Error``. The server's own reason phrase is not used:
    it is untrusted text and this line ends up on screen."""
    try:
        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


class _BoundedBody:
    """Collects a body, decompressing it, and fails as soon as it would exceed the cap.

    ``zlib``'s ``max_length`` makes each step produce at most one piece; the rest of the
    input waits in ``unconsumed_tail``. So a bomb costs the cap plus one piece of memory
    and the CPU to inflate just that much.
    """

    def __init__(self, coding: str, max_bytes: int) -> None:
        self.coding = coding
        self._max = max_bytes
        self._out = bytearray()
        self._z: zlib._Decompress | None = None  # None between streams
        self._head = b""  # first bytes of a stream, kept until its header can be sniffed
        self._streams = 0  # streams (gzip members) decoded to their end
        self._trailing_junk = False
        self._seen_input = False

    @classmethod
    def for_encoding(cls, header: str, max_bytes: int) -> _BoundedBody:
        codings = [c.strip().lower() for c in header.split(",")]
        codings = [c for c in codings if c and c != "identity"]
        if not codings:
            return cls("identity", max_bytes)
        if len(codings) == 1 and codings[0] in {"gzip", "x-gzip", "deflate"}:
            return cls("deflate" if codings[0] == "deflate" else "gzip", max_bytes)
        raise _Failure(f"unsupported content encoding {_quote(', '.join(codings), 60)}")

    @property
    def is_identity(self) -> bool:
        return self.coding == "identity"

    def feed(self, data: bytes) -> None:
        if not data or self._trailing_junk:
            return
        self._seen_input = True
        if self.is_identity:
            self._append(data)
            return
        try:
            while data and not self._trailing_junk:
                if self._z is None:
                    data = self._start(data)
                    if self._z is None:
                        return
                data = self._inflate(self._z, data)
        except zlib.error as exc:
            raise _Failure(f"corrupt {self.coding} body ({exc})") from None

    def finish(self) -> bytes:
        if not self.is_identity and self._seen_input:
            if self._z is not None:
                raise _Failure(f"{self.coding} body ended early")
            if self._streams == 0:  # a byte or two, never a stream
                raise _Failure(f"corrupt {self.coding} body (too short)")
        return bytes(self._out)

    def _start(self, data: bytes) -> bytes:
        """Open the next stream once its first two bytes are in; return the input for it.

        Concatenated gzip members are one body (RFC 1952); anything else after the end
        of a stream is trailing junk and ignored, as gzip(1) does. For deflate the 2-byte
        header tells the zlib wrapper (RFC 9110) from raw deflate: servers send both.
        """
        data = self._head + data
        if len(data) < 2:
            self._head = data
            return b""
        self._head = b""
        if self._streams and (self.coding != "gzip" or not data.startswith(b"\x1f\x8b")):
            self._trailing_junk = True
            return b""
        if self.coding == "gzip":
            wbits = 16 + zlib.MAX_WBITS
        else:
            cmf, flg = data[0], data[1]
            wrapped = cmf & 0x0F == 8 and cmf >> 4 <= 7 and (cmf << 8 | flg) % 31 == 0
            wbits = zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS
        self._z = zlib.decompressobj(wbits)
        return data

    def _inflate(self, z: zlib._Decompress, data: bytes) -> bytes:
        """Inflate ``data`` one piece at a time; return the bytes past the stream's end."""
        while True:
            # One byte past the room left is enough to know the cap is exceeded.
            limit = min(self._max - len(self._out) + 1, _PIECE)
            piece = z.decompress(data, limit)
            self._append(piece)
            data = z.unconsumed_tail
            if z.eof:
                self._z = None
                self._streams += 1
                return z.unused_data
            # A full piece may leave output pending inside zlib even with no input left.
            if not data and len(piece) < limit:
                return b""

    def _append(self, piece: bytes) -> None:
        if len(self._out) + len(piece) > self._max:
            raise _TooLarge(self._max)
        self._out += piece


def _describe(exc: BaseException) -> str:
    """One human line for a transport-level failure, found by its root cause. Exception
    texts quote what the server sent (h11 quotes bad header bytes), so they are quoted."""
    causes = list(_causes(exc))
    if any(isinstance(c, ConnectionRefusedError) for c in causes):
        return "connection refused"
    if any(isinstance(c, socket.gaierror) for c in causes):
        return "could not resolve host name"
    if any(isinstance(c, ConnectionResetError) for c in causes):
        return "connection reset by the server"
    if cert := next((c for c in causes if isinstance(c, ssl.SSLCertVerificationError)), None):
        return f"TLS certificate not trusted ({_quote(str(cert.verify_message))})"
    if tls := next((c for c in causes if isinstance(c, ssl.SSLError)), None):
        return f"TLS error ({_quote(str(tls.reason or tls))})"
    if isinstance(exc, httpx.RemoteProtocolError) and "peer closed" in str(exc):
        return "connection closed before the response was complete"
    if isinstance(exc, httpx.UnsupportedProtocol):
        return "unsupported scheme"
    if isinstance(exc, httpx.InvalidURL):
        return f"invalid URL ({_quote(str(exc))})"
    if isinstance(exc, httpx.ProtocolError):
        return f"protocol error ({_quote(str(exc))})"
    return f"network error ({_quote(str(exc) or type(exc).__name__)})"


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """Every exception behind ``exc``: anyio hides the refusal under an OSError from an
    ExceptionGroup of per-address attempts."""
    stack, seen = [exc], set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        stack.extend(c for c in (current.__cause__, current.__context__) if c is not None)
        if isinstance(current, BaseExceptionGroup):
            stack.extend(current.exceptions)
