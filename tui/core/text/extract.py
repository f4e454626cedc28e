"""Article HTML -> the article's main text, or None when the page has no article in it.

trafilatura has the best published extraction scores for news (F1 0.958 English, 0.924
multilingual), so it does the work; this module is the fence around it:

- It only ever sees bytes we already fetched, never a URL: `url` is passed for its link
  handling and log context only, and a string that looks like a URL is parsed as (useless) HTML.
- It runs in worker threads. trafilatura 2.x sets no signal handlers during extraction (its
  EXTRACTION_TIMEOUT only bounds the CLI's process pool; we set it to 0 regardless), and
  metadata extraction (htmldate's date search, up to seconds a page) is off: feeds give dates.
- Hostile pages are bounded: input is cut at MAX_HTML_BYTES, and since trafilatura spends about
  0.1 ms per element, a page with more than MAX_ELEMENTS elements (after scripts, styles and SVG
  are dropped) is narrowed to its <article> or <main> element, or refused. A second reading
  (below) is only made of a page of at most half that size: about the work of one reading of
  the largest page accepted.
- It is quiet: its warnings ("discarding data", parser errors) are expected on bad pages and
  must not reach a terminal the dashboard is drawing on.

The text comes back with paragraphs separated by blank lines. Precision is favoured over recall:
a missing sentence is better than a cookie banner in every version of an article. But precision
must not cost the article: a story laid out in a <table> is unwrapped first (layout.py), and
when the precise reading is short (it may have settled on a reprint notice), the page is read
broadly too and the longer text is taken unless it is mostly the page's links. Data tables
(results, figures) are kept, one row a paragraph. On the Zyte article-extraction benchmark
(tests/bench/bench_extract_benchmark.py) this scores F1 0.972 with no page lost, where precision
alone scored 0.962 and lost 2 of 181 pages.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import trafilatura
from lxml import etree
from lxml.html import HtmlElement, fromstring
from trafilatura.settings import use_config

from tui.core.text.changes import is_collapsed
from tui.core.text.layout import link_share, unwrap_layout_tables

__all__ = ["Extracted", "extract_article"]

MAX_HTML_BYTES = 5_000_000
MAX_ELEMENTS = 30_000
MAX_TEXT_CHARS = 200_000
TITLE_MAX_CHARS = 400
# A headline repeated in the text sits in its first few paragraphs (after a kicker, a standfirst).
HEADLINE_SEARCH_PARAGRAPHS = 3
# A precise reading shorter than this may have settled on a notice: the page is read broadly too.
SHORT_TEXT_WORDS = 120
# A broad reading with more of its text in the page's link texts is menus and lists, not an article.
MAX_LINK_SHARE = 0.4

_CONFIG = use_config()
_CONFIG.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")

for _name in ("trafilatura", "htmldate", "justext", "courlan", "charset_normalizer"):
    logging.getLogger(_name).setLevel(logging.CRITICAL + 1)

# Elements that never hold article text; dropped before counting how big the page is.
_NEVER_TEXT = ("script", "style", "noscript", "template", "svg", "math", "iframe", "object", "canvas")
# Paywall and registration-wall boxes: their pitch is not part of the article. Some sites put
# "paywall" in the class of the real article body too, so only a short box is pruned.
_PAYWALL_CLASSES = ("paywall", "pay-wall", "regwall", "reg-wall", "subscription-wall", "meter-wall", "piano-offer")
_PAYWALL_BOX_MAX_CHARS = 1_000
_PAYWALL_XPATH = (
    "//*[("
    + " or ".join(f"contains(@class, '{token}') or contains(@id, '{token}')" for token in _PAYWALL_CLASSES)
    + f") and string-length(normalize-space(.)) < {_PAYWALL_BOX_MAX_CHARS}]"
)
# A short line that asks the reader to pay or log in, in the languages we follow.
_PAYWALL_LINE = re.compile(
    r"subscribe to (?:continue|read)|for subscribers only|already a subscriber|subscriber-only|"
    r"weiterlesen mit|nur für abonnenten|jetzt abonnieren|bereits abonnent|"
    r"réservé aux abonnés|déjà abonné|"
    r"доступ(?:но|ен)? (?:только )?(?:по|для) подпис|оформите подписку|уже подписаны|"
    r"доступн(?:о|ий) (?:лише )?(?:за|для) передплат|оформіть передплату",
    re.IGNORECASE,
)
_PAYWALL_LINE_MAX_CHARS = 200
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
# A data table's row comes out as "| a | b |"; the line under its header row is only a rule.
_TABLE_RULE = re.compile(r"^[|:\- ]*-{3}[|:\- ]*$")
_NO_ARTICLE = "the page holds no article text (an index page, a paywall or a stub)"


@dataclass(frozen=True, slots=True)
class Extracted:
    """The article's text (paragraphs separated by blank lines), and what the page says about it."""

    text: str
    title: str | None
    language: str | None


def extract_article(html: bytes | str, url: str | None = None) -> Extracted | None:
    """The main text of an article page, or None for an index page, a paywall stub, or junk."""
    return extract_with_reason(html, url)[0]


def extract_with_reason(html: bytes | str,
                        url: str | None = None) -> tuple[Extracted | None, str | None]:
    """(the article, None), or (None, why there is none: a phrase to show the user)."""
    if len(html) > MAX_HTML_BYTES:
        html = html[:MAX_HTML_BYTES]
    try:
        tree = trafilatura.load_html(html)
    except Exception:  # noqa: BLE001 - a parser failure on hostile input means "no article"
        tree = None
    if tree is None:
        return None, "the page is not HTML that can be read"
    headlines = _headlines(tree)
    title = headlines[0] if headlines else None
    language = _language(tree)
    tree = _within_budget(tree)
    if tree is None:
        return None, f"the page is too complex to read (over {MAX_ELEMENTS:,} elements)"
    unwrap_layout_tables(tree)
    try:
        text, why = _best_text(tree, url, headlines)
    except Exception:  # noqa: BLE001 - e.g. RecursionError on pathological trees
        return None, "the page could not be read (the extractor failed on it)"
    if text is None:
        return None, why
    return Extracted(text=text, title=title, language=language), None


def _best_text(tree: HtmlElement, url: str | None,
               headlines: list[str]) -> tuple[str | None, str | None]:
    """The precise reading of the page, unless it is short and a broad reading finds a text
    at least twice as long that is not mostly links: (text, None) or (None, why not).

    Precision mode sometimes settles on the wrong block (a 24-word reprint notice printed
    above a 368-word story), and the collapse check then refuses the page. Only a short
    precise text is read again (13 of the benchmark's 181 pages), and only on a page small
    enough for two readings to cost about one reading of the largest page we accept.
    """
    precise = _read(tree, url, headlines, precision=True)
    if _word_count(precise) >= SHORT_TEXT_WORDS or _size(tree) > MAX_ELEMENTS // 2:
        return _checked(precise)
    broad = _read(tree, url, headlines, precision=False)
    if _word_count(broad) < 2 * max(_word_count(precise), 1) or is_collapsed(broad, None):
        return _checked(precise)
    if link_share(broad, tree) > MAX_LINK_SHARE:
        return _checked(precise, "the page's text is mostly links (an index or a list page)")
    return broad, None


def _read(tree: HtmlElement, url: str | None, headlines: list[str], *, precision: bool) -> str:
    """One trafilatura reading of the page (it works on a copy of the tree), as our text."""
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        favor_precision=precision,
        favor_recall=not precision,
        include_comments=False,
        include_tables=True,  # data tables (results, figures); layout tables are gone by now
        include_links=False,
        include_images=False,
        include_formatting=False,
        deduplicate=False,  # its cache is process-wide: the 3rd fetch of a page would be dropped
        with_metadata=False,
        prune_xpath=_PAYWALL_XPATH,
        config=_CONFIG,
    )
    return _article_text(document.text, headlines) if document and document.text else ""


def _checked(text: str, why_short: str = _NO_ARTICLE) -> tuple[str | None, str | None]:
    if not text or is_collapsed(text, None):
        return None, why_short
    return text, None


def _word_count(text: str) -> int:
    return len(text.split())


def _article_text(raw: str, headlines: list[str]) -> str:
    """One paragraph per line from trafilatura -> blank-line separated, without the pitch lines
    and the rule lines under a data table's header.

    The headline is dropped from the top of the text: the title is shown and diffed on its own,
    and trafilatura keeps the <h1> on some templates and not on others, which would make the
    same article's versions differ by their first line.
    """
    paragraphs = [" ".join(line.split()) for line in raw.splitlines()]
    paragraphs = [p for p in paragraphs if p and not _TABLE_RULE.match(p) and not _pitch(p)]
    folded = {h.casefold() for h in headlines}
    for index, paragraph in enumerate(paragraphs[:HEADLINE_SEARCH_PARAGRAPHS]):
        if paragraph.casefold() in folded:
            del paragraphs[index]
            break
    text = "\n\n".join(paragraphs)
    if len(text) > MAX_TEXT_CHARS:
        cut = text.rfind("\n\n", 0, MAX_TEXT_CHARS)
        text = text[: cut if cut > 0 else MAX_TEXT_CHARS]
    return text


def _pitch(line: str) -> bool:
    """A short line that asks the reader to pay or log in."""
    return len(line) <= _PAYWALL_LINE_MAX_CHARS and _PAYWALL_LINE.search(line) is not None


def _within_budget(tree: HtmlElement) -> HtmlElement | None:
    """The tree, small enough to extract from in well under a second or two, or None."""
    etree.strip_elements(tree, *_NEVER_TEXT, with_tail=False)
    if _size(tree) <= MAX_ELEMENTS:
        return tree
    for path in ("//article", "//main", "//*[@itemprop='articleBody']"):
        for candidate in tree.xpath(path):
            if 0 < _size(candidate) <= MAX_ELEMENTS:
                page = fromstring("<html><body></body></html>")
                page.find("body").append(candidate)
                return page
    return None


def _size(element: HtmlElement) -> int:
    return sum(1 for _ in element.iter())


def _meta(tree: HtmlElement) -> dict[str, str]:
    """<meta> values by lower-cased property, name or http-equiv (the first of each wins)."""
    found: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("http-equiv")
        content = element.get("content")
        if key and content and content.strip():
            found.setdefault(key.strip().casefold(), content)
    return found


def _headlines(tree: HtmlElement) -> list[str]:
    """What the page calls its headline, best first: Open Graph or Twitter title, <h1>, <title>."""
    meta = _meta(tree)
    found = [_clean_title(meta[key]) for key in ("og:title", "twitter:title") if key in meta]
    for tag in ("h1", "title"):
        element = next((e for e in tree.iter(tag) if e.text_content().strip()), None)
        if element is not None:
            found.append(_clean_title(element.text_content()))
    return found


def _clean_title(text: str) -> str:
    return " ".join(text.split())[:TITLE_MAX_CHARS]


def _language(tree: HtmlElement) -> str | None:
    """The page's declared language as a bare ISO 639 code ("en-GB" -> "en", "de_DE" -> "de")."""
    root = tree.getroottree().getroot()
    meta = _meta(tree)
    declared = (root.get("lang"), root.get("xml:lang"), meta.get("content-language"), meta.get("og:locale"))
    for value in declared:
        if value:
            code = re.split(r"[-_,;\s]", value.strip().casefold(), maxsplit=1)[0]
            if _LANGUAGE.match(code):
                return code
    return None
