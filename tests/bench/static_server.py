"""A static file server for benchmarks, run in its own process so it does not share the
measured program's CPU: serves a folder with ETag / Last-Modified and answers 304."""

from __future__ import annotations

import hashlib
import sys
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(sys.argv[1])
CACHE: dict[str, tuple[bytes, str]] = {}
LAST_MODIFIED = formatdate(usegmt=True)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in two writes: with Nagle's algorithm on, the body waited for
    # the client's delayed ACK of the headers, 40 ms a response on loopback, for every client.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:  # noqa: N802
        name = self.path.lstrip("/").split("?")[0]
        if name not in CACHE:
            path = ROOT / name
            if not path.is_file():
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            data = path.read_bytes()
            CACHE[name] = (data, '"' + hashlib.md5(data).hexdigest() + '"')
        data, etag = CACHE[name]
        if self.headers.get("If-None-Match") == etag or \
                self.headers.get("If-Modified-Since") == LAST_MODIFIED:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", LAST_MODIFIED)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


if __name__ == "__main__":
    server = Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()
