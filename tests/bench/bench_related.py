"""Related-coverage lookup time (`R`, `wirewatch related`) over a 100,000-item cache.

Related coverage is the other outlets' reports of the item's story (tui.core.stories); the
stories are grouped once before the lookups are timed (tests/bench/bench_stories.py times that).

    .venv/bin/python tests/bench/bench_related.py [--items 100000] [--lookups 50] [--keep DIR]

The cache is synthetic but shaped like a real one (not timed; --keep reuses it): twenty
outlets in English, German, Ukrainian and Russian over sixty days (one item every ~50 s, so
a lookup's +-3-day window holds ~10,000 items); items come in stories reported by one to six
outlets within hours of each other, each outlet in its own words; the watched names appear
in each language's spelling (Selenskyj, Зеленський) with a realistic skew (Putin, Zelensky
and Trump everywhere, Umerov rarely); a third of the items have page text. Everything goes in
through `Store.ingest` and the real watchlist matcher, as a refresh would store it.

Then `find_related` is timed for `--lookups` items picked at random (seeded): median, p95 and
max, the first (cold) lookup on its own, and how many of each item's story-mates it found
(split by script: across scripts only names, places and numbers can pair them) and how
many items it listed. Baseline, in the same process: reading and tokenising every other
outlet's item of the window (what a lookup that scanned the window would cost before any
scoring; here: keying the window afresh). Goal: under 200 ms per lookup at 100,000 items.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tui.core.config.load import parse_config  # noqa: E402
from tui.core.ingest.feeds import Entry, ParsedFeed  # noqa: E402
from tui.core.session import Session  # noqa: E402
from tui.core.stories.evidence import item_keys, parse_keys  # noqa: E402
from tui.core.stories.grouping import settle  # noqa: E402
from tui.core.stories.links import WINDOW_SECONDS  # noqa: E402
from tui.core.stories.related import find_related  # noqa: E402

NOW = datetime(2025, 11, 21, 12, 0, tzinfo=timezone.utc)
DAYS = 60
LANGUAGES = ("en", "en", "en", "de", "uk", "ru")      # English outlets are the most numerous
FEEDS = [(f"Outlet {i:02d} ({LANGUAGES[i % len(LANGUAGES)]})", LANGUAGES[i % len(LANGUAGES)])
         for i in range(20)]

# canonical: (weight, en, de, uk, ru)
NAMES = {
    "Putin": (10, "Putin", "Putin", "Путін", "Путин"),
    "Zelensky": (10, "Zelensky", "Selenskyj", "Зеленський", "Зеленский"),
    "Trump": (9, "Trump", "Trump", "Трамп", "Трамп"),
    "Witkoff": (4, "Witkoff", "Witkoff", "Віткофф", "Уиткофф"),
    "Rubio": (3, "Rubio", "Rubio", "Рубіо", "Рубио"),
    "Lavrov": (3, "Lavrov", "Lawrow", "Лавров", "Лавров"),
    "Yermak": (2, "Yermak", "Jermak", "Єрмак", "Ермак"),
    "Umerov": (1, "Umerov", "Umerow", "Умєров", "Умеров"),
    "Kushner": (1, "Kushner", "Kushner", "Кушнер", "Кушнер"),
    "Crimea": (4, "Crimea", "Krim", "Крим", "Крым"),
    "Donetsk": (4, "Donetsk", "Donezk", "Донецьк", "Донецк"),
    "Kherson": (3, "Kherson", "Cherson", "Херсон", "Херсон"),
    "Zaporizhzhia": (3, "Zaporizhzhia", "Saporischschja", "Запоріжжя", "Запорожье"),
    "Luhansk": (2, "Luhansk", "Luhansk", "Луганськ", "Луганск"),
}
LANGUAGE_COLUMN = {"en": 1, "de": 2, "uk": 3, "ru": 4}
SYLLABLES = {
    "latin": "ba be bi bo ka ke ki ko ra re ri ro ta te ti to na ne ni no la le li lo ma me mi "
             "mo sa se si so da de di do ga ge gi go pa pe pi po va ve vi vo ter ran son ing "
             "ment tion ber ster".split(),
    "cyrillic": "ба бе би бо ка ке ки ко ра ре ри ро та те ти то на не ни но ла ле ли ло ма ме "
                "ми мо са се си со да де ди до га ге ги го па пе пи по ва ве ви во ння ого ськ "
                "ція ств".split(),
}
VOCABULARY_SIZE = 20_000
GENERATOR = 2                 # bump when the synthetic cache changes shape


def vocabulary(rng: random.Random, script: str) -> list[str]:
    words: set[str] = set()
    while len(words) < VOCABULARY_SIZE:
        words.add("".join(rng.choice(SYLLABLES[script]) for _ in range(rng.randint(2, 4))))
    return sorted(words)


class Writer:
    """Words drawn with a Zipf-like skew: a few very common, a long tail of rare ones."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words = {"latin": vocabulary(rng, "latin"), "cyrillic": vocabulary(rng, "cyrillic")}
        weights = [1 / (rank + 10) for rank in range(VOCABULARY_SIZE)]
        total = 0.0
        self.cumulative = []
        for weight in weights:
            total += weight
            self.cumulative.append(total)

    def common(self, script: str, count: int) -> list[str]:
        return self.rng.choices(self.words[script], cum_weights=self.cumulative, k=count)

    def rare(self, script: str, count: int) -> list[str]:
        return self.rng.sample(self.words[script][2_000:], count)


def script_of(language: str) -> str:
    return "cyrillic" if language in ("uk", "ru") else "latin"


def sentence(rng: random.Random, parts: list[str]) -> str:
    rng.shuffle(parts)
    text = " ".join(parts)
    return text[:1].upper() + text[1:] + "."


def build(folder: Path, count: int, seed: int = 7) -> None:
    marker = folder / f"built-{count}-{seed}-v{GENERATOR}"
    if marker.exists():
        return
    started = time.perf_counter()
    rng = random.Random(seed)
    writer = Writer(rng)
    session = Session.open(cache_option=str(folder / "cache"), config=parse_config(config_text()))
    store, matcher = session.store, session.watcher
    entries: list[tuple[datetime, str, Entry]] = []
    texts: list[tuple[str, str, str]] = []           # (feed, key, text)
    canonical = list(NAMES)
    weights = [NAMES[n][0] for n in canonical]
    made = story = 0
    span = DAYS * 86_400
    while made < count:
        story += 1
        centre = NOW - timedelta(seconds=rng.random() * span)
        names = set(rng.choices(canonical, weights, k=rng.choice((0, 0, 1, 1, 2, 2, 3))))
        number = str(rng.randint(2, 400)) if rng.random() < 0.3 else None
        keywords = {s: writer.rare(s, 10) for s in ("latin", "cyrillic")}
        reports = min(count - made, max(1, min(6, int(rng.expovariate(0.6)) + 1)))
        for feed, language in rng.sample(FEEDS, reports):
            script = script_of(language)
            spelled = [NAMES[n][LANGUAGE_COLUMN[language]] for n in names]
            own = rng.sample(keywords[script], 7)       # each outlet in its own words
            title_words = own[:4] + spelled + writer.common(script, rng.randint(2, 4))
            summary_words = (own + spelled + writer.common(script, rng.randint(10, 18))
                             + ([number] if number else []))
            published = centre + timedelta(hours=rng.uniform(-10, 10))
            key = f"urn:story:{story}:{feed}"
            entries.append((published, feed, Entry(
                guid=key, link=f"https://news.example/{story}/{made}",
                title=sentence(rng, title_words)[:-1], summary=sentence(rng, summary_words),
                content="", published_raw=format_datetime(published), key=key)))
            if rng.random() < 0.33:
                body = [sentence(rng, rng.sample(own, 2) + spelled[:1]
                                 + writer.common(script, rng.randint(12, 25))) for _ in range(12)]
                texts.append((feed, key, "\n\n".join(body)))
            made += 1
    # In the order a cache fills up: refresh after refresh, the items of the last hours.
    entries.sort(key=lambda e: e[0])
    languages = dict(FEEDS)
    for start in range(0, len(entries), 1_000):
        chunk = entries[start:start + 1_000]
        stamp = chunk[-1][0].timestamp()
        for feed in languages:
            mine = [entry for _, name, entry in chunk if name == feed]
            if mine:
                store.ingest(feed, ParsedFeed(title=feed, language=languages[feed], entries=mine),
                             now=stamp, matcher=matcher)
    stamp = NOW.timestamp()
    with store.transaction() as conn:
        for feed, key, text in texts:
            row = conn.execute("SELECT id FROM items WHERE feed = ? AND key = ?",
                               (feed, key)).fetchone()
            conn.execute("UPDATE items SET text = ?, text_source = 'page', text_checked = ? "
                         "WHERE id = ?", (text, stamp, row[0]))
            store.rematch(conn, row[0], matcher)
        conn.execute("UPDATE items SET first_seen = sort_time")
    session.store.connection.execute("ANALYZE")
    session.close()
    marker.write_text("ok")
    print(f"  (built {count:,} items in {time.perf_counter() - started:.0f} s)", file=sys.stderr)


def config_text() -> str:
    lines = ["[settings]", 'full_text = "matches"', ""]
    for number, (name, language) in enumerate(FEEDS):
        # Never fetched (port 9 is discard), and each its own URL (feeds.toml rejects two
        # feeds at one URL).
        lines += ["[[feeds]]", f'name = "{name}"', f'url = "http://127.0.0.1:9/feed{number}.xml"',
                  f'language = "{language}"', ""]
    lines += ["[watch.regions]",
              'terms = ["Crimea", "Donetsk", "Luhansk", "Kherson", "Zaporizhzhia"]', "",
              "[watch.negotiators]",
              'terms = ["Witkoff", "Kushner", "Rubio", "Lavrov", "Yermak", "Umerov", "Zelensky", '
              '"Putin", "Trump"]', ""]
    return "\n".join(lines)


def scan_window(store, row_id: int) -> int:
    """Baseline: key every other outlet's item in the window afresh (no stored evidence, no
    stories) and count those sharing a key."""
    conn = store.connection
    item = conn.execute("SELECT feed, title, summary, sort_time FROM items WHERE id = ?",
                        (row_id,)).fetchone()
    tokens = parse_keys(item_keys(item["title"], item["summary"], None))
    kept = 0
    for row in conn.execute(
            "SELECT title, summary FROM items WHERE sort_time BETWEEN ? AND ? AND feed != ?",
            (item["sort_time"] - WINDOW_SECONDS, item["sort_time"] + WINDOW_SECONDS,
             item["feed"])):
        theirs = parse_keys(item_keys(row["title"], row["summary"], None))
        kept += bool(tokens & theirs)
    return kept


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--lookups", type=int, default=50)
    parser.add_argument("--keep", metavar="DIR", help="build the cache here and reuse it")
    args = parser.parse_args()
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="wirewatch-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    build(folder, args.items)

    session = Session.open(cache_option=str(folder / "cache"), config=parse_config(config_text()))
    store = session.store
    started = time.perf_counter()
    settle(store)                     # stories grouped once (a refresh does this), not timed below
    grouped = time.perf_counter() - started
    conn = store.connection
    total = conn.execute("SELECT count(*) FROM items").fetchone()[0]
    rng = random.Random(11)
    ids = [row[0] for row in conn.execute("SELECT id FROM items ORDER BY id")]
    chosen = rng.sample(ids, args.lookups)
    uid_to_id: dict[str, int] = {}
    story_of: dict[int, str] = {}
    stories: dict[str, set[int]] = {}
    for row_id, uid, key in conn.execute("SELECT id, uid, key FROM items"):
        uid_to_id[uid] = row_id
        story_of[row_id] = key.split(":")[2]
        stories.setdefault(story_of[row_id], set()).add(row_id)

    feed_of = dict(conn.execute("SELECT id, feed FROM items").fetchall())
    script = {name: script_of(language) for name, language in FEEDS}

    def same_script(a: int, b: int) -> bool:
        return script[feed_of[a]] == script[feed_of[b]]

    timings: list[float] = []
    found_mates = all_mates = listed = 0
    by_script = {True: [0, 0], False: [0, 0]}       # same script?: [found, all]
    for n, row_id in enumerate(chosen):
        started = time.perf_counter()
        related = find_related(store, row_id)
        elapsed = (time.perf_counter() - started) * 1000
        timings.append(elapsed)
        if n == 0:
            cold = elapsed
        mates = stories[story_of[row_id]] - {row_id}
        got = {uid_to_id[r.uid] for r in related}
        found_mates += len(got & mates)
        for mate in mates:
            by_script[same_script(row_id, mate)][0] += mate in got
            by_script[same_script(row_id, mate)][1] += 1
        all_mates += len(mates)
        listed += len(got)

    baseline: list[float] = []
    for row_id in chosen[:10]:
        started = time.perf_counter()
        scan_window(store, row_id)
        baseline.append((time.perf_counter() - started) * 1000)
    window = conn.execute(
        "SELECT count(*) FROM items WHERE sort_time BETWEEN ? AND ?",
        (NOW.timestamp() - 30 * 86_400 - WINDOW_SECONDS,
         NOW.timestamp() - 30 * 86_400 + WINDOW_SECONDS)).fetchone()[0]
    session.close()

    print(f"cache: {total:,} items, ~{window:,} in a +-3-day window; {args.lookups} lookups; "
          f"stories grouped first in {grouped:.1f} s (0 when --keep reuses a grouped cache)")
    print(f"find_related: median {statistics.median(timings):.1f} ms, "
          f"p95 {percentile(timings, 0.95):.1f} ms, max {max(timings):.1f} ms, "
          f"first (cold) {cold:.1f} ms   goal < 200 ms")
    print(f"baseline (scan the window, tokens only): median {statistics.median(baseline):.1f} ms "
          f"-> find_related is {statistics.median(baseline) / statistics.median(timings):.1f}x "
          f"faster")
    recall = found_mates / all_mates if all_mates else 1.0
    (same_found, same_all), (other_found, other_all) = by_script[True], by_script[False]
    print(f"story-mates found: {found_mates}/{all_mates} ({recall:.0%}): same script "
          f"{same_found}/{same_all}, other script (names and numbers only) "
          f"{other_found}/{other_all}; {listed / args.lookups:.1f} items listed per lookup, "
          f"{found_mates / max(listed, 1):.0%} of them story-mates")


if __name__ == "__main__":
    main()
