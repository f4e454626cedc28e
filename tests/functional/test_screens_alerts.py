"""The alerts screen and the alert form under a real Textual app (Pilot), over a real cache and
a real feeds.toml with the user's comments in it.

`AlertsApp` is the real App (tests/support/apps.py), recording the requests it answers: a
saved rule reaches it as ConfigChanged, and it puts the re-read config in force (evaluating the
cache in a thread worker), then reloads the screens that show alerts. Every test checks what matters on
disk (the file's text, comments included) and in the cache (the hits), not only the screen.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

import pytest
from textual.geometry import Region
from textual.widgets import Checkbox, Input, OptionList, Static

from tests.support.apps import RecordingApp
from tests.support.configs import THREE_OUTLETS
from tui.core.alerts.rules import evaluate
from tui.core.cache.hits import hit_count, hit_counts, mark_seen, unseen_hits
from tui.core.config.load import load_config
from tui.core.ingest.feeds import Entry, ParsedFeed
from tui.core.session import Session
from tui.screens.alert_form import AlertForm, rule_from_fields, split_terms
from tui.screens.alerts import AlertsScreen, ConfirmDelete
from tui.screens.article import ArticleScreen

FIXED_NOW = datetime(2025, 11, 21, 12, 0, tzinfo=timezone.utc)

CONFIG = """\
# wirewatch test configuration: every comment here must survive the form.
[settings]
refresh_minutes = 15   # the dashboard's period
full_text = "never"

{outlets}
[watch.regions]
color = "orange1"
terms = ["Crimea", "Donetsk", "Luhansk", "Kherson", "Zaporizhzhia"]

[watch.negotiators]
color = "cyan"
terms = ["Witkoff", "Kushner", "Rubio", "Lavrov", "Putin",
         { name = "Dmitriev", aliases = ["Kirill Dmitriev"] }]

# --- alerts: the rules I rely on ---
[[alerts]]
name = "Crimea recognition"
all = ["Crimea"]            # the peninsula, any spelling
any = ["recognition", "recognize", "recognise"]

[[alerts]]
name = "German negotiators"
categories = ["negotiators"]
feeds = ["de"]              # only the German outlets
notify = ["toast"]

# --- keys: my own ---
[keys]
refresh = "f5"
""".replace("{outlets}", THREE_OUTLETS)

HOSTILE_TITLE = ("Crimea recognition [b]bold[/b] [@click=app.quit]quit[/] "
                 "\x1b[31mred\x1b[0m right\u202eto-left")

# (feed, title, minutes before FIXED_NOW the item was published and its hits fired)
ITEMS = [
    ("Harbor Wire", "Crimea recognition stays off the table, Rubio says", 300),
    ("Kestrel Daily", "Kherson shelling cuts power to thousands", 240),
    ("Tageskompass", "Lavrov und Witkoff sprechen über die Krim", 180),
    ("Harbor Wire", "Kirill Dmitriev meets Witkoff in Miami", 120),
    ("Kestrel Daily", HOSTILE_TITLE, 60),
]


def build(tmp_path: Path) -> tuple[Session, dict[str, str]]:
    """feeds.toml with comments, a cache with five items, the configured rules evaluated at
    fixed times; the oldest hit already seen. Returns the session and uids by title start."""
    path = tmp_path / "feeds.toml"
    path.write_text(CONFIG, encoding="utf-8")
    session = Session.open(str(path), str(tmp_path / "cache"))
    uids: dict[str, str] = {}
    for number, (feed, title, minutes) in enumerate(ITEMS, start=1):
        when = FIXED_NOW - timedelta(minutes=minutes)
        entry = Entry(guid=f"urn:{number}", link=f"https://news.example/{number}",
                      title=title, summary="", content="", published_raw=format_datetime(when),
                      key=f"urn:{number}", published=when.timestamp())
        result = session.store.ingest(feed, ParsedFeed(title=feed, language="en",
                                                       entries=[entry]),
                                      now=when.timestamp(),
                                      matcher=session.watcher)
        row_id = result.new[0]
        evaluate(session.store, session.rules, [row_id], now=when.timestamp())
        uids[title.split()[0] if number != 5 else "hostile"] = session.store.connection.execute(
            "SELECT uid FROM items WHERE id = ?", (row_id,)).fetchone()[0]
    oldest = session.store.connection.execute(
        "SELECT alert, item_id FROM hits ORDER BY fired_at LIMIT 1").fetchall()
    mark_seen(session.store, [tuple(row) for row in oldest])
    return session, uids


AlertsApp = RecordingApp


@pytest.fixture
def world(tmp_path: Path):
    session, uids = build(tmp_path)
    yield session, uids, tmp_path / "feeds.toml"
    session.close()


async def settle(pilot) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def lines(widget) -> list[str]:
    """The lines a Line API widget (OptionList) paints now, as plain text."""
    size = widget.size
    return ["".join(segment.text for segment in strip)
            for strip in widget.render_lines(Region(0, 0, size.width, size.height))]


def hits_in_cache(session: Session) -> set[tuple[str, str]]:
    return {(row[0], row[1]) for row in session.store.connection.execute(
        "SELECT h.alert, i.title FROM hits h JOIN items i ON i.id = h.item_id")}


async def type_into(pilot, selector: str, text: str, *, keys: bool = False) -> None:
    """Focus a field and fill it: key by key when `keys` (slow: a few tests do it), else by
    setting its value as typing would."""
    field = pilot.app.screen.query_one(selector, Input)
    field.focus()
    field.value = ""
    await pilot.pause()
    if keys:
        await pilot.press(*[{" ": "space", ",": "comma"}.get(c, c) for c in text])
    else:
        field.insert_text_at_cursor(text)
        await pilot.pause()


def kept_comments(text: str) -> None:
    for comment in ("# wirewatch test configuration: every comment here must survive the form.",
                    "refresh_minutes = 15   # the dashboard's period",
                    "# --- alerts: the rules I rely on ---",
                    'all = ["Crimea"]            # the peninsula, any spelling',
                    'feeds = ["de"]              # only the German outlets',
                    "# --- keys: my own ---"):
        assert comment in text


# --- the form ----------------------------------------------------------------------------------


def test_terms_are_split_on_commas_and_may_hold_spaces() -> None:
    assert split_terms(" Crimea,Kirill  Dmitriev ,, Crimea ") == ("Crimea", "Kirill Dmitriev")


async def test_a_new_alert_typed_in_is_written_with_comments_kept_and_applied(world) -> None:
    session, uids, path = world
    app = AlertsApp(session, lambda ctx: AlertForm(ctx))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, AlertForm)
        await type_into(pilot, "#alert-name", "Dmitriev in Miami", keys=True)
        await type_into(pilot, "#alert-all", "Kirill Dmitriev, Witkoff", keys=True)
        await type_into(pilot, "#alert-feeds", "en", keys=True)
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, AlertForm)
        text = path.read_text(encoding="utf-8")
        kept_comments(text)
        assert text.index('name = "Dmitriev in Miami"') < text.index("# --- keys: my own ---")
        rule = next(r for r in load_config(path).alerts if r.name == "Dmitriev in Miami")
        assert rule.all == ("Kirill Dmitriev", "Witkoff") and rule.feeds == ("en",)
        assert rule.notify == ("toast", "bell")
        assert 'notify' not in text.split('name = "Dmitriev in Miami"')[1].split("[keys]")[0]
        # In force at once: the session has the rule, the cached item was evaluated.
        assert any(r.name == "Dmitriev in Miami" for r in session.config.alerts)
        assert any(rule.name == "Dmitriev in Miami" for rule in session.rules.rules)
        assert ("Dmitriev in Miami", "Kirill Dmitriev meets Witkoff in Miami") in \
            hits_in_cache(session)
        messages = [message for _, message in app.notes]
        assert "Alert 'Dmitriev in Miami' saved in feeds.toml." in messages
        assert "Dmitriev in Miami: 1 cached item" in messages


async def test_the_form_is_prefilled_from_the_dashboard_and_keeps_names_unique(world) -> None:
    session, uids, path = world
    app = AlertsApp(session, lambda ctx: AlertForm(ctx, {"name": "Crimea recognition",
                                                "all": ["Crimea", "Kirill Dmitriev"]}))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        form = app.screen
        assert form.query_one("#alert-name", Input).value == "Crimea recognition 2"
        assert form.query_one("#alert-all", Input).value == "Crimea, Kirill Dmitriev"
        assert form.query_one("#notify-toast", Checkbox).value
        assert form.query_one("#notify-bell", Checkbox).value
        assert not form.query_one("#notify-desktop", Checkbox).value
    # Saved with ctrl+s: applied through the App, every cached item evaluated.
    app = AlertsApp(session, lambda ctx: AlertForm(ctx, {"name": "regions", "categories": ["regions"]}))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#alert-categories", Input).value == "regions"
        await pilot.press("ctrl+s")
        await settle(pilot)
        rule = next(r for r in load_config(path).alerts if r.name == "regions")
        assert rule.categories == ("regions",)
        # Every item that mentions a region fired, the Kherson one included.
        assert ("regions", "Kherson shelling cuts power to thousands") in hits_in_cache(session)
        assert any(r.name == "regions" for r in session.config.alerts)
        assert "regions: 4 cached items" in [message for _, message in app.notes]


MISTAKES = [
    ({"#alert-name": "German negotiators", "#alert-all": "Putin"},
     "An alert named 'German negotiators' exists already", "alert-name"),
    ({"#alert-name": "Nothing to match", "#alert-all": ""}, "Give at least one term",
     "alert-all"),
    ({"#alert-all": "Crimea", "#alert-none": "crimea, Crimea"},
     "'Crimea' is both wanted (All of) and excluded (None of).", "alert-none"),
    ({"#alert-none": "", "#alert-categories": "regoins"},
     "No watch category 'regoins' (the categories are: regions, negotiators).",
     "alert-categories"),
    ({"#alert-categories": "", "#alert-feeds": "Atlantis Post"},
     "No feed or tag named 'Atlantis Post'.", "alert-feeds"),
    ({"#alert-feeds": "", "#alert-command": "say 'hi"}, "Command: No closing quotation.",
     "alert-command"),
]


async def test_mistakes_are_shown_in_the_form_and_nothing_is_written(world) -> None:
    session, uids, path = world
    before = path.read_bytes()
    app = AlertsApp(session, lambda ctx: AlertForm(ctx))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        form = app.screen
        assert form.error == ""
        for fields, error, focused in MISTAKES:
            for selector, text in fields.items():
                await type_into(pilot, selector, text)
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen is form
            assert error in form.error, (error, form.error)
            assert app.focused is not None and app.focused.id == focused
        assert app.applied == []
        assert path.read_bytes() == before
        # Put right, it saves (and `command` was ticked when a command was typed).
        await type_into(pilot, "#alert-command", "say hi")
        assert form.query_one("#notify-command", Checkbox).value
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is not form
    rule = next(r for r in load_config(path).alerts if r.name == "Nothing to match")
    assert rule.all == ("Crimea",) and rule.command == ("say", "hi")
    assert rule.notify == ("toast", "bell", "command")


async def test_errors_and_hostile_names_are_plain_text(world) -> None:
    session, uids, path = world
    app = AlertsApp(session, lambda ctx: AlertForm(ctx))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_into(pilot, "#alert-name", "x")
        await type_into(pilot, "#alert-all", "Crimea")
        await type_into(pilot, "#alert-categories", "[b]bold[/b] [@click=app.quit]q[/]")
        await pilot.press("enter")
        await settle(pilot)
        assert "'[b]bold[/b] [@click=app.quit]q[/]'" in app.screen.error
        assert app.is_running


def test_a_command_ticks_nothing_by_itself_but_needs_one_when_ticked(world) -> None:
    session, _, _ = world
    config = session.config
    with pytest.raises(ValueError, match="needs a command"):
        rule_from_fields({"name": "c", "all": "Crimea"}, ["command"], config)
    rule = rule_from_fields({"name": "c", "all": "Crimea", "command": "notify-me --title 'a b'"},
                            ["toast", "command"], config)
    assert rule.command == ("notify-me", "--title", "a b")
    assert rule.notify == ("toast", "command")


def test_a_config_edited_by_hand_is_taken_whole(world) -> None:
    """Re-read after a hand edit, a changed watchlist is applied too (matches recomputed)."""
    session, uids, path = world
    text = path.read_text(encoding="utf-8").replace(
        'terms = ["Crimea", "Donetsk"', 'terms = ["Miami", "Crimea", "Donetsk"')
    path.write_text(text, encoding="utf-8")
    applied = session.apply(load_config(path))
    assert applied.watch_changed and applied.hits == []
    assert session.watcher.find("Talks in Miami", "title")
    names = {row[0] for row in session.store.connection.execute("SELECT name FROM matches")}
    assert "Miami" in names


# --- the alerts screen ----------------------------------------------------------------------


async def test_rules_with_counts_hits_newest_first_unseen_marked_then_seen(world) -> None:
    session, uids, path = world
    assert len(unseen_hits(session.store)) == 2
    app = AlertsApp(session, AlertsScreen)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AlertsScreen)
        assert screen.title == "Alerts · 2 unseen"
        assert "2 unseen" in str(screen.query_one("#alerts-head", Static).render())
        rules = lines(screen.query_one("#alert-rules", OptionList))
        assert rules[0].startswith("● Crimea recognition") and "2 hits (1 new)" in rules[0]
        assert rules[1].startswith("● German negotiators") and "1 hit " in rules[1]
        hits = [line for line in lines(screen.query_one("#alert-hits", OptionList))
                if line.strip()]
        assert hits[0].startswith("● 11-21 11:00  Crimea recognition")
        assert "German negotiators" in hits[1] and "Lavrov und Witkoff" in hits[1]
        assert hits[2].startswith("  11-21 07:00  Crimea recognition")   # seen before
        # Seen now: the dashboard's count of unseen hits drops to 0, the marks stay here.
        assert unseen_hits(session.store) == set()
        assert hit_count(session.store, unseen_only=True) == 0
        assert screen.unseen_count == 2
    app = AlertsApp(session, AlertsScreen)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert app.screen.title == "Alerts"
        assert not any(line.startswith("●") for line in
                       lines(app.screen.query_one("#alert-hits", OptionList)))


async def test_enter_on_a_hit_opens_its_item_and_enter_on_a_rule_filters(world) -> None:
    session, uids, path = world
    app = AlertsApp(session, AlertsScreen)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.opened == [uids["Lavrov"]]
        assert isinstance(app.screen, ArticleScreen)
        unread = session.store.connection.execute(
            "SELECT count(*) FROM unread u JOIN items i ON i.id = u.item_id WHERE i.uid = ?",
            (uids["Lavrov"],)).fetchone()[0]
        assert unread == 0
        await pilot.press("escape")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AlertsScreen)
        screen.query_one("#alert-rules", OptionList).focus()
        await pilot.press("down", "enter")
        await settle(pilot)
        hits = [line for line in lines(screen.query_one("#alert-hits", OptionList))
                if line.strip()]
        assert len(hits) == 1 and "German negotiators" in hits[0]
        assert screen.query_one("#alert-hits", OptionList).has_focus
        await pilot.press("enter")
        assert app.opened[-1] == uids["Lavrov"]


async def test_hostile_titles_in_the_hits_list_are_plain_text(world) -> None:
    session, uids, path = world
    app = AlertsApp(session, AlertsScreen)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        listing = app.screen.query_one("#alert-hits", OptionList)
        painted = "\n".join(lines(listing))
        assert "Crimea recognition [b]bold[/b] [@click=app.quit]quit[/] \ufffd[31mred" in painted
        assert "\x1b" not in painted and "\u202e" not in painted
        await pilot.click(listing, offset=(60, 1))
        await settle(pilot)
        assert app.is_running


async def test_e_edits_the_rule_in_place_and_a_rename_keeps_its_hits(world) -> None:
    session, uids, path = world
    app = AlertsApp(session, AlertsScreen)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        app.screen.query_one("#alert-rules", OptionList).focus()
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, AlertForm) and form.editing == "Crimea recognition"
        assert form.query_one("#alert-any", Input).value == "recognition, recognize, recognise"
        await type_into(pilot, "#alert-name", "Crimea recognised")
        await type_into(pilot, "#alert-any", "recognition, recognise, annexation")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AlertsScreen)
        text = path.read_text(encoding="utf-8")
        kept_comments(text)
        assert "Crimea recognition" not in text
        assert text.index('name = "Crimea recognised"') < text.index('"German negotiators"')
        assert 'any = ["recognition", "recognise", "annexation"]' in text
        counts = hit_counts(session.store)
        assert counts.get("Crimea recognised") == 2 and "Crimea recognition" not in counts
        rules = lines(app.screen.query_one("#alert-rules", OptionList))
        assert "Crimea recognised" in rules[0] and "2 hits" in rules[0]


async def test_x_deletes_a_rule_after_asking(world) -> None:
    session, uids, path = world
    app = AlertsApp(session, AlertsScreen)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        app.screen.query_one("#alert-rules", OptionList).focus()
        await pilot.press("down", "x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDelete)
        question = str(app.screen.query_one("#confirm-question", Static).render())
        assert "Delete the alert German negotiators and its 1 hit?" in question
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, AlertsScreen)
        assert '"German negotiators"' in path.read_text(encoding="utf-8")
        await pilot.press("delete")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDelete)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, AlertsScreen)
        text = path.read_text(encoding="utf-8")
        kept_comments_but_the_rules_own = text.replace("# only the German outlets", "")
        assert '"German negotiators"' not in text and "# only the German outlets" not in text
        assert "# --- keys: my own ---" in kept_comments_but_the_rules_own
        assert "# the peninsula, any spelling" in text
        assert [r.name for r in load_config(path).alerts] == ["Crimea recognition"]
        assert [r.name for r in session.config.alerts] == ["Crimea recognition"]
        assert "German negotiators" not in hit_counts(session.store)
        rules = [line for line in lines(app.screen.query_one("#alert-rules", OptionList))
                 if line.strip()]
        assert len(rules) == 1 and "Crimea recognition" in rules[0]


async def test_A_on_the_alerts_screen_opens_an_empty_form(world) -> None:
    session, uids, path = world
    app = AlertsApp(session, AlertsScreen)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, AlertForm) and app.screen.editing is None
        assert app.screen.query_one("#alert-name", Input).value == ""
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, AlertsScreen)
