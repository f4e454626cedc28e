"""OPML import against files that are broken, deep, explosive or just very repetitive."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.config.edit import add_feeds
from tui.core.config.load import load_config
from tui.core.ingest.opml import MAX_DEPTH, OpmlFeed, read_opml, write_opml


def opml(body: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><opml version="2.0"><head/><body>{body}'
            "</body></opml>").encode()


def nested(levels: int) -> bytes:
    """A feed outline inside ``levels - 1`` folders: the feed sits at depth ``levels``."""
    folders = "".join(f'<outline text="level {n}">' for n in range(1, levels))
    return opml(folders + '<outline text="Deep" xmlUrl="https://deep.example/feed"/>'
                + "</outline>" * (levels - 1))


# -- one bad outline is reported and skipped ----------------------------------------------


def test_bad_outlines_are_reported_and_the_rest_imported(tmp_path: Path) -> None:
    data = opml(
        '<outline text="Good one" xmlUrl="https://good.example/rss"/>'
        '<outline text="No host" xmlUrl="http:///feed.xml"/>'
        '<outline text="Big port" xmlUrl="https://news.example:99999/rss"/>'
        '<outline text="Bad port" xmlUrl="https://news.example:http/rss"/>'
        '<outline text="Script" xmlUrl="javascript:alert(1)"/>'
        '<outline text="Local" xmlUrl="file:///etc/passwd"/>'
        '<outline text="Broken v6" xmlUrl="http://[::1/feed"/>'
        '<outline xmlUrl="https://spaced.example/a feed"/>'
        '<outline text="Good two" xmlUrl="https://two.example/rss"/>'
    )

    found = read_opml(data)

    assert [f.name for f in found.feeds] == ["Good one", "Good two"]
    assert found.problems == [
        'skipped "No host" (http:///feed.xml): the URL has no host',
        'skipped "Big port" (https://news.example:99999/rss): the URL\'s port is not a number '
        "from 1 to 65535",
        'skipped "Bad port" (https://news.example:http/rss): the URL\'s port is not a number '
        "from 1 to 65535",
        'skipped "Script" (javascript:alert(1)): not an http(s) URL (scheme javascript)',
        'skipped "Local" (file:///etc/passwd): not an http(s) URL (scheme file)',
        'skipped "Broken v6" (http://[::1/feed): the URL cannot be read (Invalid IPv6 URL)',
        "skipped an outline (https://spaced.example/a feed): the URL holds spaces or "
        "control characters",
    ]
    config = tmp_path / "feeds.toml"
    added, skipped = add_feeds(config, found)
    assert (added, skipped) == (["Good one", "Good two"], 0)
    assert [f.url for f in load_config(config).feeds] == ["https://good.example/rss",
                                                          "https://two.example/rss"]


def test_problem_lines_are_safe_to_print() -> None:
    # ESC is not even legal XML: lxml repairs the file, and that is a problem line too.
    data = opml('<outline text="\u202eevil\u0085\x1b[31m" xmlUrl="ftp://\u202ex/\u009b2J"/>')

    problems = read_opml(data).problems

    assert all(line.isprintable() for line in problems), problems
    assert problems[-1] == ('skipped "evil\ufffd[31m" (ftp://x/2J): the URL holds spaces or '
                            "control characters")


def test_a_repaired_file_says_so() -> None:
    data = opml('<outline text="A" xmlUrl="https://a.example/?x=1&y=2"/>'
                '<outline text="B" xmlUrl="https://b.example/"/>')

    found = read_opml(data)

    assert [f.name for f in found.feeds] == ["A", "B"]
    assert len(found.problems) == 1
    assert found.problems[0].startswith("the file is not well-formed XML (line 1: ")


def test_the_result_is_still_the_list_of_feeds() -> None:
    found = read_opml(opml('<outline text="A" xmlUrl="https://a.example/"/>'))

    assert found == [OpmlFeed("A", "https://a.example/")] == found.feeds
    assert found.problems == []


# -- files that cannot be read sensibly are a clear error ----------------------------------


def test_nesting_up_to_the_limit_is_read() -> None:
    assert [f.name for f in read_opml(nested(MAX_DEPTH))] == ["Deep"]


@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 300, 5_000])
def test_nesting_past_the_limit_is_an_error(levels: int) -> None:
    # Past 256 levels lxml stops building the tree without a word: "0 feeds added".
    with pytest.raises(ValueError, match=f"nested more than {MAX_DEPTH} levels deep"):
        read_opml(nested(levels))


@pytest.mark.parametrize("where", ["head", "past-64k"])
def test_entity_declarations_are_an_error(where: str) -> None:
    lol = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    padding = "<!--" + "p" * 70_000 + "-->" if where == "past-64k" else ""
    data = (f'<?xml version="1.0"?>{padding}<!DOCTYPE opml [<!ENTITY lol0 "lol">{lol}]>'
            '<opml version="2.0"><body><outline text="&lol9;" xmlUrl="https://a.example/&lol9;"/>'
            "</body></opml>").encode()

    with pytest.raises(ValueError, match=r"entities through other entities"):
        read_opml(data)


def test_parameter_entities_are_an_error() -> None:
    data = (b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY % p "<!ENTITY a \'x\'>"> %p;]>'
            b'<opml><body><outline text="A" xmlUrl="https://a.example/"/></body></opml>')

    with pytest.raises(ValueError, match=r"entities through other entities"):
        read_opml(data)


def test_a_plain_entity_is_not_expanded_and_the_file_still_imports() -> None:
    data = (b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY nbsp "&#160;">'
            b'<!ENTITY boom "BOOM BOOM">]><opml version="2.0"><body>'
            b'<outline text="&boom;" xmlUrl="https://a.example/"/></body></opml>')

    found = read_opml(data)

    assert found == [OpmlFeed("a.example", "https://a.example/")]
    assert found.problems == ["the file is not well-formed XML (line 1: Entity 'boom' not "
                              "defined); read as far as possible"]


def test_a_doctype_without_entities_is_harmless() -> None:
    data = b'<?xml version="1.0"?><!DOCTYPE opml SYSTEM "opml.dtd">' + opml(
        '<outline text="A" xmlUrl="https://a.example/"/>').split(b"?>", 1)[1]

    assert [f.name for f in read_opml(data)] == ["A"]


# -- tags ------------------------------------------------------------------------------------


def test_tags_round_trip_through_write_opml() -> None:
    feeds = [OpmlFeed("Kyiv Independent", "https://kyiv.example/rss", ("Ukraine", "war")),
             OpmlFeed("Plain", "https://plain.example/rss")]

    assert read_opml(write_opml(feeds).encode()).feeds == feeds


def test_a_control_character_in_feeds_toml_does_not_break_the_exported_file() -> None:
    """feeds.toml can spell a bell or an escape as "\\u0007"; XML 1.0 cannot hold one at
    all, so written as it was, the export was a file no reader (this one included) opens."""
    feeds = [OpmlFeed("Bell\x07 Wire\x1b[31m", "https://bell.example/rss", ("alarm\x00",)),
             OpmlFeed("Plain", "https://plain.example/rss")]

    text = write_opml(feeds)

    assert "\x07" not in text and "\x1b" not in text and "\x00" not in text
    assert read_opml(text.encode()).feeds == [
        OpmlFeed("Bell Wire[31m", "https://bell.example/rss", ("alarm",)), feeds[1]]


def test_category_paths_and_lists_merge_with_enclosing_outlines() -> None:
    data = opml(
        '<outline text="Europe" category="/World/EU">'
        '<outline text="A" xmlUrl="https://a.example/" category="/Politics/Elections,eu,live"/>'
        "</outline>")

    feed, = read_opml(data).feeds

    assert feed.tags == ("europe", "World", "EU", "Politics", "Elections", "live")


# -- thousands of outlines of one title ----------------------------------------------------


def test_ten_thousand_outlines_of_one_title_get_numbers_in_order(tmp_path: Path) -> None:
    data = opml("".join(f'<outline text="Same" xmlUrl="https://same.example/{n}"/>'
                        for n in range(10_000)))
    config = tmp_path / "feeds.toml"
    config.write_text('[[feeds]]\nname = "Same (3)"\nurl = "https://other.example/"\n')

    added, skipped = add_feeds(config, read_opml(data))  # bench_hostile.py has the time

    assert skipped == 0 and len(added) == 10_000 == len(set(added))
    assert added[:4] == ["Same", "Same (2)", "Same (4)", "Same (5)"]
    assert added[-1] == "Same (10001)"
