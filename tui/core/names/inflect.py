"""Inflection: one dictionary form -> a stem and the endings it may carry in running text.

Chosen by script, language, gender and kind (Лавров -> Лаврову, Донецк -> Донецком,
Witkoff -> Witkoffs, Selenskyj-Berater), so that a name matches its case forms and nothing
that merely starts like it (Lavra is not Lavrov, Krimi is not Krim).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from tui.core.names.languages import (
    DERIVED,
    GERMAN_PERSON_HEADS,
    GERMAN_PLACE_HEADS,
    adjective_endings,
    derived_suffixes,
    latin_cases,
)
from tui.core.names.translit import CYRILLIC_VOWELS, cyrillic_languages, has_cyrillic

WORD_GAP = re.compile(r"[\s\-\u2010\u2011]+")   # between the words of a multi-word name

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
# Ukrainian masculine nouns and surnames have a vocative in -е: Путіне, Трампе, пане Лаврове.
_UK_SURNAME_M = ("", "а", "у", "ові", "им", "і", "и", "их", "ими", "е")    # Лавров, Путін
_RU_SURNAME_F = ("а", "ой", "у")                                       # Захарова
_UK_SURNAME_F = ("а", "ої", "ій", "у", "ою")
_RU_NOUN_M = ("", "а", "у", "ом", "ем", "е", "ы", "и", "ов", "ам", "ами", "ах")   # Трамп
_UK_NOUN_M = ("", "а", "у", "ові", "еві", "ом", "ем", "і", "и", "ів", "ам", "ами", "ах", "е")
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
# adjectives in -er (Kiewer, Donezker); people's names too (Putinversteher). Listing the heads
# (languages.py) keeps Krimi, Kriminalität and Trumpf out.
_LATIN_PLACE = _LATIN_BASE + ("er",) + GERMAN_PLACE_HEADS
_LATIN_PERSON_DE = _LATIN_BASE + GERMAN_PERSON_HEADS

_SURNAME_M = re.compile(r"(ов|ев|ёв|єв|ин|ын|ін|їн)$")
_SURNAME_F = re.compile(r"(ова|ева|ёва|єва|ина|ына|іна|їна)$")
_MIN_STEM = 3

Paradigm = tuple[tuple[str, frozenset[str]], ...]
"""Pairs of (stem, endings): a text word matches when it is a stem followed by one of its endings."""

_SHARED_ENDINGS: dict[frozenset[str], frozenset[str]] = {}

ANY_MARK = "\x00*"
"""Stands in a set of endings for "any ending": no word ending contains a NUL."""


class _AnyEnding(frozenset):
    """The endings of a prefix (the last word of a term ending in ``*``): every ending is one."""

    def __contains__(self, item: object) -> bool:
        return True


ANY_ENDING: frozenset[str] = _AnyEnding({ANY_MARK})


def shared_endings(endings: Iterable[str]) -> frozenset[str]:
    """One frozenset object per distinct set of endings: thousands of stems share a few dozen.
    A set holding ``ANY_MARK`` (merged from ``ANY_ENDING``) is ``ANY_ENDING``."""
    key = frozenset(endings)
    if ANY_MARK in key:
        return ANY_ENDING
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
    if last not in CYRILLIC_VOWELS and last != "ь":
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
    lower-case German adjective its endings, "pl" a Polish name its cases, "ru"/"uk" fix a
    Cyrillic paradigm; "*" is any language: a name the gazetteer does not know). Acronyms and
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
        forms = [(low, set(_LATIN_BASE))]
        adjective = adjective_endings(low, lang)
        if adjective is not None:
            forms.append((adjective[0], set(adjective[1])))
    else:
        if kind == "place":
            base = _LATIN_PLACE
        elif lang in ("de", "*") and kind in ("person", "") and gender != "f":
            base = _LATIN_PERSON_DE + (GERMAN_PLACE_HEADS if kind == "" else ())
        else:
            base = _LATIN_BASE
        forms = [(low, set(base))]
        forms += [(stem, set(endings)) for stem, endings in latin_cases(low, lang, kind, gender)]
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
    if low[-1] in CYRILLIC_VOWELS or low[-1] in "йь":
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


def derived_forms(word: str, *, kind: str = "", gender: str = "", lang: str = "") -> Paradigm:
    """Words derived from a man's name, matched in any case: the possessive adjectives
    (путинский, putinowski, Putinova is a case form), doctrine and follower nouns (Putinism,
    путинизм, trumpiste, putinista, Trumpian), by the tables of languages.py.

    Latin-script suffixes come from the spelling's language ("*": every language); French drops
    a final -e (Poutine -> poutinien). Stems under four letters derive nothing.
    """
    low = unicodedata.normalize("NFC", word).lower()
    if kind == "place" or gender == "f" or word.isupper() or len(low) < 4:
        return ()
    if has_cyrillic(low):
        out = list(possessive_adjectives(word, kind=kind, gender=gender, lang=lang))
        if low[-1] not in CYRILLIC_VOWELS and low[-1] not in "йь":
            langs = frozenset({lang}) if lang in ("ru", "uk") else cyrillic_languages(low)
            out += [(low, shared_endings(DERIVED[lg])) for lg in ("ru", "uk") if lg in langs]
        return tuple(out)
    if not lang:
        return ()
    out = []
    for language in (("en", "de", "fr", "es", "it", "pt", "ro", "pl", "cs", "sk") if lang == "*" else (lang,)):
        suffixes = derived_suffixes(language)
        stem = low[:-1] if language == "fr" and low.endswith("e") else low
        if suffixes and len(stem) >= 4:
            out.append((stem, shared_endings(suffixes)))
    return tuple(out)


def split_words(spelling: str) -> list[str]:
    """The words of a spelling: split on spaces and hyphens (Rostov-on-Don, Абу-Даби)."""
    return [w for w in WORD_GAP.split(spelling.strip()) if w]


def is_capitalised(word: str) -> bool:
    """A word whose first letter is upper case: it only matches capitalised words in text."""
    for ch in word:
        if ch.isalpha():
            return ch.isupper()
    return False
