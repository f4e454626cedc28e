"""Exceptions: phrases that contain a watched name but are not about it.

"Crimean-Congo haemorrhagic fever" is a disease, "Poutine au fromage" a dish, "Путина на
Камчатке стартовала" the salmon run: each contains a spelling of a watched name, and none is
about the place or the person. Which phrases are such is knowledge, not rules, so it is data:
tui/data/exceptions.toml ships them per gazetteer name, and a user adds their own per term in
feeds.toml (`{ name = "Putin", not = ["путина на", "poutine"] }`).

A phrase is words as they are written, in any case; a word ending in `*` stands for every word
that starts with it (крымск* is крымская, крымской ...); hyphens and spaces between words are
interchangeable. A shipped phrase may be marked `initial`: it is an exception only at the start
of a headline or sentence, where a common word is capitalised like the name (Путина, the
fishing season, against "Путина на саммите не будет", Putin's genitive). A mention is dropped
when an exception phrase found in the text covers it.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from os.path import commonprefix

from tui import data_file
from tui.core.names.fold import ascii_fold

_GAP = r"[\s\-\u2010\u2011\u2013]+"
_OPENERS = " \t\xa0\"'«„“”‘’([-\u2013\u2014"
_SENTENCE_ENDS = ".!?…:;\n\x00|"
_APOSTROPHE = re.compile("['\u2019\u02bc]")
_ANY_APOSTROPHE = "['\u2019\u02bc]"
_WINDOW = 160
"""How far (in characters) around a mention its exception phrases are looked for."""


class ExceptionsError(ValueError):
    """A shipped exceptions file that does not have the expected shape."""


@dataclass(frozen=True)
class Phrase:
    text: str
    initial: bool = False
    """Only at the start of a headline or sentence."""


@lru_cache(maxsize=1024)
def phrase_pattern(phrase: str) -> str:
    """The regular expression (over lower-cased, NFC text) one phrase stands for."""
    words = unicodedata.normalize("NFC", phrase).lower().split()
    pieces = []
    for i, word in enumerate(words):
        star = word.endswith("*")
        parts = [p for p in re.split(r"[-\u2010\u2011\u2013]", word.rstrip("*")) if p]
        alternatives = []
        for part in parts:
            folded = ascii_fold(part).lower()
            pattern = re.escape(part) if folded == part else f"(?:{re.escape(part)}|{re.escape(folded)})"
            alternatives.append(_APOSTROPHE.sub(_ANY_APOSTROPHE, pattern))
        pieces.append(_GAP.join(alternatives) + (r"\w*" if star else "" if i < len(words) - 1 else r"(?!\w)"))
    return r"(?<!\w)" + _GAP.join(pieces)


@lru_cache(maxsize=1024)
def phrase_parts(phrase: str) -> tuple[frozenset[str], ...]:
    """Each word part of a phrase (between spaces and hyphens) as the strings a text must
    contain where the phrase matches: its longest piece between apostrophes, as written and
    as folded to ASCII (either will do)."""
    parts = []
    for word in unicodedata.normalize("NFC", phrase).lower().split():
        for part in re.split(r"[-\u2010\u2011\u2013]", word.rstrip("*")):
            if part:
                parts.append(frozenset(max(_APOSTROPHE.split(spelling), key=len)
                                       for spelling in {part, ascii_fold(part).lower()}))
    return tuple(parts)


def _anchors(phrases: Sequence[Phrase], mention: str) -> tuple[str, ...]:
    """Strings one of which the text around `mention` must contain for any phrase to cover
    it: of each phrase, its longest part that is not the mention's own word (any part is
    needed, so any choice is right; the name's own part is no test, "Congo" or "fromage"
    is). A substring test for these costs a fraction of the phrases' search, and most texts
    around a mention have none of them."""
    anchors: set[str] = set()
    for phrase in phrases:
        parts = phrase_parts(phrase.text)
        telling = [part for part in parts
                   if not any(_same_word(piece, mention) for piece in part)]
        if telling or parts:
            anchors |= max(telling or parts, key=lambda part: min(len(p) for p in part))
    return tuple(anchors)


def _same_word(piece: str, mention: str) -> bool:
    """Whether a phrase's piece is (a form of) the mentioned word: one holds the other, or
    they start alike (крымск* and крыма)."""
    return piece in mention or mention in piece or \
        len(commonprefix((piece, mention))) >= min(4, len(piece), len(mention))


class Exceptions:
    """The exception phrases of one term, compiled; ``covers`` is asked per mention."""

    def __init__(self, phrases: Iterable[Phrase]) -> None:
        phrases = sorted(set(p for p in phrases if p.text.strip()), key=lambda p: (p.initial, p.text))
        self.phrases = tuple(phrases)
        self._anchors: dict[str, tuple[str, ...]] = {}    # by mention text
        self._patterns: tuple[re.Pattern | None, re.Pattern | None] | None = None

    def _compiled(self) -> tuple[re.Pattern | None, re.Pattern | None]:
        """(anywhere, initial), compiled when first asked: a command that never matches
        (`wirewatch headlines`) does not pay for compiling every term's phrases."""
        if self._patterns is None:
            anywhere = [phrase_pattern(p.text) for p in self.phrases if not p.initial]
            initial = [phrase_pattern(p.text) for p in self.phrases if p.initial]
            self._patterns = (re.compile("|".join(anywhere)) if anywhere else None,
                              re.compile("|".join(initial)) if initial else None)
        return self._patterns

    def __bool__(self) -> bool:
        return bool(self.phrases)

    def covers(self, view: str, start: int, end: int) -> bool:
        """Whether a phrase found in ``view`` (the lower-cased text) covers ``view[start:end]``."""
        low, high = max(0, start - _WINDOW), min(len(view), end + _WINDOW)
        window = view[low:high]
        mention = view[start:end]
        anchors = self._anchors.get(mention)
        if anchors is None:
            if len(self._anchors) > 512:
                self._anchors.clear()
            anchors = self._anchors[mention] = _anchors(self.phrases, mention)
        if not any(anchor in window for anchor in anchors):
            return False
        return self.search_covers(view, start, end)

    def search_covers(self, view: str, start: int, end: int) -> bool:
        """``covers`` by searching the phrases alone (what the anchors only shortcut)."""
        low, high = max(0, start - _WINDOW), min(len(view), end + _WINDOW)
        anywhere, initial_only = self._compiled()
        for pattern, initial in ((anywhere, False), (initial_only, True)):
            if pattern is None:
                continue
            for found in pattern.finditer(view, low, high):
                if found.start() > start:
                    break
                if end <= found.end() and (not initial or _sentence_start(view, found.start())):
                    return True
        return False


def _sentence_start(view: str, i: int) -> bool:
    while i > 0 and view[i - 1] in _OPENERS:
        i -= 1
    return i == 0 or view[i - 1] in _SENTENCE_ENDS


# --------------------------------------------------------------------------- the shipped list


def parse_exceptions(data: Mapping[str, object], source: str = "exceptions") -> dict[str, tuple[Phrase, ...]]:
    """``[[exceptions]]`` tables (name, anywhere, initial) -> phrases by gazetteer name."""
    tables = data.get("exceptions", [])
    if not isinstance(tables, list):
        raise ExceptionsError(f"{source}: exceptions must be an array of tables")
    out: dict[str, list[Phrase]] = {}
    for i, table in enumerate(tables):
        where = f"{source}: exceptions[{i}]"
        if not isinstance(table, dict) or not isinstance(table.get("name"), str):
            raise ExceptionsError(f"{where}: must be a table with a name")
        unknown = set(table) - {"name", "anywhere", "initial", "note"}
        if unknown:
            raise ExceptionsError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        for key in ("anywhere", "initial"):
            values = table.get(key, [])
            if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
                raise ExceptionsError(f"{where} ({table['name']}): {key} must be a list of phrases")
            out.setdefault(table["name"], []).extend(Phrase(v.strip(), key == "initial") for v in values)
    return {name: tuple(phrases) for name, phrases in out.items()}


@cache
def load_exceptions() -> dict[str, tuple[Phrase, ...]]:
    """The shipped exceptions (tui/data/exceptions.toml) by gazetteer name, parsed once."""
    text = data_file("exceptions.toml").read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ExceptionsError(f"tui/data/exceptions.toml: {error}") from error
    return parse_exceptions(data, "tui/data/exceptions.toml")
