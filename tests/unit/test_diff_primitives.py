"""The diff's fast primitives give the answers of the plain ones they replace, on every input:
its matching blocks difflib's, its token and word counts the regexes', its collapse
str.split's, its sentence splitting that of the plain loop it replaced. So
the rows built on them are the ones the plain code gave (tests/unit/test_diff_golden.py holds
the rows themselves)."""

from __future__ import annotations

import random
import re
from difflib import SequenceMatcher

import pytest

from tui.core.text.diff import (
    _ABBREVIATIONS,
    _CLOSERS,
    _NUMBER_ABBREVIATIONS,
    _OPENERS,
    _TOKEN,
    _WORD,
    _collapse,
    _count_tokens,
    _count_words,
    _matching_blocks,
    _sentence_spans,
)


def collapsed(blocks: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Adjacent blocks joined, as difflib joins them."""
    out: list[tuple[int, int, int]] = []
    for i, j, size in blocks:
        if out and out[-1][0] + out[-1][2] == i and out[-1][1] + out[-1][2] == j and size:
            out[-1] = (out[-1][0], out[-1][1], out[-1][2] + size)
        else:
            out.append((i, j, size))
    return out


def difflib_blocks(a: list[str], b: list[str], autojunk: bool) -> list[tuple[int, int, int]]:
    return [tuple(block) for block in SequenceMatcher(None, a, b, autojunk=autojunk).get_matching_blocks()]


@pytest.mark.parametrize("seed", range(40))
def test_the_same_blocks_as_difflib(seed):
    rng = random.Random(seed)
    for _ in range(100):
        alphabet = [f"w{k}" for k in range(rng.randint(1, 8))]
        a = [rng.choice(alphabet) for _ in range(rng.randint(0, 40))]
        b = list(a) if rng.random() < 0.5 else [rng.choice(alphabet) for _ in range(rng.randint(0, 40))]
        for _ in range(rng.randint(0, 6)):            # a few edits of a copy: the usual case
            if b:
                k = rng.randrange(len(b))
                b[k : k + rng.randint(0, 3)] = [rng.choice(alphabet) for _ in range(rng.randint(0, 3))]
        mine = _matching_blocks(a, b)
        assert collapsed(mine) == difflib_blocks(a, b, autojunk=False)
        assert mine == sorted(mine) and mine[-1] == (len(a), len(b), 0)


def test_below_200_elements_autojunk_changes_nothing():
    """difflib's autojunk only starts at 200 elements on the second side: below, its default
    SequenceMatcher and the diff's blocks agree (the sentence alignment relies on it)."""
    rng = random.Random(7)
    for size in (50, 150, 199):
        a = [rng.choice("abc") for _ in range(size)]
        b = [rng.choice("abc") for _ in range(size)]
        assert collapsed(_matching_blocks(a, b)) == difflib_blocks(a, b, autojunk=True)


# Letters and digits of several scripts, inner joiners, punctuation, symbols, marks, every kind
# of whitespace, and characters that are none of these.
CHARACTERS = ("aZß9_ÄöЖжїІ٣五ｱ" "-\u2010\u2011'\u2019.,:/" "!?;()«»\u201e\u201c\u2014\u2026$%"
              "\u0301\u00b2\u2153" " \t\n\r\x0b\x0c\x1c\x85\u00a0\u2002\u2028\u3000" "\x00\x7f\u200b\ufeff")


def random_text(rng: random.Random) -> str:
    return "".join(rng.choice(CHARACTERS) if rng.random() < 0.6 else rng.choice("ab .") for _ in range(rng.randint(0, 30)))


@pytest.mark.parametrize("seed", range(20))
def test_token_and_word_counts_are_the_regex_counts(seed):
    rng = random.Random(seed)
    for _ in range(500):
        text = random_text(rng)
        assert _count_tokens(text) == len(_TOKEN.findall(text)), repr(text)
        assert _count_words(text) == len(_WORD.findall(text)), repr(text)


@pytest.mark.parametrize("seed", range(20))
def test_collapse_is_split_and_join(seed):
    rng = random.Random(seed)
    for _ in range(500):
        text = random_text(rng)
        assert _collapse(text) == " ".join(text.split()), repr(text)


_PLAIN_SENTENCE_END = re.compile(r"[.!?\u2026]+[)\]\"'\u2019\u201d\u00bb]*(?=\s)")


def plain_sentence_spans(text: str) -> list[tuple[int, int]]:
    """The sentence splitting as first written: one pattern, a character at a time."""
    spans = []
    start = 0
    for match in _PLAIN_SENTENCE_END.finditer(text):
        following = match.end()
        while following < len(text) and text[following].isspace():
            following += 1
        if following >= len(text):
            continue
        char = text[following]
        if char in _OPENERS:
            after = text[following + 1 : following + 2]
            opens = not after or not after.islower()
        else:
            opens = char.isdigit() or (char.isalpha() and not char.islower())
        if not opens:
            continue
        if match.group().rstrip(_CLOSERS) == ".":
            word_start = match.start()
            while word_start > 0 and not text[word_start - 1].isspace():
                word_start -= 1
            word = text[word_start : match.start()].lstrip(_OPENERS)
            lowered = word.casefold()
            if word and ("." in word or (len(word) == 1 and word.isalpha()) or (word.isdigit() and len(word) <= 2)
                         or lowered in _ABBREVIATIONS or (lowered in _NUMBER_ABBREVIATIONS and char.isdigit())):
                continue
        spans.append((start, match.end()))
        start = following
    end = len(text.rstrip())
    if start < end:
        spans.append((start, end))
    return spans


SENTENCE_PIECES = [*"aZß9_ÄöЖж五", *".!?…)]\"'’”»«„“([—–-¿¡,:", " ", "  ", "\t", "\n", "\u00a0", "\u2028", "\x85",
                   "\u200b", "Dr", "z", "B", "U.S", "No", "5", "28", "am", "ст", "п", "т.е", "Mr", "etc"]


@pytest.mark.parametrize("seed", range(20))
def test_sentence_splitting_is_the_plain_loops(seed):
    rng = random.Random(seed)
    for _ in range(2_000):
        text = "".join(rng.choice(SENTENCE_PIECES) for _ in range(rng.randint(0, 30)))
        assert _sentence_spans(text) == plain_sentence_spans(text), repr(text)
