"""The helper process's side of tui.core.helper, and the framing both sides use.

It imports next to nothing: the helper's start-up (an interpreter without site-packages, this
module, then what the work needs) is what the first diff waits for, and it competes for the
processor with the screen that asked for it.

A message is a pickle preceded by its length (8 bytes, big-endian).
"""

from __future__ import annotations

import os
import pickle
import signal
import socket
import struct
from importlib import import_module

_LENGTH = struct.Struct("!Q")


def send(sock: socket.socket, message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(_LENGTH.pack(len(data)))
    sock.sendall(data)


def receive(sock: socket.socket) -> object:
    """The next message; EOFError when the other side has gone."""
    (size,) = _LENGTH.unpack(_exactly(sock, _LENGTH.size))
    return pickle.loads(_exactly(sock, size))


def _exactly(sock: socket.socket, size: int) -> bytearray:
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    while got < size:
        count = sock.recv_into(view[got:])
        if not count:
            raise EOFError("the other side closed the pipe")
        got += count
    return buffer


def serve(fd: int, preload: list[str]) -> None:
    """Run calls from the socket until it closes: each `(function, args)` is answered with
    `("ok", result)` or `("error", exception)`."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)     # the dashboard alone decides when it ends
    for name in preload:
        import_module(name)
    sock = socket.socket(fileno=fd)
    send(sock, ("ready", os.getpid()))
    while True:
        try:
            function, args = receive(sock)  # type: ignore[misc]
        except EOFError:
            return
        try:
            reply: tuple[str, object] = ("ok", function(*args))
        except Exception as error:          # noqa: BLE001 - any error is the caller's to see
            reply = ("error", error)
        try:
            send(sock, reply)
        except Exception as error:          # noqa: BLE001 - a result or error that does not pickle
            send(sock, ("error", RuntimeError(f"{type(error).__name__}: {error}")))
