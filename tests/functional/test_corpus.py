"""Every file of feedparser's corpus, served over loopback with its headers, through the real
refresh path into a real cache. The invariants of tests/data/corpus/README.md must hold (the
corpus is vendored there with its licence, so a clone with nothing beside it runs this too)."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.support.httpserver import LoopbackServer
from tui.core.config.load import parse_config
from tui.core.session import Session

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus" / "feedparser"
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")



@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    cache = tmp_path_factory.mktemp("corpus-cache")
    with LoopbackServer() as server:
        lines = ["[settings]", "timeout_seconds = 20", "concurrency = 16", ""]
        for number, row in enumerate(manifest):
            path = f"/c/{number}.xml"
            body = (CORPUS / row["path"]).read_bytes()
            headers = {k: v for k, v in row["headers"].items()
                       if k.lower() not in ("etag", "last-modified")}
            content_type = headers.pop("Content-type", headers.pop("Content-Type", "application/xml"))
            server.route(path, body, headers=headers, content_type=content_type)
            lines += ["[[feeds]]", f'name = "{number}"', f'url = "{server.url(path)}"', ""]
        session = Session.open(cache_option=str(cache), config=parse_config("\n".join(lines)))
        report = session.refresh_sync(force=True)
    yield manifest, report, session.store
    session.close()


def test_ingesting_never_raises_and_every_feed_is_reported(ingested):
    manifest, report, _ = ingested
    assert len(report.feeds) == len(manifest)
    errors = [f for f in report.feeds if f.status == "error"]
    # Only documents with no feed at all may fail, each with a one-line reason.
    assert all(f.error and "\n" not in f.error for f in errors)
    assert len(errors) < len(manifest) * 0.2


def test_every_stored_string_is_safe_text(ingested):
    _, _, store = ingested
    for column in ("title", "summary", "content", "link", "key", "published_raw"):
        for (value,) in store.connection.execute(f"SELECT {column} FROM items"):
            if value is None:
                continue
            assert isinstance(value, str)
            assert not UNSAFE.search(value), (column, value)


def test_dates_are_none_or_plausible_utc(ingested):
    _, _, store = ingested
    now = datetime.now(timezone.utc).timestamp()
    for (published,) in store.connection.execute("SELECT published FROM items"):
        if published is not None:
            when = datetime.fromtimestamp(published, tz=timezone.utc)
            assert datetime(1990, 1, 1, tzinfo=timezone.utc) <= when
            assert published <= now + timedelta(days=2).total_seconds()


def test_every_entry_gets_a_stable_unique_key(ingested):
    _, _, store = ingested
    rows = store.connection.execute("SELECT feed, key, uid FROM items").fetchall()
    assert all(r["key"] and r["uid"] for r in rows)
    assert len({(r["feed"], r["key"]) for r in rows}) == len(rows)
    assert len({r["uid"] for r in rows}) == len(rows)


def test_nothing_is_silently_dropped(ingested):
    """Every entry feedparser sees is stored, unless it repeats another's id and content."""
    import io

    import feedparser

    from tui.core.ingest.feeds import strip_doctype

    manifest, report, store = ingested
    stored = dict(store.connection.execute("SELECT feed, count(*) FROM items GROUP BY feed"))
    missing = []
    for number, row in enumerate(manifest):
        body = strip_doctype((CORPUS / row["path"]).read_bytes())
        parsed = feedparser.parse(io.BytesIO(body), sanitize_html=False)
        distinct = {(e.get("id"), e.get("title"), e.get("summary"))
                    for e in parsed.entries}
        if len(distinct) > stored.get(str(number), 0):
            missing.append(row["path"])
    assert missing == []
