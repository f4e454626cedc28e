"""Whole-cache re-match (tui.core.cache.rematch): after any watchlist change, in one process or
several, by the short path for an edit of a few terms or the whole one, the matches table is
exactly what matching every item afresh gives, the mention counts follow, the alert hits are
those a fresh cache finds, and only the items whose matches changed are written."""

from __future__ import annotations

import multiprocessing
import os
import random
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.cachegen import entry
from tests.support.configs import settings_table
from tui.core.alerts.rules import evaluate_all
from tui.core.cache import rematch
from tui.core.cache.fields import fields_to_match
from tui.core.cache.mentions import settle
from tui.core.cache.store import Store
from tui.core.config.load import parse_config
from tui.core.ingest.feeds import ParsedFeed
from tui.core.names.watch import Term, Watcher
from tui.core.session import Session

NOW = datetime(2026, 11, 30, 12, 30, tzinfo=UTC)

# Names in several spellings, scripts and case forms, words that merely look like them, and
# texts the matcher reads through its slow path (decomposed accents, a dotted capital I).
PIECES = [
    "Witkoff met Lavrov in Geneva", "Лавров заявил", "Виткофф прилетел", "Krim und Donezk",
    "Crimea-Congo fever", "a trump card", "Trump's plan", "Зеленський і Умєров", "Ушаков",
    "Uschakow prüft den Plan", "Bohdanenko said", "Богданенко заявив", "Kovalchuk and Moroz",
    "the Lavra monastery", "Donation drive", "Krimi am Sonntag", "Zelenskyy", "Selenskyj",
    "Zaporizhzhia plant", "Запорожская АЭС", "Kirill Dmitriev", "Dmitriev", "weather",
    unicodedata.normalize("NFD", "Zelenského návštěva"), "İstanbul talks with Rubio",
    "Kherson, Херсон, Cherson", "Putin-Berater", "путинский режим", "Rasputin", "Umerov's team",
]

WATCHLIST = [
    Term("Crimea", "regions"), Term("Donetsk", "regions"), Term("Kherson", "regions"),
    Term("Zaporizhzhia", "regions"), Term("Witkoff", "negotiators"), Term("Lavrov", "negotiators"),
    Term("Trump", "negotiators"), Term("Zelensky", "negotiators"), Term("Umerov", "negotiators"),
    Term("Putin", "negotiators"), Term("Dmitriev", "negotiators", aliases=("Kirill Dmitriev",)),
]


def make_store(path: Path, count: int = 240, seed: int = 3) -> Store:
    store = Store.open(path)
    rng = random.Random(seed)
    base = NOW.timestamp()
    with store.transaction() as conn:
        for n in range(count):
            title = " · ".join(rng.sample(PIECES, 2))
            summary = ". ".join(rng.sample(PIECES, rng.randrange(0, 4)))
            text = "\n\n".join(rng.sample(PIECES, 3)) if n % 3 == 0 else None
            when = base - rng.randrange(0, 96) * 3600 - rng.randrange(3600)
            conn.execute(
                "INSERT INTO items(uid, feed, key, title, summary, text, first_seen, sort_time, "
                "updated) VALUES (?, 'F', ?, ?, ?, ?, ?, ?, ?)",
                (f"u{n}", f"k{n}", title, summary, text, when, when, when))
    return store


def stored(store: Store) -> list[tuple]:
    return sorted(tuple(row) for row in store.connection.execute(
        'SELECT item_id, field, start, "end", name, category, text FROM matches'))


def fresh(store: Store, watcher: Watcher) -> list[tuple]:
    """Every item matched on its own, as ingestion does."""
    rows = []
    for item_id, title, summary, text in store.connection.execute(
            "SELECT id, title, summary, text FROM items"):
        rows += [(item_id, m.field, m.start, m.end, m.name, m.category, m.text)
                 for m in watcher.find_fields(fields_to_match(title, summary, text))]
    return sorted(rows)


def counted_from_items(store: Store) -> dict[tuple[int, str, str], int]:
    rows = store.connection.execute(
        "SELECT CAST(i.sort_time / 3600 AS INTEGER), m.category, m.name, "
        "COUNT(DISTINCT i.id) FROM items i JOIN matches m ON m.item_id = i.id GROUP BY 1, 2, 3 "
        "UNION ALL SELECT CAST(i.sort_time / 3600 AS INTEGER), m.category, '', "
        "COUNT(DISTINCT i.id) FROM items i JOIN matches m ON m.item_id = i.id GROUP BY 1, 2")
    return {(hour, category, name): n for hour, category, name, n in rows}


def kept(store: Store) -> dict[tuple[int, str, str], int]:
    settle(store)
    return {(hour, category, name): n for hour, category, name, n in store.connection.execute(
        "SELECT hour, category, name, sum(items) FROM mention_hours GROUP BY 1, 2, 3")}


def schema_of_matches(store: Store) -> list[tuple]:
    return sorted(tuple(row) for row in store.connection.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'matches'"))


EDITS = [
    ("a term added", WATCHLIST + [Term("Ushakov", "negotiators")], "edit"),
    ("a term gone", [t for t in WATCHLIST if t.name != "Lavrov"], "edit"),
    ("an alias added", [Term("Witkoff", "negotiators", aliases=("Steve Witkoff",))
                        if t.name == "Witkoff" else t for t in WATCHLIST], "edit"),
    ("an exception added", [Term("Crimea", "regions", exceptions=("Krim und",))
                            if t.name == "Crimea" else t for t in WATCHLIST], "edit"),
    ("a term moved to another category", [Term("Putin", "kremlin") if t.name == "Putin" else t
                                          for t in WATCHLIST], "edit"),
    ("the same name in two categories", WATCHLIST + [Term("Trump", "us")], "edit"),
    ("a term inserted in the middle", WATCHLIST[:3] + [Term("Bohdanenko", "people")] + WATCHLIST[3:],
     "edit"),
    ("the order changed", WATCHLIST[::-1], "whole"),
    ("most terms changed", [Term(t.name, "other") for t in WATCHLIST], "whole"),
    ("a generated surname", WATCHLIST + [Term("Kovalchuk", "people"), Term("Moroz", "people")],
     "edit"),
]


@pytest.mark.parametrize("processes", [1, 2])
@pytest.mark.parametrize(("label", "terms", "path"), EDITS, ids=[e[0] for e in EDITS])
def test_a_rematch_gives_the_matches_of_a_fresh_match(tmp_path, label, terms, path, processes):
    store = make_store(tmp_path / "cache")
    before = Watcher(WATCHLIST)
    store.ensure_matches(before, processes=processes)
    assert stored(store) == fresh(store, before)
    schema = schema_of_matches(store)
    settle(store)
    after = Watcher(terms)
    done = store.rematch_cache(after, processes=processes)
    assert done is not None
    assert stored(store) == fresh(store, after)
    assert kept(store) == counted_from_items(store)
    assert schema_of_matches(store) == schema           # triggers and indexes put back
    total = store.connection.execute("SELECT count(*) FROM items").fetchone()[0]
    assert (done.items < total) == (path == "edit")     # an edit looks only where it may matter
    assert done.processes == processes


def test_only_the_items_whose_matches_changed_are_written(tmp_path):
    store = make_store(tmp_path / "cache")
    store.ensure_matches(Watcher(WATCHLIST))
    rowids = dict(store.connection.execute("SELECT rowid, item_id FROM matches"))
    settle(store)
    done = store.rematch_cache(Watcher(WATCHLIST + [Term("Ushakov", "negotiators")]))
    assert done is not None
    named = {item_id for (item_id,) in store.connection.execute(
        "SELECT DISTINCT item_id FROM matches WHERE name = 'Ushakov'")}
    assert named and done.changed == len(named)
    after = dict(store.connection.execute("SELECT rowid, item_id FROM matches"))
    untouched = {rowid: item for rowid, item in rowids.items() if item not in named}
    assert {rowid: after.get(rowid) for rowid in untouched} == untouched
    # Only the hours of the items that changed are recounted.
    dirty = {hour for (hour,) in store.connection.execute("SELECT hour FROM mention_dirty")}
    hours = {hour for (hour,) in store.connection.execute(
        "SELECT DISTINCT CAST(sort_time / 3600 AS INTEGER) FROM items WHERE id IN "
        "(SELECT item_id FROM matches WHERE name = 'Ushakov')")}
    assert dirty == hours


def test_an_engine_change_rematches_everything_and_writes_nothing_that_stayed(tmp_path):
    store = make_store(tmp_path / "cache")
    watcher = Watcher(WATCHLIST)
    store.ensure_matches(watcher)
    table = stored(store)
    # What an upgrade of the matching rules looks like to the cache: other fingerprints.
    with store.transaction() as conn:
        conn.execute("UPDATE meta SET value = 'older' WHERE key = 'watch_fingerprint'")
        conn.execute("DELETE FROM meta WHERE key = ?", (rematch.TERMS_META,))
    done = store.rematch_cache(watcher)
    assert done is not None and done.changed == 0
    assert done.items == store.connection.execute("SELECT count(*) FROM items").fetchone()[0]
    assert stored(store) == table
    assert store.rematch_cache(watcher) is None              # in step: nothing to do



def test_stored_matches_in_another_order_are_the_same_matches(tmp_path):
    """The re-match compares a run of items' matches with the stored rows as one list, which
    holds when the rows were written in the order found; written in any other order (by an
    older wirewatch, say) they are still the same set, and only a real change is written."""
    store = make_store(tmp_path / "cache")
    watcher = Watcher(WATCHLIST)
    store.ensure_matches(watcher)
    table = stored(store)
    with store.transaction() as conn:
        rows = conn.execute(f"SELECT {rematch._COLUMNS} FROM matches ORDER BY rowid DESC").fetchall()
        conn.execute("DELETE FROM matches")
        conn.executemany("INSERT INTO matches VALUES (?, ?, ?, ?, ?, ?, ?)", [tuple(r) for r in rows])
        # One real difference among them: a mention the matcher does not find.
        conn.execute("UPDATE matches SET name = 'Nobody' WHERE rowid = (SELECT max(rowid) FROM matches)")
        conn.execute("UPDATE meta SET value = 'older' WHERE key = 'watch_fingerprint'")
        conn.execute("DELETE FROM meta WHERE key = ?", (rematch.TERMS_META,))
    done = store.rematch_cache(watcher)
    assert done is not None and done.changed == 1
    assert stored(store) == table

class FailingWatcher(Watcher):
    """A matcher that fails in the workers: with an error, or by ending its process."""

    how = "raise"

    def find_row_lists(self, items, fields):
        if self.how == "exit":
            os._exit(3)
        raise ValueError("the matcher failed")


@pytest.mark.parametrize(("how", "error"), [("raise", ValueError), ("exit", RuntimeError)])
def test_a_worker_that_fails_fails_the_rematch_and_leaves_no_process(tmp_path, how, error):
    """Several chunks matched in forked workers: a worker's error is raised here (one that
    ended without its result too), nothing is written, and no worker is left running."""
    store = make_store(tmp_path / "cache")
    store.ensure_matches(Watcher(WATCHLIST))
    table = stored(store)
    failing = FailingWatcher(WATCHLIST + [Term("Ushakov", "negotiators")])
    failing.how = how
    with pytest.raises(error):
        store.rematch_cache(failing, processes=2)
    assert multiprocessing.active_children() == []
    assert stored(store) == table
    assert store.meta("watch_fingerprint") == Watcher(WATCHLIST).fingerprint
    assert store.connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1


@pytest.mark.parametrize("first", [True, False])
def test_chunks_matched_in_several_workers_come_back_in_order(tmp_path, monkeypatch, first):
    """More chunks than workers (a cache bigger than a block), each sending back what it
    found a few items at a time: each chunk is matched by a worker started as it is read,
    and the new matches are written in the order of the items, as one process writes them
    (also when the indexes are put back while the last worker matches)."""
    monkeypatch.setattr(rematch, "BLOCK_ITEMS", 60)
    monkeypatch.setattr(rematch, "PIECE_ITEMS", 7)
    store = make_store(tmp_path / "cache")
    if not first:
        store.ensure_matches(Watcher(WATCHLIST[:1]))
    before = store.connection.execute("SELECT coalesce(max(rowid), 0) FROM matches").fetchone()[0]
    after = Watcher(WATCHLIST)
    done = store.rematch_cache(after, processes=2)
    assert done is not None and done.processes == 2 and done.changed > 0
    written = [tuple(row) for row in store.connection.execute(
        f"SELECT {rematch._COLUMNS} FROM matches WHERE rowid > ? ORDER BY rowid", (before,))]
    assert len(written) > 100
    assert written == sorted(written, key=lambda row: row[0])
    assert stored(store) == fresh(store, after)


@pytest.mark.parametrize("processes", [1, 2])
def test_a_first_match_writes_straight_into_the_table_and_keeps_counts_and_schema(
        tmp_path, processes):
    store = make_store(tmp_path / "cache")
    schema = schema_of_matches(store)
    settle(store)
    statements: list[str] = []
    store.connection.set_trace_callback(statements.append)
    done = store.rematch_cache(Watcher(WATCHLIST), processes=processes)
    store.connection.set_trace_callback(None)
    assert done is not None and done.changed > 0 and done.processes == processes
    assert stored(store) == fresh(store, Watcher(WATCHLIST))
    assert kept(store) == counted_from_items(store)     # every hour with a match recounted
    assert schema_of_matches(store) == schema           # triggers and indexes put back
    # Nothing was stored, so no chunk looked for stored matches in the table being filled.
    assert not [s for s in statements if "FROM matches WHERE item_id BETWEEN" in s]
    assert [s for s in statements if s.startswith("INSERT INTO matches")]
    # The foreign keys, unchecked while the matches were written, are checked again and kept.
    assert store.connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.connection.execute("PRAGMA foreign_key_check").fetchall() == []


@pytest.mark.parametrize("processes", [1, 2])
def test_a_watchlist_grown_from_one_term_is_matched_afresh(tmp_path, processes):
    """One term grown to eleven: most matches will be new, so the stored ones are cleared
    and every item's written afresh (as on a first match), not compared one by one; the
    table, the mention counts and the schema are those of a fresh match."""
    store = make_store(tmp_path / "cache")
    store.ensure_matches(Watcher(WATCHLIST[:1]))
    schema = schema_of_matches(store)
    settle(store)
    statements: list[str] = []
    store.connection.set_trace_callback(statements.append)
    after = Watcher(WATCHLIST)
    done = store.rematch_cache(after, processes=processes)
    store.connection.set_trace_callback(None)
    assert done is not None and done.changed > 120
    assert "DELETE FROM matches" in statements
    assert not [s for s in statements if "FROM matches WHERE item_id BETWEEN" in s]
    assert stored(store) == fresh(store, after)
    assert schema_of_matches(store) == schema
    assert kept(store) == counted_from_items(store)


@pytest.mark.parametrize("processes", [1, 2])
def test_a_watchlist_cut_to_one_term_rewrites_the_items_that_lose_matches(tmp_path, processes):
    """Eleven terms cut to one: the term kept is all the new watchlist, so each item's new
    matches are compared with its stored ones, and the items that lost theirs are
    rewritten as the workers' results come; counts and schema as a fresh match gives."""
    store = make_store(tmp_path / "cache")
    store.ensure_matches(Watcher(WATCHLIST))
    schema = schema_of_matches(store)
    settle(store)
    statements: list[str] = []
    store.connection.set_trace_callback(statements.append)
    after = Watcher(WATCHLIST[:1])
    done = store.rematch_cache(after, processes=processes)
    store.connection.set_trace_callback(None)
    assert done is not None and done.changed > 120
    assert "DELETE FROM matches" not in statements
    assert stored(store) == fresh(store, after)
    assert schema_of_matches(store) == schema
    assert kept(store) == counted_from_items(store)


def test_the_screen_keeps_every_text_a_term_is_in():
    watcher = Watcher(WATCHLIST + [Term("Ushakov", "x"), Term("recogni*", "y")])
    rng = random.Random(5)
    texts = ["\x00".join(rng.sample(PIECES + ["recognised", "Recognition"], 3)) for _ in range(300)]
    texts += ["İ", unicodedata.normalize("NFD", "Zelenského"), ""]
    for indexes in ([0], [4, 5], [11], [12], list(range(13))):
        passed = set(watcher.screen(indexes)(texts))
        named = {watcher.terms[i].name for i in indexes}
        found = {k for k, text in enumerate(texts)
                 if any(m.name in named for m in Watcher([watcher.terms[i] for i in indexes])
                        .find(text))}
        assert found and found <= passed
    assert watcher.screen([])(texts) == []


def test_term_fingerprints_change_only_for_the_terms_that_changed():
    first = Watcher(WATCHLIST).term_fingerprints
    edited = [Term("Lavrov", "negotiators", aliases=("Sergei Lavrov",)) if t.name == "Lavrov"
              else t for t in WATCHLIST]
    second = Watcher(edited).term_fingerprints
    assert [a == b for a, b in zip(first, second, strict=True)] == [
        t.name != "Lavrov" for t in WATCHLIST]
    assert Watcher(WATCHLIST[::-1]).term_fingerprints == first[::-1]


# --- through the session: alert hits ---------------------------------------------------------

WATCH = """
[watch.regions]
terms = ["Crimea", "Donetsk"]

[watch.negotiators]
terms = ["Witkoff", "Lavrov"]
"""


def config_text(watch: str) -> str:
    return "\n".join([
        settings_table(keep_days=30),
        '[[feeds]]\nname = "Wire"\nurl = "http://127.0.0.1:9/w.xml"\n',
        watch,
        '[[alerts]]\nname = "Talks"\ncategories = ["negotiators"]\n',
        '[[alerts]]\nname = "Ushakov"\nall = ["Ushakov"]\n',
    ])


TITLES = ["Witkoff meets Lavrov", "Ушаков прокомментировал переговоры", "Uschakow in Moskau",
          "Crimea and Donetsk", "Weather", "Лавров и Ушаков", "Dmitriev flies to Miami"]


def open_session(path: Path, watch: str) -> Session:
    return Session.open(cache_option=str(path), config=parse_config(config_text(watch)))


def fill(session: Session) -> None:
    entries = [entry("Wire", n, title, NOW - timedelta(hours=n)) for n, title in enumerate(TITLES)]
    session.store.ingest("Wire", ParsedFeed(title="Wire", language=None, entries=entries),
                         now=NOW.timestamp(), matcher=session.watcher)
    evaluate_all(session.store, session.rules)      # as a refresh does for what it stored


def hits(session: Session) -> set[tuple[str, str]]:
    return {(alert, uid) for alert, uid in session.store.connection.execute(
        "SELECT h.alert, i.uid FROM hits h JOIN items i ON i.id = h.item_id")}


def test_alert_hits_after_a_watchlist_change_are_those_of_a_fresh_cache(tmp_path):
    edited = WATCH.replace('"Lavrov"]', '"Lavrov", "Ushakov", { name = "Dmitriev" }]')
    session = open_session(tmp_path / "old", WATCH)
    fill(session)
    applied = session.apply(parse_config(config_text(edited)))
    assert applied.watch_changed
    fresh_session = open_session(tmp_path / "new", edited)
    fill(fresh_session)
    assert stored(session.store) == stored(fresh_session.store)
    assert hits(session) == hits(fresh_session)
    assert ("Talks", next(uid for (uid,) in session.store.connection.execute(
        "SELECT uid FROM items WHERE title LIKE 'Dmitriev%'"))) in hits(session)
    assert kept(session.store) == kept(fresh_session.store)
    session.close()
    fresh_session.close()


def test_matches_of_an_older_wirewatch_are_noted_and_the_next_edit_is_short(tmp_path):
    store = make_store(tmp_path / "cache")
    watcher = Watcher(WATCHLIST)
    store.ensure_matches(watcher)
    with store.transaction() as conn:        # as an older wirewatch left it: no terms noted
        conn.execute("DELETE FROM meta WHERE key = ?", (rematch.TERMS_META,))
    assert store.rematch_cache(watcher) is None                 # in step: nothing matched
    assert store.meta(rematch.TERMS_META) is not None
    edited = Watcher(WATCHLIST + [Term("Ushakov", "negotiators")])
    done = store.rematch_cache(edited)
    assert done is not None and done.items < 240
    assert stored(store) == fresh(store, edited)
