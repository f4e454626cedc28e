"""Feeds in and out as OPML (tui/core/ingest/opml.py).

`wirewatch export-opml` must give another reader (or wirewatch itself) the feeds' names, URLs
and tags; `import-opml` reads whatever another reader exported, so its text is untrusted: only
http(s) feeds are taken, names are cleaned to one safe line, nothing in a DOCTYPE expands, and
a file that is not OPML is refused with a clear error.
"""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from tests.support.configs import THREE_OUTLETS, WATCHLIST, settings_table
from tui.core.config.load import parse_config
from tui.core.ingest.opml import OpmlFeed, read_opml, write_opml

FEEDS = parse_config(settings_table() + THREE_OUTLETS + WATCHLIST).feeds


def opml(body: str, *, head: str = '<?xml version="1.0" encoding="UTF-8"?>') -> bytes:
    return (head + '<opml version="2.0"><head><title>x</title></head><body>' + body
            + "</body></opml>").encode("utf-8")


# --- write -----------------------------------------------------------------------------------


def test_an_export_is_opml_2_with_one_outline_per_feed():
    text = write_opml(FEEDS)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n') and text.endswith("\n")
    root = ElementTree.fromstring(text.encode("utf-8"))
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title") == "wirewatch feeds"
    outlines = root.findall("body/outline")
    assert [(o.get("text"), o.get("title"), o.get("xmlUrl"), o.get("type")) for o in outlines] == [
        (f.name, f.name, f.url, "rss") for f in FEEDS]


def test_an_export_lists_tags_as_the_outlines_category():
    outlines = ElementTree.fromstring(write_opml(FEEDS)).findall("body/outline")
    assert [o.get("category") for o in outlines] == ["en,wire", "en", "de"]
    untagged = ElementTree.fromstring(write_opml([OpmlFeed("Plain", "https://p.example/")]))
    assert "category" not in untagged.find("body/outline").attrib


def test_an_export_escapes_names_and_urls():
    feed = OpmlFeed('Ukrinform & "Co" <b>', "https://x.example/rss?a=1&b=2", ("ua",))
    text = write_opml([feed])
    assert "&amp;" in text and "<b>" not in text
    outline = ElementTree.fromstring(text).find("body/outline")
    assert (outline.get("text"), outline.get("xmlUrl")) == (feed.name, feed.url)


def test_an_export_of_no_feeds_is_still_opml():
    assert read_opml(write_opml([]).encode("utf-8")) == []


# --- round trip ------------------------------------------------------------------------------


def test_an_export_read_back_gives_the_same_names_and_urls():
    back = read_opml(write_opml(FEEDS).encode("utf-8"))
    assert [(f.name, f.url) for f in back] == [(f.name, f.url) for f in FEEDS]


def test_names_with_markup_characters_survive_a_round_trip():
    feed = OpmlFeed("Ukrinform & Co <live>", "https://x.example/rss?a=1&b=2")
    assert read_opml(write_opml([feed]).encode("utf-8")) == [feed]


def test_an_export_read_back_keeps_the_tags():
    back = read_opml(write_opml(FEEDS).encode("utf-8"))
    assert [f.tags for f in back] == [f.tags for f in FEEDS]


# --- read ------------------------------------------------------------------------------------


def test_enclosing_outlines_become_lower_case_tags():
    data = opml('<outline text="News"><outline title="World Desk">'
                '<outline text="Wire" xmlUrl="https://w.example/rss"/></outline>'
                '<outline text="Local" xmlUrl="https://l.example/rss"/></outline>'
                '<outline text="Loose" xmlUrl="https://x.example/rss"/>')
    assert read_opml(data) == [
        OpmlFeed("Wire", "https://w.example/rss", ("news", "world desk")),
        OpmlFeed("Local", "https://l.example/rss", ("news",)),
        OpmlFeed("Loose", "https://x.example/rss", ()),
    ]


def test_the_title_is_preferred_and_the_host_stands_in_for_a_missing_name():
    data = opml('<outline title="Title" text="Text" xmlUrl="https://a.example/f"/>'
                '<outline xmlUrl="http://b.example:8080/f"/>'
                '<outline text="   " xmlUrl="https://c.example/f"/>')
    assert [f.name for f in read_opml(data)] == ["Title", "b.example:8080", "c.example"]


def test_only_http_and_https_feeds_are_taken():
    data = opml('<outline text="ok" xmlUrl="  https://ok.example/rss  "/>'
                '<outline text="js" xmlUrl="javascript:alert(1)"/>'
                '<outline text="file" xmlUrl="file:///etc/passwd"/>'
                '<outline text="ftp" xmlUrl="ftp://f.example/rss"/>'
                '<outline text="rel" xmlUrl="/feeds/rss"/>'
                '<outline text="plain http" xmlUrl="http://p.example/rss"/>')
    assert [(f.name, f.url) for f in read_opml(data)] == [
        ("ok", "https://ok.example/rss"), ("plain http", "http://p.example/rss")]


def test_an_outline_without_a_feed_url_is_a_folder_not_a_feed():
    data = opml('<outline text="Empty folder"/>'
                '<outline text="Site only" htmlUrl="https://site.example/"/>')
    assert read_opml(data) == []


def test_names_become_one_safe_line():
    data = opml('<outline text="  Evil\u202e txt.exe \x1b[31m\n  red\tname "'
                ' xmlUrl="https://e.example/"/>'.replace("\x1b", "&#27;"))
    [feed] = read_opml(data)
    assert feed.name == "Evil txt.exe [31m red name"


def test_a_very_long_name_is_cut():
    [feed] = read_opml(opml(f'<outline text="{"word " * 100}" xmlUrl="https://l.example/"/>'))
    assert len(feed.name) <= 120 and feed.name.endswith("…")


def test_a_doctype_entity_is_never_expanded():
    data = (b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY boom "BOOM BOOM BOOM">]>'
            b'<opml version="2.0"><body><outline text="&boom;" xmlUrl="https://a.example/"/>'
            b"</body></opml>")
    [feed] = read_opml(data)
    assert "BOOM" not in feed.name and feed.url == "https://a.example/"


def test_the_declared_encoding_is_honoured():
    data = ('<?xml version="1.0" encoding="ISO-8859-1"?><opml><body>'
            '<outline text="K\u00f6lner Stadt-Anzeiger" xmlUrl="https://ksta.example/"/>'
            "</body></opml>").encode("latin-1")
    assert [f.name for f in read_opml(data)] == ["K\u00f6lner Stadt-Anzeiger"]


def test_outlines_directly_under_the_root_are_read_when_there_is_no_body():
    data = b'<opml><outline text="A" xmlUrl="https://a.example/"/></opml>'
    assert read_opml(data) == [OpmlFeed("A", "https://a.example/")]


@pytest.mark.parametrize("data", [b"", b"<html><body>no</body></html>", b"plain text",
                                  b'<rss version="2.0"><channel/></rss>'],
                         ids=["empty", "html", "text", "a feed"])
def test_what_is_not_opml_is_refused_with_a_clear_error(data):
    with pytest.raises(ValueError) as caught:
        read_opml(data)
    assert str(caught.value).startswith("not an OPML file")
