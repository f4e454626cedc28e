"""When are two reports the same story? The shared evidence, each key weighed by its rarity.

A key in few items of the time window is telling (Umerov, a €90bn loan, 28 points); a key in
much of the news is not (Putin, Ukraine). Kinds weigh differently: numbers with a unit are the
sharpest (few stories quote the same 28-point plan), names next, places less (many stories
happen in Kyiv), words least, bare numbers barely (a year). Closeness in time scales the sum.

A link needs two independent signals: two different keys (a name and a number, two names, a
place and three words or more), never one name however rare, so "Witkoff" alone does not make
his Moscow trip and his Miami talks one story.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

WINDOW_SECONDS = 3 * 86_400
MIN_WINDOW_ITEMS = 200        # a small window says little about how common a key is
KIND_WEIGHT = {"n": 1.0, "p": 0.6, "c": 0.6, "u": 1.3, "x": 0.8, "y": 0.2, "w": 0.45}
LINK_SCORE = 6.0
BARE_NUMBER_NAME_SHARE = 0.05  # a bare number is a signal beside a name in at most this share
WORDS_PER_SIGNAL = 2.5        # shared words (not common in the window) that make one signal
RARE_WORDS_WEIGHT = 10.0      # shared words this telling together are two signals
COMMON_SHARE = 0.01           # a key in more of the window than this finds no candidates
LOOKUP_KEYS = 6               # candidates are looked up through this many of an item's keys
MAX_LOOKUP_ITEMS = 60         # ... each in at most this many items of the window
MAX_CANDIDATES = 12
MIN_LOOKUP_WEIGHT = 2.5       # a candidate must share this much through its rare keys
KIND_NAMES = {"n": "name", "p": "place", "c": "place", "u": "number", "x": "number",
              "y": "year", "w": "word"}


@dataclass(frozen=True, slots=True)
class Link:
    score: float
    signals: int
    shared: frozenset[str]

    @property
    def holds(self) -> bool:
        return self.signals >= 2 and self.score >= LINK_SCORE

    def heaviest(self, rarity: Rarity) -> list[str]:
        """The shared keys, the most telling first."""
        return sorted(self.shared, key=lambda k: (-rarity.weight(k), k))


class Rarity:
    """How many items of a window hold each key."""

    def __init__(self, keysets: Iterable[frozenset[str]]) -> None:
        counts: dict[str, int] = {}
        size = 0
        for keys in keysets:
            size += 1
            for key in keys:
                counts[key] = counts.get(key, 0) + 1
        self.counts = counts
        self.size = max(size, MIN_WINDOW_ITEMS)
        self.limit = min(MAX_LOOKUP_ITEMS, max(20, COMMON_SHARE * self.size))  # more: common
        self.weights: dict[str, float] = {}

    def weight(self, key: str) -> float:
        found = self.weights.get(key)
        if found is None:
            idf = math.log(1 + self.size / max(self.counts.get(key, 1), 1))
            found = self.weights[key] = KIND_WEIGHT.get(key[:1], 0.5) * idf
        return found

    def uncommon_name(self, key: str) -> bool:
        """In few enough of the window's items for a bare number beside it to count."""
        return self.counts.get(key, 0) <= max(self.limit, BARE_NUMBER_NAME_SHARE * self.size)

    def common(self, key: str) -> bool:
        return self.counts.get(key, 0) > self.limit


def closeness(seconds_apart: float) -> float:
    """1 for reports out together, falling to 0.5 at the window's edge."""
    return 1.0 - 0.5 * min(abs(seconds_apart), WINDOW_SECONDS) / WINDOW_SECONDS


def link(keys: frozenset[str], their_keys: frozenset[str], seconds_apart: float,
         rarity: Rarity) -> Link:
    shared = keys & their_keys
    if not shared or abs(seconds_apart) > WINDOW_SECONDS:
        return Link(0.0, 0, frozenset())
    known, counts, limit = rarity.weights, rarity.counts, rarity.limit    # hot: inlined
    score = 0.0
    strong = words = values = broad = 0
    word_weight = 0.0
    for key in shared:
        weight = known.get(key)
        if weight is None:
            weight = rarity.weight(key)
        score += weight
        kind = key[0]
        if kind == "w":
            if counts.get(key, 0) <= limit:     # words much of the window has tell nothing
                words += 1
                word_weight += weight
        elif kind == "x":
            values += 1
        elif kind == "c":
            broad += 1
        elif kind != "y":
            strong += 1
    # A number's value backs its unit's key, it is not a second signal; alone it is one, but
    # only beside words or a name or place that is not in much of the window: a bare "114"
    # and Putin are a coincidence, not a story.
    word_signals = 2 if word_weight >= RARE_WORDS_WEIGHT else int(words / WORDS_PER_SIGNAL)
    signals = strong + broad // 2 + min(2, word_signals)
    if values and not any(k[0] == "u" for k in shared) and (words >= 3 or any(
            k[0] in "npc" and rarity.uncommon_name(k) for k in shared)):
        signals += 1
    apart = abs(seconds_apart)
    return Link(score * (1.0 - 0.5 * apart / WINDOW_SECONDS), signals, shared)


def candidates(keys: frozenset[str], postings: dict[str, list[int]], rarity: Rarity,
               skip: int, allowed: Sequence[bool] | None = None) -> list[int]:
    """Indexes of the window's items sharing the most (and rarest) keys with `keys`, found
    through LOOKUP_KEYS of the item's keys that others have too but not many (a common key
    would bring half the window): its rarest names, places and numbers, then words."""
    counts, limit = rarity.counts, rarity.limit
    usable = [key for key in keys if 1 < counts.get(key, 0) <= limit and key[0] != "y"]
    if len(usable) > LOOKUP_KEYS:       # names, places and numbers first, then words
        usable.sort(key=lambda k: (k[0] == "w", counts[k], k))
        del usable[LOOKUP_KEYS:]
    weights: dict[int, float] = {}
    for key in usable:
        weight = rarity.weight(key)
        for index in postings.get(key, ()):
            if index != skip and (allowed is None or allowed[index]):
                weights[index] = weights.get(index, 0.0) + weight
    found = [i for i, w in weights.items() if w >= MIN_LOOKUP_WEIGHT]
    if len(found) <= MAX_CANDIDATES:
        return found
    return sorted(found, key=lambda i: -weights[i])[:MAX_CANDIDATES]


def reasons(shared: Sequence[str], shown: dict[str, str], seconds_apart: float,
            limit: int = 6) -> list[str]:
    """Why two reports are one story, for people: "name: Umerov", "place: Russia",
    "number: 28 points", "3 words", "2 h apart". A number reads as the report wrote it
    ("28-point"); so does a name or place, unless the gazetteer knows it and the report
    wrote it otherwise than as its name, a word of it or an abbreviation: "Russian", "Києві"
    or "Selenskyjs" say less than "Russia", "Kyiv" and "Volodymyr Zelensky" do ("Witkoff"
    and "US" stay)."""
    out: list[str] = []
    words = 0
    for key in shared:
        if key[0] == "w":
            words += 1
            continue
        value = written = shown.get(key) or key[2:]
        if key[0] in "npc" and key[2:3].isupper():            # a gazetteer entry's name
            name = key[2:]
            if not written.isupper() and written.casefold() not in {
                    name.casefold(), *name.casefold().split()}:
                value = name
        reason = f"{KIND_NAMES.get(key[0], 'fact')}: {value}"
        if len(out) < limit and reason not in out:     # a number and its value read alike
            out.append(reason)
    if words:
        out.append(f"{words} word{'s' if words > 1 else ''}")
    hours = abs(seconds_apart) / 3600
    out.append(f"{hours:.0f} h apart" if hours >= 1 else "same hour")
    return out
