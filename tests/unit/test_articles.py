"""Which feed summary leads an article: only one the text shown does not already say."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from tui.core.cache.query import Item
from tui.core.text.articles import Article

TEXT = ("GENEVA — US and Ukrainian officials met in Geneva on Sunday to discuss a plan.\n\n"
        "The US delegation was led by Marco Rubio.")


def article(summary: str, text: str = TEXT) -> Article:
    item = Item(row_id=1, uid="abc", feed="Harbor Wire", title="t", link=None, summary=summary,
                published=None, first_seen=datetime(2026, 12, 1, tzinfo=timezone.utc),
                versions=1, changed=False, read=False, starred=False)
    return Article(item=item, text=text, text_source="page", summary=summary)


@pytest.mark.parametrize("summary", [
    "US and Ukrainian officials met in Geneva on Sunday to discuss a plan.",
    "us and   ukrainian officials MET in Geneva\non Sunday",               # case, spaces, lines
    "US and Ukrainian officials met in Geneva on Sunday …",                # a teaser cut short
    "US and Ukrainian officials met in Geneva on Sunday [...]",
    "US and Ukrainian officials met in Geneva on Sunday... Read more",
    "", "   ",
])
def test_a_summary_the_text_already_says_does_not_lead(summary):
    assert article(summary).standfirst is None


@pytest.mark.parametrize("summary", [
    "Delegations led by Marco Rubio met in Geneva to discuss a US-drafted plan.",
    "US and Ukrainian officials met in Geneva on Monday",                   # edited teaser
])
def test_a_summary_the_text_does_not_say_leads(summary):
    assert article(summary).standfirst == summary


def test_the_summary_is_in_the_json_whether_it_leads_or_not():
    assert article("").to_json()["summary"] == ""
    assert article("Something else.").to_json()["summary"] == "Something else."


def test_a_summary_of_endless_cut_marks_is_read_in_one_pass():
    """A regex for "any run of cut marks at the end" backtracked for a minute on this."""
    assert article(" ..." * 20_000 + " x").standfirst is not None
    assert article(" ..." * 20_000).standfirst is None
