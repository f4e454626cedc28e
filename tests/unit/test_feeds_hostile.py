"""parse_feed and strip_doctype against documents built to hurt them."""

from __future__ import annotations

import random
import re
import tracemalloc
from pathlib import Path

import pytest

from tests.support.feedgen import atom, item, rss
from tui.core.ingest import feeds as feeds_module
from tui.core.ingest.feeds import FeedError, ParsedFeed, parse_feed, strip_doctype

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus" / "feedparser"
KEYWORD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


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


def parse_measured(body: bytes) -> tuple[ParsedFeed, int]:
    """parse_feed with its peak of Python allocations (bench_hostile.py times it)."""
    tracemalloc.start()
    try:
        feed = parse_feed(body)
        return feed, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# -- task 3: no DTD or entity declaration reaches a parser -------------------------------


@pytest.mark.parametrize("padding", [0, 70_000, 300_000], ids=["early", "past-64k", "past-300k"])
def test_entity_bomb_costs_bounded_memory_on_the_feedparser_path(padding: int) -> None:
    body = entity_bomb(padding=padding)

    feed, peak = parse_measured(body)

    assert feed.parser == "feedparser"  # the path that expands entities
    assert peak < 30_000_000, f"peak {peak / 1e6:.0f} MB"
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
def test_strip_doctype_finishes_on_pathological_bodies(unit: bytes) -> None:
    """2 MB of an opening that never closes: a quadratic scan would not return within the
    suite's life (bench_hostile.py has the time, about 0.1 s), and nothing survives."""
    body = unit * (2_000_000 // len(unit))

    stripped = strip_doctype(body)

    assert KEYWORD.search(stripped) is None
    assert len(stripped) < len(body)


def test_documents_without_a_declaration_are_returned_untouched() -> None:
    bodies = [rss([item(i) for i in range(30)]), atom([item(1)]), b"<rss/>"]
    bodies += [p.read_bytes() for p in sorted((CORPUS / "tests" / "wellformed").rglob("*.xml"))]
    for body in bodies:
        if KEYWORD.search(body) is None:
            assert strip_doctype(body) is body


# -- task 5: what was dropped or made up is said, at parse time --------------------------

MEDIA_NS = "http://search.yahoo.com/mrss/"


def rss_items(items: str, *, namespaces: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" {namespaces}><channel>'
            f"<title>Clips</title><link>https://clips.example/</link>{items}</channel></rss>"
            ).encode()


def test_a_clean_document_has_no_notes() -> None:
    assert parse_feed(rss([item(i) for i in range(5)])).notes == []
    assert parse_feed(atom([item(1)])).notes == []


@pytest.mark.parametrize("build", [rss, atom], ids=["rss", "atom"])
def test_entries_over_the_cap_are_noted(build) -> None:
    feed = parse_feed(build([item(i) for i in range(2_500)]))

    assert feed.parser == "lxml"
    assert len(feed.entries) == 2_000
    assert feed.notes == ["kept the first 2,000 of 2,500 entries"]


def test_entries_over_the_cap_are_noted_on_the_tolerant_path_too() -> None:
    body = rss([item(i) for i in range(2_345)])[:-20]  # cut off: feedparser reads it

    feed = parse_feed(body)

    assert feed.parser == "feedparser"
    assert len(feed.entries) == 2_000
    assert "kept the first 2,000 of 2,345 entries" in feed.notes


@pytest.mark.parametrize("build", [rss, atom], ids=["rss", "atom"])
def test_a_cut_off_document_is_read_as_far_as_it_goes_and_says_so(build) -> None:
    whole = build([item(i) for i in range(10)])
    body = whole[: whole.index(b"Headline 7")]  # mid-item, mid-title

    feed = parse_feed(body)

    assert feed.parser == "feedparser"
    assert [e.title for e in feed.entries][:7] == [f"Headline {i}" for i in range(7)]
    assert feed.notes == ["document is cut off or malformed; read as far as possible"]


def test_a_tolerant_read_of_a_well_formed_document_adds_no_note() -> None:
    # The charset header contradicts the declaration: feedparser reads it (bozo), but
    # nothing was cut.
    body = '<?xml version="1.0"?><rss version="2.0"><channel><title>Ä</title></channel></rss>'
    feed = parse_feed(body.encode("latin-1"), {"Content-Type": "text/xml; charset=iso-8859-1"})

    assert feed.parser == "feedparser" and feed.notes == []


def test_titles_come_from_media_title_when_an_item_has_none() -> None:
    body = rss_items(
        "<item><media:title>Clip one</media:title><guid>c1</guid></item>"
        '<item><title></title><media:group><media:title type="html">Clip &lt;b&gt;two&lt;/b&gt;'
        "</media:title></media:group><guid>c2</guid></item>"
        "<item><media:content url='https://clips.example/3.mp4'><media:title>Clip three"
        "</media:title></media:content><guid>c3</guid></item>"
        "<item><title>Own title</title><media:title>Not this</media:title><guid>c4</guid></item>",
        namespaces=f'xmlns:media="{MEDIA_NS}"',
    )

    feed = parse_feed(body)

    assert feed.parser == "lxml"
    assert [e.title for e in feed.entries] == ["Clip one", "Clip two", "Clip three", "Own title"]
    assert feed.notes == ["3 titles taken from media:title"]


def test_atom_entries_titled_only_in_media_group_get_that_title() -> None:
    body = (f'<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="{MEDIA_NS}">'
            "<title>Channel</title><entry><id>v1</id><media:group>"
            "<media:title>Video one</media:title></media:group></entry></feed>").encode()

    feed = parse_feed(body)

    assert [e.title for e in feed.entries] == ["Video one"]
    assert feed.notes == ["1 title taken from media:title"]


def test_titles_come_from_the_summary_as_a_last_resort() -> None:
    summary = "Talks in Geneva resume after a week of silence, officials in both capitals said."
    feed = parse_feed(rss([item(1, title="", summary=f"<p>{summary}</p>"),
                           item(2, title="", summary="Short one."),
                           item(3, title="", summary=""),
                           item(4)]))

    titles = [e.title for e in feed.entries]
    assert titles == ["Talks in Geneva resume after a week of silence, officials in both…",
                      "Short one…", "", "Headline 4"]
    assert feed.notes == ["2 titles taken from the summary"]


def test_a_made_up_title_does_not_change_an_entrys_identity() -> None:
    # No guid, no link: the key hashes title and date, and must stay what it was.
    untitled = item(1, title="", guid="", link="", summary="Something happened.")
    key = parse_feed(rss([untitled])).entries[0].key

    bare = parse_feed(rss([dict(untitled, summary="")])).entries[0]

    assert bare.title == "" and bare.key == key


# -- hostile input raises nothing but FeedError ----------------------------------------------


def test_an_unparsable_link_drops_the_link_not_the_feed() -> None:
    body = rss([item(1, link="https://[::1/story"), item(2)])

    feed = parse_feed(body, base_url="https://news.example/feed.xml")

    assert [e.link for e in feed.entries] == [None, "https://news.example/2"]
    assert feed.entries[0].key == "urn:test:1"


@pytest.mark.parametrize("encoding", [b"u\xf4tf-8", b"utf\x00-8"], ids=["non-ascii", "nul"])
def test_a_junk_encoding_declaration_is_a_feed_error(encoding: bytes) -> None:
    body = (b'<?xml version="1.0" encoding="' + encoding + b'"?><rss version="2.0"><channel>'
            b"<title>t</title></channel></rss>")

    with pytest.raises(FeedError, match="not a feed"):
        parse_feed(body)


def test_a_huge_malformed_feed_is_read_only_as_far_as_the_tolerant_cap(monkeypatch) -> None:
    """feedparser's loose parser is slow per element, so a malformed document is cut at
    TOLERANT_MAX_BYTES (here lowered to keep the test quick): the entries before the cut
    arrive, those after do not, and the feed's notes say why."""
    monkeypatch.setattr(feeds_module, "TOLERANT_MAX_BYTES", 20_000)
    items = "".join(f"<item><title>Story {n} about Kherson&nbsp;</title>"
                    f"<link>https://a.example/{n}</link><description>{'words ' * 40}"
                    "</description></item>" for n in range(200))
    body = f'<rss version="2.0"><channel><title>Big</title>{items}<broken'.encode()

    feed = parse_feed(body)

    assert feed.parser == "feedparser"
    assert 0 < len(feed.entries) < 200
    assert feed.entries[0].title == "Story 0 about Kherson"
    assert any("read the first" in note and "MB only" in note for note in feed.notes)


def test_a_malformed_feed_under_the_cap_is_read_whole() -> None:
    items = "".join(f"<item><title>Story {n}&nbsp;</title><link>https://a.example/{n}</link>"
                    "</item>" for n in range(50))
    feed = parse_feed(f'<rss version="2.0"><channel><title>t</title>{items}<broken'.encode())

    assert feed.parser == "feedparser" and len(feed.entries) == 50
    assert not any("MB only" in note for note in feed.notes)
