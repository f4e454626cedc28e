"""The one door both faces use: open a configured wirewatch, keep its configuration in force,
refresh, write alert rules, and close.

The session is the only owner of the running configuration: the config, the watchlist's
matcher and the compiled alert rules change together in `apply`, whoever changed the file
(`wirewatch alert add`, the dashboard's form, a hand edit). The engine reads them from here.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from tui.core.alerts.edit import config_path, delete_rule, save_rule
from tui.core.alerts.rules import RuleSet, evaluate_all
from tui.core.cache.hits import AlertHit
from tui.core.cache.store import Store
from tui.core.config.load import load_config, resolve_cache_dir, resolve_config_path
from tui.core.config.model import AlertRule, Config, FeedConfig
from tui.core.engine import Engine, ProgressCallback, RefreshReport
from tui.core.names.watch import Term, Watcher


@dataclass(frozen=True)
class Applied:
    """What putting a new config in force changed."""

    hits: list[AlertHit]      # hits the rules found among the cached items (new ones only)
    watch_changed: bool       # the watchlist differed too: matches were recomputed


def build_watcher(config: Config) -> Watcher:
    """The watch categories of feeds.toml as one matcher (gazetteer spellings included)."""
    return Watcher([Term(name=term.name, category=category.name, aliases=term.aliases)
                    for category in config.watch for term in category.terms])


class Session:
    """One configured wirewatch: its config, cache, watchlist, alert rules and refresh cycle.

    Creating one writes nothing; `Session.open` opens (and prepares) the cache for use.
    """

    def __init__(self, config: Config, store: Store) -> None:
        self.config = config
        self.store = store
        self.watcher = build_watcher(config)
        self.rules = RuleSet(config)
        self.engine = Engine(self)
        # One apply at a time: an older rule set can never record its hits after a newer one.
        self._applying = threading.Lock()

    @classmethod
    def open(cls, config_option: str | None = None, cache_option: str | None = None, *,
             config: Config | None = None) -> Session:
        """Load the config (raises ConfigError), open the cache, bring its feeds and matches
        up to date with the config."""
        if config is None:
            config_file = resolve_config_path(config_option)
            config = load_config(config_file)
        else:
            config_file = config.path or resolve_config_path(config_option)
        session = cls(config, Store.open(resolve_cache_dir(cache_option, Path(config_file))))
        session.store.sync_feeds((f.name, f.url) for f in config.feeds)
        session.store.ensure_matches(session.watcher)
        return session

    def close(self) -> None:
        self.engine.close()
        self.store.close()

    # --- the configuration ------------------------------------------------------------------

    def apply(self, config: Config) -> Applied:
        """Put `config` in force: the watchlist (matches recomputed when it changed), the feeds,
        the alert rules, every cached item evaluated against them; returns the new hits.
        Blocking (it reads the whole cache): run it in a worker thread in the dashboard."""
        with self._applying:
            watch_changed = config.watch != self.config.watch
            if watch_changed:
                watcher = build_watcher(config)
                self.store.ensure_matches(watcher)
                self.watcher = watcher
            if config.feeds != self.config.feeds:
                self.store.sync_feeds((f.name, f.url) for f in config.feeds)
            rules = RuleSet(config)
            self.config, self.rules = config, rules
            return Applied(hits=evaluate_all(self.store, rules), watch_changed=watch_changed)

    def save_rule(self, rule: AlertRule, *, replace: str | None = None) -> Config:
        """Write a rule into the config's file (the one rule-write path); returns the file as
        now read, to `apply`. Raises ConfigError (nothing written) on a mistake."""
        return save_rule(config_path(self.config), rule, self.store, replace=replace)

    def delete_rule(self, name: str) -> Config:
        """Take a rule out of the config's file and its hits out of the cache."""
        return delete_rule(config_path(self.config), name, self.store)

    def rule(self, name: str) -> AlertRule | None:
        return next((rule for rule in self.config.alerts if rule.name == name), None)

    # --- refreshing -------------------------------------------------------------------------

    async def refresh(self, *, force: bool = False,
                      on_progress: ProgressCallback | None = None) -> RefreshReport:
        return await self.engine.refresh(force=force, on_progress=on_progress)

    def refresh_sync(self, *, force: bool = False,
                     on_progress: ProgressCallback | None = None) -> RefreshReport:
        return self.engine.refresh_sync(force=force, on_progress=on_progress)

    def due_feeds(self) -> list[FeedConfig]:
        """The feeds whose period (or back-off) has run out."""
        return self.engine.due_feeds()

    async def fetch_text(self, row_id: int) -> str:
        """Fetch one item's article page now; returns the outcome (see fulltext.apply_page)."""
        return await self.engine.fetch_text(row_id)

    def seconds_until_due(self, now: float | None = None) -> float:
        """How long until the next feed is due (its period, or its back-off after failures):
        at least a second, at most the shortest configured period. `watch` sleeps this long;
        the dashboard sets its refresh timer to it."""
        now = time.time() if now is None else now
        config = self.config
        periods = [config.refresh_minutes(feed) * 60 for feed in config.feeds]
        longest_wait = min(periods, default=config.settings.refresh_minutes * 60)
        states = self.store.feed_states()
        due = [states[f.name].next_due if f.name in states else None for f in config.feeds]
        if any(when is None for when in due):
            return 1.0                       # a feed never fetched is due now
        wait = min(due, default=now + longest_wait) - now   # type: ignore[type-var]
        return min(max(wait, 1.0), longest_wait)
