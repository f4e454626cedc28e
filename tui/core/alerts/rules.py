"""Alert rules: which rules an item satisfies, and recording their hits.

Rule terms go through the same matcher as the watchlist, so "Crimea" in a rule also fires on
Krim, Крым and Криму. Rules share their matchers: one pass over an item finds every rule
term, then each rule is a few set operations, which keeps 200 rules cheap per new item.
A Watcher keeps one term per stretch of text (the longest), which is right for highlighting
but not for rules: "Krim" in one rule and "Crimea" in another, or "Trump" and "Donald Trump",
must both be found in "Donald Trump in der Krim". So terms that can match the same text are
put in different matchers (layers); usually there are one to three.
A hit is recorded once per rule and item (the cache's primary key), so nothing fires twice:
not after a restart, not after a re-match; a later version that newly matches fires then.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import time
from dataclasses import dataclass
from functools import cached_property
from typing import Callable, Sequence

from tui.core.cache.hits import (
    AlertHit,
    Candidate,
    StaleRules,
    all_item_ids,
    candidates,
    record_hits,
)
from tui.core.cache.store import Store
from tui.core.config.model import AlertRule, Config
from tui.core.names.watch import Term, Watcher

ALERT_CATEGORY = "\x00alert"  # never shown: marks terms that come from rules, not the watchlist


@dataclass(frozen=True)
class _Compiled:
    """A rule as sets, for a few set operations per candidate rule."""

    index: int
    rule: AlertRule
    all: frozenset[str]
    any: frozenset[str]
    none: frozenset[str]
    categories: frozenset[str]
    feeds: frozenset[str] | None   # feed names allowed; None = every feed


class RuleSet:
    """The alert rules of one config, compiled: which rules does an item satisfy?

    Rules are indexed by what they cannot fire without (one of their `all` terms, else each
    of their `any` terms, else each of their categories), so an item is checked only against
    the rules one of its terms or categories points to, not against all 200.
    """

    def __init__(self, config: Config, current: Callable[[], bool] | None = None, *,
                 compile_terms: Callable[[list[Term]], Watcher] = Watcher) -> None:
        """`current` says whether these rules are still the ones on disk (see record_hits);
        `compile_terms` makes the matchers (the session's keeps them compiled)."""
        self.config = config
        self.current = current
        self.rules = config.alerts
        terms = sorted({t for rule in self.rules for t in (*rule.all, *rule.any, *rule.none)})
        self.matchers = [compile_terms([Term(name=t, category=ALERT_CATEGORY) for t in layer])
                         for layer in _layers(terms, compile_terms)]
        self._compiled = [
            _Compiled(index, rule, frozenset(rule.all), frozenset(rule.any), frozenset(rule.none),
                      frozenset(rule.categories),
                      frozenset(config.feeds_matching(rule.feeds)) if rule.feeds else None)
            for index, rule in enumerate(self.rules)]
        self._by_term: dict[str, list[_Compiled]] = {}
        self._by_category: dict[str, list[_Compiled]] = {}
        for compiled in self._compiled:
            rule = compiled.rule
            if rule.all:
                self._by_term.setdefault(rule.all[0], []).append(compiled)
            elif rule.any:
                for term in compiled.any:
                    self._by_term.setdefault(term, []).append(compiled)
            else:
                for category in compiled.categories:
                    self._by_category.setdefault(category, []).append(compiled)

    @cached_property
    def fingerprint(self) -> str:
        """Changes whenever what the rules would fire on does (not their notify or command):
        terms, how the terms match, categories, the feeds the rules are limited to."""
        records = [[c.rule.name, sorted(c.all), sorted(c.any), sorted(c.none),
                    sorted(c.categories), sorted(c.feeds) if c.feeds is not None else None]
                   for c in self._compiled]
        payload = json.dumps([records, [m.fingerprint for m in self.matchers]],
                             ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def found_terms(self, fields: dict[str, str]) -> set[str]:
        """The rule terms (canonical, as written in the rules) that occur in these fields."""
        return {m.name for matcher in self.matchers for m in matcher.find_fields(fields)}

    def rules_hit(self, fields: dict[str, str], feed: str, categories: set[str]) -> list[AlertRule]:
        """The rules an item satisfies (in config order), given its text and watch categories."""
        if not self.rules:
            return []
        found = self.found_terms(fields) if self.matchers else set()
        candidates: dict[int, _Compiled] = {}
        for term in found:
            for compiled in self._by_term.get(term, ()):
                candidates[compiled.index] = compiled
        for category in categories:
            for compiled in self._by_category.get(category, ()):
                candidates[compiled.index] = compiled
        return [c.rule for _, c in sorted(candidates.items())
                if _satisfies(c, found, feed, categories)]



def evaluate(store: Store, rules: RuleSet, row_ids: Sequence[int], *,
             now: float | None = None) -> list[AlertHit]:
    """Record the hits among these items; returns only hits that are new. Raises StaleRules
    (with the hits recorded before) when feeds.toml changed under the rules."""
    if not rules.rules or not row_ids:
        return []
    now = now or time.time()
    hits: list[AlertHit] = []
    for batch in candidates(store, row_ids):
        fired: list[tuple[str, Candidate]] = [
            (rule.name, item) for item in batch
            for rule in rules.rules_hit(item.fields, item.feed, set(item.categories))]
        try:
            hits += record_hits(store, fired, now, current=rules.current)
        except StaleRules:
            raise StaleRules(hits) from None
    return hits


def evaluate_all(store: Store, rules: RuleSet) -> list[AlertHit]:
    """Evaluate every stored item (after the rules changed)."""
    return evaluate(store, rules, all_item_ids(store))


def _satisfies(rule: _Compiled, found: set[str], feed: str, categories: set[str]) -> bool:
    return ((rule.feeds is None or feed in rule.feeds)
            and rule.all <= found
            and (not rule.any or not rule.any.isdisjoint(found))
            and rule.none.isdisjoint(found)
            and (not rule.categories or not rule.categories.isdisjoint(categories)))


def _layers(terms: list[str], compile_terms: Callable[[list[Term]], Watcher] = Watcher
            ) -> list[list[str]]:
    """Split terms into groups in which no two terms can match overlapping text.

    Two terms conflict when one of them matches inside the other as written (Crimea finds
    "Krim" and "Крым"; Trump finds "Trump" in "Donald Trump"): each term's own matcher runs
    once over all the terms joined by a separator no term can bridge. The conflict graph is
    then coloured greedily, most conflicted terms first.
    """
    if len(terms) < 2:
        return [terms] if terms else []
    separator = " | "
    probe = separator.join(terms)
    starts: list[int] = []
    position = 0
    for term in terms:
        starts.append(position)
        position += len(term) + len(separator)
    conflicts: dict[str, set[str]] = {term: set() for term in terms}
    for term in terms:
        for match in compile_terms([Term(name=term, category=ALERT_CATEGORY)]).find(probe):
            first = bisect.bisect_right(starts, match.start) - 1
            last = bisect.bisect_right(starts, max(match.start, match.end - 1)) - 1
            for other in terms[first:last + 1]:
                if other != term:
                    conflicts[term].add(other)
                    conflicts[other].add(term)
    layers: list[list[str]] = []
    members: list[set[str]] = []
    for term in sorted(terms, key=lambda t: (-len(conflicts[t]), t)):
        for layer, names in zip(layers, members):
            if not conflicts[term] & names:
                layer.append(term)
                names.add(term)
                break
        else:
            layers.append([term])
            members.append({term})
    return [sorted(layer) for layer in layers]
