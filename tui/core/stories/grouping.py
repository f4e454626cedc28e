"""Grouping items into stories, incrementally: only the items the cache noted as new or edited
are (re)placed, against the stories of their time window.

Each noted item is keyed (evidence.py), then placed in time order: it joins the story it links
to most strongly (links.py: two independent signals, weighed by rarity in the window; a story
of three or more must support it as a whole, see _support), merges
two stories when it links strongly into both, or starts a story of its own. A story that lost
or changed an item is checked for a split: its items are linked among themselves again and
each part that no longer holds to the rest becomes a story of its own.

A story's id is the uid of its first stored item, so it stays put as reports arrive; a merge
keeps the older id, a split gives the new part the id of its own first item. A cache written
before stories existed, or grouped by other rules (GROUPING_VERSION), is grouped afresh.

One settle at a time, across threads and processes: each of its writes is a whole transaction,
but two settles interleaved would place the same items twice. A thread lock keeps this
process's threads apart, the cache's "stories" lease (tui.core.cache.lease) the processes
(`watch`, the dashboard, a cron `fetch`, `wirewatch stories`); the settle renews it before each
write. Whoever finds either held does not wait: it groups nothing (its report says `busy`;
`more` still says whether items wait) and readers read the stories as they are.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from tui.core.cache import stories as cache
from tui.core.cache.lease import LeaseLost, held
from tui.core.cache.store import Store
from tui.core.forked import process_count, run_in_processes
from tui.core.stories.evidence import item_keys, parse_keys
from tui.core.stories.facts import find_facts
from tui.core.stories.links import WINDOW_SECONDS, Rarity, candidates, link

GROUPING_VERSION = "2"         # bump when the linking rules change: every item is regrouped
KEYS_VERSION = "4"             # bump when the evidence changes: every item is read afresh
LEASE = "stories"               # the cache's lease on grouping (one process at a time)
VERSION_KEY = "stories_version"
KEYS_VERSION_KEY = "stories_keys_version"
KEY_BATCH = 2_000               # items read per query
KEY_BLOCK = 20_000              # items keyed (in processes, when many) and stored per transaction
KEY_PARALLEL_MIN = 4_000        # fewer are keyed in this process (forking would cost more)
KEY_COST_PER_MATCH = 50         # keying an item costs about as much as matching 50 (rematch)
READ_LIMIT = 2_000              # items a read groups before it answers (about a second)
REFRESH_LIMIT = 1_000           # a refresh groups what waits when it is this few items: the
                                # daily loop's tens of new items join their stories before the
                                # refresh reports (milliseconds). A bigger backlog (a first
                                # refresh of a long feed list: ten thousand items, whose keying
                                # would cost several times the fetching) waits for idle time
                                # (`settle_step`, in the dashboard and `watch`) and for the
                                # reads that need it (`wirewatch stories` groups all)
REFRESH_SECONDS = 0.5           # ... and no longer than this even then
STEP_SECONDS = 0.25             # one slice of idle-time grouping
TIMED_BLOCK = 500               # items keyed per step when a settle has a time budget
CHUNK_SECONDS = 6 * 86_400      # noted items placed per window read
MERGE_SCORE = 12.0              # a link this strong into a second story merges the two
SPLIT_CHECK_MAX = 400           # larger stories are not re-linked pair by pair
SPLIT_SPAN_SECONDS = 14 * 86_400
SUPPORT_SHARE = 0.25            # a report joins a story of 3+ if it links to this share of it
STRONG_SCORE = 8.0              # ... or to one of its reports this strongly
SUPPORT_CHECK_MAX = 24          # reports of a story a joining report is linked against


@dataclass
class SettleReport:
    keyed: int = 0
    placed: int = 0
    merged: int = 0
    split: int = 0
    rebuilt: bool = False
    stories: set[str] = field(default_factory=set)    # final ids of the stories touched
    more: bool = False                                 # items still wait (settle_step)
    busy: bool = False                                 # another thread or process was grouping
    interrupted: bool = False                          # stopped early: its `stop` said so


_SETTLING = threading.Lock()
#: Items keyed between two looks at a settle's `stop` (a few milliseconds of keying).
STOP_CHECK_ITEMS = 64


class Stopped(Exception):
    """A settle's `stop` said to stop: what it wrote stays, the next settle goes on."""


def settle(store: Store, *, limit: int | None = None, seconds: float | None = None,
           stop: Callable[[], bool] | None = None) -> SettleReport:
    """Group what the cache noted since the last settle: all of it, or the first `limit`
    items, or as many as are keyed in about `seconds` (a bounded pause; the rest waits for
    the next settle). `stop` is asked every few milliseconds of work: once it says True the
    settle ends at once (`interrupted`), as if killed there; the next settle finishes what
    it began (the dashboard's way to leave the interpreter to a key that came meanwhile).
    A read-only cache is left as
    the last writer grouped it. While another thread or process settles (the refresh's writer,
    a `watch` beside the dashboard), nothing is done here (`busy`): a reader does not wait, it
    reads the stories as they are. Nothing waiting, the lease is not taken."""
    report = SettleReport()
    if limit == 0 or store.read_only or not has_waiting(store):
        return report           # (a limit of 0: a read that asks for no grouping at all)
    if not _SETTLING.acquire(blocking=False):
        report.busy = True
        return report
    try:
        with held(store, LEASE) as lease:
            if lease is None:
                report.busy = True
                return report
            deadline = None if seconds is None else time.monotonic() + seconds
            return _settle(store, limit, deadline, report, _keeper(lease.keep, stop))
    except LeaseLost:           # stopped past the lease: the taker groups; what was written stays
        report.busy = True
        return report
    except Stopped:             # what was written stays: the next settle goes on from there
        report.interrupted = True
        return report
    finally:
        _SETTLING.release()


def _keeper(keep_lease: Callable[[], None],
            stop: Callable[[], bool] | None) -> Callable[[], None]:
    """What a settle calls between its steps: the lease renewed, and Stopped once `stop`
    says so (each call is a point where a settle may be killed and its work goes on)."""
    if stop is None:
        return keep_lease

    def keep() -> None:
        if stop():
            raise Stopped
        keep_lease()
    return keep


def settle_after_refresh(store: Store) -> SettleReport | None:
    """Group what waits if it is a refresh's worth (see REFRESH_LIMIT); None when the backlog
    is left to idle time and to reads."""
    if store.read_only or cache.more_waiting_than(store, REFRESH_LIMIT):
        return None
    return settle(store, limit=REFRESH_LIMIT, seconds=REFRESH_SECONDS)


def settle_step(store: Store, seconds: float = STEP_SECONDS,
                stop: Callable[[], bool] | None = None) -> SettleReport:
    """One slice of idle-time grouping (about `seconds`, less when `stop` says so, see
    `settle`); its `more` says whether items still wait. A slice that finds another thread or
    process settling does nothing (`busy`; `more` still says whether items wait, for a later
    slice)."""
    if store.read_only:
        return SettleReport()
    report = settle(store, seconds=seconds, stop=stop)
    report.more = cache.has_dirty(store)
    return report


def has_waiting(store: Store) -> bool:
    """Whether a settle has anything to do (items noted, or other rules to regroup by)."""
    return cache.versions(store, VERSION_KEY, KEYS_VERSION_KEY) != (
        GROUPING_VERSION, KEYS_VERSION) or cache.has_dirty(store)


def _settle(store: Store, limit: int | None, deadline: float | None,
            report: SettleReport, keep: Callable[[], None]) -> SettleReport:
    """The settle itself. `keep()` renews the lease between its steps and makes sure it is
    still this process's before each of its writes (LeaseLost: it is not). What `has_waiting`
    read is read again: another process may have settled between that look and the lease."""
    grouped_by, keyed_by = cache.versions(store, VERSION_KEY, KEYS_VERSION_KEY)
    if (grouped_by, keyed_by) != (GROUPING_VERSION, KEYS_VERSION):
        cache.reset(store, rekey=keyed_by != KEYS_VERSION,
                    versions={VERSION_KEY: GROUPING_VERSION, KEYS_VERSION_KEY: KEYS_VERSION})
        report.rebuilt = True
    if not cache.has_dirty(store):
        return report
    affected: set[str] = set()
    noted, exhausted = _key_noted(store, affected, report, limit, deadline, keep)
    if exhausted:
        # Every waiting item is keyed: any notes left are of items pruned before they were
        # grouped. (Not looked for at every settle: at a million waiting items the scan took
        # 0.2-0.8 s of each quarter-second slice, holding the cache's connection meanwhile.)
        cache.drop_missing_dirty(store)
    keep()
    stale = cache.stale_stories(store)      # those keyed just now among them
    affected.update(stale)
    merges: dict[str, str] = {}
    touched: set[str] = set()
    parsed: dict[int, frozenset[str]] = {}
    noted.sort()
    start = 0
    while start < len(noted):
        end = start
        while end < len(noted) and noted[end][0] - noted[start][0] <= CHUNK_SECONDS:
            end += 1
        _place(store, noted[start:end], merges, touched, report, parsed, keep)
        start = end
    affected = {_final(label, merges) for label in affected}
    touched |= _split(store, affected, report, keep)
    keep()
    # The stale notes this settle read or wrote (cache.note_stale) go with its last write.
    settled = {*stale, *touched, *merges, *(_final(label, merges) for label in touched)}
    _canonical_ids(store, touched | affected, set(merges), report, settled=settled)
    return report


def _key_noted(store: Store, affected: set[str], report: SettleReport, limit: int | None,
               deadline: float | None, keep: Callable[[], None]
               ) -> tuple[list[tuple[float, int]], bool]:
    """Key the noted items, up to `limit` and until `deadline` (their old stories go to
    `affected`): (time, row id) of each, and whether no noted item is left to key. A block of
    many items is keyed in forked workers when cores are idle (the workers only read text;
    this process does every SQL read and write)."""
    noted: list[tuple[float, int]] = []
    exhausted = False
    after = 0
    block = KEY_BLOCK if deadline is None else TIMED_BLOCK
    while (room := block if limit is None else min(block, limit - len(noted))) > 0 \
            and (deadline is None or time.monotonic() < deadline):
        texts: list[cache.ItemText] = []
        while len(texts) < room and (
                more := cache.dirty_texts(store, after, min(KEY_BATCH, room - len(texts)))):
            texts += more
            after = more[-1].row_id
        if not texts:
            exhausted = True
            break
        rows = [(t.row_id, t.title, t.summary, t.language) for t in texts if t.rekey]
        if len(rows) >= KEY_PARALLEL_MIN:
            find_facts("", None)            # the gazetteer matcher built once, then inherited
            keyed = run_in_processes(_key_rows, rows,
                                     process_count(len(rows) * KEY_COST_PER_MATCH))
        else:
            keyed = []
            for start in range(0, len(rows), STOP_CHECK_ITEMS):
                keep()
                keyed += _key_rows(rows[start:start + STOP_CHECK_ITEMS])
        keep()
        affected |= cache.store_keys(store, [t.row_id for t in texts], keyed)
        noted += [(t.sort_time, t.row_id) for t in texts]
        report.keyed += len(keyed)
    return noted, exhausted


def _key_rows(rows: Sequence[tuple[int, str, str, str]]) -> list[tuple[int, str]]:
    """(row id, evidence lines) of (row id, title, summary, language) rows."""
    return [(row_id, item_keys(title, summary, language))
            for row_id, title, summary, language in rows]


def _place(store: Store, noted: list[tuple[float, int]], merges: dict[str, str],
           touched: set[str], report: SettleReport, parsed: dict[int, frozenset[str]],
           keep: Callable[[], None]) -> None:
    """Place the noted items of one stretch of time, against the window around it.
    `parsed` keeps the evidence read for the previous stretch (windows overlap)."""
    members = cache.window(store, noted[0][0] - WINDOW_SECONDS, noted[-1][0] + WINDOW_SECONDS)
    index = {m.row_id: i for i, m in enumerate(members)}
    keysets = []
    for m in members:
        keys = parsed.get(m.row_id)
        if keys is None:
            keys = parse_keys(m.keys)
        keysets.append(keys)
    parsed.clear()
    parsed.update((m.row_id, keys) for m, keys in zip(members, keysets))
    rarity = Rarity(keysets)
    postings: dict[str, list[int]] = {}
    for i, keys in enumerate(keysets):
        for key in keys:
            postings.setdefault(key, []).append(i)
    noted_ids = {row_id for _, row_id in noted}
    placed_here = [m.story is not None and m.row_id not in noted_ids for m in members]
    by_story: dict[str, list[int]] = {}
    for i, m in enumerate(members):
        if placed_here[i]:
            by_story.setdefault(m.story or "", []).append(i)
    placed: list[tuple[str, int]] = []
    merged_here: list[tuple[str, str]] = []
    for _, row_id in noted:
        keep()                      # (nothing of this stretch is written before its end)
        i = index.get(row_id)
        if i is None:               # pruned meanwhile
            continue
        me = members[i]
        strength: dict[str, float] = {}
        linked: dict[str, list[float]] = {}     # story -> scores of the links that hold
        for j in candidates(keysets[i], postings, rarity, i, placed_here):
            found = link(keysets[i], keysets[j], members[j].sort_time - me.sort_time, rarity)
            linked.setdefault(members[j].story or "", []).append(
                found.score if found.holds else -1.0)
        for story, scores in linked.items():
            size = len(by_story.get(story, ()))
            if size == 1 or (size == 2 and max(scores) > 0):    # nothing more to ask
                if max(scores) > 0:
                    strength[story] = max(scores)
                continue
            if max(scores) < 0 and len(scores) < 2:     # no link, and no common evidence met
                continue
            support = _support(i, by_story.get(story, ()), members, keysets, rarity)
            if support is not None:
                strength[story] = support
        if strength:
            ranked = sorted(strength, key=lambda s: (-strength[s], s))
            chosen = ranked[0]
            for other in ranked[1:]:
                if strength[other] >= MERGE_SCORE:
                    merges[other] = chosen
                    merged_here.append((other, chosen))
                    moved = by_story.pop(other, [])
                    for j in moved:
                        members[j].story = chosen
                    by_story.setdefault(chosen, []).extend(moved)
                    touched.discard(other)
                    report.merged += 1
        else:
            chosen = "~" + me.uid
        me.story = chosen
        placed_here[i] = True
        by_story.setdefault(chosen, []).append(i)
        placed.append((chosen, row_id))
        touched.add(chosen)
    keep()
    cache.write_placement(store, [(other, _final(chosen, merges)) for other, chosen in merged_here],
                          [(_final(story, merges), row_id) for story, row_id in placed],
                          [row_id for _, row_id in noted])
    report.placed += len(placed)


def _support(i: int, story: Sequence[int], members: list[cache.Member],
             keysets: list[frozenset[str]], rarity: Rarity) -> float | None:
    """How strongly item `i` belongs to a story (its items' indexes in the window), or None.

    A report joins a story through what the story as a whole says, not through any one of its
    reports (else a report joins through a third that happens to share a name and a number
    with it, and unrelated reports chain into one story): it links to the story's common
    evidence (the keys two or more of its reports share), or to several of its reports
    (SUPPORT_SHARE of them, at least two), or to one of them very strongly (STRONG_SCORE). A
    story of one is its one report. The strength is the strongest of those links."""
    me = members[i]
    if len(story) > SUPPORT_CHECK_MAX:      # the reports closest in time speak for the story
        story = sorted(story, key=lambda j: abs(members[j].sort_time - me.sort_time))
        story = story[:SUPPORT_CHECK_MAX]
    mine = keysets[i]
    best = 0.0
    held = 0
    closest = math.inf
    seen: dict[str, int] = {}
    for j in story:
        apart = members[j].sort_time - me.sort_time
        closest = min(closest, abs(apart))
        found = link(mine, keysets[j], apart, rarity)
        if found.holds:
            held += 1
            best = max(best, found.score)
        for key in mine & keysets[j]:
            seen[key] = seen.get(key, 0) + 1
    if len(story) > 1:
        common = link(mine, frozenset(k for k, n in seen.items() if n >= 2), closest, rarity)
        if common.holds:
            return max(best, common.score)
    if not held:
        return None
    needed = 1 if len(story) <= 2 else max(2, math.ceil(SUPPORT_SHARE * len(story)))
    if held >= needed or best >= STRONG_SCORE:
        return best
    return None


def _final(label: str, merges: dict[str, str]) -> str:
    seen = set()
    while label in merges and label not in seen:
        seen.add(label)
        label = merges[label]
    return label


def _split(store: Store, stories: Iterable[str], report: SettleReport,
           keep: Callable[[], None]) -> set[str]:
    """Re-link the items of each story among themselves; parts that no longer hold together
    become stories of their own. Returns the labels written."""
    written: set[str] = set()
    for story in stories:
        keep()
        members = cache.members_of(store, [story])
        if len(members) < 2 or len(members) > SPLIT_CHECK_MAX:
            continue
        first = min(m.sort_time for m in members)
        last = max(m.sort_time for m in members)
        if last - first > SPLIT_SPAN_SECONDS:
            continue
        window = cache.window(store, first - WINDOW_SECONDS, last + WINDOW_SECONDS)
        rarity = Rarity(parse_keys(m.keys) for m in window)
        keysets = [parse_keys(m.keys) for m in members]
        parts = _linked_parts(members, keysets, rarity)
        if len(parts) < 2:
            continue
        report.split += len(parts) - 1
        placed = []
        for part in parts.values():
            first_member = min((members[i] for i in part), key=lambda m: m.row_id)
            label = "~" + first_member.uid
            written.add(label)
            placed += [(label, members[i].row_id) for i in part]
        cache.write_stories(store, placed)
    return written


def _linked_parts(members: list[cache.Member], keysets: list[frozenset[str]],
                  rarity: Rarity) -> dict[int, list[int]]:
    """The parts of a story whose reports link to each other (indexes into `members`)."""
    parent = list(range(len(members)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(members)):
        for j in range(i + 1, len(members)):
            if root(i) != root(j) and link(
                    keysets[i], keysets[j], members[j].sort_time - members[i].sort_time,
                    rarity).holds:
                parent[root(i)] = root(j)
    parts: dict[int, list[int]] = {}
    for i in range(len(members)):
        parts.setdefault(root(i), []).append(i)
    return parts


def _canonical_ids(store: Store, labels: set[str], gone: set[str], report: SettleReport,
                   settled: Iterable[str] = ()) -> None:
    """Give every touched story the uid of its first stored item as its id, and rewrite the
    summary rows the Stories view reads (their stale notes, `settled`, go in the same
    transaction)."""
    members = cache.members_of(store, sorted(labels))
    first: dict[str, tuple[int, str]] = {}
    for m in members:
        if m.story is not None and (m.story not in first or m.row_id < first[m.story][0]):
            first[m.story] = (m.row_id, m.uid)
    final = {label: uid for label, (_, uid) in first.items()}
    cache.write_ids(store, [(final[m.story], m.row_id) for m in members
                            if m.story is not None and final[m.story] != m.story],
                    labels | gone, sorted(set(final.values())), settled)
    report.stories = set(final.values())
