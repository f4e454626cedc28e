"""Parsing in worker processes: the same feeds stored as when the writer thread parses, a
worker's FeedError is the feed's error, and a dead worker costs nothing but its speed."""

from __future__ import annotations

import asyncio

from tests.support.feedgen import atom, config_text, item, rss
from tui.core import engine as engine_module
from tui.core.cache.query import list_items
from tui.core.config.load import parse_config
from tui.core.ingest import workers
from tui.core.ingest.feeds import FeedError, parse_feed
from tui.core.session import Session

FEEDS = workers.MIN_FEEDS + 5


def serve_feeds(http_server) -> list[tuple[str, str]]:
    feeds = []
    for n in range(FEEDS):
        body = (atom if n % 3 == 0 else rss)(
            [item(n * 100 + i, title=f"Kyiv talks {n}-{i}", link=f"/rel/{n}/{i}") for i in range(4)])
        if n == 7:
            body = b"<html><body>not a feed</body></html>"
        if n == 8:
            body = rss([item(800), item(801)])[:-60]             # cut off: the tolerant parser
        http_server.route(f"/f{n}.xml", body, content_type="application/xml")
        feeds.append((f"feed {n}", http_server.url(f"/f{n}.xml")))
    return feeds


def stored(tmp_path, name, feeds):
    session = Session.open(cache_option=str(tmp_path / name), config=parse_config(config_text(feeds)))
    try:
        report = session.refresh_sync(force=True)
        items = sorted((i.feed, i.title, i.link, i.summary, i.published, i.uid)
                       for i in list_items(session.store, limit=None))
        outcomes = sorted((f.name, f.status, f.new, f.error, f.warning) for f in report.feeds)
        return outcomes, items
    finally:
        session.close()


def test_a_big_refresh_stores_what_the_writer_thread_would_have(tmp_path, http_server, monkeypatch):
    feeds = serve_feeds(http_server)
    asked = []
    real_parse = workers.ParserPool.parse

    async def counting_parse(self, *args):
        answer = await real_parse(self, *args)
        asked.append(answer)
        return answer

    monkeypatch.setattr(workers.ParserPool, "parse", counting_parse)
    in_workers = stored(tmp_path, "workers", feeds)
    assert len(asked) == FEEDS and all(answer is not None for answer in asked)
    assert sum(isinstance(answer, FeedError) for answer in asked) == 1

    asked.clear()
    monkeypatch.setattr(engine_module, "MIN_FEEDS", FEEDS + 1)        # the writer parses
    in_writer = stored(tmp_path, "writer", feeds)
    assert asked == []
    assert in_workers == in_writer
    outcomes, items = in_workers
    assert [o for o in outcomes if o[1] == "error"] == [
        ("feed 7", "error", 0, "not a feed (an HTML page)", None)]
    assert len(items) > (FEEDS - 2) * 4
    relative = [link for feed, _, link, *_ in items if feed != "feed 8"]
    assert all(link.startswith("http://127.0.0.1:") and "/rel/" in link for link in relative)


def test_workers_start_only_when_a_feed_has_a_body_to_parse(tmp_path, http_server, monkeypatch):
    feeds = []
    for n in range(FEEDS):
        http_server.conditional(f"/c{n}.xml", rss([item(n * 100 + i) for i in range(3)]))
        feeds.append((f"feed {n}", http_server.url(f"/c{n}.xml")))
    started = []
    real_spawn = workers.ParserPool._spawn

    async def counting_spawn(self):
        started.append(self)
        await real_spawn(self)

    monkeypatch.setattr(workers.ParserPool, "_spawn", counting_spawn)
    session = Session.open(cache_option=str(tmp_path / "cache"),
                           config=parse_config(config_text(feeds)))
    try:
        cold = session.refresh_sync(force=True)
        assert {f.status for f in cold.feeds} == {"ok"} and len(started) == 1
        again = session.refresh_sync(force=True)            # every feed answers 304
        assert {f.status for f in again.feeds} == {"not_modified"}
        assert len(started) == 1                            # no worker for nothing to parse
    finally:
        session.close()


def test_new_items_first_versions_are_named_where_their_feed_is_parsed(tmp_path, http_server,
                                                                       monkeypatch):
    """A new item's first version is named by a digest of its words. A big refresh makes it in
    the worker that parsed the feed, not in the process that stores (a tenth of that one's
    time for 15,000 items); what is stored is the digest of the words stored."""
    from tui.core.cache import store as store_module
    from tui.core.ingest.digest import content_digest

    made_by_the_writer = []

    def counted(*args):
        made_by_the_writer.append(args)
        return content_digest(*args)

    monkeypatch.setattr(store_module, "content_digest", counted)
    session = Session.open(cache_option=str(tmp_path / "cache"),
                           config=parse_config(config_text(serve_feeds(http_server))))
    try:
        session.refresh_sync(force=True)
        rows = session.store.connection.execute(
            "SELECT i.title, i.summary, v.digest FROM versions v "
            "JOIN items i ON i.id = v.item_id").fetchall()
    finally:
        session.close()
    assert len(rows) > (FEEDS - 2) * 4
    assert all(digest == content_digest(title, summary, None) for title, summary, digest in rows)
    assert made_by_the_writer == []


def test_a_dead_worker_leaves_its_feeds_to_the_caller():
    async def scenario():
        pool = workers.ParserPool(workers=1)
        pool.start()
        body = rss([item(1), item(2)])
        first = await pool.parse(body, {}, "http://h/feed.xml", None)
        for worker in pool._all:
            worker.kill()
            await worker.wait()
        after = await pool.parse(body, {}, "http://h/feed.xml", None)
        await pool.close()
        return first, after

    first, after = asyncio.run(scenario())
    assert first == parse_feed(rss([item(1), item(2)]), {}, base_url="http://h/feed.xml")
    assert after is None


def test_a_worker_answers_a_feed_error_and_stops_with_the_pool():
    async def scenario():
        pool = workers.ParserPool(workers=2)
        pool.start()
        answers = await asyncio.gather(
            pool.parse(b"<html>no</html>", {}, None, None),
            pool.parse(b"", {}, None, None),
            pool.parse(rss([item(3)]), {"Content-Type": "application/rss+xml"}, None, "de"))
        processes = list(pool._all)
        await pool.close()
        return answers, processes

    (html, empty, feed), processes = asyncio.run(scenario())
    assert isinstance(html, FeedError) and str(html) == "not a feed (an HTML page)"
    assert isinstance(empty, FeedError) and str(empty) == "empty response"
    assert [e.title for e in feed.entries] == ["Headline 3"]
    assert len(processes) == 2 and all(p.returncode is not None for p in processes)


async def test_the_dashboard_refreshes_a_big_list_through_the_workers(tmp_path, http_server,
                                                                       monkeypatch):
    from datetime import timezone

    from tests.support.cachegen import make_session
    from tui.app import WirewatchApp
    from tui.widgets.headline_table import HeadlineTable

    feeds = serve_feeds(http_server)
    answered = []
    real_parse = workers.ParserPool.parse

    async def counting_parse(self, *args):
        answer = await real_parse(self, *args)
        answered.append(answer is not None)
        return answer

    monkeypatch.setattr(workers.ParserPool, "parse", counting_parse)
    session = make_session(tmp_path / "cache", config=parse_config(config_text(feeds)))
    app = WirewatchApp(session, timezone=timezone.utc)
    async with app.run_test(size=(120, 30)) as pilot:
        for _ in range(200):
            await pilot.pause(0.05)
            if len(answered) == FEEDS and not app.screen.refreshing:
                break
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert answered == [True] * FEEDS
        assert app.screen.query_one(HeadlineTable).total > (FEEDS - 2) * 4
