"""Same story, other outlets: candidates from a time window, scored by shared words in the
headline and lede and by shared watched names (which carry across languages and scripts:
Selenskyj, Зеленський and Zelensky are all "Zelensky"). Near-identical text is wire copy.

Names are evidence by how telling they are. Two items that both mention Putin are not one
story (he is in a good part of the news), two that both name Umerov may be, and two that name
the same three people and nothing else may well be: a name weighs by its rarity in the window,
the share of names counts squared, and names without shared words count only for items that
came out about together (other languages' coverage of a story follows within hours; a week of
Putin items does not).

The cache answers the candidate questions (full-text index, matches index, time index), each
limited to the window's span of row ids (ids grow as items arrive, so the window's items sit
in a narrow id range), so a lookup costs about the same with 100,000 items as with 1,000: a
few hundred candidates scored.
"""

from __future__ import annotations

import heapq
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping

from tui.core.cache.neighbours import (
    anchor,
    feed_items,
    id_span,
    items_naming,
    items_with_word,
    names_by_item,
    names_of,
    neighbours,
)
from tui.core.cache.store import Store

WINDOW_SECONDS = 4 * 86_400
CANDIDATES = 150          # from each source: shared words, shared names
QUERY_WORDS = 12
NAME_REFERENCE = 3.0      # weight of a name in ~1 of 20 items of the window
MIN_WINDOW_ITEMS = 200
NAMES_HALF_LIFE_SECONDS = 24 * 3600  # names-only evidence halves a day apart
MIN_SCORE = 0.15
WIRE_COPY_OVERLAP = 0.6
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_QUERY = re.compile(r"[^\W_]{4,}|\d{2,}")
_TOKEN = re.compile(r"[^\W_]{4,}|\d+", re.UNICODE)
_STOP_WORDS = """
about after again against also among been before being between both could during each from
have having here into just more most other over said says same should some such than that
their them then there these they this those through under until very were what when where which
while will with would your year years week today news live update updates official officials
aber auch dass diese dieser dieses eine einer eines einem einen haben hatte heute nach noch oder
sagte sich sind soll über unter wird wurde wurden zwei drei beim durch gegen sein seine seiner
этот этого эти было были быть будет более после также между через который которые когда чтобы
своей своих только него неё если даже може може буде було були який яка які також після через
""".split()


@dataclass(frozen=True)
class RelatedItem:
    uid: str
    feed: str
    title: str
    score: float
    wire_copy: bool
    published: float | None

    def to_json(self) -> dict:
        return {"id": self.uid, "feed": self.feed, "title": self.title,
                "score": round(self.score, 3), "wire_copy": self.wire_copy}


def _fold(text: str) -> str:
    """Case and accents folded (й and ї lose their marks too, on both sides alike)."""
    folded = text.casefold()
    if folded.isascii():
        return folded
    return _COMBINING.sub("", unicodedata.normalize("NFKD", folded))


_STOP = frozenset(map(_fold, _STOP_WORDS))     # compared with folded words: "über" -> "uber"


def story_tokens(title: str, summary: str) -> frozenset[str]:
    """Distinctive words of the headline and lede, folded; numbers kept (19 points, 28)."""
    return _story_tokens(title, summary[:400])


@lru_cache(maxsize=8192)
def _story_tokens(title: str, lede: str) -> frozenset[str]:
    text = _fold(f"{title} {lede}")
    return frozenset(t[:7] for t in _TOKEN.findall(text) if t not in _STOP)  # 7-char stems


def _jaccard(a: set | frozenset, b: set | frozenset) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def score(tokens: frozenset[str], their_tokens: frozenset[str], names: set[str],
          their_names: set[str], seconds_apart: float,
          name_weights: Mapping[str, float] | None = None) -> tuple[float, float]:
    """(score, word overlap) of a candidate: words of headline and lede, watched names, time.

    Each shared name adds evidence by its weight (how rare it is in the window; a name of
    unknown rarity weighs NAME_REFERENCE, worth half of certainty on its own).
    """
    overlap = _jaccard(tokens, their_tokens)
    shared = _jaccard(names, their_names)
    weights = name_weights or {}
    evidence = sum(weights.get(n, NAME_REFERENCE) for n in names & their_names)
    together = 1 - 0.5 ** (evidence / NAME_REFERENCE)
    apart = min(abs(seconds_apart), WINDOW_SECONDS)
    # Names alone point to the same story only when the items came out about together.
    same_day = 1.0 / (1.0 + apart / NAMES_HALF_LIFE_SECONDS)
    closeness = 1.0 - 0.3 * apart / WINDOW_SECONDS
    return (0.6 * overlap + 0.4 * shared * shared * together * same_day) * closeness, overlap


def name_weight(mentions: int, window_items: int) -> float:
    """How telling a shared name is: ln(1 + items / items naming it). A small window is
    treated as MIN_WINDOW_ITEMS: a few items say nothing about how common a name is."""
    return math.log(1 + max(window_items, MIN_WINDOW_ITEMS) / max(mentions, 1))


def _query_words(title: str, summary: str) -> list[str]:
    """What to look for: the headline's words, then the lede's longest, numbers included;
    cut to 7-letter stems (looked up as prefixes, so inflected forms meet)."""
    def words(text: str) -> list[str]:
        return [w for w in _QUERY.findall(text.casefold()) if _fold(w) not in _STOP]

    lede = sorted(words(summary[:200]), key=len, reverse=True)
    return list(dict.fromkeys(w[:7] for w in words(title) + lede))[:QUERY_WORDS]


def _best(weights: dict[int, float], row_id: int, skip: set[int], count: int) -> list[int]:
    """The `count` heaviest ids not in `skip`; ties go to the nearest (in arrival time)."""
    for item_id in skip:
        weights.pop(item_id, None)
    return heapq.nsmallest(count, weights, key=lambda i: (-weights[i], abs(i - row_id)))


def _word_candidates(store: Store, words: list[str], first_id: int, last_id: int,
                     row_id: int, skip: set[int]) -> list[int]:
    """Items of the window whose headline or lede shares the most (and rarest) words.

    One small index lookup per word, weighted by how rare the word is in the window: cheaper
    than ranking an OR of them all with bm25, and much the same order.
    """
    span = max(1, last_id - first_id + 1)
    weights: dict[int, float] = {}
    for word in words:
        term = '"' + word.replace('"', '""') + '"' + ("*" if len(word) >= 7 else "")
        hits = items_with_word(store, term, first_id, last_id)
        if hits:
            weight = math.log(1 + span / len(hits))
            for hit in hits:
                weights[hit] = weights.get(hit, 0.0) + weight
    return _best(weights, row_id, skip, CANDIDATES)


def _name_candidates(store: Store, names: set[str], first_id: int, last_id: int, row_id: int,
                     skip: set[int]) -> tuple[list[int], dict[str, float]]:
    """Items of the window that mention the most of the item's watched names, and each
    name's weight (rare in the window: telling; in every other item: not)."""
    shared: dict[int, float] = {}
    weights: dict[str, float] = {}
    span = last_id - first_id + 1
    for name in names:
        hits = items_naming(store, name, first_id, last_id)
        weights[name] = name_weight(len(hits), span)
        for hit in hits:
            shared[hit] = shared.get(hit, 0.0) + weights[name]
    return _best(shared, row_id, skip, CANDIDATES), weights


def find_related(store: Store, row_id: int, *, limit: int = 20) -> list[RelatedItem]:
    item = anchor(store, row_id)
    if item is None:
        return []
    when = item.sort_time
    low, high = when - WINDOW_SECONDS, when + WINDOW_SECONDS
    first_id, last_id = id_span(store, low, high)
    names = names_of(store, row_id)
    own_feed = feed_items(store, item.feed, low, high)  # the item's own outlet: never related
    candidates = set(_word_candidates(store, _query_words(item.title, item.summary),
                                      first_id, last_id, row_id, own_feed))
    weights: dict[str, float] = {}
    if names:
        by_name, weights = _name_candidates(store, names, first_id, last_id, row_id, own_feed)
        candidates.update(by_name)
    if not candidates:
        return []

    tokens = story_tokens(item.title, item.summary)
    ids = list(candidates)
    their_names = names_by_item(store, ids)
    scored: list[RelatedItem] = []
    for other in neighbours(store, ids, not_feed=item.feed, low=low, high=high):
        value, overlap = score(tokens, story_tokens(other.title, other.summary), names,
                               their_names.get(other.row_id, set()), other.sort_time - when,
                               weights)
        if value >= MIN_SCORE:
            scored.append(RelatedItem(other.uid, other.feed, other.title, value,
                                      overlap >= WIRE_COPY_OVERLAP, other.published))
    scored.sort(key=lambda r: (-r.score, r.uid))
    return scored[:limit]
