"""The sample news site behind `wirewatch demo`, served on 127.0.0.1 from a daemon thread.

The site has a stage counter. Every stage is rendered in full into an immutable snapshot
(path -> response) when it begins, so request handlers only look things up, and a feed's
ETag and Last-Modified change exactly when its document does. Stages advance on a timer
(`advance_every` seconds) or by hand with `advance()`.
"""

from __future__ import annotations

import email.utils
import gzip
import hashlib
import json
import socket
import sys
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from tui.demo.content import Item, ItemState, Outlet, load_outlets, state_at
from tui.demo.render import http_date, render_article, render_feed, render_index

CONTENT_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "html": "text/html; charset=utf-8",
}
RELATED_LINKS = 4

# The default watchlist of SPEC.md, written into the demo's feeds.toml.
REGIONS = ["Crimea", "Donetsk", "Luhansk", "Kherson", "Zaporizhzhia"]
NEGOTIATORS: list[str | dict] = [
    "Witkoff", "Kushner", "Rubio", "Lavrov", "Yermak", "Umerov", "Zelensky", "Putin", "Trump",
    {"name": "Dmitriev", "aliases": ["Kirill Dmitriev"]},
]  # fmt: skip
ALERTS = [
    {
        "name": "Crimea recognition",
        "all": ["Crimea"],
        "any": ["recognition", "recognize", "recognise", "Anerkennung", "визнання", "признание"],
        "notify": ["toast", "bell"],
    },
    {
        "name": "Witkoff in Moscow",
        "all": ["Witkoff"],
        "any": ["Moscow", "Moskau", "Москва", "Москві"],
    },
]


@dataclass(frozen=True)
class DemoFeed:
    name: str
    url: str
    tags: tuple[str, ...]
    language: str


@dataclass(frozen=True)
class DemoItem:
    """An item visible on the site at the current stage (for tests and the demo's own use)."""

    feed: str  # the outlet's name, as in DemoFeed.name
    slug: str  # the outlet's slug, as in /feeds/<slug>.xml
    id: str  # the item's id, as in /articles/<slug>/<id>.html
    url: str
    title: str
    added_at: int  # the stage at which it appeared
    revised_at: int | None  # the stage of its latest revision so far


@dataclass(frozen=True)
class _Response:
    body: bytes
    content_type: str
    etag: str
    last_modified: datetime

    def gzipped(self) -> bytes:
        return gzip.compress(self.body, compresslevel=6, mtime=0)


def _toml_value(value: object) -> str:
    """A TOML literal for strings, numbers, lists and inline tables (JSON strings are valid TOML)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"no TOML form for {value!r}")


class DemoSite:
    """A fictional news site with six outlets that changes while it runs."""

    def __init__(self, *, advance_every: float | None = 45.0, port: int = 0) -> None:
        """`port` 0 takes any free port (tests, the demo dashboard); `demo --serve --port N`
        asks for a fixed one, so a feeds.toml written for it keeps working next time."""
        if advance_every is not None and advance_every <= 0:
            raise ValueError("advance_every must be positive or None")
        if not 0 <= port <= 65535:
            raise ValueError("port must be between 0 and 65535")
        self.advance_every = advance_every
        self.port = port
        self._outlets: list[Outlet] = load_outlets()
        self._lock = threading.Lock()
        self._stage = 0
        self._stage_times: list[datetime] = [self._now()]
        self._snapshot: dict[str, _Response] = {}
        self._feed_changed: dict[str, datetime] = {}  # slug -> when its document last changed
        self._feed_core: dict[str, bytes] = {}  # slug -> the document without its build date
        self._server: ThreadingHTTPServer | None = None
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()

    # ------------------------------------------------------------------ lifecycle

    @staticmethod
    def _now() -> datetime:
        return datetime.now(timezone.utc).replace(microsecond=0)

    def start(self) -> None:
        if self._server is not None:
            raise RuntimeError("the demo site is already running")
        site = self

        class Handler(_Handler):
            demo = site

        server = _Server(("127.0.0.1", self.port), Handler)
        self._server = server
        self._stopping.clear()
        with self._lock:
            if self._stage == 0:
                self._stage_times[0] = self._now()  # dates are relative to the moment the site opens
            self._rebuild()
        serve = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="wirewatch-demo-http", daemon=True
        )
        serve.start()
        self._threads = [serve]
        if self.advance_every is not None:
            timer = threading.Thread(target=self._tick, name="wirewatch-demo-stages", daemon=True)
            timer.start()
            self._threads.append(timer)

    def stop(self) -> None:
        server, self._server = self._server, None
        self._stopping.set()
        if server is not None:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads = []

    def __enter__(self) -> DemoSite:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _tick(self) -> None:
        while not self._stopping.wait(self.advance_every):
            self.advance()

    # ------------------------------------------------------------------ public state

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the demo site is not running: call start() first")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def stage(self) -> int:
        return self._stage

    @property
    def feeds(self) -> list[DemoFeed]:
        base = self.base_url
        return [DemoFeed(o.name, f"{base}/feeds/{o.slug}.xml", o.tags, o.language) for o in self._outlets]

    def items(self) -> list[DemoItem]:
        """Every item visible now, outlet by outlet, in feed order (newest first)."""
        base = self.base_url
        with self._lock:
            stage = self._stage
        result = []
        for outlet in self._outlets:
            for state, _published, _updated in self._entries(outlet, stage):
                result.append(
                    DemoItem(
                        outlet.name, outlet.slug, state.item.id, base + state.path,
                        state.title, state.item.stage, state.revised_at,
                    )
                )  # fmt: skip
        return result

    def advance(self) -> int:
        """Move to the next stage now (new items, edited articles); returns the new stage."""
        with self._lock:
            now = self._now()
            # Strictly later than the previous stage, so Last-Modified always moves forward.
            now = max(now, self._stage_times[-1] + timedelta(seconds=1))
            self._stage += 1
            self._stage_times.append(now)
            if self._server is not None:
                self._rebuild()
            return self._stage

    # ------------------------------------------------------------------ rendering

    @staticmethod
    def _published(item: Item, stage_times: list[datetime]) -> datetime:
        """First-day items are spread over the hours before the site opened; later ones
        are published the moment their stage begins."""
        if item.stage == 0:
            return stage_times[0] - timedelta(hours=item.hours_ago)
        return stage_times[item.stage]

    def _entries(self, outlet: Outlet, stage: int) -> list[tuple[ItemState, datetime, datetime]]:
        entries = []
        for item in outlet.items:
            if item.stage > stage:
                continue
            state = state_at(outlet, item, stage)
            published = self._published(item, self._stage_times)
            updated = published if state.revised_at is None else self._stage_times[state.revised_at]
            entries.append((state, published, max(published, updated)))
        entries.sort(key=lambda e: e[1], reverse=True)
        return entries

    def _rebuild(self) -> None:
        """Render every document for the current stage (called with the lock held)."""
        base, stage, now = self.base_url, self._stage, self._stage_times[self._stage]
        snapshot: dict[str, _Response] = {}
        for outlet in self._outlets:
            entries = self._entries(outlet, stage)
            core = render_feed(outlet, entries, base, None)
            if self._feed_core.get(outlet.slug) != core:
                self._feed_core[outlet.slug] = core
                newest = max((e[2] for e in entries), default=now)
                self._feed_changed[outlet.slug] = max(now, newest) if stage else newest
            changed = self._feed_changed[outlet.slug]
            document = render_feed(outlet, entries, base, changed)
            snapshot[f"/feeds/{outlet.slug}.xml"] = self._response(document, outlet.format, changed)
            for state, published, updated in entries:
                if state.item.kind == "index":
                    body = render_index(outlet, state, [e[0] for e in entries if e[0] is not state], base)
                else:
                    related = self._related(state, published, entries)
                    body = render_article(outlet, state, published, updated, related, base)
                snapshot[state.path] = self._page_response(state.path, body, updated, now)
        self._snapshot = snapshot

    def _page_response(self, path: str, body: bytes, updated: datetime, now: datetime) -> _Response:
        """Last-Modified moves whenever the page's bytes do, also for a changed sidebar."""
        response = self._response(body, "html", updated)
        previous = self._snapshot.get(path)
        if previous is not None:
            when = previous.last_modified if previous.etag == response.etag else max(now, updated)
            response = _Response(body, response.content_type, response.etag, when.replace(microsecond=0))
        return response

    @staticmethod
    def _related(state: ItemState, published: datetime, entries) -> list[ItemState]:
        """The nearest older articles, topped up with first-day ones: a new item never
        enters an older page's related box, so a page changes only when its item does
        (or when an item in its box is retitled)."""
        articles = [(s, p) for s, p, _u in entries if s is not state and s.item.kind == "article"]
        older = [s for s, p in articles if p < published]
        newer = [s for s, p in reversed(articles) if p >= published and s.item.stage == 0]
        return (older + newer)[:RELATED_LINKS]

    @staticmethod
    def _response(body: bytes, kind: str, last_modified: datetime) -> _Response:
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        return _Response(body, CONTENT_TYPES[kind], etag, last_modified.replace(microsecond=0))

    def _lookup(self, path: str) -> _Response | None:
        return self._snapshot.get(path)

    # ------------------------------------------------------------------ configuration

    def config_toml(self) -> str:
        """A complete feeds.toml for the demo, pointing at this running site."""
        lines = [
            "# wirewatch demo: feeds on the bundled sample site (fictional outlets and sample text)",
            f"# served at {self.base_url} while `wirewatch demo` (or `demo --serve`) runs.",
            "",
            "[settings]",
            "refresh_minutes = 0.5",
            "timeout_seconds = 10",
            'full_text = "all"',
        ]
        for feed in self.feeds:
            lines += [
                "",
                "[[feeds]]",
                f"name = {_toml_value(feed.name)}",
                f"url = {_toml_value(feed.url)}",
                f"tags = {_toml_value(list(feed.tags))}",
                f"language = {_toml_value(feed.language)}",
            ]
        lines += [
            "",
            "[watch.regions]",
            'color = "orange1"',
            f"terms = {_toml_value(REGIONS)}",
            "",
            "[watch.negotiators]",
            'color = "cyan"',
            "terms = [",
            *(f"    {_toml_value(term)}," for term in NEGOTIATORS),
            "]",
        ]
        for alert in ALERTS:
            lines += ["", "[[alerts]]"] + [f"{key} = {_toml_value(value)}" for key, value in alert.items()]
        return "\n".join(lines) + "\n"


class _Server(ThreadingHTTPServer):
    """A client that hangs up mid-request (a `watch` stopped while it fetched, a reset
    connection) is the client's business: socketserver printed a traceback for each one on
    the terminal `demo --serve` runs in. Anything else is still reported."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):   # reset, aborted, broken pipe
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    """GET/HEAD of a snapshot entry, with conditional requests and gzip; 404 otherwise."""

    demo: DemoSite
    server_version = "wirewatch-demo/1"
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without this, kept-alive connections
        # stall on delayed ACKs (about 40 ms a request).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - keep the demo quiet
        pass

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(send_body=False)

    def do_GET(self) -> None:  # noqa: N802
        self._serve(send_body=True)

    def _serve(self, *, send_body: bool) -> None:
        if self.demo._server is None:  # a kept-alive connection outliving stop()
            self.close_connection = True
            self._send(503, b"the demo site has stopped\n", "text/plain; charset=utf-8", {}, send_body)
            return
        response = self.demo._lookup(urlsplit(self.path).path)
        if response is None:
            self._send(404, b"not found\n", "text/plain; charset=utf-8", {}, send_body)
            return
        use_gzip = "gzip" in self.headers.get("Accept-Encoding", "").lower()
        etag = response.etag if not use_gzip else response.etag[:-1] + '-gz"'
        headers = {
            "ETag": etag,
            "Last-Modified": http_date(response.last_modified),
            "Cache-Control": "no-cache",
            "Vary": "Accept-Encoding",
        }
        if self._not_modified(response):
            self._send(304, b"", None, headers, send_body)
            return
        body = response.body
        if use_gzip:
            body = response.gzipped()
            headers["Content-Encoding"] = "gzip"
        self._send(200, body, response.content_type, headers, send_body)

    def _not_modified(self, response: _Response) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:  # takes precedence over If-Modified-Since (RFC 9110)
            wanted = {response.etag, response.etag[:-1] + '-gz"'}
            tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
            return "*" in tags or bool(tags & wanted)
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                when = email.utils.parsedate_to_datetime(since)
            except (TypeError, ValueError):
                return False
            if when.tzinfo is None:
                when = when.replace(tzinfo=timezone.utc)
            return response.last_modified <= when
        return False

    def _send(self, status: int, body: bytes, content_type: str | None, headers: dict, send_body: bool) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body and status != 304:
            self.wfile.write(body)
