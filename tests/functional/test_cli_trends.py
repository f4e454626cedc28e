"""`wirewatch trends` end to end, over a cache the real `fetch` filled from a loopback site:
counts per hour and per language known in advance, `--match` in any spelling, the JSON of the
spec, the text chart, and the mistakes a user can make."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from tests.support.feedgen import config_text, item, rss
from tui.cli import main

HOUR_START = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
EARLIER = HOUR_START - timedelta(hours=3) + timedelta(minutes=10)


def clear_of_the_hour() -> None:
    """Date the items in the hour the test will ask about: items are dated in this hour and
    `trends` says "this hour" seconds later, so a test that started a moment before the hour
    turned counted them in the previous one. With under a minute left, wait for the next."""
    global HOUR_START, EARLIER
    now = datetime.now(timezone.utc)
    left = 3600 - (now.minute * 60 + now.second)
    if left < 60:
        time.sleep(left + 1)
    HOUR_START = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    EARLIER = HOUR_START - timedelta(hours=3) + timedelta(minutes=10)


def dated(n: int, title: str, when: datetime) -> dict:
    return item(n, title=title, summary="", published=format_datetime(when))


@pytest.fixture
def desk(tmp_path, http_server, capsys):
    clear_of_the_hour()
    http_server.route("/en.xml", rss([
        dated(1, "Crimea bridge reopens", HOUR_START),
        dated(2, "Crimea: talks go on", EARLIER),
        dated(3, "Lavrov on Crimea", EARLIER),
        dated(4, "Weather: sunny", EARLIER),
    ], language="en"))
    http_server.route("/de.xml", rss([dated(10, "Gespräche über die Krim", HOUR_START)],
                                     language="de"))
    config = tmp_path / "feeds.toml"
    config.write_text(config_text([("English", http_server.url("/en.xml")),
                                   ("Deutsch", http_server.url("/de.xml"))]), encoding="utf-8")

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        status = main(["--config", str(config), *args])
        out, err = capsys.readouterr()
        return status, out, err

    assert run("fetch")[0] == 0
    return run


def per_hour(run, *args: str) -> dict:
    status, out, err = run("trends", "--bucket", "hour", "--days", "1", "--json", *args)
    assert status == 0, err
    return json.loads(out)


def at(data: dict, series: dict, when: datetime) -> int:
    """The count of `series` in the bucket that starts at `when`'s hour."""
    start = when.replace(minute=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    return series["counts"][data["buckets"].index(start)]


def test_json_counts_items_per_hour_name_category_and_language(desk):
    data = per_hour(desk)
    assert len(data["buckets"]) == 24 and data["bucket"] == "hour"
    series = {s["name"]: s for s in data["series"]}
    crimea, lavrov, regions = series["Crimea"], series["Lavrov"], series["regions"]
    assert set(crimea) >= {"name", "category", "counts", "by_language"}
    assert (crimea["category"], crimea["kind"]) == ("regions", "term")
    assert (regions["category"], regions["kind"]) == ("regions", "category")
    assert at(data, crimea, HOUR_START) == 2 and at(data, crimea, EARLIER) == 2
    assert sum(crimea["counts"]) == 4 and sum(regions["counts"]) == 4
    assert at(data, lavrov, EARLIER) == 1 and sum(series["negotiators"]["counts"]) == 1
    assert sum(series["Donetsk"]["counts"]) == 0
    languages = {lang: sum(counts) for lang, counts in crimea["by_language"].items()}
    assert languages == {"de": 1, "en": 3}


@pytest.mark.parametrize("typed", ["Crimea", "krim", "Крим"])
def test_match_takes_any_spelling_and_keeps_only_that_series(desk, typed):
    data = per_hour(desk, "--match", typed)
    assert [s["name"] for s in data["series"]] == ["Crimea"]


def test_several_matches_and_a_category(desk):
    data = per_hour(desk, "--match", "negotiators", "--match", "lavrov")
    assert [s["name"] for s in data["series"]] == ["negotiators", "Lavrov"]


def test_the_text_chart_has_a_line_of_bars_per_name(desk):
    status, out, err = desk("trends", "--bucket", "hour", "--days", "1")
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].startswith("Items mentioning each watched name, per hour")
    crimea = next(line for line in lines if line.startswith("  Crimea "))
    bars = crimea[18:].split()[0]
    assert set(bars) <= set(" ▁▂▃▄▅▆▇█") and bars.endswith("█")
    assert crimea.split()[-4:] == ["4", "this", "hour", "2"]          # total, this hour
    assert "\x1b" not in out                                   # piped: no colour codes


@pytest.mark.parametrize(("args", "message"), [
    (["--match", "Atlantis"], "no watched name or category 'Atlantis'"),
    (["--days", "0"], "--days must be from 1 to"),
    (["--bucket", "hour", "--days", "500"], "--days must be from 1 to 400 for --bucket hour"),
])
def test_mistakes_are_one_line_and_exit_2(desk, args, message):
    status, out, err = desk("trends", *args)
    assert status == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1
