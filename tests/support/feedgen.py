"""Feed documents for tests, built with ElementTree so every text is escaped properly."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from xml.etree import ElementTree as ET

from tests.support.configs import WATCHLIST

NOW = datetime.now(timezone.utc).replace(microsecond=0)


def item(n: int, *, title: str | None = None, summary: str | None = None, guid: str | None = None,
         link: str | None = None, published: str | None = None, hours_ago: float = 1.0,
         content: str | None = None) -> dict:
    return {
        "title": title if title is not None else f"Headline {n}",
        "summary": summary if summary is not None else f"Summary of item {n}.",
        "guid": guid if guid is not None else f"urn:test:{n}",
        "link": link if link is not None else f"https://news.example/{n}",
        "published": published if published is not None
        else format_datetime(NOW - timedelta(hours=hours_ago)),
        "content": content,
    }


def rss(items: list[dict], *, title: str = "Test Feed", language: str | None = "en") -> bytes:
    root = ET.Element("rss", version="2.0")
    ET.register_namespace("content", "http://purl.org/rss/1.0/modules/content/")
    channel = ET.SubElement(root, "channel")
    ET.SubElement(channel, "title").text = title
    ET.SubElement(channel, "link").text = "https://news.example/"
    ET.SubElement(channel, "description").text = "test"
    if language:
        ET.SubElement(channel, "language").text = language
    for entry in items:
        node = ET.SubElement(channel, "item")
        for tag in ("title", "link", "guid"):
            if entry.get(tag) is not None:
                ET.SubElement(node, tag).text = entry[tag]
        if entry.get("summary") is not None:
            ET.SubElement(node, "description").text = entry["summary"]
        if entry.get("published"):
            ET.SubElement(node, "pubDate").text = entry["published"]
        if entry.get("content"):
            ET.SubElement(node, "{http://purl.org/rss/1.0/modules/content/}encoded").text = \
                entry["content"]
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8")


def atom(items: list[dict], *, title: str = "Atom Feed", language: str = "en") -> bytes:
    ns = "http://www.w3.org/2005/Atom"
    ET.register_namespace("", ns)
    root = ET.Element(f"{{{ns}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": language})
    ET.SubElement(root, f"{{{ns}}}title").text = title
    ET.SubElement(root, f"{{{ns}}}id").text = "urn:feed"
    ET.SubElement(root, f"{{{ns}}}updated").text = NOW.isoformat()
    for entry in items:
        node = ET.SubElement(root, f"{{{ns}}}entry")
        ET.SubElement(node, f"{{{ns}}}title").text = entry["title"]
        ET.SubElement(node, f"{{{ns}}}id").text = entry["guid"]
        ET.SubElement(node, f"{{{ns}}}link", href=entry["link"], rel="alternate")
        ET.SubElement(node, f"{{{ns}}}published").text = entry.get("iso") or NOW.isoformat()
        ET.SubElement(node, f"{{{ns}}}summary", type="html").text = entry["summary"]
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8")


def config_text(feeds: list[tuple[str, str]], *, extra: str = "", settings: str = "") -> str:
    """A feeds.toml with the given (name, url) feeds and the default watchlist."""
    # Pages are fetched only when a test asks (full_text): item links point at news.example.
    defaults = {"timeout_seconds": "5", "refresh_minutes": "15", "full_text": '"never"'}
    for line in settings.splitlines():
        defaults[line.split("=")[0].strip()] = line.split("=", 1)[1].strip()
    parts = ["[settings]", *(f"{k} = {v}" for k, v in defaults.items()), ""]
    for name, url in feeds:
        parts += ["[[feeds]]", f'name = "{name}"', f'url = "{url}"', 'tags = ["test"]', ""]
    parts += [WATCHLIST, extra]
    return "\n".join(parts)
