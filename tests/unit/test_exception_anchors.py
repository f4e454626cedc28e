"""The exception phrases' anchor test is only a shortcut: over texts full of the shipped
phrases (and the labelled watchlist set), `covers` answers exactly what searching the
phrases answers, for every word of every text taken as the mention."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from tui.core.names.exceptions import Exceptions, load_exceptions

DATA = Path(__file__).resolve().parents[1] / "data"
WORD = re.compile(r"\w+")


def texts_with(phrases) -> list[str]:
    """Each phrase in a sentence (a starred word given an ending), at a sentence's start and
    inside one, and all of a term's phrases run together."""
    out = []
    for phrase in phrases:
        written = phrase.text.replace("*", "ой")
        out += [f"{written} again in the news", f"Officials said {written} was discussed.",
                f"Сообщается: {written}, а также другое"]
    out.append(" ".join(p.text.replace("*", "а") for p in phrases))
    return out


def labelled_texts() -> list[str]:
    lines = (DATA / "watch_labelled.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["text"] for line in lines if line.strip()]


def test_covers_answers_what_the_search_answers():
    shipped = load_exceptions()
    assert shipped, "the shipped exceptions are empty"
    checked = covered = 0
    for phrases in shipped.values():
        exceptions = Exceptions(phrases)
        for text in texts_with(phrases) + labelled_texts():
            view = unicodedata.normalize("NFC", text).lower()
            for word in WORD.finditer(view):
                expected = exceptions.search_covers(view, word.start(), word.end())
                assert exceptions.covers(view, word.start(), word.end()) == expected, \
                    (phrases[0].text, text, word.group())
                checked += 1
                covered += expected
    assert covered > 100 and checked > 10 * covered      # both answers were put to the test
