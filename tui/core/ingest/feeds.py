"""Feed bytes -> clean entries with a stable identity.

Two parsers, chosen by measurement: a strict lxml pass (about 1 ms for a 50-item feed) for the
well-formed RSS 2.0, RSS 1.0 and Atom 1.0 that most outlets publish, and feedparser (25-40 ms,
but it reads anything) whenever the strict pass cannot be sure. Both are handed bytes, never a
URL or path, and both see the document only after every DOCTYPE and every entity declaration
is cut out, wherever it sits, so an entity-expansion bomb has nothing to expand. Every text
field leaves this module sanitised.

What reading a document cost it is said, not hidden: `ParsedFeed.notes` holds a short phrase
for each loss or repair (entries over the cap, a cut-off document read as far as it goes,
titles made up for entries that had none).
"""

from __future__ import annotations

import hashlib
import io
import re
import xml.sax
from dataclasses import dataclass, field
from typing import Callable, Mapping
from urllib.parse import urljoin, urlsplit

from lxml import etree

from tui.core.ingest import sanitize
from tui.core.ingest.dates import DateBudget, parse_date
from tui.core.ingest.digest import content_digest
from tui.core.ingest.sanitize import (
    SHORT_MAX,
    SUMMARY_MAX,
    TEXT_MAX,
    clean_text,
    html_to_line,
    html_to_text,
    one_line,
    truncate,
)

MAX_ENTRIES = 2_000

#: The most of a document feedparser reads. Only documents lxml refused get that far, and
#: feedparser's loose parser costs about 1.5 s a MB of small elements (10 MB of tag soup:
#: 15 s of a refresh; the fetch cap can be raised to 1 GB). Well-formed feeds of any size
#: never meet this cap.
TOLERANT_MAX_BYTES = 2_000_000

ATOM = "{http://www.w3.org/2005/Atom}"
RSS1 = "{http://purl.org/rss/1.0/}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
DC = "{http://purl.org/dc/elements/1.1/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
MEDIA = "{http://search.yahoo.com/mrss/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

#: Where a declaration starts. Any letter case: HTML writes "<!doctype", and a regex of
#: feedparser's might one day be less strict than expat.
_KEYWORD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)
#: What can end a declaration, hide a '>' or ']' that does not end it, or show that the
#: keyword was text inside a comment or a CDATA section.
_DECLARATION_TOKEN = re.compile(rb"<!--|-->|[\"'\[\]>]")
#: Bytes a keyword can start or go on with: a cut right after one could join two pieces
#: into a new keyword ("<!DOC" + "TYPE ..."), so a space goes between them.
_JOINABLE = frozenset(b"<!DOCTYPEdoctypeENTITYentity")
_DECLARED = re.compile(rb"^\s*<\?xml[^>]*encoding=[\"']([A-Za-z0-9._\-]+)", re.I)
_CHARSET = re.compile(r"charset=[\"']?([A-Za-z0-9._\-]+)", re.I)


class FeedError(Exception):
    """The document is not a feed we can read (an HTML page, an empty body, garbage)."""


@dataclass
class Entry:
    guid: str | None
    link: str | None
    title: str
    summary: str
    content: str
    published_raw: str | None
    published_struct: object = None  # feedparser's UTC struct_time, when it parsed the date
    key: str = ""                    # stable identity within the feed, set by `assign_keys`
    published: float | None = None   # UTC epoch seconds, set by `assign_dates`; None: unknown
    title_from: str | None = None    # where a missing title was taken from; None: the feed's own
    digest: str = ""                 # content_digest of title and summary, set by `parse_feed`


@dataclass
class ParsedFeed:
    title: str
    language: str | None
    entries: list[Entry] = field(default_factory=list)
    parser: str = "lxml"
    warning: str | None = None       # feedparser's bozo message, when it had to guess
    notes: list[str] = field(default_factory=list)
    """What reading the document dropped or made up, one short phrase each."""


def strip_doctype(body: bytes) -> bytes:
    """Remove every DOCTYPE (internal subset included) and every <!ENTITY> declaration.

    Entities defined there are what an expansion bomb expands. lxml is told not to, but
    feedparser expands them twice over: expat up to its amplification limit, then its
    loose parser, which re-reads "safe" entities from the head without any limit (a 140 KB
    document took 735 MB). So none may survive, wherever they sit: past the first 64 KB,
    after the root element, inside a comment (feedparser's head regexes do not know
    comments). One left-to-right pass, linear in the body whatever it holds. No keyword is
    left, and none can form where two kept pieces meet. A body without one is returned
    as it is.
    """
    found = _KEYWORD.search(body)
    if found is None:
        return body
    kept = bytearray()
    position = 0
    while found is not None:
        kept += body[position:found.start()]
        if kept and kept[-1] in _JOINABLE:
            kept += b" "
        position = _declaration_end(body, found.end())
        found = _KEYWORD.search(body, position)
    kept += body[position:]
    return bytes(kept)


def _declaration_end(body: bytes, position: int) -> int:
    """Where the declaration whose keyword ends at ``position`` ends (past its '>').

    Every parser needs white space after the keyword; without it ('"<!DOCTYPE"' in a
    comment) the keyword is text, and only the keyword goes.

    Quoted strings and comments are skipped whole, so a '>' or ']' inside an entity value
    ends nothing; '[' ... ']' is the internal subset, whose own declarations end in '>'.
    A ']' with no '[' open, or a '-->', cannot belong to a declaration: the keyword was
    text in a CDATA section or a comment ("<![CDATA[ <!DOCTYPE ]]>"), so the declaration
    ends just before it and the section stays closed. Each step searches forward from
    where the last one stopped, so the whole scan is linear; anything left unterminated
    runs to the end of the body and is removed.
    """
    if not body[position:position + 1].isspace():
        return position
    depth = 0
    while (token := _DECLARATION_TOKEN.search(body, position)) is not None:
        mark, position = token.group(), token.end()
        if mark in (b'"', b"'"):
            position = _past(body, mark, position)
        elif mark == b"<!--":
            position = _past(body, b"-->", position)
        elif mark == b"[":
            depth += 1
        elif mark in (b"]", b"-->") and depth == 0:
            return token.start()
        elif mark == b"]":
            depth -= 1
        elif depth == 0:  # '>' outside the subset
            return position
    return len(body)


def _past(body: bytes, closing: bytes, position: int) -> int:
    end = body.find(closing, position)
    return len(body) if end < 0 else end + len(closing)


def parse_feed(body: bytes, headers: Mapping[str, str] | None = None, *,
               base_url: str | None = None, language: str | None = None) -> ParsedFeed:
    """Entries of a feed document, dated; raises FeedError when it is not a feed.

    `language` (from feeds.toml) wins over the feed's own for reading its dates.
    """
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    if not body or not body.strip():
        raise FeedError("empty response")
    body = strip_doctype(body)
    feed = _parse_strict(body, headers)
    if feed is None:
        feed = _parse_tolerant(body, headers)
    _resolve_links(feed, base_url or headers.get("content-location"))
    assign_keys(feed.entries)
    _title_untitled(feed.entries)  # after the keys: a made-up title must not change identity
    feed.notes += _title_notes(feed.entries)
    assign_dates(feed.entries, language or feed.language or "en")
    # The first version's identity, made where the feed is parsed: in a worker process, for
    # a big refresh, rather than in the one that stores (a tenth of its time there).
    for entry in feed.entries:
        entry.digest = content_digest(entry.title, entry.summary, None)
    return feed


def assign_dates(entries: list[Entry], language: str) -> None:
    """Each entry's publication time as epoch seconds (None when unknown or implausible).

    One `DateBudget` for the whole document: a feed of 2,000 junk dates costs a few
    dateparser calls, not 2,000.
    """
    budget = DateBudget()
    for entry in entries:
        when = parse_date(entry.published_raw, struct=entry.published_struct, language=language,
                          budget=budget)
        entry.published = when.timestamp() if when else None


# --- the strict, fast path -------------------------------------------------------------------

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          huge_tree=False, remove_comments=True, remove_pis=True)


def _charset_agrees(body: bytes, headers: Mapping[str, str]) -> bool:
    """The strict path trusts the XML declaration; fall back when HTTP says otherwise."""
    header = _CHARSET.search(headers.get("content-type", ""))
    if not header:
        return True
    declared = _DECLARED.match(body[:300])
    declared_name = declared.group(1).decode("ascii").lower() if declared else "utf-8"
    norm = lambda s: s.lower().replace("_", "-").replace("utf8", "utf-8")  # noqa: E731
    return norm(header.group(1)) == norm(declared_name)


def _parse_strict(body: bytes, headers: Mapping[str, str]) -> ParsedFeed | None:
    if not _charset_agrees(body, headers):
        return None
    try:
        root = etree.fromstring(body, _PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return None
    if root is None:
        return None
    reader = {"rss": _read_rss, f"{RDF}RDF": _read_rdf, f"{ATOM}feed": _read_atom}.get(root.tag)
    if reader is None or (root.tag == "rss" and not root.get("version", "2.0").startswith(("2", "0.9"))):
        return None
    try:
        feed = reader(root)
    except _Unsure:
        return None
    if not feed.entries and (root.find(".//{*}item") is not None
                             or root.find(".//{*}entry") is not None):
        return None  # items where the format does not put them: let feedparser look
    return feed


class _Unsure(Exception):
    """The strict reader met something it would have to guess at; feedparser decides."""


def _text(element) -> str:
    if element is None:
        return ""
    if sanitize.FAST_PATHS and not len(element):    # no children: its own text is all of it
        return element.text or ""
    return "".join(element.itertext())


def _first(parent, *tags):
    for tag in tags:
        found = parent.find(tag)
        if found is not None:
            return found
    return None


def _read_rss(root) -> ParsedFeed:
    channel = root.find("channel")
    if channel is None:
        raise _Unsure
    notes: list[str] = []
    items = _capped(channel.findall("item") or root.findall("item"), notes)
    return ParsedFeed(
        title=html_to_line(_text(channel.find("title"))),
        language=one_line(_text(_first(channel, "language", f"{DC}language")), 20) or None,
        entries=[_rss_entry(item) for item in items],
        notes=notes,
    )


def _rss_entry(item) -> Entry:
    children: dict = {}
    for child in item:  # one pass over the children instead of a find() per field
        children.setdefault(child.tag, child)
    get = children.get
    title = _text(get("title"))
    return _entry(
        guid=_text(get("guid", get(f"{DC}identifier"))), link=_text(get("link")),
        title=title, media_title=_media_title(item, title), summary=_text(get("description")),
        content=_text(get(f"{CONTENT}encoded")),
        published_raw=_text(get("pubDate", get(f"{DC}date"))), html_title=True,
    )


def _read_rdf(root) -> ParsedFeed:
    channel = root.find(f"{RSS1}channel")
    if channel is None:
        raise _Unsure
    notes: list[str] = []
    return ParsedFeed(
        title=html_to_line(_text(channel.find(f"{RSS1}title"))),
        language=one_line(_text(channel.find(f"{DC}language")), 20) or None,
        entries=[_rdf_entry(item) for item in _capped(root.findall(f"{RSS1}item"), notes)],
        notes=notes,
    )


def _rdf_entry(item) -> Entry:
    title = _text(item.find(f"{RSS1}title"))
    return _entry(
        guid=item.get(f"{RDF}about") or "", link=_text(item.find(f"{RSS1}link")),
        title=title, media_title=_media_title(item, title),
        summary=_text(item.find(f"{RSS1}description")),
        content=_text(item.find(f"{CONTENT}encoded")),
        published_raw=_text(item.find(f"{DC}date")), html_title=True,
    )


def _atom_text(element) -> tuple[str, bool]:
    """Text of an Atom text construct, and whether it is HTML that needs converting."""
    if element is None:
        return "", False
    kind = element.get("type", "text")
    if kind == "xhtml":
        return _text(element), False
    if kind in ("html", "text/html"):
        return element.text or "", True
    if kind in ("text", "text/plain"):
        return element.text or "", False
    raise _Unsure  # base64 or other media types: feedparser knows those


def _atom_link(entry) -> str:
    for link in entry.findall(f"{ATOM}link"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link.get("href")
    return ""


def _read_atom(root) -> ParsedFeed:
    title, title_html = _atom_text(root.find(f"{ATOM}title"))
    entries = []
    notes: list[str] = []
    for item in _capped(root.findall(f"{ATOM}entry"), notes):
        item_title, item_title_html = _atom_text(item.find(f"{ATOM}title"))
        summary, summary_html = _atom_text(item.find(f"{ATOM}summary"))
        content, content_html = _atom_text(item.find(f"{ATOM}content"))
        date = _first(item, f"{ATOM}published", f"{ATOM}updated")
        entries.append(_entry(
            guid=_text(item.find(f"{ATOM}id")), link=_atom_link(item), title=item_title,
            media_title=_media_title(item, item_title), summary=summary, content=content,
            published_raw=_text(date), html_title=item_title_html, html_summary=summary_html,
            html_content=content_html,
        ))
    return ParsedFeed(
        title=html_to_line(title) if title_html else one_line(title),
        language=one_line(root.get(XML_LANG) or "", 20) or None,
        entries=entries,
        notes=notes,
    )


# --- the tolerant path -----------------------------------------------------------------------

def _parse_tolerant(body: bytes, headers: Mapping[str, str]) -> ParsedFeed:
    import feedparser  # 40 ms to import; only paid when a feed needs it

    notes = []
    if len(body) > TOLERANT_MAX_BYTES:
        notes.append(f"malformed and {len(body) / 1e6:.1f} MB: read the first "
                     f"{TOLERANT_MAX_BYTES / 1e6:.0f} MB only")
        body = body[:TOLERANT_MAX_BYTES]
    try:
        result = feedparser.parse(io.BytesIO(body), response_headers=dict(headers),
                                  sanitize_html=False, resolve_relative_uris=False)
    except ValueError as error:  # its encoding sniffing, on a declared encoding of junk bytes
        raise FeedError(f"not a feed (unreadable: {one_line(str(error), 120)})") from None
    if not result.get("version") and not result.entries:
        kind = "an HTML page" if b"<html" in body[:4096].lower() else "no feed found"
        raise FeedError(f"not a feed ({kind})")
    channel = result.get("feed", {})
    notes = _malformed_notes(result) + notes
    entries = []
    for raw in _capped(result.entries, notes):
        contents = raw.get("content") or []
        date_key = "published" if raw.get("published") else "updated"
        entries.append(_entry(
            guid=raw.get("id") or "", link=raw.get("link") or "",
            title=raw.get("title") or "", summary=raw.get("summary") or "",
            content=contents[0].get("value", "") if contents else "",
            published_raw=raw.get(date_key) or "", struct=raw.get(f"{date_key}_parsed"),
            html_title=True,
        ))
    warning = str(result.get("bozo_exception")) if result.get("bozo") else None
    return ParsedFeed(
        title=html_to_line(channel.get("title") or ""),
        language=one_line(channel.get("language") or "", 20) or None,
        entries=entries, parser="feedparser",
        warning=one_line(warning, 200) if warning else None, notes=notes,
    )


def _malformed_notes(result) -> list[str]:
    """A note when feedparser's XML parser stopped at a syntax error (a cut-off or broken
    document) and its loose parser read on. Its other bozo reasons (an encoding the HTTP
    header contradicts, an undeclared namespace) lose nothing worth saying."""
    if isinstance(result.get("bozo_exception"), xml.sax.SAXParseException):
        return ["document is cut off or malformed; read as far as possible"]
    return []


# --- common ----------------------------------------------------------------------------------

def _entry(*, guid: str, link: str, title: str, summary: str, content: str, published_raw: str,
           struct: object = None, html_title: bool = False, html_summary: bool = True,
           html_content: bool = True, media_title: str = "") -> Entry:
    as_text: Callable[[str, int], str] = html_to_text
    title = html_to_line(title) if html_title else one_line(title)
    title_from = None
    if not title and media_title:
        title, title_from = html_to_line(media_title), "media:title"
    return Entry(
        guid=one_line(guid, SHORT_MAX) or None,
        link=one_line(link, SHORT_MAX) or None,
        title=title,
        title_from=title_from if title else None,
        summary=(as_text if html_summary else clean_text)(summary, SUMMARY_MAX),
        content=(as_text if html_content else clean_text)(content, TEXT_MAX),
        published_raw=one_line(published_raw, 200) or None,
        published_struct=struct,
    )


def _capped(items: list, notes: list[str]) -> list:
    """The first MAX_ENTRIES items, noting how many there were when that is not all."""
    if len(items) > MAX_ENTRIES:
        notes.append(f"kept the first {MAX_ENTRIES:,} of {len(items):,} entries")
    return items[:MAX_ENTRIES]


def _media_title(item, own_title: str) -> str:
    """An item's Media RSS title (on the item, or in its media:group or media:content),
    looked for only when it has no title of its own: video and podcast feeds title items
    there alone."""
    if own_title.strip():
        return ""
    return _text(item.find(f".//{MEDIA}title"))


#: A title made from the summary: its first words, and a mark that the outlet did not write it.
_MADE_TITLE_WORDS = 12
_MADE_TITLE_MAX = 90


def _title_untitled(entries: list[Entry]) -> None:
    """Give entries without a title the first words of their summary (else their content),
    ending with "…": an empty line in a list of headlines tells the reader nothing."""
    for entry in entries:
        if entry.title:
            continue
        for text, source in ((entry.summary, "the summary"), (entry.content, "the content")):
            if made := _first_words(text):
                entry.title, entry.title_from = made, source
                break


def _first_words(text: str) -> str:
    """"Talks in Geneva resume after…" from a summary; "" when it has no words."""
    words = " ".join(text.split(maxsplit=_MADE_TITLE_WORDS)[:_MADE_TITLE_WORDS])
    cut = truncate(words, _MADE_TITLE_MAX).rstrip("…").rstrip(" .,;:!?-–—…")
    return cut + "…" if cut else ""


def _title_notes(entries: list[Entry]) -> list[str]:
    """One note per place titles were taken from: "3 titles taken from media:title"."""
    counts: dict[str, int] = {}
    for entry in entries:
        if entry.title_from:
            counts[entry.title_from] = counts.get(entry.title_from, 0) + 1
    return [f"{n:,} title{'s' if n != 1 else ''} taken from {source}"
            for source, n in counts.items()]


def _resolve_links(feed: ParsedFeed, base_url: str | None) -> None:
    """Relative links against the feed's URL; anything but http(s) is dropped, never opened."""
    for entry in feed.entries:
        entry.link = _resolved_link(entry.link, base_url)


#: An absolute http(s) link that urljoin returns as it is, whatever the base: printable
#: ASCII without spaces, and none of what its parse-and-rebuild could change (an empty query
#: or fragment, ";" parameters, "[" hosts, which may also be invalid, an empty host).
_PLAIN_ABSOLUTE = re.compile(
    r"https?://[!$%&'()*+,\-.0-9:=@A-Z_a-z~][!$%&'()*+,\-./0-9:=@A-Z_a-z~]*"
    r"(?:\?[!$%&'()*+,\-./0-9:=?@A-Z_a-z~]+)?\Z")


def _resolved_link(link: str | None, base_url: str | None) -> str | None:
    """One item's link, absolute and http(s), or None. urllib raises ValueError on some
    (an unclosed "[" of an IPv6 host): one such link used to lose the whole feed."""
    if not link:
        return None
    if sanitize.FAST_PATHS and _PLAIN_ABSOLUTE.match(link):
        return link     # what urljoin and urlsplit would give back unchanged
    try:
        if base_url:
            link = urljoin(base_url, link)
        scheme = urlsplit(link).scheme
    except ValueError:
        return None
    return link if scheme in ("http", "https") else None


def _digest(*parts: str | None) -> str:
    joined = "\x1f".join(p or "" for p in parts)
    return hashlib.sha1(joined.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def assign_keys(entries: list[Entry]) -> None:
    """Identity: guid, else link, else a hash of title and date.

    Two different entries that share a guid in one document are both kept, the second
    with its content hash appended; an exact repeat is dropped.
    """
    seen: dict[str, str] = {}
    kept: list[Entry] = []
    for entry in entries:
        base = entry.guid or entry.link or "h:" + _digest(entry.title, entry.published_raw)
        fingerprint = _digest(entry.title, entry.link, entry.summary)
        key = base
        if key in seen:
            if seen[key] == fingerprint:
                continue
            key = f"{base}#{fingerprint[:8]}"
            if key in seen:
                continue
        seen[key] = fingerprint
        entry.key = key
        kept.append(entry)
    entries[:] = kept
