"""Junk where a date belongs: turned away by its shape, remembered, and capped per document.

dateparser is real here. Where a test needs to know whether it was asked, its ``parse`` is
wrapped by a counter that still calls it. The module keeps its memory between tests, so
every test uses strings of its own.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dateparser
import pytest

from tui.core.ingest.dates import MAX_DATE_LENGTH, DateBudget, parse_date
from tui.core.ingest.feeds import Entry, assign_dates

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
WORDS = ["lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit", "sed", "do", "eiusmod", "tempor", "incididunt", "labore", "dolore", "magna", "aliqua", "breaking", "news", "update", "live", "report"]
PLACEHOLDERS = ["N/A", "unknown", "TBD", "{{pubDate}}", "%%DATE%%", "undefined", "null", "NaN",
                "Invalid Date", "0000-00-00 00:00:00", "00.00.0000", "—", "November", "Monday"]


def junk_dates(count: int, seed: int) -> list[str]:
    """Rotating junk as feeds send it: word salad, placeholders, a number with a word, and
    the odd paragraph; a different set for every seed, so no cache of an earlier run helps."""
    rng = random.Random(seed)
    out = []
    for n in range(count):
        kind = n % 5
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 6)))
        if kind == 0:
            out.append(f"{words} {rng.randrange(10**9):x}".replace("0", "o"))
        elif kind == 1:
            out.append(f"{rng.choice(PLACEHOLDERS)} {words}")
        elif kind == 2:
            out.append(f"{rng.choice(['Episode', 'Issue #', 'Teil', 'No.'])} {rng.randrange(1, 99)}"
                       f" {words}")
        elif kind == 3:
            out.append((words + " ") * rng.randint(30, 300))  # far too long for a date
        else:
            out.append(words.title())
    return out


@pytest.fixture
def dateparser_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, object]]]:
    """Every call of dateparser.parse as (string, languages); the real parse still runs."""
    calls: list[tuple[str, object]] = []
    real = dateparser.parse

    def counting(date_string, *args, **kwargs):
        calls.append((date_string, kwargs.get("languages")))
        return real(date_string, *args, **kwargs)

    monkeypatch.setattr(dateparser, "parse", counting)
    yield calls


@pytest.mark.parametrize("raw", [
    "lorem ipsum dolor", "Invalid Date", "{{pubDate}}", "N/A", "0000-00-00 00:00:00",
    "November", "x" * 5000, "Breaking news: 12 killed " + "and more words " * 10,
])
def test_strings_without_a_date_shape_never_reach_dateparser(raw, dateparser_calls):
    assert parse_date(raw, language="en", now=NOW) is None
    assert parse_date(raw, language=None, now=NOW) is None
    assert dateparser_calls == []


def test_a_number_with_a_word_is_tried_in_the_feed_language_but_never_guessed(dateparser_calls):
    assert parse_date("Episode 4711 junk-test", language="en", now=NOW) is None
    assert dateparser_calls == [("Episode 4711 junk-test", ["en"])]


def test_failures_are_remembered(dateparser_calls):
    for _ in range(3):
        assert parse_date("Teil 17 remembered-test", language="de", now=NOW) is None
    assert len(dateparser_calls) == 1


def test_a_relative_failure_is_remembered_across_minutes(dateparser_calls):
    # Relative dates are cached by minute; a failure does not depend on the minute.
    for minutes in range(5):
        now = NOW + timedelta(minutes=minutes)
        assert parse_date("vor Ort in Kiew bei 3 Grad", language="de", now=now) is None
    assert 1 <= len(dateparser_calls) <= 2  # the feed's language, then one guess


def test_budget_caps_the_failed_dateparser_calls_of_one_document(dateparser_calls):
    budget = DateBudget(misses=5)
    for n in range(200):
        assert parse_date(f"Folge {n} budget-test", language="de", now=NOW, budget=budget) is None
    assert len(dateparser_calls) == 5
    assert not budget.allows()


def test_budget_caps_the_time_of_successful_calls_too(dateparser_calls):
    budget = DateBudget(seconds=1e-6)
    found = [parse_date(f"vor {n} Sekunden", language="de", now=NOW, budget=budget)
             for n in range(1, 4)]
    assert found == [NOW - timedelta(seconds=1), None, None]
    assert len(dateparser_calls) == 1


def test_budget_refusal_is_not_remembered_as_a_failure():
    spent = DateBudget(seconds=0)
    raw = "22.11.2025 08:17"  # dateparser's work: RFC 822 and ISO 8601 cannot read it

    assert parse_date(raw, language="de", now=NOW, budget=spent) is None
    assert parse_date(raw, language="de", now=NOW, budget=DateBudget()) == \
        datetime(2025, 11, 22, 7, 17, tzinfo=UTC)


def test_successes_do_not_spend_the_miss_budget():
    budget = DateBudget(misses=1)
    found = [parse_date(f"vor {n} Minuten", language="de", now=NOW, budget=budget)
             for n in range(1, 61)]
    assert found == [NOW - timedelta(minutes=n) for n in range(1, 61)]


def test_assign_dates_gives_each_document_its_own_budget():
    junk = [entry(raw) for raw in junk_dates(300, seed=7)]
    good = [entry(f"vor {n} Stunden") for n in range(1, 21)]

    assign_dates(junk, "de")
    assign_dates(good, "de")  # the junk document's spent budget is not this one's

    assert all(e.published is None for e in junk)
    assert all(e.published is not None for e in good)


def test_a_large_feed_of_dates_only_dateparser_reads_is_dated_whole():
    # Distinct strings, so no cache helps: each is a real call in the feed's language.
    raws = [f"{1 + n % 28:02d}.{1 + n // 28 % 12:02d}.2025 {n % 24:02d}:{n % 60:02d} Uhr"
            for n in range(300)]
    entries = [entry(raw) for raw in raws]

    assign_dates(entries, "de")

    assert all(e.published is not None for e in entries)


def test_every_string_over_the_length_limit_is_refused(dateparser_calls):
    raw = "22 November 2025 " + "+" * MAX_DATE_LENGTH
    assert parse_date(raw, language="en", now=NOW) is None
    assert dateparser_calls == []


def entry(raw: str) -> Entry:
    return Entry(guid=None, link=None, title="t", summary="", content="", published_raw=raw)


COLD_RUN = """
import json, sys
import dateparser
calls = []
real = dateparser.parse
def counting(*args, **kwargs):
    calls.append(args[0])
    return real(*args, **kwargs)
dateparser.parse = counting
from tests.unit.test_dates_junk import entry, junk_dates
from tui.core.ingest.feeds import assign_dates
entries = [entry(raw) for raw in junk_dates(2000, seed=int(sys.argv[1]))]
assign_dates(entries, "en")
print(json.dumps({"dateparser_calls": len(calls),
                  "dated": sum(e.published is not None for e in entries)}))
"""


def test_2000_junk_dates_reach_dateparser_only_a_handful_of_times():
    """In a fresh process, so no memory of an earlier test helps: the shape check and the
    per-document cap keep all but a few strings from dateparser (the slow part, about 20 ms
    a miss; tests/bench/bench_hostile.py times the whole)."""
    run = subprocess.run([sys.executable, "-c", COLD_RUN, "2025"], cwd=ROOT, text=True,
                         capture_output=True, timeout=120, check=True)
    figures = json.loads(run.stdout)

    assert figures["dated"] == 0
    assert figures["dateparser_calls"] <= 20, figures
