"""Watchlists: find every mention of a watched name in a text, in any spelling, script or case form.

Why this shape. Every stored item is re-matched whenever the watchlist changes, so the scan has to
stay in C: a text is only lower-cased (``fold.search_view``), its word separators made spaces
(``fold.scan_view``), and run through one Aho-Corasick automaton (pyahocorasick) holding
" " + the *stem* of every spelling of every term, so that it only ever matches at word starts.
All spelling knowledge is compiled into that automaton up front:

1. Resolution. A term whose name or alias folds (``fold.skeleton``) to a spelling of a gazetteer
   entry takes all of the entry's listed spellings; the term keeps its own canonical name. A term
   the gazetteer does not know is expanded by rule (``fold.spelling_variants``): other scripts and
   romanisations. Lower-case terms (ordinary words such as "ceasefire") are taken as written,
   with the forms of their word family (``family``: визнати -> визнають, recognise ->
   recognised). A term ending in ``*`` (``recogni*``) is a prefix: any word starting with it.
2. Inflection. Each spelling word becomes stems with the endings it may carry
   (``inflect``: Лаврову, Донецком, Witkoffs, Krymu, Zelenského; ``derived_forms``: путинский,
   Trumpian, putinista, Putinversteher).
3. Verification, per automaton hit: the rest of the word must be one of the stem's endings (so
   Krimi is not Krim, Donation is not Don, Lavra is not Lavrov), a capitalised spelling needs a
   capitalised word (a trump card is not Trump; TRUMP is), and the other words of a multi-word
   term must stand before and after it.
4. Exceptions, per verified mention of a term that has any (``exceptions``: the shipped list and
   the term's own ``not``): a phrase that contains the name but is not about it (Crimean-Congo
   fever, poutine au fromage) drops the mentions it covers.

Overlapping hits are settled longest first; spans are offsets into the original text.
"""

from __future__ import annotations

import hashlib
import json
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache, partial
from itertools import accumulate

import ahocorasick

from tui.core.names import fold
from tui.core.names.exceptions import Exceptions, Phrase, load_exceptions
from tui.core.names.family import families_of, own_spellings
from tui.core.names.gazetteer import Entry, Gazetteer, GazetteerError, load_gazetteer
from tui.core.names.inflect import (
    ANY_ENDING,
    derived_forms,
    inflect,
    is_capitalised,
    shared_endings,
    split_words,
)
from tui.core.names.model import Match, Term
from tui.core.names.translit import APOSTROPHES, has_cyrillic, is_cyrillic, romanize

__all__ = ["Entry", "Gazetteer", "GazetteerError", "Match", "Term", "Watcher", "families_of",
           "load_gazetteer"]

ENGINE_VERSION = 2
"""Bump when matching rules change in a way that alters results, so stored matches are redone."""



# --------------------------------------------------------------------------- compiled patterns


@dataclass(frozen=True, slots=True)
class _Spelling:
    """One way to write a term, with what is needed to inflect and expand it."""

    text: str
    lang: str = ""
    kind: str = ""
    gender: str = ""
    expand: bool = False
    """Generate other scripts and romanisations (names the gazetteer does not know)."""
    prefix: bool = False
    """The last word is a prefix (a term ending in ``*``): any ending."""


# A word form as the verifier needs it: (stem, endings, needs a capitalised word).
_Form = tuple[str, frozenset[str], bool]
# Other words of a multi-word spelling, each a tuple of alternative forms, in the order they
# are checked going away from the anchor word.
_Rest = tuple[tuple[_Form, ...], ...]
# What an automaton key leads to: (endings, capitalised, term index, words before, words after).
_Head = tuple[frozenset[str], bool, int, _Rest, _Rest]

# After a stem: the rest of the word. Letters and digits, and apostrophes inside a word (don't,
# Слов'янськ); an English possessive 's is cut off afterwards.
_TAIL = re.compile(r"[^\W_]*(?:['\u2019\u02bc][^\W_]+)*")
_POSSESSIVE = ("'s", "\u2019s", "\u02bcs")
# Between the words of a multi-word term: spaces and hyphens (Kirill Dmitriev, Rostov-on-Don).
_GAP = re.compile(r"[\s\-\u2010\u2011]+")
_APOSTROPHES = APOSTROPHES
_is_cyrillic = is_cyrillic
# Items scanned as one string by ``find_row_lists``: enough to spread the per-scan costs thin,
# few enough that one item with decomposed accents sends only its block the slow way.
BATCH_ITEMS = 128


def _resolve(
    term: Term, gazetteer: Gazetteer, families: Mapping[str, tuple[str, ...]]
) -> tuple[list[_Spelling], list[Entry]]:
    """The spellings a term compiles to, and the gazetteer entries it names."""
    own = own_spellings(term)
    prefixes = [s for s in own if s.endswith("*")]
    own = [s for s in own if not s.endswith("*")]
    entries = list(dict.fromkeys(e for s in own for e in gazetteer.lookup(s)))
    spellings: list[_Spelling] = [_Spelling(s[:-1].rstrip(), prefix=True) for s in prefixes if s[:-1].strip()]
    for entry in entries:
        spellings += [_Spelling(s, lang, entry.kind, entry.gender) for lang, s in entry.spellings]
        if entry.kind == "place":
            spellings += [_Spelling(s, "en", "place") for s in _adjectival_romanisations(entry)]
    kind = entries[0].kind if len({e.kind for e in entries}) == 1 else ""
    gender = entries[0].gender if len({e.gender for e in entries}) == 1 else ""
    for s in own:
        spellings.append(_Spelling(s, "", kind, gender, expand=not entries))
        if not entries:
            spellings += [_Spelling(form) for form in families.get(s, ()) if form != s]
    return spellings, entries


def _adjectival_romanisations(entry: Entry) -> list[str]:
    """How English-language Ukrainian media write a region as an adjective: Donetska oblast,
    Zaporizka oblast (the Ukrainian feminine, romanised), Donetskaya (the Russian one)."""
    out = []
    for lang, spelling in entry.spellings:
        if lang in ("uk", "ru") and spelling.islower() and has_cyrillic(spelling) and spelling.endswith(("ий", "ый")):
            feminine = spelling[:-2] + ("а" if lang == "uk" else "ая")
            for latin in romanize(feminine, "en_uk" if lang == "uk" else "en_ru"):
                out.append(latin[:1].upper() + latin[1:])
    return out


@lru_cache(maxsize=4096)
def _word_forms(word: str, spelling: _Spelling) -> tuple[_Form, ...]:
    """The forms one word of a spelling compiles to; cached, so rebuilding a watchlist is cheap."""
    capitalised = is_capitalised(word)
    acronym = len(word) > 1 and word.isupper()
    if spelling.expand and capitalised and not acronym:
        surfaces = fold.spelling_variants(word)
    else:
        surfaces = fold.surface_variants(word)
    if spelling.prefix:
        return tuple(sorted((surface, ANY_ENDING, capitalised) for surface in surfaces))
    forms: dict[tuple[str, bool], set[str]] = {}
    # A name the gazetteer does not know may be written in any language's way: every table.
    lang = spelling.lang or ("*" if spelling.expand else "")
    for surface in sorted(surfaces):
        # inflect() reads acronyms and lower-case words from its argument: keep the word's shape.
        shaped = surface.upper() if acronym else surface[:1].upper() + surface[1:] if capitalised else surface
        options = {"kind": spelling.kind, "gender": spelling.gender, "lang": lang}
        for stem, endings in inflect(shaped, **options):
            forms.setdefault((stem, capitalised), set()).update(endings)
        if capitalised:
            for stem, endings in derived_forms(shaped, **options):
                forms.setdefault((stem, False), set()).update(endings)
    return tuple((stem, shared_endings(endings), cap) for (stem, cap), endings in forms.items())


def _word_end(view: str, i: int) -> int:
    """End of the word whose stem ends at ``i``: letters, inner apostrophes, minus a possessive 's."""
    end = _TAIL.match(view, i).end()  # type: ignore[union-attr]  # always matches (may be empty)
    if view.endswith(_POSSESSIVE, i, end):
        end -= 2
    return end


class Watcher:
    """Finds the terms of a watchlist in texts. Build once per watchlist; ``find`` is thread-safe."""

    def __init__(self, terms: Iterable[Term], *, gazetteer: Gazetteer | None = None) -> None:
        self._terms = tuple(terms)
        self._gazetteer: Gazetteer | None = load_gazetteer() if gazetteer is None else gazetteer
        families = families_of(self._terms)
        shipped = load_exceptions()
        self._exceptions: list[Exceptions | None] = []
        heads: dict[str, dict[tuple[bool, int, _Rest, _Rest], set[str]]] = {}
        for index, term in enumerate(self._terms):
            spellings, entries = _resolve(term, self.gazetteer, families)
            phrases = [p for e in entries for p in shipped.get(e.name, ())]
            phrases += [Phrase(p) for p in term.exceptions]
            self._exceptions.append(Exceptions(phrases) if phrases else None)
            for spelling in spellings:
                parts = split_words(spelling.text)
                plain = replace(spelling, prefix=False)
                words = [_word_forms(w, spelling if k == len(parts) - 1 else plain) for k, w in enumerate(parts)]
                if not words:
                    continue
                # The automaton is keyed by the word with the longest stems: in "фон дер Ляйен"
                # or "Ер-Ріяд" the short words would be found inside countless other words.
                anchor = max(range(len(words)), key=lambda k: min(len(f[0]) for f in words[k]))
                before = tuple(reversed(words[:anchor]))
                after = tuple(words[anchor + 1 :])
                for stem, endings, cap in words[anchor]:
                    heads.setdefault(stem, {}).setdefault((cap, index, before, after), set()).update(endings)
        self._heads: dict[str, tuple[_Head, ...]] = {
            stem: tuple(
                (shared_endings(e), cap, index, before, after)
                for (cap, index, before, after), e in sorted(by_head.items(), key=lambda kv: (kv[0][1], kv[0][0]))
            )
            for stem, by_head in heads.items()
        }
        self._set_up()

    @classmethod
    def from_compiled(cls, terms: Iterable[Term], heads: dict[str, tuple[_Head, ...]],
                      exceptions: Sequence[Exceptions | None], *,
                      fingerprint: str | None = None) -> Watcher:
        """The watcher another one compiled for the same terms (``compiled``; its
        ``fingerprint`` if known), without the gazetteer, inflection and dictionary work:
        see ``tui.core.names.compiled``."""
        self = cls.__new__(cls)
        self._terms = tuple(terms)
        self._gazetteer = None      # the shipped one, read if asked for
        self._heads = heads
        self._exceptions = list(exceptions)
        self._set_up()
        if fingerprint is not None:
            self.__dict__["fingerprint"] = fingerprint      # as the cached property keeps it
        return self

    def compiled(self) -> tuple[dict[str, tuple[_Head, ...]], list[Exceptions | None]]:
        """What ``from_compiled`` takes: the automaton's keys and their heads, and each
        term's exception phrases."""
        return self._heads, list(self._exceptions)

    def _set_up(self) -> None:
        """The automaton over the compiled heads, and what ``find`` reads."""
        self._labels = [(term.name, term.category) for term in self._terms]
        self._any_exceptions = any(e is not None for e in self._exceptions)
        self._automaton: ahocorasick.Automaton | None = None
        self._scan = None
        if self._heads:
            automaton = ahocorasick.Automaton()
            for stem, stem_heads in self._heads.items():
                automaton.add_word(" " + stem, (len(stem), stem_heads))
            automaton.make_automaton()
            self._automaton = automaton
            self._scan = automaton.iter

    @property
    def terms(self) -> tuple[Term, ...]:
        return self._terms

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            self._gazetteer = load_gazetteer()
        return self._gazetteer

    @cached_property
    def fingerprint(self) -> str:
        """A stable hash of the effective patterns: when it changes, stored matches are stale."""
        records = []
        keys: dict[frozenset[str], str] = {}  # a few dozen distinct sets of endings, each sorted once
        for stem, stem_heads in self._heads.items():
            for endings, cap, index, before, after in stem_heads:
                term = self._terms[index]
                key = keys.get(endings)
                if key is None:
                    key = keys[endings] = "|".join(sorted(endings))
                records.append(
                    [stem, key, cap, term.name, term.category, _rest_record(before), _rest_record(after)]
                )
        records.sort()
        exceptions = [
            [index, [[p.text, p.initial] for p in found.phrases]]
            for index, found in enumerate(self._exceptions)
            if found is not None
        ]
        payload = json.dumps(
            [ENGINE_VERSION, fold.WORD_SEPARATORS, records, exceptions], ensure_ascii=False, separators=(",", ":")
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    @cached_property
    def term_fingerprints(self) -> tuple[str, ...]:
        """One hash per term, in order, of everything its mentions depend on: its name and
        category, the patterns it compiled to and its exceptions (and the engine's version).
        A term whose hash is unchanged finds exactly what it found before, so a re-match after
        a watchlist edit need only look again where the changed terms are or were."""
        records: list[list] = [[] for _ in self._terms]
        keys: dict[frozenset[str], str] = {}
        for stem, stem_heads in self._heads.items():
            for endings, cap, index, before, after in stem_heads:
                key = keys.get(endings)
                if key is None:
                    key = keys[endings] = "|".join(sorted(endings))
                records[index].append([stem, key, cap, _rest_record(before), _rest_record(after)])
        out = []
        for index, term in enumerate(self._terms):
            found = self._exceptions[index]
            phrases = [[p.text, p.initial] for p in found.phrases] if found is not None else []
            payload = json.dumps([ENGINE_VERSION, fold.WORD_SEPARATORS, term.name, term.category,
                                  sorted(records[index]), phrases],
                                 ensure_ascii=False, separators=(",", ":"))
            out.append(hashlib.sha256(payload.encode("utf-8")).hexdigest())
        return tuple(out)

    def screen(self, indexes: Iterable[int]) -> Callable[[Sequence[str]], list[int]]:
        """A quick test for many texts at once: the positions of the texts in which one of
        these terms (by position in the watchlist) may be mentioned, and of some where none
        is. It looks for a stem of theirs anywhere in the lower-cased text, without the
        word-start, ending, case and context checks of ``find``; the texts are lower-cased
        and scanned as one string, so it costs about what ``str.lower`` does. Join the fields
        of an item with NUL to test them as one text."""
        wanted = set(indexes)
        stems = [stem for stem, heads in self._heads.items() if any(h[2] in wanted for h in heads)]
        if not stems:
            return lambda texts: []
        automaton = ahocorasick.Automaton()
        for stem in stems:
            automaton.add_word(stem, None)
        automaton.make_automaton()
        return partial(_screen, automaton.iter)

    @property
    def stems(self) -> tuple[str, ...]:
        """The stems the automaton holds, for figures and diagnostics."""
        return tuple(self._heads)

    def find(self, text: str, field: str = "title") -> list[Match]:
        """Mentions of the watched terms in ``text``: sorted by start, non-overlapping, longest wins."""
        if not text or self._scan is None:
            return []
        labels = self._labels
        return [Match(s, e, field, *labels[i], text[s:e]) for s, e, i in self._spans(text)]

    def find_fields(self, fields: Mapping[str, str]) -> list[Match]:
        """``find`` over several fields ({"title": ..., "summary": ...}), in the mapping's order.

        The fields are scanned as one string (joined by NUL, which no word or gap crosses):
        one lower-casing and one automaton pass per item instead of one per field.
        """
        return [Match(start, end, field, name, category, text)
                for field, start, end, name, category, text in self.find_rows(fields)]

    def find_rows(self, fields: Mapping[str, str]) -> list[tuple[str, int, int, str, str, str]]:
        """``find_fields`` as plain tuples (field, start, end, name, category, text), the
        columns the cache stores: a whole-cache re-match finds 150,000 mentions, and a Match
        object each costs a fifth of its time.

        The fields are scanned as one string (joined by NUL, which no word, gap or exception
        phrase crosses): one lower-casing and one automaton pass per item, not one per field.
        """
        if self._scan is None:
            return []
        names = [name for name, text in fields.items() if text]
        texts = [text for text in fields.values() if text]
        if not texts:
            return []
        offsets = list(accumulate((len(text) + 1 for text in texts), initial=0))
        joined = "\x00".join(texts)
        view, starts, ends = fold.search_view(joined)
        return self._rows(self._hits(view, joined, starts, ends), joined, offsets, names, ())

    def find_row_lists(self, items: Sequence[Sequence], fields: Sequence[str]) -> list[list[tuple]]:
        """The mentions of many items at once. Each item is a key followed by its texts, one per
        name in ``fields`` (None or "" when it has none); each item gets back the rows
        ``(key, field, start, end, name, category, text)``: ``find_rows`` with the key in front
        (the columns of the cache's matches).

        A whole-cache re-match runs 100,000 items through the matcher, and per item the calls,
        the lower-casing and starting the automaton cost about as much as the item's mentions
        do. So a block of items is scanned as one string, as the fields of one item are, and
        the mentions are then handed back to their items (tests/unit/test_watch.py compares
        the two ways on every kind of text).
        """
        out: list[list[tuple]] = []
        # The texts found, one string object each: the rows go to another process, and
        # pickle writes an object it has seen as a reference (a third of their size and of
        # the time to send them: "Putin" is found thousands of times).
        texts: dict[str, str] = {}
        for begin in range(0, len(items), BATCH_ITEMS):
            out += self._find_block(items[begin : begin + BATCH_ITEMS], fields, texts)
        return out

    def _find_block(self, items: Sequence[Sequence], fields: Sequence[str],
                    found_texts: dict[str, str]) -> list[list[tuple]]:
        """``find_row_lists`` for one block: every field of every item has its slot in the
        joined string (an empty one when the item has no such text), so a mention's slot
        says its item and field, and the block's mentions are settled at once (no mention
        crosses a NUL, so settling them together settles each item's apart)."""
        out: list[list[tuple]] = [[] for _ in items]
        if self._scan is None:
            return out
        width = len(fields)
        texts = [text or "" for item in items for text in item[1 : width + 1]]
        if len(texts) != width * len(items):      # an item short of texts: the rest are empty
            texts = [(item[f] if f < len(item) else None) or "" for item in items
                     for f in range(1, width + 1)]
        joined = "\x00".join(texts)
        view, starts, ends = fold.plain_view(joined), None, None
        if view is None:
            if len(items) > 1:
                # Decomposed accents or a dotted capital I somewhere: each item maps its offsets.
                return [self._find_block([item], fields, found_texts)[0] for item in items]
            view, starts, ends = fold.search_view(joined)
        # Where each slot starts (and the end): each text and its NUL.
        offsets = list(accumulate(map((1).__add__, map(len, texts)), initial=0))
        labels = self._labels
        same_text = found_texts.setdefault
        for s, e, i in _settled(self._hits(view, joined, starts, ends)):
            slot = bisect_right(offsets, s) - 1
            start = offsets[slot]
            k, f = divmod(slot, width)
            text = joined[s:e]
            out[k].append((items[k][0], fields[f], s - start, e - start, *labels[i],
                           same_text(text, text)))
        return out

    def _rows(self, hits: list[tuple[int, int, int]], joined: str, offsets: list[int],
              names: list[str], key: tuple) -> list[tuple]:
        """The rows of the mentions `hits` in `joined`, texts joined by NUL that start at
        `offsets` and are the fields `names`: `key`, then field, start and end in the field,
        name, category and the text found; overlapping mentions settled longest first."""
        labels = self._labels
        rows = []
        for s, e, i in _longest_first(hits):
            piece = bisect_right(offsets, s) - 1
            start = offsets[piece]
            rows.append((*key, names[piece], s - start, e - start, *labels[i], joined[s:e]))
        return rows

    def _spans(self, text: str) -> list[tuple[int, int, int]]:
        """(start, end, term index) of every verified mention, longest first, sorted by start."""
        view, starts, ends = fold.search_view(text)
        return _longest_first(self._hits(view, text, starts, ends))

    def _hits(self, view: str, text: str, starts: list[int] | None, ends: list[int] | None
              ) -> list[tuple[int, int, int]]:
        """(start, end, term index) of every verified mention of ``text`` (``view`` is its
        ``fold.search_view``), overlapping ones included."""
        scan = self._scan
        assert scan is not None
        size = len(view)
        found: list[tuple[int, int, int]] = []
        tail = _TAIL.match
        # The scanned string has one leading space: a key ending at ``stop`` there is a stem
        # ending right before ``stop`` in the view.
        for stop, (length, heads) in scan(fold.scan_view(view)):
            start = stop - length
            # French elision (d'Ouchakov, l'Ukraine) starts a word; a Ukrainian apostrophe
            # (Слов'янськ) does not.
            if start > 1 and view[start - 1] in _APOSTROPHES and _is_cyrillic(view[start - 2]):
                continue
            ending = ""
            if stop < size:
                after = view[stop]
                if after.isalnum() or after in _APOSTROPHES:
                    # The rest of the word, as ``_word_end`` finds it (inlined: once per hit).
                    stem_end = stop
                    stop = tail(view, stem_end).end()  # type: ignore[union-attr]
                    if view.endswith(_POSSESSIVE, stem_end, stop):
                        stop -= 2
                    ending = view[stem_end:stop]
            upper = None
            for endings, cap, index, words_before, words_after in heads:
                if ending not in endings:
                    continue
                if cap:
                    if upper is None:
                        upper = text[start if starts is None else starts[start]].isupper()
                    if not upper:
                        continue
                first = _precede(view, text, starts, start, words_before) if words_before else start
                end = _follow(view, text, starts, stop, words_after) if words_after else stop
                if first is not None and end is not None:
                    found.append((first, end, index))
        if not found:
            return found
        exceptions = self._exceptions
        if self._any_exceptions:
            found = [
                hit for hit in found
                if exceptions[hit[2]] is None or not exceptions[hit[2]].covers(view, hit[0], hit[1])  # type: ignore[union-attr]
            ]
        if starts is not None and ends is not None:
            found = [(starts[s], ends[e - 1], i) for s, e, i in found]
        return found


def _screen(scan: Callable[[str], Iterable[tuple[int, object]]], texts: Sequence[str]) -> list[int]:
    """``Watcher.screen``'s test: one ``scan`` (a stem automaton) over the texts joined by NUL,
    lower-cased as ``fold.search_view`` does; each text alone where that view is not plain
    ``lower()`` (decomposed accents, a dotted capital I)."""
    joined = "\x00".join(texts)
    view = fold.plain_view(joined)
    if view is None:
        return [k for k, text in enumerate(texts) if any(True for _ in scan(fold.search_view(text)[0]))]
    ends = list(accumulate(len(text) + 1 for text in texts))   # where each text's NUL stands
    found: list[int] = []
    for stop, _ in scan(view):
        k = bisect_right(ends, stop)
        if not found or found[-1] != k:
            found.append(k)
    return found


def _follow(view: str, text: str, starts: list[int] | None, pos: int, rest: _Rest) -> int | None:
    """End of a multi-word match whose anchor word ends at ``pos``, or None."""
    for alternatives in rest:
        gap = _GAP.match(view, pos)
        if gap is None:
            return None
        begin = gap.end()
        for stem, endings, cap in alternatives:
            if not view.startswith(stem, begin):
                continue
            stop = _word_end(view, begin + len(stem))
            if view[begin + len(stem) : stop] in endings and (
                not cap or text[begin if starts is None else starts[begin]].isupper()
            ):
                pos = stop
                break
        else:
            return None
    return pos


def _precede(view: str, text: str, starts: list[int] | None, pos: int, rest: _Rest) -> int | None:
    """Start of a multi-word match whose anchor word starts at ``pos``, or None."""
    for alternatives in rest:
        gap_end = pos
        while pos and (view[pos - 1].isspace() or view[pos - 1] in "-\u2010\u2011"):
            pos -= 1
        if pos == gap_end:
            return None
        word_end = pos
        while pos and (view[pos - 1].isalnum() or view[pos - 1] in _APOSTROPHES):
            pos -= 1
        for stem, endings, cap in alternatives:
            if (
                view.startswith(stem, pos)
                and view[pos + len(stem) : word_end] in endings
                and (not cap or text[pos if starts is None else starts[pos]].isupper())
            ):
                break
        else:
            return None
    return pos


def _rest_record(rest: _Rest) -> list:
    return [sorted([stem, sorted(endings), cap] for stem, endings, cap in word) for word in rest]


def _sorted_apart(found: list[tuple[int, int, int]]) -> bool:
    """Sort the spans by start; whether none of them overlaps another."""
    found.sort()
    previous_end = -1
    for start, end, _ in found:
        if start < previous_end:
            return False
        previous_end = end
    return True


def _longest_first(found: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Keep non-overlapping spans, longest first (then leftmost, then earlier term); sort by start."""
    if _sorted_apart(found):
        return found  # the usual case: nothing overlaps
    chosen: list[tuple[int, int, int]] = []
    for start, end, index in sorted(set(found), key=lambda h: (h[0] - h[1], h[0], h[2])):
        if all(end <= s or start >= e for s, e, _ in chosen):
            chosen.append((start, end, index))
    chosen.sort()
    return chosen


def _settled(found: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """``_longest_first`` over the mentions of many texts at once: each run of mentions that
    overlap one another is settled on its own (a mention can only lose to one it overlaps,
    so this is the same choice), and a long list costs no more than its runs."""
    if _sorted_apart(found):
        return found  # the usual case: nothing overlaps
    settled: list[tuple[int, int, int]] = []
    run: list[tuple[int, int, int]] = []
    run_end = -1
    for hit in found:
        if hit[0] < run_end:
            run.append(hit)
            run_end = max(run_end, hit[1])
        else:
            settled += _longest_first(run) if len(run) > 1 else run
            run = [hit]
            run_end = hit[1]
    settled += _longest_first(run) if len(run) > 1 else run
    return settled
