"""Spelling knowledge for watch terms: how one name is written across scripts, languages and cases.

The matcher (``watch.py``) must scan every stored item, so its hot path does no more than lower-case
the text and run one Aho-Corasick automaton over it. Everything else a spelling can vary in is
therefore moved to the *pattern* side, and lives here:

* ``search_view`` gives the text the matcher reads: lower-cased, NFC, and the same length as the
  input whenever possible, so that match offsets are offsets into the original text;
  ``scan_view`` the string its automaton runs over (word separators made spaces).
* ``skeleton`` folds a spelling to a key (case, diacritics, script, romanisation system) that
  decides when two spellings name the same thing, e.g. a user term and a gazetteer entry.
* ``romanize`` / ``cyrillicize`` and ``spelling_variants`` expand a name the gazetteer does not
  know into the spellings other systems would use: Ushakov, Uschakow, Ouchakov, Ушаков.
* ``inflect`` turns one dictionary form into a stem plus the endings it may carry in text
  (Лавров -> Лаврову, Донецк -> Донецком, Witkoff -> Witkoffs), chosen by script, language,
  gender and kind, so that a name matches its case forms and nothing that merely starts like it;
  ``possessive_adjectives`` adds the adjectives made from a surname (путинский, трампівська).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "APOSTROPHES",
    "WORD_SEPARATORS",
    "ascii_fold",
    "cyrillic_languages",
    "cyrillicize",
    "has_cyrillic",
    "inflect",
    "is_capitalised",
    "is_cyrillic",
    "possessive_adjectives",
    "romanize",
    "scan_view",
    "search_view",
    "shared_endings",
    "skeleton",
    "spelling_variants",
    "split_words",
    "surface_variants",
]

APOSTROPHES = "'\u2019\u02bc"
"""Apostrophes used in running text: ASCII, right single quotation mark, modifier letter."""

_CYR_VOWELS = frozenset("аеёиіїоуыэюяє")
_LAT_VOWELS = frozenset("aeiouyéèêëïîöüäàâôû")


def is_cyrillic(ch: str) -> bool:
    """True for a letter of the Cyrillic blocks (U+0400-U+052F)."""
    return "\u0400" <= ch <= "\u052f"


_CYRILLIC = re.compile("[\u0400-\u052f]")


def has_cyrillic(text: str) -> bool:
    """True when the text contains any Cyrillic letter."""
    return _CYRILLIC.search(text) is not None


# --------------------------------------------------------------------------- the text to scan


def search_view(text: str) -> tuple[str, list[int] | None, list[int] | None]:
    """Return ``(view, starts, ends)``: the lower-cased, NFC text the matcher scans.

    Nearly all text is NFC already and lower-cases to the same length, so the fast path returns
    ``text.lower()`` and no maps: view offsets are original offsets. Otherwise (decomposed
    accents, Turkish dotted I) the view is built cluster by cluster, and ``starts[i]`` /
    ``ends[i]`` give the span of the original text that view character ``i`` came from.
    """
    low = text.lower()
    if len(low) == len(text) and (text.isascii() or unicodedata.is_normalized("NFC", text)):
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


# --------------------------------------------------------------------------- Cyrillic -> Latin

_BASE = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "yo", "є": "ye",
    "ж": "zh", "з": "z", "и": "i", "і": "i", "ї": "yi", "й": "y", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh",
    "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e",
    "ю": "yu", "я": "ya", "'": "", "\u2019": "", "\u02bc": "",
}

@dataclass(frozen=True)
class _System:
    """How one romanisation system writes Russian or Ukrainian."""

    lang: str
    """"ru" or "uk": the language whose Cyrillic it writes."""
    letters: Mapping[str, str]
    """Letters written differently from the English base table ``_BASE``."""
    adjective: Mapping[str, tuple[str, ...]]
    """Ways to write a final -ий / -ый / -ой / -ій (Зеленский, Сирський), most usual first."""
    iota: str = "e"
    """How Russian е is written at the start of a word and after ь / ъ (Yermak, Zaporozhye)."""
    iota_after_vowel: bool = False
    """Also after a vowel (German: Dmitrijew)."""
    double_s: bool = False
    """с between vowels is written ss, so that it is not read as z (Gerassimow, Guerassimov)."""
    gu: bool = False
    """г before a front vowel is written gu (French: Guerassimov)."""
    final_in: tuple[str, ...] = ()
    """Ways to write a final -ин (French: Poutine)."""
    inner_iotation: bool = False
    """Iotated letters inside a word as ie, i, iu, ia (Ukrainian national system: Zaporizhzhia)."""


_SYSTEMS: dict[str, _System] = {
    "en_ru": _System(
        "ru", {}, {"ий": ("iy", "y", "i"), "ый": ("y", "iy"), "ой": ("oy", "oi")}, iota="ye"
    ),
    "en_uk": _System(
        "uk", {"г": "h", "и": "y"}, {"ий": ("yi", "y", "yy", "iy"), "ій": ("ii", "iy", "i")}, inner_iotation=True
    ),
    "de_ru": _System(
        "ru",
        {"в": "w", "ж": "sch", "з": "s", "й": "j", "х": "ch", "ц": "z", "ч": "tsch", "ш": "sch",
         "щ": "schtsch", "ю": "ju", "я": "ja", "ё": "jo"},
        {"ий": ("ij", "i"), "ый": ("yj", "y"), "ой": ("oj",)},
        iota="je", iota_after_vowel=True, double_s=True,
    ),
    "de_uk": _System(
        "uk",
        {"в": "w", "г": "h", "ж": "sch", "з": "s", "и": "y", "й": "j", "х": "ch", "ц": "z",
         "ч": "tsch", "ш": "sch", "щ": "schtsch", "ю": "ju", "я": "ja", "є": "je", "ї": "ji"},
        {"ий": ("yj", "yi"), "ій": ("ij",)},
        double_s=True,
    ),
    "fr_ru": _System(
        "ru",
        {"ж": "j", "у": "ou", "ш": "ch", "щ": "chtch", "ч": "tch", "ю": "iou", "я": "ia",
         "ё": "io", "й": "ï"},
        {"ий": ("i", "y"), "ый": ("y", "yi"), "ой": ("oï", "oi")},
        iota="ie", double_s=True, gu=True, final_in=("ine", "in"),
    ),
    "fr_uk": _System(
        "uk",
        {"г": "h", "и": "y", "ж": "j", "у": "ou", "ш": "ch", "щ": "chtch", "ч": "tch",
         "ю": "iou", "я": "ia", "є": "ie", "ї": "ï", "й": "ï"},
        {"ий": ("y", "yï", "i"), "ій": ("iï", "ii")},
        double_s=True,
    ),
    "iso_ru": _System(
        "ru",
        {"ж": "ž", "ш": "š", "щ": "šč", "ч": "č", "х": "ch", "ц": "c", "й": "j", "ю": "ju",
         "я": "ja", "ё": "ë", "э": "è"},
        {"ий": ("ij",), "ый": ("yj",), "ой": ("oj",)},
    ),
    "iso_uk": _System(
        "uk",
        {"г": "h", "и": "y", "ж": "ž", "ш": "š", "щ": "šč", "ч": "č", "х": "ch", "ц": "c",
         "й": "j", "ю": "ju", "я": "ja", "є": "je", "ї": "ji"},
        {"ий": ("yj",), "ій": ("ij",)},
    ),
}
SYSTEMS: tuple[str, ...] = tuple(_SYSTEMS)
"""Names of the romanisation systems ``romanize`` knows: English, German, French and scholarly
(ISO 9-like), each for Russian and for Ukrainian."""
_TRANSLATE = {name: str.maketrans({**_BASE, **system.letters}) for name, system in _SYSTEMS.items()}
_INNER_IOTATION = str.maketrans({"є": "ie", "ї": "i", "й": "i", "ю": "iu", "я": "ia"})
_IOTA = re.compile(r"(?:^|(?<=[ьъ]))е")
_IOTA_AFTER_VOWEL = re.compile(r"(?:^|(?<=[ьъаеёиіїоуыэюяє]))е")
_INTERVOCALIC_S = re.compile(r"(?<=[аеёиіїоуыэюяє])с(?=[аеёиіїоуыэюяє])")
_G_BEFORE_FRONT = re.compile(r"г(?=[еиіыэє])")

_UKRAINIAN_MARKS = re.compile("[іїєґ'\u2019\u02bc]|[сцз]ьк")


@lru_cache(maxsize=8192)
def cyrillic_languages(word: str) -> frozenset[str]:
    """Which of Russian and Ukrainian a Cyrillic word can be, judged by its letters."""
    low = word.lower()
    uk = _UKRAINIAN_MARKS.search(low) is not None
    ru = any(ch in "ыэёъ" for ch in low)
    if uk and not ru:
        return frozenset({"uk"})
    if ru and not uk:
        return frozenset({"ru"})
    return frozenset({"ru", "uk"})


def romanize(word: str, system: str) -> tuple[str, ...]:
    """Write a lower-case Cyrillic word in one romanisation system; alternatives for its ending.

    >>> romanize("зеленський", "de_uk")
    ('selenskyj', 'selenskyi')
    """
    spec = _SYSTEMS[system]
    tails: tuple[str, ...] = ("",)
    stem = word
    for ending, written in spec.adjective.items():
        if word.endswith(ending) and len(word) > len(ending) + 2 and word[-3] not in _CYR_VOWELS:
            stem, tails = word[: -len(ending)], written
            break
    else:
        if spec.final_in and word.endswith("ин") and len(word) > 4:
            stem, tails = word[:-2], spec.final_in
    # Context rules first, on the Cyrillic, through placeholder characters; then one translate.
    if spec.lang == "ru":
        stem = (_IOTA_AFTER_VOWEL if spec.iota_after_vowel else _IOTA).sub("\x01", stem)
    if spec.double_s:
        stem = _INTERVOCALIC_S.sub("\x02", stem)
    if spec.gu:
        stem = _G_BEFORE_FRONT.sub("\x03", stem)
    if spec.inner_iotation and len(stem) > 1:
        stem = stem[0] + stem[1:].translate(_INNER_IOTATION)
    head = stem.translate(_TRANSLATE[system])
    head = head.replace("\x01", spec.iota).replace("\x02", "ss").replace("\x03", "gu")
    return tuple(dict.fromkeys(head + tail for tail in tails))


# --------------------------------------------------------------------------- Latin -> Cyrillic

_LAT_UNITS = re.compile(
    r"schtsch|shch|chtch|tsch|tch|sch|šč|zh|sh|kh|ch|ts|tz|ck|ph|th|gh|iou|"
    r"ya|yu|ye|yo|yi|ja|ju|je|jo|ji|ia|iu|ie|io|ou|.",
    re.S,
)
# The final -y / -yi / -ij ... of an adjectival name (Medinsky, Syrskyi, Zaluzhny) is -ий / -ый.
_FINAL_ADJ = re.compile(r"(?<=[kgh])(?:yy|yi|iy|ij|yj|yï|ii|y|i)$|(?<=[nl])(?:yy|yi|yj|yï|iy|y)$")


_READING_CUES = {
    "en": re.compile(r"zh|kh|sh|yu|ya|ye|y$"),
    "de": re.compile(r"sch|w|j[aeiou]"),
    "fr": re.compile(r"ou|tch|ï|j(?![aeiou])|^j"),
}
_UK_SOFT_K = re.compile(r"([сцз])к(?=ий$|$)")


def _reading_of(word: str) -> tuple[str, ...]:
    """Guess which romanisation a Latin spelling follows, from its telltale letter groups."""
    score = {reading: len(cues.findall(word)) for reading, cues in _READING_CUES.items()}
    best = max(score.values())
    return tuple(k for k, v in score.items() if v == best) if best else ("en", "de", "fr")


# Latin letter groups that read the same in every romanisation.
_FIXED_UNITS = {
    "schtsch": "щ", "shch": "щ", "chtch": "щ", "šč": "щ", "tsch": "ч", "tch": "ч",
    "sch": "ш", "zh": "ж", "sh": "ш", "kh": "х", "ts": "ц", "tz": "ц", "ck": "к",
    "ph": "ф", "th": "т", "gh": "г", "ž": "ж", "š": "ш", "č": "ч", "x": "кс", "q": "к",
    "w": "в", "v": "в", "b": "б", "d": "д", "f": "ф", "k": "к", "l": "л", "m": "м",
    "n": "н", "p": "п", "r": "р", "t": "т", "a": "а", "o": "о", "u": "у", "é": "е",
    "è": "е", "ê": "е", "ë": "ё", "ö": "ё", "ü": "ю", "ä": "я", "iou": "ю", "'": "ь",
    "\u2019": "ь", "\u02bc": "ь",
}


def _unit_options(unit: str, prev: str, nxt: str, initial: bool, reading: str, style: str) -> tuple[str, ...]:
    """Cyrillic renderings of one Latin letter group, in one reading and target language."""
    uk = style == "uk"
    after_vowel = initial or prev in _LAT_VOWELS
    if unit == "ch":
        return ({"en": "ч", "de": "х", "fr": "ш"}[reading],)
    if unit == "ou":
        return ("у",) if reading == "fr" else ("оу",)
    if unit == "z":
        return ("ц",) if reading == "de" else ("з",)
    if unit == "s":
        if reading == "de" and after_vowel and nxt in _LAT_VOWELS:
            return ("з",)
        return ("с",)
    if unit == "j":
        return ("ж",) if reading == "fr" else ("дж",) if reading == "en" else ("й",)
    if unit in ("ja", "ju", "je", "jo", "ji") and reading == "fr":
        return ("ж" + _unit_options(unit[1], "j", nxt, False, reading, style)[0],)
    if unit in ("ja", "ju", "je", "jo", "ji") and reading == "en":
        return ("дж" + _unit_options(unit[1], "j", nxt, False, reading, style)[0],)
    if unit in _FIXED_UNITS:
        return (_FIXED_UNITS[unit],)
    if unit in ("ya", "ja"):
        return ("я",)
    if unit in ("yu", "ju"):
        return ("ю",)
    if unit == "ia":
        if after_vowel:
            return ("я",)
        return ("я", "ія") if uk else ("ия", "я")
    if unit == "iu":
        if after_vowel:
            return ("ю",)
        return ("ю", "іу") if uk else ("иу", "ю")
    if unit in ("ye", "je", "ie"):
        if after_vowel:
            return ("є",) if uk else ("е",)
        if unit == "ie":
            return ("іє",) if uk else ("ие",)
        return ("є",) if uk else ("ье",)
    if unit in ("yo", "jo"):
        return ("йо",) if uk else ("ё",)
    if unit == "io":
        return ("іо",) if uk else ("ио", "ё")
    if unit in ("yi", "ji"):
        return ("ї",) if after_vowel or not uk else ("иї",)
    if unit == "y":
        if after_vowel:
            return ("й",)
        return ("и",) if uk else ("ы", "и")
    if unit in ("i", "î"):
        if prev in "aeouy" and not initial:
            return ("ї",) if uk else ("й",)
        return ("і",) if uk else ("и",)
    if unit == "ï":
        return ("ї",) if uk else ("й",)
    if unit == "e":
        return ("е",)
    if unit == "h":
        return ("г", "х")
    if unit == "g":
        return ("г",)
    if unit == "c":
        return ("с",) if nxt in "eiy" and reading != "de" else ("ц",) if nxt in "eiy" else ("к",)
    return (unit,)


_MAX_PARSES = 8


@lru_cache(maxsize=2048)
def cyrillicize(word: str) -> tuple[str, ...]:
    """Plausible Russian and Ukrainian Cyrillic spellings of a Latin word (Ushakov -> ушаков).

    The reading (English, German or French romanisation) is guessed from the word's letter
    groups; each reading and target language gives one parse, plus a few alternatives where
    the romanisation is ambiguous (ia: я or ия; h: г or х): at most ``_MAX_PARSES`` per reading
    and language, twice that in all.
    """
    low = word.lower()
    adj = _FINAL_ADJ.search(low)
    body = low[: adj.start()] if adj else low
    units = _LAT_UNITS.findall(body)
    results: dict[str, None] = {}
    for reading in _reading_of(low):
        for style in ("ru", "uk"):
            options = []
            for i, unit in enumerate(units):
                prev = units[i - 1][-1] if i else ""
                nxt = units[i + 1][0] if i + 1 < len(units) else ""
                options.append(_unit_options(unit, prev, nxt, i == 0, reading, style))
            if adj:
                soft = low[adj.start() - 1] in "kgh"
                options.append(("ий",) if style == "uk" or soft else ("ый", "ий"))
            for combo in itertools.islice(itertools.product(*options), _MAX_PARSES):
                cyr = "".join(combo)
                if style == "uk":
                    cyr = _UK_SOFT_K.sub(r"\1ьк", cyr)
                results.setdefault(cyr, None)
    return tuple(itertools.islice(results, _MAX_PARSES * 2))


# --------------------------------------------------------------------------- identity key

_SKELETON_RULES = [
    (re.compile(r"schtsch|shch|chtch"), "S"),
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


_WORD_GAP = re.compile(r"[\s\-\u2010\u2011]+")
# Scholarly transliteration marks hushing sounds with a caron: keep them apart from s, z, c.
_SCHOLARLY = str.maketrans({"š": "sh", "ž": "zh", "č": "ch", "ě": "e"})
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
    low = "".join(_BASE.get(ch, ch) for ch in low)
    low = ascii_fold(low).lower()
    low = _WORD_GAP.sub(" ", low).strip()
    low = _NOT_KEY.sub("", low)
    for pattern, replacement in _SKELETON_RULES:
        low = pattern.sub(replacement, low)
    return low


# --------------------------------------------------------------------------- spelling variants


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
            if _SYSTEMS[system].lang in cyrillic_languages(cyr):
                for latin in romanize(cyr, system):
                    out.add(latin)
                    out.add(ascii_fold(latin))
    return frozenset(v for v in out if v)


# --------------------------------------------------------------------------- inflection

# Russian (RU_) and Ukrainian (UK_) endings. Masculine, feminine and neuter sets are kept apart
# because a man's surname must not match his wife's: Зеленського is Zelensky, Зеленська is not.
_RU_ADJ_M = ("ий", "ый", "ого", "ому", "им", "ым", "ом", "ие", "ые", "их", "ых", "ими", "ыми")
_RU_ADJ_F = ("ая", "ой", "ую", "ою")
_RU_ADJ_N = ("ое",)
_UK_ADJ_M = ("ий", "ого", "ому", "им", "ім", "і", "их", "ими")
_UK_ADJ_F = ("а", "ої", "ій", "у", "ою")
_UK_ADJ_N = ("е",)
_RU_SURNAME_M = ("", "а", "у", "ым", "е", "ы", "ых", "ыми")           # Лавров, Путин
_UK_SURNAME_M = ("", "а", "у", "ові", "им", "і", "и", "их", "ими")    # Лавров, Путін
_RU_SURNAME_F = ("а", "ой", "у")                                       # Захарова
_UK_SURNAME_F = ("а", "ої", "ій", "у", "ою")
_RU_NOUN_M = ("", "а", "у", "ом", "ем", "е", "ы", "и", "ов", "ам", "ами", "ах")   # Трамп
_UK_NOUN_M = ("", "а", "у", "ові", "еві", "ом", "ем", "і", "и", "ів", "ам", "ами", "ах")
_RU_PLACE = ("", "а", "у", "ом", "е")                                  # Крым, Донецк
_UK_PLACE = ("", "а", "у", "ові", "ом", "і")                           # Крим, Донецьк
_RU_A = ("а", "ы", "и", "е", "у", "ой", "ою", "ей", "ею")              # Одесса, Сибига
_UK_A = ("а", "и", "і", "у", "ою", "ею")
_RU_YA = ("я", "и", "е", "ю", "ей", "ею", "ям", "ях")                  # Россия, Небензя
_UK_YA = ("я", "и", "і", "ї", "ю", "ею", "єю", "ям", "ях")             # Запоріжжя
_RU_SOFT = ("ь", "я", "ю", "ем", "ём", "е", "и")                       # Мариуполь
_UK_SOFT = ("ь", "я", "ю", "ем", "і")
_RU_J = ("й", "я", "ю", "ем", "е", "и")                                # Дмитрий
_UK_J = ("й", "я", "ю", "єм", "ї", "і", "єві")                         # Андрій
_RU_E = ("е", "я", "ю", "ем", "и")                                     # Запорожье
_UK_E = ("е", "я", "ю", "ем", "і")                                     # Гуляйполе
_RU_O = ("о", "а", "у", "ом", "е")                                     # Днепро
_UK_O = ("о", "а", "у", "ові", "ом", "і")                              # Дніпро, Шевченко
_RU_PLURAL = ("ы", "", "ам", "ами", "ах")                              # Сумы
_UK_PLURAL = ("и", "", "ам", "ами", "ах")                              # Суми

_LATIN_BASE = ("", "s")
# German writes some place names into closed compounds (Krimbrücke, Krimkrieg) and forms
# adjectives in -er (Kiewer, Donezker). Listing the heads keeps Krimi and Kriminalität out.
_GERMAN_HEADS = (
    "brücke", "bruecke", "krieg", "kriegs", "tataren", "tatarin", "halbinsel", "annexion",
    "region", "gebiet", "frage", "konflikt", "front",
)
_LATIN_PLACE = _LATIN_BASE + ("er",) + _GERMAN_HEADS
_GERMAN_ADJ = ("e", "en", "er", "es", "em")

_SURNAME_M = re.compile(r"(ов|ев|ёв|єв|ин|ын|ін|їн)$")
_SURNAME_F = re.compile(r"(ова|ева|ёва|єва|ина|ына|іна|їна)$")
_MIN_STEM = 3

Paradigm = tuple[tuple[str, frozenset[str]], ...]
"""Pairs of (stem, endings): a text word matches when it is a stem followed by one of its endings."""

_SHARED_ENDINGS: dict[frozenset[str], frozenset[str]] = {}


def shared_endings(endings: Iterable[str]) -> frozenset[str]:
    """One frozenset object per distinct set of endings: thousands of stems share a few dozen."""
    key = frozenset(endings)
    return _SHARED_ENDINGS.setdefault(key, key)


def _pick(langs: frozenset[str], ru: tuple[str, ...], uk: tuple[str, ...]) -> set[str]:
    out: set[str] = set()
    if "ru" in langs:
        out.update(ru)
    if "uk" in langs:
        out.update(uk)
    return out


def _cyrillic_paradigm(low: str, langs: frozenset[str], kind: str, gender: str) -> list[tuple[str, set[str]]]:
    person = kind in ("person", "")
    place = kind in ("place", "")
    male = person and gender in ("m", "")
    female = person and gender in ("f", "")
    last = low[-1]
    forms: list[tuple[str, set[str]]] = []

    adjective = low.endswith(("ый", "ой")) or (
        low.endswith("ий") and ("uk" in langs or low[-3:-2] in "кгхжшчщ")
    )
    if adjective and len(low) > _MIN_STEM + 1:
        endings: set[str] = set()
        if male:
            endings |= _pick(langs, _RU_ADJ_M + (low[-2:],), _UK_ADJ_M)
        if female:
            endings |= _pick(langs, _RU_ADJ_F, _UK_ADJ_F)
        if place:
            endings |= _pick(langs, _RU_ADJ_M + _RU_ADJ_F + _RU_ADJ_N + (low[-2:],), _UK_ADJ_M + _UK_ADJ_F + _UK_ADJ_N)
        forms.append((low[:-2], endings))
        if low.endswith("ий") and "ru" in langs and low[-3:-2] not in "кгхжшчщ":
            forms.append((low[:-1], _pick(langs, _RU_J, _UK_J)))
        return forms
    if last == "й":
        return [(low[:-1], _pick(langs, _RU_J, _UK_J))]
    if last not in _CYR_VOWELS and last != "ь":
        endings = set()
        if male:
            if _SURNAME_M.search(low):
                endings |= _pick(langs, _RU_SURNAME_M, _UK_SURNAME_M)
            else:
                endings |= _pick(langs, _RU_NOUN_M, _UK_NOUN_M)
        if female:
            endings.add("")
        if place:
            endings |= _pick(langs, _RU_PLACE, _UK_PLACE)
        return [(low, endings)]
    stem = low[:-1]
    if last == "ь":
        return [(stem, _pick(langs, _RU_SOFT, _UK_SOFT))]
    if last == "а":
        endings = set()
        if _SURNAME_F.search(low) and (female or kind == ""):
            endings |= _pick(langs, _RU_SURNAME_F, _UK_SURNAME_F)
        if not (_SURNAME_F.search(low) and gender == "f"):
            endings |= _pick(langs, _RU_A, _UK_A)
        return [(stem, endings)]
    if last == "я":
        return [(stem, _pick(langs, _RU_YA, _UK_YA))]
    if last in "её":
        return [(stem, _pick(langs, _RU_E, _UK_E))]
    if last == "о":
        endings = {"о"}
        if male or place:
            endings |= _pick(langs, ("о",) if kind == "person" else _RU_O, _UK_O)
        return [(stem, endings)]
    if last in "иы" and place:
        return [(stem, _pick(langs, _RU_PLURAL, _UK_PLURAL) | {last})]
    return [(low, {""})]


def inflect(word: str, *, kind: str = "", gender: str = "", lang: str = "") -> Paradigm:
    """Split one word of a spelling into stems and the endings it may take in running text.

    ``kind`` is "person", "place" or "" (unknown: allow every paradigm); ``gender`` is "m",
    "f" or ""; ``lang`` is the language the spelling is written in, when known ("de" gives a
    lower-case German adjective its endings, "ru"/"uk" fix a Cyrillic paradigm). Acronyms and
    stems shorter than three letters are not inflected.

    >>> dict(inflect("Лавров", kind="person", gender="m", lang="ru"))["лавров"] >= {"", "у", "ым"}
    True
    """
    low = unicodedata.normalize("NFC", word).lower()
    acronym = len(word) > 1 and word.isupper()
    if acronym or not low:
        return ((low, frozenset({""})),)
    if has_cyrillic(low):
        langs = frozenset({lang}) if lang in ("ru", "uk") else cyrillic_languages(low)
        forms = _cyrillic_paradigm(low, langs, kind, gender)
    elif word[:1].islower():
        forms = [(low, set(_LATIN_BASE + (_GERMAN_ADJ if lang == "de" else ())))]
    else:
        forms = [(low, set(_LATIN_PLACE if kind == "place" else _LATIN_BASE))]
    out: dict[str, set[str]] = {}
    for stem, endings in forms:
        if len(stem) < _MIN_STEM:
            stem, endings = low, {""}
        out.setdefault(stem, set()).update(endings)
    return tuple((stem, shared_endings(endings)) for stem, endings in out.items())


def possessive_adjectives(word: str, *, kind: str = "", gender: str = "", lang: str = "") -> Paradigm:
    """Adjectives Russian and Ukrainian derive from a man's surname: путинский, трамповская, путінський.

    They are written in lower case, so the matcher lets them match in any case; the case rule
    protects a name from common words, and these words exist only because of the name.
    Only for Cyrillic surnames ending in a consonant, of men or of unknown kind and gender.
    """
    low = unicodedata.normalize("NFC", word).lower()
    if kind == "place" or gender == "f" or not has_cyrillic(low) or word.isupper() or len(low) < 4:
        return ()
    if low[-1] in _CYR_VOWELS or low[-1] in "йь":
        return ()
    langs = frozenset({lang}) if lang in ("ru", "uk") else cyrillic_languages(low)
    endings = shared_endings(_pick(langs, _RU_ADJ_M + _RU_ADJ_F + _RU_ADJ_N, _UK_ADJ_M + _UK_ADJ_F + _UK_ADJ_N))
    stems = []
    if _SURNAME_M.search(low):  # Путин -> путинск-, Лавров -> лавровск-
        stems += [low + "ск"] if "ru" in langs else []
        stems += [low + "ськ"] if "uk" in langs else []
    else:  # Трамп -> трамповск- / трампівськ-
        stems += [low + "овск"] if "ru" in langs else []
        stems += [low + "івськ"] if "uk" in langs else []
    return tuple((stem, endings) for stem in stems)


def split_words(spelling: str) -> list[str]:
    """The words of a spelling: split on spaces and hyphens (Rostov-on-Don, Абу-Даби)."""
    return [w for w in _WORD_GAP.split(spelling.strip()) if w]


def is_capitalised(word: str) -> bool:
    """A word whose first letter is upper case: it only matches capitalised words in text."""
    for ch in word:
        if ch.isalpha():
            return ch.isupper()
    return False
