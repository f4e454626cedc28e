"""The article, diff and related screens under a real Textual app (Pilot), over a real cache.

The cache holds one story told three times: Harbor Wire's item, edited twice after
publication (three versions with page text), Kestrel Daily's own report of it, and
Tageskompass reprinting Harbor Wire's copy word for word (wire copy). The screens are opened
the way the dashboard opens them, through the app's `open_*` hooks; `ScreensApp` below wires
those hooks exactly as tui/app.py is meant to. Nothing reaches the internet: the page fetch
test serves the article from a loopback server, and the browser is replaced by a recorder.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

import pytest
from rich.style import Style
from textual.geometry import Region
from textual.screen import Screen
from textual.widgets import OptionList, Static

from tests.support.apps import RecordingApp
from tests.support.configs import THREE_OUTLETS, WATCHLIST, settings_table
from tui import messages
from tui.core.config.load import parse_config
from tui.core.ingest.feeds import Entry, ParsedFeed
from tui.core.session import Session
from tui.screens.article import ArticleScreen, link_allowed
from tui.screens.diff import DiffScreen
from tui.screens.related import RelatedScreen
from tui.widgets.article_text import ArticleText
from tui.widgets.diff_lines import DiffLines
from tui.widgets.headline_table import HeadlineTable

FIXED_NOW = datetime(2025, 11, 21, 12, 0, tzinfo=timezone.utc)
PAGES = Path(__file__).resolve().parents[1] / "data" / "pages"

CONFIG = "\n".join([settings_table(), THREE_OUTLETS, WATCHLIST])

TITLE_V1 = "Witkoff and Kushner carry a 28-point plan to Moscow"
TITLE_V3 = "Witkoff and Kushner carry a 19-point plan to Moscow"
SUMMARY = ("US envoys Witkoff and Kushner took a peace plan to Moscow; "
           "Kyiv says Crimea and Donetsk are not for sale.")

_KEPT = [
    "Lavrov told reporters that Moscow would study the text before any meeting.",
    "Diplomats in Geneva described the mood as cautious but businesslike.",
    "The document was circulated to European capitals on Wednesday evening.",
    "Officials declined to say whether a summit date had been discussed.",
    "Zelensky is due to speak to European leaders on Friday about security guarantees.",
]

V1_TEXT = "\n\n".join([
    "Witkoff and Kushner flew to Moscow on Thursday carrying a 28-point plan drafted "
    "with Kyiv's negotiators.",
    "The plan would freeze the front line in Zaporizhzhia and Kherson and leave the status "
    "of Crimea to later talks.",
    "Rubio said the United States wanted an answer within a week.",
    *_KEPT,
    "Markets in Europe rose on the news.",
    "Putin has not commented.",
])

V2_TEXT = "\n\n".join([
    "Witkoff and Kushner flew to Moscow on Thursday carrying a 19-point plan drafted "
    "with Kyiv's negotiators.",
    "The plan would freeze the front line in Zaporizhzhia and Kherson and leave the status "
    "of Crimea to later talks.",
    "Rubio said the United States wanted an answer by Thanksgiving.",
    *_KEPT,
    "Putin has not commented.",
])

V3_TEXT = "\n\n".join([
    "Witkoff and Kushner flew to Moscow on Thursday carrying a 19-point plan drafted "
    "with Kyiv's negotiators.",
    "The plan would freeze the front line in Zaporizhzhia and Kherson and leave the status "
    "of Crimea to later talks.",
    "Rubio said the United States wanted an answer by Thanksgiving at the latest.",
    *_KEPT,
    "Yermak, the head of the presidential office, resigned on Friday after an "
    "anti-corruption raid.",
    "Putin said the plan could be a basis for a settlement.",
])

KESTREL_TITLE = "Witkoff and Kushner bring 28-point peace plan to Moscow talks"
KESTREL_SUMMARY = ("The US envoys carried a peace plan to Moscow; Kyiv insists Crimea and "
                   "Donetsk are not for sale, Umerov said.")
KESTREL_TEXT = "\n\n".join([
    "Witkoff and Kushner landed in Moscow with a 28-point peace plan on Thursday.",
    "Kyiv's negotiators, led by Umerov, said Crimea and Donetsk were not for sale.",
    "Lavrov told reporters that Moscow would study the text before any meeting.",
    "Putin has not commented.",
])

HOSTILE_SUMMARY = ("Bold [/b] closes nothing [@click=app.quit]click[/] "
                   "\x1b[31mred\x1b[0m \x1b]8;;https://evil.example\x1b\\osc\x1b]8;;\x1b\\ "
                   "right\u202eto-left near Crimea")


# --- the cache -------------------------------------------------------------------------------


def _entry(feed: str, n: int, title: str, summary: str, *, link: str | None = None,
           content: str = "", minutes_ago: int = 0) -> Entry:
    published = FIXED_NOW - timedelta(minutes=minutes_ago)
    return Entry(guid=f"urn:{feed}:{n}", link=link or f"https://news.example/{n}",
                 title=title, summary=summary, content=content,
                 published_raw=format_datetime(published), key=f"urn:{feed}:{n}",
                 published=published.timestamp())


def _ingest(session: Session, feed: str, entry: Entry, *, now: datetime) -> int:
    result = session.store.ingest(feed, ParsedFeed(title=feed, language="en", entries=[entry]),
                                  now=now.timestamp(), matcher=session.watcher)
    return (result.new or result.updated)[0]


def _with_text(session: Session, row_id: int, versions: list[tuple[str, str, datetime]]) -> None:
    """Give version 1 its page text, then add the later versions (title, text, seen)."""
    store = session.store
    with store.transaction() as conn:
        first_title, first_text, first_seen = versions[0]
        conn.execute("UPDATE items SET text = ?, text_source = 'page', text_checked = ? "
                     "WHERE id = ?", (first_text, first_seen.timestamp(), row_id))
        conn.execute("UPDATE versions SET text = ? WHERE item_id = ? AND number = 1",
                     (first_text, row_id))
        for title, text, seen in versions[1:]:
            store.add_version(conn, row_id, title=title, summary=SUMMARY, text=text,
                              now=seen.timestamp(), text_source="page")
        store.rematch(conn, row_id, session.watcher)


def build_session(cache_dir: Path) -> tuple[Session, dict[str, str]]:
    """The story's cache; returns the session and the items' ids by role."""
    session = Session.open(cache_option=str(cache_dir), config=parse_config(CONFIG))
    seen = FIXED_NOW - timedelta(hours=3)
    main = _ingest(session, "Harbor Wire",
                   _entry("Harbor Wire", 1, TITLE_V1, SUMMARY, minutes_ago=180), now=seen)
    _with_text(session, main, [(TITLE_V1, V1_TEXT, seen),
                               (TITLE_V1, V2_TEXT, seen + timedelta(minutes=50)),
                               (TITLE_V3, V3_TEXT, seen + timedelta(minutes=130))])
    kestrel = _ingest(session, "Kestrel Daily",
                      _entry("Kestrel Daily", 2, KESTREL_TITLE, KESTREL_SUMMARY,
                             minutes_ago=150), now=seen)
    _with_text(session, kestrel, [(KESTREL_TITLE, KESTREL_TEXT, seen)])
    wire = _ingest(session, "Tageskompass",
                   _entry("Tageskompass", 3, TITLE_V3, SUMMARY, minutes_ago=120), now=seen)
    _with_text(session, wire, [(TITLE_V3, V3_TEXT, seen)])
    _ingest(session, "Kestrel Daily",
            _entry("Kestrel Daily", 4, "Rail freight volumes fall in the autumn",
                   "Container traffic on the main lines dropped again.", minutes_ago=60),
            now=seen)
    hostile = _ingest(session, "Harbor Wire",
                      _entry("Harbor Wire", 5, "Markup [b]in[/b] a title", HOSTILE_SUMMARY,
                             link="javascript:alert(1)", minutes_ago=30), now=seen)
    uids = {}
    for role, row_id in (("main", main), ("kestrel", kestrel), ("wire", wire),
                         ("hostile", hostile)):
        uids[role] = session.store.connection.execute(
            "SELECT uid FROM items WHERE id = ?", (row_id,)).fetchone()[0]
    return session, uids


# --- the app ---------------------------------------------------------------------------------


ScreensApp = RecordingApp


@pytest.fixture
def story(tmp_path: Path):
    session, uids = build_session(tmp_path / "cache")
    yield session, uids
    session.close()


async def settle(pilot) -> None:
    """Let every worker finish and every message they posted be handled."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def screen_text(widget, width: int | None = None, height: int | None = None) -> list[str]:
    """The lines a Line API widget paints now, as plain text."""
    region = widget.size
    strips = widget.render_lines(Region(0, 0, width or region.width, height or region.height))
    return ["".join(segment.text for segment in strip) for strip in strips]


def styles_of(widget, word: str) -> list[Style]:
    """The styles of the painted segments that contain `word`."""
    region = widget.size
    found = []
    for strip in widget.render_lines(Region(0, 0, region.width, region.height)):
        for segment in strip:
            if word in segment.text and segment.style is not None:
                found.append(segment.style)
    return found


def name_colours(widget, *words: str) -> list:
    """The foreground colour each of `words` is painted in, when it is painted bold in a
    colour of its own (a watched name), else None."""
    plain_colour = widget.rich_style.color
    colours = []
    for word in words:
        found = [s.color for s in styles_of(widget, word)
                 if s.bold and s.color is not None and s.color != plain_colour]
        colours.append(found[0] if found else None)
    return colours


def static_text(screen: Screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


# --- the article screen ----------------------------------------------------------------------


async def test_article_shows_the_item_and_highlights_watched_names(story) -> None:
    session, uids = story
    app = ScreensApp(session, lambda ctx: ArticleScreen(ctx, uids["main"]))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ArticleScreen)
        head = static_text(screen, "#article-head")
        assert TITLE_V3 in head
        assert "Harbor Wire · 2025-11-21 09:00 · 3 versions · text from the page" in head
        assert "https://news.example/1" in head
        body = screen.query_one(ArticleText)
        # The feed's summary is not in the page's text: it leads, in italics.
        assert body.paragraphs[0] == SUMMARY and body.lead == 1
        assert body.paragraphs[1].startswith("Witkoff and Kushner flew to Moscow")
        assert all(style.italic for style in styles_of(body, "peace plan to Moscow"))
        assert not any(style.italic for style in styles_of(body, "flew to Moscow"))
        assert {m.name for m in body.matches} >= {"Witkoff", "Kushner", "Crimea", "Rubio"}
        region, negotiator, other = name_colours(body, "Crimea", "Witkoff", "Kushner")
        assert region is not None and negotiator is not None and region != negotiator
        assert other == negotiator                    # one colour per category
        assert "mentions of" in static_text(screen, "#article-status")


async def test_n_and_N_step_through_the_matches_and_scroll_to_them(story) -> None:
    session, uids = story
    app = ScreensApp(session, lambda ctx: ArticleScreen(ctx, uids["main"]))
    async with app.run_test(size=(60, 14)) as pilot:
        await settle(pilot)
        body = app.screen.query_one(ArticleText)
        total = len(body.matches)
        assert total >= 8
        await pilot.press("n")
        assert body.current == 0
        assert "match 1 of" in static_text(app.screen, "#article-status")
        for _ in range(total - 1):
            await pilot.press("n")
        assert body.current == total - 1
        last = body.matches[-1]
        line = body.line_of(last)
        top = round(body.scroll_y)
        assert top > 0 and top <= line < top + body.scrollable_content_region.height
        assert f"{last.name}" in static_text(app.screen, "#article-status")
        await pilot.press("n")                       # wraps around to the first
        assert body.current == 0 and round(body.scroll_y) == 0
        await pilot.press("N")
        assert body.current == total - 1


async def test_article_text_is_shown_exactly_as_text(story) -> None:
    """Markup in feed text is not interpreted; escapes and bidi overrides never reach the
    terminal; a javascript: link is refused."""
    session, uids = story
    app = ScreensApp(session, lambda ctx: ArticleScreen(ctx, uids["hostile"]))
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        head = static_text(screen, "#article-head")
        assert "Markup [b]in[/b] a title" in head
        lines = "\n".join(screen_text(screen.query_one(ArticleText)))
        assert "[@click=app.quit]click[/]" in lines
        assert "Bold [/b] closes nothing" in lines
        assert "\x1b" not in lines and "\u202e" not in lines
        await pilot.click(ArticleText, offset=(20, 0))
        await pilot.press("o")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, ArticleScreen)
        assert ("warning", "Only http and https links are opened.") in app.notes


async def test_o_opens_the_link_in_a_thread(story, monkeypatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: opened.append(url) or True)
    session, uids = story
    app = ScreensApp(session, lambda ctx: ArticleScreen(ctx, uids["main"]))
    async with app.run_test() as pilot:
        await settle(pilot)
        assert opened == []                           # only on request
        await pilot.press("o")
        await settle(pilot)
    assert opened == ["https://news.example/1"]


def test_only_http_links_are_allowed() -> None:
    assert link_allowed("https://news.example/a?b=c")
    assert link_allowed("HTTP://news.example/")
    for bad in ("javascript:alert(1)", "file:///etc/passwd", "https://", "news.example/a",
                "https://news.example/\x1b]8;;x", "https://news.example/a b", None, ""):
        assert not link_allowed(bad), bad


async def test_article_without_page_text_fetches_it_in_a_worker(story, http_server) -> None:
    session, _ = story
    http_server.route("/geneva", (PAGES / "en_article.html").read_bytes(),
                      content_type="text/html; charset=utf-8")
    row_id = _ingest(session, "Kestrel Daily",
                     _entry("Kestrel Daily", 9, "Envoys return to Geneva", "Feed teaser only.",
                            link=http_server.url("/geneva")), now=FIXED_NOW)
    uid = session.store.connection.execute("SELECT uid FROM items WHERE id = ?",
                                           (row_id,)).fetchone()[0]
    app = ScreensApp(session, lambda ctx: ArticleScreen(ctx, uid), offline=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ArticleScreen)
        # the feed's text at once, the page on its way
        await pilot.app.workers.wait_for_complete()   # load, then fetch, then load again
        await settle(pilot)
        assert screen.article is not None and screen.article.text_source == "page"
        assert "text from the page" in static_text(screen, "#article-head")
        body = screen.query_one(ArticleText)
        assert any("Geneva" in p for p in body.paragraphs)
        assert len(body.paragraphs) > 2
    assert len(http_server.requests_to("/geneva")) == 1


async def test_article_shows_feed_text_first_while_the_page_loads(story, http_server) -> None:
    session, _ = story
    http_server.drip("/slow", b"<html><body><p>Slow.</p></body></html>", interval=0.2)
    row_id = _ingest(session, "Kestrel Daily",
                     _entry("Kestrel Daily", 10, "Slow page", "The feed's teaser is here.",
                            link=http_server.url("/slow")), now=FIXED_NOW)
    uid = session.store.connection.execute("SELECT uid FROM items WHERE id = ?",
                                           (row_id,)).fetchone()[0]
    app = ScreensApp(session, lambda ctx: ArticleScreen(ctx, uid), offline=False)
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(50):
            await pilot.pause(0.02)
            screen = app.screen
            if isinstance(screen, ArticleScreen) and screen.article is not None:
                break
        body = screen.query_one(ArticleText)
        assert body.paragraphs == ("The feed's teaser is here.",)
        assert "fetching the page" in static_text(screen, "#article-head")
        await pilot.press("escape")                   # leaving cancels the fetch
        await pilot.pause()
        assert not isinstance(app.screen, ArticleScreen)


async def test_article_keys_open_diff_related_and_compare(story) -> None:
    session, uids = story
    app = ScreensApp(session, lambda ctx: ArticleScreen(ctx, uids["main"]))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DiffScreen) and app.screen.other is None
        await pilot.press("escape")
        await pilot.press("R")
        await settle(pilot)
        assert isinstance(app.screen, RelatedScreen)
        await pilot.press("escape")
        await pilot.press("c")                        # nothing marked yet
        assert app.notes[-1][0] == "warning" and "Mark an item" in app.notes[-1][1]
        await pilot.press("space")                    # mark this one: the App holds the mark
        mark = app.context.compare_mark
        assert mark is not None and mark.uid == uids["main"]
        table = app.screen_stack[0].query_one(HeadlineTable)
        assert table.marked(mark)
        await pilot.press("c")
        assert "This is the marked item" in app.notes[-1][1]
        app.post_message(messages.OpenArticle(uids["kestrel"]))
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DiffScreen)
        assert (screen.uid, screen.other) == (uids["main"], uids["kestrel"])


# --- the diff screen -------------------------------------------------------------------------


async def test_diff_shows_the_last_two_versions_side_by_side(story) -> None:
    session, uids = story
    app = ScreensApp(session, lambda ctx: DiffScreen(ctx, uids["main"]))
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = app.screen
        view = screen.query_one(DiffLines)
        assert (screen.older, screen.newer) == (2, 3)
        assert not view.narrow
        lines = screen_text(view)
        assert lines[0].lstrip().startswith("v2 · seen 11-21 09:50")
        assert "│" in lines[0] and "v3 · seen 11-21 11:10" in lines[0]
        assert any("28-point plan" in line and "19-point plan" in line for line in lines)
        assert any("by Thanksgiving." in line and "at the latest." in line for line in lines)
        picker = static_text(screen, "#diff-picker")
        assert "v1" in picker and " v2 " in picker and " v3 " in picker and "of 3" in picker
        assert "changed" in static_text(screen, "#diff-stats")
        # changed words: the old number on the left, the new one on the right, highlighted
        removed = [s for s in styles_of(view, "28") if s.bgcolor is not None]
        added = [s for s in styles_of(view, "19") if s.bgcolor is not None]
        assert removed and added and removed[0].bgcolor != added[0].bgcolor
        # watched names still highlighted
        assert name_colours(view, "Putin") != [None]


async def test_version_picker_moves_with_brackets(story) -> None:
    session, uids = story
    app = ScreensApp(session, lambda ctx: DiffScreen(ctx, uids["main"]))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert (screen.older, screen.newer) == (1, 2)
        lines = "\n".join(screen_text(screen.query_one(DiffLines)))
        assert "Markets in Europe rose on the news." in lines        # deleted in v2
        assert "within a week" in lines and "by Thanksgiving" in lines
        await pilot.press("left_square_bracket")
        assert "oldest pair" in app.notes[-1][1]
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert (screen.older, screen.newer) == (2, 3)
        await pilot.press("right_square_bracket")
        assert "newest pair" in app.notes[-1][1]


async def test_unchanged_runs_fold_and_unfold(story) -> None:
    session, uids = story
    app = ScreensApp(session, lambda ctx: DiffScreen(ctx, uids["main"]))
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        view = app.screen.query_one(DiffLines)
        assert view.collapsed
        folded = view.line_count
        text = "\n".join(screen_text(view))
        assert "unchanged passages · z shows them" in text
        assert "Diplomats in Geneva" not in text
        await pilot.press("z")
        assert not view.collapsed and view.line_count > folded
        text = "\n".join(screen_text(view))
        assert "Diplomats in Geneva" in text and "z shows them" not in text
        assert "every passage shown" in static_text(app.screen, "#diff-stats")
        await pilot.press("z")
        assert view.line_count == folded


async def test_n_jumps_between_changes(story) -> None:
    session, uids = story
    app = ScreensApp(session, lambda ctx: DiffScreen(ctx, uids["main"]))
    async with app.run_test(size=(160, 12)) as pilot:
        await settle(pilot)
        view = app.screen.query_one(DiffLines)
        await pilot.press("z")                        # everything shown: changes far apart
        seen = []
        for _ in range(6):
            await pilot.press("n")
            seen.append(view.current_change)
        changes = [i for i, row in enumerate(view.rows) if row.op != "equal" or row.moved]
        assert [c for c in seen if c is not None][:len(changes)] == changes
        assert "No more changes below." in app.notes[-1][1]
        assert round(view.scroll_y) > 0
        await pilot.press("N")
        assert view.current_change == changes[-2]


async def test_narrow_terminal_shows_one_column(story) -> None:
    session, uids = story
    app = ScreensApp(session, lambda ctx: DiffScreen(ctx, uids["main"]))
    async with app.run_test(size=(80, 40)) as pilot:
        await settle(pilot)
        view = app.screen.query_one(DiffLines)
        assert view.narrow
        lines = screen_text(view)
        assert lines[0].startswith("- v2") and "+ v3" in lines[0]
        assert not any("│" in line for line in lines)
        old = next(i for i, line in enumerate(lines) if "Putin has not commented." in line)
        new = next(i for i, line in enumerate(lines) if "Putin said the plan" in line)
        assert lines[old].startswith("- ") and lines[new].startswith("+ ") and old < new
        await pilot.resize_terminal(140, 40)
        await pilot.pause()
        assert not view.narrow
        assert "│" in screen_text(view)[0]


async def test_compare_two_reports(story) -> None:
    session, uids = story
    app = ScreensApp(session, lambda ctx: DiffScreen(ctx, uids["main"], uids["kestrel"]))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        view = screen.query_one(DiffLines)
        header = screen_text(view)[0]
        assert "Harbor Wire · 11-21 09:00" in header and "Kestrel Daily · 11-21 09:30" in header
        assert "Compare  Harbor Wire  |  Kestrel Daily" in static_text(screen, "#diff-title")
        assert screen.check_action("older", ()) is False
        await pilot.press("left_square_bracket")      # no versions to step through
        assert (screen.uid, screen.other) == (uids["main"], uids["kestrel"])
        assert any(row.op == "equal" and "Lavrov told reporters" in row.left
                   for row in view.rows)


async def test_a_twenty_thousand_word_diff_shows_quickly(tmp_path) -> None:
    """The rows are measured, not styled, up front: a long diff opens without delay."""
    import time

    session = Session.open(cache_option=str(tmp_path / "cache"), config=parse_config(CONFIG))
    words = ("Crimea talks envoy Witkoff said the plan would need more work before any "
             "signature and the parties met again").split()
    paragraphs = [" ".join(words[(i + k) % len(words)] for k in range(80)) + "."
                  for i in range(250)]
    edited = [p.replace("envoy", "negotiator", 1) if i % 9 == 0 else p
              for i, p in enumerate(paragraphs)]
    seen = FIXED_NOW - timedelta(hours=1)
    row_id = _ingest(session, "Harbor Wire",
                     _entry("Harbor Wire", 77, "A very long article", "Long."), now=seen)
    _with_text(session, row_id, [("A very long article", "\n\n".join(paragraphs), seen),
                                 ("A very long article", "\n\n".join(edited),
                                  seen + timedelta(minutes=5))])
    uid = session.store.connection.execute("SELECT uid FROM items WHERE id = ?",
                                           (row_id,)).fetchone()[0]
    app = ScreensApp(session, lambda ctx: DiffScreen(ctx, uid))
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            view = app.screen.query_one(DiffLines)
            assert sum(len(r.left.split()) for r in view.rows) >= 20_000
            started = time.perf_counter()
            await pilot.press("z")                    # unfold: every row measured again
            await pilot.pause()
            unfolded = time.perf_counter() - started
            assert view.line_count > 2_000
            await pilot.press("G")
            await pilot.pause()
            assert round(view.scroll_y) > 2_000
            print(f"unfolding and painting a 20,000-word diff: {unfolded * 1000:.0f} ms")
    finally:
        session.close()


# --- the related screen ----------------------------------------------------------------------


async def test_related_lists_other_outlets_and_labels_wire_copy(story) -> None:
    session, uids = story
    app = ScreensApp(session, lambda ctx: RelatedScreen(ctx, uids["main"]))
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        listing = screen.query_one(OptionList)
        prompts = [str(listing.get_option_at_index(i).prompt) for i in
                   range(listing.option_count)]
        assert len(prompts) == 2
        wire = next(p for p in prompts if "Tageskompass" in p)
        own = next(p for p in prompts if "Kestrel Daily" in p)
        assert "wire copy" in wire and "wire copy" not in own
        assert "Rail freight" not in "".join(prompts)
        assert "2 reports from other outlets" in static_text(screen, "#related-head")
        index = prompts.index(own)
        while listing.highlighted != index:
            await pilot.press("j")
        await pilot.press("enter")
        await settle(pilot)
        compare = app.screen
        assert isinstance(compare, DiffScreen)
        assert (compare.uid, compare.other) == (uids["main"], uids["kestrel"])


async def test_related_says_so_when_there_is_none(story) -> None:
    session, uids = story
    row = session.store.connection.execute(
        "SELECT uid FROM items WHERE title LIKE 'Rail freight%'").fetchone()
    app = ScreensApp(session, lambda ctx: RelatedScreen(ctx, row[0]))
    async with app.run_test(size=(100, 20)) as pilot:
        await settle(pilot)
        assert app.screen.has_class("-empty")
        assert "No other outlet" in static_text(app.screen, "#related-empty")
        await pilot.press("enter")
        await pilot.press("c")
        assert isinstance(app.screen, RelatedScreen)


# --- keys and wrapping -----------------------------------------------------------------------


async def test_screen_keys_follow_the_keymap(story) -> None:
    """Every key of these screens has a binding id, so `[keys]` in feeds.toml can move it."""
    session, uids = story
    app = ScreensApp(session, lambda ctx: DiffScreen(ctx, uids["main"]))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        app.set_keymap({"fold_unchanged": "f", "older_versions": "comma"})
        screen = app.screen
        view = screen.query_one(DiffLines)
        await pilot.press("z")
        assert view.collapsed
        await pilot.press("f")
        assert not view.collapsed
        await pilot.press("comma")
        await settle(pilot)
        assert (screen.older, screen.newer) == (1, 2)
    for screen_class in (ArticleScreen, DiffScreen, RelatedScreen):
        for binding in screen_class.BINDINGS:
            assert binding.id, (screen_class.__name__, binding.key)


def test_wrapping_measures_cells_not_characters() -> None:
    from tui.widgets.text_lines import wrap_starts

    text = "The quick brown fox jumps over the lazy dog"
    starts = wrap_starts(text, 16)
    lines = [text[a:b].rstrip() for a, b in zip(starts, starts[1:] + [len(text)])]
    assert lines == ["The quick brown", "fox jumps over", "the lazy dog"]
    assert wrap_starts("x" * 40, 16) == [0, 16, 32]                  # a word longer than a line
    wide = "中文中文中文 Запоріжжя"                                     # two cells per Han character
    assert wrap_starts(wide, 10) == [0, 5, 7]                          # 中文中文中 | 文 | Запоріжжя
    assert wrap_starts("", 10) == [0] and wrap_starts("short", 10) == [0]
