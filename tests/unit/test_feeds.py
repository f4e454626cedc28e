import tracemalloc

import pytest

from tests.support.feedgen import atom, item, rss
from tui.core.ingest.feeds import FeedError, parse_feed, strip_doctype


def test_rss_goes_the_fast_way_and_keeps_every_field():
    body = rss([item(1, title="Peace <b>plan</b>", summary="<p>Talks in <i>Geneva</i></p>",
                     content="<p>Full</p><p>text</p>")], language="de")
    feed = parse_feed(body, {"content-type": "application/rss+xml"})
    assert feed.parser == "lxml" and feed.language == "de"
    entry = feed.entries[0]
    assert entry.title == "Peace plan"
    assert entry.summary == "Talks in Geneva"
    assert entry.content == "Full\n\ntext"
    assert entry.guid == "urn:test:1" and entry.key == "urn:test:1"
    assert entry.published_raw.endswith("+0000")


def test_atom_is_read():
    feed = parse_feed(atom([item(1), item(2)]))
    assert feed.parser == "lxml" and [e.guid for e in feed.entries] == ["urn:test:1", "urn:test:2"]


def test_inline_markup_inside_a_title_element_keeps_its_text():
    body = (b'<rss version="2.0"><channel><title>t</title><item><title>x <b>bold</b> y</title>'
            b"<link>https://a.example/1</link></item></channel></rss>")
    assert parse_feed(body).entries[0].title == "x bold y"


def test_broken_xml_falls_back_to_feedparser():
    body = rss([item(1), item(2)])[:-40]  # truncated document
    feed = parse_feed(body)
    assert feed.parser == "feedparser"
    assert [e.title for e in feed.entries][:1] == ["Headline 1"]


def test_html_page_is_not_a_feed():
    with pytest.raises(FeedError, match="HTML page"):
        parse_feed(b"<!doctype html><html><head><title>Home</title></head><body>hi</body></html>")


def test_empty_body_is_an_error():
    with pytest.raises(FeedError):
        parse_feed(b"  \n")


def test_entity_expansion_bomb_is_defused():
    lol = "".join(f'<!ENTITY lol{i} "{"&lol%d;" % (i - 1) * 10}">' for i in range(1, 10))
    body = (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol0 "lol">{lol}]>'
            '<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title>'
            "<link>https://a.example/</link></item></channel></rss>").encode()
    tracemalloc.start()
    feed = parse_feed(body)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 20_000_000
    assert all(len(e.title) < 1000 for e in feed.entries)


def test_strip_doctype_keeps_the_rest():
    assert strip_doctype(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>') == \
        b'<?xml version="1.0"?><x/>'


def test_links_resolve_and_unsafe_schemes_are_dropped():
    body = rss([item(1, link="/story/1"), item(2, link="javascript:alert(1)")])
    feed = parse_feed(body, base_url="https://news.example/feed.xml")
    assert [e.link for e in feed.entries] == ["https://news.example/story/1", None]


def test_identity_falls_back_from_guid_to_link_to_hash():
    body = rss([item(1, guid=""), item(2, guid="", link=""), item(3)])
    keys = [e.key for e in parse_feed(body).entries]
    assert keys[0] == "https://news.example/1"
    assert keys[1].startswith("h:")
    assert keys[2] == "urn:test:3"


def test_two_different_entries_sharing_a_guid_are_both_kept():
    body = rss([item(1, guid="same", title="First"), item(2, guid="same", title="Second"),
                item(1, guid="same", title="First")])
    entries = parse_feed(body).entries
    assert [e.title for e in entries] == ["First", "Second"]
    assert len({e.key for e in entries}) == 2


def test_control_characters_never_leave_the_parser():
    body = rss([item(1, title="evil\u202e title", summary="x\u2066y")])
    entry = parse_feed(body).entries[0]
    assert entry.title == "evil title" and entry.summary == "xy"


def test_charset_in_http_header_overrides_and_goes_tolerant():
    body = '<?xml version="1.0"?><rss version="2.0"><channel><title>Ä</title></channel></rss>'
    feed = parse_feed(body.encode("latin-1"), {"Content-Type": "application/xml; charset=iso-8859-1"})
    assert feed.title == "Ä"
