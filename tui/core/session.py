"""Opening a configured wirewatch: config file + cache + watchlist -> a ready Engine.

Both faces start here, so the command line and the dashboard always see the same cache with
the same watchlist applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tui.core.config.load import Config, load_config, resolve_cache_dir, resolve_config_path
from tui.core.alerts.rules import AlertEngine
from tui.core.engine import Engine
from tui.core.cache.store import Store
from tui.core.names.watch import Term, Watcher


@dataclass
class Session:
    config: Config
    store: Store
    watcher: Watcher
    engine: Engine

    def close(self) -> None:
        self.engine.close()


def build_watcher(config: Config) -> Watcher:
    """The watch categories of feeds.toml as one matcher (gazetteer spellings included)."""
    return Watcher([Term(name=term.name, category=category.name, aliases=term.aliases)
                    for category in config.watch for term in category.terms])


def open_session(config_option: str | None = None, cache_option: str | None = None, *,
                 config: Config | None = None) -> Session:
    """Load the config (raises ConfigError), open the cache and bring its matches up to date."""
    if config is None:
        config_path = resolve_config_path(config_option)
        config = load_config(config_path)
    else:
        config_path = config.path or resolve_config_path(config_option)
    store = Store(resolve_cache_dir(cache_option, Path(config_path)))
    watcher = build_watcher(config)
    store.ensure_matches(watcher)
    return Session(config=config, store=store, watcher=watcher,
                   engine=Engine(config, store, matcher=watcher, alerts=AlertEngine(config)))
