"""Version change classification: same, minor (churn) or major (the words changed); collapse."""

from __future__ import annotations

import pytest

from tui.core.text.changes import classify_change, is_collapsed, normalize_for_compare

BODY = (
    "Negotiators returned to Geneva on Sunday for a second round of talks on the draft framework.\n\n"
    "Officials said several of its 28 points would have to be rewritten before any agreement."
)


@pytest.mark.parametrize(
    "new",
    [
        BODY,
        BODY + "\n\n\n",
        "  " + BODY.replace("\n\n", "\r\n\r\n") + "  ",
        BODY.replace("\n\n", "\n  \n\n"),
    ],
)
def test_trivial_whitespace_is_the_same(new):
    assert classify_change(BODY, new) == "same"


@pytest.mark.parametrize(
    "new",
    [
        BODY.replace("on Sunday for", "on  Sunday\u00a0for"),  # spaces inside a line
        BODY.replace("\n\n", " "),  # paragraphs re-wrapped
        BODY.replace("framework.", "framework"),  # punctuation
        BODY.replace("the draft", "the \u201cdraft\u201d").replace("28 points", "28\u2011points"),
        BODY.replace("28 points", "\uff12\uff18 points"),  # full-width digits (NFKC)
    ],
)
def test_whitespace_and_punctuation_changes_are_minor(new):
    assert classify_change(BODY, new) == "minor"


@pytest.mark.parametrize(
    ("old_stamp", "new_stamp"),
    [
        ("Updated: 23 November 2025, 07:15 GMT", "Updated: 23 November 2025, 11:40 GMT"),
        ("Last updated 2 hours ago", "Last updated 5 minutes ago"),
        ("Published Sun 23 Nov 2025 07.15 GMT", "Published Mon 24 Nov 2025 09.02 GMT"),
        ("Aktualisiert am 23.11.2025 um 14:05 Uhr", "Aktualisiert am 24.11.2025 um 08:30 Uhr"),
        ("Stand: 23.11.2025, 14:05 Uhr", "Stand: 23.11.2025, 16:40 Uhr"),
        ("Обновлено 23 ноября 2025, 16:40", "Обновлено 24 ноября 2025, 09:15"),
        ("Оновлено 23 листопада 2025, 15:20", "Оновлено 23 листопада 2025, 18:05"),
        ("Опубликовано 5 минут назад", "Опубликовано 2 часа назад"),
        ("23.11.2025, 16:40", "24.11.2025, 08:00"),
    ],
)
def test_timestamp_line_changes_are_minor(old_stamp, new_stamp):
    assert classify_change(f"{old_stamp}\n\n{BODY}", f"{new_stamp}\n\n{BODY}") == "minor"
    assert classify_change(f"{old_stamp}\n\n{BODY}", f"{BODY}") == "minor"


def test_the_time_on_a_byline_is_minor_but_the_byline_is_not():
    old = f"By Miriam Castell, 23 November 2025 07:15 GMT\n\n{BODY}"
    assert classify_change(old, old.replace("07:15", "11:40").replace("23 November", "24 November")) == "minor"
    assert classify_change(old, old.replace("Miriam Castell", "Staff")) == "major"


@pytest.mark.parametrize(
    "new",
    [
        BODY.replace("28 points", "19 points"),
        BODY.replace("Sunday", "Monday"),
        BODY.replace("would have", "would not have"),
        BODY + "\n\nThe Kremlin declined to comment.",
        BODY.replace("Geneva", "geneva"),
    ],
)
def test_word_changes_are_major(new):
    assert classify_change(BODY, new) == "major"


def test_headline_edits_are_major_even_with_dates_in_them():
    assert classify_change("Trump unveils 28-point plan", "Trump unveils 19-point plan") == "major"
    assert classify_change("Talks set for 28 November", "Talks set for 30 November") == "major"
    assert classify_change("Growth was 2.5 percent", "Growth was 25 percent") == "major"


def test_normalize_for_compare():
    text = "Updated: 23 November 2025, 11:40 GMT\n\nThe \ufb01nal \u201cdraft\u201d \u2014 28\u2011point plan;  it cost 1,500 euros."
    assert normalize_for_compare(text) == "The final draft 28 point plan it cost 1.500 euros"
    assert normalize_for_compare("It cost 1.500 euros") == "It cost 1.500 euros"
    assert normalize_for_compare("Ｔａｌｋｓ  resume") == "Talks resume"


def test_long_lines_keep_their_times():
    sentence = (
        "The meeting began at {} Moscow time, officials said on Friday in a statement long enough "
        "that it cannot be a dateline or a byline under any reading."
    )
    assert classify_change(sentence.format("14:00"), sentence.format("15:00")) == "major"


LONG = " ".join(["Negotiators met again in Geneva to discuss the draft framework."] * 30)


@pytest.mark.parametrize(
    ("new", "old", "collapsed"),
    [
        ("", LONG, True),
        ("   \n\n ", None, True),
        ("Subscribe to continue reading.", LONG, True),
        (LONG[: len(LONG) // 5], LONG, True),  # under a quarter of the old text
        (" ".join(["Short words here."] * 12), LONG, True),  # under 40 words, old was long
        (LONG[: len(LONG) // 2], LONG, False),
        (LONG, LONG, False),
        (LONG + " " + LONG, LONG, False),
        (LONG, None, False),
        ("A short brief of a few words.", None, True),
        ("A short brief, edited.", "A short brief.", False),  # both short: a real edit
    ],
)
def test_is_collapsed(new, old, collapsed):
    assert is_collapsed(new, old) is collapsed
