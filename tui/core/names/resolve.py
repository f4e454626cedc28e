"""Which watched name or category a user means by what they typed (`headlines --match Krim`, a
term typed into the dashboard): the canonical name the cache stores, or None.

Why through the matcher: it already knows every spelling, script, alias and inflection of
every term, so asking it (instead of comparing strings) makes `--match Крим`, `--match Krim`
and `--match "Kirill Dmitriev"` mean exactly what the highlighting means by them. What the
user typed must be one mention of one term and nothing else: `Crimea bridge` is not Crimea.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from tui.core.names.watch import Match, Watcher


class Watched(NamedTuple):
    """A watched term (`name`, its `category`), or a whole category (`name` is None)."""

    name: str | None
    category: str

    @property
    def filter_key(self) -> str:
        """What the cache's filters take (`ItemFilter.match`): the name, else the category."""
        return self.name if self.name is not None else self.category

    def describe(self) -> str:
        """How outputs name it: "Crimea (regions)", or "the category regions"."""
        if self.name is None:
            return f"the category {self.category}"
        return f"{self.name} ({self.category})"


def resolve_watched(watcher: Watcher, text: str) -> Watched | None:
    """The watched term or category `text` names, in any case, spelling, script or alias the
    matcher knows; None when it names none (or more than one term).

    Canonical names win over category names, which win over spellings, so a user who types
    exactly what feeds.toml says always gets that.
    """
    wanted = " ".join(text.split())
    if not wanted:
        return None
    key = wanted.casefold()
    terms = watcher.terms
    for term in terms:
        if term.name.casefold() == key:
            return Watched(term.name, term.category)
    for term in terms:
        if term.category.casefold() == key:
            return Watched(None, term.category)
    for term in terms:
        if any(alias.casefold() == key for alias in term.aliases):
            return Watched(term.name, term.category)
    # As typed, then capitalised: the matcher wants a capital where a name has one (a trump
    # card is not Trump), but a user typing `--match krim` means the place.
    for candidate in dict.fromkeys((wanted, _capitalised(wanted))):
        found = _one_whole_mention(watcher.find(candidate), candidate)
        if found is not None:
            return found
    return None


def watched_names(watcher: Watcher) -> dict[str, tuple[str, ...]]:
    """Each watch category with its canonical names, in feeds.toml's order: what a face lists
    when it cannot resolve what the user typed."""
    out: dict[str, list[str]] = {}
    for term in watcher.terms:
        names = out.setdefault(term.category, [])
        if term.name not in names:
            names.append(term.name)
    return {category: tuple(names) for category, names in out.items()}


_POSSESSIVE = re.compile(r"['’]s(?![^\W_])", re.IGNORECASE)


def _capitalised(text: str) -> str:
    return " ".join(word[:1].upper() + word[1:] for word in text.split(" "))


def _one_whole_mention(matches: list[Match], text: str) -> Watched | None:
    """The term when `matches` are mentions of one term only and cover every letter and
    digit of `text` (a possessive 's after a mention counts as the mention's: the matcher's
    mention of "Witkoff's" ends before the apostrophe); None otherwise."""
    if not matches or len({m.name for m in matches}) != 1:
        return None
    rest, last = [], 0
    for match in matches:
        rest.append(text[last:match.start])
        possessive = _POSSESSIVE.match(text, match.end)
        last = possessive.end() if possessive else match.end
    rest.append(text[last:])
    if any(char.isalnum() for char in "".join(rest)):
        return None
    return Watched(matches[0].name, matches[0].category)
