"""Feeds in and out as OPML, the format every feed reader exports.

An OPML file comes from another program, or from someone who wants to hurt this one, so
reading it never aborts on one bad outline: a feed whose URL we could not fetch (no host,
a port past 65535, a scheme other than http(s)) is skipped and named in `problems`, and
the rest are imported. What cannot be read sensibly at all raises ValueError with a line
that says why: not OPML, outlines nested past MAX_DEPTH, or entities defined through other
entities (an expansion bomb: wirewatch expands no entity, so it would import as nothing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator
from urllib.parse import urlsplit
from xml.etree import ElementTree

from lxml import etree

from tui.core.config.urls import feed_url_problem
from tui.core.ingest.feeds import strip_doctype
from tui.core.ingest.sanitize import one_line, strip_unsafe

#: Deepest nesting of outlines read. Real files use one or two levels of folders.
MAX_DEPTH = 50
_NAME_MAX = 120
_TAG_MAX = 60
#: An entity defined through another ("&lol8;" in the value of lol9), or a parameter entity:
#: what expansion bombs are made of. A character reference ("&#160;") is no such thing.
_AMPLIFYING_ENTITY = re.compile(
    rb"""<!ENTITY\s+(?:%|[^\s"'>]+\s+(?:"[^"]*&[^#"]|'[^']*&[^#']))""", re.I)


@dataclass(frozen=True)
class OpmlFeed:
    name: str
    url: str
    tags: tuple[str, ...] = ()


class OpmlFeeds(list[OpmlFeed]):
    """What `read_opml` found: the feeds to add (it is their list, as it always was), and
    in ``problems`` one line per outline it skipped or repair it made."""

    def __init__(self, feeds: Iterable[OpmlFeed] = (), problems: Iterable[str] = ()) -> None:
        super().__init__(feeds)
        self.problems: list[str] = list(problems)

    @property
    def feeds(self) -> list[OpmlFeed]:
        return list(self)


def read_opml(data: bytes) -> OpmlFeeds:
    """Every outline with an xmlUrl we can fetch. Its tags: the titles (lower-cased) and
    ``category`` of the outlines around it, then its own ``category``. Raises ValueError,
    with the reason, for a file that is no OPML we can read."""
    if _AMPLIFYING_ENTITY.search(data):
        raise ValueError("the file defines XML entities through other entities, the shape of "
                         "an expansion bomb; wirewatch expands no entity, so nothing would "
                         "import")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, recover=True)
    try:
        root = etree.fromstring(strip_doctype(data), parser)
    except (etree.XMLSyntaxError, ValueError) as error:
        raise ValueError(f"not an OPML file ({one_line(str(error), 200)})") from None
    if root is None or root.tag != "opml":
        raise ValueError("not an OPML file (no <opml> root)")
    body = root.find("body")
    found = OpmlFeeds(problems=_recovered_errors(parser))
    for outline, tags in _outlines(body if body is not None else root):
        _read_outline(outline, tags, found)
    return found


def _outlines(top) -> Iterator[tuple[object, tuple[str, ...]]]:
    """Each feed outline (one with an xmlUrl) in document order, with the tags of the
    folders around it.

    Iterative, so a hostile nesting costs no Python recursion; deeper than MAX_DEPTH is an
    error, not a silent cut (lxml itself stops at 256 levels and keeps quiet about it).
    """
    stack = [(top, (), 0)]
    while stack:
        element, tags, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ValueError(f"outlines are nested more than {MAX_DEPTH} levels deep")
        if element is not top:
            if (element.get("xmlUrl") or "").strip():
                yield element, tags
                continue
            label = _label(element).lower()
            tags = _merged(tags, ((label,) if label else ()) + _category_tags(element))
        children = element.findall("outline")
        stack.extend((child, tags, depth + 1) for child in reversed(children))


def _read_outline(outline, tags: tuple[str, ...], found: OpmlFeeds) -> None:
    url = (outline.get("xmlUrl") or "").strip()
    label = _label(outline)
    problem = feed_url_problem(url)
    if problem is not None:
        name = f'"{label}"' if label else "an outline"
        found.problems.append(f"skipped {name} ({one_line(url, 100)}): {problem}")
        return
    tags = _merged(tags, _category_tags(outline))
    found.append(OpmlFeed(name=label or urlsplit(url).netloc, url=url, tags=tags))


def _label(outline) -> str:
    return one_line(outline.get("title") or outline.get("text") or "", _NAME_MAX)


def _category_tags(outline) -> tuple[str, ...]:
    """Tags from OPML's ``category``: comma-separated, each a tag or a "/a/b" path whose
    parts are all tags. `write_opml` writes "a,b", so tags survive a round trip."""
    category = outline.get("category") or ""
    tags = (one_line(part, _TAG_MAX) for item in category.split(",") for part in item.split("/"))
    return tuple(tag for tag in tags if tag)


def _merged(first: tuple[str, ...], more: tuple[str, ...]) -> tuple[str, ...]:
    """``first`` then ``more``, without repeats (letter case ignored), order kept."""
    seen = {tag.casefold() for tag in first}
    merged = list(first)
    for tag in more:
        if tag.casefold() not in seen:
            seen.add(tag.casefold())
            merged.append(tag)
    return tuple(merged)


def _recovered_errors(parser) -> list[str]:
    """One problem line when lxml had to repair the XML: some outlines may be missing."""
    errors = list(parser.error_log)
    if not errors:
        return []
    first = errors[0]
    return [f"the file is not well-formed XML (line {first.line}: "
            f"{one_line(first.message, 100)}); read as far as possible"]


def write_opml(feeds: Iterable) -> str:
    """OPML 2.0 text of feeds (anything with name, url and tags). A control character typed
    into feeds.toml as an escape ("\\u0007") is left out: XML 1.0 cannot hold it, even as a
    character reference, so every reader would refuse the whole file."""
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = "wirewatch feeds"
    body = ElementTree.SubElement(root, "body")
    for feed in feeds:
        name = strip_unsafe(feed.name)
        attributes = {"type": "rss", "text": name, "title": name, "xmlUrl": strip_unsafe(feed.url)}
        if feed.tags:
            attributes["category"] = ",".join(strip_unsafe(tag) for tag in feed.tags)
        ElementTree.SubElement(body, "outline", attributes)
    ElementTree.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(
        root, encoding="unicode") + "\n"
