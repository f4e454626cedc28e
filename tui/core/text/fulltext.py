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

from tui.core.config.load import Config
from tui.core.text.changes import classify_change, is_collapsed
from tui.core.ingest.fetch import FetchResult
from tui.core.ingest.sanitize import clean_text
from tui.core.cache.store import Matcher, Store, content_digest

# (article age below, re-check every): seconds
RECHECK_SCHEDULE: tuple[tuple[float, float], ...] = (
    (3 * 3600, 15 * 60),
    (24 * 3600, 3600),
    (3 * 86_400, 6 * 3600),
    (7 * 86_400, 86_400),
    (float("inf"), 7 * 86_400),
)
MAX_PAGES_PER_REFRESH = 200
PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"


@dataclass(frozen=True)
class TextJob:
    row_id: int
    link: str
    feed: str


def recheck_interval(age_seconds: float) -> float:
    return next(every for below, every in RECHECK_SCHEDULE if age_seconds < below)


def _policy_selects(config: Config, feed: str, has_matches: bool) -> bool:
    feed_config = config.feed(feed)
    policy = config.full_text_policy(feed_config) if feed_config else config.settings.full_text
    return policy == "all" or (policy == "matches" and has_matches)


def due_text_jobs(store: Store, config: Config, *, fresh_ids: list[int],
                  now: float | None = None) -> list[TextJob]:
    """Pages to fetch now: fresh items the policy selects, and tracked items due a re-check."""
    now = now or time.time()
    conn = store.connection
    jobs: dict[int, TextJob] = {}
    for start in range(0, len(fresh_ids), 500):
        chunk = fresh_ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(
                f"SELECT i.id, i.link, i.feed, i.text_checked, "
                f"EXISTS (SELECT 1 FROM matches m WHERE m.item_id = i.id) AS matched "
                f"FROM items i WHERE i.id IN ({marks}) AND i.link IS NOT NULL", chunk):
            # A tracked item whose feed entry changed is re-read now: the body likely changed too.
            if row["text_checked"] is not None or _policy_selects(config, row["feed"],
                                                                  row["matched"]):
                jobs[row["id"]] = TextJob(row["id"], row["link"], row["feed"])
    keep = config.settings.keep_days * 86_400
    for row in conn.execute(
            "SELECT id, link, feed, sort_time, text_checked FROM items "
            "WHERE text_checked IS NOT NULL AND link IS NOT NULL AND sort_time > ? "
            "ORDER BY sort_time DESC LIMIT 5000", (now - keep,)):
        if row["id"] in jobs:
            continue
        if row["text_checked"] + recheck_interval(now - row["sort_time"]) <= now:
            jobs[row["id"]] = TextJob(row["id"], row["link"], row["feed"])
    return list(jobs.values())[:MAX_PAGES_PER_REFRESH]


def apply_page(store: Store, job: TextJob, fetched: FetchResult, *,
               matcher: Matcher | None, now: float | None = None) -> str:
    """Extract a fetched page into the item; returns what happened.

    "first" (the item's first text), "major" / "minor" (a new version), "same", "collapsed"
    (the page yielded almost nothing: not a version), or "error".
    """
    from tui.core.text.extract import extract_article  # trafilatura: imported when first needed

    now = now or time.time()
    extracted = None
    if fetched.ok and fetched.body:
        extracted = extract_article(fetched.body, fetched.url)
    with store.transaction() as conn:
        row = conn.execute(
            "SELECT title, summary, text, versions, text_checked, (SELECT max(seen) FROM versions "
            "WHERE item_id = items.id) AS latest_seen FROM items WHERE id = ?",
            (job.row_id,)).fetchone()
        if row is None:
            return "error"
        conn.execute("UPDATE items SET text_checked = ? WHERE id = ?", (now, job.row_id))
        if extracted is None:
            return "error" if not fetched.ok else "collapsed"
        text, old = clean_text(extracted.text), row["text"]
        if old is None:
            if is_collapsed(text, None):
                return "collapsed"
            _complete_version(conn, job.row_id, row, text)
            outcome = "first"
        elif is_collapsed(text, old):
            return "collapsed"
        else:
            outcome = classify_change(old, text)
            if outcome == "same":
                return "same"
            if row["latest_seen"] > (row["text_checked"] or 0):
                # The feed entry changed since the page was last read: this text belongs to
                # that same new version, not to one more.
                _complete_version(conn, job.row_id, row, text)
            elif not store.add_version(conn, job.row_id, title=row["title"],
                                       summary=row["summary"], text=text, now=now,
                                       minor=outcome == "minor", text_source="page"):
                outcome = "same"   # back to an earlier wording (A/B/A): shown, no new version
        if matcher is not None:
            store.rematch(conn, job.row_id, matcher)
    return outcome


def _complete_version(conn, row_id: int, row, text: str) -> None:
    """Put page text into the item's latest version instead of making a new one."""
    conn.execute("UPDATE items SET text = ?, text_source = 'page' WHERE id = ?", (text, row_id))
    conn.execute("UPDATE versions SET text = ?, digest = ? WHERE item_id = ? AND number = ?",
                 (text, content_digest(row["title"], row["summary"], text), row_id,
                  row["versions"]))
