"""httpcore's network layer on asyncio's own streams, rather than through anyio.

httpcore reaches asyncio through anyio: a cancel scope and a task lookup around every read and
write, sniffio asked which library runs, and for each idle connection, at every request, a dict
of its socket's attributes. That is a fifth of a request's CPU: 300 conditional requests took
0.23 s through anyio and 0.18 s on asyncio's streams (tests/bench/bench_fetch.py measures it),
and a refresh where every feed answers 304 is little else.

`AsyncioBackend` is an `httpcore.AsyncNetworkBackend`, httpcore's documented extension point.
httpx has no option to pass one, so `use_asyncio_streams` swaps the connection pool of a
client's default transport for the same pool on this backend. When httpx's insides are not
as expected it leaves the client alone (anyio still works; a test says when that happens).
Proxies from the environment keep httpx's own transports.

Failures are httpcore's own exceptions (ConnectError, ReadTimeout, ...), as from its anyio
backend, so httpx turns them into the same exceptions and the fetcher reports the same lines.
Memory stays bounded: asyncio's StreamReader stops reading from the socket once it holds
128 KB that httpcore has not asked for.
"""

from __future__ import annotations

import asyncio
import os
import re
import select
import ssl
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import httpcore
import httpx

__all__ = ["AsyncioBackend", "use_asyncio_streams"]

#: RFC 8305's delay before trying a host's next address (anyio uses the same).
HAPPY_EYEBALLS_DELAY = 0.25
_ERRNO = re.compile(r"\[Errno (\d+)\]")
#: What httpcore asks of a stream, by the name asyncio's transport gives it.
_TRANSPORT_INFO = {"ssl_object": "ssl_object", "client_addr": "sockname",
                   "server_addr": "peername", "socket": "socket"}


@contextmanager
def _mapped(on_timeout: type[Exception], on_error: type[Exception]) -> Iterator[None]:
    """asyncio's and the socket's failures as httpcore's: what httpx knows how to map."""
    try:
        yield
    except TimeoutError as exc:
        raise on_timeout(exc) from exc
    except OSError as exc:          # ssl.SSLError and ConnectionError included
        raise on_error(exc) from exc


class AsyncioStream(httpcore.AsyncNetworkStream):
    """One connection, as httpcore asks for it: bytes in and out with per-call timeouts."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        with _mapped(httpcore.ReadTimeout, httpcore.ReadError):
            async with asyncio.timeout(timeout):
                return await self._reader.read(max_bytes)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        with _mapped(httpcore.WriteTimeout, httpcore.WriteError):
            if self._writer.is_closing():
                raise ConnectionResetError("connection closed")
            self._writer.write(buffer)
            async with asyncio.timeout(timeout):
                await self._writer.drain()

    async def aclose(self) -> None:
        # Not waited for: a TLS server that never answers our close would hold the refresh.
        self._writer.close()

    async def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                        timeout: float | None = None) -> httpcore.AsyncNetworkStream:
        with _mapped(httpcore.ConnectTimeout, httpcore.ConnectError):
            async with asyncio.timeout(timeout):
                await self._writer.start_tls(ssl_context, server_hostname=server_hostname)
        return self

    def get_extra_info(self, info: str) -> object:
        if info == "is_readable":   # asked of an idle connection: has the server hung up?
            return self._reader.at_eof() or self._writer.is_closing() or self._socket_readable()
        name = _TRANSPORT_INFO.get(info)
        return self._writer.get_extra_info(name) if name is not None else None

    def _socket_readable(self) -> bool:
        """Something waits in the socket that the event loop has not read yet."""
        sock = self._writer.get_extra_info("socket")
        if sock is None or sock.fileno() < 0:
            return True
        poller = select.poll()
        poller.register(sock.fileno(), select.POLLIN)
        return bool(poller.poll(0))


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    """TCP connections from asyncio's `open_connection`."""

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable[tuple] | None = None,
                          ) -> httpcore.AsyncNetworkStream:
        with _mapped(httpcore.ConnectTimeout, httpcore.ConnectError):
            async with asyncio.timeout(timeout):
                try:
                    reader, writer = await asyncio.open_connection(
                        host, port, happy_eyeballs_delay=HAPPY_EYEBALLS_DELAY,
                        local_addr=(local_address, 0) if local_address else None)
                except OSError as exc:
                    raise _with_attempts(exc) from None
            sock = writer.get_extra_info("socket")
            for option in socket_options or ():
                sock.setsockopt(*option)
        return AsyncioStream(reader, writer)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


def _with_attempts(error: OSError) -> OSError:
    """asyncio (before 3.12) sums up failed attempts at a host's several addresses as one
    OSError without an errno ("Multiple exceptions: [Errno 111] ..."): here with each
    attempt's error as its cause, as anyio gives them, so that a refusal is still told
    from an unreachable network."""
    if error.errno is not None or not (codes := _ERRNO.findall(str(error))):
        return error
    attempts = [OSError(int(code), os.strerror(int(code))) for code in codes]
    summary = OSError(str(error))
    summary.__cause__ = ExceptionGroup("connection attempts", attempts)
    return summary


def use_asyncio_streams(client: httpx.AsyncClient, ssl_context: ssl.SSLContext,
                        limits: httpx.Limits) -> bool:
    """Give `client`'s default transport a pool on `AsyncioBackend`, with the settings httpx
    gave it (`ssl_context` and `limits` as the client was made with; HTTP/1.1 only). False,
    and the client untouched, when its transport is not httpx's usual one (a test's own, or
    an httpx whose insides moved)."""
    transport = getattr(client, "_transport", None)
    if type(transport) is not httpx.AsyncHTTPTransport \
            or type(getattr(transport, "_pool", None)) is not httpcore.AsyncConnectionPool:
        return False
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=ssl_context,
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        http1=True, http2=False,
        network_backend=AsyncioBackend())
    return True
