"""Between the Cyrillic and Latin scripts: which letters are which, and how the romanisation
systems in use (English, German, French, scholarly) write a Cyrillic name, and back.

A name the gazetteer does not know is expanded here into the spellings other outlets would
use (Ушаков -> Ushakov, Uschakow, Ouchakov, Ušakov), so the matcher can find them all.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

APOSTROPHES = "'\u2019\u02bc"
"""Apostrophes used in running text: ASCII, right single quotation mark, modifier letter."""

CYRILLIC_VOWELS = frozenset("аеёиіїоуыэюяє")
LATIN_VOWELS = frozenset("aeiouyéèêëïîöüäàâôû")


def is_cyrillic(ch: str) -> bool:
    """True for a letter of the Cyrillic blocks (U+0400-U+052F)."""
    return "\u0400" <= ch <= "\u052f"


_CYRILLIC = re.compile("[\u0400-\u052f]")


def has_cyrillic(text: str) -> bool:
    """True when the text contains any Cyrillic letter."""
    return _CYRILLIC.search(text) is not None


# --------------------------------------------------------------------------- Cyrillic -> Latin

LETTERS = {
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
    """Letters written differently from the English base table ``LETTERS``."""
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
    context: tuple[tuple[str, str], ...] = ()
    """(pattern, Latin) rewrites of the Cyrillic done before the letter table, in order, for
    letters written by their neighbours (Polish: л is ł except before a soft vowel; е is ie
    after a consonant, je at the start)."""


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
    # Polish and Czech (Slovak writes like Czech) spell Russian and Ukrainian names their own
    # way: Ławrow, Umierow, Jermak, Zełenski, Uszakow; Lavrov, Umerov, Jermak, Zelenskyj, Ušakov.
    "pl_ru": _System(
        "ru",
        {"в": "w", "ж": "ż", "ш": "sz", "щ": "szcz", "ч": "cz", "х": "ch", "ц": "c", "й": "j",
         "е": "ie", "ё": "io", "ю": "iu", "я": "ia", "л": "ł", "э": "e"},
        {"ий": ("i", "ij"), "ый": ("y", "yj"), "ой": ("oj",)},
        iota="je", iota_after_vowel=True,
        context=((r"л(?=[еёиюяь])", "l"), (r"(?<=[жшчщцl])е", "e"),
                 (r"(?:^|(?<=[аеёиоуыэюяьъ]))ё", "jo"), (r"(?:^|(?<=[аеёиоуыэюяьъ]))ю", "ju"),
                 (r"(?:^|(?<=[аеёиоуыэюяьъ]))я", "ja"),
                 (r"(?<=[жшц])и", "y")),
    ),
    "pl_uk": _System(
        "uk",
        {"в": "w", "г": "h", "ж": "ż", "ш": "sz", "щ": "szcz", "ч": "cz", "х": "ch", "ц": "c",
         "й": "j", "и": "y", "ї": "ji", "є": "ie", "ю": "iu", "я": "ia", "л": "ł"},
        {"ий": ("i", "yj"), "ій": ("ij",)},
        context=((r"(?:^|(?<=[аеиіоуєюяїь'’ʼ]))є", "je"), (r"(?:^|(?<=[аеиіоуєюяїь'’ʼ]))ю", "ju"),
                 (r"(?:^|(?<=[аеиіоуєюяїь'’ʼ]))я", "ja"), (r"л(?=[іїєюяь])", "l")),
    ),
    "cs_ru": _System(
        "ru",
        {"ж": "ž", "ш": "š", "щ": "šč", "ч": "č", "х": "ch", "ц": "c", "й": "j", "ю": "ju",
         "я": "ja", "ё": "jo", "э": "e"},
        {"ий": ("ij", "ý", "i"), "ый": ("yj", "ý"), "ой": ("oj",)},
        iota="je", iota_after_vowel=True,
    ),
    "cs_uk": _System(
        "uk",
        {"г": "h", "и": "y", "ж": "ž", "ш": "š", "щ": "šč", "ч": "č", "х": "ch", "ц": "c",
         "й": "j", "ю": "ju", "я": "ja", "є": "je", "ї": "ji"},
        {"ий": ("yj", "ý"), "ій": ("ij",)},
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
SYSTEM_LANGUAGES: dict[str, str] = {name: system.lang for name, system in _SYSTEMS.items()}
"""Names of the romanisation systems ``romanize`` knows: English, German, French, Polish, Czech
and scholarly (ISO 9-like), each for Russian and for Ukrainian."""
_TRANSLATE = {name: str.maketrans({**LETTERS, **system.letters}) for name, system in _SYSTEMS.items()}
_INNER_IOTATION = str.maketrans({"є": "ie", "ї": "i", "й": "i", "ю": "iu", "я": "ia"})
# The patterns below are strings, compiled at first use (re's own cache): only compiling a
# watchlist romanises names, and compiling them all at import cost every command ~4 ms.
_IOTA = r"(?:^|(?<=[ьъ]))е"
_IOTA_AFTER_VOWEL = r"(?:^|(?<=[ьъаеёиіїоуыэюяє]))е"
_INTERVOCALIC_S = r"(?<=[аеёиіїоуыэюяє])с(?=[аеёиіїоуыэюяє])"
_G_BEFORE_FRONT = r"г(?=[еиіыэє])"

_UKRAINIAN_MARKS = "[іїєґ'\u2019\u02bc]|[сцз]ьк"


@lru_cache(maxsize=8192)
def cyrillic_languages(word: str) -> frozenset[str]:
    """Which of Russian and Ukrainian a Cyrillic word can be, judged by its letters."""
    low = word.lower()
    uk = re.search(_UKRAINIAN_MARKS, low) is not None
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
        if word.endswith(ending) and len(word) > len(ending) + 2 and word[-3] not in CYRILLIC_VOWELS:
            stem, tails = word[: -len(ending)], written
            break
    else:
        if spec.final_in and word.endswith("ин") and len(word) > 4:
            stem, tails = word[:-2], spec.final_in
    # Context rules first, on the Cyrillic, through placeholder characters; then one translate.
    if spec.lang == "ru":
        stem = re.sub(_IOTA_AFTER_VOWEL if spec.iota_after_vowel else _IOTA, "\x01", stem)
    if spec.double_s:
        stem = re.sub(_INTERVOCALIC_S, "\x02", stem)
    if spec.gu:
        stem = re.sub(_G_BEFORE_FRONT, "\x03", stem)
    if spec.inner_iotation and len(stem) > 1:
        stem = stem[0] + stem[1:].translate(_INNER_IOTATION)
    for pattern, latin in spec.context:
        stem = _context_pattern(pattern).sub(latin, stem)
    head = stem.translate(_TRANSLATE[system])
    head = head.replace("\x01", spec.iota).replace("\x02", "ss").replace("\x03", "gu")
    return tuple(dict.fromkeys(head + tail for tail in tails))


@lru_cache(maxsize=64)
def _context_pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# --------------------------------------------------------------------------- Latin -> Cyrillic

_LAT_UNITS = (
    r"(?s)schtsch|shch|chtch|tsch|tch|sch|šč|zh|sh|kh|ch|ts|tz|ck|ph|th|gh|iou|"
    r"ya|yu|ye|yo|yi|ja|ju|je|jo|ji|ia|iu|ie|io|ou|."
)
# The final -y / -yi / -ij ... of an adjectival name (Medinsky, Syrskyi, Zaluzhny) is -ий / -ый.
_FINAL_ADJ = r"(?<=[kgh])(?:yy|yi|iy|ij|yj|yï|ii|y|i)$|(?<=[nl])(?:yy|yi|yj|yï|iy|y)$"


_READING_CUES = {
    "en": r"zh|kh|sh|yu|ya|ye|y$",
    "de": r"sch|w|j[aeiou]",
    "fr": r"ou|tch|ï|j(?![aeiou])|^j",
}
_UK_SOFT_K = r"([сцз])к(?=ий$|$)"


def _reading_of(word: str) -> tuple[str, ...]:
    """Guess which romanisation a Latin spelling follows, from its telltale letter groups."""
    score = {reading: len(re.findall(cues, word)) for reading, cues in _READING_CUES.items()}
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
    after_vowel = initial or prev in LATIN_VOWELS
    if unit == "ch":
        return ({"en": "ч", "de": "х", "fr": "ш"}[reading],)
    if unit == "ou":
        return ("у",) if reading == "fr" else ("оу",)
    if unit == "z":
        return ("ц",) if reading == "de" else ("з",)
    if unit == "s":
        if reading == "de" and after_vowel and nxt in LATIN_VOWELS:
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
    adj = re.search(_FINAL_ADJ, low)
    body = low[: adj.start()] if adj else low
    units = re.findall(_LAT_UNITS, body)
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
                    cyr = re.sub(_UK_SOFT_K, r"\1ьк", cyr)
                results.setdefault(cyr, None)
    return tuple(itertools.islice(results, _MAX_PARSES * 2))
