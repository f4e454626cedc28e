"""Alert rules changed while wirewatch runs: written to feeds.toml, then in force at once.

The dashboard's alert form and alerts screen edit rules the way `wirewatch alert add/rm`
does (through tui.core.config.edit, which keeps the user's comments and validates the whole file
before replacing it); this module adds what a running program needs on top: the hits follow
a renamed rule and leave with a deleted one, and the session takes the re-read config
without a restart, its cached items evaluated against the new rules.

Saving and deleting are quick (one small file, one indexed statement) and may run where the
user pressed the key; `apply_config` reads every cached item and belongs in a worker thread.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tui.core.config.load import AlertRule, Config, ConfigError, load_config
from tui.core.config.edit import remove_alert, upsert_alert
from tui.core.alerts.rules import AlertEngine, AlertHit
from tui.core.cache.store import Store

if TYPE_CHECKING:
    from tui.core.session import Session

# One re-evaluation at a time: a second save waits for the first, so an older rule set can
# never record its hits after a newer one (a deleted rule firing again behind the user's back).
_APPLYING = threading.Lock()


@dataclass(frozen=True)
class Applied:
    """What taking a new config changed."""

    hits: list[AlertHit]      # hits the rules found among the cached items (new ones only)
    watch_changed: bool       # the watchlist differed too: matches were recomputed


def config_path(config: Config) -> Path:
    """The file a config was read from (a config parsed from text cannot be saved)."""
    if config.path is None:
        raise ConfigError("this configuration was not read from a file; there is nothing "
                          "to save the alert to")
    return Path(config.path)


def save_rule(config: Config, rule: AlertRule, store: Store, *,
              replace: str | None = None) -> Config:
    """Write `rule` into the config's file (replacing the rule named `replace`, in place),
    carry a renamed rule's hits over to its new name, and return the file as now read.

    The file and the cache change together or not at all: the hits are renamed in a
    transaction that commits only once the file is written. Raises ConfigError when the file
    would not be valid afterwards (nothing is written) or cannot be read back.
    """
    path = config_path(config)
    with store.transaction() as conn:
        if replace is not None and replace != rule.name:
            conn.execute("UPDATE OR REPLACE hits SET alert = ? WHERE alert = ?",
                         (rule.name, replace))
        upsert_alert(path, rule, replace=replace)
    return load_config(path)


def delete_rule(config: Config, name: str, store: Store) -> Config:
    """Remove the rule named `name` from the config's file and its hits from the cache
    (both or neither), so they no longer count nor keep their items from pruning."""
    path = config_path(config)
    with store.transaction() as conn:
        conn.execute("DELETE FROM hits WHERE alert = ?", (name,))
        remove_alert(path, name)
    return load_config(path)


def hits_of(store: Store, name: str) -> int:
    return store.connection.execute("SELECT count(*) FROM hits WHERE alert = ?",
                                    (name,)).fetchone()[0]


def apply_config(session: Session, config: Config) -> Applied:
    """Put `config` in force in a running session and evaluate every cached item against its
    rules; returns the hits that are new. Blocking (it reads the whole cache): run it in a
    worker thread. A changed watchlist is applied too (matches recomputed), so a config
    edited by hand and re-read here is taken whole."""
    from tui.core.session import build_watcher

    with _APPLYING:
        watch_changed = config.watch != session.config.watch
        if watch_changed:
            watcher = build_watcher(config)
            session.store.ensure_matches(watcher)
            session.watcher = watcher
            session.engine.matcher = watcher
        if config.feeds != session.config.feeds:
            session.store.sync_feeds((f.name, f.url) for f in config.feeds)
        alerts = AlertEngine(config)
        session.config = config
        session.engine.config = config
        session.engine.alerts = alerts
        hits = alerts.evaluate_all(session.store)
    return Applied(hits=hits, watch_changed=watch_changed)
