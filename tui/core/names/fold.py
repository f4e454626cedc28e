"""Spelling knowledge for watch terms: how one name is written across scripts, languages and cases.

The matcher (``watch.py``) must scan every stored item, so its hot path does no more than lower-case
the text and run one Aho-Corasick automaton over it. Everything else a spelling can vary in is
therefore moved to the *pattern* side, and lives here:

* ``search_view`` gives the text the matcher reads: lower-cased, NFC, and the same length as the
  input whenever possible, so that match offsets are offsets into the original text;
  ``scan_view`` the string its automaton runs over (word separators made spaces).
* ``skeleton`` folds a spelling to a key (case, diacritics, script, romanisation system) that
  decides when two spellings name the same thing, e.g. a user term and a gazetteer entry.
* ``romanize`` / ``cyrillicize`` (translit.py) and ``spelling_variants`` expand a name the gazetteer does not
  know into the spellings other systems would use: Ushakov, Uschakow, Ouchakov, Ушаков.
* ``inflect`` (inflect.py) turns one dictionary form into a stem plus the endings it may carry in text
  (Лавров -> Лаврову, Донецк -> Донецком, Witkoff -> Witkoffs), chosen by script, language,
  gender and kind, so that a name matches its case forms and nothing that merely starts like it;
  ``possessive_adjectives`` adds the adjectives made from a surname (путинский, трампівська).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from tui.core.names.inflect import WORD_GAP
from tui.core.names.translit import (
    APOSTROPHES,
    LETTERS,
    SYSTEM_LANGUAGES,
    SYSTEMS,
    cyrillic_languages,
    cyrillicize,
    has_cyrillic,
    is_cyrillic,
    romanize,
)

__all__ = ["WORD_SEPARATORS", "ascii_fold", "scan_view", "search_view", "skeleton",
           "spelling_variants", "surface_variants"]


# --------------------------------------------------------------------------- the text to scan


def plain_view(text: str) -> str | None:
    """``search_view``'s fast path: ``text.lower()`` when its offsets are the text's (NFC, and
    lower-cased to the same length), else None (the view needs maps)."""
    low = text.lower()
    if len(low) == len(text) and (text.isascii() or unicodedata.is_normalized("NFC", text)):
        return low
    return None


def search_view(text: str) -> tuple[str, list[int] | None, list[int] | None]:
    """Return ``(view, starts, ends)``: the lower-cased, NFC text the matcher scans.

    Nearly all text is NFC already and lower-cases to the same length, so the fast path returns
    ``text.lower()`` and no maps: view offsets are original offsets. Otherwise (decomposed
    accents, Turkish dotted I) the view is built cluster by cluster, and ``starts[i]`` /
    ``ends[i]`` give the span of the original text that view character ``i`` came from.
    """
    low = plain_view(text)
    if low is not None:
        return low, None, None
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        piece = unicodedata.normalize("NFC", text[i:j]).replace("\u0130", "I").lower()
        for ch in piece:
            chars.append(ch)
            starts.append(i)
            ends.append(j)
        i = j
    return "".join(chars), starts, ends


# Characters that stand right before a word in running text, besides a space: line breaks and
# other spaces, hyphens and dashes (Selenskyj-Berater, Witkoff–Dmitriev), quotes and apostrophes
# (French elision: d'Ouchakov), brackets, slash, hashtag and mention signs, and the full stop of
# an initial (В.Путин, as Russian media write). NUL separates the fields of one item scanned at
# once. Kept short on purpose: each one costs a pass over the text. Other punctuation (,;:!?)
# is followed by a space in normal writing and is not listed.
WORD_SEPARATORS = (
    "\x00\n\t\r\xa0\u2009\u202f"
    "-\u2010\u2011\u2013\u2014"
    "'\u2019\u2018\u201a\u02bc\"\u201c\u201d\u201e\u00ab\u00bb\u2039\u203a"
    "([{/#@*\u2026\u2022."
)


def scan_view(view: str) -> str:
    """The string the automaton runs over: ``" " + view`` with every word separator made a space.

    Keys are stored as " " + stem, so the automaton only enters its trie at the start of a word:
    matches inside words (Rasputin, Kriminalität) are never even reported, and the automaton
    sits at its root nearly all the time, where pyahocorasick is fastest (about twice as fast as
    with bare stems). A separator missing from ``WORD_SEPARATORS`` costs a missed match
    ("Trump,Putin" with no space), never a false one.
    """
    scan = " " + view
    for ch in WORD_SEPARATORS:
        if ch in scan:
            scan = scan.replace(ch, " ")
    return scan


# --------------------------------------------------------------------------- diacritics

_SPECIAL_LETTERS = str.maketrans(
    {
        "ß": "ss", "ẞ": "SS", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O",
        "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ı": "i", "þ": "th", "Þ": "Th",
    }
)


@lru_cache(maxsize=4096)
def ascii_fold(text: str) -> str:
    """Strip diacritics from Latin letters (Crimée -> Crimee, Erdoğan -> Erdogan).

    Cyrillic letters are left alone: й, ё and ї are letters of their own, not и, е, і with an
    accent.
    """
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch.isascii() or is_cyrillic(ch):
            out.append(ch)
        else:
            out.append("".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c)))
    return "".join(out).translate(_SPECIAL_LETTERS)


# --------------------------------------------------------------------------- identity key

_SKELETON_RULES = [
    (re.compile(r"schtsch|shch|chtch|szcz"), "S"),
    (re.compile(r"sz"), "S"),
    (re.compile(r"cz"), "C"),
    (re.compile(r"tsch|tch"), "C"),
    (re.compile(r"sch|sh|zh"), "S"),
    (re.compile(r"kh"), "X"),
    (re.compile(r"ch"), "C"),
    (re.compile(r"ts|tz"), "s"),
    (re.compile(r"ck"), "k"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"th"), "t"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"q"), "k"),
    (re.compile(r"w"), "v"),
    (re.compile(r"ou"), "u"),
    (re.compile(r"[yj]"), "i"),
    (re.compile(r"z"), "s"),
    (re.compile(r"h"), "g"),
    (re.compile(r"c(?=[ei])"), "s"),
    (re.compile(r"c"), "k"),
    (re.compile(r"(.)\1+"), r"\1"),
    (re.compile(r"ie"), "e"),
]


# Scholarly (and Czech, Slovak) transliteration marks hushing sounds with a caron, Polish ż
# with a dot: keep them apart from s, z, c.
_SCHOLARLY = str.maketrans({"š": "sh", "ž": "zh", "č": "ch", "ě": "e", "ż": "zh", "ř": "rz"})
_NOT_KEY = re.compile(r"[^a-z0-9 ]")


@lru_cache(maxsize=8192)
def skeleton(text: str) -> str:
    """Fold a spelling to a key shared by its common variants.

    Case, diacritics, Cyrillic script and the regular correspondences of English, German and
    scholarly romanisation (zh/sh/sch, kh, ts/tz/z, y/j/i, w/v, doubled letters, ie/e) fold
    away, so Zelensky, Zelenskyy, Selenskyj, Зеленский and Зеленський share one key. Used to
    decide identity (does a user term name a gazetteer entry?), never to scan text.
    """
    low = unicodedata.normalize("NFKC", text).casefold().translate(_SCHOLARLY)
    low = "".join(LETTERS.get(ch, ch) for ch in low)
    low = ascii_fold(low).lower()
    low = WORD_GAP.sub(" ", low).strip()
    low = _NOT_KEY.sub("", low)
    for pattern, replacement in _SKELETON_RULES:
        low = pattern.sub(replacement, low)
    return low


# --------------------------------------------------------------------------- spelling variants


_ROMANIAN_COMMA = str.maketrans("şţ", "șț")
_ROMANIAN_CEDILLA = str.maketrans("șț", "şţ")


@lru_cache(maxsize=4096)
def surface_variants(word: str) -> frozenset[str]:
    """The ways text may write one known spelling: as given, without accents, ё as е, any apostrophe.

    Lower-case; used for spellings that are listed explicitly (gazetteer entries, lower-case
    user words), which must not be expanded further.
    """
    low = unicodedata.normalize("NFC", word).lower()
    out = {low}
    if not low.isascii():
        out.add(ascii_fold(low).lower())
    out |= {v.replace("ё", "е") for v in out}
    # Romanian is written with comma-below ș ț and, by older keyboards, cedilla ş ţ.
    if any(ch in low for ch in "șțşţ"):
        out |= {v.translate(_ROMANIAN_COMMA) for v in out} | {v.translate(_ROMANIAN_CEDILLA) for v in out}
    for apostrophe in APOSTROPHES:
        if apostrophe in low:
            out |= {v.replace(a, b) for v in list(out) for a in APOSTROPHES for b in APOSTROPHES}
            break
    return frozenset(out)


@lru_cache(maxsize=2048)
def spelling_variants(word: str) -> frozenset[str]:
    """Spellings of a name the gazetteer does not know, across scripts and romanisations.

    A Latin word is read back into Cyrillic (``cyrillicize``); each Cyrillic form is written in
    every romanisation system (``romanize``). A Cyrillic word is romanised, and read back into
    the other of Russian and Ukrainian. Lower-case, with and without accents.
    """
    low = unicodedata.normalize("NFC", word).lower()
    if has_cyrillic(low):
        cyrillic = {low}
        for latin in romanize(low, "en_ru" if "ru" in cyrillic_languages(low) else "en_uk")[:1]:
            cyrillic.update(cyrillicize(latin)[:4])
    else:
        cyrillic = set(cyrillicize(low))
    out = set(surface_variants(low))
    for cyr in cyrillic:
        out |= surface_variants(cyr)
        for system in SYSTEMS:
            if SYSTEM_LANGUAGES[system] in cyrillic_languages(cyr):
                for latin in romanize(cyr, system):
                    out.add(latin)
                    out.add(ascii_fold(latin))
    return frozenset(v for v in out if v)
