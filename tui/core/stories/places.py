"""Places and organisations known in many languages, without a list written by hand.

Countries come from the Unicode CLDR territory names that Babel ships (Украина, Ukraine,
Ukraina, Україна ... all "Ukraine"); the people, regions, cities and venues of the story come
from the shipped gazetteer (tui/data/gazetteer.toml, the authority for the watched names).
Only the international organisations, which neither knows, are listed here.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from tui.core.names.fold import skeleton

# Languages whose CLDR territory names are read (the ones wirewatch's feeds are written in).
TERRITORY_LANGUAGES = ("en", "de", "fr", "ru", "uk", "pl", "cs", "sk", "es", "it", "pt", "ro")

# Endings cut from a folded name so that its case forms meet (Лаврову, Lavrov; Катаре,
# Katar; Зеленського, Selenskyj): after skeleton(), y and j are i and w is v.
_ENDINGS = ("ogo", "ego", "omu", "emu", "ami", "ovi", "evi", "ih", "im", "om", "em", "oi",
            "ei", "ii", "ui", "ah", "iu", "ia", "i", "a", "u", "e", "o")
MIN_STEM = 3

# Organisations: (key, spellings). Acronyms are matched as written (upper case).
ORGANISATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("NATO", ("NATO", "НАТО", "OTAN", "Nato")),
    ("EU", ("EU", "ЕС", "ЄС", "UE", "Евросоюз", "Євросоюз", "Europäische Union",
            "European Union", "Европейский союз", "Європейський союз", "Union européenne",
            "Unia Europejska")),
    ("UN", ("UN", "ООН", "ONU", "UNO", "Vereinte Nationen", "United Nations",
            "Organizacja Narodów Zjednoczonych")),
    ("OSCE", ("OSCE", "ОБСЕ", "ОБСЄ", "OSZE", "OBWE")),
    ("IAEA", ("IAEA", "МАГАТЭ", "МАГАТЕ", "IAEO", "AIEA", "MAEA")),
    ("United States", ("US", "USA", "U.S.", "США", "EE.UU.", "EUA", "Stany Zjednoczone")),
    ("United Kingdom", ("UK", "Großbritannien", "Великобритания", "Велика Британія",
                        "Britain", "Wielka Brytania")),
    ("G7", ("G7", "G-7", "Großen Sieben", "Большой семерки", "Великої сімки")),
    ("United Arab Emirates", ("UAE", "ОАЭ", "ОАЕ", "EAU", "VAE", "Emirates", "Emirate",
                              "Эмираты", "Емірати", "Émirats")),
    ("Kremlin", ("Kremlin", "Kreml", "Кремль", "Kremla")),
    ("White House", ("White House", "Weißes Haus", "Weißen Haus", "Белый дом",
                     "Білий дім", "Maison Blanche", "Biały Dom")),
)


_ENDING = re.compile("(?<=...)(?:" + "|".join(_ENDINGS) + ")$")


@lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """A spelling folded to one key across scripts, romanisations and case endings."""
    return _ENDING.sub("", skeleton(word).replace(" ", ""), count=1)


def phrase_key(words: list[str]) -> str:
    return " ".join(stem(w) for w in words)


@cache
def territories() -> dict[str, str]:
    """Folded key of a country's name in any of TERRITORY_LANGUAGES -> its English name."""
    try:
        from babel import Locale
    except ImportError:        # Babel is a dependency; without it: no countries, no crash
        return {}
    english = Locale("en").territories
    found: dict[str, str] = {}
    for language in TERRITORY_LANGUAGES:
        for code, name in Locale(language).territories.items():
            if not (len(code) == 2 and code.isalpha()) or code in ("ZZ", "EU", "EZ", "UN"):
                continue
            if re.search(r"[(),&/]", name):
                continue
            key = phrase_key(name.split())
            if len(key.replace(" ", "")) >= 4:
                found.setdefault(key, english[code])
    return found


@cache
def broad_places() -> frozenset[str]:
    """Countries and international organisations: in much of the news (Ukraine, Russia, the
    US, the EU are in most reports), so two of them are one signal, not two."""
    from tui.core.names.gazetteer import load_gazetteer

    countries = {e.name for e in load_gazetteer().entries if e.category == "countries"}
    return frozenset(set(territories().values()) | set(organisations().values()) | countries)


@cache
def organisations() -> dict[str, str]:
    """Folded key of an organisation's spelling -> its key; acronyms keep their case."""
    found: dict[str, str] = {}
    for key, spellings in ORGANISATIONS:
        for spelling in spellings:
            if spelling.isupper() or any(ch.isdigit() for ch in spelling) or "." in spelling:
                found[spelling] = key
            else:
                found[phrase_key(spelling.split())] = key
    return found
