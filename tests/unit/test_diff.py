"""The diff engine: aligned rows, highlighted words, moves, and sentence splitting."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tui.core.text.diff import (
    Row,
    diff_stats,
    diff_texts,
    split_paragraphs,
    split_sentences,
)

ARTICLE = """Trump unveils 28-point peace plan

The plan, drafted by Witkoff and Dmitriev, calls for Ukraine to cede the parts of Donetsk it still holds. It was presented to officials in Kyiv on Thursday.

Ukrainian officials said they had not been consulted on the draft and would propose amendments.

European governments asked for a say in any clauses touching sanctions or security guarantees.

The Kremlin declined to comment on the details, saying talks should stay confidential."""


def highlighted(row: Row) -> tuple[list[str], list[str]]:
    return [row.left[a:b] for a, b in row.left_changes], [row.right[a:b] for a, b in row.right_changes]


def ops(rows: list[Row]) -> list[str]:
    return [row.op for row in rows]


def collapse(text: str) -> str:
    return " ".join(text.split())


def assert_complete_and_ordered(rows: list[Row], old: str, new: str) -> None:
    """Reading the left column gives the old text, the right column the new, in order."""
    assert collapse(" ".join(r.left for r in rows if r.op != "insert")) == collapse(old)
    assert collapse(" ".join(r.right for r in rows if r.op != "delete")) == collapse(new)
    for row in rows:
        assert (row.left == "") == (row.op == "insert")
        assert (row.right == "") == (row.op == "delete")
        for text, spans in ((row.left, row.left_changes), (row.right, row.right_changes)):
            assert list(spans) == sorted(spans)
            for (start, end), following in zip(spans, [*spans[1:], (len(text) + 1, 0)]):
                assert 0 <= start < end <= len(text) and end <= following[0]


def test_identical_texts_are_all_equal_rows():
    rows = diff_texts(ARTICLE, ARTICLE)
    assert ops(rows) == ["equal"] * 5
    assert diff_stats(rows).unchanged
    assert diff_stats(rows).describe() == "no changes"


def test_whitespace_differences_are_not_changes():
    reflowed = ARTICLE.replace("\n\n", "\n").replace(". It was", ".   It was") + "\n\n"
    assert ops(diff_texts(ARTICLE, reflowed)) == ["equal"] * 5


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [("", "", []), ("", "One.\n\nTwo.", ["insert", "insert"]), ("One.\n\nTwo.", "", ["delete", "delete"])],
)
def test_empty_sides(old, new, expected):
    rows = diff_texts(old, new)
    assert ops(rows) == expected
    assert_complete_and_ordered(rows, old, new)


def test_one_edited_word_is_one_replace_row_with_just_that_word_highlighted():
    new = ARTICLE.replace("on Thursday", "on Friday")
    rows = diff_texts(ARTICLE, new)
    assert ops(rows) == ["equal", "replace", "equal", "equal", "equal"]
    assert highlighted(rows[1]) == (["Thursday"], ["Friday"])
    assert rows[1].left.startswith("The plan, drafted") and rows[1].left.endswith("on Thursday.")
    stats = diff_stats(rows)
    assert (stats.changed, stats.words_added, stats.words_removed) == (1, 1, 1)


def test_the_28_point_plan_becomes_19_points():
    old = ARTICLE + "\n\nThe 28 points cover a ceasefire, prisoner exchanges and the Zaporizhzhia plant."
    new = old.replace("28-point", "19-point").replace("The 28 points", "The 19 points")
    rows = diff_texts(old, new)
    changed = [row for row in rows if row.op != "equal"]
    assert [highlighted(row) for row in changed] == [(["28-point"], ["19-point"]), (["28"], ["19"])]
    assert all(row.op == "replace" for row in changed)


def test_headline_like_one_liners():
    rows = diff_texts("Trump unveils 28-point peace plan", "Trump unveils 19-point peace plan for Ukraine")
    assert ops(rows) == ["replace"]
    assert highlighted(rows[0]) == (["28-point"], ["19-point", "for Ukraine"])

    rows = diff_texts("Talks resume in Geneva", "Kremlin rejects Witkoff proposal")
    assert ops(rows) == ["delete", "insert"]
    assert not any(row.moved for row in rows)


def test_added_paragraph_is_one_insert_row():
    added = "Secretary of State Marco Rubio is expected to join the talks on Monday."
    paragraphs = ARTICLE.split("\n\n")
    new = "\n\n".join([*paragraphs[:3], added, *paragraphs[3:]])
    rows = diff_texts(ARTICLE, new)
    assert ops(rows) == ["equal", "equal", "equal", "insert", "equal", "equal"]
    assert rows[3].right == added and rows[3].left == "" and not rows[3].moved
    assert diff_stats(rows).inserted == 1


def test_removed_paragraph_is_one_delete_row():
    paragraphs = ARTICLE.split("\n\n")
    new = "\n\n".join(paragraphs[:2] + paragraphs[3:])
    rows = diff_texts(ARTICLE, new)
    assert ops(rows) == ["equal", "equal", "delete", "equal", "equal"]
    assert rows[2].left == paragraphs[2] and rows[2].right == ""
    assert diff_stats(rows).deleted == 1


def test_moved_paragraph_is_marked_on_both_rows():
    paragraphs = ARTICLE.split("\n\n")
    new = "\n\n".join([paragraphs[0], paragraphs[4], *paragraphs[1:4]])
    rows = diff_texts(ARTICLE, new)
    moved = [row for row in rows if row.moved]
    assert sorted(row.op for row in moved) == ["delete", "insert"]
    assert {row.left or row.right for row in moved} == {paragraphs[4]}
    assert all(row.left_changes == () and row.right_changes == () for row in moved)
    stats = diff_stats(rows)
    assert (stats.moved, stats.inserted, stats.deleted, stats.changed_words) == (1, 0, 0, 0)
    assert_complete_and_ordered(rows, ARTICLE, new)


def test_moved_and_touched_up_paragraph_shows_the_touch_up():
    paragraphs = ARTICLE.split("\n\n")
    touched = paragraphs[4].replace("declined to comment", "refused to comment")
    new = "\n\n".join([paragraphs[0], touched, *paragraphs[1:4]])
    moved = [row for row in diff_texts(ARTICLE, new) if row.moved]
    assert len(moved) == 2
    deleted = next(row for row in moved if row.op == "delete")
    inserted = next(row for row in moved if row.op == "insert")
    assert highlighted(deleted)[0] == ["declined"]
    assert highlighted(inserted)[1] == ["refused"]


def test_moved_sentence_in_a_long_paragraph_is_marked_moved():
    sentences = [f"Sentence number {n} talks about the negotiations in some detail and at length." for n in range(40)]
    moving = "The Kremlin declined to comment on the talks."
    old = " ".join(sentences[:5] + [moving] + sentences[5:])
    new = " ".join(sentences[:30] + [moving] + sentences[30:])
    rows = diff_texts(old, new)
    assert_complete_and_ordered(rows, old, new)
    moved = [row for row in rows if row.moved]
    assert [(row.op, row.left or row.right) for row in moved] == [("delete", moving), ("insert", moving)]


def test_to_json_has_the_stable_fields_and_moved_only_when_true():
    row = Row("replace", "a b", "a c", ((2, 3),), ((2, 3),))
    assert row.to_json() == {"op": "replace", "left": "a b", "right": "a c",
                             "left_changes": [[2, 3]], "right_changes": [[2, 3]]}
    assert Row("insert", "", "x", moved=True).to_json() == {
        "op": "insert", "left": "", "right": "x", "left_changes": [], "right_changes": [],
        "moved": True}


def test_heavy_rewrite_keeps_the_kept_sentence_unhighlighted():
    kept = "The delegation arrived in Geneva on Saturday evening."
    old = (
        f"Ukraine rejected the draft in its current form. {kept} "
        "Officials said eleven points needed changes. Talks will continue on Monday."
    )
    new = (
        f"Kyiv has accepted parts of the framework, a senior aide said. {kept} "
        "The sides disagree most sharply over Donetsk and Luhansk. A joint statement is possible."
    )
    rows = diff_texts(old, new)
    assert_complete_and_ordered(rows, old, new)
    for row in rows:
        for text, spans in ((row.left, row.left_changes), (row.right, row.right_changes)):
            if kept in text and row.op in ("equal", "replace"):
                start = text.index(kept)
                assert all(end <= start or begin >= start + len(kept) for begin, end in spans)
    assert any(row.op == "equal" and row.left == kept for row in rows) or any(
        row.op == "replace" and kept in row.left and kept in row.right for row in rows
    )
    assert sum(row.op == "equal" for row in rows) >= 1


def test_a_rewritten_paragraph_is_shown_sentence_by_sentence():
    kept_first = "Negotiators met for six hours in Geneva on Sunday."
    kept_last = "A joint statement could follow on Monday."
    old = f"{kept_first} Ukraine presented eleven amendments to the text. Russia was not invited. {kept_last}"
    new = f"{kept_first} The American side pressed for a quick signature before the holidays. {kept_last}"
    rows = diff_texts(old, new)
    assert [row.left for row in rows if row.op == "equal"] == [kept_first, kept_last]
    assert_complete_and_ordered(rows, old, new)


def test_split_paragraph_keeps_its_sentences_equal():
    old = "First sentence here. Second sentence there. Third one follows. Fourth ends it."
    new = "First sentence here. Second sentence there.\n\nThird one follows. Fourth ends it."
    rows = diff_texts(old, new)
    assert ops(rows) == ["equal"] * 4
    assert_complete_and_ordered(rows, old, new)


def test_sentence_edit_inside_a_long_paragraph_is_a_sentence_row():
    sentences = [f"Sentence number {n} talks about the negotiations in some detail and at length." for n in range(40)]
    old = " ".join(sentences)
    new = old.replace("number 17 talks", "number 17 speaks")
    rows = diff_texts(old, new)
    assert ops(rows).count("replace") == 1 and ops(rows).count("equal") == 39
    replaced = next(row for row in rows if row.op == "replace")
    assert highlighted(replaced) == (["talks"], ["speaks"])


def test_two_outlets_sharing_a_quote():
    quote = '"We are not here to reject the document," the official said.'
    left = f"Negotiators returned to Geneva on Sunday. {quote} The Kremlin was not invited."
    right = f"Kyiv brought eleven written amendments. {quote} European diplomats were also present."
    rows = diff_texts(left, right)
    assert any(row.op == "equal" and row.left == quote for row in rows)
    assert_complete_and_ordered(rows, left, right)


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        (
            "Dr. Müller sagte z. B. am 28.11. in Genf, die U.S. Regierung stimme zu. Danach ging er.",
            ["Dr. Müller sagte z. B. am 28.11. in Genf, die U.S. Regierung stimme zu.", "Danach ging er."],
        ),
        (
            "Am 28. November traf Witkoff in Moskau ein. Die Gespräche dauerten fünf Stunden! War das alles? Nein.",
            ["Am 28. November traf Witkoff in Moskau ein.", "Die Gespräche dauerten fünf Stunden!", "War das alles?", "Nein."],
        ),
        (
            "Mr. Witkoff met Putin at 5 p.m. Moscow time. The U.S. delegation left on Friday. No. 5 was next.",
            ["Mr. Witkoff met Putin at 5 p.m. Moscow time.", "The U.S. delegation left on Friday.", "No. 5 was next."],
        ),
        (
            "В. В. Путин встретился с Уиткоффом в г. Москва. Переговоры длились 5 часов. «Мы готовы», — сказал Лавров.",
            ["В. В. Путин встретился с Уиткоффом в г. Москва.", "Переговоры длились 5 часов.", "«Мы готовы», — сказал Лавров."],
        ),
        (
            "Зеленський заявив, що план змінено, т.е. тепер він коротший. Тепер у ньому 19 пунктів.",
            ["Зеленський заявив, що план змінено, т.е. тепер він коротший.", "Тепер у ньому 19 пунктів."],
        ),
        (
            'He said: "We are ready." Then he left. The talks began in 2024. Officials agreed.',
            ['He said: "We are ready."', "Then he left.", "The talks began in 2024.", "Officials agreed."],
        ),
        ("Trump unveils 28-point peace plan", ["Trump unveils 28-point peace plan"]),
        ("", []),
    ],
)
def test_sentence_splitting(paragraph, expected):
    assert split_sentences(paragraph) == expected


def test_paragraphs_are_non_blank_lines():
    assert split_paragraphs("  One.\n\n\nTwo.\r\nThree.  \n \n") == ["One.", "Two.", "Three."]


def _generated_article(rng: random.Random, words: int) -> list[list[str]]:
    vocabulary = [f"{w}{n}" for n in range(400) for w in ("talks", "plan", "envoy", "front", "deal")]
    common = "the of and to in a is that for it as was with by on".split()
    paragraphs: list[list[str]] = []
    total = 0
    while total < words:
        paragraph = []
        for _ in range(rng.randint(1, 5)):
            tokens = [rng.choice(common) if rng.random() < 0.4 else rng.choice(vocabulary) for _ in range(rng.randint(8, 28))]
            paragraph.append(" ".join(tokens).capitalize() + ".")
            total += len(tokens)
        paragraphs.append(paragraph)
    return paragraphs


def test_long_texts_with_scattered_edits_stay_aligned():
    rng = random.Random(5)
    paragraphs = _generated_article(rng, 20_000)
    old = "\n\n".join(" ".join(p) for p in paragraphs)
    edited = [list(p) for p in paragraphs]
    touched = rng.sample(range(len(edited)), 12)
    for index in touched:
        sentence = edited[index][0]
        edited[index][0] = sentence.replace(" ", " inserted ", 1)
    new = "\n\n".join(" ".join(p) for p in edited)
    rows = diff_texts(old, new)
    assert_complete_and_ordered(rows, old, new)
    stats = diff_stats(rows)
    assert stats.changed == 12 and stats.inserted == stats.deleted == stats.moved == 0
    assert stats.words_added == 12 and stats.words_removed == 0


def _randomly_rewritten(rng: random.Random, paragraphs: list[list[str]]) -> list[list[str]]:
    """Sentences dropped, edited by a word or replaced at random, and the first third of the
    paragraphs shuffled."""
    edited: list[list[str]] = []
    for paragraph in paragraphs:
        sentences = []
        for sentence in paragraph:
            roll = rng.random()
            if roll < 0.15:
                continue
            if roll < 0.35:
                words = sentence.split()
                words[rng.randrange(len(words))] = "changed"
                sentence = " ".join(words)
            elif roll < 0.5:
                sentence = "Entirely new sentence number " + str(rng.randint(0, 999)) + " about the talks."
            sentences.append(sentence)
        if sentences:
            edited.append(sentences)
    head = edited[: len(edited) // 3]
    rng.shuffle(head)
    edited[: len(head)] = head
    return edited


@pytest.mark.parametrize("seed", range(6))
def test_random_rewrites_keep_both_columns_complete_and_in_order(seed):
    rng = random.Random(seed)
    paragraphs = _generated_article(rng, 3_000)
    old = "\n\n".join(" ".join(p) for p in paragraphs)
    new = "\n\n".join(" ".join(p) for p in _randomly_rewritten(rng, paragraphs))
    rows = diff_texts(old, new)
    assert_complete_and_ordered(rows, old, new)
    assert diff_stats(rows).equal > 0


TOKEN_POOL = ["talks", "Geneva", "28-point", "plan", ",", ".", "«", "»", "Kyiv's", "1,500", "the", "a", "—"]


def _token_edit(seed: int) -> tuple[str, str]:
    """One line of pool tokens and the same line with one to three tokens replaced, inserted
    or deleted at random (one line: one row)."""
    rng = random.Random(seed)
    words = [rng.choice(TOKEN_POOL) for _ in range(rng.randint(1, 14))]
    edited = list(words)
    for _ in range(rng.randint(1, 3)):
        position = rng.randrange(len(edited) + 1)
        roll = rng.random()
        if roll < 0.4 and edited:
            edited[min(position, len(edited) - 1)] = rng.choice(TOKEN_POOL)
        elif roll < 0.7:
            edited.insert(position, rng.choice(TOKEN_POOL))
        elif edited:
            del edited[min(position, len(edited) - 1)]
    return "X " + " ".join(words), "X " + " ".join(edited)


@pytest.mark.parametrize("seed", range(40))
def test_highlights_are_whole_tokens_and_the_rest_is_common(seed):
    """Outside the highlights both sides read the same tokens, and no token is cut in two."""
    old, new = _token_edit(seed)
    rows = diff_texts(old, new)
    token = re.compile(r"\S+")
    for row in rows:
        kept = []
        for text, spans in ((row.left, row.left_changes), (row.right, row.right_changes)):
            tokens = [(m.start(), m.end()) for m in token.finditer(text)]
            for start, end in spans:
                assert any(start == a for a, _ in tokens) and any(end == b for _, b in tokens)
            kept.append([text[a:b] for a, b in tokens if not any(s <= a and b <= e for s, e in spans)])
        if row.op == "replace":
            assert kept[0] == kept[1]


DETERMINISM_SCRIPT = """
import json, random
from tui.core.text.diff import diff_texts
rng = random.Random(3)
vocabulary = [f"{w}{n}" for n in range(60) for w in ("talks", "plan", "envoy", "front", "deal")]
def sentence():
    return " ".join(rng.choice(vocabulary) for _ in range(rng.randint(6, 18))).capitalize() + "."
old = [[sentence() for _ in range(rng.randint(1, 4))] for _ in range(150)]
new = [[s if rng.random() < 0.5 else s.replace(" ", " again ", 1) if rng.random() < 0.7 else sentence() for s in p]
       for p in old if rng.random() < 0.9]
head = new[:20]
rng.shuffle(head)
new[:20] = head
rows = diff_texts("\\n\\n".join(map(" ".join, old)), "\\n\\n".join(map(" ".join, new)))
print(json.dumps([[r.op, r.left, r.right, r.left_changes, r.right_changes, r.moved] for r in rows]))
"""


def test_the_same_texts_give_the_same_rows_in_every_process():
    """String hashing differs between processes; the rows must not."""
    root = Path(__file__).resolve().parents[2]
    outputs = {
        subprocess.run(
            [sys.executable, "-c", DETERMINISM_SCRIPT],
            cwd=root,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1 and outputs.pop().startswith("[[")


def test_thousands_of_repeated_lines_align_without_blowing_up():
    """difflib is quadratic on repeated units; "Advertisement" lines must not make it so."""
    old = "\n\n".join(["Advertisement"] * 3000)
    new = "\n\n".join(["Advertisement"] * 1500 + ["The talks resumed."] + ["Advertisement"] * 1500)
    rows = diff_texts(old, new)
    assert ops(rows).count("insert") == 1 and ops(rows).count("equal") == 3000
    assert next(row for row in rows if row.op == "insert").right == "The talks resumed."


def test_a_huge_unit_without_sentence_ends_is_changed_as_a_whole():
    rng = random.Random(2)
    words = [f"{rng.choice(['talks', 'plan', 'envoy', 'front'])}{rng.randint(0, 50)}" for _ in range(30_000)]
    edited = list(words)
    edited[10], edited[-10] = "first", "last"
    rows = diff_texts(" ".join(words), " ".join(edited))
    assert ops(rows) == ["replace"]
    (left_span,), (right_span,) = rows[0].left_changes, rows[0].right_changes
    assert rows[0].right[right_span[0] :].startswith("first") and rows[0].right[: right_span[1]].endswith("last")
    assert rows[0].left[left_span[0] :].startswith(words[10]) and rows[0].left[: left_span[1]].endswith(words[-10])
