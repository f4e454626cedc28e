"""Compiled watchlists kept in the cache folder, so that a command does not compile them again.

Compiling a watchlist reads the gazetteer (~13 ms of TOML and folding) and inflects every
spelling; alert rules compile a matcher per term besides: every `wirewatch headlines` paid
~25 ms for that before its first answer. What a watchlist compiles to depends only on its
terms, their word families, the shipped gazetteer and exceptions, and the code of this
package, so it is kept (`FILE`) under a hash of all of these, and taken back while the hash is
the same. A missing, damaged or stale file, or a folder that cannot be written, only means
compiling again.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from tui import __version__, data_file
from tui.core.names.family import families_of
from tui.core.names.model import Term

if TYPE_CHECKING:   # the matcher loads when a watcher is first decoded or compiled
    from tui.core.names.watch import Watcher

FILE = "compiled_watchlists.json"
"""The file in the cache folder that keeps the watchers compiled for the config in use."""

FORMAT = 1
"""Bump when the file's layout changes."""


class CompiledWatchers:
    """The watchers of one cache folder: `watcher(terms)` takes a kept one or compiles it;
    `save()` writes those asked for since (only those: the file follows the config)."""

    def __init__(self, folder: Path | None) -> None:
        self._path = folder / FILE if folder is not None else None
        self._kept: dict[str, dict] | None = None       # the file's, read on first use
        self._used: dict[str, dict] = {}
        self._changed = False

    def watcher(self, terms: Iterable[Term]) -> Watcher:
        """The watcher of these terms, exactly as `Watcher(terms)` would compile it."""
        terms = tuple(terms)
        key = _key(terms)
        record = self._used.get(key) or self._read().get(key)
        if record is not None:
            try:
                found = _decode(terms, record)
            except (TypeError, ValueError, KeyError, IndexError, AttributeError):
                found = None                            # damaged: compiled again below
            if found is not None:
                self._used.setdefault(key, record)
                return found
        from tui.core.names.watch import Watcher

        built = Watcher(terms)
        self._used[key] = _encode(built)
        self._changed = True
        return built

    def save(self) -> None:
        """Keep what was compiled for the next run, if anything was (written whole, then
        renamed: a reader never sees half a file)."""
        if not self._changed or self._path is None:
            return
        self._changed = False
        partial = self._path.with_name(f".{FILE}.{os.getpid()}")
        try:
            partial.write_text(json.dumps({"format": FORMAT, "watchers": self._used},
                                          ensure_ascii=False, separators=(",", ":")),
                               encoding="utf-8")
            os.replace(partial, self._path)
        except OSError:
            partial.unlink(missing_ok=True)

    def _read(self) -> dict[str, dict]:
        if self._kept is None:
            self._kept = {}
            try:
                data = json.loads(self._path.read_text(encoding="utf-8")) if self._path else None
            except (OSError, ValueError):
                data = None
            if isinstance(data, dict) and data.get("format") == FORMAT \
                    and isinstance(data.get("watchers"), dict):
                self._kept = data["watchers"]
        return self._kept


@cache
def code_and_data() -> str:
    """A hash of what every compiled watcher depends on besides its terms: this package's
    code (inflection tables, folding, transliteration; watch.py's ENGINE_VERSION with it)
    and the shipped data it reads."""
    digest = hashlib.sha256(f"{FORMAT}:{__version__}".encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for name in ("gazetteer.toml", "exceptions.toml"):
        digest.update(name.encode() + b"\0" + data_file(name).read_bytes())
    return digest.hexdigest()


def _key(terms: tuple[Term, ...]) -> str:
    """The hash a watcher of `terms` is kept under (their word families included: those come
    from the dictionaries, remembered in the family memo)."""
    families = families_of(terms)
    payload = json.dumps([code_and_data(),
                          [[t.name, t.category, list(t.aliases), list(t.exceptions)] for t in terms],
                          sorted(families.items())], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _encode(watcher: Watcher) -> dict:
    heads, exceptions = watcher.compiled()
    return {
        "fingerprint": watcher.fingerprint,
        "heads": {stem: [[sorted(endings), cap, index, _rest_out(before), _rest_out(after)]
                         for endings, cap, index, before, after in stem_heads]
                  for stem, stem_heads in heads.items()},
        "exceptions": [None if found is None else [[p.text, p.initial] for p in found.phrases]
                       for found in exceptions],
    }


def _rest_out(rest: tuple) -> list:
    return [[[stem, sorted(endings), cap] for stem, endings, cap in word] for word in rest]


def _decode(terms: tuple[Term, ...], record: dict) -> Watcher:
    """The watcher `record` holds; ValueError, TypeError ... when it is not a sound one."""
    from tui.core.names.exceptions import Exceptions, Phrase
    from tui.core.names.inflect import shared_endings
    from tui.core.names.watch import Watcher

    exceptions = [None if phrases is None else Exceptions(Phrase(str(text), bool(initial))
                                                          for text, initial in phrases)
                  for phrases in record["exceptions"]]
    if len(exceptions) != len(terms):
        raise ValueError("not these terms' exceptions")
    heads = {}
    for stem, stem_heads in record["heads"].items():
        decoded = []
        for endings, cap, index, before, after in stem_heads:
            if not 0 <= index < len(terms):
                raise IndexError(index)
            # shared_endings turns the "any ending" mark back into ANY_ENDING.
            decoded.append((shared_endings(endings), bool(cap), index, _rest_in(before),
                            _rest_in(after)))
        heads[str(stem)] = tuple(decoded)
    fingerprint = record["fingerprint"]
    if not isinstance(fingerprint, str):
        raise TypeError("fingerprint")
    return Watcher.from_compiled(terms, heads, exceptions, fingerprint=fingerprint)


def _rest_in(rest: list) -> tuple:
    from tui.core.names.inflect import shared_endings

    return tuple(tuple((str(stem), shared_endings(endings), bool(cap)) for stem, endings, cap in word)
                 for word in rest)
