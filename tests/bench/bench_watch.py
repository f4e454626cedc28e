"""Benchmark of the watchlist matcher (tui/core/names/watch.py). A script that prints figures, not a test.

    .venv/bin/python tests/bench/bench_watch.py [--items 100000] [--terms 500] [--processes 2]

What it measures, on synthetic multilingual news (en/de/fr/uk/ru titles + summaries, and with
--all-languages pl/cs/es/it too, ~320 characters an item; with the default --mention-rate about
four items in five mention a watched name, in some spelling or case form, 1.5 mentions an item:
a dense, pessimistic load). --words adds the kind of terms alert rules hold (lower-case words,
matched with their word family, and a `recogni*` prefix) and sentences that use them.
--save FILE / --load FILE keep the terms and items, so that two versions of the matcher are
timed on the very same input (the items are generated from the gazetteer of the version run).

* build: compiling a 500-term watchlist (the shipped gazetteer plus generated surnames that go
  through rule-based spelling expansion) into a Watcher;
* whole-cache re-match: every item's title and summary, as the store does when the watchlist
  changes; and the same split over N forked processes;
* per new item: the cost of one ``find_fields`` call, mean and percentiles; and of one full
  article text;
* baselines in the same process: the bare scan (lower-case, separators, automaton; no
  verification) as a floor, and one regex alternation of all stems on a sample, as the
  approach DESIGN.md measured;
* memory: the Watcher's own allocations (tracemalloc, the spelling caches included) and the
  process's peak RSS.

Times are given as CPU time of this process beside wall time: on a shared machine CPU time is
the steadier figure, and the ratios to the baselines the steadiest.
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing
import random
import re
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tui.core.names import fold  # noqa: E402
from tui.core.names.inflect import inflect  # noqa: E402
from tui.core.names.translit import has_cyrillic  # noqa: E402
from tui.core.names.watch import Term, Watcher, load_gazetteer  # noqa: E402

try:  # absent before word families existed: the script also times older versions
    from tui.core.names import family  # noqa: E402
except ImportError:
    family = None

LANG_SHARE = {"en": 0.30, "de": 0.15, "fr": 0.15, "uk": 0.20, "ru": 0.20}
ALL_LANG_SHARE = {"en": 0.22, "de": 0.10, "fr": 0.10, "uk": 0.14, "ru": 0.14, "pl": 0.08, "cs": 0.06,
                  "es": 0.08, "it": 0.08}
WORD_TERMS = ["ceasefire", "recognition", "sanctions", "визнання", "признание", "recogni*"]
WORD_SENTENCES = {
    "en": "The EU said it would never recognise the annexation; sanctions stay and a ceasefire is far off.",
    "de": "Die EU werde die Annexion nie anerkennen, die Sanktionen bleiben.",
    "fr": "L'UE ne reconnaîtra jamais l'annexion, les sanctions restent en place.",
    "uk": "ЄС ніколи не визнає анексію, визнання неможливе, санкції залишаються.",
    "ru": "ЕС не признает аннексию, признание исключено, санкции сохранятся.",
    "pl": "UE nigdy nie uzna aneksji, sankcje pozostaną.",
    "cs": "EU anexi nikdy neuzná, sankce zůstávají.",
    "es": "La UE nunca reconocerá la anexión; las sanciones siguen.",
    "it": "L'UE non riconoscerà mai l'annessione, le sanzioni restano.",
}

SENTENCES = {
    "en": [
        "Talks on the peace plan resumed in Geneva on Sunday as {a} met {b}.",
        "{a} said the draft still leaves the territorial questions open.",
        "Officials from both sides described the meeting with {a} as constructive but difficult.",
        "The proposal would freeze the front line and create a demilitarised zone.",
        "European leaders warned that any deal must include security guarantees for Kyiv.",
        "Shelling overnight damaged power lines and left thousands without electricity.",
        "Analysts say the timetable set by Washington is unrealistic.",
        "According to {a}, a new round of consultations is expected next week.",
    ],
    "de": [
        "Die Gespräche über den Friedensplan wurden am Sonntag in Genf fortgesetzt, {a} traf {b}.",
        "{a} erklärte, der Entwurf lasse die Gebietsfragen weiterhin offen.",
        "Beide Seiten bezeichneten das Treffen mit {a} als konstruktiv, aber schwierig.",
        "Der Vorschlag würde die Frontlinie einfrieren und eine entmilitarisierte Zone schaffen.",
        "Europäische Regierungschefs forderten Sicherheitsgarantien für die Ukraine.",
        "Nächtlicher Beschuss beschädigte Stromleitungen, Tausende sind ohne Strom.",
    ],
    "fr": [
        "Les discussions sur le plan de paix ont repris dimanche à Genève, {a} a rencontré {b}.",
        "Selon {a}, le projet laisse encore ouvertes les questions territoriales.",
        "Les deux camps ont jugé la rencontre avec {a} constructive mais difficile.",
        "La proposition gèlerait la ligne de front et créerait une zone démilitarisée.",
        "Les dirigeants européens exigent des garanties de sécurité pour l'Ukraine.",
        "Des frappes nocturnes ont endommagé le réseau électrique de la région.",
    ],
    "uk": [
        "Переговори щодо мирного плану відновилися в неділю в Женеві, {a} зустрівся з {b}.",
        "{a} заявив, що проєкт досі залишає відкритими територіальні питання.",
        "Обидві сторони назвали зустріч з {a} конструктивною, але складною.",
        "Пропозиція передбачає заморожування лінії фронту та створення демілітаризованої зони.",
        "Європейські лідери наголосили на гарантіях безпеки для України.",
        "Нічний обстріл пошкодив лінії електропередач, тисячі людей без світла.",
    ],
    "pl": [
        "Rozmowy o planie pokojowym wznowiono w niedzielę w Genewie, {a} spotkał się z {b}.",
        "{a} powiedział, że projekt nadal pozostawia otwarte kwestie terytorialne.",
        "Obie strony uznały spotkanie z {a} za konstruktywne, ale trudne.",
        "Nocny ostrzał uszkodził linie energetyczne, tysiące ludzi bez prądu.",
    ],
    "cs": [
        "Jednání o mírovém plánu pokračovala v neděli v Ženevě, {a} se setkal s {b}.",
        "{a} uvedl, že návrh stále ponechává územní otázky otevřené.",
        "Noční ostřelování poškodilo elektrické vedení, tisíce lidí jsou bez proudu.",
    ],
    "es": [
        "Las conversaciones sobre el plan de paz se reanudaron el domingo en Ginebra, {a} se reunió con {b}.",
        "{a} dijo que el borrador deja abiertas las cuestiones territoriales.",
        "Los bombardeos nocturnos dañaron la red eléctrica de la región.",
    ],
    "it": [
        "I colloqui sul piano di pace sono ripresi domenica a Ginevra, {a} ha incontrato {b}.",
        "Secondo {a}, la bozza lascia aperte le questioni territoriali.",
        "I bombardamenti notturni hanno danneggiato la rete elettrica.",
    ],
    "ru": [
        "Переговоры по мирному плану возобновились в воскресенье в Женеве, {a} встретился с {b}.",
        "{a} заявил, что проект по-прежнему оставляет открытыми территориальные вопросы.",
        "Обе стороны назвали встречу с {a} конструктивной, но сложной.",
        "Предложение предусматривает заморозку линии фронта и создание демилитаризованной зоны.",
        "Европейские лидеры потребовали гарантий безопасности для Украины.",
        "Ночной обстрел повредил линии электропередачи, тысячи людей остались без света.",
    ],
}
FILLERS = {
    "en": ["officials", "talks", "the ministry", "local authorities", "the region", "a spokesman"],
    "de": ["Beamte", "die Gespräche", "das Ministerium", "die Behörden", "ein Sprecher"],
    "fr": ["des responsables", "les pourparlers", "le ministère", "les autorités", "un porte-parole"],
    "uk": ["посадовці", "переговори", "міністерство", "місцева влада", "речник"],
    "ru": ["чиновники", "переговоры", "министерство", "местные власти", "представитель"],
    "pl": ["urzędnicy", "rozmowy", "ministerstwo", "władze lokalne", "rzecznik"],
    "cs": ["úředníci", "jednání", "ministerstvo", "místní úřady", "mluvčí"],
    "es": ["funcionarios", "las conversaciones", "el ministerio", "las autoridades", "un portavoz"],
    "it": ["funzionari", "i colloqui", "il ministero", "le autorità", "un portavoce"],
}

ROOTS = [
    "Koval", "Bondar", "Moroz", "Tkach", "Kravch", "Oliin", "Shevch", "Lys", "Hryts", "Petr",
    "Savch", "Rudn", "Kuzm", "Pavl", "Sydor", "March", "Levch", "Zhuk", "Polishch", "Ponomar",
    "Taras", "Vasyl", "Kostyuk", "Hrach", "Fedor", "Bilous", "Yarosh", "Demch", "Nazar", "Orlov",
    "Sokol", "Volkov", "Zaits", "Lebed", "Kozl", "Semen", "Gusev", "Zhdan", "Khom", "Chernyak",
    "Skoryk", "Prokop", "Hayd", "Tymosh", "Mazur", "Kushch", "Dovzh", "Makar", "Yurch", "Lytv",
]
SUFFIXES = ["enko", "uk", "ov", "ev", "in", "sky", "chuk", "ovych", "ak", "ets"]


def make_terms(count: int, rng: random.Random) -> list[Term]:
    """The gazetteer's names, then generated surnames the gazetteer does not know."""
    gazetteer = load_gazetteer()
    terms = [Term(e.name, e.category) for e in gazetteer.entries][:count]
    known = {fold.skeleton(s) for e in gazetteer.entries for _, s in e.spellings}
    candidates = [r + s for r in ROOTS for s in SUFFIXES]
    rng.shuffle(candidates)
    for name in candidates:
        if len(terms) >= count:
            break
        if fold.skeleton(name) not in known:
            known.add(fold.skeleton(name))
            terms.append(Term(name, "people"))
    return terms


def spellings_for(term: Term, lang: str) -> list[str]:
    """How an outlet writing ``lang`` might write the term, including case forms."""
    if term.name[:1].islower():
        return [term.name.rstrip("*")]
    cyrillic = lang in ("uk", "ru")
    entries = load_gazetteer().lookup(term.name)
    if entries:
        base = [s for lg, s in entries[0].spellings if lg == lang] or [term.name]
    else:
        base = sorted(v for v in fold.spelling_variants(term.name) if has_cyrillic(v) == cyrillic)
        base = [v[:1].upper() + v[1:] for v in base] or [term.name]
    forms = []
    for spelling in base:
        if cyrillic:
            for stem, endings in inflect(spelling, lang=lang):
                forms += [(stem + e).capitalize() if spelling[:1].isupper() else stem + e for e in sorted(endings)]
        else:
            forms.append(spelling)
    return forms or base


def make_items(count: int, terms: list[Term], rng: random.Random, mention_rate: float = 0.12,
               shares: dict[str, float] = LANG_SHARE, words: bool = False) -> list[dict[str, str]]:
    langs = list(shares)
    weights = list(shares.values())
    cache: dict[tuple[int, str], list[str]] = {}

    def name(lang: str) -> str:
        if rng.random() > mention_rate:
            return rng.choice(FILLERS[lang])
        i = rng.randrange(len(terms))
        if (i, lang) not in cache:
            cache[i, lang] = spellings_for(terms[i], lang)
        return rng.choice(cache[i, lang])

    def sentence(lang: str) -> str:
        return rng.choice(SENTENCES[lang]).format(a=name(lang), b=name(lang))

    items = []
    for _ in range(count):
        lang = rng.choices(langs, weights)[0]
        title = sentence(lang)[:90]
        summary = ""
        while len(summary) < 210:
            summary += sentence(lang) + " "
        if words and rng.random() < 0.3:
            summary += WORD_SENTENCES[lang]
        items.append({"title": title, "summary": summary.strip()})
    return items


def rematch(watcher: Watcher, items: list[dict[str, str]]) -> int:
    return sum(len(watcher.find_fields(item)) for item in items)


_SHARED: tuple[Watcher, list[dict[str, str]]] | None = None


def _rematch_slice(bounds: tuple[int, int]) -> int:
    assert _SHARED is not None
    watcher, items = _SHARED
    return rematch(watcher, items[bounds[0] : bounds[1]])


def rematch_parallel(watcher: Watcher, items: list[dict[str, str]], processes: int) -> int:
    """Split the items over forked workers, which inherit the watcher instead of pickling it."""
    global _SHARED
    _SHARED = (watcher, items)
    step = -(-len(items) // processes)
    chunks = [(i, min(i + step, len(items))) for i in range(0, len(items), step)]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        return sum(pool.map(_rematch_slice, chunks))


def timed(fn, *args):
    """Run ``fn`` and return (wall seconds, CPU seconds of this process, result).

    CPU time is printed beside wall time because the machine may be shared: CPU time is what
    the work costs, wall time what it took today.
    """
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn(*args)
    return time.perf_counter() - wall, time.process_time() - cpu, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--terms", type=int, default=500)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--mention-rate", type=float, default=0.12, help="chance a name slot holds a term")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--all-languages", action="store_true", help="also Polish, Czech, Spanish, Italian items")
    parser.add_argument("--words", action="store_true", help="also lower-case and prefix terms, as alerts use")
    parser.add_argument("--save", metavar="FILE", help="write the terms and items to FILE (JSON)")
    parser.add_argument("--load", metavar="FILE", help="time the terms and items of FILE instead")
    args = parser.parse_args()
    rng = random.Random(args.seed)

    load_wall, _, _ = timed(load_gazetteer)
    if args.load:
        saved = json.loads(Path(args.load).read_text(encoding="utf-8"))
        terms = [Term(name, category) for name, category in saved["terms"]]
        items = saved["items"]
    else:
        terms = make_terms(args.terms - (len(WORD_TERMS) if args.words else 0), rng)
        terms += [Term(word, "words") for word in WORD_TERMS] if args.words else []
        shares = ALL_LANG_SHARE if args.all_languages else LANG_SHARE
        items = make_items(args.items, terms, rng, args.mention_rate, shares, args.words)
    if args.save:
        Path(args.save).write_text(json.dumps({"terms": [[t.name, t.category] for t in terms], "items": items},
                                              ensure_ascii=False), encoding="utf-8")
    # Word families are looked up once per process (a dictionary pass per language): timed
    # apart, and before tracemalloc, which slows that Python loop tenfold.
    families_wall = 0.0
    if family is not None:
        families_wall, _, _ = timed(family.word_families, [t.name for t in terms])
    tracemalloc.start()
    build_wall, build_cpu, watcher = timed(Watcher, terms)
    watcher_bytes = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    rebuild_wall, _, _ = timed(Watcher, terms)
    fingerprint_wall, _, _ = timed(lambda: watcher.fingerprint)

    chars = sum(len(i["title"]) + len(i["summary"]) for i in items)
    print(f"items            {len(items):,} ({chars / len(items):.0f} characters each on average)")
    print(f"terms            {len(terms)} ({len(load_gazetteer())} from the gazetteer), {len(watcher.stems):,} stems")
    print(f"gazetteer load   {load_wall * 1e3:.1f} ms; word families of the lower-case terms {families_wall * 1e3:.0f} ms")
    print(
        f"build            {build_wall * 1e3:.0f} ms wall, {build_cpu * 1e3:.0f} ms CPU; rebuild of the same "
        f"list {rebuild_wall * 1e3:.0f} ms; fingerprint {fingerprint_wall * 1e3:.0f} ms"
    )
    print(
        f"watcher memory   {watcher_bytes / 2**20:.1f} MiB (Python objects, spelling caches included) "
        f"+ automaton {_automaton_bytes(watcher) / 2**20:.1f} MiB"
    )

    gc.collect()
    gc.freeze()
    whole_wall, whole_cpu, matches = timed(rematch, watcher, items)
    sample = items[: min(len(items), 10_000)]
    with_hits = sum(1 for item in sample if watcher.find_fields(item))
    print(
        f"re-match all     {whole_wall:.2f} s wall, {whole_cpu:.2f} s CPU, 1 process "
        f"({matches:,} matches; {with_hits / len(sample):.0%} of items match)"
    )
    if args.processes > 1:
        par_wall, _, par_matches = timed(rematch_parallel, watcher, items, args.processes)
        assert par_matches == matches
        print(f"re-match all     {par_wall:.2f} s wall, {args.processes} forked processes")

    costs = []
    for item in items[: min(len(items), 20_000)]:
        start = time.perf_counter_ns()
        watcher.find_fields(item)
        costs.append((time.perf_counter_ns() - start) / 1e3)
    costs.sort()
    print(
        f"per new item     {whole_cpu / len(items) * 1e6:.1f} us CPU on average; timed one by one: "
        f"p50 {statistics.median(costs):.1f} us, p99 {costs[int(len(costs) * 0.99)]:.1f} us"
    )

    articles = [" ".join(i["summary"] for i in items[k : k + 20]) for k in range(0, min(len(items), 20_000), 20)]
    _, article_cpu, _ = timed(lambda: [watcher.find(a, "text") for a in articles])
    print(
        f"per article      {article_cpu / len(articles) * 1e6:.0f} us CPU for the full text "
        f"(~{sum(map(len, articles)) / len(articles):,.0f} characters)"
    )

    # Baselines, in this process and on the same items.
    automaton = watcher._automaton  # noqa: SLF001 - the floor needs the bare automaton
    assert automaton is not None

    def bare_scan() -> int:
        return sum(
            len(list(automaton.iter(fold.scan_view((i["title"] + "\x00" + i["summary"]).lower())))) for i in items
        )

    _, floor_cpu, hits = timed(bare_scan)
    print(
        f"baseline         bare scan (lower-case, separators, automaton; no checks): {floor_cpu:.2f} s CPU, "
        f"{hits:,} raw hits; full matching costs {whole_cpu / floor_cpu:.2f}x the bare scan"
    )
    stems = sorted(watcher.stems, key=len, reverse=True)
    alternation = re.compile(r"\b(?:" + "|".join(map(re.escape, stems)) + r")\w*")
    regex_sample = items[:2_000]
    _, regex_cpu, _ = timed(
        lambda: [alternation.findall((i["title"] + "\x00" + i["summary"]).lower()) for i in regex_sample]
    )
    regex_all = regex_cpu * len(items) / len(regex_sample)
    print(
        f"baseline         one regex alternation of all stems, no checks: {regex_all:.1f} s CPU for all "
        f"(measured on {len(regex_sample):,}), {regex_all / whole_cpu:.0f}x the matcher"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS         {peak:.0f} MiB (whole process, the {len(items):,} items included)")


def _automaton_bytes(watcher: Watcher) -> int:
    automaton = watcher._automaton  # noqa: SLF001
    return automaton.get_stats()["total_size"] if automaton is not None else 0


if __name__ == "__main__":
    main()
