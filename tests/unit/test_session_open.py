"""Opening a session compiles the matcher and the rules only when the cache's matches and hits
may not be the config's (tui/core/session.py, `_inputs_key`): a command that only reads an
up-to-date cache loads neither, and every change that matters is still seen at the next open:
an edit of the watchlist or the rules, a new word family, another process's reset."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from tests.support.cachegen import FIXED_NOW, config_text, entry, make_session
from tui.core.alerts.rules import evaluate_all
from tui.core.cache.hits import RULES_FINGERPRINT, list_hits
from tui.core.config.load import parse_config
from tui.core.ingest.feeds import ParsedFeed
from tui.core.session import INPUTS_META

ROOT = Path(__file__).resolve().parents[2]
RECOGNITION = "Kyiv weighs recognition of Crimea"


def ingest(session, title: str, n: int = 1) -> None:
    feed = "Harbor Wire"
    published = FIXED_NOW - timedelta(hours=n)
    session.store.ingest(feed, ParsedFeed(title=feed, language="en",
                                          entries=[entry(feed, n, title, published)]),
                         now=FIXED_NOW.timestamp(), matcher=session.watcher)
    evaluate_all(session.store, session.rules)           # as a refresh does for new items


def cache_with(tmp_path, title: str):
    """A cache made by a session of the default config that stored one item titled `title`."""
    first = make_session(tmp_path)
    ingest(first, title)
    first.close()


def compiled_anything(session) -> bool:
    return session._watcher is not None or session._rules is not None


def test_a_cache_up_to_date_is_opened_without_compiling(tmp_path):
    first = make_session(tmp_path)
    ingest(first, RECOGNITION)
    assert first.store.meta(INPUTS_META)
    first.close()
    second = make_session(tmp_path)
    try:
        assert not compiled_anything(second)
        assert [m.name for m in second.watcher.find("Crimea and Krim")] == ["Crimea", "Crimea"]
        assert second.rules.rules_hit({"title": RECOGNITION}, "Harbor Wire", set())
    finally:
        second.close()


def test_an_edited_watchlist_is_matched_again_at_the_next_open(tmp_path):
    cache_with(tmp_path, "Talks in Geneva go on")
    edited = config_text() + '\n[watch.cities]\nterms = ["Geneva"]\n'
    second = make_session(tmp_path, text=edited)
    try:
        assert compiled_anything(second)
        names = {row[0] for row in second.store.connection.execute("SELECT name FROM matches")}
        assert "Geneva" in names
    finally:
        second.close()
    third = make_session(tmp_path, text=edited)
    assert not compiled_anything(third)
    third.close()


def test_a_new_rule_is_evaluated_over_the_cache_at_the_next_open(tmp_path):
    cache_with(tmp_path, "Talks in Geneva go on")
    with_rule = config_text() + '\n[[alerts]]\nname = "Geneva"\nany = ["Geneva"]\n'
    second = make_session(tmp_path, text=with_rule)
    try:
        assert [hit.alert for hit in list_hits(second.store)] == ["Geneva"]
    finally:
        second.close()


def test_a_change_that_moves_no_fingerprint_fires_nothing_again(tmp_path):
    """A rule's notify is not what it fires on: the open compiles, finds the fingerprints
    as they were (no hit recorded again), and notes the new config for the next open."""
    first = make_session(tmp_path)
    ingest(first, RECOGNITION)
    assert len(list_hits(first.store)) == 1
    first.close()
    quiet = config_text().replace('any = ["recognition"]', 'any = ["recognition"]\nnotify = ["bell"]')
    assert parse_config(quiet).alerts[0].notify != parse_config(config_text()).alerts[0].notify
    second = make_session(tmp_path, text=quiet)
    try:
        assert compiled_anything(second)
        assert len(list_hits(second.store)) == 1
    finally:
        second.close()
    third = make_session(tmp_path, text=quiet)
    assert not compiled_anything(third)
    third.close()


def test_the_rules_reset_by_another_process_are_evaluated_again(tmp_path):
    """A process whose rules went stale (StaleRules) clears the rules' fingerprint so that the
    next open evaluates every item: the note of the config does not stand in its way."""
    first = make_session(tmp_path)
    ingest(first, RECOGNITION)
    first.store.set_meta(RULES_FINGERPRINT, "")
    with first.store.transaction() as conn:
        conn.execute("DELETE FROM hits")
    first.close()
    second = make_session(tmp_path)
    try:
        assert compiled_anything(second)
        assert [hit.title for hit in list_hits(second.store)] == [RECOGNITION]
    finally:
        second.close()


def test_headlines_never_loads_the_matcher_or_the_rules(tmp_path):
    """The command a user runs most reads stored matches: on an up-to-date cache it loads
    neither the matcher (its spelling tables and automaton) nor the alert rules."""
    config = tmp_path / "feeds.toml"
    config.write_text(config_text(), encoding="utf-8")
    session = make_session(tmp_path / "cache", config=parse_config(config.read_text(), path=config))
    ingest(session, RECOGNITION)
    session.close()
    script = ("import sys; from tui.cli import main; "
              f"status = main(['--config', {str(config)!r}, 'headlines']); "
              "print(status, 'tui.core.names.watch' in sys.modules, "
              "'tui.core.alerts.rules' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert RECOGNITION in done.stdout
    assert done.stdout.splitlines()[-1] == "0 False False"
