"""`wirewatch stories`, `story` and `related` end to end, over caches the real `fetch` filled
from loopback outlets in four languages; and stories regrouped when a later refresh brings an
edited report (a story split) or a bridging one (two stories merged)."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import timedelta
from email.utils import format_datetime

import pytest

from tests.support.feedgen import NOW, config_text, item, rss
from tests.support.processes import LeaseHolder, Watcher, wait_for, wirewatch
from tests.support.storycache import (
    BRIDGE,
    ELSEWHERE,
    GENEVA_DE,
    GENEVA_EN,
    GENEVA_UK,
    LOAN_EN,
    LOAN_RU,
)
from tui.cli import main
from tui.core.cache.store import Store
from tui.core.stories.catalog import list_stories
from tui.core.stories.grouping import LEASE


def report(n: int, story: tuple[str, str], hours_ago: float) -> dict:
    return item(n, title=story[0], summary=story[1],
                published=format_datetime(NOW - timedelta(hours=hours_ago)))


class Desk:
    """Four outlets on a loopback server, a feeds.toml pointing at them, `run` = wirewatch."""

    def __init__(self, tmp_path, http_server, capsys) -> None:
        self.server, self.capsys = http_server, capsys
        self.config = tmp_path / "feeds.toml"
        feeds = [(name, http_server.url(f"/{name}.xml"))
                 for name in ("Harbor", "Kestrel", "Kompass", "Stepova")]
        self.config.write_text(config_text(feeds), encoding="utf-8")

    def serve(self, **feeds: list[dict]) -> None:
        languages = {"Harbor": "en", "Kestrel": "en", "Kompass": "de", "Stepova": "uk"}
        for name in ("Harbor", "Kestrel", "Kompass", "Stepova"):
            self.server.route(f"/{name}.xml", rss(feeds.get(name, []), language=languages[name]))

    def run(self, *args: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        status = main(["--config", str(self.config), *args])
        out, err = self.capsys.readouterr()
        return status, out, err

    def json(self, *args: str) -> dict:
        status, out, err = self.run(*args, "--json")
        assert status == 0, err
        return json.loads(out)

    def stories(self) -> list[set[str]]:
        """Each story's item titles."""
        return [{i["title"] for i in s["items"]} for s in self.json("stories")["stories"]]


@pytest.fixture
def desk(tmp_path, http_server, capsys) -> Desk:
    made = Desk(tmp_path, http_server, capsys)
    made.serve(Harbor=[report(1, GENEVA_EN, 5), report(2, ELSEWHERE, 4)],
               Kestrel=[report(3, LOAN_EN, 3)],
               Kompass=[report(4, GENEVA_DE, 4), report(5, LOAN_RU, 2)],
               Stepova=[report(6, GENEVA_UK, 4.5)])
    assert made.run("fetch")[0] == 0
    return made


def test_stories_json_groups_the_reports_across_languages(desk):
    data = desk.json("stories")
    assert [len(s["items"]) for s in data["stories"]] == [2, 3]      # latest report first
    loan, geneva = data["stories"]
    assert set(geneva) == {"id", "title", "items", "outlets", "languages", "first", "last",
                           "names"}
    assert geneva["title"] == GENEVA_EN[0]
    assert {i["title"] for i in geneva["items"]} == {GENEVA_EN[0], GENEVA_DE[0], GENEVA_UK[0]}
    assert geneva["outlets"] == 3 and geneva["languages"] == ["de", "en", "uk"]
    assert geneva["names"] == ["Witkoff", "Zelensky"]
    assert set(geneva["items"][0]) == {"id", "feed", "title", "language", "published"}
    assert geneva["first"] < geneva["last"] and geneva["last"].endswith("Z")
    assert {i["title"] for i in loan["items"]} == {LOAN_EN[0], LOAN_RU[0]}


def test_stories_match_any_spelling_and_days(desk):
    only = desk.json("stories", "--match", "Selenskyj")["stories"]
    assert [s["title"] for s in only] == [GENEVA_EN[0]]
    assert desk.json("stories", "--days", "1")["stories"] != []
    status, _, err = desk.run("stories", "--match", "Nobody")
    assert status == 2 and "no watched name" in err


def test_story_json_has_the_timeline_and_the_facts(desk):
    geneva = desk.json("stories", "--match", "Witkoff")["stories"][0]
    data = desk.json("story", geneva["id"])
    assert {k: v for k, v in data.items() if k != "facts"} == geneva
    facts = {(f["kind"], f["value"]): f["items"] for f in data["facts"]}
    everyone = [i["id"] for i in geneva["items"]]
    assert sorted(facts[("name", "Witkoff")]) == sorted(everyone)
    assert sorted(facts[("number", "19-point")]) == sorted(everyone)
    assert ("place", "Geneva") in facts
    # Any of its items names the story too.
    assert desk.json("story", everyone[-1])["id"] == geneva["id"]


def test_story_text_shows_the_timeline(desk):
    geneva = desk.json("stories", "--match", "Witkoff")["stories"][0]
    status, out, _ = desk.run("story", geneva["id"])
    assert status == 0
    assert "Timeline" in out and "Facts" in out
    for title in (GENEVA_EN[0], GENEVA_DE[0], GENEVA_UK[0]):
        assert title in out


def test_an_unknown_story_is_a_runtime_failure(desk):
    status, out, err = desk.run("story", "nosuchid00")
    assert status == 1 and out == "" and "no story or item 'nosuchid00'" in err


def test_related_json_lists_the_story_with_reasons(desk):
    geneva = desk.json("stories", "--match", "Witkoff")["stories"][0]
    english = next(i["id"] for i in geneva["items"] if i["language"] == "en")
    found = desk.json("related", english)["items"]
    assert {r["title"] for r in found} == {GENEVA_DE[0], GENEVA_UK[0]}
    for related in found:
        assert set(related) >= {"id", "feed", "title", "score", "reasons"}
        assert "name: Witkoff" in related["reasons"]
    status, out, _ = desk.run("related", english)
    assert status == 0 and "name: Witkoff" in out


def test_the_refresh_itself_groups_the_stories(desk, tmp_path):
    """`fetch` leaves the cache grouped: a reader that may not write finds the stories."""
    store = Store.open_read_only(tmp_path / "cache")
    try:
        stories = list_stories(store)
    finally:
        store.close()
    assert sorted(len(s.items) for s in stories) == [2, 3]


def test_stories_in_a_real_process(desk):
    done = wirewatch(desk.config, "stories", "--json")
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["stories"]) == 2


def test_stories_answer_at_once_while_another_process_groups(tmp_path, http_server, capsys):
    """`wirewatch stories` groups what waits before it answers, unless another process (a
    `watch`, the dashboard) is grouping: then it answers with the stories as they are, and
    says so on stderr, rather than wait for a backlog that may take minutes."""
    made = Desk(tmp_path, http_server, capsys)
    made.serve(Harbor=[report(1, GENEVA_EN, 5)], Kompass=[report(4, GENEVA_DE, 4)],
               Stepova=[report(6, GENEVA_UK, 4.5)])
    with LeaseHolder(tmp_path / "cache", LEASE) as other:
        assert made.run("fetch")[0] == 0            # its own grouping skipped, not waited for
        done = wirewatch(made.config, "stories", "--json")
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == {"stories": []}
        assert "another wirewatch process is grouping" in done.stderr
        other.release()
    done = wirewatch(made.config, "stories", "--json")
    assert done.returncode == 0 and done.stderr == ""
    (geneva,) = json.loads(done.stdout)["stories"]
    assert {i["title"] for i in geneva["items"]} == {GENEVA_EN[0], GENEVA_DE[0], GENEVA_UK[0]}


def test_watch_groups_the_backlog_once_another_process_is_done(tmp_path, http_server, capsys):
    """A `watch` that finds another process grouping does not give up its idle grouping: it
    looks again later and groups what is left."""
    made = Desk(tmp_path, http_server, capsys)
    made.serve(Harbor=[report(1, GENEVA_EN, 5)], Kompass=[report(4, GENEVA_DE, 4)])
    waiting = "SELECT (SELECT count(*) FROM items), (SELECT count(*) FROM story_dirty)"
    database = tmp_path / "cache" / "wirewatch.sqlite3"

    def stored_and_waiting() -> tuple[int, int]:
        with closing(sqlite3.connect(database)) as conn:
            return conn.execute(waiting).fetchone()

    with LeaseHolder(tmp_path / "cache", LEASE) as other, Watcher(made.config) as watch:
        wait_for(lambda: stored_and_waiting()[0] == 2, "the first refresh")
        assert stored_and_waiting() == (2, 2)        # nobody may group them yet
        other.release()
        wait_for(lambda: stored_and_waiting() == (2, 0), "the backlog grouped after the release")
        assert watch.stop() == 0, watch.stderr()
    assert made.stories() == [{GENEVA_EN[0], GENEVA_DE[0]}]


def test_a_later_refresh_merges_and_then_splits_stories(desk):
    geneva = {GENEVA_EN[0], GENEVA_DE[0], GENEVA_UK[0]}
    loan = {LOAN_EN[0], LOAN_RU[0]}
    assert sorted(map(sorted, desk.stories())) == sorted(map(sorted, [loan, geneva]))
    # A story's id is the uid of its first stored item; the first fetch stores the feeds in
    # the order their answers come, so either story may hold the older id.
    before_ids = {s["id"] for s in desk.json("stories")["stories"]}
    assert len(before_ids) == 2
    # Refresh 2: a report that tells both stories at once joins them.
    bridge = report(7, BRIDGE, 1)
    desk.serve(Harbor=[report(1, GENEVA_EN, 5), report(2, ELSEWHERE, 4), bridge],
               Kestrel=[report(3, LOAN_EN, 3)],
               Kompass=[report(4, GENEVA_DE, 4), report(5, LOAN_RU, 2)],
               Stepova=[report(6, GENEVA_UK, 4.5)])
    assert desk.run("fetch")[0] == 0
    (merged,) = desk.stories()
    assert merged == geneva | loan | {BRIDGE[0]}
    merged_id = desk.json("stories")["stories"][0]["id"]
    assert merged_id in before_ids                  # the older id stays: links keep working
    # Refresh 3: the outlet rewrites that report into other news; the story splits again.
    rewritten = report(7, ELSEWHERE, 1) | {"title": "Odesa grain exports keep rising"}
    desk.serve(Harbor=[report(1, GENEVA_EN, 5), report(2, ELSEWHERE, 4), rewritten],
               Kestrel=[report(3, LOAN_EN, 3)],
               Kompass=[report(4, GENEVA_DE, 4), report(5, LOAN_RU, 2)],
               Stepova=[report(6, GENEVA_UK, 4.5)])
    assert desk.run("fetch")[0] == 0
    stories = desk.stories()
    assert geneva in stories and loan in stories
    assert "Odesa grain exports keep rising" not in geneva | loan
    assert merged_id in {s["id"] for s in desk.json("stories")["stories"]}


def test_watch_groups_the_backlog_a_first_refresh_left_between_refreshes(
        tmp_path, http_server, capsys):
    """The first refresh of a long feed list leaves its thousands of items ungrouped (a
    limit of one item here): `watch` groups them while it waits for the next refresh."""
    made = Desk(tmp_path, http_server, capsys)
    made.serve(Harbor=[report(1, GENEVA_EN, 5), report(2, ELSEWHERE, 4)],
               Kompass=[report(4, GENEVA_DE, 4)], Stepova=[report(6, GENEVA_UK, 4.5)])
    database = tmp_path / "cache" / "wirewatch.sqlite3"

    def stored_and_waiting() -> tuple[int, int] | None:
        if not database.exists():
            return None
        with closing(sqlite3.connect(database)) as conn:
            try:
                return (conn.execute("SELECT count(*) FROM items").fetchone()[0],
                        conn.execute("SELECT count(*) FROM story_dirty").fetchone()[0])
            except sqlite3.OperationalError:        # the schema is still being made
                return None

    with Watcher(made.config, prelude="from tui.core.stories import grouping\n"
                                      "grouping.REFRESH_LIMIT = 1") as watch:
        wait_for(lambda: stored_and_waiting() == (4, 0), "the backlog grouped after the refresh")
        assert watch.stop() == 0, watch.stderr()
    assert "stories not grouped" not in watch.stderr()
    assert made.stories() == [{GENEVA_EN[0], GENEVA_DE[0], GENEVA_UK[0]}]
