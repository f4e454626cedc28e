"""Matches are computed at ingestion and recomputed for every stored item when the
watchlist changes, through the same session both faces open."""

from __future__ import annotations

from tests.support.feedgen import config_text, item, rss
from tui.core.cache.query import ItemFilter, count_items, list_items
from tui.core.cache.store import WATCH_FINGERPRINT
from tui.core.session import Session


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
