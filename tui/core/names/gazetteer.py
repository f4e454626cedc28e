"""The gazetteer: the people and places of the story, each with the spellings outlets use.

Data, not code: tui/data/gazetteer.toml lists for each name its canonical form, category,
kind (person or place), gender, and its spellings in English, German, French, Ukrainian and
Russian (every entry), and in Polish, Czech, Slovak, Spanish, Italian, Portuguese and Romanian
(the default names and the most reported others), Latin and Cyrillic. The matcher (watch.py)
resolves user terms against it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from tui import data_file
from tui.core.names import fold

CORE_LANGUAGES = ("en", "de", "fr", "uk", "ru")
"""Every entry lists its spellings in these."""
LANGUAGES = (*CORE_LANGUAGES, "pl", "cs", "sk", "es", "it", "pt", "ro")
"""Languages an entry may list spellings for."""


class GazetteerError(ValueError):
    """A gazetteer file that does not have the expected shape."""


@dataclass(frozen=True)
class Entry:
    """One name of the gazetteer and the spellings each language uses for it."""

    name: str
    category: str
    kind: str
    """"person" or "place": chooses the inflection paradigm."""
    gender: str = ""
    """"m", "f" or "" (places)."""
    spellings: tuple[tuple[str, str], ...] = ()
    """Pairs of (language, spelling)."""

    def spellings_in(self, lang: str) -> tuple[str, ...]:
        """The spellings listed for one language (one of ``LANGUAGES``)."""
        return tuple(s for lg, s in self.spellings if lg == lang)


class Gazetteer:
    """Known names, looked up by the folded skeleton of any of their spellings."""

    def __init__(self, entries: Iterable[Entry] = ()) -> None:
        self._entries = tuple(entries)
        index: dict[str, list[Entry]] = {}
        for entry in self._entries:
            for key in {fold.skeleton(s) for _, s in entry.spellings} | {fold.skeleton(entry.name)}:
                if key:
                    index.setdefault(key, []).append(entry)
        self._index = {k: tuple(dict.fromkeys(v)) for k, v in index.items()}

    @property
    def entries(self) -> tuple[Entry, ...]:
        return self._entries

    def lookup(self, spelling: str) -> tuple[Entry, ...]:
        """Entries one of whose spellings (or canonical name) folds like ``spelling``."""
        return self._index.get(fold.skeleton(spelling), ())

    def __len__(self) -> int:
        return len(self._entries)

    @classmethod
    def from_toml(cls, text: str, source: str = "gazetteer.toml") -> Gazetteer:
        """Parse gazetteer TOML (see tui/data/gazetteer.toml for the format)."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise GazetteerError(f"{source}: {exc}") from exc
        return cls.from_mapping(data, source)

    @classmethod
    def from_mapping(cls, data: Mapping[str, object], source: str = "gazetteer") -> Gazetteer:
        raw_entries = data.get("entries", [])
        if not isinstance(raw_entries, list):
            raise GazetteerError(f"{source}: entries must be an array of tables")
        return cls(_parse_entry(raw, f"{source}: entries[{i}]") for i, raw in enumerate(raw_entries))


def _parse_entry(raw: object, where: str) -> Entry:
    if not isinstance(raw, dict):
        raise GazetteerError(f"{where}: must be a table")
    unknown = set(raw) - {"name", "category", "kind", "gender", "note", *LANGUAGES}
    if unknown:
        raise GazetteerError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise GazetteerError(f"{where}: name must be a non-empty string")
    category = raw.get("category", "")
    kind = raw.get("kind", "")
    gender = raw.get("gender", "")
    if not isinstance(category, str):
        raise GazetteerError(f"{where} ({name}): category must be a string")
    if kind not in ("person", "place"):
        raise GazetteerError(f"{where} ({name}): kind must be \"person\" or \"place\"")
    if gender not in ("", "m", "f"):
        raise GazetteerError(f"{where} ({name}): gender must be \"m\" or \"f\"")
    spellings: list[tuple[str, str]] = []
    for lang in LANGUAGES:
        values = raw.get(lang, [])
        if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
            raise GazetteerError(f"{where} ({name}): {lang} must be a list of non-empty strings")
        spellings.extend((lang, v.strip()) for v in values)
    if not spellings:
        raise GazetteerError(f"{where} ({name}): no spellings")
    return Entry(name=name.strip(), category=category, kind=kind, gender=gender, spellings=tuple(spellings))


@cache
def load_gazetteer() -> Gazetteer:
    """The gazetteer shipped in the package (tui/data/gazetteer.toml), parsed once."""
    text = data_file("gazetteer.toml").read_text(encoding="utf-8")
    return Gazetteer.from_toml(text, "tui/data/gazetteer.toml")
