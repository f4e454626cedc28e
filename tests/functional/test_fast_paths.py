"""The parser's shortcuts for the common case (tui.core.ingest.sanitize.FAST_PATHS) change
nothing: every file of feedparser's corpus, and the benchmark's own feeds, parse to the same
feed with them as without them, field by field, with the headers a server would send."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.bench.bench_fetch import feed_doc
from tests.support.feedgen import atom, item, rss
from tui.core.ingest import feeds, sanitize
from tui.core.ingest.feeds import FeedError, parse_feed

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus" / "feedparser"


def parsed(body: bytes, headers: dict[str, str], base_url: str, fast: bool):
    """The feed (or the FeedError's message) with the shortcuts on or off."""
    previous, sanitize.FAST_PATHS = sanitize.FAST_PATHS, fast
    try:
        return parse_feed(body, headers, base_url=base_url)
    except FeedError as error:
        return f"FeedError: {error}"
    finally:
        sanitize.FAST_PATHS = previous


@pytest.fixture
def dates_left_out(monkeypatch):
    """Dates are a function of `published_raw` (compared) and of the clock and a per-document
    time budget (which would make the comparison depend on the machine's speed)."""
    monkeypatch.setattr(feeds, "assign_dates", lambda entries, language: None)


def corpus() -> list[dict]:
    return json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))


def test_the_corpus_is_all_there():
    rows = corpus()
    assert len(rows) > 2000 and all((CORPUS / row["path"]).is_file() for row in rows)


@pytest.mark.slow
def test_every_corpus_file_parses_the_same_with_and_without_the_shortcuts(dates_left_out):
    differing, compared, with_entries = [], 0, 0
    for number, row in enumerate(corpus()):
        body = (CORPUS / row["path"]).read_bytes()
        base_url = f"http://127.0.0.1:8080/c/{number}.xml"
        careful = parsed(body, row["headers"], base_url, fast=False)
        fast = parsed(body, row["headers"], base_url, fast=True)
        compared += 1
        with_entries += not isinstance(careful, str) and bool(careful.entries)
        if fast != careful:
            differing.append(row["path"])
    assert compared == len(corpus()) and with_entries > 1000
    assert differing == []


def test_generated_feeds_parse_the_same_with_and_without_the_shortcuts(dates_left_out):
    documents = [feed_doc(n, 20) for n in range(5)] + [
        rss([item(1, title="Tabs\tand  double  spaces", summary="A &amp; B <b>bold</b>\r\nnext"),
             item(2, title="Ünïcode — dash", link="https://h.example/a/../b?q=1"),
             item(3, title="\u202eevil", link="http://h.example/b?", guid="g;3"),
             item(4, link="/relative/path", content="<p>para</p><p>two</p>")]),
        atom([item(5, title="Atom title", link="http://[::1/broken"), item(6, link="HTTP://h/x")]),
    ]
    for body in documents:
        careful = parsed(body, {}, "https://base.example/feed.xml", fast=False)
        assert not isinstance(careful, str) and careful.entries
        assert parsed(body, {}, "https://base.example/feed.xml", fast=True) == careful


@pytest.mark.parametrize("link", [
    "http://h.example/a", "https://h.example:8080/p?q=1&r=2", "http:///x", "http://h/a/../b",
    "http://h/b?", "http://h/b#", "http://h/b#frag", "HTTP://h/x", "http://h/b;p",
    "http://[::1/x", "http://h/a b", "http://h/\u00e9", "javascript:alert(1)", "/relative",
    "https:h/x", "//h/x", "http://user:pw@h/x",
])
@pytest.mark.parametrize("base", [None, "http://base.example/dir/feed.xml", "https://b.example/"])
def test_a_link_resolves_the_same_with_and_without_the_shortcut(link, base):
    previous = sanitize.FAST_PATHS
    try:
        sanitize.FAST_PATHS = True
        fast = feeds._resolved_link(link, base)
        sanitize.FAST_PATHS = False
        assert fast == feeds._resolved_link(link, base)
    finally:
        sanitize.FAST_PATHS = previous


@pytest.mark.parametrize("text", [
    "plain", "  edges  ", "double  space", "tab\there", "line\nbreak", "cr\r\nlf", "esc\x1b[31m",
    "del\x7f", "nbsp\u00a0here", "bidi\u202eoverride", "x" * 5000, "word " * 1000, "",
])
def test_text_cleans_the_same_with_and_without_the_shortcuts(text):
    previous = sanitize.FAST_PATHS
    try:
        results = []
        for fast in (True, False):
            sanitize.FAST_PATHS = fast
            results.append((sanitize.clean_text(text, 300), sanitize.one_line(text, 300),
                            sanitize.html_to_text(text, 300), sanitize.strip_unsafe(text)))
        assert results[0] == results[1]
    finally:
        sanitize.FAST_PATHS = previous


def corpus_dates() -> list[str]:
    """Every date string of the corpus: its date list and the raw dates of its entries."""
    listed = json.loads((CORPUS / "dates.json").read_text(encoding="utf-8"))
    raws = [row[0] if isinstance(row, list) else row.get("raw") or row.get("input")
            for row in listed]
    for number, row in enumerate(corpus()):
        feed = parsed((CORPUS / row["path"]).read_bytes(), row["headers"], "http://h/", True)
        if not isinstance(feed, str):
            raws += [entry.published_raw for entry in feed.entries if entry.published_raw]
    return [raw for raw in raws if isinstance(raw, str)]


EDGE_DATES = [
    "Wed, 02 Dec 2026 14:05:00 +0000", "02 Dec 2026 14:05:00 GMT", "Wed, 2 Dec 2026 14:05:00 UT",
    "Wed, 02 Dec 2026 14:05:00 UTC", "Wed, 02 Dec 2026 14:05:00 -0000", "Wed, 31 Feb 2026 10:00:00 +0000",
    "Wed, 02 Dec 2026 24:00:00 +0000", "Wed, 02 Dec 2026 14:05:00 +0530", "Wed, 02 Dec 2026 14:05:00 -0800",
    "Wed, 02 Dec 2026 14:05:00 +9959", "Wed, 02 Dec 2026 14:05:00 +0090", "Wed, 02 Dec 1901 14:05:00 GMT",
    "Wed, 02 Dec 2099 14:05:00 GMT", "Wed, 02 dec 2026 14:05:00 GMT", "Wed, 02 Dec 26 14:05:00 GMT",
    "Wed,  02 Dec  2026 14:05:00  GMT", "Wed, 02 Dec 2026 14:05:00 CEST",
]


@pytest.mark.slow
def test_every_corpus_date_reads_the_same_with_and_without_the_shortcut(dates_left_out):
    from datetime import UTC, datetime

    from tui.core.ingest.dates import _common_rfc822, parse_date

    now = datetime(2030, 1, 1, tzinfo=UTC)
    generated = parsed(feed_doc(1, 50), {}, "http://h/", True).entries
    raws = corpus_dates() + EDGE_DATES + [entry.published_raw for entry in generated]
    shortcut_taken = 0
    previous = sanitize.FAST_PATHS
    try:
        for raw in raws:
            normalised = " ".join(raw.split())[:200]
            if _common_rfc822(normalised) is None and raw not in EDGE_DATES:
                continue            # the shortcut does not apply: both take the careful path
            shortcut_taken += _common_rfc822(normalised) is not None
            sanitize.FAST_PATHS = True
            fast = parse_date(raw, language="en", now=now)
            sanitize.FAST_PATHS = False
            assert fast == parse_date(raw, language="en", now=now), raw
    finally:
        sanitize.FAST_PATHS = previous
    assert shortcut_taken > 60     # the corpus has 20 such dates, the generated feed 50
