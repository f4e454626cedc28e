"""Aligned side-by-side rows for two versions of an article, or two outlets' reports of one story.

Articles are edited in units: a paragraph is added, a sentence rewritten, a number corrected.
A character-level diff (diff-match-patch) gives up on heavy rewrites and reports "everything
changed"; one word-level diff over a whole article is slow and lines up common words across
unrelated sentences. So the alignment goes coarse to fine:

1. unchanged paragraphs anchor the alignment (difflib over whole paragraphs);
2. inside each changed stretch, unchanged sentences anchor it again (difflib over sentences);
3. the sentences left over are paired by the words they share (candidates found through their
   rarest word bigrams, then the heaviest chain of similar pairs that keeps both orders), and
   each pair gets a word diff whose changed words become highlight spans.

A changed paragraph that still maps onto exactly one new paragraph, and is mostly the same,
becomes one row; a paragraph that was split, merged or largely rewritten is shown sentence by
sentence, so kept sentences still line up as equal rows. A deleted and an inserted unit with the
same (or nearly the same) text are marked as moved.

Everything is pure Python: difflib's algorithm (`_matching_blocks`: the same blocks, without
its objects), sets of words, and str methods, which scan in C, wherever they give the very
answer of a slower way. Two 1,500-word versions take 2 ms, two 20,000-word versions with
newsroom edits 30, a heavy rewrite of a 24,000-word article 80 (tests/bench/bench_diff_extract.py
and bench_diff_screen.py; 1.5 to 1.7 times as long before the speed work of issue 15, which
tests/unit/test_diff_golden.py holds to the very same rows). The rows depend only on the two
texts, never on set order or string hashing, so the CLI and the dashboard always agree.
"""

from __future__ import annotations

import re
import string
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import accumulate, chain, filterfalse, pairwise, repeat
from operator import mul, sub
from typing import Literal

from tui.core.collector import cycle_collection_paused

__all__ = ["DiffStats", "Row", "RowOp", "diff_stats", "diff_texts", "document_row_tuples", "document_rows",
           "split_paragraphs", "split_sentences", "word_changes"]

RowOp = Literal["equal", "replace", "delete", "insert"]
Span = tuple[int, int]

# Two sentences are the "same sentence, edited" when this share of their distinct words is common
# (Dice coefficient); below it they are shown as a deletion and an insertion.
PAIR_MIN_SIMILARITY = 0.4
# A paragraph that maps onto one new paragraph and keeps this share of its tokens was edited, and
# is one row; below it, it was rewritten, and is shown sentence by sentence so that the sentences
# it kept line up as equal rows.
PARAGRAPH_ROW_MIN_SIMILARITY = 0.65
# Longer paragraphs are shown sentence by sentence: one highlighted word in a wall of text helps nobody.
PARAGRAPH_ROW_MAX_WORDS = 300
# A deleted and an inserted unit this similar are one unit that moved (and perhaps was touched up).
MOVE_MIN_SIMILARITY = 0.8
MOVE_MIN_WORDS = 3
# Up to this many units on the new side, every pair is compared; beyond, see `_Search`.
EXHAUSTIVE_MAX_UNITS = 16
# Changed words separated by a single kept token are highlighted as one stretch (no confetti).
HIGHLIGHT_JOIN_GAP = 1
# difflib is quadratic on long token runs with repeats; a unit of thousands of words without a
# sentence end is not prose, and its changed middle is highlighted as a whole.
WORD_DIFF_MAX_TOKENS = 2_000


@dataclass(frozen=True, slots=True)
class Row:
    """One aligned unit (a paragraph or a sentence) of a side-by-side diff.

    `left_changes`/`right_changes` are character spans of the changed words inside `left`/`right`,
    for highlighting a `replace` row (or a moved unit that was also touched up); a plain
    `delete`/`insert` row is changed as a whole and carries no spans.
    """

    op: RowOp
    left: str
    right: str
    left_changes: tuple[Span, ...] = ()
    right_changes: tuple[Span, ...] = ()
    moved: bool = False

    def to_json(self) -> dict[str, object]:
        """The stable JSON shape of SPEC.md (`diff --json`, `compare --json`)."""
        data: dict[str, object] = {"op": self.op, "left": self.left, "right": self.right,
                                   "left_changes": [list(span) for span in self.left_changes],
                                   "right_changes": [list(span) for span in self.right_changes]}
        if self.moved:
            data["moved"] = True
        return data


@dataclass(frozen=True, slots=True)
class DiffStats:
    """How much changed, in units (rows) and words, for summaries and version lists."""

    equal: int = 0
    changed: int = 0
    inserted: int = 0
    deleted: int = 0
    moved: int = 0
    words_added: int = 0
    words_removed: int = 0

    @property
    def changed_words(self) -> int:
        return self.words_added + self.words_removed

    @property
    def unchanged(self) -> bool:
        return not (self.changed or self.inserted or self.deleted or self.moved)

    def describe(self) -> str:
        """A short plain-text summary such as "2 changed, 1 added, 1 moved (+14/-9 words)"."""
        if self.unchanged:
            return "no changes"
        parts = [
            f"{count} {label}"
            for count, label in (
                (self.changed, "changed"),
                (self.inserted, "added"),
                (self.deleted, "removed"),
                (self.moved, "moved"),
            )
            if count
        ]
        return f"{', '.join(parts)} (+{self.words_added}/-{self.words_removed} words)"


# ---------------------------------------------------------------------------------------------
# Units: paragraphs, sentences, words

# A word keeps its inner hyphens, apostrophes and number punctuation ("28-point", "Kremlin's",
# "28.11", "1,500", "12:30"); any other non-space character is a token of its own.
_WORD_PATTERN = r"\w+(?:[-\u2010\u2011'\u2019.,:/]\w+)*"
_WORD = re.compile(_WORD_PATTERN)
_TOKEN = re.compile(_WORD_PATTERN + r"|[^\w\s]")
# Sentence-ending punctuation, closing quotes or brackets, then whitespace (its run captured).
_SENTENCE_END = re.compile(r"[.!?\u2026]+[)\]\"'\u2019\u201d\u00bb]*(?=(\s+))")
# The same where the only stop is the full stop (most paragraphs): a pattern opening with one
# literal character is searched for four times faster than one opening with a class.
_FULL_STOP_END = re.compile(r"\.[.]*[)\]\"'\u2019\u201d\u00bb]*(?=(\s+))")
_CLOSERS = ")]\"'\u2019\u201d\u00bb"
# Besides a capital or a digit, a sentence may open with a quote, a bracket or a dialogue dash.
_OPENERS = "\"'(\u00ab\u201c\u201e\u2018\u201a[\u2014\u2013-\u00bf\u00a1"
# Stripped from both ends of a whitespace-separated token to get a word for comparison.
_EDGE_PUNCTUATION = string.punctuation + "\u00ab\u00bb\u201c\u201d\u201e\u2018\u2019\u201a\u2014\u2013\u2026"

# Abbreviations that end in a full stop but rarely end a sentence (English, German, Russian,
# Ukrainian), lower-cased and without the stop. Single letters ("z. B.", "В. В. Путин") and
# words with inner stops ("U.S.", "z.B.", "т.е.") are recognised without a list.
_ABBREVIATIONS = frozenset(
    """
    mr mrs ms messrs dr prof sen sens rep reps gov gen col lt sgt capt cmdr adm maj brig jr sr
    st mt ft inc ltd co corp bros vs etc approx dept univ jan feb mar apr jun jul aug sep sept
    oct nov dec tue tues thu thurs fri rev hon pres ave blvd
    bzw ca evtl ggf inkl hr hrn fr bd bspw bzgl ehem einschl jh jhd mio mrd sog tel usw vgl
    zzt dt engl frz russ ukr abg präs vors stv geb
    ул просп пл проф акад доц млн млрд тыс тис руб грн долл коп обл стр гл ред англ рус укр
    нем див напр
    """.split()  # noqa: SIM905 (a list of words reads best as words)
)
# Abbreviations that stand before a number: "No. 5", "Nr. 12", "Art. 3", "ст. 5", "п. 2".
_NUMBER_ABBREVIATIONS = frozenset("no nos nr art abs ziff s p pp vol ст п ч".split())  # noqa: SIM905


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of plain text: every non-blank line, stripped (blank lines only separate)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def split_sentences(paragraph: str) -> list[str]:
    """The sentences of one paragraph, each stripped; see `_sentence_spans` for the rules."""
    return [paragraph[start:end] for start, end in _sentence_spans(paragraph)]


def _sentence_spans(text: str) -> list[Span]:
    """Split after ., !, ?, or … followed by space and something that can open a sentence.

    A full stop after an abbreviation ("Dr.", "z. B.", "U.S."), an initial, or a day or ordinal
    number ("28.11.", "am 28. November") does not end a sentence: a missed split only makes a
    unit longer, while a false one cuts a name or a date in two.
    """
    spans: list[Span] = []
    start = 0
    ends = _SENTENCE_END if "?" in text or "!" in text or "\u2026" in text else _FULL_STOP_END
    for match in ends.finditer(text):
        following = match.end(1)  # past the spaces after the stop
        if following >= len(text) or not _opens_sentence(text, following):
            continue
        if match.group().rstrip(_CLOSERS) == "." and _is_abbreviation(text, match.start(), text[following]):
            continue
        spans.append((start, match.end()))
        start = following
    end = len(text.rstrip())
    if start < end:
        spans.append((start, end))
    return spans


def _opens_sentence(text: str, index: int) -> bool:
    char = text[index]
    if char in _OPENERS:
        following = text[index + 1 : index + 2]
        return not following or not following.islower()
    # Upper-case letters, digits, and letters of scripts without case all open a sentence.
    return char.isdigit() or (char.isalpha() and not char.islower())


def _is_abbreviation(text: str, stop: int, next_char: str) -> bool:
    # The word before the stop: after the last space, unless some other whitespace (never
    # printable) comes later; then after the last whitespace of any kind.
    word_start = text.rfind(" ", 0, stop) + 1
    if not text[word_start:stop].isprintable():
        word_start = stop
        while word_start > 0 and not text[word_start - 1].isspace():
            word_start -= 1
    word = text[word_start:stop].lstrip(_OPENERS)
    if not word:
        return False
    if "." in word or (len(word) == 1 and word.isalpha()):
        return True
    if word.isdigit() and len(word) <= 2:
        return True
    lowered = word.casefold()
    return lowered in _ABBREVIATIONS or (lowered in _NUMBER_ABBREVIATIONS and next_char.isdigit())


def _collapse(text: str) -> str:
    """Runs of whitespace made one space, and none at the ends. Most units have nothing to
    collapse, which two C scans tell: every whitespace but the space is unprintable."""
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


class _Features:
    """What pairing and move detection compare a unit by: its distinct case-folded words, and
    its word bigrams, which say far better than single words which units belong together (made
    only when asked for: small stretches compare every pair and never need them)."""

    __slots__ = ("_bigrams", "_words", "size", "words")

    def __init__(self, words: list[str]) -> None:
        self._words = words
        self.words = frozenset(words)
        self.size = len(self.words)
        self._bigrams: frozenset[tuple[str, str]] | None = None

    @property
    def bigrams(self) -> frozenset[tuple[str, str]]:
        if self._bigrams is None:
            words = self._words
            self._bigrams = frozenset(pairwise(words)) if len(words) > 1 else frozenset((w, "") for w in words)
        return self._bigrams


class _WordOf(dict[str, str]):
    """The word a whitespace-separated token is compared by: case-folded, edge punctuation
    stripped ("" when nothing is left). str.split and strip, not the word regex: five times
    faster; and a token is looked up, not folded again, each time it recurs."""

    def __missing__(self, token: str) -> str:
        word = self[token] = token.casefold().strip(_EDGE_PUNCTUATION)
        return word


class _Keys(dict[str, str]):
    """Units' texts with their whitespace collapsed, by text, for one diff: what units are
    matched by, asked again about the deleted and inserted ones when moves are marked."""

    def __missing__(self, text: str) -> str:
        key = self[text] = _collapse(text)
        return key


class _FeatureCache(dict[str, _Features]):
    """Features by text, for one diff: move detection asks again about units pairing saw."""

    def __init__(self) -> None:
        super().__init__()
        self._word_of = _WordOf().__getitem__

    def __missing__(self, text: str) -> _Features:
        # Case folding never makes or removes whitespace: folding token by token splits alike.
        features = self[text] = _Features(list(filter(None, map(self._word_of, text.split()))))
        return features


def _count_words(text: str) -> int:
    """How many words `_WORD` finds (see `_count_matches`)."""
    return _count_matches(_WORD, text)


def _count_tokens(text: str) -> int:
    """How many tokens `_TOKEN` finds (see `_count_matches`)."""
    return _count_matches(_TOKEN, text)


def _count_matches(pattern: re.Pattern[str], text: str) -> int:
    """How many words or tokens `pattern` finds in `text`, five times faster than the regex
    alone: none spans whitespace, and a piece between spaces made only of letters and digits
    (most of them) is exactly one; only the other pieces need the regex."""
    pieces = text.split()
    odd = list(filterfalse(str.isalnum, pieces))
    if not odd:
        return len(pieces)
    return len(pieces) - len(odd) + len(pattern.findall(" ".join(odd)))


class _Sentences:
    """The sentences of a run of changed paragraphs, in parallel lists: their text, the key
    they are matched by (whitespace collapsed), their paragraph, and where they sit in it."""

    __slots__ = ("ends", "keys", "paragraphs", "starts", "texts")

    def __init__(self, paragraphs: Sequence[str], keys: _Keys) -> None:
        self.texts: list[str] = []
        self.keys: list[str] = []
        self.paragraphs: list[int] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        texts, sentence_keys = self.texts, self.keys
        for index, paragraph in enumerate(paragraphs):
            spans = _sentence_spans(paragraph)
            sentences = [paragraph[start:end] for start, end in spans]
            texts.extend(sentences)
            # A sentence starts and ends with a visible character: in a paragraph with nothing
            # to collapse, it has nothing to collapse either.
            sentence_keys.extend(sentences if keys[paragraph] == paragraph else map(_collapse, sentences))
            self.paragraphs.extend(repeat(index, len(spans)))
            self.starts.extend(start for start, _ in spans)
            self.ends.extend(end for _, end in spans)


# ---------------------------------------------------------------------------------------------
# Word diff of two units


class _WordDiff:
    """Changed-word spans of two units, and how many of their tokens were kept (counted only
    when asked: a paragraph row weighs its sentences by them, nothing else does)."""

    __slots__ = ("_end", "_head", "_middle_kept", "_middle_total", "_outer", "_text", "left", "right")

    def __init__(self, left: tuple[Span, ...], right: tuple[Span, ...], text: str, head: int, end: int,
                 middle_kept: int, middle_total: int) -> None:
        self.left = left
        self.right = right
        self._text, self._head, self._end = text, head, end  # the left text, where its middle is
        self._middle_kept = middle_kept  # tokens of the middles kept, on one side
        self._middle_total = middle_total  # tokens of the middles, on both sides
        self._outer: int | None = None

    @property
    def outer(self) -> int:
        """Tokens of the common head and tail, on one side."""
        if self._outer is None:
            self._outer = _count_tokens(self._text[: self._head]) + _count_tokens(self._text[self._end :])
        return self._outer

    @property
    def kept(self) -> int:
        """Tokens kept, counted on both sides."""
        return 2 * (self.outer + self._middle_kept)

    @property
    def total(self) -> int:
        """Tokens on both sides."""
        return 2 * self.outer + self._middle_total


def _word_diff(left: str, right: str) -> _WordDiff:
    """Changed-word spans of two short texts (a sentence or a paragraph), token by token.

    Most edits touch a word or two. So the common head and tail are found by comparing the
    strings themselves (cut back to whitespace, so no token is split), and only the middle is
    tokenized and handed to difflib's algorithm: a thousand edited sentence pairs cost a few
    milliseconds.
    """
    head = _common_prefix_length(left, right)
    while not _starts_token(left, head):  # the same text up to `head`, so the same cut in `right`
        head -= 1
    tail = _common_suffix_length(left, right, min(len(left), len(right)) - head)
    while tail and not (_starts_token(left, len(left) - tail) and _starts_token(right, len(right) - tail)):
        tail -= 1
    left_end, right_end = len(left) - tail, len(right) - tail
    a = list(_TOKEN.finditer(left, head, left_end))
    b = list(_TOKEN.finditer(right, head, right_end))
    kept = 0
    changes: list[list[int]] = []
    if a and b and max(len(a), len(b)) <= WORD_DIFF_MAX_TOKENS:
        i = j = 0
        for block_i, block_j, size in _matching_blocks([m.group() for m in a], [m.group() for m in b]):
            if i < block_i or j < block_j:  # difflib's replace, delete or insert before the block
                if changes and i - changes[-1][1] <= HIGHLIGHT_JOIN_GAP:
                    changes[-1][1], changes[-1][3] = block_i, block_j
                else:
                    changes.append([i, block_i, j, block_j])
            kept += size
            i, j = block_i + size, block_j + size
    elif a or b:  # one side only, or a middle too long for difflib: changed as a whole
        changes.append([0, len(a), 0, len(b)])
    left_spans = tuple((a[i1].start(), a[i2 - 1].end()) for i1, i2, _, _ in changes if i2 > i1)
    right_spans = tuple((b[j1].start(), b[j2 - 1].end()) for _, _, j1, j2 in changes if j2 > j1)
    return _WordDiff(left_spans, right_spans, left, head, left_end, kept, len(a) + len(b))


def _matching_blocks(a: Sequence[str], b: Sequence[str]) -> list[tuple[int, int, int]]:
    """The blocks difflib's SequenceMatcher(None, a, b, autojunk=False) matches, in order, and
    then (len(a), len(b), 0). Adjacent blocks are not joined: the callers only look at the gaps
    between blocks, which joining does not change.

    The same algorithm (the longest common run, the first of equally long ones in `a`, then in
    `b`; then the same on each side of it) without difflib's objects and its junk handling,
    which with no junk does nothing: a third of the time on the short runs of edited sentences.
    tests/unit/test_diff_primitives.py holds it to difflib's answers.
    """
    b2j: dict[str, list[int]] = {}
    for j, token in enumerate(b):
        positions = b2j.get(token)
        if positions is None:
            b2j[token] = [j]
        else:
            positions.append(j)
    nothing: list[int] = []
    blocks: list[tuple[int, int, int]] = []
    queue = [(0, len(a), 0, len(b))]
    while queue:
        alo, ahi, blo, bhi = queue.pop()
        best_i = best_j = best_size = 0
        run_at: dict[int, int] = {}  # j: length of the common run ending at a[i - 1] and b[j]
        for i in range(alo, ahi):
            previous = run_at.get
            run_at = {}
            for j in b2j.get(a[i], nothing):
                if j < blo:
                    continue
                if j >= bhi:
                    break
                size = run_at[j] = previous(j - 1, 0) + 1
                if size > best_size:
                    best_i, best_j, best_size = i - size + 1, j - size + 1, size
        if best_size:
            blocks.append((best_i, best_j, best_size))
            if alo < best_i and blo < best_j:
                queue.append((alo, best_i, blo, best_j))
            if best_i + best_size < ahi and best_j + best_size < bhi:
                queue.append((best_i + best_size, ahi, best_j + best_size, bhi))
    blocks.sort()
    blocks.append((len(a), len(b), 0))
    return blocks


def word_changes(left: str, right: str) -> tuple[tuple[Span, ...], tuple[Span, ...]]:
    """Character spans of the changed words on each side of two short texts (a headline, a
    sentence): the one word diff every view uses."""
    found = _word_diff(left, right)
    return found.left, found.right


def _starts_token(text: str, index: int) -> bool:
    """Whether a cut before `index` leaves every token whole (tokens never span whitespace)."""
    return index == 0 or text[index - 1].isspace()


def _common_prefix_length(left: str, right: str) -> int:
    low, high = 0, min(len(left), len(right))
    while low < high:  # binary search with slice comparisons: C speed, no per-character loop
        middle = (low + high + 1) // 2
        if left[:middle] == right[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _common_suffix_length(left: str, right: str, limit: int) -> int:
    low, high = 0, max(limit, 0)
    while low < high:
        middle = (low + high + 1) // 2
        if left[len(left) - middle :] == right[len(right) - middle :]:
            low = middle
        else:
            high = middle - 1
    return low


# ---------------------------------------------------------------------------------------------
# Pairing units by shared words


@dataclass(frozen=True, slots=True)
class _Search:
    """How hard to look for similar units: what counts as similar, and the effort per unit."""

    min_similarity: float
    postings: int  # postings of its rarest bigrams a unit visits
    keep: int  # best candidates kept from those
    neighbours: int  # units around its proportional position also compared


# Edited sentences may share as little as 40% of their words: look widely, and nearby.
_PAIRING = _Search(PAIR_MIN_SIMILARITY, postings=96, keep=6, neighbours=2)
# A moved unit keeps 80% of its words: its rarest bigrams find it.
_MOVES = _Search(MOVE_MIN_SIMILARITY, postings=96, keep=6, neighbours=0)


def _similar_candidates(
    old: Sequence[_Features], new: Sequence[_Features], search: _Search
) -> list[tuple[float, int, int]]:
    """(similarity, old index, new index) for unit pairs sharing enough words (Dice coefficient).

    Against a few new units every pair is compared. Against many that is quadratic (a million
    pairs for two rewritten 20,000-word texts), so an old unit meets only the units sharing its
    rarest word bigrams, and those just after the previous unit's best match (edited text mostly
    keeps its order, and template-like prose has few rare bigrams).
    """
    least = search.min_similarity
    ratio = least / (2 - least)  # Dice >= least needs the smaller set to be this share of the larger
    # (index, words, their number, and that number times the ratio) of each new unit
    targets = [(k, unit.words, unit.size, ratio * unit.size) for k, unit in enumerate(new)]

    def similar(old_index: int, chosen: Iterable[tuple[int, frozenset[str], int, float]]) -> list[tuple[float, int, int]]:
        unit = old[old_index]
        words, size = unit.words, unit.size
        scaled = ratio * size
        found = []
        for new_index, other, other_size, other_scaled in chosen:
            # ratio * max(sizes) <= min(sizes), with the same products as ever
            if scaled <= other_size if size >= other_size else other_scaled <= size:
                similarity = 2 * len(words & other) / (size + other_size)
                if similarity >= least:
                    found.append((similarity, old_index, new_index))
        return found

    if len(new) <= EXHAUSTIVE_MAX_UNITS:
        return [c for i, unit in enumerate(old) if unit.size for c in similar(i, targets)]
    index = _BigramIndex(new)
    scale = len(new) / len(old)
    follows: int | None = None  # where the previous unit found its best match
    candidates: list[tuple[float, int, int]] = []
    for old_index, unit in enumerate(old):
        if not unit.size:
            continue
        middle = follows + 1 if follows is not None else round(old_index * scale)
        reach = search.neighbours
        nearby = range(max(0, middle - reach), min(len(new), middle + reach + 1)) if reach else range(0)
        sharing = index.sharing(unit, search.postings, search.keep)
        found = similar(old_index, targets[nearby.start : nearby.stop] + [targets[t] for t in sharing if t not in nearby])
        if found:  # the most similar; of equals, the one nearest where it was expected
            follows = max(found, key=lambda c: (c[0], -abs(c[2] - middle), -c[2]))[2]
        candidates += found
    return candidates


class _BigramIndex:
    """Which units share a given unit's rarest word bigrams.

    Ties are broken by unit index, never by set order: string hashing differs between
    processes, and the same two texts must always give the same rows.
    """

    def __init__(self, units: Sequence[_Features]) -> None:
        self.postings: defaultdict[tuple[str, str], list[int]] = defaultdict(list)
        for index, unit in enumerate(units):
            for bigram in unit.bigrams:
                self.postings[bigram].append(index)
        self.span = len(units) + 1  # more than any unit's index

    def sharing(self, unit: _Features, budget: int, keep: int) -> list[int]:
        """The `keep` units sharing most of the rarest bigrams that fit in `budget` postings."""
        shared = sorted(filter(None, map(self.postings.get, unit.bigrams)), key=len)
        sizes = list(map(len, shared))
        # Whole groups of equal rarity (so order-free), rarest first, as long as they fit.
        end = bisect_right(list(accumulate(sizes)), budget)
        while 0 < end < len(sizes) and sizes[end - 1] == sizes[end]:
            end -= 1
        hits = Counter(chain.from_iterable(shared[:end]))
        # Most hits first, then the lowest index: each unit as one integer, hits * span - index,
        # so that the sort compares plain integers.
        span = self.span
        ranked = sorted(map(sub, map(mul, hits.values(), repeat(span)), hits), reverse=True)
        return [-key % span for key in ranked[:keep]]


def _heaviest_chain(candidates: Iterable[tuple[float, int, int]], new_count: int) -> list[tuple[int, int]]:
    """The pairs, increasing on both sides, with the greatest total similarity.

    Weighted longest-increasing-subsequence with a Fenwick tree of prefix maxima: candidates in
    order of old index (new index descending within one old unit, so a unit pairs at most once).
    """
    ordered = sorted(candidates, key=lambda c: (c[1], -c[2]))
    best: list[tuple[float, int]] = [(0.0, -1)] * (new_count + 1)  # Fenwick: (score, candidate)
    back: list[int] = []
    scores: list[float] = []
    for index, (similarity, _, new_index) in enumerate(ordered):
        score, previous = 0.0, -1
        position = new_index  # prefix of new indices < new_index, 1-based
        while position > 0:
            if best[position][0] > score:
                score, previous = best[position]
            position -= position & -position
        score += similarity
        scores.append(score)
        back.append(previous)
        position = new_index + 1
        while position <= new_count:
            if score > best[position][0]:
                best[position] = (score, index)
            position += position & -position
    if not scores:
        return []
    index = max(range(len(scores)), key=scores.__getitem__)
    chain: list[tuple[int, int]] = []
    while index >= 0:
        chain.append((ordered[index][1], ordered[index][2]))
        index = back[index]
    return chain[::-1]


# ---------------------------------------------------------------------------------------------
# Sentence alignment inside a changed stretch of paragraphs


class _Step:
    """One aligned sentence: both sides (kept, or edited when `diff` is set) or only one."""

    __slots__ = ("diff", "new", "old")

    def __init__(self, old: int | None, new: int | None, diff: _WordDiff | None = None) -> None:
        self.old = old
        self.new = new
        self.diff = diff


def _align_sentences(old: _Sentences, new: _Sentences, features: _FeatureCache) -> list[_Step]:
    steps: list[_Step] = []
    i = j = 0
    for block_i, block_j, size in _unit_blocks(old.keys, new.keys):
        if i < block_i and j < block_j:
            steps.extend(_pair_sentences(old.texts[i:block_i], new.texts[j:block_j], i, j, features))
        elif i < block_i:
            steps.extend(_Step(k, None) for k in range(i, block_i))
        elif j < block_j:
            steps.extend(_Step(None, k) for k in range(j, block_j))
        i, j = block_i + size, block_j + size
        steps.extend(map(_Step, range(block_i, i), range(block_j, j)))
    return steps


def _unit_blocks(a: Sequence[str], b: Sequence[str]) -> list[tuple[int, int, int]]:
    """The blocks of SequenceMatcher(None, a, b) over whole units (see `_matching_blocks`).

    difflib's autojunk stays on for units: it only ignores a unit repeated in more than 1% of
    200 or more (an "Advertisement" line), which otherwise makes difflib quadratic. Below 200
    it changes nothing, and the blocks are found without difflib's objects.
    """
    if len(b) < 200:
        return _matching_blocks(a, b)
    return SequenceMatcher(None, a, b).get_matching_blocks()


def _pair_sentences(old: Sequence[str], new: Sequence[str], i0: int, j0: int, features: _FeatureCache) -> list[_Step]:
    """Steps for a stretch of sentences that all differ: edited pairs, deletions, insertions.

    `i0`/`j0` are where the stretch starts among all sentences. Between pairs, deletions come
    before insertions so each side keeps its own order.
    """
    candidates = _similar_candidates([features[s] for s in old], [features[s] for s in new], _PAIRING)
    steps: list[_Step] = []
    i = j = 0
    for s, t in _heaviest_chain(candidates, len(new)):
        steps.extend(_Step(i0 + k, None) for k in range(i, s))
        steps.extend(_Step(None, j0 + k) for k in range(j, t))
        steps.append(_Step(i0 + s, j0 + t, _word_diff(old[s], new[t])))
        i, j = s + 1, t + 1
    steps.extend(_Step(i0 + k, None) for k in range(i, len(old)))
    steps.extend(_Step(None, j0 + k) for k in range(j, len(new)))
    return steps


def _chunks(steps: Sequence[_Step], old: _Sentences, new: _Sentences) -> list[list[_Step]]:
    """Cut the steps into the smallest runs that no paragraph (on either side) straddles."""
    old_of, new_of = old.paragraphs, new.paragraphs
    old_paragraph = [old_of[s.old] if s.old is not None else None for s in steps]
    new_paragraph = [new_of[s.new] if s.new is not None else None for s in steps]
    next_old: list[int | None] = [None] * (len(steps) + 1)
    next_new: list[int | None] = [None] * (len(steps) + 1)
    for k in range(len(steps) - 1, -1, -1):
        next_old[k] = old_paragraph[k] if old_paragraph[k] is not None else next_old[k + 1]
        next_new[k] = new_paragraph[k] if new_paragraph[k] is not None else next_new[k + 1]
    chunks: list[list[_Step]] = []
    current: list[_Step] = []
    last_old: int | None = None
    last_new: int | None = None
    for k, step in enumerate(steps):
        current.append(step)
        last_old = old_paragraph[k] if old_paragraph[k] is not None else last_old
        last_new = new_paragraph[k] if new_paragraph[k] is not None else last_new
        old_closed = last_old is None or next_old[k + 1] is None or next_old[k + 1] != last_old
        new_closed = last_new is None or next_new[k + 1] is None or next_new[k + 1] != last_new
        if old_closed and new_closed:
            chunks.append(current)
            current = []
    if current:
        chunks.append(current)
    return chunks


class _ChangedStretch:
    """A run of paragraphs that differ between the versions, turned into rows."""

    def __init__(self, old_paragraphs: Sequence[str], new_paragraphs: Sequence[str], features: _FeatureCache,
                 keys: _Keys) -> None:
        self.features = features
        self.old_paragraphs = old_paragraphs
        self.new_paragraphs = new_paragraphs
        self.old = _Sentences(old_paragraphs, keys)
        self.new = _Sentences(new_paragraphs, keys)

    def rows(self) -> list[Row]:
        rows: list[Row] = []
        for chunk in _chunks(_align_sentences(self.old, self.new, self.features), self.old, self.new):
            rows.extend(self._chunk_rows(chunk))
        return rows

    def _chunk_rows(self, chunk: Sequence[_Step]) -> list[Row]:
        old_ids = sorted({self.old.paragraphs[s.old] for s in chunk if s.old is not None})
        new_ids = sorted({self.new.paragraphs[s.new] for s in chunk if s.new is not None})
        if not new_ids:
            return [Row("delete", self.old_paragraphs[p], "") for p in old_ids]
        if not old_ids:
            return [Row("insert", "", self.new_paragraphs[p]) for p in new_ids]
        if not any(s.old is not None and s.new is not None for s in chunk):
            return [Row("delete", self.old_paragraphs[p], "") for p in old_ids] + [
                Row("insert", "", self.new_paragraphs[p]) for p in new_ids
            ]
        if len(old_ids) == 1 and len(new_ids) == 1:
            row = self._paragraph_row(chunk, self.old_paragraphs[old_ids[0]], self.new_paragraphs[new_ids[0]])
            if row is not None:
                return [row]
        return [self._sentence_row(step) for step in chunk]

    def _paragraph_row(self, chunk: Sequence[_Step], left: str, right: str) -> Row | None:
        """One row for a paragraph edited in place, its highlights gathered from its sentences."""
        # n words need 2n - 1 characters: a short paragraph need not be split to be counted
        if max(len(left), len(right)) >= 2 * PARAGRAPH_ROW_MAX_WORDS + 1 and (
            max(len(left.split()), len(right.split())) > PARAGRAPH_ROW_MAX_WORDS
        ):
            return None
        old, new = self.old, self.new
        left_spans: list[Span] = []
        right_spans: list[Span] = []
        kept = total = 0
        for step in chunk:
            if step.old is not None and step.new is not None:
                if step.diff is None:  # the same sentence: the same tokens on both sides
                    tokens = 2 * _count_tokens(old.texts[step.old])
                    kept, total = kept + tokens, total + tokens
                    continue
                left_start, right_start = old.starts[step.old], new.starts[step.new]
                left_spans.extend((left_start + a, left_start + b) for a, b in step.diff.left)
                right_spans.extend((right_start + a, right_start + b) for a, b in step.diff.right)
                kept, total = kept + step.diff.kept, total + step.diff.total
            elif step.old is not None:
                left_spans.append((old.starts[step.old], old.ends[step.old]))
                total += _count_tokens(old.texts[step.old])
            elif step.new is not None:
                right_spans.append((new.starts[step.new], new.ends[step.new]))
                total += _count_tokens(new.texts[step.new])
        if total and kept / total < PARAGRAPH_ROW_MIN_SIMILARITY:
            return None
        if not left_spans and not right_spans:
            return Row("equal", left, right)
        return Row("replace", left, right, _join_spans(left, left_spans), _join_spans(right, right_spans))

    def _sentence_row(self, step: _Step) -> Row:
        if step.old is None:
            assert step.new is not None
            return Row("insert", "", self.new.texts[step.new])
        if step.new is None:
            return Row("delete", self.old.texts[step.old], "")
        left, right = self.old.texts[step.old], self.new.texts[step.new]
        if step.diff is None or not (step.diff.left or step.diff.right):
            return Row("equal", left, right)
        return Row("replace", left, right, step.diff.left, step.diff.right)


def _join_spans(text: str, spans: Iterable[Span]) -> tuple[Span, ...]:
    """Sort spans and merge those separated only by whitespace (two deleted sentences in a row)."""
    joined: list[Span] = []
    for start, end in sorted(spans):
        if joined and not text[joined[-1][1] : start].strip():
            joined[-1] = (joined[-1][0], max(end, joined[-1][1]))
        else:
            joined.append((start, end))
    return tuple(joined)


# ---------------------------------------------------------------------------------------------
# Moves


def _movable(unit: _Features) -> bool:
    return len(unit.words) >= MOVE_MIN_WORDS


def _mark_moves(rows: list[Row], features: _FeatureCache, keys: _Keys) -> list[Row]:
    """Mark a deleted unit and an inserted unit with the same (or nearly the same) text as moved."""
    deleted = [k for k, row in enumerate(rows) if row.op == "delete" and _movable(features[row.left])]
    inserted = [k for k, row in enumerate(rows) if row.op == "insert" and _movable(features[row.right])]
    if not deleted or not inserted:
        return rows
    by_key: dict[str, list[int]] = {}
    for k in inserted:
        by_key.setdefault(keys[rows[k].right], []).append(k)
    pairs: list[tuple[int, int]] = []
    for k in deleted:
        matches = by_key.get(keys[rows[k].left])
        if matches:
            pairs.append((k, matches.pop(0)))
    taken = {k for pair in pairs for k in pair}
    rest_deleted = [k for k in deleted if k not in taken]
    rest_inserted = [k for k in inserted if k not in taken]
    candidates = _similar_candidates(
        [features[rows[k].left] for k in rest_deleted], [features[rows[k].right] for k in rest_inserted], _MOVES
    )
    for _, d, i in sorted(candidates, reverse=True):
        if rest_deleted[d] not in taken and rest_inserted[i] not in taken:
            pairs.append((rest_deleted[d], rest_inserted[i]))
            taken.update((rest_deleted[d], rest_inserted[i]))
    marked = list(rows)
    for d, i in pairs:
        left, right = rows[d].left, rows[i].right
        diff = _word_diff(left, right) if keys[left] != keys[right] else None
        marked[d] = Row("delete", left, "", diff.left if diff else (), (), True)
        marked[i] = Row("insert", "", right, (), diff.right if diff else (), True)
    return marked


# ---------------------------------------------------------------------------------------------
# Public entry points


def diff_texts(old: str, new: str) -> list[Row]:
    """Side-by-side rows for two plain texts (paragraphs separated by newlines or blank lines)."""
    with cycle_collection_paused():
        return _diff_texts(old, new)


def _diff_texts(old: str, new: str) -> list[Row]:
    old_paragraphs = split_paragraphs(old)
    new_paragraphs = split_paragraphs(new)
    keys = _Keys()
    features = _FeatureCache()
    rows: list[Row] = []
    i = j = 0
    for block_i, block_j, size in _unit_blocks([keys[p] for p in old_paragraphs], [keys[p] for p in new_paragraphs]):
        if i < block_i and j < block_j:
            rows.extend(_ChangedStretch(old_paragraphs[i:block_i], new_paragraphs[j:block_j], features, keys).rows())
        elif i < block_i:
            rows.extend(Row("delete", p, "") for p in old_paragraphs[i:block_i])
        elif j < block_j:
            rows.extend(Row("insert", "", p) for p in new_paragraphs[j:block_j])
        i, j = block_i + size, block_j + size
        rows.extend(map(Row, repeat("equal"), old_paragraphs[block_i:i], new_paragraphs[block_j:j]))
    return _mark_moves(rows, features, keys)


def document_rows(old: Sequence[str | None], new: Sequence[str | None]) -> tuple[Row, ...]:
    """Side-by-side rows of two documents given field by field (headline, summary, text).

    Fields are aligned with their own kind: a headline is never paired with a paragraph.
    """
    rows: list[Row] = []
    for left, right in zip(old, new):
        rows.extend(_field_rows(left or "", right or ""))
    return tuple(rows)


def document_row_tuples(old: Sequence[str | None], new: Sequence[str | None]) -> list[tuple]:
    """`document_rows` as plain tuples (`Row(*fields)` makes each a Row again): what a helper
    process sends back, as the unpickling of 1,200 Rows would hold the receiver's interpreter
    lock for 10 ms in one go, and that of their tuples for 2."""
    return [(row.op, row.left, row.right, row.left_changes, row.right_changes, row.moved)
            for row in document_rows(old, new)]


def _field_rows(old: str, new: str) -> list[Row]:
    """Rows for one field (headline, teaser, text). A headline or a one-paragraph teaser is a
    single unit on each side: however much it was rewritten, it stays one row side by side,
    never a deletion and an unrelated-looking insertion."""
    rows = diff_texts(old, new)
    single = len(split_paragraphs(old)) == 1 and len(split_paragraphs(new)) == 1
    if single and not any(row.op in ("equal", "replace") for row in rows):
        left, right = old.strip(), new.strip()
        rows = [Row("replace", left, right, *word_changes(left, right))]
    return rows


def diff_stats(rows: Iterable[Row]) -> DiffStats:
    """Count rows by kind, and the words added and removed (a move adds and removes nothing new)."""
    counts: Counter[str] = Counter()
    added = removed = 0
    for row in rows:
        if row.moved:
            counts["moved"] += row.op == "insert"
            added += sum(_count_words(row.right[a:b]) for a, b in row.right_changes)
            removed += sum(_count_words(row.left[a:b]) for a, b in row.left_changes)
        elif row.op == "insert":
            counts["inserted"] += 1
            added += _count_words(row.right)
        elif row.op == "delete":
            counts["deleted"] += 1
            removed += _count_words(row.left)
        elif row.op == "replace":
            counts["changed"] += 1
            added += sum(_count_words(row.right[a:b]) for a, b in row.right_changes)
            removed += sum(_count_words(row.left[a:b]) for a, b in row.left_changes)
        else:
            counts["equal"] += 1
    return DiffStats(
        equal=counts["equal"],
        changed=counts["changed"],
        inserted=counts["inserted"],
        deleted=counts["deleted"],
        moved=counts["moved"],
        words_added=added,
        words_removed=removed,
    )
