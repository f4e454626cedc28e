"""Article pages: which items get their full text, when pages are re-checked, and what a
newly fetched page does to an item's versions.

Like the change trackers NewsDiffs and diffengine, a young article is re-checked often and an
old one rarely, never after `keep_days`. The first text an item gets completes its first
version; later texts make a new version only when they really changed (a timestamp line or
punctuation is a minor version) and never when the page collapsed to almost nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tui.core.cache.pages import (
    fresh_candidates,
    page_record,
    tracked_pages,
    untried_pages,
)
from tui.core.cache.store import Store
from tui.core.config.model import Config
from tui.core.ingest.fetch import FetchResult
from tui.core.ingest.sanitize import clean_text

if TYPE_CHECKING:
    from tui.core.cache.rematch import Matcher

# (article age below, re-check every): seconds
RECHECK_SCHEDULE: tuple[tuple[float, float], ...] = (
    (3 * 3600, 15 * 60),
    (24 * 3600, 3600),
    (3 * 86_400, 6 * 3600),
    (7 * 86_400, 86_400),
    (float("inf"), 7 * 86_400),
)
MAX_PAGES_PER_REFRESH = 200
# Pages a refresh did not get to (interrupted, or more than MAX_PAGES_PER_REFRESH) are fetched
# by the next refreshes while their items are this young: an alert on a name only the page
# holds still fires, and the backlog cannot grow without end.
PAGE_BACKLOG_SECONDS = 2 * 86_400
PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"


@dataclass(frozen=True)
class TextJob:
    row_id: int
    link: str
    feed: str


def recheck_interval(age_seconds: float) -> float:
    return next(every for below, every in RECHECK_SCHEDULE if age_seconds < below)


def _policy_selects(policy: str, has_matches: bool) -> bool:
    return policy == "all" or (policy == "matches" and has_matches)


def _feed_policies(config: Config) -> dict[str, str]:
    """Each feed's full-text policy by name, looked up once per refresh rather than per item
    (a search of the feed list per item: seconds for 50,000 items of 1,000 feeds)."""
    return {feed.name: config.full_text_policy(feed) for feed in reversed(config.feeds)}


def due_text_jobs(store: Store, config: Config, *, fresh_ids: list[int],
                  now: float | None = None) -> list[TextJob]:
    """Pages to fetch now: fresh items the policy selects, tracked items due a re-check,
    then the pages earlier refreshes left unfetched (`untried_pages`), newest first."""
    now = now or time.time()
    jobs: dict[int, TextJob] = {}
    policies = _feed_policies(config)
    # Where every policy is "never", only a tracked item (its page opened by hand) can be due:
    # the others are not even read (a cold refresh of 15,000 items spent 0.1 s on them).
    tracked_only = {config.settings.full_text, *policies.values()} == {"never"}
    for item in fresh_candidates(store, fresh_ids, tracked_only=tracked_only):
        policy = policies.get(item.feed, config.settings.full_text)
        # A tracked item whose feed entry changed is re-read now: the body likely changed too.
        if item.text_checked is not None or _policy_selects(policy, item.matched):
            jobs[item.row_id] = TextJob(item.row_id, item.link, item.feed)
    keep = config.settings.keep_days * 86_400
    for item in tracked_pages(store, since=now - keep):
        if item.row_id in jobs or item.text_checked is None:
            continue
        if item.text_checked + recheck_interval(now - item.sort_time) <= now:
            jobs[item.row_id] = TextJob(item.row_id, item.link, item.feed)
    room = MAX_PAGES_PER_REFRESH - len(jobs)
    if room > 0 and not tracked_only:
        by_policy = {policy: [name for name, p in policies.items() if p == policy]
                     for policy in ("all", "matches")}
        for item in untried_pages(store, since=now - PAGE_BACKLOG_SECONDS,
                                  every_item=by_policy["all"], matched_items=by_policy["matches"],
                                  limit=room + len(jobs)):
            jobs.setdefault(item.row_id, TextJob(item.row_id, item.link, item.feed))
    return list(jobs.values())[:MAX_PAGES_PER_REFRESH]


def apply_page(store: Store, job: TextJob, fetched: FetchResult, *,
               matcher: Matcher | None, now: float | None = None) -> str:
    """Extract a fetched page into the item; returns what happened.

    "first" (the item's first text), "major" / "minor" (a new version), "same", "collapsed"
    (the page yielded almost nothing: not a version), or "error". When the page's text is not
    used, the item keeps a note of why (shown with the article).
    """
    # Loaded when a page comes: a refresh without one needs neither (trafilatura, ~10 ms).
    from tui.core.text.changes import classify_change, is_collapsed
    from tui.core.text.extract import extract_with_reason

    now = now or time.time()
    extracted, why_not = None, None
    if not fetched.ok:
        why_not = f"the page could not be fetched: {fetched.error}"
    elif not fetched.body:
        why_not = "the page was empty"
    else:
        extracted, why_not = extract_with_reason(fetched.body, fetched.url)
    with page_record(store, job.row_id) as item:
        if item is None:
            return "error"
        if extracted is None:
            item.mark_checked(now, why_not)
            return "error" if not fetched.ok else "collapsed"
        text = clean_text(extracted.text)
        if item.text is None:
            if is_collapsed(text, None):
                item.mark_checked(now, "the page holds almost no text")
                return "collapsed"
            item.mark_checked(now)
            item.complete_version(text)
            outcome = "first"
        elif is_collapsed(text, item.text):
            item.mark_checked(now, "the page now holds much less text than before; the "
                                   "earlier text is kept")
            return "collapsed"
        else:
            item.mark_checked(now)
            outcome = classify_change(item.text, text)
            if outcome == "same":
                return "same"
            if item.latest_seen > (item.text_checked or 0):
                # The feed entry changed since the page was last read: this text belongs to
                # that same new version, not to one more.
                item.complete_version(text)
            elif not item.add_version(text, now=now, minor=outcome == "minor"):
                outcome = "same"   # back to an earlier wording (A/B/A): shown, no new version
        if matcher is not None:
            item.rematch(matcher)
    return outcome
