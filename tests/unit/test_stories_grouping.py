"""Stories grow, merge and split incrementally in a real cache (tui.core.stories.grouping), and
the faces read them (tui.core.stories.catalog)."""

from __future__ import annotations

import sqlite3
import time

import pytest

from tests.support.old_caches import before_unread_table
from tests.support.processes import LeaseHolder, wait_for
from tests.support.storycache import (
    BRIDGE,
    ELSEWHERE,
    GENEVA_DE,
    GENEVA_EN,
    GENEVA_UK,
    LOAN_EN,
    LOAN_RU,
    WITKOFF_MOSCOW,
    StoryCache,
)
from tui.core.cache import stories as cache_rows
from tui.core.cache.lease import holder
from tui.core.cache.store import Store
from tui.core.stories import grouping
from tui.core.stories.catalog import get_story, list_stories, story_facts, story_id_of
from tui.core.stories.grouping import (
    GROUPING_VERSION,
    KEYS_VERSION_KEY,
    VERSION_KEY,
    settle,
)


@pytest.fixture
def cache(tmp_path):
    made = StoryCache(tmp_path / "cache")
    yield made
    made.close()


def story_of(cache: StoryCache, row_id: int) -> str | None:
    return story_id_of(cache.store, row_id)


def test_reports_in_other_languages_join_one_story_as_they_arrive(cache):
    first = cache("Harbor Wire", GENEVA_EN)
    settle(cache.store)
    assert story_of(cache, first) == cache.uid(first)          # a story of one, so far
    uk = cache("Stepova Khronika", GENEVA_UK, hours=1, language="uk")
    de = cache("Tageskompass", GENEVA_DE, hours=2, language="de")
    other = cache("Kestrel Daily", ELSEWHERE, hours=1)
    report = settle(cache.store)
    assert report.keyed == 3                                    # only what arrived
    assert story_of(cache, uk) == story_of(cache, de) == story_of(cache, first) == cache.uid(first)
    assert story_of(cache, other) != story_of(cache, first)


def test_a_bridging_report_merges_two_stories_under_the_older_id(cache):
    a1 = cache("Harbor Wire", GENEVA_EN)
    a2 = cache("Stepova Khronika", GENEVA_UK, hours=1, language="uk")
    b1 = cache("Kestrel Daily", LOAN_EN, hours=2)
    b2 = cache("Lenta", LOAN_RU, hours=3, language="ru")
    settle(cache.store)
    assert story_of(cache, a1) == story_of(cache, a2) != story_of(cache, b1) == story_of(cache, b2)
    bridge = cache("Tageskompass", BRIDGE, hours=4)
    report = settle(cache.store)
    assert report.merged == 1
    assert {story_of(cache, r) for r in (a1, a2, b1, b2, bridge)} == {cache.uid(a1)}
    assert not cache_rows.has_dirty(cache.store)    # nothing noted is left owing (story_stale)


def bridged_story_then_bridge_rewritten(cache: StoryCache) -> tuple[int, int, int, int, int]:
    """Two stories joined into one by a bridging report and grouped; then the bridge edited to
    tell neither (a1, a2, bridge, b1, b2: the rows)."""
    a1 = cache("Harbor Wire", GENEVA_EN)
    a2 = cache("Stepova Khronika", GENEVA_UK, hours=1, language="uk")
    bridge = cache("Tageskompass", BRIDGE, hours=2, key="urn:bridge")
    b1 = cache("Kestrel Daily", LOAN_EN, hours=3)
    b2 = cache("Lenta", LOAN_RU, hours=4, language="ru")
    settle(cache.store)
    assert len({story_of(cache, r) for r in (a1, a2, bridge, b1, b2)}) == 1
    cache("Tageskompass", ELSEWHERE, hours=2, key="urn:bridge")     # the same item, edited
    return a1, a2, bridge, b1, b2


def test_a_story_splits_when_the_report_that_joined_it_is_rewritten(cache):
    a1, a2, bridge, b1, b2 = bridged_story_then_bridge_rewritten(cache)
    report = settle(cache.store)
    assert report.split >= 1
    assert story_of(cache, a1) == story_of(cache, a2) == cache.uid(a1)
    assert story_of(cache, b1) == story_of(cache, b2) == cache.uid(b1)   # its own first item
    assert story_of(cache, bridge) not in (cache.uid(a1), cache.uid(b1))


@pytest.mark.parametrize("where", ["_place", "_split", "_canonical_ids"])
def test_a_settle_killed_partway_leaves_its_stories_to_the_next(cache, monkeypatch, where):
    """A settle takes an edited report out of its story, splits the story and gives the parts
    their ids and summary rows, in several transactions. Killed in between (or taken over),
    it used to leave the story unsplit, or its parts under temporary labels with no summary
    row, for good: the next settle no longer knew. Each story is noted with the change, and
    the next settle finishes the work."""
    a1, a2, bridge, b1, b2 = bridged_story_then_bridge_rewritten(cache)

    def killed(*args, **kwargs):
        raise KeyboardInterrupt(f"killed at {where}")

    monkeypatch.setattr(grouping, where, killed)
    with pytest.raises(KeyboardInterrupt):
        settle(cache.store)
    monkeypatch.undo()
    taken_out = cache.store.connection.execute(
        "SELECT story FROM story_items WHERE item_id = ?", (bridge,)).fetchone()[0]
    assert taken_out is None or where != "_place"                   # and then
    report = settle(cache.store)                                    # ... the next settle
    assert report.split >= 1 or where == "_canonical_ids"
    assert story_of(cache, bridge) == cache.uid(bridge)             # not a temporary label
    assert story_of(cache, a1) == story_of(cache, a2) == cache.uid(a1)
    assert story_of(cache, b1) == story_of(cache, b2) == cache.uid(b1)
    sizes = dict(cache.store.connection.execute("SELECT id, size FROM stories"))
    assert sizes[cache.uid(a1)] == sizes[cache.uid(b1)] == 2 and sizes[cache.uid(bridge)] == 1
    assert not cache.store.connection.execute("SELECT count(*) FROM story_stale").fetchone()[0]


def test_a_settle_stopped_at_any_step_is_finished_by_the_next_as_if_never_stopped(tmp_path):
    """The dashboard stops a slice of grouping when a key comes (`stop`, asked between
    steps): what the slice wrote stays, and the next settle ends with the stories a settle
    never stopped makes, wherever the stop came."""
    reports = (("Harbor Wire", GENEVA_EN, 0, "en"), ("Stepova Khronika", GENEVA_UK, 1, "uk"),
               ("Tageskompass", GENEVA_DE, 2, "de"), ("Kestrel Daily", LOAN_EN, 3, "en"),
               ("Svobodnyi Bereg", LOAN_RU, 4, "ru"), ("Harbor Wire", ELSEWHERE, 5, "en"))

    def grouped(folder, stop_after: int | None) -> tuple[dict[str, str | None], bool, int]:
        """Each report's story (by report), whether the first settle stopped, and how often
        it asked."""
        made = StoryCache(folder)
        rows = {feed + str(hours): made(feed, text, hours=hours, language=language)
                for feed, text, hours, language in reports}
        asked = 0

        def stop() -> bool:
            nonlocal asked
            asked += 1
            return stop_after is not None and asked > stop_after
        first = settle(made.store, stop=stop)
        assert holder(made.store, grouping.LEASE) is None   # free for another process at once
        settle(made.store)
        stories = {name: story_of(made, row) for name, row in rows.items()}
        names = {made.uid(row): name for name, row in rows.items()}
        made.close()
        return {name: names.get(story) for name, story in stories.items()}, \
            first.interrupted, asked

    expected, interrupted, steps = grouped(tmp_path / "whole", None)
    assert not interrupted and steps > 10
    assert len(set(expected.values())) == 3                 # Geneva, the loan, and alone
    for stop_after in range(steps):
        got, interrupted, _ = grouped(tmp_path / f"stopped-{stop_after}", stop_after)
        assert interrupted, stop_after
        assert got == expected, stop_after


def test_an_edited_report_moves_to_the_story_it_now_tells(cache):
    a1 = cache("Harbor Wire", GENEVA_EN)
    a2 = cache("Stepova Khronika", GENEVA_UK, hours=1, language="uk")
    b1 = cache("Kestrel Daily", LOAN_EN, hours=2)
    moving = cache("Lenta", GENEVA_DE, hours=3, language="de", key="urn:moving")
    settle(cache.store)
    assert story_of(cache, moving) == story_of(cache, a1)
    cache("Lenta", LOAN_RU, hours=3, language="ru", key="urn:moving")
    settle(cache.store)
    assert story_of(cache, moving) == story_of(cache, b1)
    assert story_of(cache, a2) == story_of(cache, a1)


def test_one_shared_name_does_not_make_a_story(cache):
    geneva = cache("Harbor Wire", GENEVA_EN)
    moscow = cache("Kestrel Daily", WITKOFF_MOSCOW, hours=3)
    settle(cache.store)
    assert story_of(cache, geneva) != story_of(cache, moscow)


def test_pruned_reports_leave_their_story(cache):
    a1 = cache("Harbor Wire", GENEVA_EN)
    a2 = cache("Stepova Khronika", GENEVA_UK, hours=1, language="uk")
    settle(cache.store)
    assert get_story(cache.store, cache.uid(a1)).outlets == 2
    with cache.store.transaction() as conn:
        conn.execute("DELETE FROM items WHERE id = ?", (a2,))
    settle(cache.store)
    story = get_story(cache.store, cache.uid(a1))
    assert [item.row_id for item in story.items] == [a1]
    assert list_stories(cache.store) == []                      # a story of one is not listed


def test_notes_of_items_pruned_before_grouping_are_dropped_once_the_rest_is_keyed(
        cache, monkeypatch):
    """A pruned item's note is dropped when nothing else waits, not looked for at every
    settle (a scan of every note: 0.2-0.8 s of each slice at a million waiting items)."""
    rows = [cache("Harbor Wire", GENEVA_EN), cache("Stepova Khronika", GENEVA_UK, hours=1,
                                                    language="uk"),
            cache("Kestrel Daily", LOAN_EN, hours=2), cache("Lenta", LOAN_RU, hours=3,
                                                            language="ru")]
    with cache.store.transaction() as conn:
        conn.execute("DELETE FROM items WHERE id = ?", (rows[1],))   # pruned, never grouped
    scans: list[int] = []
    real = cache_rows.drop_missing_dirty
    monkeypatch.setattr(cache_rows, "drop_missing_dirty",
                        lambda store: (scans.append(1), real(store)))
    for _ in range(3):
        settle(cache.store, limit=1)                  # a slice's worth at a time
    assert scans == [] and grouping.has_waiting(cache.store)
    settle(cache.store)                               # the rest, to the end
    assert scans == [1] and not grouping.has_waiting(cache.store)
    assert {story_of(cache, r) for r in (rows[0], rows[2], rows[3])} <= {
        cache.uid(rows[0]), cache.uid(rows[2])}


def test_new_grouping_rules_regroup_the_whole_cache(cache):
    a1 = cache("Harbor Wire", GENEVA_EN)
    a2 = cache("Stepova Khronika", GENEVA_UK, hours=1, language="uk")
    settle(cache.store)
    with cache.store.transaction() as conn:
        cache.store.set_meta(VERSION_KEY, "0", conn)
        conn.execute("UPDATE story_items SET story = 'stale'")
    report = settle(cache.store)
    assert report.rebuilt and report.placed == 2
    assert report.keyed == 0                     # the evidence rules did not change
    assert cache.store.meta(VERSION_KEY) == GROUPING_VERSION
    assert story_of(cache, a1) == story_of(cache, a2) == cache.uid(a1)


def test_new_evidence_rules_read_every_item_afresh(cache):
    a1 = cache("Harbor Wire", GENEVA_EN)
    a2 = cache("Stepova Khronika", GENEVA_UK, hours=1, language="uk")
    settle(cache.store)
    with cache.store.transaction() as conn:
        cache.store.set_meta(KEYS_VERSION_KEY, "0", conn)
        conn.execute("UPDATE story_items SET keys = ''")
    report = settle(cache.store)
    assert report.rebuilt and report.keyed == 2
    assert story_of(cache, a1) == story_of(cache, a2) == cache.uid(a1)


def test_a_cache_from_before_stories_is_grouped_when_opened(tmp_path):
    cache = StoryCache(tmp_path / "cache")
    a1 = cache("Harbor Wire", GENEVA_EN)
    a2 = cache("Stepova Khronika", GENEVA_UK, hours=1, language="uk")
    uid = cache.uid(a1)
    cache.close()
    with sqlite3.connect(tmp_path / "cache" / "wirewatch.sqlite3") as conn:   # before stories
        for trigger in ("item_insert", "item_edit", "member_delete"):
            conn.execute(f"DROP TRIGGER IF EXISTS stories_{trigger}")
        for table in ("story_items", "stories", "story_dirty", "story_stale"):
            conn.execute(f"DROP TABLE {table}")
        conn.execute("DELETE FROM meta WHERE key IN (?, ?)", (VERSION_KEY, KEYS_VERSION_KEY))
        before_unread_table(conn)
        conn.execute("PRAGMA user_version = 7")          # stories came with step 8
    store = Store.open(tmp_path / "cache")
    try:
        (story,) = list_stories(store)
        assert story.id == uid and [i.row_id for i in story.items] == [a1, a2]
    finally:
        store.close()


def test_a_read_only_cache_is_read_as_it_was_grouped(cache, tmp_path):
    a1 = cache("Harbor Wire", GENEVA_EN)
    cache("Stepova Khronika", GENEVA_UK, hours=1, language="uk")
    settle(cache.store)
    cache("Kestrel Daily", LOAN_EN, hours=2)
    reader = Store.open_read_only(tmp_path / "cache")
    try:
        assert settle(reader).keyed == 0
        (story,) = list_stories(reader)
        assert story.id == cache.uid(a1)
    finally:
        reader.close()


def test_the_list_filters_by_days_name_and_count(cache):
    cache("Harbor Wire", GENEVA_EN)
    cache("Stepova Khronika", GENEVA_UK, hours=1, language="uk")
    cache("Kestrel Daily", LOAN_EN, hours=30)
    cache("Lenta", LOAN_RU, hours=31, language="ru")
    stories = list_stories(cache.store)
    assert [s.title for s in stories] == [LOAN_EN[0], GENEVA_EN[0]]     # latest report first
    assert [s.title for s in list_stories(cache.store, match="Witkoff")] == [GENEVA_EN[0]]
    assert [s.title for s in list_stories(cache.store, match="negotiators")] == [GENEVA_EN[0]]
    assert len(list_stories(cache.store, limit=1)) == 1
    assert list_stories(cache.store, days=1) == []             # T0 is long past
    assert len(list_stories(cache.store, min_items=1)) == 2


def test_stories_of_two_reports_or_more_are_read_from_their_own_index(cache):
    """Most stories are one report: the lists of stories of two or more (the Stories view,
    `wirewatch stories`) read the partial index of those (migration 11), not every story
    (22 ms among 38,748 stories at a million items, on every `v`), and still honour any
    size asked for."""
    from tui.core.cache.query import ItemFilter
    from tui.core.cache.story_view import filtered_story_ids

    geneva = cache("Harbor Wire", GENEVA_EN)
    cache("Stepova Khronika", GENEVA_UK, hours=1, language="uk")
    cache("Tageskompass", GENEVA_DE, hours=2, language="de")
    loan = cache("Kestrel Daily", LOAN_EN, hours=30)
    cache("Lenta", LOAN_RU, hours=31, language="ru")
    alone = cache("Kestrel Daily", ELSEWHERE, hours=3)
    settle(cache.store)
    ids = {row_id: cache.uid(row_id) for row_id in (geneva, loan, alone)}

    def sized(at_least: int) -> list[str]:
        return [row.id for row in cache_rows.story_rows(cache.store, min_size=at_least)]

    assert sized(1) == [ids[loan], ids[alone], ids[geneva]]        # latest report first
    assert sized(2) == [ids[loan], ids[geneva]]
    assert sized(3) == [ids[geneva]]
    assert filtered_story_ids(cache.store, ItemFilter()) == [ids[loan], ids[geneva]]
    assert filtered_story_ids(cache.store, ItemFilter(feeds=("Tageskompass",))) == [ids[geneva]]
    for at_least in (2, 3):
        plan = " ".join(row[3] for row in cache.store.connection.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM stories "
            f"WHERE {cache_rows.story_size_at_least(at_least)} ORDER BY last DESC, id"))
        assert "stories_told" in plan, plan


def test_a_story_reads_as_json_with_its_timeline_and_facts(cache):
    a1 = cache("Harbor Wire", GENEVA_EN)
    a2 = cache("Stepova Khronika", GENEVA_UK, hours=1, language="uk")
    story = get_story(cache.store, cache.uid(a2))               # an item's uid names its story
    assert story.id == cache.uid(a1)
    data = story.to_json()
    assert set(data) == {"id", "title", "items", "outlets", "languages", "first", "last", "names"}
    assert [i["id"] for i in data["items"]] == [cache.uid(a1), cache.uid(a2)]
    assert set(data["items"][0]) == {"id", "feed", "title", "language", "published"}
    assert data["outlets"] == 2 and data["names"] == ["Witkoff", "Zelensky"]
    assert data["languages"] == ["en", "uk"]
    assert [i["language"] for i in data["items"]] == ["en", "uk"]
    assert data["first"] == "2025-11-25T09:00:00Z" and data["last"] == "2025-11-25T10:00:00Z"
    assert story.unread == 2 and not story.alerted
    facts = {(f.kind, f.key): f.items for f in story_facts(cache.store, story)}
    both = [cache.uid(a1), cache.uid(a2)]
    assert facts[("name", "Steve Witkoff")] == both
    assert facts[("place", "Geneva")] == both
    assert facts[("number", "19 point")] == both


def test_a_story_keeps_its_headline_when_an_older_report_joins_it_later(cache):
    """The title is the story's own report (the item its id is), as the id: a report
    published earlier but fetched later (a profile that mentions the talks) joins the story
    without retitling it in the list."""
    seed = cache("Harbor Wire", GENEVA_EN, hours=2)
    settle(cache.store)
    earlier = cache("Kestrel Daily", ("Witkoff and Zelensky to meet in Geneva on the 19-point plan",
                                      GENEVA_EN[1]), hours=0)
    settle(cache.store)
    story = get_story(cache.store, cache.uid(earlier))
    assert story.id == cache.uid(seed) and len(story.items) == 2
    assert story.items[0].uid == cache.uid(earlier)             # the timeline stays in time order
    assert story.title == GENEVA_EN[0]
    [listed] = [s for s in list_stories(cache.store, min_items=2)]
    assert listed.title == GENEVA_EN[0]


def test_a_story_told_mostly_in_another_language_takes_that_language_s_headline(cache):
    seed = cache("Harbor Wire", GENEVA_EN)
    uk = cache("Stepova Khronika", GENEVA_UK, hours=1, language="uk")
    settle(cache.store)
    assert get_story(cache.store, cache.uid(seed)).title == GENEVA_EN[0]   # one each: the first
    cache("Kyiv Daily", (GENEVA_UK[0] + " — деталі", GENEVA_UK[1]), hours=2, language="uk")
    settle(cache.store)
    story = get_story(cache.store, cache.uid(seed))
    assert story.id == cache.uid(seed) and story.languages == ["en", "uk"]
    assert story.title == cache.store.connection.execute(
        "SELECT title FROM items WHERE id = ?", (uk,)).fetchone()[0]


def test_an_unknown_id_is_no_story(cache):
    cache("Harbor Wire", GENEVA_EN)
    assert get_story(cache.store, "nosuchid00") is None
    assert story_id_of(cache.store, 999_999) is None


def test_a_bounded_settle_leaves_the_rest_for_the_next(cache):
    rows = [cache("Harbor Wire", GENEVA_EN), cache("Stepova Khronika", GENEVA_UK, hours=1,
                                                     language="uk"),
            cache("Tageskompass", GENEVA_DE, hours=2, language="de")]
    first = settle(cache.store, limit=2)
    assert first.keyed == first.placed == 2
    assert story_id_of(cache.store, rows[2], settle_limit=0) is None     # still waiting
    second = settle(cache.store)
    assert second.keyed == 1
    assert {story_of(cache, r) for r in rows} == {cache.uid(rows[0])}


def test_a_reader_does_not_wait_for_a_settle_under_way(cache):
    row = cache("Harbor Wire", GENEVA_EN)
    with grouping._SETTLING:                        # another thread is settling
        assert settle(cache.store).keyed == 0
        assert story_id_of(cache.store, row) is None
    assert story_of(cache, row) == cache.uid(row)


def test_nothing_is_grouped_while_another_process_holds_the_lease(cache, tmp_path):
    """`watch` beside the dashboard, a cron `fetch` beside `wirewatch stories`: while one
    process groups, another's settle does nothing, does not wait, and its idle loop is told
    that items still wait; once the lease is given back, it groups."""
    rows = [cache("Harbor Wire", GENEVA_EN), cache("Stepova Khronika", GENEVA_UK, hours=1,
                                                     language="uk")]
    with LeaseHolder(tmp_path / "cache", grouping.LEASE) as other:
        step = grouping.settle_step(cache.store)
        assert (step.keyed, step.placed, step.busy, step.more) == (0, 0, True, True)
        after_refresh = grouping.settle_after_refresh(cache.store)
        assert after_refresh is not None and after_refresh.keyed == 0 and after_refresh.busy
        dashboard = cache.session.group_stories_step()
        assert (dashboard.keyed, dashboard.more) == (0, True)
        assert settle(cache.store).keyed == 0                       # a read's settle
        assert story_id_of(cache.store, rows[0]) is None            # read as it is
        other.release()
    step = grouping.settle_step(cache.store)
    assert step.keyed == 2 and not step.busy and not step.more
    assert {story_of(cache, row) for row in rows} == {cache.uid(rows[0])}
    assert holder(cache.store, grouping.LEASE) is None              # given back


def test_a_settle_stopped_past_its_lease_stops_when_it_goes_on(cache, tmp_path, monkeypatch):
    """A settle stopped (Ctrl+Z, a sleeping laptop) until its lease lapsed may have been taken
    over: when it goes on, it writes nothing more and leaves the items to the taker."""
    from tui.core.cache import lease

    rows = [cache("Harbor Wire", GENEVA_EN), cache("Tageskompass", GENEVA_DE, hours=1,
                                                     language="de")]
    monkeypatch.setattr(lease, "LEASE_SECONDS", 0.5)
    taker: list[LeaseHolder] = []
    keying = grouping._key_rows

    def stopped_while_keying(texts):
        expires = holder(cache.store, grouping.LEASE).expires
        wait_for(lambda: time.time() > expires, "the settle's lease to lapse")
        taker.append(LeaseHolder(tmp_path / "cache", grouping.LEASE))
        return keying(texts)

    monkeypatch.setattr(grouping, "_key_rows", stopped_while_keying)
    try:
        report = settle(cache.store)
        assert report.busy and report.keyed == 0
        stored = cache.store.connection.execute("SELECT count(*) FROM story_items")
        assert stored.fetchone()[0] == 0                        # its keys were not stored
        assert holder(cache.store, grouping.LEASE).pid == taker[0].pid     # nor taken back
        taker[0].release()
    finally:
        for other in taker:
            other.__exit__()
    monkeypatch.undo()
    assert settle(cache.store).keyed == 2
    assert story_of(cache, rows[1]) == story_of(cache, rows[0]) == cache.uid(rows[0])


def test_a_settle_takes_no_lease_when_nothing_waits(cache, tmp_path):
    """Every read settles first: on a grouped cache that costs no write (a reader would wait
    for the write lock behind a refresh in another process)."""
    cache("Harbor Wire", GENEVA_EN)
    settle(cache.store)
    with LeaseHolder(tmp_path / "cache", grouping.LEASE) as other:
        assert not settle(cache.store).busy
        other.release()


def test_many_items_keyed_in_worker_processes_get_the_same_evidence(cache, monkeypatch):
    reports = [("Harbor Wire", GENEVA_EN, "en"), ("Stepova Khronika", GENEVA_UK, "uk"),
               ("Kestrel Daily", LOAN_EN, "en"), ("Lenta", LOAN_RU, "ru"),
               ("Tageskompass", GENEVA_DE, "de"), ("Harbor Wire", ELSEWHERE, "en")]
    rows = [cache(feed, story, hours=n, language=language)
            for n, (feed, story, language) in enumerate(reports)]
    monkeypatch.setattr(grouping, "KEY_PARALLEL_MIN", 1)
    monkeypatch.setattr(grouping, "process_count", lambda items: 2)
    report = settle(cache.store)
    assert report.keyed == len(rows)
    stored = dict(cache.store.connection.execute("SELECT item_id, keys FROM story_items"))
    texts = cache.store.connection.execute(
        "SELECT i.id, i.title, i.summary FROM items i ORDER BY i.id").fetchall()
    languages = [language for _, _, language in reports]
    assert {row_id: stored[row_id] for row_id, _, _ in texts} == {
        row_id: grouping.item_keys(title, summary, language)
        for (row_id, title, summary), language in zip(texts, languages, strict=True)}
    assert story_of(cache, rows[0]) == story_of(cache, rows[1]) == story_of(cache, rows[4])


def test_a_timed_settle_keys_until_its_time_is_up_and_leaves_the_rest_noted(cache, monkeypatch):
    """The engine groups for about a second after a refresh: a first refresh of a long feed
    list must not spend many times its fetching on keying; later settles take the rest."""
    from tui.core.cache import stories as story_rows

    reports = [cache("Harbor Wire", GENEVA_EN), cache("Stepova Khronika", GENEVA_UK, hours=1,
                                                      language="uk"),
               cache("Tageskompass", GENEVA_DE, hours=2, language="de"),
               cache("Kestrel Daily", LOAN_EN, hours=3), cache("Kompass", LOAN_RU, hours=4,
                                                              language="ru")]
    monkeypatch.setattr(grouping, "TIMED_BLOCK", 2)
    ticks = iter(range(100))             # a clock that moves a second each time it is read
    monkeypatch.setattr(grouping.time, "monotonic", lambda: next(ticks))
    assert settle(cache.store, seconds=0).keyed == 0           # no time at all: nothing keyed
    assert settle(cache.store, seconds=1.5).keyed == 2         # one step, then time is up
    assert story_rows.has_dirty(cache.store)
    assert settle(cache.store).keyed == 3                       # untimed: all the rest
    assert not story_rows.has_dirty(cache.store)
    assert story_of(cache, reports[2]) == story_of(cache, reports[0])


def test_a_refresh_groups_a_few_waiting_items_and_leaves_a_backlog_to_idle_slices(
        cache, monkeypatch):
    """A first refresh of many feeds brings thousands of items: their grouping would cost
    the refresh several times its fetching, so it waits for idle time (`settle_step`); the
    daily loop's few new items join their stories before the refresh reports."""
    backlog = [cache("Harbor Wire", GENEVA_EN), cache("Stepova Khronika", GENEVA_UK, hours=1,
                                                      language="uk"),
               cache("Tageskompass", GENEVA_DE, hours=2, language="de")]
    monkeypatch.setattr(grouping, "REFRESH_LIMIT", 2)
    assert grouping.settle_after_refresh(cache.store) is None
    assert story_id_of(cache.store, backlog[0], settle_limit=0) is None     # left waiting
    slices = 0
    while grouping.settle_step(cache.store, seconds=0.01).more:
        slices += 1
        assert slices < 10
    assert {story_id_of(cache.store, row, settle_limit=0) for row in backlog} == {
        cache.uid(backlog[0])}
    fresh = cache("Kestrel Daily", LOAN_EN, hours=3)        # a refresh's worth
    report = grouping.settle_after_refresh(cache.store)
    assert report is not None and report.keyed == 1
    assert story_id_of(cache.store, fresh, settle_limit=0) == cache.uid(fresh)
    assert not grouping.settle_step(cache.store).more        # nothing waits
