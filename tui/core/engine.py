"""The refresh cycle: fetch every due feed, parse, store, match; report per feed.

`wirewatch fetch`, `wirewatch watch` and the dashboard's `r` all run this same code. Feeds are
fetched concurrently (bounded overall and per host by the fetcher); parsing and storing run on
one worker thread, so the event loop keeps fetching while a big feed is parsed and the cache
sees one writer. A feed that fails is reported and backs off; it never stops the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Callable, Protocol, TypeVar

from tui.core.cache.hits import AlertHit, StaleRules
from tui.core.cache.mentions import settle as settle_mentions
from tui.core.cache.query import item_link
from tui.core.cache.store import IngestResult, Store
from tui.core.config.model import Config, FeedConfig
from tui.core.ingest.fetch import Fetcher, FetchLimits, FetchResult
from tui.core.ingest.sanitize import one_line
from tui.core.ingest.workers import MIN_FEEDS, ParserPool
from tui.core.text.fulltext import PAGE_ACCEPT, TextJob, apply_page, due_text_jobs

# The parser, the grouper, the matcher and the rules load when a refresh brings something.
if TYPE_CHECKING:
    from tui.core.alerts.rules import RuleSet
    from tui.core.ingest.feeds import FeedError, ParsedFeed
    from tui.core.names.watch import Watcher

T = TypeVar("T")

MAX_BACKOFF_SECONDS = 6 * 3600


@dataclass
class FeedReport:
    name: str
    url: str
    status: str                 # "ok" | "not_modified" | "error"
    http_status: int | None = None
    new: int = 0
    updated: int = 0
    error: str | None = None
    seconds: float = 0.0
    warning: str | None = None  # stored, but not all of it: what was dropped or guessed
    new_ids: list[int] = field(default_factory=list, repr=False)
    updated_ids: list[int] = field(default_factory=list, repr=False)

    def to_json(self) -> dict:
        """The report as `fetch --json` prints it (field by field: dataclasses.asdict deep-
        copies, 13 ms for 300 feeds)."""
        return {"name": self.name, "url": self.url, "status": self.status,
                "http_status": self.http_status, "new": self.new, "updated": self.updated,
                "error": self.error, "seconds": round(self.seconds, 3), "warning": self.warning}


@dataclass
class RefreshReport:
    feeds: list[FeedReport] = field(default_factory=list)
    seconds: float = 0.0
    alerts: list[AlertHit] = field(default_factory=list)   # hits fired by this refresh
    pages: dict[str, int] = field(default_factory=dict)    # page outcomes: first, major, ...
    pruned: int = 0
    problems: list[str] = field(default_factory=list)      # failures not of one feed
    changed: list[int] = field(default_factory=list)       # items new or with a new version

    @property
    def failed(self) -> list[FeedReport]:
        return [f for f in self.feeds if f.status == "error"]

    @property
    def all_failed(self) -> bool:
        """Not one feed could be read: an outage a scheduler should see (exit status 3)."""
        return bool(self.feeds) and len(self.failed) == len(self.feeds)

    def touched_ids(self) -> list[int]:
        return [i for f in self.feeds for i in f.new_ids + f.updated_ids]


ProgressCallback = Callable[[int, int, FeedReport], None]


@dataclass
class _Evaluated:
    """Alert hits recorded in the transaction that stored their items, so that a refresh
    stopped before its end (Ctrl+C, SIGTERM, a crash while it fetches pages) never leaves
    items stored whose alerts nobody will evaluate: the next run finds their feed unchanged."""
    hits: list[AlertHit] = field(default_factory=list)
    ids: set[int] = field(default_factory=set)
    stale: bool = False          # the rules changed on disk: left to the end of the refresh


def backoff_seconds(period_seconds: float, failures: int) -> float:
    """After n consecutive failures wait period * 2^n, capped: a dead feed costs little."""
    return min(period_seconds * (2 ** min(failures, 10)), max(MAX_BACKOFF_SECONDS, period_seconds))


class Running(Protocol):
    """What the engine reads its configuration from (the session, which owns it)."""

    config: Config
    store: Store
    watcher: Watcher
    rules: RuleSet


class Engine:
    """The refresh cycle over a running configuration it reads, never holds."""

    def __init__(self, running: Running) -> None:
        self.running = running
        # One long-lived writer thread: every refresh's parsing and storing runs on it, so the
        # cache sees one writer and the thread's SQLite connection is opened once, not per refresh.
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wirewatch-store")

    @property
    def config(self) -> Config:
        return self.running.config

    @property
    def store(self) -> Store:
        return self.running.store

    def fetch_limits(self) -> FetchLimits:
        settings = self.config.settings
        return FetchLimits(timeout_seconds=settings.timeout_seconds,
                           max_bytes=settings.max_feed_bytes, concurrency=settings.concurrency)

    def close(self) -> None:
        """Stop the writer thread: the feed it is storing is finished (one transaction), what
        waits behind it is dropped (a refresh cut short by quitting is fetched again)."""
        self._writer.shutdown(wait=True, cancel_futures=True)

    def due_feeds(self, now: float | None = None) -> list[FeedConfig]:
        now = now or time.time()
        states = self.store.feed_states()
        return [f for f in self.config.feeds
                if (state := states.get(f.name)) is None or state.next_due is None
                or state.next_due <= now]

    def refresh_sync(self, **kwargs) -> RefreshReport:
        return asyncio.run(self.refresh(**kwargs))

    async def refresh(self, *, force: bool = False,
                      on_progress: ProgressCallback | None = None) -> RefreshReport:
        """Fetch the due feeds (all of them when `force`), store them, report each."""
        started = time.perf_counter()
        config = self.config
        chosen = list(config.feeds) if force else self.due_feeds()
        report = RefreshReport()
        states = self.store.feed_states()
        writer = self._writer
        loop = asyncio.get_running_loop()
        done = 0
        evaluated = _Evaluated()
        batches = _Batches(loop, writer, partial(self._store_batch, evaluated=evaluated))
        # A 304 changes nothing but the feed's times: those are written together once every
        # feed is in, not one writer round trip each (a sixth of an all-304 refresh). Cut
        # short, the feeds are only asked again.
        unchanged: list[tuple[str, dict]] = []
        # A big refresh parses in worker processes, so the writer thread only writes; they
        # start with the first body to parse (none at all when every feed answers 304).
        parsers = ParserPool() if len(chosen) >= MIN_FEEDS else None
        async with Fetcher(self.fetch_limits()) as fetcher:
            async def one(feed: FeedConfig) -> FeedReport:
                """One feed, whatever happens to it: a failure is its report, never an
                exception that would stop the others."""
                state = states.get(feed.name)
                url = state.url if state else feed.url
                failures = state.failures if state else 0
                try:
                    fetched = await fetcher.get(
                        url, etag=state.etag if state else None,
                        last_modified=state.last_modified if state else None)
                    if fetched.not_modified and fetched.error is None:
                        unchanged.append((feed.name, _checked(config, feed, fetched)))
                        return FeedReport(name=feed.name, url=url, status="not_modified",
                                          http_status=fetched.status, seconds=fetched.seconds)
                    parsed = None
                    if parsers is not None and fetched.error is None and fetched.body:
                        parsed = await parsers.parse(fetched.body, fetched.headers, fetched.url,
                                                     feed.language)
                    return await batches.store((config, feed, url, fetched, failures, parsed))
                except Exception as error:                    # a bug or a cache fault
                    return await loop.run_in_executor(
                        writer, self._unexpected, config, feed, url, error, failures)

            tasks = [asyncio.ensure_future(one(feed)) for feed in chosen]
            try:
                for finished in asyncio.as_completed(tasks):
                    feed_report = await finished
                    report.feeds.append(feed_report)
                    done += 1
                    if on_progress is not None:
                        on_progress(done, len(chosen), feed_report)
            finally:
                if parsers is not None:
                    await parsers.close()
            if unchanged:
                try:
                    await loop.run_in_executor(writer, self.store.record_fetches, unchanged)
                except Exception as error:
                    report.problems.append(f"feeds not recorded as checked: {_describe(error)}")
            touched = report.touched_ids()
            text_changed: list[int] = []
            try:
                jobs = await loop.run_in_executor(
                    writer, lambda: due_text_jobs(self.store, config, fresh_ids=touched))
                text_changed = await self._fetch_pages(fetcher, writer, jobs, report.pages)
            except Exception as error:
                report.problems.append(f"article pages: {_describe(error)}")
        report.changed = touched + text_changed
        report.alerts = list(evaluated.hits)
        pending = [i for i in touched if i not in evaluated.ids] + text_changed
        try:
            report.alerts += await loop.run_in_executor(
                writer, lambda: self._hits_of(pending))
        except StaleRules as stale:     # evaluated again once the new rules are read
            report.alerts += stale.hits
        except Exception as error:
            report.problems.append(f"alerts not evaluated: {_describe(error)}")
        try:
            report.pruned = await loop.run_in_executor(
                writer, self.store.prune, config.settings.keep_days)
        except Exception as error:
            report.problems.append(f"old items not pruned: {_describe(error)}")
        try:        # now, while the writer is here, rather than when trends are next read
            await loop.run_in_executor(writer, settle_mentions, self.store)
        except Exception as error:
            report.problems.append(f"mention counts not updated: {_describe(error)}")
        if report.changed or report.pruned:
            try:    # the new and edited items join their stories (a few ms per feed; a
                    # backlog of thousands is left to idle time: Session.group_stories_step)
                from tui.core.stories.grouping import settle_after_refresh

                await loop.run_in_executor(writer, settle_after_refresh, self.store)
            except Exception as error:
                report.problems.append(f"stories not grouped: {_describe(error)}")
        order = {f.name: i for i, f in enumerate(chosen)}
        report.feeds.sort(key=lambda r: order.get(r.name, 0))
        report.seconds = time.perf_counter() - started
        return report

    async def on_writer(self, job: Callable[[], T]) -> T:
        """Run `job` on the writer thread, between the refreshes' writes, never across them."""
        return await asyncio.get_running_loop().run_in_executor(self._writer, job)

    async def _fetch_pages(self, fetcher: Fetcher, writer: ThreadPoolExecutor,
                           jobs: list[TextJob], outcomes: dict[str, int]) -> list[int]:
        """Fetch and apply article pages; returns the items whose text changed."""
        loop = asyncio.get_running_loop()

        async def one(job: TextJob) -> tuple[TextJob, str]:
            try:
                fetched = await fetcher.get(job.link, accept=PAGE_ACCEPT,
                                            max_bytes=self.config.settings.max_page_bytes)
            except Exception as error:        # one page never stops the others
                fetched = _failed_fetch(job.link, _describe(error))
            try:
                outcome = await loop.run_in_executor(
                    writer, lambda: apply_page(self.store, job, fetched,
                                               matcher=self.running.watcher))
            except Exception:
                outcome = "error"
            return job, outcome

        changed: list[int] = []
        for job, outcome in await asyncio.gather(*(one(job) for job in jobs)):
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            if outcome in ("first", "major", "minor"):
                changed.append(job.row_id)
        return changed

    async def fetch_text(self, row_id: int) -> str:
        """Fetch one item's page now (an item opened by the user); returns the outcome."""
        found = item_link(self.store, row_id)
        if found is None or not found[0]:
            return "error"
        link, feed = found
        outcomes: dict[str, int] = {}
        async with Fetcher(self.fetch_limits()) as fetcher:
            changed = await self._fetch_pages(
                fetcher, self._writer, [TextJob(row_id, link, feed)], outcomes)
        if changed:
            with contextlib.suppress(StaleRules):   # evaluated again with the new rules
                await asyncio.get_running_loop().run_in_executor(
                    self._writer, lambda: self._hits_of(changed))
        return next(iter(outcomes), "error")

    def _hits_of(self, row_ids: list[int]) -> list[AlertHit]:
        """Record the alert hits among these items; the new ones. The rules are compiled (and
        their module loaded) on first need: a refresh where every feed answered 304 has no
        item to evaluate."""
        if not row_ids:
            return []
        from tui.core.alerts.rules import evaluate

        return evaluate(self.store, self.running.rules, row_ids)

    def _store_batch(self, jobs: list[tuple], *,
                     evaluated: _Evaluated) -> list[FeedReport | Exception]:
        """Parse and store fetched feeds in one transaction (runs on the writer thread), and
        record the alert hits of what they brought in that same transaction (`evaluated`).

        A commit per feed cost more than storing a small feed; each feed is still all or
        nothing (a savepoint), and a feed that fails is its own report, not the batch's.
        """
        reports: list[FeedReport | Exception] = []
        with self.store.batch():
            for job in jobs:
                try:
                    reports.append(self._store_result(*job))
                except Exception as error:          # handed back to its feed's task
                    reports.append(error)
            self._evaluate_stored(reports, evaluated)
        return reports

    def _evaluate_stored(self, reports: list[FeedReport | Exception],
                         evaluated: _Evaluated) -> None:
        """The alerts of a batch's new and changed items; what cannot be evaluated now (the
        rules changed on disk, a failure) is left to the evaluation at the refresh's end."""
        ids = [i for r in reports if isinstance(r, FeedReport) for i in r.new_ids + r.updated_ids]
        if not ids or evaluated.stale:
            return
        try:
            evaluated.hits += self._hits_of(ids)
        except StaleRules as stale:
            evaluated.hits += stale.hits
            evaluated.stale = True
            return
        except Exception:       # evaluated again at the end, where a failure is reported
            return
        evaluated.ids.update(ids)

    def _store_result(self, config: Config, feed: FeedConfig, url: str, fetched: FetchResult,
                      failures: int, parsed: ParsedFeed | FeedError | None = None) -> FeedReport:
        """Parse (unless a worker did) and store one fetch result (runs on the writer thread)."""
        from tui.core.ingest.feeds import FeedError, parse_feed
        now = time.time()
        period = config.refresh_minutes(feed) * 60
        base = FeedReport(name=feed.name, url=url, status="ok", http_status=fetched.status,
                          seconds=fetched.seconds)
        if fetched.error is not None:
            return self._fail(base, fetched.error, now, period, failures)
        common = _checked(config, feed, fetched, now)
        parse_started = time.perf_counter()
        if parsed is None:
            try:
                parsed = parse_feed(fetched.body or b"", fetched.headers, base_url=fetched.url,
                                    language=feed.language)
            except FeedError as error:
                parsed = error
        if isinstance(parsed, FeedError):
            return self._fail(base, str(parsed), now, period, failures)
        result: IngestResult = self.store.ingest(
            feed.name, parsed, now=now, matcher=self.running.watcher,
            record=dict(common, title=parsed.title, language=parsed.language))
        base.warning = "; ".join(parsed.notes) or None
        base.new, base.updated = len(result.new), len(result.updated)
        base.new_ids, base.updated_ids = result.new, result.updated
        base.seconds += time.perf_counter() - parse_started
        return base

    def _fail(self, report: FeedReport, error: str, now: float, period: float,
              failures: int) -> FeedReport:
        """A failed feed: reported, and backing off. The error line may quote a server:
        sanitised here, once, for every face and for JSON."""
        error = one_line(error, ERROR_MAX)
        report.status, report.error = "error", error
        try:
            self.store.record_fetch(report.name, ok=False, now=now,
                                    next_due=now + backoff_seconds(period, failures + 1),
                                    status=report.http_status, error=error)
        except Exception as fault:          # the cache itself failed: say so, keep going
            report.error = f"{error}; and the cache could not record it ({_describe(fault)})"
        return report

    def _unexpected(self, config: Config, feed: FeedConfig, url: str, error: Exception,
                    failures: int) -> FeedReport:
        """A feed whose storing (or anything else) failed: its report, and its back-off."""
        report = FeedReport(name=feed.name, url=url, status="error")
        return self._fail(report, _describe(error), time.time(),
                          config.refresh_minutes(feed) * 60, failures)


ERROR_MAX = 300
#: Most feeds stored in one transaction: enough to spread a commit's cost, few enough that
#: progress keeps moving and another process waiting for the lock is not kept long.
BATCH_MAX = 64


class _Batches:
    """Hands fetched feeds to the writer thread in batches: whatever arrived while the writer
    was busy goes in its next transaction. A lone feed is stored at once, so nothing waits
    for a batch to fill."""

    def __init__(self, loop: asyncio.AbstractEventLoop, writer: ThreadPoolExecutor,
                 store_batch: Callable[[list[tuple]], list[FeedReport | Exception]]) -> None:
        self._loop = loop
        self._writer = writer
        self._store_batch = store_batch
        self._waiting: list[tuple[tuple, asyncio.Future]] = []
        self._busy = False

    async def store(self, job: tuple) -> FeedReport:
        """Store one fetched feed; its report, or the exception storing it raised."""
        done = self._loop.create_future()
        self._waiting.append((job, done))
        if not self._busy:
            self._next()
        return await done

    def _next(self) -> None:
        batch, self._waiting = self._waiting[:BATCH_MAX], self._waiting[BATCH_MAX:]
        self._busy = True
        stored = self._loop.run_in_executor(
            self._writer, self._store_batch, [job for job, _ in batch])
        stored.add_done_callback(lambda outcome: self._settle(batch, outcome))

    def _settle(self, batch: list[tuple[tuple, asyncio.Future]], outcome: asyncio.Future) -> None:
        self._busy = False
        failure = None if outcome.cancelled() else outcome.exception()
        for index, (_, done) in enumerate(batch):
            if done.done():
                continue
            if outcome.cancelled():
                done.cancel()
            elif failure is not None:           # the transaction itself failed
                done.set_exception(failure)
            elif isinstance(result := outcome.result()[index], Exception):
                done.set_exception(result)
            else:
                done.set_result(result)
        if self._waiting:
            self._next()


def _checked(config: Config, feed: FeedConfig, fetched: FetchResult,
             now: float | None = None) -> dict:
    """What a successful fetch records of its feed (Store.record_fetch's fields)."""
    now = time.time() if now is None else now
    return dict(ok=True, now=now, next_due=now + config.refresh_minutes(feed) * 60,
                status=fetched.status, etag=fetched.etag, last_modified=fetched.last_modified,
                new_url=fetched.permanent_url)


def _failed_fetch(url: str, error: str) -> FetchResult:
    return FetchResult(url=url, status=None, body=None, headers={}, etag=None,
                       last_modified=None, permanent_url=None, not_modified=False,
                       error=one_line(error, ERROR_MAX), seconds=0.0)


def _describe(error: BaseException) -> str:
    """One line for a failure that is not the network's (those come described by fetch)."""
    if isinstance(error, sqlite3.Error):
        return f"cache write failed: {error}"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
