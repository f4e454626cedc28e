import json
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tui.core.ingest.dates import parse_date

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus" / "feedparser" / "dates.json"
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("raw, language, expected", [
    ("Sa, 22 Nov 2025 10:30:00 +0100", "de", datetime(2025, 11, 22, 9, 30, tzinfo=timezone.utc)),
    ("22.11.2025 08:05", "de", datetime(2025, 11, 22, 7, 5, tzinfo=timezone.utc)),
    ("Mo, 03 Mär 2025 10:00:00 +0100", "de", datetime(2025, 3, 3, 9, 0, tzinfo=timezone.utc)),
    ("Sat, 22 Nov 2025 10:30:00 GMT", None, datetime(2025, 11, 22, 10, 30, tzinfo=timezone.utc)),
    ("2025-11-22T10:00:00Z", None, datetime(2025, 11, 22, 10, 0, tzinfo=timezone.utc)),
    ("2025-11-22T13:00:00+03:00", "ru", datetime(2025, 11, 22, 10, 0, tzinfo=timezone.utc)),
])
def test_absolute_dates(raw, language, expected):
    assert parse_date(raw, language=language, now=NOW) == expected


@pytest.mark.parametrize("raw, language", [
    ("vor 2 Stunden", "de"), ("2 hours ago", "en"), ("2 часа назад", "ru"),
])
def test_relative_dates_are_relative_to_now(raw, language):
    assert parse_date(raw, language=language, now=NOW) == NOW - timedelta(hours=2)


@pytest.mark.parametrize("raw", ["garbage", "", "   ", "Fri, 01 Jan 1980 00:00:00 GMT",
                                 "Sat, 01 Jan 2050 00:00:00 GMT"])
def test_unknown_or_implausible_dates_are_none(raw):
    assert parse_date(raw, now=NOW) is None


def test_structured_date_wins():
    struct = time.gmtime(NOW.timestamp() - 60)
    assert parse_date("nonsense", struct=struct, now=NOW) == NOW - timedelta(seconds=60)


def test_results_are_always_aware_utc():
    found = parse_date("22.11.2025 08:05", language="uk", now=NOW)
    assert found.tzinfo is not None and found.utcoffset() == timedelta(0)


def test_feedparser_date_corpus():
    """The corpus' date strings: where a date is meant, ours is the same instant, or unknown.

    A wrong date is worse than none; so every answer must be right, and most must be found.
    """
    cases = json.loads(CORPUS.read_text(encoding="utf-8"))
    found = wrong = 0
    later = datetime(2100, 1, 1, tzinfo=timezone.utc)
    for case in cases:
        result = parse_date(case["input"], now=later)
        expected = case["expected_utc_struct_time"]
        if result is None:
            continue
        assert result.tzinfo is not None
        if expected is None:
            continue
        want = datetime(*expected[:6], tzinfo=timezone.utc)
        found += 1
        if abs((result - want).total_seconds()) >= 1:
            wrong += 1
    meant = sum(1 for c in cases if c["expected_utc_struct_time"] is not None)
    # Known misses: Korean local times with no zone (feedparser assumes KST; we cannot know).
    assert wrong <= 2, f"{wrong} of {found} dates wrong"
    assert found >= meant * 0.6, f"only {found} of {meant} dates understood"
