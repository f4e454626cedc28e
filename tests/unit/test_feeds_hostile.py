"""parse_feed and strip_doctype against documents built to hurt them."""

from __future__ import annotations

import random
import re
import time
import tracemalloc
from pathlib import Path

import pytest

from tests.support.feedgen import atom, item, rss
from tui.core.ingest.feeds import ParsedFeed, parse_feed, strip_doctype

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus" / "feedparser"
KEYWORD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)


def entity_bomb(*, padding: int, value: int = 10_000, references: int = 3_000) -> bytes:
    """An RSS document whose one item title references a 10 KB entity 3,000 times.

    The DOCTYPE starts after ``padding`` bytes of comment, on its own line, as
    feedparser's head regexes want it. The document is cut off before ``</rss>``, so the
    strict lxml reader refuses it and feedparser (expat, then its loose parser) reads it.
    """
    return (
        '<?xml version="1.0"?>\n'
        f"<!-- {'p' * padding} -->\n"
        f'<!DOCTYPE rss [\n<!ENTITY big "{"x" * value}">\n]>\n'
        '<rss version="2.0"><channel><title>Bomb</title>'
        f"<item><title>{'&big;' * references}</title><link>https://a.example/1</link></item>"
        "</channel>"
    ).encode()


def parse_measured(body: bytes) -> tuple[ParsedFeed, float, int]:
    """parse_feed with its time and its peak of Python allocations."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        feed = parse_feed(body)
        return feed, time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# -- task 3: no DTD or entity declaration reaches a parser -------------------------------


@pytest.mark.parametrize("padding", [0, 70_000, 300_000], ids=["early", "past-64k", "past-300k"])
def test_entity_bomb_costs_bounded_memory_and_time_on_the_feedparser_path(padding: int) -> None:
    body = entity_bomb(padding=padding)

    feed, seconds, peak = parse_measured(body)

    assert feed.parser == "feedparser"  # the path that expands entities
    assert peak < 30_000_000, f"peak {peak / 1e6:.0f} MB"
    assert seconds < 5, f"{seconds:.1f} s"
    assert all("x" * 1000 not in e.title for e in feed.entries)


def test_declarations_anywhere_are_removed() -> None:
    body = (
        b'<?xml version="1.0"?><!-- pad -->\n<!DOCTYPE rss [<!ENTITY a "1">]>'
        b'<rss version="2.0"><!ENTITY b "2"><channel><title>t</title></channel>'
        b"<!-- <!ENTITY c 'in a comment'> -->"
        b'<!doctype again SYSTEM "x.dtd"></rss>\n<!ENTITY % d "3">'
    )

    stripped = strip_doctype(body)

    assert KEYWORD.search(stripped) is None
    assert stripped == (
        b'<?xml version="1.0"?><!-- pad -->\n<rss version="2.0"><channel><title>t</title>'
        b"</channel><!--  --></rss>\n"
    )


def test_quoted_brackets_and_comments_do_not_end_a_subset_early() -> None:
    body = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "]>"><!-- ]> --><!ENTITY b \']>\'>]>'
            b"<x/>")

    assert strip_doctype(body) == b'<?xml version="1.0"?><x/>'


def test_a_keyword_that_is_only_text_does_not_swallow_the_document() -> None:
    # A comment quoting the word, and a CDATA section holding it: both stay closed.
    body = (b'<!-- mentions "<!DOCTYPE" -->\n<rss version="2.0"><channel><title>t</title>'
            b"<item><title>a</title><description><![CDATA[ <!DOCTYPE ]]></description>"
            b"<link>https://a.example/1</link></item></channel></rss>")

    feed = parse_feed(body)

    assert feed.parser == "lxml"
    assert [e.title for e in feed.entries] == ["a"]


def test_no_keyword_survives_or_forms_where_pieces_meet() -> None:
    pieces = [b"<!DOCTYPE x>", b"<!ENTITY a 'v'>", b"<!DOC", b"TYPE", b"<!ENT", b"ITY", b" ",
              b"[", b"]", b">", b'"', b"'", b"<!--", b"-->", b"<x>", b"text", b"<!", b"<"]
    rng = random.Random(20251122)
    for _ in range(3_000):
        body = b"".join(rng.choice(pieces) for _ in range(rng.randint(1, 14)))
        assert KEYWORD.search(strip_doctype(body)) is None, body


@pytest.mark.parametrize(
    "unit",
    [b"<!DOCTYPE x [", b'<!DOCTYPE x "', b"<!DOCTYPE x [<!--", b"<!ENTITY a '", b"<!DOCTYPE "],
    ids=["open-subset", "open-quote", "open-comment", "entity-open-quote", "bare"],
)
def test_strip_doctype_is_linear_on_pathological_bodies(unit: bytes) -> None:
    body = unit * (2_000_000 // len(unit))

    started = time.perf_counter()
    strip_doctype(body)
    seconds = time.perf_counter() - started

    assert seconds < 1.0, f"{seconds:.2f} s for {len(body)} bytes"


def test_documents_without_a_declaration_are_returned_untouched() -> None:
    bodies = [rss([item(i) for i in range(30)]), atom([item(1)]), b"<rss/>"]
    bodies += [p.read_bytes() for p in sorted((CORPUS / "tests" / "wellformed").rglob("*.xml"))]
    for body in bodies:
        if KEYWORD.search(body) is None:
            assert strip_doctype(body) is body
