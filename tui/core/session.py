"""The one door both faces use: open a configured wirewatch, keep its configuration in force,
refresh, deliver alerts, write alert rules, and close.

The session is the only owner of the running configuration: the config, the watchlist's
matcher and the compiled alert rules change together in `apply`, whoever changed the file
(`wirewatch alert add`, the dashboard's form, a hand edit picked up by `reload_if_changed`).
The engine reads them from here.

The matcher and the rules are built on first use. Opening checks that the cache's matches and
hits are the config's by one hash of what they depend on (`_inputs_key`): when it is the one
the cache noted, a command that only reads (`headlines`, `article`) loads neither the matcher
nor the rules, which was a fifth of its time.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tui.core.cache.store import (
    RULES_FINGERPRINT,
    WATCH_FINGERPRINT,
    CacheUnavailable,
    Store,
    is_read_only_error,
)
from tui.core.config.load import load_config, resolve_cache_dir, resolve_config_path
from tui.core.config.model import AlertRule, Config, ConfigError, FeedConfig
from tui.core.names import family
from tui.core.names.compiled import CompiledWatchers, code_and_data
from tui.core.names.model import Term

if TYPE_CHECKING:   # the engine (HTTP client, parsers), the matcher, the rules load on first use
    from tui.core.alerts.delivery import Delivery
    from tui.core.alerts.rules import RuleSet
    from tui.core.cache.hits import AlertHit
    from tui.core.engine import Engine, ProgressCallback, RefreshReport
    from tui.core.names.resolve import Watched
    from tui.core.names.watch import Watcher
    from tui.core.stories.grouping import SettleReport

INPUTS_META = "session_inputs"
"""The cache's meta key for `_inputs_key` of the config whose matches and hits it holds."""
_RULES_CODE = Path(__file__).parent / "alerts" / "rules.py"
"""How rule terms are layered into matchers (part of what the hits depend on)."""


@dataclass(frozen=True)
class Applied:
    """What putting a new config in force changed."""

    hits: list[AlertHit]      # hits the rules found among the cached items (new ones only)
    watch_changed: bool       # the watchlist differed too: matches were recomputed


@dataclass(frozen=True)
class Reloaded:
    """feeds.toml changed on disk: either put in force, or refused (the last good one stays)."""

    applied: Applied | None = None
    error: ConfigError | None = None


def watch_terms(config: Config) -> list[Term]:
    """The terms of the config's watch categories, in order."""
    return [Term(name=term.name, category=category.name, aliases=term.aliases,
                 exceptions=term.exceptions)
            for category in config.watch for term in category.terms]


def build_watcher(config: Config, compiled: CompiledWatchers | None = None) -> Watcher:
    """The watch categories of feeds.toml as one matcher (gazetteer spellings included);
    taken from `compiled` when it keeps one for them."""
    if compiled is not None:
        return compiled.watcher(watch_terms(config))
    from tui.core.names.watch import Watcher

    return Watcher(watch_terms(config))


def _rule_set(config: Config, stamp: tuple[int, int] | None,
              compiled: CompiledWatchers) -> RuleSet:
    """The config's rules, knowing whether their file is still as it was read (`stamp`)."""
    from tui.core.alerts.rules import RuleSet

    path = config.path
    if path is None:
        return RuleSet(config, compile_terms=compiled.watcher)
    return RuleSet(config, current=lambda: _file_stamp(path) == stamp,
                   compile_terms=compiled.watcher)


def _inputs_key(config: Config) -> str:
    """A hash of everything the matches and hits of a cache depend on: the watchlist, the
    rules and the feeds they name, the word families of their terms, the matcher's code and
    data, the rules' layering code. Wider than the fingerprints (a rule's notify changes it
    too): when it differs, opening compiles and compares the fingerprints as before."""
    alert_terms = [Term(name=t, category="") for rule in config.alerts
                   for t in (*rule.all, *rule.any, *rule.none)]
    families = family.families_of([*watch_terms(config), *alert_terms])
    try:
        rules_code = hashlib.sha256(_RULES_CODE.read_bytes()).hexdigest()
    except OSError:
        rules_code = ""
    payload = repr((config.watch, config.alerts, [(f.name, f.tags) for f in config.feeds],
                    sorted(families.items()), code_and_data(), rules_code))
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


def _file_stamp(path: Path | None) -> tuple[int, int] | None:
    try:
        found = os.stat(path) if path is not None else None
    except OSError:
        return None
    return (found.st_mtime_ns, found.st_size) if found is not None else None


class Session:
    """One configured wirewatch: its config, cache, watchlist, alert rules and refresh cycle.

    Creating one writes nothing; `Session.open` opens (and prepares) the cache for use.
    """

    def __init__(self, config: Config, store: Store) -> None:
        self.config = config
        self.store = store
        # Word families of lower-case terms cost a dictionary pass each (1-3 s for the
        # starter's alert terms): those of the shipped configs ship with wirewatch, and what
        # an earlier run found is kept beside the cache.
        families = Path(store.cache_dir) / family.MEMO_FILE
        kept = family.load_seed() | family.load_memo(families)
        # So are the compiled watchlists (of the watch categories and of the alert rules).
        self._compiled = CompiledWatchers(Path(store.cache_dir))
        self._families_kept, self._families_file = kept, families
        self._config_stamp = _file_stamp(config.path)
        self._watcher: Watcher | None = None        # built on first use (`watcher`)
        self._rules: RuleSet | None = None          # the same (`rules`)
        self._building = threading.Lock()
        self._engine: Engine | None = None
        self._engine_lock = threading.Lock()    # built once, whichever thread asks first
        self._delivery: Delivery | None = None
        # One apply at a time: an older rule set can never record its hits after a newer one.
        self._applying = threading.Lock()

    @classmethod
    def open(cls, config_option: str | None = None, cache_option: str | None = None, *,
             config: Config | None = None, read_only_ok: bool = False) -> Session:
        """Load the config (raises ConfigError), open the cache and bring its feeds, matches
        and hits up to date with the config.

        With `read_only_ok`, a cache that cannot be written (a read-only folder, file or disk)
        is opened for reading as it is; otherwise that is a CacheUnavailable error.
        """
        if config is None:
            config_file = resolve_config_path(config_option)
            config = load_config(config_file)
        else:
            config_file = config.path or resolve_config_path(config_option)
        cache_dir = resolve_cache_dir(cache_option, Path(config_file))
        try:
            session = cls(config, Store.open(cache_dir))
            session._bring_up_to_date()
        except Exception as error:
            if not is_read_only_error(error):
                raise
            if not read_only_ok:
                raise CacheUnavailable(f"the cache at {cache_dir} cannot be written "
                                       f"({error}); only commands that read it work") from None
            session = cls(config, Store.open_read_only(cache_dir))
        return session

    def _bring_up_to_date(self) -> None:
        self.store.sync_feeds((f.name, f.url, f.language) for f in self.config.feeds)
        inputs = _inputs_key(self.config)
        if self.store.meta(INPUTS_META) == self._inputs_record(inputs):
            return              # matches and hits are this config's: nothing to compile
        self.store.ensure_matches(self.watcher)
        self.evaluate_if_rules_changed()
        self._note_inputs(inputs)

    def _inputs_record(self, inputs: str) -> str:
        """`inputs` with the fingerprints the cache holds now: the note stands only while
        no one (another process with another config, a StaleRules reset) changed them."""
        fingerprints = (self.store.meta(WATCH_FINGERPRINT), self.store.meta(RULES_FINGERPRINT))
        return f"{inputs}:{fingerprints[0]}:{fingerprints[1]}"

    def _note_inputs(self, inputs: str) -> None:
        """Note that the cache's matches and hits are those of the config whose
        `_inputs_key` is `inputs`, if they are (the rules' hits may be left for later)."""
        if self.store.meta(RULES_FINGERPRINT) == self._rules_fingerprint():
            self.store.set_meta(INPUTS_META, self._inputs_record(inputs))

    @property
    def watcher(self) -> Watcher:
        """The watchlist's matcher (compiled, or taken from the cache folder, on first use)."""
        if self._watcher is None:
            with self._building:
                if self._watcher is None:
                    self._watcher = build_watcher(self.config, self._compiled)
                    self._keep_compiled()
        return self._watcher

    @property
    def rules(self) -> RuleSet:
        """The alert rules in force, compiled (or taken from the cache folder) on first use."""
        if self._rules is None:
            with self._building:
                if self._rules is None:
                    self._rules = _rule_set(self.config, self._config_stamp, self._compiled)
                    self._keep_compiled()
        return self._rules

    def _keep_compiled(self) -> None:
        """Keep what was just compiled (and the word families looked up for it) for the next
        run."""
        if not set(family.memo) <= self._families_kept:
            family.save_memo(self._families_file)
            self._families_kept = set(family.memo)
        self._compiled.save()

    def close(self) -> None:
        if self._delivery is not None:
            self._delivery.close()
        if self._engine is not None:
            self._engine.close()
        self.store.close()

    @property
    def engine(self) -> Engine:
        """The refresh cycle, built on first use: a command that only reads the cache never
        imports the HTTP client, the feed parser or the page extractor."""
        if self._engine is None:
            with self._engine_lock:
                if self._engine is None:
                    from tui.core.engine import Engine

                    self._engine = Engine(self)
        return self._engine

    # --- the configuration ------------------------------------------------------------------

    def _rules_fingerprint(self) -> str:
        """The rules and the watchlist whose categories they may use: what hits depend on."""
        both = f"{self.rules.fingerprint}:{self.watcher.fingerprint}"
        return hashlib.sha256(both.encode("ascii")).hexdigest()

    def evaluate_if_rules_changed(self) -> list[AlertHit]:
        """Evaluate every cached item once after the rules changed by any route (a hand edit
        included); returns the new hits. Nothing is read when the rules are as last time."""
        fingerprint = self._rules_fingerprint()
        if self.store.meta(RULES_FINGERPRINT) == fingerprint:
            return []
        return self._evaluate_all(fingerprint)

    def _evaluate_all(self, fingerprint: str) -> list[AlertHit]:
        """Every cached item against the rules in force, remembered as done by their
        fingerprint; unless feeds.toml changed meanwhile: then the next session, or this one
        once it reloads, evaluates again (see StaleRules)."""
        from tui.core.alerts.rules import evaluate_all
        from tui.core.cache.hits import StaleRules

        try:
            hits = evaluate_all(self.store, self.rules)
        except StaleRules as stale:
            return stale.hits
        self.store.set_meta(RULES_FINGERPRINT, fingerprint)
        return hits

    def apply(self, config: Config, stamp: tuple[int, int] | None = None) -> Applied:
        """Put `config` in force: the watchlist (matches recomputed when it changed), the feeds,
        the alert rules, every cached item evaluated against them; returns the new hits.
        `stamp` is the file's as it was read (default: as it is now).
        Blocking (it reads the whole cache): run it in a worker thread in the dashboard."""
        with self._applying:
            watch_changed = config.watch != self.config.watch
            if watch_changed:
                with self._building:        # the compiled watchers are not for two threads
                    watcher = build_watcher(config, self._compiled)
                self.store.ensure_matches(watcher)
                self._watcher = watcher
            if config.feeds != self.config.feeds:
                self.store.sync_feeds((f.name, f.url, f.language) for f in config.feeds)
            self._config_stamp = stamp if stamp is not None else _file_stamp(config.path)
            with self._building:
                rules = _rule_set(config, self._config_stamp, self._compiled)
                self._keep_compiled()
            self.config, self._rules = config, rules
            hits = self._evaluate_all(self._rules_fingerprint())
            self._note_inputs(_inputs_key(config))
            return Applied(hits=hits, watch_changed=watch_changed)

    def config_changed_on_disk(self) -> bool:
        """Cheap (one stat): has feeds.toml changed since it was put in force?"""
        return self.config.path is not None and _file_stamp(self.config.path) != \
            self._config_stamp

    def reload_if_changed(self) -> Reloaded | None:
        """Re-read feeds.toml when it changed on disk and put it in force; a bad edit is
        returned as its error once (not again until the file changes) and the config in
        force stays; a failure to put it in force is raised once, likewise. None when nothing
        changed."""
        if not self.config_changed_on_disk():
            return None
        path = self.config.path
        assert path is not None
        stamp = _file_stamp(path)
        try:
            config = load_config(Path(path))
        except ConfigError as error:
            self._config_stamp = stamp
            return Reloaded(error=error)
        if config == self.config:
            self._config_stamp = stamp
            return None
        try:
            return Reloaded(applied=self.apply(config, stamp))
        except Exception:
            # Raised once, like a bad edit: tried again when the file changes, not at every
            # look (a re-match whose worker the out-of-memory killer ends would be forked
            # again, and said again, every two seconds).
            self._config_stamp = stamp
            raise

    def save_rule(self, rule: AlertRule, *, replace: str | None = None) -> Config:
        """Write a rule into the config's file (the one rule-write path); returns the file as
        now read, to `apply`. Raises ConfigError (nothing written) on a mistake."""
        from tui.core.alerts.edit import config_path, save_rule

        return save_rule(config_path(self.config), rule, self.store, replace=replace)

    def delete_rule(self, name: str) -> Config:
        """Take a rule out of the config's file and its hits out of the cache."""
        from tui.core.alerts.edit import config_path, delete_rule

        return delete_rule(config_path(self.config), name, self.store)

    def rule(self, name: str) -> AlertRule | None:
        return next((rule for rule in self.config.alerts if rule.name == name), None)

    def resolve_watched(self, text: str) -> Watched | None:
        """The watched term or category `text` names, in any case, spelling, script or alias
        the watchlist in force knows (see names/resolve.py); None when it names none. Its
        `filter_key` is what `ItemFilter.match` takes."""
        from tui.core.names.resolve import resolve_watched

        return resolve_watched(self.watcher, text)

    # --- alerts -----------------------------------------------------------------------------

    def delivery(self, on_error: Callable[[str], None]) -> Delivery:
        """The outbox of this cache, for a face that announces hits (`watch`, the dashboard);
        `on_error` gets the failures of desktop and command notifications, one line each."""
        if self._delivery is None:
            from tui.core.alerts.delivery import Delivery

            self._delivery = Delivery(self.store, lambda: {r.name: r for r in self.config.alerts},
                                      on_error)
        return self._delivery

    # --- refreshing -------------------------------------------------------------------------

    async def refresh(self, *, force: bool = False,
                      on_progress: ProgressCallback | None = None) -> RefreshReport:
        return await self.engine.refresh(force=force, on_progress=on_progress)

    def refresh_sync(self, *, force: bool = False,
                     on_progress: ProgressCallback | None = None) -> RefreshReport:
        return self.engine.refresh_sync(force=force, on_progress=on_progress)

    def group_stories_step(self, stop: Callable[[], bool] | None = None) -> SettleReport:
        """One slice (a quarter of a second or so) of grouping the items a refresh left
        ungrouped, on the calling thread; its `more` says whether items still wait. `watch`
        runs slices between refreshes, the dashboard in a worker after each refresh: a first
        refresh of a long feed list leaves thousands of items, seconds of work that would
        otherwise hold up the refresh (see tui.core.stories.grouping.REFRESH_LIMIT). The
        slice ends early once `stop` says so (see grouping.settle)."""
        from tui.core.stories.grouping import settle_step

        return settle_step(self.store, stop=stop)

    async def group_stories(self, stop: Callable[[], bool] | None = None) -> SettleReport:
        """`group_stories_step` on the refresh's writer thread (the dashboard's way). An
        offline dashboard has no engine yet when its Stories view first groups a backlog: it
        is built on a thread (its imports, the HTTP client's among them, held `v` for 0.1-0.2 s
        on the interface's)."""
        engine = self._engine
        if engine is None:
            import asyncio  # (here: a command that only reads the cache never needs it)

            engine = await asyncio.to_thread(lambda: self.engine)
        return await engine.on_writer(lambda: self.group_stories_step(stop))

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
