"""Wrapping for the Line API views (tui/widgets/text_lines.py): the fast line-at-a-time path
for one-cell text gives the very offsets of the word-by-word measure, on every kind of text;
and the shortcuts of measuring (printable text is safe as it is) hold for every character."""

from __future__ import annotations

import random
import sys
import unicodedata

import pytest

from tui.widgets.highlight import _UNSAFE, safe
from tui.widgets.text_lines import _ONE_CELL, wrap_starts, wrap_starts_by_words

PIECES = ["the", "plan", "28-point", "Witkoff's", "Запоріжжя", "Крим", "Selenskyj-Berater",
          "a", "I", "négociations", "Ελλάδα", "x" * 37, "Донецьк" * 6, "…", "—", "«Мир»",
          "中文", "😀", unicodedata.normalize("NFD", "é"), "\u0301", "\ufffd", "\t", "\xa0",
          " ", "  ", "     "]


def texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    out = ["", " ", "     ", "word", " leading", "trailing   ", "x" * 100, "a b", "ab  cd"]
    for _ in range(count):
        words = rng.choices(PIECES[:16] if rng.random() < 0.6 else PIECES, k=rng.randrange(1, 60))
        out.append("".join(w + (" " * rng.choice((0, 1, 1, 1, 2)) if k < len(words) - 1 else "")
                           for k, w in enumerate(words)))
    return out


@pytest.mark.parametrize("width", [1, 2, 3, 5, 8, 13, 21, 40, 77, 120])
def test_the_fast_path_measures_as_word_by_word(width):
    cases = texts(width, 400)
    assert sum(map(_ONE_CELL.issuperset, cases)) > 150          # most take the fast path
    for text in cases:
        assert wrap_starts(text, width) == wrap_starts_by_words(text, width), (text, width)


def test_news_text_takes_the_fast_path_and_wraps_at_spaces():
    text = "Witkoff and Kushner flew to Moscow on Thursday carrying a 28-point plan"
    starts = wrap_starts(text, 20)
    lines = [text[a:b].rstrip() for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
    assert lines == ["Witkoff and Kushner", "flew to Moscow on", "Thursday carrying a",
                     "28-point plan"]
    assert wrap_starts("Запоріжжя " * 5, 12) == [0, 10, 20, 30, 40]


def test_printable_ascii_is_one_cell_text():
    """wrap_starts sends printable ASCII to the fast path without looking at each character."""
    assert _ONE_CELL.issuperset(map(chr, range(0x20, 0x7F)))
    assert wrap_starts("a\tb " * 30, 10) == wrap_starts_by_words("a\tb " * 30, 10)


def test_every_unsafe_character_is_unprintable():
    """safe() returns printable text as it is, without its regex: that is only right if the
    regex can never match a printable character."""
    everything = "".join(map(chr, range(sys.maxunicode + 1)))
    unsafe = set(_UNSAFE.findall(everything))
    assert len(unsafe) > 80 and not any(char.isprintable() for char in unsafe)
    assert safe("Kyiv\u202e says") == "Kyiv\ufffd says"
    assert safe("Київ «мир» — 28-point") == "Київ «мир» — 28-point"
