"""Feed parsing in worker processes, so that the refresh's writer thread only writes.

In one process, parsing took turns for the GIL with the event loop (fetching) and the writer
(storing); in a worker it runs on another core. A worker runs the same `parse_feed` with the
same limits (declarations cut out, entries and sizes capped), so a hostile document costs it
what it would have cost the writer thread, and no more. A worker that dies (killed, out of
memory) or answers nonsense is dropped: its feed comes back as None and the caller parses it
itself.

Workers are fresh interpreters running `python -m tui.core.ingest.workers`, never forks of
the refresh's process (which holds SQLite connections that must not cross a fork) and never
re-imports of whatever script started it (as multiprocessing's spawn would). They speak
length-prefixed pickles over their stdin and stdout, to this module only.
"""

from __future__ import annotations

import asyncio
import os
import pickle
import struct
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:   # the parser (lxml) loads in the worker, and here with the first answer
    from tui.core.ingest.feeds import FeedError, ParsedFeed

#: Fewer feeds than this are parsed on the writer thread: starting a worker costs about a
#: tenth of a second of CPU, more than parsing a few dozen feeds.
MIN_FEEDS = 40
_LENGTH = struct.Struct(">Q")


def worker_count() -> int:
    """One core is left to the event loop and the writer; at most 4 workers."""
    return max(1, min(4, (os.cpu_count() or 2) - 1))


def parse_outcome(body: bytes, headers: Mapping[str, str], base_url: str | None,
                  language: str | None) -> ParsedFeed | FeedError:
    """`parse_feed` for a worker: its FeedError is an answer, returned rather than raised."""
    from tui.core.ingest.feeds import FeedError, parse_feed

    try:
        return parse_feed(body, headers, base_url=base_url, language=language)
    except FeedError as error:
        return error


class ParserPool:
    """Worker processes for one refresh: started with `start`, stopped with `close`."""

    def __init__(self, workers: int | None = None) -> None:
        self._count = workers or worker_count()
        self._idle: asyncio.Queue[asyncio.subprocess.Process] | None = None
        self._all: list[asyncio.subprocess.Process] = []
        self._starting: asyncio.Task | None = None

    def start(self) -> None:
        """Start the workers in the background (a moment each), before the first feed."""
        if self._starting is None:
            self._idle = asyncio.Queue()
            self._starting = asyncio.ensure_future(self._spawn())

    async def _spawn(self) -> None:
        root = str(Path(__file__).resolve().parents[3])      # the tui this process runs
        path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)
        env = dict(os.environ, PYTHONPATH=path)
        for _ in range(self._count):
            try:
                worker = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "tui.core.ingest.workers", stdin=asyncio.subprocess.PIPE,
                    stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL, env=env)
            except OSError:
                return                              # no worker: the writer parses
            self._all.append(worker)
            assert self._idle is not None
            self._idle.put_nowait(worker)

    async def parse(self, body: bytes, headers: Mapping[str, str], base_url: str | None,
                    language: str | None) -> ParsedFeed | FeedError | None:
        """The parsed feed or its FeedError; None when no worker could answer."""
        self.start()
        assert self._starting is not None and self._idle is not None
        await self._starting
        if not any(worker.returncode is None for worker in self._all):
            return None
        worker = await self._idle.get()
        try:
            answer = await _ask(worker, (body, dict(headers), base_url, language))
        except (OSError, EOFError, asyncio.IncompleteReadError, pickle.PickleError, ValueError):
            _stop(worker)
            self._idle.put_nowait(worker)   # a dead worker answers the next caller at once
            return None
        self._idle.put_nowait(worker)
        from tui.core.ingest.feeds import FeedError, ParsedFeed  # unpickling loaded it

        return answer if isinstance(answer, (ParsedFeed, FeedError)) else None

    async def close(self) -> None:
        """Stop the workers: what they were parsing is dropped."""
        if self._starting is not None:
            self._starting.cancel()
        for worker in self._all:
            _stop(worker)
            try:
                await worker.wait()
            except ProcessLookupError:
                pass
        self._all.clear()


async def _ask(worker: asyncio.subprocess.Process, request: tuple) -> object:
    if worker.returncode is not None or worker.stdin is None or worker.stdout is None:
        raise EOFError
    data = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
    worker.stdin.write(_LENGTH.pack(len(data)) + data)
    await worker.stdin.drain()
    size = _LENGTH.unpack(await worker.stdout.readexactly(_LENGTH.size))[0]
    return pickle.loads(await worker.stdout.readexactly(size))


def _stop(worker: asyncio.subprocess.Process) -> None:
    if worker.returncode is None:
        try:
            worker.kill()
        except ProcessLookupError:
            pass


def serve(reader, writer) -> None:
    """The worker's loop: a request in, a parsed feed (or FeedError) out, until stdin ends."""
    while header := reader.read(_LENGTH.size):
        request = pickle.loads(reader.read(_LENGTH.unpack(header)[0]))
        try:
            answer: object = parse_outcome(*request)
        except Exception as error:      # a bug: the caller parses it itself and sees it
            answer = repr(error)
        data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        writer.write(_LENGTH.pack(len(data)) + data)
        writer.flush()


if __name__ == "__main__":
    import tui.core.ingest.feeds  # noqa: F401  (the parser loads while the first feed downloads)

    serve(sys.stdin.buffer, sys.stdout.buffer)
