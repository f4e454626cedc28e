"""The rows `wirewatch diff --json` and `compare --json` print, pinned: each case's rows (op,
texts, change spans, moves) hashed as the diff gave them before the speed work of issue 15
(tests/data/diff_rows_golden.json), so any change to the core that is meant to be faster only
must leave every one of them as it was. A change meant to alter rows updates the file, with
the reason in its commit."""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

import pytest

from tests.bench.bench_diff_extract import article, edit, render
from tui.core.text.diff import diff_texts

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "diff_rows_golden.json"
EDITS = {
    "newsroom": {"touched": 0.08, "replaced": 0.02, "dropped": 0.02, "added": 0.02, "moved": 0.03,
                 "resplit": 0.03},
    "heavy": {"touched": 0.40, "replaced": 0.20, "dropped": 0.10, "added": 0.10, "moved": 0.15,
              "resplit": 0.10},
    "every sentence": {"touched": 1.0, "replaced": 0.0, "dropped": 0.0, "added": 0.0,
                       "moved": 0.0, "resplit": 0.0},
}


def cases() -> list[tuple[str, str, str]]:
    out = []
    for words in (300, 1_500, 20_000):
        for kind, edits in EDITS.items():
            rng = random.Random(f"{words} {kind}")
            original = article(rng, words)
            out.append((f"{words} words, {kind}", render(original),
                        render(edit(rng, original, **edits))))
        rng = random.Random(f"{words} unrelated")
        out.append((f"{words} words, unrelated", render(article(rng, words)),
                    render(article(rng, words))))
    return out


def digest(old: str, new: str) -> str:
    rows = [row.to_json() for row in diff_texts(old, new)]
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()


@pytest.mark.parametrize(("label", "old", "new"), cases(), ids=[c[0] for c in cases()])
def test_rows_are_those_pinned(label, old, new):
    assert digest(old, new) == json.loads(GOLDEN.read_text(encoding="utf-8"))[label]
