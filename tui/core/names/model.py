"""What a watchlist is made of and what it finds: the values the cache, the CLI and the
screens pass around. Kept apart from the matcher (watch.py, with its spelling tables and
automaton) so that a command that only reads stored matches never loads it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """One watched name: what the user wrote in feeds.toml."""

    name: str
    """Canonical name, what every output reports."""
    category: str
    """Watch category, e.g. "regions"; alerts use "" or their own."""
    aliases: tuple[str, ...] = ()
    exceptions: tuple[str, ...] = ()
    """Phrases that contain the name but are not about it (feeds.toml's ``not``)."""


@dataclass(frozen=True)
class Match:
    """One mention of a term in one field of an item."""

    start: int
    """Offset of the first character, into the original text (Python str index)."""
    end: int
    field: str
    """"title", "summary" or "text"."""
    name: str
    """Canonical name of the term."""
    category: str
    text: str
    """The matched text as it appears: ``original[start:end]``."""
