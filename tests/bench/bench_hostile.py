"""What the worst hostile input of each kind costs the ingest code. A script, not a test.

    .venv/bin/python tests/bench/bench_hostile.py [--only NAME ...]

Each case runs in a fresh child process, twice: once for wall time and the process's peak
RSS (ru_maxrss, interpreter and the document included), once under tracemalloc for the peak
of the Python allocations made by the operation itself (started after the document is
built, so the document's own bytes are not counted). Fresh processes make first-call costs
count: dateparser's language data, feedparser's import, httpx's TLS context.

Everything goes through the real functions: Fetcher.get against the loopback HTTP server of
tests/support, parse_feed, assign_dates, read_opml and add_feeds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

MB = 1_000_000


# -- the documents -----------------------------------------------------------------------


def billion_laughs(*, padding: int) -> bytes:
    """The classic: ten entities of ten references each, 10^9 "lol"s if expanded, in an RSS
    document cut off before its end, so feedparser (not lxml) reads it."""
    lol = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">\n' for i in range(1, 10))
    return (f'<?xml version="1.0"?>\n<!-- {"p" * padding} -->\n'
            f'<!DOCTYPE rss [\n<!ENTITY lol0 "lol">\n{lol}]>\n'
            '<rss version="2.0"><channel><title>&lol9;</title>'
            "<item><title>&lol9;</title><link>https://a.example/1</link></item>"
            "</channel>").encode()


def wide_entity(*, padding: int, value: int = 5_000, references: int = 45_000) -> bytes:
    """One 'safe' entity (no '&' in it) referenced 45,000 times: the kind feedparser's loose
    parser re-declares from the head and expands without a limit. Cut off, as above."""
    return (f'<?xml version="1.0"?>\n<!-- {"p" * padding} -->\n'
            f'<!DOCTYPE rss [\n<!ENTITY big "{"x" * value}">\n]>\n'
            '<rss version="2.0"><channel><title>Bomb</title>'
            f"<item><title>{'&big;' * references}</title><link>https://a.example/1</link>"
            "</item></channel>").encode()


def binary_junk(size: int) -> bytes:
    return random.Random(1).randbytes(size)


def tag_soup(size: int) -> bytes:
    """10 MB of items with no feed around them: feedparser's loose parser reads it all."""
    unit = b"<item><title>huge</title><description>junk &amp; more</description></item>\n"
    return unit * (size // len(unit))


def open_doctypes(size: int) -> bytes:
    """Declarations that never close: what makes a lazy regex go quadratic."""
    unit = b"<!DOCTYPE x [ <!ENTITY a '"
    return unit * (size // len(unit))


def entries_with_dates(raws: list[str]):
    from tui.core.ingest.feeds import Entry

    return [Entry(guid=None, link=None, title="t", summary="", content="", published_raw=r)
            for r in raws]


def shapeless_junk_dates() -> list[str]:
    from tests.unit.test_dates_junk import junk_dates

    return junk_dates(2_000, seed=2025)


def date_shaped_junk() -> list[str]:
    """Junk a shape check cannot tell from a date: letters and two standalone numbers.
    It reaches dateparser's language guessing; the per-document budget is what stops it."""
    rng = random.Random(3)
    return [f"build {rng.randrange(1, 99)}.{rng.randrange(1, 99)} {rng.choice(['alpha', 'beta'])}"
            for _ in range(2_000)]


def same_title_opml(count: int) -> bytes:
    outlines = "".join(f'<outline text="Same" xmlUrl="https://same.example/{n}"/>'
                       for n in range(count))
    return (f'<?xml version="1.0"?><opml version="2.0"><head/><body>{outlines}</body></opml>'
            ).encode()


# -- the operations --------------------------------------------------------------------------


def parse(body: bytes) -> str:
    from tui.core.ingest.feeds import FeedError, parse_feed

    try:
        feed = parse_feed(body)
    except FeedError as error:
        return f"FeedError: {error}"
    longest = max((len(e.title) for e in feed.entries), default=0)
    return f"{feed.parser}, {len(feed.entries)} entries, longest title {longest}"


def strip(body: bytes) -> str:
    from tui.core.ingest.feeds import strip_doctype

    return f"{len(strip_doctype(body)):,} bytes left"


def dates(raws: list[str]) -> Callable[[], str]:
    from tui.core.ingest.feeds import assign_dates

    entries = entries_with_dates(raws)

    def run() -> str:
        assign_dates(entries, "en")
        return f"{sum(e.published is not None for e in entries)} of {len(entries)} dated"

    return run


def opml_import(data: bytes) -> Callable[[], str]:
    from tui.core.config.edit import add_feeds
    from tui.core.ingest.opml import read_opml

    config = Path(tempfile.mkdtemp(prefix="wirewatch-bench-")) / "feeds.toml"

    def run() -> str:
        found = read_opml(data)
        added, _ = add_feeds(config, found)
        return f"{len(added):,} feeds added, last {added[-1]!r}"

    return run


def fetch_bomb(encoding: str) -> Callable[[], str]:
    """A ~130 KB body inflating to 1 GiB, fetched with the default 10 MB cap."""
    from tests.support.httpserver import LoopbackServer
    from tui.core.ingest.fetch import Fetcher

    server = LoopbackServer().start()
    server.bomb("/bomb.xml", encoding=encoding, expanded=1 << 30)
    loop = asyncio.new_event_loop()
    fetcher = Fetcher()
    loop.run_until_complete(fetcher.__aenter__())  # the client's setup is not the bomb's cost

    def run() -> str:
        result = loop.run_until_complete(fetcher.get(server.url("/bomb.xml")))
        return f"error: {result.error}"

    return run


CASES: dict[str, tuple[str, Callable[[], Callable[[], str]]]] = {
    "gzip-bomb": ("gzip bomb, 1 GiB inflated, via Fetcher.get", lambda: fetch_bomb("gzip")),
    "deflate-bomb": ("deflate bomb, 1 GiB inflated, via Fetcher.get",
                     lambda: fetch_bomb("deflate")),
    "laughs-early": ("billion laughs, DOCTYPE at the start (2 KB)",
                     lambda: (lambda b=billion_laughs(padding=0): lambda: parse(b))()),
    "laughs-past-64k": ("billion laughs, DOCTYPE past 64 KB (72 KB)",
                        lambda: (lambda b=billion_laughs(padding=70_000): lambda: parse(b))()),
    "wide-early": ("45,000 refs to a 5 KB entity, DOCTYPE at the start (230 KB)",
                   lambda: (lambda b=wide_entity(padding=0): lambda: parse(b))()),
    "wide-past-64k": ("45,000 refs to a 5 KB entity, DOCTYPE past 64 KB (300 KB)",
                      lambda: (lambda b=wide_entity(padding=70_000): lambda: parse(b))()),
    "open-doctypes": ("2 MB of unclosed '<!DOCTYPE x [ <!ENTITY a ''",
                      lambda: (lambda b=open_doctypes(2 * MB): lambda: strip(b))()),
    "junk-binary": ("10 MB of random bytes", lambda: (lambda b=binary_junk(10 * MB):
                                                      lambda: parse(b))()),
    "junk-soup": ("10 MB of bare <item> tag soup",
                  lambda: (lambda b=tag_soup(10 * MB): lambda: parse(b))()),
    "junk-dates": ("2,000 rotating junk pubDates (words, placeholders, long text)",
                   lambda: dates(shapeless_junk_dates())),
    "date-shaped-junk": ("2,000 junk pubDates shaped like dates ('build 4.2 beta')",
                         lambda: dates(date_shaped_junk())),
    "opml-same-title": ("10,000 OPML outlines of one title: read_opml + add_feeds",
                        lambda: opml_import(same_title_opml(10_000))),
}


# -- measuring -------------------------------------------------------------------------------


def measure_in_this_process(name: str, traced: bool) -> dict:
    run = CASES[name][1]()
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    outcome = run()
    seconds = time.perf_counter() - started
    figures = {"seconds": seconds, "outcome": outcome,
               "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    if traced:
        figures["traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / MB
        tracemalloc.stop()
    return figures


def measure(name: str) -> dict:
    """Both runs of one case, each in a fresh child process."""
    figures: dict = {}
    for traced in (False, True):
        argv = [sys.executable, __file__, "--child", name] + (["--traced"] if traced else [])
        child = subprocess.run(argv, capture_output=True, text=True, timeout=900, cwd=ROOT)
        if child.returncode != 0:
            return {"outcome": f"child failed: {child.stderr.strip().splitlines()[-1:]}"}
        result = json.loads(child.stdout)
        if traced:
            figures["traced_peak_mb"] = result["traced_peak_mb"]
        else:
            figures.update(result)
    return figures


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--only", nargs="*", choices=sorted(CASES), help="cases to run")
    options.add_argument("--child", help=argparse.SUPPRESS)
    options.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    args = options.parse_args()
    if args.child:
        print(json.dumps(measure_in_this_process(args.child, args.traced)))
        return
    print(f"{'case':<62} {'time':>8} {'py peak':>9} {'RSS':>8}  outcome")
    for name in args.only or CASES:
        figures = measure(name)
        if "seconds" not in figures:
            print(f"{CASES[name][0]:<62} {figures['outcome']}")
            continue
        print(f"{CASES[name][0]:<62} {figures['seconds']:>7.3f}s "
              f"{figures['traced_peak_mb']:>7.1f}MB {figures['maxrss_mb']:>6.0f}MB  "
              f"{figures['outcome'][:70]}", flush=True)


if __name__ == "__main__":
    main()
