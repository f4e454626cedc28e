"""Hostile text through every widget that shows feed text: shown as written, never obeyed.

The titles are stored raw (bypassing the parser's sanitising) so this proves the UI's own
guard: markup stays brackets, `[@click=...]` is inert even when clicked, escape sequences,
OSC 52 / OSC 8 and bidi overrides never reach the terminal, and 5,000 characters neither
crash nor stretch anything.
"""

from __future__ import annotations

from datetime import timezone

import pytest

from tests.support.cachegen import (
    HOSTILE_TITLES,
    add_hostile,
    config_text,
    fail_feed,
    fill,
    make_session,
    screen_segments_text,
    screen_text,
)
from tui.app import WirewatchApp
from tui.core.alerts.plan import plan_notifications
from tui.core.cache.hits import AlertHit
from tui.core.config.load import parse_config
from tui.screens.article import ArticleScreen
from tui.screens.main import MainScreen
from tui.widgets.headline_table import HeadlineTable

# What must never reach the terminal from feed text.
FORBIDDEN = ("\x1b", "\x07", "\x9b", "\x9d", "\u202e", "\u202c", "\u2066")

HOSTILE_FEED = "[b]Evil[/b] \u001b]52;c;ZXZpbA==\u0007 \u202eFeed"
HOSTILE_TERM = "[@click=app.quit]Q[/]"
HOSTILE_ERROR = "HTTP 500: [red]boom[/red] \x1b[2J\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\"


def toml_string(text: str) -> str:
    """`text` as a TOML basic string, every non-printable character as \\uXXXX."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif not char.isprintable() or ord(char) > 0x7e:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


@pytest.fixture
def session(tmp_path):
    text = config_text(settings="") + (
        f"\n[[feeds]]\nname = {toml_string(HOSTILE_FEED)}\n"
        'url = "http://127.0.0.1:9/evil.xml"\ntags = ["[i]tag"]\n\n'
        f'[watch."[b]odd[/b]"]\nterms = ["{HOSTILE_TERM}"]\n'
    )
    config = parse_config(text)
    assert any(f.name == HOSTILE_FEED for f in config.feeds)
    session = make_session(tmp_path / "cache", config=config)
    fill(session, 20)
    add_hostile(session)
    fail_feed(session.store, HOSTILE_FEED, HOSTILE_ERROR)
    yield session
    session.close()


def assert_clean(app) -> None:
    sent = screen_segments_text(app)
    for char in FORBIDDEN:
        assert char not in sent, repr(char)


async def test_hostile_text_is_shown_as_written_everywhere(session):
    app = WirewatchApp(session, offline=True, timezone=timezone.utc)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Bold [/b] closes nothing [b]and [i]opens[/] nothing" in text
        assert "[@click=app.quit]Click me[/] to quit" in text
        assert "[b]Evil[/b]" in text                                   # feeds pane
        assert "#[i]tag" in text                                       # tag row
        assert "● [@click=app.…" in text       # watch pane: as written, cut for its chart
        assert "HTTP 500: [red]boom[/red]" in text                      # status line
        assert_clean(app)
        long_row = next(line for line in text.splitlines() if "Long Crimea" in line)
        assert len(long_row) <= 160 and long_row.rstrip().endswith("…")

        # the error panel of the feeds pane, on the hostile feed
        app.screen.query_one("#feed-list").focus()
        await pilot.press("j", "j", "j", "j", "j")
        assert app.screen.query_one("#feed-error").has_class("-shown")
        assert_clean(app)

        # a toast for an alert hit with a hostile title
        hostile = AlertHit(alert="[b]rule", uid="abcdefghij", title=HOSTILE_TITLES[1],
                           feed="[i]feed", link=None, published=None, fired_at=0.0, row_id=1,
                           version=1)
        app._announce([hostile], plan_notifications([hostile], {}))
        await pilot.pause()
        assert "[@click=app.quit]Click me[/]" in screen_text(app)
        assert_clean(app)
        assert app.is_running


async def test_clicking_hostile_titles_triggers_nothing(session):
    app = WirewatchApp(session, offline=True, timezone=timezone.utc)
    async with app.run_test(size=(120, 30)) as pilot:
        table = app.screen.query_one(HeadlineTable)
        rows = {table.headline_at(i).title: i for i in range(len(HOSTILE_TITLES))}
        row = rows[HOSTILE_TITLES[1]]
        for x in (30, 50):                                # on the "[@click=...]" text
            await pilot.click(HeadlineTable, offset=(x, row + 1))
            await pilot.pause()
            assert app.is_running and isinstance(app.screen, MainScreen)
        assert table.cursor_row == row
        await pilot.double_click(HeadlineTable, offset=(40, row + 1))
        assert isinstance(app.screen, ArticleScreen)      # opening is the only effect
        assert_clean(app)
        await pilot.press("escape")
        await pilot.press("space", "s", "x")              # marks repaint the row: still clean
        assert_clean(app)
        for title in HOSTILE_TITLES[-1:]:                 # a title as the alert prefill
            table.cursor_row = rows[title]
            await pilot.press("A")
            assert_clean(app)
            await pilot.press("escape")
        assert app.is_running


async def test_hostile_text_in_search_and_palette(session):
    app = WirewatchApp(session, offline=True, timezone=timezone.utc)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("slash", *"[/b]", "enter")
        assert app.is_running
        await pilot.press("escape")
        await pilot.press("ctrl+p", *"Evi")
        await pilot.pause(0.3)
        assert "[b]Evil[/b]" in screen_text(app)
        assert_clean(app)
        await pilot.press("enter")
        await pilot.pause()
        table = app.screen.query_one(HeadlineTable)
        assert table.filter.feeds == (HOSTILE_FEED,)
        await pilot.press("ctrl+p", *"Q[/]")
        await pilot.pause(0.3)
        assert_clean(app)
        assert app.is_running

