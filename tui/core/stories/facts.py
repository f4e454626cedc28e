"""The facts of a report that carry across languages: names, places and numbers.

A German and a Russian report of one story share almost no words, but they name the same
people and places and quote the same numbers. Each fact gets a language-neutral key, so
Зеленського, Selenskyj and Zelensky all read "Volodymyr Zelensky", Катаре and Qatar "Qatar",
and 28-Punkte-Plan, 28-point plan and план из 28 пунктов "28 point"; €90bn, 90 Mrd. Euro and
90 млрд євро are all "90e9 EUR" (while $90bn is "90e9 USD"). Story grouping weighs shared keys
as evidence; the compare screen aligns sentences and highlights by the mentions' offsets.

Where the keys come from: the watched names and the story's places from the shipped gazetteer
(the authority for them, with every case form the matcher knows), countries from CLDR via
Babel (places.py), and any other capitalised word or run of them (Latin or Cyrillic) folded
across scripts and case endings by the matcher's own skeleton(). Numbers without a unit, years
and the like are `weak`: evidence only beside something else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from tui.core.names.fold import skeleton
from tui.core.names.gazetteer import load_gazetteer
from tui.core.names.watch import Term, Watcher
from tui.core.stories.places import organisations, phrase_key, stem, territories

MAX_TEXT = 20_000          # characters read per text: bounded time for hostile input


@dataclass(frozen=True, slots=True)
class Fact:
    """One name, place or number, keyed the same in every language."""

    kind: str        # "name" | "place" | "number"
    key: str         # e.g. "Volodymyr Zelensky", "Qatar", "28 point", "90e9 EUR", "barot"
    shown: str       # as the text writes it
    weak: bool = False   # a bare number or year: evidence only beside something else


@dataclass(frozen=True, slots=True)
class FactMention:
    """A fact and where it stands in the text (character offsets, end exclusive)."""

    fact: Fact
    start: int
    end: int


# --------------------------------------------------------------------------- gazetteer


@cache
def _gazetteer_watcher() -> tuple[Watcher, dict[str, str]]:
    """A matcher over every gazetteer entry, and each entry's kind (person or place)."""
    gazetteer = load_gazetteer()
    kinds = {entry.name: entry.kind for entry in gazetteer.entries}
    return Watcher([Term(e.name, e.category) for e in gazetteer.entries]), kinds


@cache
def _gazetteer_stems() -> dict[str, tuple[str, str]]:
    """Folded stem of each one-word gazetteer spelling -> (entry, "name" | "place"): a case
    form the matcher does not know (Куп'янськом) still finds its entry."""
    found: dict[str, tuple[str, str]] = {}
    for entry in load_gazetteer().entries:
        kind = "name" if entry.kind == "person" else "place"
        for _, spelling in entry.spellings:
            words = spelling.split()
            if spelling[:1].isupper() and len(words) == 1:
                key = stem(spelling)
                if len(key) >= 4:
                    found.setdefault(key, (entry.name, kind))
    return found


# --------------------------------------------------------------------------- numbers

_DATE = re.compile(r"\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b|\b\d{1,2}:\d{2}\b")
_NUMBER = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:[,.\u00a0\u202f ]\d{3})+(?![\d])|\d+)(?:([.,])(\d+))?(?![\d])")
_NEXT_WORD = re.compile(r"[\s\u00a0\u202f\-\u2010\u2011]*([%€$£₽₴]|(?:[dD]['’])?[^\W\d_]+)\.?")
_SCALES = (
    ("billion", 9), ("bn", 9), ("mrd", 9), ("milliard", 9), ("млрд", 9), ("mld", 9),
    ("mds", 9), ("trillion", 12), ("трлн", 12), ("billionen", 12),
    ("million", 6), ("millionen", 6), ("mio", 6), ("mn", 6), ("m", 6), ("млн", 6), ("mln", 6),
    ("thousand", 3), ("tausend", 3), ("tsd", 3), ("тыс", 3), ("тис", 3), ("k", 3), ("tys", 3),
)
_EXACT_SCALES = frozenset({"bn", "mrd", "mio", "mn", "m", "млрд", "млн", "mld", "mln", "mds",
                           "трлн", "тыс", "тис", "tsd", "k", "tys"})
_UNITS = (
    ("%", "%"), ("percent", "%"), ("prozent", "%"), ("процент", "%"), ("відсот", "%"),
    ("procent", "%"), ("pourcent", "%"),
    ("point", "point"), ("punkt", "point"), ("пункт", "point"), ("pkt", "point"),
    ("€", "EUR"), ("eur", "EUR"), ("евро", "EUR"), ("євро", "EUR"),
    ("$", "USD"), ("usd", "USD"), ("dollar", "USD"), ("доллар", "USD"), ("долар", "USD"),
    ("dolar", "USD"),
    ("£", "GBP"), ("pound", "GBP"), ("фунт", "GBP"),
    ("₽", "RUB"), ("rubel", "RUB"), ("ruble", "RUB"), ("rouble", "RUB"), ("рубл", "RUB"),
    ("₴", "UAH"), ("hryvn", "UAH"), ("griwn", "UAH"), ("гривн", "UAH"), ("гривен", "UAH"),
    ("km", "km"), ("kilomet", "km"), ("километр", "km"), ("кілометр", "km"), ("км", "km"),
    ("day", "day"), ("tag", "day"), ("tägig", "day"), ("дн", "day"), ("ден", "day"),
    ("jour", "day"), ("dni", "day"), ("дня", "day"),
    ("troop", "troops"), ("soldier", "troops"), ("soldat", "troops"), ("военн", "troops"),
    ("військов", "troops"), ("солдат", "troops"), ("militär", "troops"),
    ("prisoner", "prisoners"), ("gefangen", "prisoners"), ("пленн", "prisoners"),
    ("полонен", "prisoners"), ("военноплен", "prisoners"), ("військовополон", "prisoners"),
    ("prisonnier", "prisoners"), ("jeńc", "prisoners"),
    ("drone", "drones"), ("drohne", "drones"), ("дрон", "drones"), ("беспилотник", "drones"),
    ("безпілотник", "drones"), ("бпла", "drones"), ("dron", "drones"),
    ("missile", "missiles"), ("rakete", "missiles"), ("ракет", "missiles"), ("rakiet", "missiles"),
    ("hour", "hours"), ("stunde", "hours"), ("час", "hours"), ("годин", "hours"),
    ("heure", "hours"), ("godzin", "hours"),
)
_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "₽": "RUB", "₴": "UAH"}
_CONNECTORS = frozenset({"of", "из", "з", "із", "de", "d", "von", "в", "у", "в размере",
                         "за"})


def _scale_of(word: str, language: str | None) -> int | None:
    low = word.lower().rstrip(".")
    if language == "de" and low.startswith("billion"):     # German Billion = 10^12
        return 12
    for prefix, power in _SCALES:
        if low == prefix or (prefix not in _EXACT_SCALES and low.startswith(prefix)):
            return power
    return None


def _unit_of(word: str) -> str | None:
    low = word.lower()
    if low[:2] in ("d'", "d’"):
        low = low[2:]
    for prefix, unit in _UNITS:
        if low.startswith(prefix):
            return unit
    return None


def _value(whole: str, sep: str | None, fraction: str | None, language: str | None) -> float:
    """The number, reading separators by language (1,5 is one and a half in German; 1,500
    fifteen hundred in English)."""
    digits = re.sub(r"[,.\u00a0\u202f ]", "", whole)
    if sep is None:
        return float(digits)
    english = language in (None, "en")
    decimal = "." if english else ","
    if sep == decimal or len(fraction or "") != 3:
        return float(f"{digits}.{fraction}")
    return float(digits + (fraction or ""))


def number_key(value: float, unit: str | None) -> str:
    """90e9 EUR, 28 point, 1.5e6 troops: value with an exponent in thousands, then the unit;
    a bare number as written (2025, 1200)."""
    if unit is None:
        return f"{value:g}" if value < 1e6 else f"{value:.0f}"
    power = 0
    while value >= 1000 and power < 12:
        value /= 1000
        power += 3
    text = f"{round(value, 3):g}" + (f"e{power}" if power else "")
    return f"{text} {unit}" if unit else text


def _numbers(text: str, language: str | None, taken: _Taken) -> list[FactMention]:
    found: list[FactMention] = []
    for date in _DATE.finditer(text):
        taken.claim(*date.span())
    for match in _NUMBER.finditer(text):
        start, end = match.span()
        if taken.overlaps(*match.span()):
            continue
        value = _value(match.group(1), match.group(2), match.group(3), language)
        unit: str | None = None
        before = text[max(0, start - 4):start].rstrip()
        if before and before[-1] in _SYMBOLS:
            unit = _SYMBOLS[before[-1]]
            start = start - (len(text[:start]) - len(text[:start].rstrip())) - 1
        elif before.upper().endswith(("EUR", "USD")):
            unit = before.upper()[-3:]
            start = start - (len(text[:start]) - len(text[:start].rstrip())) - 3
        position = end
        scaled = False
        for _ in range(3):                   # scale, connector, unit: a few words at most
            word_match = _NEXT_WORD.match(text, position)
            if word_match is None:
                break
            word = word_match.group(1)
            scale = _scale_of(word, language)
            if scale is not None and not scaled:
                value *= 10 ** scale
                scaled = True
                position = end = word_match.end()
                continue
            if word.lower() in _CONNECTORS:
                position = word_match.end()
                continue
            found_unit = _unit_of(word)
            if found_unit and unit is None:
                unit = found_unit
                end = word_match.start(1) + len(word)
            break
        whole = not match.group(2)
        bare = unit is None
        if bare and whole and value < 10:
            continue                          # one, two, three of anything: no evidence
        shown = text[start:end].strip()
        found.append(FactMention(Fact("number", number_key(value, unit), shown,
                                      weak=bare), start, end))
    return found


# --------------------------------------------------------------------------- names

# Words that may start with a capital (Latin, Latin-1, Latin Extended-A, Cyrillic), or with
# a French l'/d' before one: the name scan looks at these only.
_CAPITAL_WORD = re.compile(
    r"(?<![^\W\d_])(?:[lLdD]['’])?[A-Z\u00c0-\u00de\u0100-\u017f\u0400-\u042f\u0490\u0404"
    r"\u0406\u0407][^\W_]*(?:['’ʼ-][^\W_]+)*")
_SENTENCE_END = frozenset(".!?:;…»«\"“”„(|–—-•")
_POSSESSIVE = re.compile(r"['’ʼ]s$")
# Capitalised words that are not names: articles, pronouns, titles, months, weekdays.
_NOT_NAMES = frozenset(re.findall(r"\S+", """
the a an in on at for but and or as by to of from with after before over under new this that
these those it its he she they we his her their our mr mrs ms dr president prime minister
chancellor foreign secretary minister envoy special state senator general sir lord king queen
monday tuesday wednesday thursday friday saturday sunday january february march april may june
july august september october november december breaking live update exclusive analysis
der die das ein eine einer eines dem den des im am um und oder aber auch nach vor bei mit von
zu zur zum für auf aus es er sie wir ihr sein seine präsident präsidentin kanzler bundeskanzler
außenminister minister ministerin montag dienstag mittwoch donnerstag freitag samstag sonntag
januar februar märz juni juli oktober dezember herr frau
в во на и а но по с со к из за от до о об для при что как это он она они мы
у з із та й і що як це він вона вони ми до від для при про
le la les un une des du de et en au aux il elle ils nous
"""))


def _sentence_start(text: str, start: int) -> bool:
    """At the start of the text, of a line (a lede after its headline), or after a sentence."""
    before = text[max(0, start - 200):start]
    stripped = before.rstrip()
    return (not stripped and start < 200) or "\n" in before[len(stripped):] \
        or (bool(stripped) and stripped[-1] in _SENTENCE_END)


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


_GIVEN_NAME = re.compile(r"([^\W\d_][^\W\d_'’-]*)[ \u00a0]$")
_GIVEN_NAME_SPAN = 40            # longer than any first name
_ELISION = re.compile(r"^[lLdD]['’](?=[^\W\d_])")


def _runs(text: str, taken: _Taken) -> list[list[tuple[str, int, int]]]:
    """Runs of capitalised words next to each other (Jean-Noël Barrot, European Commission),
    as (word, start, end), outside the spans already taken by known names and numbers; a
    French l' or d' is not part of the name (l'UE, d'Ukraine)."""
    runs: list[list[tuple[str, int, int]]] = []
    current: list[tuple[str, int, int]] = []
    for match in _CAPITAL_WORD.finditer(text):
        word, start, end = match.group(), match.start(), match.end()
        if _ELISION.match(word):
            word, start = word[2:], start + 2
        if not _capitalised(word) or taken.overlaps(start, end):
            continue
        gap = text[current[-1][2]:start] if current else ""
        if current and (len(gap) > 2 or gap.strip(" \u00a0")):
            runs.append(current)
            current = []
        current.append((_POSSESSIVE.sub("", word), start, end))
    if current:
        runs.append(current)
    return runs


def _names(text: str, taken: _Taken, language: str | None) -> list[FactMention]:
    found: list[FactMention] = []
    known_places = territories()
    known_orgs = organisations()
    for run in _runs(text, taken):
        at_start = _sentence_start(text, run[0][1])
        while run and run[0][0].casefold() in _NOT_NAMES:
            run = run[1:]
            at_start = False
        while run and run[-1][0].casefold() in _NOT_NAMES:
            run = run[:-1]
        if not run:
            continue
        words = [word for word, _, _ in run]
        start, end = run[0][1], run[-1][2]
        shown = text[start:end]
        key = phrase_key(words)
        if len(words) == 1 and words[0] in known_orgs:
            found.append(FactMention(Fact("place", known_orgs[words[0]], shown), start, end))
        elif key in known_orgs:
            found.append(FactMention(Fact("place", known_orgs[key], shown), start, end))
        elif key in known_places:
            found.append(FactMention(Fact("place", known_places[key], shown), start, end))
        elif len(words) == 1 and language == "de" and not words[0].isupper():
            # German writes every noun with a capital: a lone unknown one is no name.
            place = known_places.get(stem(words[0]))
            if place:
                found.append(FactMention(Fact("place", place, shown), start, end))
        elif len(words) > 1 or not at_start:
            # A lone capitalised word opening a sentence may be any word: not a name, also
            # when a place follows it ("Спецпосланець США", the US envoy). Known places inside
            # a run stand alone; the words between them are names.
            part: list[tuple[str, int, int]] = []
            for word, word_start, word_end in [*run, ("", -1, -1)]:
                place = (known_places.get(stem(word)) or known_orgs.get(word)) if word else None
                if place or not word:
                    opening = at_start and len(part) == 1 and part[0][1] == start
                    found += [] if opening else _name(text, part, known_places)
                    part = []
                if place:
                    found.append(FactMention(Fact("place", place, text[word_start:word_end]),
                                             word_start, word_end))
                elif word:
                    part.append((word, word_start, word_end))
    return found


def _name(text: str, part: list[tuple[str, int, int]],
          known_places: dict[str, str]) -> list[FactMention]:
    """A run of capitalised words no list knows: a name, keyed by its last word (a surname:
    "Jean-Noël Barrot" and "Barrot" are one person)."""
    if not part:
        return []
    last = part[-1][0]
    key = skeleton(last).upper() if last.isupper() else stem(last)
    if len(key) < 3 or known_places.get(stem(last)):
        return []
    start, end = part[0][1], part[-1][2]
    known = _gazetteer_stems().get(key)
    if known:
        return [FactMention(Fact(known[1], known[0], text[start:end]), start, end)]
    return [FactMention(Fact("name", key, text[start:end]), start, end)]


class _Taken:
    """Characters already claimed by a fact: one byte per character, so a check is O(1)."""

    __slots__ = ("mask",)

    def __init__(self, size: int) -> None:
        self.mask = bytearray(size + 1)

    def claim(self, start: int, end: int) -> None:
        self.mask[start:end] = b"\x01" * (end - start)

    def overlaps(self, start: int, end: int) -> bool:
        return 1 in self.mask[start:end]


# --------------------------------------------------------------------------- all together


def find_facts(text: str, language: str | None = None) -> list[FactMention]:
    """Every name, place and number in `text`, in order of position. `language` (a primary
    tag: "en", "de", ...) decides how 1,5 and 1.500 and a German Billion read."""
    text = text[:MAX_TEXT]
    language = (language or "").split("-")[0].lower() or None
    watcher, kinds = _gazetteer_watcher()
    found: list[FactMention] = []
    for match in watcher.find(text):
        kind = "name" if kinds.get(match.name) == "person" else "place"
        found.append(FactMention(Fact(kind, match.name, match.text), match.start, match.end))
    taken = _Taken(len(text))
    for mention in found:
        taken.claim(mention.start, mention.end)
        if mention.fact.kind == "name":     # a first name before a known surname is the same person
            # the word just before it: a short look back, not a scan from the text's start
            before = _GIVEN_NAME.search(text, max(0, mention.start - _GIVEN_NAME_SPAN),
                                        mention.start)
            if before and _capitalised(before.group(1)):
                taken.claim(before.start(1), before.end(1))
    numbers = _numbers(text, language, taken)
    for mention in numbers:
        taken.claim(mention.start, mention.end)
    found += numbers
    found += _names(text, taken, language)
    found.sort(key=lambda m: (m.start, m.end))
    return found
