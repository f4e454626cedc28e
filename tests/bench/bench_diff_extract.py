"""Extraction and diff benchmark: trafilatura behind `extract_article` on the test pages, and
`diff_texts` on article versions, each against a baseline run in the same process.

    .venv/bin/python tests/bench/bench_diff_extract.py [--rounds 20] [--seed 7]

Extraction: per page and overall mean/median over the pages in tests/data/pages (after a
warm-up call per page: the first calls of a process also load justext's stoplists), against a
bare `trafilatura.extract(favor_precision=True)`.
Diff: two ~1,500-word versions with newsroom edits, two 20,000-word texts with edits and with a
heavy rewrite, plus two stress cases (every sentence edited; two unrelated texts), against one
difflib pass over all words (what a naive word diff costs). Goal: every diff under 100 ms.
Figures are CPU time (wall time beside): on a shared machine wall time also counts the time
other processes held the CPU. A pure-Python loop and the load average are printed first so
figures from different machines and moments can be compared.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from tui.core.text.diff import diff_stats, diff_texts  # noqa: E402
from tui.core.text.extract import extract_article  # noqa: E402

PAGES = ROOT / "tests" / "data" / "pages"

SUBJECTS = [
    "Steve Witkoff", "Marco Rubio", "Sergei Lavrov", "Rustem Umerov", "Andriy Yermak", "Kirill Dmitriev",
    "The Ukrainian delegation", "A senior European diplomat", "Kremlin spokesman Dmitry Peskov",
    "The American envoy", "Two officials familiar with the talks", "The foreign ministry in Kyiv",
    "A spokesperson for the White House", "Negotiators from both sides", "Analysts in Brussels",
]
VERBS = [
    "said", "told reporters", "insisted", "warned", "confirmed", "denied", "suggested",
    "acknowledged", "stressed", "argued", "conceded", "signalled", "reiterated", "noted",
]
CLAIMS = [
    "that the {n}-point framework would need substantial revisions before any signature",
    "that the status of {place} remained the most difficult question on the table",
    "that a ceasefire along the current front line could hold for {n} days as a first step",
    "that prisoner exchanges would continue regardless of the outcome in {city}",
    "that security guarantees for Ukraine had to be agreed before territorial questions",
    "that the talks in {city} had made more progress than expected on {day}",
    "that sanctions relief was not part of the current draft",
    "that the Zaporizhzhia nuclear plant would be placed under international supervision",
    "that the sides were still far apart on {place} and {place2}",
    "that European governments wanted a say in any clause touching on sanctions",
    "that the next round of talks could take place in {city} within {n} days",
    "that the document circulated in Washington was only a working draft",
]
TAILS = [
    "", "", "", " on {day}", " in a statement", " after the meeting in {city}",
    ", according to a transcript seen by reporters", ", speaking on condition of anonymity",
]
PLACES = ["Crimea", "Donetsk", "Luhansk", "Kherson", "Zaporizhzhia", "Kharkiv", "the Donbas"]
CITIES = ["Geneva", "Moscow", "Kyiv", "Washington", "Istanbul", "Riyadh", "Abu Dhabi", "Brussels"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def sentence(rng: random.Random) -> str:
    claim = rng.choice(CLAIMS).format(
        n=rng.randint(2, 40), place=rng.choice(PLACES), place2=rng.choice(PLACES),
        city=rng.choice(CITIES), day=rng.choice(DAYS),
    )
    tail = rng.choice(TAILS).format(city=rng.choice(CITIES), day=rng.choice(DAYS))
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {claim}{tail}."


def article(rng: random.Random, words: int) -> list[list[str]]:
    paragraphs: list[list[str]] = []
    count = 0
    while count < words:
        paragraph = [sentence(rng) for _ in range(rng.choice((1, 2, 2, 3, 3, 4)))]
        count += sum(len(s.split()) for s in paragraph)
        paragraphs.append(paragraph)
    return paragraphs


def render(paragraphs: list[list[str]]) -> str:
    return "\n\n".join(" ".join(p) for p in paragraphs)


def touch(rng: random.Random, text: str) -> str:
    """A copy-editor's change: a number, a day, a verb or a place."""
    words = text.split()
    for _ in range(rng.randint(1, 3)):
        k = rng.randrange(len(words))
        word = words[k]
        if word.rstrip(".,").isdigit() or "-point" in word:
            words[k] = word.replace(word.split("-")[0].rstrip(".,"), str(rng.randint(2, 40)), 1)
        elif word.rstrip(".,") in DAYS:
            words[k] = word.replace(word.rstrip(".,"), rng.choice(DAYS))
        elif word in VERBS:
            words[k] = rng.choice(VERBS)
        else:
            words.insert(k, rng.choice(["reportedly", "now", "again", "formally", "privately"]))
    return " ".join(words)


def edit(rng: random.Random, paragraphs: list[list[str]], *, touched: float, replaced: float,
         dropped: float, added: float, moved: float, resplit: float) -> list[list[str]]:
    out: list[list[str]] = []
    for paragraph in paragraphs:
        kept: list[str] = []
        for s in paragraph:
            roll = rng.random()
            if roll < dropped:
                continue
            if roll < dropped + replaced:
                kept.append(sentence(rng))
            elif roll < dropped + replaced + touched:
                kept.append(touch(rng, s))
            else:
                kept.append(s)
            if rng.random() < added:
                kept.append(sentence(rng))
        if kept:
            if len(kept) > 1 and rng.random() < resplit:
                cut = rng.randrange(1, len(kept))
                out.extend([kept[:cut], kept[cut:]])
            else:
                out.append(kept)
        if rng.random() < added:
            out.append([sentence(rng) for _ in range(rng.randint(1, 3))])
    for _ in range(int(len(out) * moved)):
        out.insert(rng.randrange(len(out)), out.pop(rng.randrange(len(out))))
    return out


def best_of(rounds: int, run: Callable[[], object]) -> tuple[float, float, object]:
    """Best CPU seconds and best wall seconds over the rounds, and the last result.

    CPU time is the figure to read on a shared machine: wall time there also counts the
    time other processes held the CPU.
    """
    cpu, wall, result = [], [], None
    for _ in range(rounds):
        started_cpu, started_wall = time.process_time(), time.perf_counter()
        result = run()
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started_wall)
    return min(cpu), min(wall), result


def naive_word_diff(old: str, new: str) -> int:
    matcher = SequenceMatcher(None, old.split(), new.split(), autojunk=False)
    return len(matcher.get_opcodes())


def calibrate() -> float:
    started = time.perf_counter()
    total = 0
    for i in range(1_000_000):
        total += i
    return (time.perf_counter() - started) * 1000


def bench_extraction(rounds: int) -> None:
    pages = sorted(PAGES.glob("*.html"))
    print(f"\nExtraction: {len(pages)} pages from {PAGES.relative_to(ROOT)}, {rounds} rounds each (ms)")
    started = time.perf_counter()
    for page in pages:
        extract_article(page.read_bytes())
    print(f"  warm-up, one call per page (the first calls load justext's stoplists): "
          f"{(time.perf_counter() - started) * 1000:.1f} in all")
    print(f"  {'page':28s} {'KB':>6s} {'mean':>7s} {'median':>7s} {'wall':>7s} {'bare':>7s} {'ratio':>6s}  result")
    means, medians, bares = [], [], []
    for page in pages:
        data = page.read_bytes()
        cpu, wall = [], []
        for _ in range(rounds):
            started_cpu, started_wall = time.process_time(), time.perf_counter()
            result = extract_article(data, url=f"https://news.example/{page.name}")
            cpu.append((time.process_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started_wall) * 1000)
        bare, _, _ = best_of(
            rounds, lambda data=data: trafilatura.extract(data, favor_precision=True, include_comments=False)
        )
        mean, median = statistics.mean(cpu), statistics.median(cpu)
        means.append(mean)
        medians.append(median)
        bares.append(bare * 1000)
        outcome = "None" if result is None else f"{len(result.text.split())} words, {result.language}"
        print(f"  {page.name:28s} {len(data) / 1024:6.1f} {mean:7.1f} {median:7.1f} {statistics.median(wall):7.1f} "
              f"{bare * 1000:7.1f} {median / (bare * 1000):6.2f}  {outcome}")
    print(f"  {'all pages':28s} {'':6s} {statistics.mean(means):7.1f} {statistics.median(medians):7.1f} {'':7s} "
          f"{statistics.mean(bares):7.1f} {statistics.median(medians) / statistics.mean(bares):6.2f}")
    print("  (CPU ms; wall = median wall ms; bare = best CPU ms of trafilatura.extract(favor_precision=True);"
          " ratio = median / bare)")


def diff_cases(seed: int) -> list[tuple[str, str, str]]:
    """(label, old text, new text) for each diff case, the same for the same seed."""
    rng = random.Random(seed)
    newsroom = dict(touched=0.08, replaced=0.02, dropped=0.02, added=0.02, moved=0.03, resplit=0.03)
    heavy = dict(touched=0.40, replaced=0.20, dropped=0.10, added=0.10, moved=0.15, resplit=0.10)
    every = dict(touched=1.0, replaced=0.0, dropped=0.0, added=0.0, moved=0.0, resplit=0.0)
    cases: list[tuple[str, str, str]] = []
    for label, words, edits in (
        ("1,500 words, newsroom edits", 1_500, newsroom),
        ("20,000 words, newsroom edits", 20_000, newsroom),
        ("20,000 words, heavy rewrite", 20_000, heavy),
        ("20,000 words, every sentence edited (stress)", 20_000, every),
    ):
        original = article(rng, words)
        cases.append((label, render(original), render(edit(rng, original, **edits))))
    cases.append(("20,000 words, two unrelated texts (stress)", render(article(rng, 20_000)), render(article(rng, 20_000))))
    return cases


def bench_diff(rounds: int, seed: int) -> None:
    cases = diff_cases(seed)
    print(f"\nDiff: best of {rounds} rounds, CPU ms (wall ms beside); naive = one difflib pass over all words,"
          " autojunk off, run once")
    print(f"  {'case':46s} {'diff':>7s} {'wall':>7s} {'naive':>8s} {'ratio':>6s}  rows, summary")
    for label, old, new in cases:
        cpu, wall, rows = best_of(rounds, lambda old=old, new=new: diff_texts(old, new))
        naive, _, _ = best_of(1, lambda old=old, new=new: naive_word_diff(old, new))
        flag = "" if cpu < 0.1 else "  (over 100 ms)"
        print(f"  {label:46s} {cpu * 1000:7.1f} {wall * 1000:7.1f} {naive * 1000:8.1f} {cpu / naive:6.3f}  "
              f"{len(rows)} rows, {diff_stats(rows).describe()}{flag}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"Calibration: 1M-iteration Python loop {calibrate():.1f} ms; "
          f"load average {load} on {os.cpu_count()} CPUs")
    bench_extraction(args.rounds)
    bench_diff(args.rounds, args.seed)


if __name__ == "__main__":
    main()
