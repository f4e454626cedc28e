"""Feeds in and out as OPML, the format every feed reader exports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable
from urllib.parse import urlsplit
from xml.etree import ElementTree

from lxml import etree

from tui.core.ingest.feeds import strip_doctype
from tui.core.ingest.sanitize import one_line

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          huge_tree=False, recover=True)


@dataclass(frozen=True)
class OpmlFeed:
    name: str
    url: str
    tags: tuple[str, ...] = ()


def read_opml(data: bytes) -> list[OpmlFeed]:
    """Every outline with an http(s) xmlUrl; enclosing outlines become tags."""
    try:
        root = etree.fromstring(strip_doctype(data), _PARSER)
    except (etree.XMLSyntaxError, ValueError) as error:
        raise ValueError(f"not an OPML file ({error})") from None
    if root is None or root.tag != "opml":
        raise ValueError("not an OPML file (no <opml> root)")
    found: list[OpmlFeed] = []

    def walk(element, tags: tuple[str, ...]) -> None:
        for outline in element.findall("outline"):
            url = (outline.get("xmlUrl") or "").strip()
            label = one_line(outline.get("title") or outline.get("text") or "", 120)
            if url:
                if urlsplit(url).scheme in ("http", "https"):
                    found.append(OpmlFeed(name=label or urlsplit(url).netloc, url=url, tags=tags))
            else:
                walk(outline, tags + ((label.lower(),) if label else ()))

    body = root.find("body")
    walk(body if body is not None else root, ())
    return found


def write_opml(feeds: Iterable) -> str:
    """OPML 2.0 text of feeds (anything with name, url and tags)."""
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = "wirewatch feeds"
    body = ElementTree.SubElement(root, "body")
    for feed in feeds:
        attributes = {"type": "rss", "text": feed.name, "title": feed.name, "xmlUrl": feed.url}
        if feed.tags:
            attributes["category"] = ",".join(feed.tags)
        ElementTree.SubElement(body, "outline", attributes)
    ElementTree.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(
        root, encoding="unicode") + "\n"
