"""Article extraction on realistic pages: body kept, boilerplate dropped, stubs refused."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import lxml.html
import pytest
import trafilatura

from tui.core.text.extract import (
    MAX_TEXT_CHARS,
    Extracted,
    extract_article,
    extract_with_reason,
)

PAGES = Path(__file__).resolve().parents[1] / "data" / "pages"


def extract_page(name: str) -> Extracted | None:
    return extract_article((PAGES / name).read_bytes(), url=f"https://news.example/{name}")


def paragraphs(result: Extracted) -> list[str]:
    return result.text.split("\n\n")


def _article_html(paragraph_count: int = 8) -> str:
    body = "".join(
        f"<p>Paragraph {n}: negotiators met again in Geneva on Sunday to go through the draft "
        f"framework line by line, officials from both delegations said afterwards.</p>"
        for n in range(paragraph_count)
    )
    return f"<article><h1>Geneva talks</h1>{body}</article>"


# page, title, language, paragraph count, sentences that must be there, boilerplate that must not
ARTICLES = [
    (
        "en_article.html",
        "Envoys return to Geneva as 28-point plan faces Ukrainian objections",
        "en",
        8,
        [
            "American and Ukrainian negotiators returned to Geneva on Sunday",
            "Its provisions on Donetsk and Luhansk have drawn the sharpest criticism in Kyiv.",
            "The American side is led by the special envoy Steve Witkoff",
            "Officials said a joint statement could be issued if the two delegations agreed on a revised text.",
        ],
        [
            "We use cookies",
            "Accept all",
            "Politics",  # navigation
            "What is in the 28-point plan?",  # related links box
            "Why the status of Crimea remains",
            "Sign up to First Edition",  # newsletter box
            "Enter your email address",
            "Markets rally",  # most read
            "All rights reserved",  # footer
            "Complaints",
            "Share on Facebook",
            "Subscribe from $1",
        ],
    ),
    (
        "de_article.html",
        "Ukraine-Gespräche: Delegationen verhandeln in Genf über Friedensplan",
        "de",
        7,
        [
            "In Genf haben am Sonntag Vertreter der USA und der Ukraine die Gespräche",
            "z. B. zur Reihenfolge von Waffenruhe und Sicherheitsgarantien.",
            "Besonders umstritten sind die Passagen zu den Gebieten Donezk und Luhansk",
            "Die Gespräche sollen am Montag fortgesetzt werden.",
        ],
        [
            "Wir verwenden Cookies",
            "Alle akzeptieren",
            "Mehr zum Thema",
            "Was steht im 28-Punkte-Plan?",
            "Newsletter",
            "Meistgelesen",
            "Impressum",
            "Alle Rechte vorbehalten",
            "Jetzt abonnieren",
        ],
    ),
    (
        "uk_article.html",
        "Делегації України та США продовжили переговори в Женеві",
        "uk",
        6,
        [
            "У неділю в Женеві розпочався другий раунд консультацій",
            "Секретар РНБО Рустем Умєров, який очолює делегацію",
            "Американську сторону представляє спецпосланець Стів Віткофф",
            "Якщо делегації дійдуть згоди щодо нової редакції, можлива спільна заява.",
        ],
        [
            "файли cookie",
            "Читайте також",
            "Що містить план із 28 пунктів",
            "Останні новини",
            "Синоптики попередили",
            "Усі права захищено",
            "Поділитися",
        ],
    ),
    (
        "ru_article_cp1251.html",
        "В Женеве продолжились консультации по мирному плану",
        "ru",
        5,
        [
            "В воскресенье в Женеве продолжились консультации американской и украинской делегаций",
            "Американскую делегацию возглавляет спецпосланник Стив Уиткофф",
            "Консультации, как ожидается, продолжатся в понедельник.",
        ],
        [
            "файлы cookie",
            "Читайте также",
            "Что известно о плане из 28 пунктов",
            "Популярное",
            "Все права защищены",
            "Поделиться",
        ],
    ),
]


@pytest.mark.parametrize(("page", "title", "language", "count", "kept", "dropped"), ARTICLES)
def test_article_pages_keep_the_body_and_drop_the_boilerplate(page, title, language, count, kept, dropped):
    result = extract_page(page)
    assert result is not None
    assert result.title == title
    assert result.language == language
    for sentence in kept:
        assert sentence in result.text
    for boilerplate in dropped:
        assert boilerplate not in result.text
    assert len(paragraphs(result)) >= count
    assert all(p == p.strip() and p and "\n" not in p for p in paragraphs(result))


@pytest.mark.parametrize("page", [a[0] for a in ARTICLES])
def test_the_headline_is_not_repeated_at_the_top_of_the_text(page):
    result = extract_page(page)
    assert result is not None
    h1 = " ".join(lxml.html.fromstring((PAGES / page).read_bytes()).findtext(".//h1").split())
    assert h1 and result.title
    assert {h1, result.title}.isdisjoint(paragraphs(result)[:3])


@pytest.mark.parametrize("page", ["index_page.html", "paywall_stub.html"])
def test_pages_without_an_article_yield_none(page):
    assert extract_page(page) is None


def test_an_article_body_with_paywall_in_its_class_is_kept():
    html = f'<html><body><div class="article-body paywall-content">{_article_html()}</div></body></html>'
    result = extract_article(html.encode())
    assert result is not None and "Paragraph 7:" in result.text


def test_text_and_bytes_give_the_same_result():
    html = (PAGES / "de_article.html").read_text(encoding="utf-8")
    assert extract_article(html) == extract_article(html.encode("utf-8"))


@pytest.mark.parametrize(
    "junk",
    [
        b"",
        b"   ",
        bytes(range(256)) * 400,
        b"<html><body><p>Too short.</p></body></html>",
        b"<<<>>><html<body><p<<p>>",
        "https://news.example/article",
        b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;'>]><x>&b;</x>",
    ],
)
def test_junk_yields_none(junk):
    assert extract_article(junk) is None


def test_a_page_with_an_element_bomb_is_narrowed_to_its_article():
    html = "<html><body>" + "<div><span></span></div>" * 60_000 + _article_html() + "</body></html>"
    result = extract_article(html.encode())
    assert result is not None
    assert "Paragraph 7: negotiators met again in Geneva" in result.text


def test_an_element_bomb_without_an_article_is_refused():
    html = "<html><body>" + "<p>word</p>" * 100_000 + "</body></html>"
    assert extract_article(html.encode()) is None


def test_deep_nesting_does_not_crash():
    html = "<html><body>" + "<div>" * 50_000 + _article_html() + "</div>" * 50_000 + "</body></html>"
    result = extract_article(html.encode())  # the parser gives up on the depth; no exception
    assert result is None or isinstance(result, Extracted)


def test_scripts_and_styles_do_not_count_against_the_budget():
    script = "<script>var state = '" + "x" * 3_000_000 + "';</script>" + "<svg>" + "<path/>" * 40_000 + "</svg>"
    html = f"<html><head>{script}</head><body>{_article_html()}</body></html>"
    result = extract_article(html.encode())
    assert result is not None and "Paragraph 0:" in result.text


def test_a_huge_text_is_capped_at_a_paragraph_boundary():
    html = "<html><body><article>" + _article_html(3_000) + "</article></body></html>"
    result = extract_article(html.encode())
    assert result is not None
    assert len(result.text) <= MAX_TEXT_CHARS
    assert result.text.endswith("said afterwards.")


class _RecordingHandler(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        _RecordingHandler.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(_article_html().encode())

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def server() -> Iterator[str]:
    _RecordingHandler.requests = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _RecordingHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_extraction_never_fetches_anything(server):
    page = (
        f'<html><head><link rel="canonical" href="{server}/canonical">'
        f'<meta property="og:url" content="{server}/og"><meta property="og:image" content="{server}/img.jpg">'
        f'</head><body><img src="{server}/lead.jpg"><iframe src="{server}/embed"></iframe>'
        f'{_article_html()}<a href="{server}/next">Next</a></body></html>'
    )
    assert extract_article(page.encode(), url=f"{server}/article") is not None
    assert extract_article(f"{server}/article") is None
    assert extract_article(f"{server}/article".encode(), url=f"{server}/article") is None
    assert _RecordingHandler.requests == []


def test_extraction_is_quiet_on_bad_pages(caplog, capfd):
    """Its warnings are expected on bad pages and must not reach a terminal being drawn on."""
    with caplog.at_level(logging.DEBUG):
        extract_article(b"<html><body><p>x</p></body></html>")
        extract_article(bytes(range(256)) * 10)
        extract_article((PAGES / "index_page.html").read_bytes())
    libraries = {"trafilatura", "htmldate", "justext", "courlan", "charset_normalizer"}
    assert [r for r in caplog.records if r.name.split(".")[0] in libraries] == []
    assert capfd.readouterr() == ("", "")


# --- tables, short notices, link lists --------------------------------------------------------

def test_an_article_laid_out_in_a_table_keeps_its_text_and_its_paragraphs():
    """An old-style page: the story sits in a <td> beside a navigation cell. trafilatura alone
    returns nothing for it (without tables) or the story as one line (with tables)."""
    result = extract_page("table_layout.html")
    assert result is not None
    assert result.title == "What a ceasefire line would freeze"
    first = ("A ceasefire along the current front line is the one element every draft of the "
             "peace framework has in common")
    last = ("For now the delegations have agreed only to keep talking. The next round is expected "
            "in Abu Dhabi before the end of the month, and officials on both sides say the map "
            "will be the first item on the agenda.")
    assert paragraphs(result)[2].startswith(first)
    assert last in paragraphs(result)
    assert len(paragraphs(result)) >= 9               # seven story paragraphs and the byline
    for chrome in ("Archive", "Subscribe", "About us", "Privacy", "All rights reserved", "|"):
        assert chrome not in result.text


def test_a_data_table_in_an_article_is_kept_row_by_row():
    table = ("<table><thead><tr><th>Region</th><th>Share held</th><th>Since</th></tr></thead><tbody>"
             "<tr><td>Crimea</td><td>100%</td><td>2014</td></tr>"
             "<tr><td>Luhansk</td><td>99%</td><td>2022</td></tr></tbody></table>")
    html = _article_html(4).replace("</article>", table + "</article>")
    result = extract_article(html.encode())
    assert result is not None
    rows = paragraphs(result)[-3:]
    assert rows == ["| Region | Share held | Since |", "| Crimea | 100% | 2014 |", "| Luhansk | 99% | 2022 |"]
    assert "---" not in result.text                   # the rule under the header row is not text


def test_a_short_notice_does_not_replace_the_long_article():
    """Precision mode settles on a 24-word reprint notice printed above the story (a pattern
    from a real page); the page is read broadly, and the story is what comes back."""
    html = (PAGES / "reprint_notice.html").read_bytes()
    precise = trafilatura.extract(html, favor_precision=True) or ""
    assert precise.startswith("This copy is for your personal") and len(precise.split()) < 40, \
        "the fixture no longer makes precision mode pick the notice"
    result = extract_page("reprint_notice.html")
    assert result is not None
    assert paragraphs(result)[0].startswith("Shares of the largest grain trading houses slipped")
    assert paragraphs(result)[-1].endswith("and by rail to the Danube.")
    assert len(paragraphs(result)) == 5
    assert "personal, non-commercial use" not in result.text


def test_a_list_of_links_is_not_taken_for_an_article():
    """A topic page: its precise reading is one short line, its broad reading mostly the
    headlines of other stories. Neither is an article, and the reason says so."""
    result, why = extract_with_reason((PAGES / "topic_links.html").read_bytes())
    assert result is None
    assert why == "the page's text is mostly links (an index or a list page)"


@pytest.mark.parametrize("page", ["index_page.html", "paywall_stub.html", "topic_links.html"])
def test_every_refused_page_says_why(page):
    result, why = extract_with_reason((PAGES / page).read_bytes())
    assert result is None and why and why == why.strip() and "\n" not in why
