"""The refresh cycle against a real loopback server and a real cache."""

from __future__ import annotations

import gzip
import time

from tests.support.feedgen import config_text, item, rss
from tui.core.cache.query import list_items
from tui.core.config.load import parse_config
from tui.core.engine import backoff_seconds
from tui.core.session import Session


def make_engine(tmp_path, feeds, *, settings=""):
    """A session over a fresh cache: what `wirewatch fetch` refreshes through."""
    config = parse_config(config_text(feeds, settings=settings))
    return Session.open(cache_option=str(tmp_path / "cache"), config=config)


def test_fetch_store_then_304_costs_no_parsing(tmp_path, http_server):
    http_server.conditional("/a.xml", rss([item(1), item(2)]), etag='"v1"')
    engine = make_engine(tmp_path, [("A", http_server.url("/a.xml"))])
    first = engine.refresh_sync(force=True)
    assert [(f.status, f.new) for f in first.feeds] == [("ok", 2)]
    second = engine.refresh_sync(force=True)
    assert [f.status for f in second.feeds] == ["not_modified"]
    assert http_server.requests_to("/a.xml")[-1].header("if-none-match") == '"v1"'
    assert len(list_items(engine.store)) == 2


def test_a_broken_feed_is_reported_and_the_others_still_update(tmp_path, http_server):
    http_server.route("/good.xml", rss([item(1)]), content_type="application/rss+xml")
    http_server.route("/500.xml", "oops", status=500)
    http_server.route("/html.xml", "<html><body>Not here</body></html>", content_type="text/html")
    http_server.truncated("/trunc.xml", rss([item(5)]), content_length=10_000)
    http_server.route("/bad.xml", rss([item(9), item(10)])[:-60], content_type="application/xml")
    engine = make_engine(tmp_path, [
        ("Good", http_server.url("/good.xml")), ("Five", http_server.url("/500.xml")),
        ("Html", http_server.url("/html.xml")), ("Trunc", http_server.url("/trunc.xml")),
        ("Bad", http_server.url("/bad.xml"))])
    report = engine.refresh_sync(force=True)
    by_name = {f.name: f for f in report.feeds}
    assert by_name["Good"].status == "ok" and by_name["Good"].new == 1
    assert by_name["Five"].status == "error" and by_name["Five"].http_status == 500
    assert "HTML" in by_name["Html"].error
    assert by_name["Trunc"].status == "error"
    assert by_name["Bad"].status == "ok" and by_name["Bad"].new >= 1   # tolerant parser
    states = engine.store.feed_states()
    assert states["Five"].failures == 1 and states["Five"].last_error
    assert states["Good"].failures == 0


def test_failures_back_off_and_due_feeds_skip_fresh_ones(tmp_path, http_server):
    http_server.route("/dead.xml", "no", status=503)
    http_server.route("/ok.xml", rss([item(1)]), content_type="application/xml")
    engine = make_engine(tmp_path, [("Dead", http_server.url("/dead.xml")),
                                    ("Ok", http_server.url("/ok.xml"))])
    engine.refresh_sync(force=True)
    assert engine.due_feeds() == []
    state = engine.store.feed_states()["Dead"]
    assert state.next_due - state.last_checked >= backoff_seconds(15 * 60, 1) - 1
    assert backoff_seconds(60, 3) == 480 and backoff_seconds(60, 40) == 6 * 3600


def test_permanent_redirect_updates_the_stored_url(tmp_path, http_server):
    http_server.route("/new.xml", rss([item(1)]), content_type="application/xml")
    http_server.redirect("/old.xml", "/new.xml", status=301)
    engine = make_engine(tmp_path, [("Moved", http_server.url("/old.xml"))])
    engine.refresh_sync(force=True)
    assert engine.store.feed_states()["Moved"].url == http_server.url("/new.xml")
    engine.refresh_sync(force=True)
    assert len(http_server.requests_to("/old.xml")) == 1


def test_gzip_bomb_and_slow_drip_fail_alone(tmp_path, http_server):
    http_server.bomb("/bomb.xml")
    http_server.drip("/drip.xml", rss([item(1)]), interval=0.5)
    http_server.route("/gz.xml", gzip.compress(rss([item(7)])),
                      headers={"Content-Encoding": "gzip"}, content_type="application/xml")
    engine = make_engine(tmp_path, [("Bomb", http_server.url("/bomb.xml")),
                                    ("Drip", http_server.url("/drip.xml")),
                                    ("Gz", http_server.url("/gz.xml"))],
                         settings="max_feed_bytes = 1_000_000\ntimeout_seconds = 1")
    started = time.monotonic()
    report = {f.name: f for f in engine.refresh_sync(force=True).feeds}
    assert time.monotonic() - started < 30
    assert report["Bomb"].status == "error" and "larger" in report["Bomb"].error
    assert report["Drip"].status == "error"
    assert report["Gz"].status == "ok" and report["Gz"].new == 1


def test_progress_is_reported_per_feed(tmp_path, http_server):
    for n in range(3):
        http_server.route(f"/{n}.xml", rss([item(n)]), content_type="application/xml")
    engine = make_engine(tmp_path, [(f"F{n}", http_server.url(f"/{n}.xml")) for n in range(3)])
    seen = []
    engine.refresh_sync(force=True, on_progress=lambda done, total, r: seen.append((done, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_an_all_304_refresh_records_every_feed_as_checked(tmp_path, http_server):
    """304s are recorded together once every feed is in: each still gets its check time, its
    next due time and its failures cleared, exactly as a feed that changed."""
    for name in ("a", "b", "c"):
        http_server.conditional(f"/{name}.xml", rss([item(1)]), etag=f'"{name}1"')
    engine = make_engine(tmp_path, [(name.upper(), http_server.url(f"/{name}.xml"))
                                    for name in ("a", "b", "c")])
    engine.refresh_sync(force=True)
    http_server.route("/b.xml", "down", status=503)
    engine.refresh_sync(force=True)
    assert engine.store.feed_states()["B"].failures == 1
    http_server.conditional("/b.xml", rss([item(1)]), etag='"b1"')
    before = time.time()
    report = engine.refresh_sync(force=True)
    assert [f.status for f in report.feeds] == ["not_modified"] * 3 and report.problems == []
    period = engine.config.settings.refresh_minutes * 60
    for name, state in engine.store.feed_states().items():
        assert state.last_checked >= before and state.last_success >= before, name
        assert state.next_due == state.last_checked + period, name
        assert (state.failures, state.last_error, state.last_status) == (0, None, 304), name
    engine.close()
