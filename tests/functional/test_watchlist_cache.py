"""Matches are computed at ingestion and recomputed for every stored item when the
watchlist changes, through the same session both faces open."""

from __future__ import annotations

import os
from collections.abc import Callable

from tests.support.feedgen import config_text, item, rss
from tui.core.cache.query import ItemFilter, count_items, list_items
from tui.core.cache.store import WATCH_FINGERPRINT
from tui.core.session import Session


def cache_with_a_dying_screen(tmp_path, monkeypatch) -> tuple[Session, list[int], Callable]:
    """A session over 60 cached items whose next watchlist edit is screened in two forked
    workers that die (os._exit(3), as the out-of-memory killer would end them): the session,
    the processes that screened, and a function that restores the screen."""
    from tests.support.cachegen import config_text, fill
    from tui.core.cache import rematch
    from tui.core.names.watch import Watcher

    config = tmp_path / "feeds.toml"
    config.write_text(config_text(), encoding="utf-8")
    session = Session.open(str(config), str(tmp_path / "cache"))
    fill(session, 60)
    parent = os.getpid()
    screen = Watcher.screen
    screened: list[int] = []

    def dying_screen(self, indexes):
        test = screen(self, indexes)
        screened.append(os.getpid())
        return lambda texts: os._exit(3) if os.getpid() != parent else test(texts)

    monkeypatch.setattr(Watcher, "screen", dying_screen)
    monkeypatch.setattr(rematch, "process_count", lambda items, requested=None: 2)
    return session, screened, lambda: monkeypatch.setattr(Watcher, "screen", screen)


def with_miami(text: str, spacing: str = " ") -> str:
    """feeds.toml's `text` with Miami added to the watchlist by hand (another `spacing`: the
    same edit saved again)."""
    return text.replace('"Crimea", ', f'"Crimea", "Miami",{spacing}')

def test_watchlist_change_rematches_the_whole_cache(tmp_path, http_server):
    http_server.route("/f.xml", rss([
        item(1, title="Ушаков прокомментировал переговоры"),
        item(2, title="Selenskyj trifft Witkoff in Genf"),
        item(3, title="Uschakow: Moskau prüft den Plan"),
    ]), content_type="application/rss+xml")
    config = tmp_path / "feeds.toml"
    cache = tmp_path / "cache"
    config.write_text(config_text([("F", http_server.url("/f.xml"))]), encoding="utf-8")
    session = Session.open(str(config), str(cache))
    session.refresh_sync(force=True)
    assert count_items(session.store, ItemFilter(match="Zelensky")) == 1
    assert list_items(session.store, ItemFilter(match="Ushakov")) == []
    session.close()

    text = config.read_text(encoding="utf-8").replace(
        '"Putin", "Trump"]', '"Putin", "Trump", "Ushakov"]')
    config.write_text(text, encoding="utf-8")
    session = Session.open(str(config), str(cache))     # no refresh: only a re-match
    found = list_items(session.store, ItemFilter(match="Ushakov"))
    assert {h.title for h in found} == {"Ушаков прокомментировал переговоры",
                                         "Uschakow: Moskau prüft den Plan"}
    assert {m.text for h in found for m in h.matches if m.name == "Ushakov"} == {"Ушаков", "Uschakow"}
    before = session.store.meta(WATCH_FINGERPRINT)
    session.close()
    session = Session.open(str(config), str(cache))
    assert session.store.meta(WATCH_FINGERPRINT) == before
    assert session.store.ensure_matches(session.watcher) == 0  # unchanged: nothing redone
    session.close()


async def test_a_hand_edit_whose_rematch_worker_dies_is_said_once_and_taken_when_saved_again(
        tmp_path, monkeypatch):
    """The dashboard open, a term added to feeds.toml by hand: the items it may be in are
    screened in forked workers (many items, idle cores). One killed (the out-of-memory killer,
    say) used to hang the reload for ever; now it fails it, said in one line, once: the same
    file is not tried again at every look (a re-match forked again and a note every two
    seconds), the configuration in force stays, and the file saved again is taken."""
    from tests.support.apps import RecordingApp
    from tui import app as dashboard

    session, screened, restore = cache_with_a_dying_screen(tmp_path, monkeypatch)
    config = tmp_path / "feeds.toml"
    monkeypatch.setattr(dashboard, "CONFIG_TICK_SECONDS", 0.1)
    said = ("Configuration not applied: a worker process ended without its result "
            "(exit code 3)")
    app = RecordingApp(session)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause(0.3)
        text = config.read_text(encoding="utf-8")
        config.write_text(with_miami(text), encoding="utf-8")
        for _ in range(100):
            await pilot.pause(0.05)
            if app.notes:
                break
        await pilot.pause(1.0)                      # ten more looks at the file
        assert app.notes == [("error", said)] and len(screened) == 1
        assert not session.watcher.find("Talks in Miami", "title")      # the old watchlist
        assert app.is_running
        restore()
        config.write_text(with_miami(text, "  "), encoding="utf-8")
        for _ in range(100):
            await pilot.pause(0.05)
            if session.watcher.find("Talks in Miami", "title"):
                break
        assert session.watcher.find("Talks in Miami", "title")
        assert app.notes == [("error", said)]
    session.close()


def test_watch_says_an_edit_it_could_not_put_in_force_once_and_goes_on(tmp_path, monkeypatch,
                                                                       capsys):
    """`wirewatch watch`'s look at feeds.toml between refreshes: an edit whose re-match fails
    (its worker process killed) is said once, on one line, and the watch goes on with the
    configuration it had. It used to end the watch (with a traceback, once the dead worker
    stopped hanging it)."""
    from tui.cli.refresh import _take_config_changes

    session, _, _ = cache_with_a_dying_screen(tmp_path, monkeypatch)
    config = tmp_path / "feeds.toml"
    config.write_text(with_miami(config.read_text(encoding="utf-8")), encoding="utf-8")
    for _ in range(3):                                  # three looks at the file
        _take_config_changes(session)
    said = capsys.readouterr().err.splitlines()
    assert said == ["wirewatch: configuration not applied: a worker process ended without its "
                    "result (exit code 3) (the previous configuration stays in force)"]
    assert not session.watcher.find("Talks in Miami", "title")          # the old watchlist
    session.close()


def test_a_command_whose_rematch_worker_dies_fails_with_one_line(tmp_path, monkeypatch, capsys):
    """A command that opens the cache after feeds.toml's watchlist changed re-matches it
    first; its worker process killed, the command says so in one line and exits 1 (no
    traceback), and the cache keeps the matches it had."""
    from tui.cli import main

    session, _, _ = cache_with_a_dying_screen(tmp_path, monkeypatch)
    before = session.store.meta(WATCH_FINGERPRINT)
    session.close()
    config = tmp_path / "feeds.toml"
    config.write_text(with_miami(config.read_text(encoding="utf-8")), encoding="utf-8")
    status = main(["--config", str(config), "--cache", str(tmp_path / "cache"), "headlines"])
    assert status == 1
    assert capsys.readouterr().err.splitlines() == [
        "wirewatch: a worker process ended without its result (exit code 3)"]
    import sqlite3

    with sqlite3.connect(tmp_path / "cache" / "wirewatch.sqlite3") as conn:   # the old matches
        assert conn.execute("SELECT value FROM meta WHERE key = ?",
                            (WATCH_FINGERPRINT,)).fetchone()[0] == before
