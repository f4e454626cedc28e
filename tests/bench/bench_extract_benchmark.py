"""Extraction quality on a public benchmark with gold text: our `extract_article` against plain
`trafilatura.extract`, scored with the benchmark's own metric.

    .venv/bin/python tests/bench/bench_extract_benchmark.py BENCHMARK_DIR [--limit N] [--show N]

BENCHMARK_DIR is a copy of the Zyte (scrapinghub) article-extraction benchmark: 181 news and
blog pages with their gold article body. This script never downloads it; get it once with

    git clone https://github.com/scrapinghub/article-extraction-benchmark

The folder must hold `html/*.html.gz` (UTF-8 pages, gzipped), `ground-truth.json` (id ->
{"articleBody", "url"}) and `evaluate.py`. The score is the benchmark's own: its
`string_shingle_matching` (4-gram shingles, tp/fp/fn normalised per page) and
`metrics_from_tp_fp_fns` (precision over pages that predicted something, recall over pages
with gold text, F1 of the two means) are imported from that `evaluate.py`, not re-written,
so the figures compare with the table in its README (trafilatura 2.0.0: F1 0.958).

Plain trafilatura is called as the benchmark's own `extractors/run_trafilatura.py` calls it
(`extract(html, include_comments=False)`). Ours gets the bytes and the page's URL, as a fetch
would hand them over. Besides P/R/F1: the pages each one lost (no text at all), why ours
refused them, the pages where the two differ most, and CPU time per page (ours minus plain is
what the fence around trafilatura costs; `--rounds` repeats the timing, keeping the best).
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from tui.core.text.extract import extract_with_reason  # noqa: E402

T = TypeVar("T")


def load_metric(folder: Path) -> ModuleType:
    """The benchmark's evaluate.py as a module (it only imports the standard library)."""
    spec = importlib.util.spec_from_file_location("aeb_evaluate", folder / "evaluate.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"no evaluate.py in {folder}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_pages(folder: Path, limit: int | None) -> list[tuple[str, str, bytes, str]]:
    """(id, url, html bytes, gold text) for every page with gold text, in id order."""
    gold = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for path in sorted((folder / "html").glob("*.html.gz"))[:limit]:
        key = path.name.split(".")[0]
        if key in gold:
            pages.append((key, gold[key].get("url") or "", gzip.decompress(path.read_bytes()),
                          gold[key].get("articleBody") or ""))
    if not pages:
        raise SystemExit(f"no pages with gold text under {folder}/html")
    return pages


def timed(rounds: int, run: Callable[[], T]) -> tuple[float, T]:
    """Best CPU milliseconds over `rounds` runs, and the output."""
    best, out = float("inf"), None
    for _ in range(rounds):
        started = time.process_time()
        out = run()
        best = min(best, (time.process_time() - started) * 1000)
    return best, out


def ours(html: bytes, url: str) -> tuple[str | None, str | None]:
    """(text, None), or (None, why ours refused the page)."""
    extracted, why = extract_with_reason(html, url or None)
    return (extracted.text, None) if extracted is not None else (None, why)


def plain(html: bytes) -> str | None:
    # As the benchmark's run_trafilatura.py: the page as text, comments left out.
    return trafilatura.extract(html.decode("utf-8", "replace"), include_comments=False)


def report(name: str, metric: ModuleType, gold: list[str], outputs: list[str | None],
           times: list[float]) -> list[tuple[float, float, float]]:
    scores = [metric.string_shingle_matching(true=g, pred=o or "")
              for g, o in zip(gold, outputs, strict=True)]
    m = metric.metrics_from_tp_fp_fns(scores)
    lost = sum(1 for o in outputs if not (o and o.strip()))
    print(f"{name:<22} P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}  "
          f"lost {lost:>3}/{len(outputs)}  CPU ms/page mean {statistics.mean(times):6.1f}  "
          f"median {statistics.median(times):6.1f}  max {max(times):7.1f}")
    return scores


def page_f1(score: tuple[float, float, float]) -> float:
    tp, fp, fn = score
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="the benchmark's folder (see the docstring)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages")
    parser.add_argument("--rounds", type=int, default=1, help="timing runs per page (best kept)")
    parser.add_argument("--show", type=int, default=8, help="pages where ours and plain differ most")
    args = parser.parse_args()
    metric = load_metric(args.folder)
    pages = load_pages(args.folder, args.limit)
    print(f"{len(pages)} pages from {args.folder}; trafilatura {trafilatura.__version__}")
    for _, url, html, _ in pages[:3]:       # warm-up: justext's stoplists, lxml, regexes
        ours(html, url)
        plain(html)

    reasons: Counter[str] = Counter()
    results: dict[str, tuple[list[float], list[str | None]]] = {"plain trafilatura": ([], []),
                                                                "ours (extract_article)": ([], [])}
    for _, url, html, _ in pages:
        ms, out = timed(args.rounds, lambda html=html: plain(html))
        results["plain trafilatura"][0].append(ms)
        results["plain trafilatura"][1].append(out)
        ms, (text, why) = timed(args.rounds, lambda html=html, url=url: ours(html, url))
        results["ours (extract_article)"][0].append(ms)
        results["ours (extract_article)"][1].append(text)
        if why:
            reasons[why] += 1

    gold = [page[3] for page in pages]
    scored = {name: report(name, metric, gold, outs, times) for name, (times, outs) in results.items()}
    extra = [o - p for o, p in zip(results["ours (extract_article)"][0], results["plain trafilatura"][0],
                                   strict=True)]
    print(f"extra CPU ms/page, ours minus plain: mean {statistics.mean(extra):+.1f}  "
          f"median {statistics.median(extra):+.1f}  max {max(extra):+.1f}")
    if reasons:
        print("ours refused:", "; ".join(f"{n} x {why}" for why, n in reasons.most_common()))
    gaps = sorted(((page_f1(a) - page_f1(b), key) for a, b, (key, *_) in
                   zip(scored["ours (extract_article)"], scored["plain trafilatura"], pages, strict=True)))
    if args.show:
        print("largest per-page F1 differences (ours - plain):")
        for gap, key in [*gaps[: args.show], *gaps[-args.show:][::-1]]:
            if abs(gap) > 0.01:
                print(f"  {gap:+.3f}  {key}")


if __name__ == "__main__":
    main()
