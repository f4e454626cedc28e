"""Full text and versions end to end: a loopback news site whose article pages change between
refreshes, run through the real engine (fetcher, trafilatura, change rules, store), and the
versions and side-by-side rows that must come out.

Between two refreshes the clock is moved on by rewriting the cache's times (`later`): the
page re-check schedule is what a real refresh obeys, so the test waits for it the same way a
user would, just without sleeping.
"""

from __future__ import annotations

import html
import time
from pathlib import Path

import pytest

from tests.support.feedgen import config_text, item, rss
from tui.core.cache.pages import TRACKED_PAGES_SQL, tracked_pages
from tui.core.cache.query import find_item
from tui.core.cache.store import make_uid
from tui.core.session import Session
from tui.core.text.articles import diff_versions, load_article, load_versions
from tui.core.text.fulltext import RECHECK_SCHEDULE, due_text_jobs, recheck_interval

PAGES = Path(__file__).resolve().parents[1] / "data" / "pages"

TITLE = "Envoys return to Geneva as 28-point plan faces Ukrainian objections"
SUMMARY = ("Negotiators led by the envoy Steve Witkoff reconvene in Geneva on Sunday to work "
           "through a draft framework that Kyiv says must change before it can be signed.")
STAMP = "Updated: 23 November 2025, 07:15 GMT"
BODY = (
    "American and Ukrainian negotiators returned to Geneva on Sunday for a second round of talks "
    "on a draft peace framework, with officials on both sides saying that several of its 28 "
    "points would have to be rewritten before any agreement could be put to the leaders.",
    "The draft, which circulated in Washington and Moscow earlier in the week, sets out terms "
    "for a ceasefire along the current front line, a schedule for prisoner exchanges and a "
    "long-term arrangement for the Zaporizhzhia nuclear power plant. Its provisions on Donetsk "
    "and Luhansk have drawn the sharpest criticism in Kyiv.",
    "A senior Ukrainian official involved in the talks said the delegation had come with written "
    "amendments to eleven of the points. \"We are not here to reject the document, we are here "
    "to make it something our parliament could vote for,\" the official said, speaking on "
    "condition of anonymity because the negotiations are confidential.",
    "The American side is led by the special envoy Steve Witkoff, who met Russian officials in "
    "Moscow last week. Secretary of State Marco Rubio is expected to join the talks on Monday if "
    "the first day goes well, according to two people familiar with the schedule.",
    "Russian officials have said they were not invited to Geneva and would study any revised "
    "text once it was agreed between Washington and Kyiv. The Kremlin has repeatedly said that "
    "its own conditions, including on Crimea, are not open to negotiation.",
    "European governments, which were not consulted on the original draft, have pressed for a "
    "say in any clauses that touch on sanctions or security guarantees. Diplomats from France, "
    "Germany and Britain were in Geneva on Saturday for separate meetings with the Ukrainian "
    "delegation.",
    "The talks are expected to continue into Monday. Officials said a joint statement could be "
    "issued if the two delegations agreed on a revised text.",
)
COOKIE = ("We use cookies and similar technologies to personalise content and advertising, to "
          "provide social media features and to analyse our traffic. By clicking \"Accept all\" "
          "you agree to our use of cookies as described in our cookie policy.")
MOST_READ = ("Markets rally as oil prices fall for a third day",
             "Alpine glaciers lose record volume in a single summer",
             "Late goal settles a tense cup final in extra time",
             "Budget vote delayed after late-night talks break down")
RELATED = ("What is in the 28-point plan? The key clauses explained",
           "Why the status of Crimea remains the hardest question")
NEWSLETTER = ("Our morning email breaks down the key stories of the day, telling you what's "
              "happening and why it matters. Enter your email address to subscribe.")

OTHER_TITLE = "Alpine glaciers lose record volume in a single summer"
OTHER_SUMMARY = "Scientists measured the loss at the end of the melt season."
OTHER_BODY = (
    "Glaciers in the Alps lost a record share of their volume this summer, scientists said on "
    "Tuesday, after a winter with little snow was followed by months of heat that reached the "
    "highest peaks.",
    "The measurements, taken at more than a hundred sites from France to Austria, showed that "
    "ice thinned by an average of three metres, twice the loss recorded in an average year of "
    "the last decade.",
    "Researchers said several smaller glaciers had effectively ceased to move and would be "
    "classed as dead ice, and that mountain huts and ski lifts built on ice were at risk as the "
    "ground beneath them shifted.",
    "Local authorities in Switzerland have closed several hiking routes after rockfalls, which "
    "the researchers linked to thawing permafrost on steep slopes above the glaciers.",
)


def article_page(title: str, paragraphs, *, stamp: str = STAMP, cookie: str = COOKIE,
                 most_read=MOST_READ, related=RELATED, newsletter: str = NEWSLETTER,
                 section: str = "Europe", byline_time: str = "Sun 23 Nov 2025 07.15 GMT") -> str:
    """A news article page with the chrome real ones have: cookie banner, navigation, share
    tools, a related box and a newsletter box inside the story, most-read list, footer."""
    e = html.escape
    body = [f"<p>{e(p)}</p>" for p in paragraphs]
    body.insert(3, '<aside class="related-links"><h3>Related</h3><ul>'
                + "".join(f'<li><a href="/r/{i}">{e(r)}</a></li>' for i, r in enumerate(related))
                + "</ul></aside>")
    body.insert(6, f'<div class="newsletter-signup"><h3>Sign up to First Edition</h3><p>{e(newsletter)}'
                   '</p><form action="/subscribe"><input type="email"><button>Sign up</button>'
                   "</form></div>")
    return f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8">
<title>{e(title)} | Harbor Wire</title>
<meta property="og:title" content="{e(title)}">
<meta property="og:type" content="article">
<script>window.dataLayer = window.dataLayer || [];</script>
<style>.cookie-banner{{position:fixed;bottom:0}}</style>
</head>
<body class="article-page">
<div id="cookie-consent" class="cookie-banner" role="dialog"><p>{e(cookie)}</p>
<button>Accept all</button> <a href="/cookie-policy">Manage preferences</a></div>
<header class="site-header"><a class="logo" href="/">Harbor Wire</a>
<nav class="nav main-nav"><ul><li><a href="/world">World</a></li><li><a href="/{e(section.lower())}">{e(section)}</a></li>
<li><a href="/politics">Politics</a></li><li><a href="/business">Business</a></li></ul></nav>
<a class="subscribe-cta" href="/subscribe">Subscribe from $1 a week</a></header>
<main id="main"><article class="story">
<header class="story-header"><h1 class="headline">{e(title)}</h1>
<div class="byline">By <a href="/authors/mc" rel="author">Miriam Castell</a> in Geneva</div>
<time datetime="2025-11-23T07:15:00Z">{e(byline_time)}</time>
<div class="share-tools"><a href="/share/x">Share on X</a> <a href="/share/fb">Share on Facebook</a></div>
</header>
<div class="story-body">
<p class="updated">{e(stamp)}</p>
{chr(10).join(body)}
</div>
<div class="tags"><a href="/tags/ukraine">Ukraine</a> <a href="/tags/diplomacy">Diplomacy</a></div>
</article>
<section class="most-read"><h2>Most read</h2><ol>
{"".join(f'<li><a href="/m/{i}">{e(m)}</a></li>' for i, m in enumerate(most_read))}
</ol></section></main>
<footer class="site-footer"><ul><li><a href="/about">About us</a></li><li><a href="/privacy">Privacy policy</a></li></ul>
<p class="copyright">&copy; 2025 Harbor Wire Media Ltd. All rights reserved.</p></footer>
<script src="/static/app.js" async></script>
</body></html>"""


# --- the site and the session --------------------------------------------------------------

STORY = "/world/geneva-talks.html"
OTHER = "/climate/alpine-glaciers.html"


class Site:
    """One outlet on the loopback server: a feed with two items and their article pages."""

    def __init__(self, server) -> None:
        self.server = server
        self.story = dict(title=TITLE, summary=SUMMARY, content=None)
        self.other = dict(title=OTHER_TITLE, summary=OTHER_SUMMARY, content=None)
        self.publish()
        self.page(STORY, article_page(TITLE, BODY))
        self.page(OTHER, article_page(OTHER_TITLE, OTHER_BODY, section="Climate"))

    def publish(self) -> None:
        self.server.route("/feed.xml", rss([
            item(1, guid="urn:hw:geneva", link=self.server.url(STORY), hours_ago=1, **self.story),
            item(2, guid="urn:hw:glaciers", link=self.server.url(OTHER), hours_ago=2,
                 **self.other),
        ], title="Harbor Wire"), content_type="application/rss+xml")

    def page(self, path: str, text: str, *, status: int = 200) -> None:
        self.server.route(path, text, status=status, content_type="text/html; charset=utf-8")

    def page_requests(self, path: str = STORY) -> int:
        return len(self.server.requests_to(path))


@pytest.fixture
def site(http_server) -> Site:
    return Site(http_server)


def open_wirewatch(tmp_path: Path, site: Site, full_text: str = "all"):
    config = tmp_path / "feeds.toml"
    config.write_text(config_text([("Harbor Wire", site.server.url("/feed.xml"))],
                                  settings=f'full_text = "{full_text}"'), encoding="utf-8")
    return Session.open(str(config), str(tmp_path / "cache"))


@pytest.fixture
def ww(tmp_path, site):
    session = open_wirewatch(tmp_path, site)
    yield session
    session.close()


STORY_ID = make_uid("Harbor Wire", "urn:hw:geneva")
OTHER_ID = make_uid("Harbor Wire", "urn:hw:glaciers")


def row_id(session, uid: str = STORY_ID) -> int:
    found = find_item(session.store, uid)
    assert found is not None, f"item {uid} not in the cache"
    return found.row_id


def later(session, minutes: float) -> None:
    """Move every time the cache holds `minutes` into the past: as if the refreshes so far
    had run that much earlier. Relative order is kept, so the engine sees exactly what it
    would see after really waiting."""
    d = minutes * 60
    with session.store.transaction() as conn:
        conn.execute("UPDATE items SET first_seen = first_seen - :d, updated = updated - :d, "
                     "sort_time = sort_time - :d, published = published - :d, "
                     "text_checked = text_checked - :d", {"d": d})
        conn.execute("UPDATE versions SET seen = seen - :d", {"d": d})
        conn.execute("UPDATE feeds SET last_checked = last_checked - :d, "
                     "last_success = last_success - :d, next_due = next_due - :d", {"d": d})


def refresh(session, *, wait: float = 20):
    """A forced refresh `wait` minutes after the previous one (past the 15-minute re-check
    of a young article)."""
    if wait:
        later(session, wait)
    return session.refresh_sync(force=True)


def versions(session, uid: str = STORY_ID):
    return load_versions(session.store, row_id(session, uid))


def changed_words(row) -> tuple[list[str], list[str]]:
    return ([row.left[a:b] for a, b in row.left_changes],
            [row.right[a:b] for a, b in row.right_changes])


def non_equal(rows):
    return [row for row in rows if row.op != "equal"]


# --- the first text -------------------------------------------------------------------------

def test_first_refresh_takes_the_article_text_from_the_page(ww, site):
    report = refresh(ww, wait=0)
    assert report.pages == {"first": 2}
    article = load_article(ww.store, STORY_ID)
    assert article.text_source == "page"
    paragraphs = article.text.split("\n\n")
    for paragraph in BODY:
        assert paragraph in paragraphs
    # The chrome is not the article: no cookie banner, menus, boxes, most-read list, footer.
    for chrome in (COOKIE, NEWSLETTER, *MOST_READ, *RELATED, "Share on X", "All rights reserved",
                   "Subscribe from", "Accept all"):
        assert chrome not in article.text
    assert not article.text.startswith(TITLE)          # the headline is shown on its own
    [first] = versions(ww)
    assert (first.number, first.minor, first.title, first.text) == (1, False, TITLE, article.text)
    assert find_item(ww.store, STORY_ID).changed is False
    # Matches now cover the page text as well (Zaporizhzhia and Rubio are only in the body).
    in_text = {m.name for m in article.matches if m.field == "text"}
    assert {"Zaporizhzhia", "Rubio", "Witkoff", "Crimea"} <= in_text


def test_an_unchanged_page_is_read_again_on_schedule_and_makes_no_version(ww, site):
    refresh(ww, wait=0)
    report = refresh(ww, wait=5)          # too soon: a young article is re-read every 15 min
    assert site.page_requests() == 1 and report.pages == {}
    report = refresh(ww, wait=20)
    assert site.page_requests() == 2 and report.pages == {"same": 2}
    assert len(versions(ww)) == 1


# --- edits ----------------------------------------------------------------------------------

def test_an_edited_paragraph_is_one_replace_row_with_the_changed_words(ww, site):
    refresh(ww, wait=0)
    edited = list(BODY)
    edited[0] = BODY[0].replace("several of its 28 points would have to be rewritten",
                                "several of its 19 points would have to be dropped")
    site.page(STORY, article_page(TITLE, edited))
    report = refresh(ww)
    assert report.pages["major"] == 1
    v1, v2 = versions(ww)
    assert (v2.number, v2.minor, v2.title) == (2, False, TITLE)
    assert edited[0] in v2.text and BODY[0] not in v2.text
    assert find_item(ww.store, STORY_ID).changed is True      # the table marks it
    view = diff_versions(ww.store, STORY_ID)
    assert (view.left.version, view.right.version) == (1, 2)
    [row] = non_equal(view.rows)
    assert (row.op, row.left, row.right) == ("replace", BODY[0], edited[0])
    assert changed_words(row) == (["28", "rewritten"], ["19", "dropped"])
    assert [r.left for r in view.rows if r.op == "equal"] == [TITLE, SUMMARY, STAMP, *BODY[1:]]


def test_a_changed_headline_makes_one_version_with_a_replaced_title_row(ww, site):
    refresh(ww, wait=0)
    new_title = "Geneva talks trim US peace plan to 19 points, officials say"
    site.story["title"] = new_title
    site.publish()
    site.page(STORY, article_page(new_title, BODY))
    report = refresh(ww)
    assert report.feeds[0].updated == 1
    assert report.pages.get("same") == 2          # the page was re-read: its text is unchanged
    v1, v2 = versions(ww)
    assert (v2.title, v2.text, v2.minor) == (new_title, v1.text, False)
    headline = find_item(ww.store, STORY_ID)
    assert (headline.title, headline.versions, headline.changed) == (new_title, 2, True)
    view = diff_versions(ww.store, STORY_ID, older=1, newer=2)
    [row] = non_equal(view.rows)
    assert (row.op, row.left, row.right) == ("replace", TITLE, new_title)
    assert (view.left.title, view.right.title) == (TITLE, new_title)


def test_headline_and_text_edited_together_are_one_version(ww, site):
    refresh(ww, wait=0)
    new_title = "Geneva talks trim US peace plan to 19 points, officials say"
    edited = list(BODY)
    edited[0] = BODY[0].replace("28", "19")
    site.story["title"] = new_title
    site.publish()
    site.page(STORY, article_page(new_title, edited))
    refresh(ww)
    v1, v2 = versions(ww)              # not a v2 with the title and a v3 with the text
    assert (v2.title, v2.minor) == (new_title, False) and edited[0] in v2.text
    rows = non_equal(diff_versions(ww.store, STORY_ID).rows)
    assert [(r.op, r.left) for r in rows] == [("replace", TITLE), ("replace", BODY[0])]


def test_an_added_paragraph_is_an_insert_row(ww, site):
    refresh(ww, wait=0)
    added = ("Late on Sunday, Rustem Umerov said the delegations had agreed on a shorter text "
             "and would report to their presidents before the next round.")
    site.page(STORY, article_page(TITLE, [*BODY[:4], added, *BODY[4:]]))
    report = refresh(ww)
    assert report.pages["major"] == 1
    view = diff_versions(ww.store, STORY_ID)
    [row] = non_equal(view.rows)
    assert (row.op, row.left, row.right) == ("insert", "", added)
    ops = [r.op for r in view.rows]
    assert ops.index("insert") == 3 + 4            # title, summary, stamp, four paragraphs
    assert "Umerov" in {m.name for m in load_article(ww.store, STORY_ID).matches}


def test_a_moved_paragraph_is_shown_as_a_move(ww, site):
    refresh(ww, wait=0)
    moved = [BODY[0], BODY[3], BODY[1], BODY[2], *BODY[4:]]
    site.page(STORY, article_page(TITLE, moved))
    refresh(ww)
    rows = non_equal(diff_versions(ww.store, STORY_ID).rows)
    assert rows and all(r.moved for r in rows)
    assert {r.op for r in rows} == {"delete", "insert"}
    assert {r.left or r.right for r in rows} == {BODY[3]}


def test_a_boilerplate_only_change_is_not_a_version(ww, site):
    refresh(ww, wait=0)
    site.page(STORY, article_page(
        TITLE, BODY, cookie="We and our partners use cookies. You can change your choice at "
        "any time under Privacy settings, which you will find at the foot of every page.",
        most_read=("Storm warning for the west coast", "Rail strike called off at the last "
                   "minute", "Election results: live"),
        related=("Explainer: who is negotiating for whom", "Timeline of the peace efforts"),
        newsletter="Get the evening briefing in your inbox every weekday at six.",
        section="World news"))
    report = refresh(ww)
    assert site.page_requests() == 2                # it was read again...
    assert report.pages["same"] == 2                # ...and judged unchanged
    assert len(versions(ww)) == 1
    assert find_item(ww.store, STORY_ID).changed is False


def test_whitespace_only_changes_make_no_version(ww, site):
    refresh(ww, wait=0)
    rewrapped = [BODY[0] + " " + BODY[1], *(p.replace(" on ", "  on ") for p in BODY[2:])]
    site.page(STORY, article_page(TITLE, rewrapped))
    report = refresh(ww)
    assert site.page_requests() == 2 and report.pages["same"] == 2
    assert len(versions(ww)) == 1


@pytest.mark.parametrize("change", ["timestamp", "punctuation"])
def test_churn_is_kept_as_a_minor_version(ww, site, change):
    refresh(ww, wait=0)
    if change == "timestamp":
        assert STAMP in load_article(ww.store, STORY_ID).text      # the line is in the text
        page = article_page(TITLE, BODY, stamp="Updated: 23 November 2025, 11:40 GMT",
                            byline_time="Sun 23 Nov 2025 11.40 GMT")
    else:
        edited = [p.replace('"', "\u201c", 1).replace('"', "\u201d", 1) for p in BODY]
        edited[6] = edited[6].replace("Monday.", "Monday;")
        page = article_page(TITLE, edited)
    site.page(STORY, page)
    report = refresh(ww)
    assert report.pages["minor"] == 1
    v1, v2 = versions(ww)
    assert (v2.number, v2.minor) == (2, True)
    assert find_item(ww.store, STORY_ID).changed is False       # not marked in the table
    assert non_equal(diff_versions(ww.store, STORY_ID).rows)    # but the diff shows it
    # The next real edit after the churn is major again.
    site.page(STORY, article_page(TITLE, [*BODY[:-1], "The talks ended without agreement."]))
    assert refresh(ww).pages["major"] == 1
    assert [v.minor for v in versions(ww)] == [False, True, False]
    assert find_item(ww.store, STORY_ID).changed is True


def collapsed_pages() -> dict[str, str]:
    return {
        "index page": (PAGES / "index_page.html").read_text(encoding="utf-8"),
        "paywall stub": (PAGES / "paywall_stub.html").read_text(encoding="utf-8"),
        "collapsed extraction": article_page(TITLE, BODY[:1]),
        "empty body": article_page(TITLE, []),
    }


@pytest.mark.parametrize("kind", list(collapsed_pages()))
def test_a_collapsed_page_is_not_a_version(ww, site, kind):
    refresh(ww, wait=0)
    before = load_article(ww.store, STORY_ID).text
    site.page(STORY, collapsed_pages()[kind])
    report = refresh(ww)
    assert site.page_requests() == 2
    assert report.pages.get("collapsed") == 1
    assert len(versions(ww)) == 1
    article = load_article(ww.store, STORY_ID)
    assert (article.text, article.text_source) == (before, "page")
    # The page comes back whole: nothing happened as far as versions go.
    site.page(STORY, article_page(TITLE, BODY))
    assert refresh(ww).pages.get("same") == 2
    assert len(versions(ww)) == 1


def test_a_failing_page_keeps_the_text_it_had(ww, site):
    refresh(ww, wait=0)
    before = load_article(ww.store, STORY_ID).text
    site.page(STORY, "Service Unavailable", status=503)
    report = refresh(ww)
    assert report.pages.get("error") == 1
    assert len(versions(ww)) == 1
    assert load_article(ww.store, STORY_ID).text == before


def test_a_flip_flop_makes_no_endless_versions(ww, site):
    refresh(ww, wait=0)
    b_body = list(BODY)
    b_body[0] = BODY[0].replace("28", "19")
    a_page, b_page = article_page(TITLE, BODY), article_page(TITLE, b_body)
    outcomes = []
    for page in (b_page, a_page, b_page, a_page, b_page, a_page):
        site.page(STORY, page)
        report = refresh(ww, wait=61)          # past the hourly re-check of a 3-hour-old item
        outcomes.append({k: v for k, v in report.pages.items() if k != "same"})
    assert site.page_requests() == 7
    assert len(versions(ww)) == 2
    assert outcomes[0] == {"major": 1}
    assert all(o == {} for o in outcomes[1:]), outcomes
    # What is shown is what the page says now (A), not what it said two fetches ago.
    article = load_article(ww.store, STORY_ID)
    assert BODY[0] in article.text and b_body[0] not in article.text


# --- which items get a page -----------------------------------------------------------------

@pytest.mark.parametrize(("policy", "fetched"), [
    ("never", set()),
    ("matches", {STORY}),          # the Geneva story names Witkoff, Zaporizhzhia, ...
    ("all", {STORY, OTHER}),
])
def test_full_text_policy_decides_which_pages_are_fetched(tmp_path, site, policy, fetched):
    session = open_wirewatch(tmp_path, site, policy)
    try:
        refresh(session, wait=0)
        requested = {path for path in (STORY, OTHER) if site.page_requests(path)}
        assert requested == fetched
        for uid, path in ((STORY_ID, STORY), (OTHER_ID, OTHER)):
            assert load_article(session.store, uid).text_source == (
                "page" if path in fetched else "feed")
        # Later refreshes re-read exactly the pages the policy chose, never the others.
        refresh(session, wait=60)
        assert {p for p in (STORY, OTHER) if site.page_requests(p)} == fetched
        assert all(site.page_requests(p) == 2 for p in fetched)
    finally:
        session.close()


def test_a_per_feed_policy_overrides_the_global_one(tmp_path, site):
    config = tmp_path / "feeds.toml"
    text = config_text([("Harbor Wire", site.server.url("/feed.xml"))],
                       settings='full_text = "never"')
    config.write_text(text.replace('tags = ["test"]', 'tags = ["test"]\nfull_text = "all"'),
                      encoding="utf-8")
    session = Session.open(str(config), str(tmp_path / "cache"))
    try:
        assert session.refresh_sync(force=True).pages == {"first": 2}
    finally:
        session.close()


def test_pages_a_refresh_did_not_get_to_are_fetched_by_the_next_and_fire_their_alerts(
        tmp_path, site, monkeypatch):
    """A refresh fetches at most MAX_PAGES_PER_REFRESH pages (and one cut short fetches
    fewer): the pages it left are fetched by the next refreshes, so an alert on a name only
    the article page holds ("Austria", in the glaciers page) still fires. They were never
    fetched: pages were only looked for among the items new in the refresh at hand."""
    from tui.core.text import fulltext

    monkeypatch.setattr(fulltext, "MAX_PAGES_PER_REFRESH", 1)
    config = tmp_path / "feeds.toml"
    config.write_text(config_text([("Harbor Wire", site.server.url("/feed.xml"))],
                                  settings='full_text = "all"',
                                  extra='[[alerts]]\nname = "Alps"\nany = ["Austria"]\n'),
                      encoding="utf-8")
    session = Session.open(str(config), str(tmp_path / "cache"))
    try:
        first = refresh(session, wait=0)
        assert site.page_requests(STORY) + site.page_requests(OTHER) == 1
        second = refresh(session, wait=5)      # the page read first is not due for 15 minutes
        assert (site.page_requests(STORY), site.page_requests(OTHER)) == (1, 1)
        assert [hit.alert for hit in first.alerts + second.alerts] == ["Alps"]
        assert load_article(session.store, OTHER_ID).text_source == "page"
        refresh(session, wait=5)               # nothing left behind, nothing due
        assert (site.page_requests(STORY), site.page_requests(OTHER)) == (1, 1)
    finally:
        session.close()


# --- falling back to the feed ---------------------------------------------------------------

def test_a_failed_page_falls_back_to_the_feeds_content_then_its_summary(ww, site):
    content = "<p>" + "</p><p>".join(html.escape(p) for p in BODY[:3]) + "</p>"
    site.story["content"] = content
    site.publish()
    site.page(STORY, "Not Found", status=404)
    site.page(OTHER, (PAGES / "index_page.html").read_text(encoding="utf-8"))
    report = refresh(ww, wait=0)
    assert report.pages == {"error": 1, "collapsed": 1}
    story = load_article(ww.store, STORY_ID)
    assert story.text_source == "feed"
    assert BODY[0] in story.text and "<p>" not in story.text       # the feed's own content
    other = load_article(ww.store, OTHER_ID)
    assert (other.text_source, other.text) == ("feed", OTHER_SUMMARY)   # else its summary
    assert story.to_json()["text_source"] == "feed"
    # The page comes back: it becomes the text and completes version 1 (no version 2).
    site.page(STORY, article_page(TITLE, BODY))
    assert refresh(ww).pages.get("first") == 1
    story = load_article(ww.store, STORY_ID)
    assert story.text_source == "page" and BODY[-1] in story.text
    [v1] = versions(ww)
    assert v1.text == story.text


def test_a_version_from_before_the_text_is_compared_on_headline_and_summary(tmp_path, site):
    """Under "matches" an item is read only once a watched name appears in its entry: the
    version before had no text, and the diff must not show the whole article as added."""
    site.other["summary"] = OTHER_SUMMARY
    session = open_wirewatch(tmp_path, site, "matches")
    try:
        refresh(session, wait=0)
        assert site.page_requests(OTHER) == 0
        new_summary = OTHER_SUMMARY + " Zelensky called it a warning."
        site.other["summary"] = new_summary
        site.publish()
        report = refresh(session)
        assert report.pages.get("first") == 1 and site.page_requests(OTHER) == 1
        v1, v2 = versions(session, OTHER_ID)
        assert v1.text is None and OTHER_BODY[0] in v2.text
        view = diff_versions(session.store, OTHER_ID)
        [row] = non_equal(view.rows)
        assert (row.op, row.left, row.right) == ("replace", OTHER_SUMMARY, new_summary)
        assert changed_words(row) == ([], ["Zelensky called it a warning."])
    finally:
        session.close()


def test_an_item_opened_without_text_is_fetched_on_demand(tmp_path, site):
    import asyncio

    session = open_wirewatch(tmp_path, site, "never")
    try:
        refresh(session, wait=0)
        assert site.page_requests(OTHER) == 0
        outcome = asyncio.run(session.fetch_text(row_id(session, OTHER_ID)))
        assert outcome == "first" and site.page_requests(OTHER) == 1
        article = load_article(session.store, OTHER_ID)
        assert article.text_source == "page" and OTHER_BODY[2] in article.text
    finally:
        session.close()


def test_under_never_an_opened_item_is_read_again_when_its_entry_changes(tmp_path, site):
    """"never" fetches no page by itself, but a page the user opened is tracked: when its
    feed entry is edited, the page is read again (the body likely changed too); the other
    item's edit fetches nothing."""
    import asyncio

    session = open_wirewatch(tmp_path, site, "never")
    try:
        refresh(session, wait=0)
        asyncio.run(session.fetch_text(row_id(session, OTHER_ID)))
        assert (site.page_requests(STORY), site.page_requests(OTHER)) == (0, 1)
        site.other["summary"] = OTHER_SUMMARY + " The loss was the largest on record."
        site.story["summary"] = SUMMARY + " Talks resume on Monday."
        site.publish()
        report = refresh(session, wait=1)
        assert len(report.changed) == 2
        assert (site.page_requests(STORY), site.page_requests(OTHER)) == (0, 2)
    finally:
        session.close()


# --- the re-check schedule ------------------------------------------------------------------

def test_recheck_intervals_grow_with_age():
    ages = [0, 2 * 3600, 5 * 3600, 2 * 86_400, 5 * 86_400, 30 * 86_400]
    intervals = [recheck_interval(age) for age in ages]
    assert intervals == sorted(intervals) and intervals[0] == 15 * 60
    assert intervals[-1] == RECHECK_SCHEDULE[-1][1]


def test_due_jobs_pick_tracked_items_when_due_and_never_after_keep_days(tmp_path, site):
    session = open_wirewatch(tmp_path, site, "matches")
    try:
        refresh(session, wait=0)            # the story is tracked (it has matches); the other not
        store, config = session.store, session.config
        now = time.time()
        due = lambda when: {j.row_id for j in due_text_jobs(store, config, fresh_ids=[], now=when)}
        story = row_id(session)
        assert due(now) == set()                                 # just read
        assert due(now + 10 * 60) == set()                       # before the 15-minute mark
        assert due(now + 16 * 60) == {story}                     # the glacier item never
        # An old article is re-read rarely: a week after its last check, not a day after.
        later(session, 20 * 24 * 60)
        assert due(now) == {story}
        with store.transaction() as conn:
            conn.execute("UPDATE items SET text_checked = ? WHERE id = ?", (now, story))
        assert due(now + 86_400) == set()
        assert due(now + 8 * 86_400) == {story}
        # Past keep_days it is never re-read again, whenever asked.
        later(session, config.settings.keep_days * 24 * 60)
        assert due(time.time() + 365 * 86_400) == set()
        # A fresh id the policy does not select is no job either; a tracked one always is.
        assert due_text_jobs(store, config, fresh_ids=[row_id(session, OTHER_ID)],
                             now=now) == []
    finally:
        session.close()


def test_tracked_pages_are_found_from_their_own_index_not_by_walking_every_item(tmp_path, site):
    """Every refresh asks for the tracked pages: the lookup must read those items alone (a
    partial index), or it costs a walk over every item of the last keep_days each time."""
    session = open_wirewatch(tmp_path, site, "matches")
    try:
        refresh(session, wait=0)
        store = session.store
        plan = " ".join(row[3] for row in store.connection.execute(
            "EXPLAIN QUERY PLAN " + TRACKED_PAGES_SQL, (0.0, 10)))
        assert "items_page_tracked" in plan, plan
        assert [p.row_id for p in tracked_pages(store, since=0.0)] == [row_id(session)]
    finally:
        session.close()
