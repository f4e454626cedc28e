"""Feed documents (RSS 2.0, Atom) and article pages for the demo site.

XML is built with ElementTree and HTML text goes through `html.escape`, so no sample text
is ever spliced into markup. Dates come out the way real outlets write them, including the
German-language RFC 822 dates and the bare `22.11.2025 08:05` that feed parsers choke on.
"""

from __future__ import annotations

import email.utils
import html
import json
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

from tui.demo.content import ItemState, Outlet

ATOM_NS = "http://www.w3.org/2005/Atom"
DC_NS = "http://purl.org/dc/elements/1.1/"

_GERMAN_DAYS = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")
_GERMAN_MONTHS = ("Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez")
_ENGLISH_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def local(when: datetime, outlet: Outlet) -> datetime:
    return when.astimezone(timezone(timedelta(minutes=outlet.utc_offset_minutes)))


def _offset_text(when: datetime) -> str:
    minutes = int(when.utcoffset().total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def feed_date(when: datetime, outlet: Outlet, style: str) -> str:
    """A date as this outlet's feed writes it."""
    when = local(when, outlet)
    if style == "german":  # e.g. "Sa, 22 Nov 2025 10:30:00 +0100"
        return (
            f"{_GERMAN_DAYS[when.weekday()]}, {when.day:02d} {_GERMAN_MONTHS[when.month - 1]} "
            f"{when.year} {when:%H:%M:%S} {_offset_text(when)}"
        )
    if style == "dotted":  # e.g. "22.11.2025 08:05", local time with no zone at all
        return f"{when:%d.%m.%Y %H:%M}"
    return email.utils.format_datetime(when)


def http_date(when: datetime) -> str:
    return email.utils.format_datetime(when.astimezone(timezone.utc), usegmt=True)


def page_date(when: datetime, outlet: Outlet) -> str:
    """The date line a reader sees on the page."""
    when = local(when, outlet)
    if outlet.language == "en":
        zone = "GMT" if outlet.utc_offset_minutes == 0 else f"UTC{_offset_text(when)}"
        return f"{when.day} {_ENGLISH_MONTHS[when.month - 1]} {when.year}, {when:%H:%M} {zone}"
    if outlet.language == "de":
        return f"{when:%d.%m.%Y, %H:%M} Uhr"
    return f"{when:%d.%m.%Y, %H:%M}"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _serialize(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def render_feed(
    outlet: Outlet,
    entries: list[tuple[ItemState, datetime, datetime]],
    base_url: str,
    built: datetime | None,
) -> bytes:
    """The outlet's feed: `entries` are (state, published, updated), newest first."""
    if outlet.format == "atom":
        return _atom(outlet, entries, base_url, built)
    return _rss(outlet, entries, base_url, built)


def _guid(outlet: Outlet, state: ItemState, base_url: str) -> tuple[str, bool]:
    if outlet.guid_style == "link":
        return base_url + state.path, True
    return f"urn:{outlet.slug}:{state.item.id}", False


def _rss(outlet, entries, base_url, built) -> bytes:
    rss = ET.Element("rss", {"version": "2.0", "xmlns:atom": ATOM_NS, "xmlns:dc": DC_NS})
    channel = _sub(rss, "channel")
    _sub(channel, "title", outlet.title)
    _sub(channel, "link", f"{base_url}/articles/{outlet.slug}/")
    _sub(channel, "description", outlet.description)
    _sub(channel, "language", outlet.language)
    _sub(channel, "atom:link", href=f"{base_url}/feeds/{outlet.slug}.xml", rel="self", type="application/rss+xml")
    if built is not None:
        _sub(channel, "lastBuildDate", feed_date(built, outlet, outlet.date_style))
    _sub(channel, "ttl", "5")
    for state, published, updated in entries:
        item = _sub(channel, "item")
        _sub(item, "title", state.title)
        _sub(item, "link", base_url + state.path)
        _sub(item, "description", state.summary)
        if state.item.section:
            _sub(item, "category", state.item.section)
        _sub(item, "dc:creator", state.item.author)
        _sub(item, "pubDate", feed_date(published, outlet, state.item.date_style or outlet.date_style))
        if updated > published:  # a revised story: pubDate stays, the update time is announced
            _sub(item, "atom:updated", local(updated, outlet).isoformat(timespec="seconds"))
        guid, permalink = _guid(outlet, state, base_url)
        _sub(item, "guid", guid, isPermaLink="true" if permalink else "false")
    return _serialize(rss)


def _atom(outlet, entries, base_url, built) -> bytes:
    feed = ET.Element("feed", {"xmlns": ATOM_NS, "xml:lang": outlet.language})
    _sub(feed, "title", outlet.title)
    _sub(feed, "subtitle", outlet.description)
    _sub(feed, "id", f"tag:{outlet.slug}.example,2025:feed")
    _sub(feed, "link", href=f"{base_url}/feeds/{outlet.slug}.xml", rel="self", type="application/atom+xml")
    _sub(feed, "link", href=f"{base_url}/articles/{outlet.slug}/", rel="alternate", type="text/html")
    if built is not None:
        _sub(feed, "updated", built.astimezone(timezone.utc).isoformat(timespec="seconds"))
    for state, published, updated in entries:
        entry = _sub(feed, "entry")
        _sub(entry, "title", state.title, type="text")
        _sub(entry, "link", href=base_url + state.path, rel="alternate", type="text/html")
        _sub(entry, "id", f"tag:{outlet.slug}.example,2025:{state.item.id}")
        _sub(entry, "published", local(published, outlet).isoformat(timespec="seconds"))
        _sub(entry, "updated", local(updated, outlet).isoformat(timespec="seconds"))
        author = _sub(entry, "author")
        _sub(author, "name", state.item.author)
        if state.item.section:
            _sub(entry, "category", term=state.item.section)
        _sub(entry, "summary", state.summary, type="text")
    return _serialize(feed)


# ---------------------------------------------------------------------------- pages

_STYLE = """
body{font-family:Georgia,serif;margin:0;color:#222}
.cookie-banner{position:fixed;bottom:0;left:0;right:0;background:#333;color:#fff;padding:1em}
.site-header{border-bottom:3px solid #a00;padding:.5em 1em}
.site-header ul{list-style:none;display:flex;gap:1em;padding:0}
main{max-width:44em;margin:auto;padding:1em}
.byline{color:#666;font-size:.9em}
.related{border-top:1px solid #ccc;margin-top:2em}
footer{background:#eee;padding:1em;font-size:.8em}
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _json_ld(data: dict) -> str:
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _chrome(outlet: Outlet, key: str, default: object = "") -> object:
    return outlet.chrome.get(key, default)


def _page(outlet: Outlet, title: str, head_extra: list[str], main: list[str], base_url: str) -> bytes:
    nav_items = "".join(
        f'<li><a href="/articles/{_e(outlet.slug)}/">{_e(label)}</a></li>' for label in _chrome(outlet, "nav", [])
    )
    footer_links = " · ".join(f'<a href="#">{_e(label)}</a>' for label in _chrome(outlet, "footer", []))
    lines = [
        "<!DOCTYPE html>",
        f'<html lang="{_e(outlet.language)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)} | {_e(outlet.name)}</title>",
        *head_extra,
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        '<div id="cookie-consent" class="cookie-banner" role="dialog" aria-label="Cookies">',
        f"<p>{_e(str(_chrome(outlet, 'cookie')))}</p>",
        f'<button type="button">{_e(str(_chrome(outlet, "cookie_accept", "OK")))}</button>',
        f'<button type="button">{_e(str(_chrome(outlet, "cookie_reject", "No")))}</button>',
        "</div>",
        '<header class="site-header">',
        f'<a class="logo" href="/articles/{_e(outlet.slug)}/">{_e(outlet.homepage_label)}</a>',
        f'<nav class="main-nav" aria-label="Sections"><ul>{nav_items}</ul></nav>',
        "</header>",
        "<main>",
        *main,
        "</main>",
        '<footer class="site-footer">',
        f"<p>{footer_links}</p>",
        f"<p>{_e(str(_chrome(outlet, 'copyright')))}</p>",
        "<p>Sample site bundled with wirewatch for its demo. All text on it is fictional sample text.</p>",
        "</footer>",
        "<script>document.querySelectorAll('#cookie-consent button').forEach("
        "b=>b.onclick=()=>document.getElementById('cookie-consent').remove())</script>",
        "</body>",
        "</html>",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _link_list(states: list[ItemState]) -> str:
    return "".join(f'<li><a href="{_e(s.path)}">{_e(s.title)}</a></li>' for s in states)


def render_article(
    outlet: Outlet,
    state: ItemState,
    published: datetime,
    updated: datetime,
    related: list[ItemState],
    base_url: str,
) -> bytes:
    """An article page: cookie banner, navigation, headline, byline, body, related links, footer."""
    url = base_url + state.path
    head = [
        f'<meta name="description" content="{_e(state.summary)}">',
        f'<meta name="author" content="{_e(state.item.author)}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:title" content="{_e(state.title)}">',
        f'<meta property="og:site_name" content="{_e(outlet.name)}">',
        f'<meta property="article:published_time" content="{published.isoformat(timespec="seconds")}">',
        f'<meta property="article:modified_time" content="{updated.isoformat(timespec="seconds")}">',
        f'<link rel="canonical" href="{_e(url)}">',
        '<script type="application/ld+json">'
        + _json_ld(
            {
                "@context": "https://schema.org",
                "@type": "NewsArticle",
                "headline": state.title,
                "datePublished": published.isoformat(timespec="seconds"),
                "dateModified": updated.isoformat(timespec="seconds"),
                "author": {"@type": "Person", "name": state.item.author},
                "publisher": {"@type": "Organization", "name": outlet.name},
                "inLanguage": outlet.language,
            }
        )
        + "</script>",
    ]
    paragraphs = [f"<p>{_e(text)}</p>" for text in state.paragraphs]
    updated_label = str(_chrome(outlet, "updated", ""))
    if updated_label:
        paragraphs.append(f'<p class="updated">{_e(updated_label)} {_e(page_date(updated, outlet))}</p>')
    section = (
        f'<p class="kicker"><a href="/articles/{_e(outlet.slug)}/">{_e(state.item.section)}</a></p>'
        if state.item.section
        else ""
    )
    main = [
        '<article class="story">',
        section,
        f"<h1>{_e(state.title)}</h1>",
        f'<p class="standfirst">{_e(state.summary)}</p>',
        f'<p class="byline">{_e(str(_chrome(outlet, "by", "By")))} <span class="author">{_e(state.item.author)}</span>'
        f' · <time datetime="{published.isoformat(timespec="seconds")}">{_e(page_date(published, outlet))}</time></p>',
        '<div class="article-body">',
        *paragraphs,
        "</div>",
        "</article>",
        '<aside class="related">',
        f"<h2>{_e(str(_chrome(outlet, 'related', 'Related')))}</h2>",
        f"<ul>{_link_list(related)}</ul>",
        "</aside>",
    ]
    return _page(outlet, state.title, head, main, base_url)


def render_index(outlet: Outlet, state: ItemState, listing: list[ItemState], base_url: str) -> bytes:
    """A section page: a headline and lists of links, next to no prose (extraction finds little)."""
    sections = "".join(
        f'<li><a href="/articles/{_e(outlet.slug)}/">{_e(label)}</a></li>' for label in _chrome(outlet, "nav", [])
    )
    main = [
        '<section class="section-front">',
        f"<h1>{_e(state.title)}</h1>",
        f"<h2>{_e(str(_chrome(outlet, 'latest', 'Latest')))}</h2>",
        f'<ul class="teasers">{_link_list(listing)}</ul>',
        f"<h2>{_e(str(_chrome(outlet, 'sections', 'Sections')))}</h2>",
        f'<ul class="sections">{sections}</ul>',
        "</section>",
    ]
    head = [f'<link rel="canonical" href="{_e(base_url + state.path)}">']
    return _page(outlet, state.title, head, main, base_url)
