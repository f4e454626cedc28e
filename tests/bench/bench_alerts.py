"""Benchmark of alert evaluation (tui/core/alerts/rules.py). A script that prints figures, not a test.

    .venv/bin/python tests/bench/bench_alerts.py [--rules 200] [--items 5000] [--batch 50]

What it measures, with a feeds.toml of 12 feeds, the default watchlist and `--rules` alert rules
drawn from realistic terms (the watched names in English, German, Ukrainian and Russian
spellings, topic words in four languages, multi-word names, surnames the gazetteer does not
know), on synthetic multilingual items (en/de/fr/uk/ru titles and summaries, ~300 characters,
about a third of them mentioning a rule term in some spelling or case form):

* build: `RuleSet(config)` (compiling every rule term, and splitting terms that can match the
  same text into separate matchers), and how many matchers that gives;
* rule matching alone, per new item: `RuleSet.rules_hit` (all matchers over title and
  summary, then the set operations of the rules the found terms point to), each item timed
  three times keeping the fastest (a shared machine's hiccups otherwise make the tail), and
  one plain pass for comparison;
* the baseline in the same process: one shared matcher and every rule checked in turn (the
  first layout of alerts.py); it misses hits where two rules' terms overlap, counted too;
* `tui.core.alerts.rules.evaluate` on a real SQLite cache, including reading the items and their watch
  categories and writing the hits: per item when a refresh brings `--batch` new items at once,
  and when items come one at a time; then a second pass over the same items (nothing new fires).
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

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tui.core.alerts.rules import ALERT_CATEGORY, RuleSet, evaluate  # noqa: E402
from tui.core.cache.store import Store  # noqa: E402
from tui.core.config.load import parse_config  # noqa: E402
from tui.core.ingest.feeds import Entry, ParsedFeed, assign_keys  # noqa: E402
from tui.core.names.watch import Term, Watcher  # noqa: E402
from tui.core.session import build_watcher  # noqa: E402

# Terms users write in rules, and how outlets write them (in case forms where the language
# inflects). The first spelling is the one a rule uses; rules in German or Russian use theirs.
NAMES = {
    "Crimea": {"en": ["Crimea"], "de": ["Krim"], "fr": ["Crimée"], "uk": ["Крим", "Криму"],
               "ru": ["Крым", "Крыму", "Крыма"]},
    "Donetsk": {"en": ["Donetsk"], "de": ["Donezk"], "fr": ["Donetsk"],
                "uk": ["Донецьк", "Донецька"],
                "ru": ["Донецк", "Донецке"]},
    "Kherson": {"en": ["Kherson"], "de": ["Cherson"], "fr": ["Kherson"],
                "uk": ["Херсон", "Херсоні"],
                "ru": ["Херсон", "Херсоне"]},
    "Zaporizhzhia": {"en": ["Zaporizhzhia"], "de": ["Saporischschja"], "fr": ["Zaporijjia"],
                     "uk": ["Запоріжжя"], "ru": ["Запорожье", "Запорожья"]},
    "Zelensky": {"en": ["Zelensky", "Zelenskyy"], "de": ["Selenskyj"], "fr": ["Zelensky"],
                 "uk": ["Зеленський", "Зеленського"], "ru": ["Зеленский", "Зеленскому"]},
    "Lavrov": {"en": ["Lavrov"], "de": ["Lawrow"], "fr": ["Lavrov"], "uk": ["Лавров", "Лаврова"],
               "ru": ["Лавров", "Лаврову"]},
    "Witkoff": {"en": ["Witkoff"], "de": ["Witkoff"], "fr": ["Witkoff"], "uk": ["Віткофф"],
                "ru": ["Уиткофф", "Уиткоффом"]},
    "Putin": {"en": ["Putin"], "de": ["Putin"], "fr": ["Poutine"], "uk": ["Путін", "Путіна"],
              "ru": ["Путин", "Путина"]},
    "Trump": {"en": ["Trump", "Donald Trump"], "de": ["Trump"], "fr": ["Trump"],
              "uk": ["Трамп", "Трампа"], "ru": ["Трамп", "Трампом"]},
    "Rubio": {"en": ["Rubio"], "de": ["Rubio"], "fr": ["Rubio"], "uk": ["Рубіо"], "ru": ["Рубио"]},
    "Umerov": {"en": ["Umerov"], "de": ["Umjerow"], "fr": ["Oumerov"], "uk": ["Умєров", "Умєрова"],
               "ru": ["Умеров"]},
    "Kirill Dmitriev": {"en": ["Kirill Dmitriev"], "de": ["Kirill Dmitrijew"],
                        "fr": ["Kirill Dmitriev"],
                        "uk": ["Кирило Дмитрієв"], "ru": ["Кирилл Дмитриев"]},
}
RULE_SPELLINGS = {  # what rule writers type besides the English name
    "Crimea": ["Krim", "Крым"], "Zelensky": ["Selenskyj", "Зеленский"], "Trump": ["Donald Trump"],
    "Lavrov": ["Лавров"], "Kherson": ["Cherson"],
}
TOPICS = {
    "en": ["recognition", "recognise", "ceasefire", "referendum", "sanctions", "prisoners",
           "exchange", "guarantees", "troops", "withdrawal", "memorandum", "peace plan",
           "security guarantees", "frozen assets", "nuclear plant", "grain corridor"],
    "de": ["Anerkennung", "Waffenstillstand", "Sanktionen", "Gefangenenaustausch", "Truppen",
           "Friedensplan", "Sicherheitsgarantien"],
    "uk": ["визнання", "перемир'я", "санкції", "полонених", "обмін", "гарантії"],
    "ru": ["признание", "перемирие", "санкции", "пленных", "обмен", "гарантии"],
}
SURNAMES = ["Kovalenko", "Bondarchuk", "Morozov", "Tkachenko", "Shevchuk", "Lysenko", "Hrytsenko",
            "Savchenko", "Kuzmin", "Pavlenko", "Sydorenko", "Levchenko", "Ponomarev", "Nazarov",
            "Sokolov", "Volkov", "Zaitsev", "Lebedev", "Gusev", "Prokopenko"]
DECOYS = ["a trump card", "ein Krimi am Sonntag", "the Lavra monastery", "a donation drive",
          "Putting the plan aside"]

SENTENCES = {
    "en": ["Talks on the {t} resumed in Geneva as {a} met officials.",
           "{a} said the draft still leaves the question of {t} open.",
           "Officials described the meeting with {a} as constructive but difficult.",
           "Shelling overnight damaged power lines near {a}."],
    "de": ["Die Gespräche über {t} wurden in Genf fortgesetzt, {a} traf Beamte.",
           "{a} erklärte, der Entwurf lasse die Frage der {t} offen.",
           "Nächtlicher Beschuss beschädigte Stromleitungen bei {a}."],
    "fr": ["Les discussions ont repris à Genève, {a} a rencontré des responsables.",
           "Selon {a}, le projet laisse ouverte la question territoriale.",
           "Des frappes nocturnes ont endommagé le réseau près de {a}."],
    "uk": ["Переговори щодо {t} відновилися в Женеві, {a} зустрівся з посадовцями.",
           "{a} заявив, що проєкт залишає відкритим питання {t}.",
           "Нічний обстріл пошкодив лінії електропередач біля {a}."],
    "ru": ["Переговоры о {t} возобновились в Женеве, {a} встретился с чиновниками.",
           "{a} заявил, что проект оставляет открытым вопрос {t}.",
           "Ночной обстрел повредил линии электропередачи у {a}."],
}
NEUTRAL = {"en": "the region", "de": "der Region", "fr": "la région", "uk": "регіону",
           "ru": "региона"}
LANGS = {"en": 0.30, "de": 0.15, "fr": 0.15, "uk": 0.20, "ru": 0.20}
REPEAT = 3
FEEDS = [(f"Feed {n}", lang) for n, lang in enumerate(["en", "en", "en", "de", "de", "fr", "uk",
                                                        "uk", "ru", "ru", "en", "de"])]


def toml_list(values) -> str:
    return "[" + ", ".join('"' + v.replace('"', '\\"') + '"' for v in values) + "]"


def make_config(rules: int, rng: random.Random):
    names = list(NAMES) + [s for spellings in RULE_SPELLINGS.values() for s in spellings]
    topics = [t for words in TOPICS.values() for t in words]
    lines = ["[settings]", 'full_text = "never"', ""]
    for name, lang in FEEDS:
        lines += ["[[feeds]]", f'name = "{name}"', f'url = "https://{lang}.example/{len(lines)}"',
                  f'tags = ["{lang}", "{"wire" if len(lines) % 3 else "paper"}"]', ""]
    lines += ["[watch.regions]",
              'terms = ["Crimea", "Donetsk", "Luhansk", "Kherson", "Zaporizhzhia"]',
              "", "[watch.negotiators]",
              'terms = ["Witkoff", "Kushner", "Rubio", "Lavrov", "Yermak", "Umerov", "Zelensky", '
              '"Putin", "Trump"]', ""]
    for n in range(rules):
        lines += ["[[alerts]]", f'name = "rule {n}"']
        shape = rng.random()
        if shape < 0.1:
            lines.append(f"categories = {toml_list([rng.choice(['regions', 'negotiators'])])}")
        else:
            pool = names + SURNAMES
            lines.append(f"all = {toml_list(rng.sample(pool, rng.choice([1, 1, 2])))}")
            if rng.random() < 0.6:
                lines.append(f"any = {toml_list(rng.sample(topics, rng.randint(1, 3)))}")
        if rng.random() < 0.25:
            lines.append(f"none = {toml_list([rng.choice(topics + SURNAMES)])}")
        if rng.random() < 0.2:
            chosen = rng.choice(["en", "de", "uk", "ru", "wire", "Feed 3"])
            lines.append(f"feeds = {toml_list([chosen])}")
        lines.append("")
    return parse_config("\n".join(lines))


def make_items(count: int, rng: random.Random) -> list[tuple[str, str, str]]:
    """(feed, title, summary) triples."""
    langs, weights = list(LANGS), list(LANGS.values())
    items = []
    for _ in range(count):
        feed, lang = rng.choice(FEEDS)
        lang = lang if rng.random() < 0.8 else rng.choices(langs, weights)[0]

        def filler() -> str:
            roll = rng.random()
            if roll < 0.08:
                return rng.choice(NAMES[rng.choice(list(NAMES))][lang])
            if roll < 0.10:
                return rng.choice(SURNAMES)
            if roll < 0.13:
                return rng.choice(DECOYS)
            return NEUTRAL[lang]

        def sentence() -> str:
            topic = NEUTRAL[lang]
            if rng.random() < 0.4:
                topic = rng.choice(TOPICS.get(lang, TOPICS["en"]))
            return rng.choice(SENTENCES[lang]).format(a=filler(), t=topic)

        items.append((feed, sentence(), " ".join(sentence() for _ in range(3))))
    return items


def per_item(samples: list[float]) -> str:
    ordered = sorted(samples)
    p = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1e6  # noqa: E731
    return (f"mean {statistics.fmean(samples) * 1e6:7.1f} µs  p50 {p(0.5):7.1f}  "
            f"p99 {p(0.99):7.1f}")


def fill_store(directory: Path, items, watcher) -> tuple[Store, list[int]]:
    store = Store.open(directory)
    now = time.time()
    published = format_datetime(datetime.now(timezone.utc) - timedelta(hours=1))
    ids: list[int] = []
    by_feed: dict[str, list[Entry]] = {}
    for n, (feed, title, summary) in enumerate(items):
        by_feed.setdefault(feed, []).append(Entry(guid=f"urn:{n}", link=f"https://x.example/{n}",
                                                  title=title, summary=summary, content="",
                                                  published_raw=published))
    for feed, entries in by_feed.items():
        assign_keys(entries)
        result = store.ingest(feed, ParsedFeed(title=feed, language=None, entries=entries),
                              now=now, matcher=watcher)
        ids += result.new
    return store, sorted(ids)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rules", type=int, default=200)
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=50, help="new items per refresh")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    config = make_config(args.rules, rng)
    items = make_items(args.items, rng)
    watcher = build_watcher(config)
    terms = sorted({t for r in config.alerts for t in (*r.all, *r.any, *r.none)})
    print(f"{len(config.alerts)} rules, {len(terms)} distinct terms, {len(items)} items "
          f"(~{statistics.fmean(len(t) + len(s) for _, t, s in items):.0f} characters each)")

    RuleSet(config)  # warm the gazetteer and the folding caches
    started = time.perf_counter()
    engine = RuleSet(config)
    build = time.perf_counter() - started
    started = time.perf_counter()
    shared = Watcher([Term(name=t, category=ALERT_CATEGORY) for t in terms])
    shared_build = time.perf_counter() - started
    print(f"build: RuleSet {build * 1e3:.0f} ms ({len(engine.matchers)} matchers: "
          f"{', '.join(str(len(m.terms)) for m in engine.matchers)} terms); one shared matcher "
          f"{shared_build * 1e3:.0f} ms")

    categories = []
    for _, title, summary in items:
        categories.append({m.category for m in watcher.find_fields({"title": title,
                                                                     "summary": summary})})

    # Each item is timed REPEAT times and its fastest run kept: a shared machine's hiccups
    # otherwise dominate the tail.
    layered, fired_layered = [], 0
    for (feed, title, summary), cats in zip(items, categories):
        runs = []
        for _ in range(REPEAT):
            t0 = time.perf_counter()
            hit = engine.rules_hit({"title": title, "summary": summary}, feed, cats)
            runs.append(time.perf_counter() - t0)
        layered.append(min(runs))
        fired_layered += len(hit)

    allowed = {r.name: config.feeds_matching(r.feeds) if r.feeds else None for r in config.alerts}

    def satisfies(rule, found, feed, cats) -> bool:   # every rule in turn, as first written
        if allowed[rule.name] is not None and feed not in allowed[rule.name]:
            return False
        if any(term in found for term in rule.none):
            return False
        if not all(term in found for term in rule.all):
            return False
        if rule.any and not any(term in found for term in rule.any):
            return False
        return not rule.categories or bool(cats.intersection(rule.categories))

    baseline, fired_shared = [], 0
    for (feed, title, summary), cats in zip(items, categories):
        runs = []
        for _ in range(REPEAT):
            t0 = time.perf_counter()
            found = {m.name for m in shared.find_fields({"title": title, "summary": summary})}
            hit = [r for r in config.alerts if satisfies(r, found, feed, cats)]
            runs.append(time.perf_counter() - t0)
        baseline.append(min(runs))
        fired_shared += len(hit)

    t0 = time.perf_counter()
    for (feed, title, summary), cats in zip(items, categories):
        engine.rules_hit({"title": title, "summary": summary}, feed, cats)
    one_pass = (time.perf_counter() - t0) / len(items)

    print(f"rule matching alone, per item:   {per_item(layered)}   ({fired_layered} hits)")
    print(f"  one plain pass over the items:  {one_pass * 1e6:.1f} µs per item")
    print(f"  shared matcher, every rule:    {per_item(baseline)}   ({fired_shared} hits; "
          f"{fired_layered - fired_shared} missed where rule terms overlap)")
    print(f"  ratio: {statistics.fmean(layered) / statistics.fmean(baseline):.2f}")

    with tempfile.TemporaryDirectory() as tmp:
        store, ids = fill_store(Path(tmp) / "batched", items, watcher)
        t0 = time.perf_counter()
        hits = 0
        for start in range(0, len(ids), args.batch):
            hits += len(evaluate(store, engine, ids[start:start + args.batch]))
        batched = time.perf_counter() - t0
        t0 = time.perf_counter()
        for start in range(0, len(ids), args.batch):
            evaluate(store, engine, ids[start:start + args.batch])
        again = time.perf_counter() - t0
        store.close()

        store, ids = fill_store(Path(tmp) / "single", items[:1000], watcher)
        single = []
        for row_id in ids:
            t0 = time.perf_counter()
            evaluate(store, engine, [row_id])
            single.append(time.perf_counter() - t0)
        store.close()

    print(f"rules.evaluate with SQLite, {args.batch} new items per call: "
          f"{batched / len(items) * 1e6:.1f} µs per item ({hits} hits written)")
    print(f"  same items again (nothing new fires): {again / len(items) * 1e6:.1f} µs per item")
    print(f"  one new item per call:          {per_item(single)}")


if __name__ == "__main__":
    main()
