"""The Stories view (`v`), the story screen (enter) and its compare, through the real App.

The cache holds two stories told in several languages (tests/support/storycache.py: a Geneva
meeting in English, Ukrainian and German; an EU loan in English and Russian) and unrelated
news; the stories are grouped by the core as a refresh would group them.
"""

from __future__ import annotations

import pytest

from tests.support.apps import RecordingApp, recorder
from tests.support.contrast import below
from tests.support.multilingual import build_multilingual
from tests.support.storycache import (
    ELSEWHERE,
    GENEVA_DE,
    GENEVA_EN,
    GENEVA_UK,
    LOAN_EN,
    LOAN_RU,
    WITKOFF_MOSCOW,
    StoryCache,
)
from tui import messages
from tui.core.stories.catalog import get_story
from tui.core.stories.grouping import settle
from tui.screens.diff import DiffScreen
from tui.screens.main import MainScreen
from tui.screens.related import RelatedScreen
from tui.screens.story import StoryScreen
from tui.state import load_state
from tui.widgets.diff_lines import DiffLines
from tui.widgets.facts_table import FactsTable
from tui.widgets.headline_table import HeadlineTable
from tui.widgets.story_table import StoryTable


def build_stories(folder) -> tuple[StoryCache, dict[str, str]]:
    """Two multilingual stories and two items of no story; uids by name."""
    cache = StoryCache(folder)
    rows = {
        "geneva_en": cache("Harbor Wire", GENEVA_EN, hours=0),
        "geneva_uk": cache("Stepova Khronika", GENEVA_UK, hours=1, language="uk"),
        "geneva_de": cache("Tageskompass", GENEVA_DE, hours=2, language="de"),
        "loan_en": cache("Kestrel Daily", LOAN_EN, hours=3),
        "loan_ru": cache("Svobodnyi Bereg", LOAN_RU, hours=4, language="ru"),
        "elsewhere": cache("Harbor Wire", ELSEWHERE, hours=5),
        "moscow": cache("Kestrel Daily", WITKOFF_MOSCOW, hours=6),
    }
    settle(cache.store)
    return cache, {name: cache.uid(row) for name, row in rows.items()}


@pytest.fixture
def stories(tmp_path):
    cache, uids = build_stories(tmp_path / "cache")
    yield cache, uids
    cache.close()


async def settled(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def story_titles(table: StoryTable) -> list[str]:
    return [table.story_at(i).title for i in range(table.total)]


async def test_v_switches_the_centre_between_headlines_and_stories(stories) -> None:
    cache, _ = stories
    app = RecordingApp(cache.session)
    async with app.run_test(size=(120, 30)) as pilot:
        await settled(pilot)
        main = app.screen
        assert isinstance(main, MainScreen)
        assert main.table.display and not main.stories.display
        await pilot.press("v")
        await settled(pilot)
        assert main.view == "stories"
        assert main.stories.display and not main.table.display
        assert main.stories.has_focus
        titles = story_titles(main.stories)
        assert len(titles) == 2                 # the lone reports make no story
        assert GENEVA_EN[0] in titles or GENEVA_UK[0] in titles or GENEVA_DE[0] in titles
        assert any(title in titles for title in (LOAN_EN[0], LOAN_RU[0]))
        loan = next(main.stories.story_at(i) for i in range(2)
                    if main.stories.story_at(i).title in (LOAN_EN[0], LOAN_RU[0]))
        assert loan.outlets == 2 and loan.languages == ["en", "ru"]
        assert app.screen.check_action("diff", ()) is False     # a headline's keys rest
        await pilot.press("v")
        await settled(pilot)
        assert main.view == "headlines" and main.table.display and main.table.has_focus


async def test_the_first_v_finds_the_matcher_ready_made_off_the_interfaces_thread(
        stories, tmp_path, monkeypatch) -> None:
    """The story rows name the watched names in their titles with the watchlist's matcher,
    which a dashboard showing stored matches had not needed: the first `v` built it on the
    interface's thread (20 ms and more). It is made in the background once the first screen
    is up."""
    import threading

    from tests.support.cachegen import make_session
    from tui.core import session as session_module

    cache, _ = stories
    cache.session.close()
    session = make_session(tmp_path / "cache")        # a dashboard opened on that cache
    built: list[threading.Thread] = []
    real_build = session_module.build_watcher

    def build_watcher(*args, **kwargs):
        built.append(threading.current_thread())
        return real_build(*args, **kwargs)

    monkeypatch.setattr(session_module, "build_watcher", build_watcher)
    app = RecordingApp(session)
    async with app.run_test(size=(120, 30)) as pilot:
        await settled(pilot)
        assert len(built) == 1 and built[0] is not threading.main_thread()
        await pilot.press("v")
        await settled(pilot)
        assert len(built) == 1 and len(story_titles(app.screen.stories)) == 2
    session.close()


async def test_the_stories_table_waits_mounted_and_hidden_before_the_first_v(stories) -> None:
    """Mounting the table (its styles joining the stylesheet) was a fifth of the first `v`
    at a million items: it is done once the view's code is loaded, before any `v`, without
    reading a story."""
    cache, _ = stories
    app = RecordingApp(cache.session)
    async with app.run_test(size=(120, 30)) as pilot:
        await settled(pilot)
        main = app.screen
        waiting = main._stories
        assert waiting is not None and waiting.is_mounted
        assert not waiting.display and main.view == "headlines"
        assert waiting.stories is None                  # nothing read until it is shown
        await pilot.press("v")
        await settled(pilot)
        assert main.stories is waiting and waiting.display and waiting.total == 2


async def test_the_preview_stays_hidden_in_the_stories_view_and_comes_back_after(
        stories) -> None:
    cache, _ = stories
    app = RecordingApp(cache.session)
    async with app.run_test(size=(120, 30)) as pilot:
        await settled(pilot)
        main = app.screen
        preview = main.query_one("#preview")
        await pilot.press("p")
        await settled(pilot)
        assert preview.display and preview.region.height > 0
        await pilot.press("v")
        await settled(pilot)
        assert preview.region.height == 0 and not main.table.display
        await pilot.press("v")
        await settled(pilot)
        assert preview.region.height > 0 and main.table.display and not main.stories.display


async def test_search_and_the_feed_filter_narrow_the_stories(stories) -> None:
    cache, _ = stories
    app = RecordingApp(cache.session)
    async with app.run_test(size=(120, 30)) as pilot:
        await settled(pilot)
        main = app.screen
        await pilot.press("v")
        await pilot.press("slash", *"Kallas", "enter")
        await settled(pilot)
        assert main.filters.search == "Kallas"
        assert story_titles(main.stories) in ([LOAN_EN[0]], [LOAN_RU[0]])
        await pilot.press("escape")            # lifts the filters: both stories again
        await settled(pilot)
        assert len(story_titles(main.stories)) == 2
        main.set_filters(feed=main.filters.feed.__class__("feed", "Tageskompass"))
        await settled(pilot)
        assert len(story_titles(main.stories)) == 1      # only the Geneva story has it


async def test_enter_opens_the_story_with_the_most_different_pair_compared_by_facts(
        stories) -> None:
    cache, uids = stories
    app = RecordingApp(cache.session)
    async with app.run_test(size=(160, 48)) as pilot:
        await settled(pilot)
        await pilot.press("v")
        await pilot.press("slash", *"Genf", "enter")
        await settled(pilot)
        await pilot.press("enter")
        await settled(pilot)
        screen = app.screen
        assert isinstance(screen, StoryScreen)
        assert [item.uid for item in screen.story.items] == [
            uids["geneva_en"], uids["geneva_uk"], uids["geneva_de"]]
        assert screen.shown is not None and screen.comparison is not None
        assert screen.comparison.by_facts           # two languages: compared by facts
        assert screen.query_one(FactsTable).has_class("-shown")
        assert screen.query_one(DiffLines).aligned
        await pilot.press("n")                      # the first row whose facts differ
        lines = screen.query_one(DiffLines)
        assert lines.current_change is not None
        assert lines.rows[lines.current_change].left_changes or \
            lines.rows[lines.current_change].right_changes or \
            lines.rows[lines.current_change].op != "replace"
        # space marks the first report, c compares it with the third
        await pilot.press("space", "j", "j", "c")
        await settled(pilot)
        assert screen.shown == (uids["geneva_en"], uids["geneva_de"])
        keys = {fact.key for fact in screen.comparison.facts if fact.status == "both"}
        assert {"Steve Witkoff", "19 point"} <= keys
        await pilot.press("enter")                  # the highlighted report's article
        await settled(pilot)
        assert app.opened[-1] == uids["geneva_de"]
        assert screen.story.items[2].read          # opened: read, as from the headlines
        stored = get_story(cache.store, uids["geneva_de"])
        assert [item.read for item in stored.items] == [False, False, True]
        await pilot.press("escape")
        await settled(pilot)
        await pilot.press("escape")
        await settled(pilot)
        assert isinstance(app.screen, MainScreen) and app.screen.view == "stories"


async def test_the_stories_view_is_remembered_across_restarts(stories) -> None:
    cache, _ = stories
    app = RecordingApp(cache.session)
    async with app.run_test(size=(120, 30)) as pilot:
        await settled(pilot)
        await pilot.press("v", "j")
        await settled(pilot)
        chosen = app.screen.stories.current.id
        app.screen.remember()
    state, _ = load_state(cache.store.cache_dir)
    assert state.view == "stories" and state.story == chosen
    again = RecordingApp(cache.session)
    async with again.run_test(size=(120, 30)) as pilot:
        await settled(pilot)
        main = again.screen
        assert main.view == "stories" and main.stories.current.id == chosen


async def test_related_leads_to_the_story_and_shows_its_reasons(stories) -> None:
    cache, uids = stories
    app = RecordingApp(cache.session,
                       lambda ctx: RelatedScreen(ctx, uids["loan_en"]))
    async with app.run_test(size=(120, 30)) as pilot:
        await settled(pilot)
        related = app.screen
        assert isinstance(related, RelatedScreen)
        assert related.result.related[0].reasons
        await pilot.press("v")
        await settled(pilot)
        assert isinstance(app.screen, StoryScreen)
        assert {item.uid for item in app.screen.story.items} == {uids["loan_en"],
                                                                  uids["loan_ru"]}


async def test_compare_screen_of_two_languages_shows_the_facts_table(stories) -> None:
    cache, uids = stories
    app = RecordingApp(cache.session,
                       lambda ctx: DiffScreen(ctx, uids["loan_en"], uids["loan_ru"]))
    async with app.run_test(size=(160, 48)) as pilot:
        await settled(pilot)
        screen = app.screen
        assert screen.result.comparison.by_facts
        assert screen.query_one(FactsTable).has_class("-shown")
        facts = {f.key: f.status for f in screen.result.comparison.facts}
        assert facts.get("90e9 EUR") == "both"


async def test_same_language_compare_keeps_the_word_diff(stories) -> None:
    cache, uids = stories
    app = RecordingApp(cache.session,
                       lambda ctx: DiffScreen(ctx, uids["geneva_en"], uids["moscow"]))
    async with app.run_test(size=(120, 30)) as pilot:
        await settled(pilot)
        screen = app.screen
        assert not screen.result.comparison.by_facts
        assert not screen.query_one(FactsTable).has_class("-shown")
        assert not screen.query_one(DiffLines).aligned


def test_headline_table_is_the_default_centre(stories) -> None:
    assert HeadlineTable.can_focus and StoryTable.can_focus


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_the_stories_screens_are_readable_in_both_themes(tmp_path, theme) -> None:
    """Every run of text at 4.5:1 against its background (tests/support/contrast.py): the
    Stories view, the story screen with its facts table, a word compare, the facts compare."""
    cache, uids = build_multilingual(tmp_path / "cache")
    found: list[str] = []
    try:
        app = RecordingApp(cache.session)
        app.theme = theme
        async with app.run_test(size=(120, 36)) as pilot:
            async def visit(where: str) -> None:
                await settled(pilot)
                found.extend(f"{where}: {run}" for run in below(app))

            await pilot.press("v")
            await visit("stories view")
            await pilot.press("j", "enter")
            await visit("story screen, by facts")
            await pilot.press("escape")
            app.post_message(messages.OpenCompare(uids["geneva/en"], uids["loan/en"]))
            await visit("compare by words")
            await pilot.press("escape")
            app.post_message(messages.OpenCompare(uids["loan/en"], uids["loan/ru"]))
            await visit("compare by facts")
    finally:
        cache.close()
    assert not found, f"below 4.5:1 in {theme}:\n" + "\n".join(found)


async def test_stories_with_reports_since_the_user_last_looked_are_marked_new(stories) -> None:
    from tests.support.cachegen import screen_text
    from tests.support.storycache import T0

    cache, _ = stories
    app = RecordingApp(cache.session)
    async with app.run_test(size=(120, 30)) as pilot:
        await settled(pilot)
        main = app.screen
        main.last_looked = T0.timestamp() + 2.5 * 3600    # the loan reports came after
        await pilot.press("v")
        await settled(pilot)
        lines = screen_text(app).splitlines()
        loan = next(line for line in lines if LOAN_EN[0][:30] in line or LOAN_RU[0][:30] in line)
        geneva = next(line for line in lines if any(t[0][:20] in line for t in
                                                    (GENEVA_EN, GENEVA_UK, GENEVA_DE)))
        assert "●+" in loan and "●+" not in geneva       # unread and new / unread only


async def test_hostile_titles_are_shown_as_text_in_the_stories_view_and_the_story(
        tmp_path) -> None:
    """Markup, escape sequences and bidi overrides in a story's reports: shown as text, never
    acted on, no control character reaches the terminal."""
    from tests.support.cachegen import screen_segments_text

    cache = StoryCache(tmp_path / "cache")
    hostile = "[@click=app.quit]Witkoff[/] \x1b[31mGeneva\x1b[0m \u202eplan 19 points"
    cache("Harbor Wire", (hostile, GENEVA_EN[1]), hours=0)
    cache("Tageskompass", (hostile + " [b]Genf[/b]", GENEVA_DE[1]), hours=1, language="de")
    settle(cache.store)
    try:
        app = RecordingApp(cache.session)
        async with app.run_test(size=(160, 40)) as pilot:
            await settled(pilot)
            await pilot.press("v")
            await settled(pilot)
            assert app.screen.stories.total == 1
            shown = screen_segments_text(app)
            assert "[@click=app.quit]Witkoff[/]" in shown
            await pilot.press("enter")
            await settled(pilot)
            assert isinstance(app.screen, StoryScreen)
            shown = screen_segments_text(app)
            assert "[b]Genf[/b]" in shown and "[@click=app.quit]" in shown
            assert not any(c in shown for c in "\x1b\u202e")
            assert app.is_running
    finally:
        cache.close()


async def test_a_backlog_is_grouped_in_the_background_and_shown_as_it_goes(tmp_path,
                                                                           monkeypatch) -> None:
    """An offline dashboard on a cache whose items wait to be grouped (met for the first
    time, new grouping rules): `v` shows the view at once and the stories fill in as the
    dashboard groups them, a slice at a time, with no key pressed. The view's read used to
    group 2,000 items on the interface's thread first: one to two seconds per `v` at 100,000
    items."""
    import threading

    from tui.core.stories import grouping
    from tui.widgets import refresh_cycle

    cache = StoryCache(tmp_path / "cache")
    for feed, report, hours, language in (
            ("Harbor Wire", GENEVA_EN, 0, "en"), ("Stepova Khronika", GENEVA_UK, 1, "uk"),
            ("Tageskompass", GENEVA_DE, 2, "de"), ("Kestrel Daily", LOAN_EN, 3, "en"),
            ("Svobodnyi Bereg", LOAN_RU, 4, "ru"), ("Harbor Wire", ELSEWHERE, 5, "en")):
        cache(feed, report, hours=hours, language=language)
    assert grouping.has_waiting(cache.store)           # nothing grouped yet
    on_interface_thread: list[bool] = []
    real_settle = grouping._settle

    def recorded(*args, **kwargs):
        on_interface_thread.append(threading.current_thread() is threading.main_thread())
        return real_settle(*args, **kwargs)

    monkeypatch.setattr(grouping, "_settle", recorded)
    # One item per slice, each slice's stories shown: the backlog takes several.
    def one_item_a_slice(store, stop=None):
        report = grouping.settle(store, limit=1, stop=stop)
        report.more = grouping.has_waiting(store)
        return report

    monkeypatch.setattr(grouping, "settle_step", one_item_a_slice)
    monkeypatch.setattr(refresh_cycle, "GROUP_SHOW_SECONDS", 0.0)
    monkeypatch.setattr(refresh_cycle, "GROUP_PAUSE_SECONDS", 0.2)   # a second in all
    shown, hook = recorder(refresh_cycle.RefreshCycle.StoriesGrouped)

    app = RecordingApp(cache.session)
    try:
        async with app.run_test(size=(120, 30), message_hook=hook) as pilot:
            await pilot.pause()
            await pilot.press("v")
            table = app.screen.query_one(StoryTable)
            assert table.display and table.grouping
            for _ in range(200):
                if not grouping.has_waiting(cache.store) and \
                        sorted(story_titles(table)) == sorted([GENEVA_EN[0], LOAN_EN[0]]):
                    break
                await pilot.pause(0.05)
            assert sorted(story_titles(table)) == sorted([GENEVA_EN[0], LOAN_EN[0]])
            assert len(shown) >= 2                                 # shown as it went
            await pilot.pause()
            assert not table.grouping                              # and the view says so
            assert on_interface_thread and not any(on_interface_thread)
    finally:
        cache.close()



async def test_the_backlog_is_grouped_between_keys_not_while_they_come(tmp_path,
                                                                      monkeypatch) -> None:
    """Grouping shares the interpreter with the interface: a key pressed during a slice took
    twice as long to show (`v` back to the headlines at a million items: 40-80 ms). So a
    slice starts only once no key has come for a moment: none while the user goes through
    the stories, and the backlog is grouped once they stop."""
    import time

    from tui.core.stories import grouping
    from tui.widgets import refresh_cycle

    cache = StoryCache(tmp_path / "cache")
    for feed, report, hours, language in (
            ("Harbor Wire", GENEVA_EN, 0, "en"), ("Stepova Khronika", GENEVA_UK, 1, "uk"),
            ("Kestrel Daily", LOAN_EN, 3, "en"), ("Svobodnyi Bereg", LOAN_RU, 4, "ru")):
        cache(feed, report, hours=hours, language=language)
    assert grouping.has_waiting(cache.store)
    slices: list[float] = []
    real_step = grouping.settle_step

    def recorded(store, stop=None):
        slices.append(time.monotonic())
        return real_step(store, stop=stop)

    monkeypatch.setattr(grouping, "settle_step", recorded)
    monkeypatch.setattr(refresh_cycle, "GROUP_AFTER_INPUT_SECONDS", 0.5)
    app = RecordingApp(cache.session)
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.pause()
            keys: list[float] = []          # just before each key is sent
            for key in ("v", "j", "k", "j", "k", "j", "k", "j"):
                keys.append(time.monotonic())
                await pilot.press(key)
                await pilot.pause(0.15)
            assert slices == []                       # keys every 0.15 s: not one slice
            for _ in range(100):
                if not grouping.has_waiting(cache.store):
                    break
                await pilot.pause(0.05)
            assert not grouping.has_waiting(cache.store)    # grouped once the keys stopped
            assert slices and slices[0] >= keys[-1] + 0.5
    finally:
        cache.close()


async def test_a_key_during_a_slice_of_grouping_ends_the_slice(tmp_path, monkeypatch) -> None:
    """A slice starts after a pause in the keys, but a key can still come while it runs (at
    a million items a slice took 0.2-0.9 s, and the key shared the interpreter with it: 60-118
    ms to show 50 new items). The slice now ends at its next step, what it wrote kept, and
    the next slice goes on once the keys stop."""
    import time

    from tui.core.stories import grouping
    from tui.widgets import refresh_cycle

    cache = StoryCache(tmp_path / "cache")
    for feed, report, hours, language in (
            ("Harbor Wire", GENEVA_EN, 0, "en"), ("Stepova Khronika", GENEVA_UK, 1, "uk"),
            ("Tageskompass", GENEVA_DE, 2, "de"), ("Kestrel Daily", LOAN_EN, 3, "en"),
            ("Svobodnyi Bereg", LOAN_RU, 4, "ru")):
        cache(feed, report, hours=hours, language=language)
    import threading

    real_candidates = grouping.candidates
    placing = threading.Event()

    def slow_candidates(*args, **kwargs):       # each report placed takes a quarter second
        placing.set()
        time.sleep(0.25)
        return real_candidates(*args, **kwargs)

    slices: list[tuple[float, float, grouping.SettleReport]] = []
    real_step = grouping.settle_step

    def recorded(store, stop=None):
        started = time.monotonic()
        report = real_step(store, stop=stop)
        slices.append((started, time.monotonic(), report))
        return report

    monkeypatch.setattr(grouping, "candidates", slow_candidates)
    monkeypatch.setattr(grouping, "settle_step", recorded)
    monkeypatch.setattr(refresh_cycle, "GROUP_AFTER_INPUT_SECONDS", 0.2)
    app = RecordingApp(cache.session)
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.pause()
            await pilot.press("v")
            for _ in range(500):                        # the first slice placing its reports
                if placing.is_set():
                    break
                await pilot.pause(0.02)
            assert placing.is_set()
            key_at = time.monotonic()
            await pilot.press("j")
            for _ in range(100):
                if slices:
                    break
                await pilot.pause(0.02)
            started, ended, first = slices[0]
            assert first.interrupted and started < key_at
            assert ended - key_at < 0.6         # not the 1.25 s the five reports take
            for _ in range(200):
                if not grouping.has_waiting(cache.store):
                    break
                await pilot.pause(0.05)
            assert not grouping.has_waiting(cache.store)    # finished once the keys stopped
            assert not slices[-1][2].interrupted
            await pilot.pause(0.3)
            assert sorted(story_titles(app.screen.stories)) == sorted([GENEVA_EN[0], LOAN_EN[0]])
    finally:
        cache.close()


async def test_a_backlog_another_process_groups_shows_when_it_is_done(tmp_path,
                                                                     monkeypatch) -> None:
    """The view opened on a backlog while another process (a `watch`) holds the grouping:
    the dashboard's grouping waits its turn, finds the work done, and the view shows the
    stories that process grouped and stops saying more are coming. Its last look changed no
    story itself, so the view was never told, and said "grouping" for good."""
    from tests.support.processes import LeaseHolder
    from tui.core.cache.store import Store
    from tui.core.stories import grouping
    from tui.widgets import refresh_cycle

    cache = StoryCache(tmp_path / "cache")
    for feed, report, hours, language in (
            ("Harbor Wire", GENEVA_EN, 0, "en"), ("Stepova Khronika", GENEVA_UK, 1, "uk")):
        cache(feed, report, hours=hours, language=language)
    monkeypatch.setattr(refresh_cycle, "GROUP_BUSY_PAUSE_SECONDS", 0.1)
    app = RecordingApp(cache.session)
    try:
        with LeaseHolder(tmp_path / "cache", grouping.LEASE) as other:
            async with app.run_test(size=(120, 30)) as pilot:
                await pilot.pause()
                await pilot.press("v")
                table = app.screen.query_one(StoryTable)
                await pilot.pause(0.3)                  # the dashboard's slices: busy
                assert table.grouping and table.total == 0
                # What the other process does with its lease: the backlog grouped.
                its_store = Store.open(tmp_path / "cache")
                grouping._settle(its_store, None, None, grouping.SettleReport(), lambda: None)
                its_store.close()
                other.release()
                for _ in range(100):
                    if not table.grouping:
                        break
                    await pilot.pause(0.05)
                assert not table.grouping
                assert story_titles(table) == [GENEVA_EN[0]]
    finally:
        cache.close()


async def test_a_backlog_that_makes_no_story_ends_with_the_view_saying_so(tmp_path) -> None:
    """The view opened on items that wait to be grouped but tell no story together: once
    they are grouped it stops saying that more are coming (the grouping's last slice changed
    no story, and the view was not told)."""
    cache = StoryCache(tmp_path / "cache")
    cache("Harbor Wire", ELSEWHERE, hours=0)
    cache("Kestrel Daily", WITKOFF_MOSCOW, hours=1)
    app = RecordingApp(cache.session)
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.pause()
            await pilot.press("v")
            table = app.screen.query_one(StoryTable)
            for _ in range(200):
                if not table.grouping:
                    break
                await pilot.pause(0.05)
            assert not table.grouping and table.total == 0
            assert "no story passes the filters" in "".join(
                segment.text for segment in table.render_line(1))
    finally:
        cache.close()


async def test_stories_grouped_while_the_view_is_open_come_into_view_at_the_top(
        stories) -> None:
    """A reload (a refresh or a backlog grouped more) with the cursor at the top of the list
    keeps it at the top, where the stories updated since now show, as new headlines do;
    with the cursor on a story further down, it stays on that story."""
    cache, uids = stories
    app = RecordingApp(cache.session)
    async with app.run_test(size=(120, 30)) as pilot:
        await settled(pilot)
        await pilot.press("v")
        table = app.screen.query_one(StoryTable)
        assert [s.title for s in (table.story_at(0), table.story_at(1))] == [LOAN_EN[0],
                                                                             GENEVA_EN[0]]
        cache("Harbor Wire", ("Witkoff heads to Moscow for talks at the Kremlin",
                              "Steve Witkoff will meet Yuri Ushakov at the Kremlin next week."),
              hours=7)
        settle(cache.store)
        table.reload()
        await pilot.pause()
        assert table.cursor_row == 0 and table.current.title == WITKOFF_MOSCOW[0]
        await pilot.press("j")                                   # on the loan story now
        assert table.current.title == LOAN_EN[0]
        cache("Kestrel Daily", ("Zelensky and Witkoff meet again in Geneva", GENEVA_EN[1]),
              hours=8)
        settle(cache.store)
        table.reload()
        await pilot.pause()
        assert table.current.title == LOAN_EN[0] and table.cursor_row == 2   # moved down
