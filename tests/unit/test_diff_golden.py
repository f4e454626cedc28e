"""The rows `wirewatch diff --json`, `compare --json` and the diff screen show, pinned: the rows of
several hundred text pairs as the diff gave them before the speed work of issue 15
(tests/data/diff_rows_golden.json), so a change to the core meant to be faster only must leave
every one of them as it was. A change meant to alter rows rewrites the file
(`python -m tests.unit.test_diff_golden --write`), with the reason in its commit.

The texts are made here from seeds, not stored: the benchmarks' articles and their edits, the
pairs of tests/unit/test_diff.py, and random edits of every kind (paragraphs inserted, deleted,
moved, split, merged; sentences rewritten, touched up, moved; whitespace, case and punctuation
changes; repeated lines; huge units) over English, German, Russian and Ukrainian sentences
taken from tests/data/pages. Small cases are stored row by row as plain lists; big ones as a
short digest per row, which still says which row changed.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import random
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.bench.bench_diff_extract import article, diff_cases, edit, render, sentence
from tests.bench.bench_diff_screen import versions_of
from tests.unit.test_diff import (
    ARTICLE,
    _generated_article,
    _randomly_rewritten,
    _token_edit,
)
from tui.core.text.diff import Row, diff_texts, document_rows, word_changes

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "data" / "diff_rows_golden.json"
PAGES = ROOT / "tests" / "data" / "pages"
FULL_MAX_CHARS = 1_500  # a case's rows stored in full up to this size of JSON, else digested
EDITS = {
    "newsroom": {"touched": 0.08, "replaced": 0.02, "dropped": 0.02, "added": 0.02, "moved": 0.03,
                 "resplit": 0.03},
    "heavy": {"touched": 0.40, "replaced": 0.20, "dropped": 0.10, "added": 0.10, "moved": 0.15,
              "resplit": 0.10},
    "every sentence": {"touched": 1.0, "replaced": 0.0, "dropped": 0.0, "added": 0.0,
                       "moved": 0.0, "resplit": 0.0},
}

Case = tuple[str, Callable[[], list[tuple]]]


# ---------------------------------------------------------------------------------------------
# Sentences to build texts from


@functools.cache
def page_sentences() -> dict[str, list[str]]:
    """The sentences of the test pages' paragraphs, by language (a crude split: only inputs)."""
    pools: dict[str, list[str]] = {}
    for name, language, encoding in (("en_article.html", "en", "utf-8"), ("table_layout.html", "en", "utf-8"),
                                      ("reprint_notice.html", "en", "utf-8"), ("de_article.html", "de", "utf-8"),
                                      ("ru_article_cp1251.html", "ru", "cp1251"), ("uk_article.html", "uk", "utf-8")):
        page = (PAGES / name).read_bytes().decode(encoding)
        for paragraph in re.findall(r"<p\b[^>]*>(.*?)</p>", page, re.DOTALL):
            text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", paragraph)).split())
            pools.setdefault(language, []).extend(s for s in re.split(r"(?<=[.!?»\"])\s+", text) if s)
    extras = {
        "de": ["Dr. Müller sagte z. B. am 28.11. in Genf, die U.S. Regierung stimme zu.",
               "Am 28. November traf Witkoff in Moskau ein.", "Nr. 12 der Liste betrifft Art. 3 Abs. 2.",
               "Die Gespräche dauerten fünf Stunden!", "War das alles?", "„Wir sind bereit“, sagte er."],
        "ru": ["В. В. Путин встретился с Уиткоффом в г. Москва.", "Переговоры длились 5 часов.",
               "«Мы готовы», — сказал Лавров.", "Об этом сообщает ст. 5 п. 2 договора.",
               "Цена составила 1,5 млн руб. в месяц."],
        "uk": ["Зеленський заявив, що план змінено, т.е. тепер він коротший.", "Тепер у ньому 19 пунктів.",
               "— Ми готові, — сказав він.", "Делегація прибула до м. Женева о 12:30."],
        "en": ["Mr. Witkoff met Putin at 5 p.m. Moscow time.", "The U.S. delegation left on Friday.",
               "No. 5 was next.", 'He said: "We are ready."', "Then he left…", "(It was late.)",
               "Kyiv's 28-point plan costs $1,500.", "Wait... what?"],
    }
    for language, sentences in extras.items():
        pools[language].extend(sentences)
    return pools


def token_sentence(rng: random.Random, vocabulary: int) -> str:
    """A sentence of a few words drawn from a small vocabulary: prose full of repeats."""
    words = [f"{rng.choice(('talks', 'plan', 'envoy', 'front'))}{rng.randrange(vocabulary)}"
             if rng.random() < 0.6 else rng.choice(("the", "of", "and", "to", "in", "a"))
             for _ in range(rng.randint(3, 16))]
    return " ".join(words).capitalize() + rng.choice(".....!?")


def sentence_maker(rng: random.Random, source: str) -> Callable[[], str]:
    if source == "wire":
        return lambda: sentence(rng)
    if source == "tokens":
        vocabulary = rng.choice((5, 20, 200))
        return lambda: token_sentence(rng, vocabulary)
    if source == "mixed":
        pools = page_sentences()
        return lambda: rng.choice(pools[rng.choice(sorted(pools))])
    return lambda: rng.choice(page_sentences()[source])


# ---------------------------------------------------------------------------------------------
# Edits


def touch_up(rng: random.Random, text: str, make: Callable[[], str]) -> str:
    """A few small edits inside a sentence: words, numbers, case, punctuation, spacing."""
    words = text.split(" ")
    for _ in range(rng.randint(1, 3)):
        k = rng.randrange(len(words))
        roll = rng.random()
        donor = make().split()
        if roll < 0.25:
            words[k] = rng.choice(donor)
        elif roll < 0.45:
            words.insert(k, rng.choice(donor))
        elif roll < 0.55 and len(words) > 1:
            del words[k]
        elif roll < 0.62:
            words[k] = words[k].upper() if rng.random() < 0.5 else words[k].lower()
        elif roll < 0.70:
            words[k] = words[k] + rng.choice((",", ";", ":", " —", "'s"))
        elif roll < 0.76:
            words[k] = re.sub(r"\d+", lambda m: str(int(m.group()) + rng.randint(1, 9)), words[k]) or "7"
        elif roll < 0.82 and len(words) > 2:
            j = rng.randrange(len(words))
            words[k], words[j] = words[j], words[k]
        elif roll < 0.88:
            words[k] = words[k] + rng.choice(("  ", "\t", "\u00a0", " "))
        elif roll < 0.94:
            words[k] = rng.choice(("«", "\"", "(", "„")) + words[k] + rng.choice(("»", "\"", ")", "“"))
        else:
            words[k] = words[k].rstrip(".!?") + rng.choice((".", "!", "?", "…", "...", ".\""))
    return " ".join(words)


def random_edit(rng: random.Random, paragraphs: list[list[str]], make: Callable[[], str],
                level: float) -> list[list[str]]:
    """Edits of every kind at a rate of `level` (0: hardly any; 1: most units touched)."""
    out: list[list[str]] = []
    for paragraph in paragraphs:
        if rng.random() < 0.15 * level:
            continue                                                        # paragraph deleted
        kept: list[str] = []
        for s in paragraph:
            roll = rng.random() / level
            if roll < 0.10:
                continue
            if roll < 0.25:
                kept.append(make())                                         # rewritten
            elif roll < 0.55:
                kept.append(touch_up(rng, s, make))                        # touched up
            elif roll < 0.60:
                kept.insert(0, s)                                           # moved in its paragraph
            else:
                kept.append(s)
            if rng.random() < 0.1 * level:
                kept.append(make())                                         # sentence added
        if not kept:
            continue
        if len(kept) > 1 and rng.random() < 0.15 * level:
            cut = rng.randrange(1, len(kept))
            out.extend([kept[:cut], kept[cut:]])                            # split
        elif out and rng.random() < 0.1 * level:
            out[-1] = out[-1] + kept                                        # merged with the one before
        else:
            out.append(kept)
        if rng.random() < 0.12 * level:
            out.append([make() for _ in range(rng.randint(1, 4))])          # paragraph added
        if rng.random() < 0.05 * level:
            out.append(list(kept))                                          # paragraph repeated
    for _ in range(int(len(out) * 0.15 * level) + (rng.random() < level)):
        if len(out) > 1:
            out.insert(rng.randrange(len(out)), out.pop(rng.randrange(len(out))))  # moved
    if out and rng.random() < 0.3 * level:
        paragraph = rng.choice(out)
        if len(paragraph) > 1:
            moving = paragraph.pop(rng.randrange(len(paragraph)))
            rng.choice(out).append(moving)                                  # sentence moved away
    return out


def render_loosely(rng: random.Random, paragraphs: list[list[str]]) -> str:
    """Paragraphs joined with the line breaks and spacing pages really have."""
    breaks = ("\n\n", "\n\n", "\n", "\r\n", "\n \n\n", "\n\t\n")
    joiners = (" ", " ", " ", "  ", "\u00a0", " \t")
    loose = rng.random() < 0.3
    parts = [(rng.choice(joiners) if loose else " ").join(p) + (rng.choice(("", " ", "  ")) if loose else "")
             for p in paragraphs]
    out = ""
    for k, part in enumerate(parts):
        out += (rng.choice(breaks) if loose else "\n\n") if k else ""
        out += part
    return out


# ---------------------------------------------------------------------------------------------
# The cases


def text_cases() -> Iterator[tuple[str, str, str]]:
    """(label, old, new) for `diff_texts`."""
    # The pairs the benchmarks measure: bench_diff_screen's history (every neighbouring pair, as
    # the version strip computes them), bench_diff_extract's cases, and the first golden cases.
    for words, count in ((20_000, 8), (300, 3)):
        texts = versions_of(words, count, 7)
        for k in range(1, count):
            yield f"bench screen {words} words, version {k}", texts[k - 1], texts[k]
    for label, old, new in diff_cases(7):
        yield f"bench extract {label}", old, new
    for words in (300, 1_500, 20_000):
        for kind, edits in EDITS.items():
            rng = random.Random(f"{words} {kind}")
            original = article(rng, words)
            yield f"{words} words, {kind}", render(original), render(edit(rng, original, **edits))
        rng = random.Random(f"{words} unrelated")
        yield f"{words} words, unrelated", render(article(rng, words)), render(article(rng, words))

    # The pairs of tests/unit/test_diff.py.
    paragraphs = ARTICLE.split("\n\n")
    extended = ARTICLE + "\n\nThe 28 points cover a ceasefire, prisoner exchanges and the Zaporizhzhia plant."
    forty = [f"Sentence number {n} talks about the negotiations in some detail and at length." for n in range(40)]
    moving = "The Kremlin declined to comment on the talks."
    kept = "The delegation arrived in Geneva on Saturday evening."
    quote = '"We are not here to reject the document," the official said.'
    unit_pairs = {
        "identical": (ARTICLE, ARTICLE),
        "reflowed": (ARTICLE, ARTICLE.replace("\n\n", "\n").replace(". It was", ".   It was") + "\n\n"),
        "both empty": ("", ""),
        "from empty": ("", "One.\n\nTwo."),
        "to empty": ("One.\n\nTwo.", ""),
        "one word edited": (ARTICLE, ARTICLE.replace("on Thursday", "on Friday")),
        "28 to 19 points": (extended, extended.replace("28-point", "19-point").replace("The 28 points", "The 19 points")),
        "headline edited": ("Trump unveils 28-point peace plan", "Trump unveils 19-point peace plan for Ukraine"),
        "headline replaced": ("Talks resume in Geneva", "Kremlin rejects Witkoff proposal"),
        "paragraph added": (ARTICLE, "\n\n".join([*paragraphs[:3], ("Secretary of State Marco Rubio is expected "
                                                  "to join the talks on Monday."), *paragraphs[3:]])),
        "paragraph removed": (ARTICLE, "\n\n".join(paragraphs[:2] + paragraphs[3:])),
        "paragraph moved": (ARTICLE, "\n\n".join([paragraphs[0], paragraphs[4], *paragraphs[1:4]])),
        "paragraph moved, touched up": (ARTICLE, "\n\n".join([paragraphs[0], paragraphs[4].replace(
            "declined to comment", "refused to comment"), *paragraphs[1:4]])),
        "sentence moved in a long paragraph": (" ".join(forty[:5] + [moving] + forty[5:]),
                                               " ".join(forty[:30] + [moving] + forty[30:])),
        "heavy rewrite keeping a sentence": (
            (f"Ukraine rejected the draft in its current form. {kept} Officials said eleven points needed "
            "changes. Talks will continue on Monday."),
            (f"Kyiv has accepted parts of the framework, a senior aide said. {kept} The sides disagree most "
            "sharply over Donetsk and Luhansk. A joint statement is possible.")),
        "paragraph rewritten between kept sentences": (
            ("Negotiators met for six hours in Geneva on Sunday. Ukraine presented eleven amendments to the "
            "text. Russia was not invited. A joint statement could follow on Monday."),
            ("Negotiators met for six hours in Geneva on Sunday. The American side pressed for a quick "
            "signature before the holidays. A joint statement could follow on Monday.")),
        "paragraph split": ("First sentence here. Second sentence there. Third one follows. Fourth ends it.",
                            "First sentence here. Second sentence there.\n\nThird one follows. Fourth ends it."),
        "sentence edited in a long paragraph": (" ".join(forty), " ".join(forty).replace("number 17 talks",
                                                                                        "number 17 speaks")),
        "two outlets sharing a quote": (
            f"Negotiators returned to Geneva on Sunday. {quote} The Kremlin was not invited.",
            f"Kyiv brought eleven written amendments. {quote} European diplomats were also present."),
        "advertisements": ("\n\n".join(["Advertisement"] * 3000),
                           "\n\n".join(["Advertisement"] * 1500 + ["The talks resumed."] + ["Advertisement"] * 1500)),
    }
    for name, (old, new) in unit_pairs.items():
        yield f"test_diff {name}", old, new
    rng = random.Random(5)
    generated = _generated_article(rng, 20_000)
    edited = [list(p) for p in generated]
    for index in rng.sample(range(len(edited)), 12):
        edited[index][0] = edited[index][0].replace(" ", " inserted ", 1)
    yield "test_diff scattered edits", *("\n\n".join(" ".join(p) for p in ps) for ps in (generated, edited))
    for seed in range(6):
        rng = random.Random(seed)
        generated = _generated_article(rng, 3_000)
        edited = _randomly_rewritten(rng, generated)
        yield f"test_diff random rewrite {seed}", *("\n\n".join(" ".join(p) for p in ps) for ps in (generated, edited))
    for seed in range(40):
        yield f"test_diff tokens {seed}", *_token_edit(seed)
    rng = random.Random(2)
    huge = [f"{rng.choice(['talks', 'plan', 'envoy', 'front'])}{rng.randint(0, 50)}" for _ in range(30_000)]
    changed = list(huge)
    changed[10], changed[-10] = "first", "last"
    yield "test_diff huge unit", " ".join(huge), " ".join(changed)

    # Edges.
    rng = random.Random("edges")
    one = sentence_maker(rng, "en")
    text = render([[one() for _ in range(3)] for _ in range(4)])
    edges = {
        "one word, same": ("Geneva", "Geneva"), "one word, other": ("Geneva", "Moscow"),
        "one word, cased": ("Geneva", "GENEVA"), "one word to a sentence": ("Geneva", one()),
        "blank to text": ("  \n \n\t", text), "text to blank": (text, " \n"), "blank to blank": (" ", "\n\n"),
        "only punctuation": ("— … «»", "— …"), "text to itself": (text, text),
        "text to itself reflowed": (text, text.replace(" ", "  ").replace("\n\n", "\r\n")),
        "two words swapped": ("Talks resumed in Geneva today.", "Talks resumed today in Geneva."),
    }
    for name, (old, new) in edges.items():
        yield f"edge {name}", old, new
    for tokens in (1_000, 2_000, 2_001):          # around WORD_DIFF_MAX_TOKENS, no sentence end
        rng = random.Random(f"run {tokens}")
        run = [f"w{rng.randrange(300)}" for _ in range(tokens)]
        changed = list(run)
        for k in (0, -1, *(rng.randrange(tokens) for _ in range(5))):
            changed[k] = "edited"
        yield f"edge run of {tokens} tokens", " ".join(run), " ".join(changed)
    for words in range(296, 306, 3):              # around PARAGRAPH_ROW_MAX_WORDS
        rng = random.Random(f"paragraph of {words} words")
        make = sentence_maker(rng, "wire")
        sentences = [make()]
        while len(" ".join(sentences).split()) < words:
            sentences.append(make())
        paragraph = " ".join(" ".join(sentences).split()[:words])
        yield f"edge paragraph of {words} words", paragraph, touch_up(rng, paragraph, make)
    for units in range(14, 19):                   # around EXHAUSTIVE_MAX_UNITS, with few rare bigrams
        rng = random.Random(f"{units} units")
        make = sentence_maker(rng, "tokens")
        old_units = [token_sentence(rng, 4) for _ in range(units)]
        new_units = [touch_up(rng, s, make) if rng.random() < 0.7 else s for s in old_units]
        rng.shuffle(new_units)
        yield f"edge {units} units shuffled", " ".join(old_units), " ".join(new_units)
        yield f"edge {units} paragraphs shuffled", "\n".join(old_units), "\n".join(new_units)
    for count in (150, 400):                     # repeated lines, around difflib's autojunk threshold
        rng = random.Random(f"ads {count}")
        make = sentence_maker(rng, "wire")
        lines = [("Advertisement" if rng.random() < 0.3 else make()) for _ in range(count)]
        yield f"edge {count} lines with ads", "\n".join(lines), "\n".join(
            line if rng.random() < 0.8 else ("Advertisement" if rng.random() < 0.5 else make()) for line in lines)
    rng = random.Random("long paragraphs")
    make = sentence_maker(rng, "wire")
    long = [[make() for _ in range(rng.randint(18, 30))] for _ in range(4)]   # over 300 words each
    yield "edge long paragraphs", render(long), render(random_edit(rng, long, make, 0.3))

    # Random edits over every source, at every rate and size.
    sources = ("en", "de", "ru", "uk", "mixed", "wire", "tokens")
    for size, count in (("small", 180), ("medium", 50), ("large", 6)):
        for k in range(count):
            rng = random.Random(f"{size} {k}")
            source = sources[k % len(sources)]
            make = sentence_maker(rng, source)
            paragraphs_count = {"small": rng.randint(1, 6), "medium": rng.randint(15, 90),
                                "large": rng.randint(300, 700)}[size]
            original = [[make() for _ in range(rng.choice((1, 1, 2, 3, 4, 6)))] for _ in range(paragraphs_count)]
            level = rng.choice((0.05, 0.2, 0.5, 1.0))
            changed = random_edit(rng, original, make, level)
            if rng.random() < 0.2:
                changed = random_edit(rng, changed, make, level)
            yield (f"random {size} {k} ({source}, level {level})", render_loosely(rng, original),
                   render_loosely(rng, changed))


def document_cases() -> Iterator[tuple[str, tuple, tuple]]:
    """(label, old fields, new fields) for `document_rows`: headline, teaser, text."""
    for k in range(30):
        rng = random.Random(f"document {k}")
        make = sentence_maker(rng, ("en", "de", "ru", "uk", "wire")[k % 5])
        headline, teaser = make(), " ".join(make() for _ in range(rng.randint(1, 3)))
        body = [[make() for _ in range(rng.randint(1, 4))] for _ in range(rng.randint(1, 12))]
        old = (headline, teaser if rng.random() < 0.9 else None, render(body))
        new = (touch_up(rng, headline, make) if rng.random() < 0.5 else (make() if rng.random() < 0.5 else headline),
               teaser if rng.random() < 0.5 else (None if rng.random() < 0.2 else make()),
               render(random_edit(rng, body, make, rng.choice((0.1, 0.5, 1.0)))))
        yield f"document {k}", old, new


def word_cases() -> Iterator[tuple[str, str, str]]:
    """(label, old, new) for `word_changes` (headlines side by side)."""
    for k in range(60):
        rng = random.Random(f"words {k}")
        make = sentence_maker(rng, ("en", "de", "ru", "uk", "tokens", "wire")[k % 6])
        old = make()
        yield f"words {k}", old, touch_up(rng, old, make) if rng.random() < 0.8 else make()


def cases() -> list[Case]:
    """Every case: its label, and how to compute its rows as plain lists."""
    out: list[Case] = []
    for label, old, new in text_cases():
        out.append((label, functools.partial(lambda old, new: [row_list(r) for r in diff_texts(old, new)], old, new)))
    for label, old_fields, new_fields in document_cases():
        out.append((label, functools.partial(lambda old, new: [row_list(r) for r in document_rows(old, new)],
                                             old_fields, new_fields)))
    for label, old, new in word_cases():
        out.append((label, functools.partial(lambda old, new: [list(map(list, s)) for s in word_changes(old, new)],
                                             old, new)))
    assert len({label for label, _ in out}) == len(out), "labels must be unique"
    return out


def row_list(row: Row) -> list:
    return [row.op, row.left, row.right, [list(s) for s in row.left_changes],
            [list(s) for s in row.right_changes], row.moved]


def stored(rows: list) -> list:
    """Rows as the file keeps them: in full when small, else an 8-digit digest per row."""
    if len(json.dumps(rows, ensure_ascii=False)) <= FULL_MAX_CHARS:
        return rows
    return [hashlib.sha256(json.dumps(row, ensure_ascii=False).encode()).hexdigest()[:8] for row in rows]


@functools.cache
def golden() -> dict[str, list]:
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


CASES = cases()


@pytest.mark.parametrize(("label", "compute"), CASES, ids=[label for label, _ in CASES])
def test_rows_are_those_pinned(label, compute):
    rows = compute()
    expected = golden()[label]
    got = stored(rows)
    if got != expected:
        first = next((k for k, (a, b) in enumerate(zip(got, expected)) if a != b), min(len(got), len(expected)))
        shown = rows[first] if first < len(rows) else None
        pytest.fail(f"{label}: {len(got)} rows, {len(expected)} pinned; first difference at row {first}: "
                    f"now {shown!r}, pinned {expected[first] if first < len(expected) else None!r}")


def test_every_pinned_case_is_checked():
    assert sorted(golden()) == sorted(label for label, _ in CASES)


def write() -> None:
    data = {label: stored(compute()) for label, compute in CASES}
    lines = (f"{json.dumps(label, ensure_ascii=False)}: {json.dumps(rows, ensure_ascii=False)}"
             for label, rows in sorted(data.items()))
    GOLDEN.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")
    print(f"{len(data)} cases, {GOLDEN.stat().st_size:,} bytes in {GOLDEN.relative_to(ROOT)}")


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    write()
