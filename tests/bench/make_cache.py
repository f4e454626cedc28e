"""A big, realistic cache in minutes: 20 feeds in six languages, matches, alert hits, second
versions, read and starred marks, spread over a year.

    .venv/bin/python tests/bench/make_cache.py DIR [--items 1000000] [--days 365]

Writes DIR/feeds.toml and the cache DIR/cache/, ready for `wirewatch --config DIR/feeds.toml`
and the benchmarks. Refreshing 1M items through `Store.ingest` would take most of an hour
(the full-text index is filled row by row); `bulk` writes the same rows straight into the
tables instead, fills the full-text index with one rebuild and lets the schema's own triggers
and `mentions.settle` do the trend counts. `reference` stores the very same items the slow
way (`Store.ingest`, one call per feed and refresh); tests/unit/test_make_cache.py proves
the two give the same cache at a small size.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support.configs import WATCHLIST
from tui.core.cache.store import make_uid
from tui.core.ingest.digest import content_digest
from tui.core.ingest.feeds import Entry, ParsedFeed

NOW = datetime(2025, 11, 21, 12, 0, tzinfo=UTC).timestamp()
REFRESH = 900.0          # items are first seen at the refresh after they came out
REVISED_AFTER = 5400.0   # a second version turns up 1.5 h after the first

# (name, language, has full content)
FEEDS = [
    ("Harbor Wire", "en", False), ("Kestrel Daily", "en", True), ("Meridian Post", "en", False),
    ("Atlas Ledger", "en", True), ("Signal Courier", "en", False), ("Northgate Times", "en", False),
    ("Pillar Review", "en", True), ("Lantern Report", "en", False),
    ("Tageskompass", "de", False), ("Rheinblick", "de", True), ("Nordkurier Digital", "de", False),
    ("Stepova Khronika", "uk", False), ("Dnipro Vistі", "uk", True), ("Karpaty Online", "uk", False),
    ("Vostochny Vestnik", "ru", False), ("Volga Segodnya", "ru", True),
    ("Le Phare", "fr", False), ("Courrier Alpin", "fr", True),
    ("El Faro Diario", "es", False), ("Gaceta del Sur", "es", True),
]

WORDS = {
    "en": {
        "who": ["Witkoff", "Kushner", "Rubio", "Lavrov", "Yermak", "Umerov", "Zelensky", "Putin",
                "Trump", "the mayor", "the central bank", "the union", "the minister",
                "a court", "the council", "the governor"],
        "where": ["Crimea", "Donetsk", "Luhansk", "Kherson", "Zaporizhzhia", "Odesa", "Geneva",
                  "Brussels", "Moscow", "Kyiv", "the port", "the capital", "the region",
                  "the border"],
        "titles": ["{who} arrives in {where} for talks", "{who} says deal on {where} is close",
                   "Power cut in {where} after strikes, {who} says",
                   "{who} rejects plan for {where}", "Grain exports through {where} rise",
                   "{who} meets envoys over {where}", "Evacuations continue in {where}",
                   "Talks on {where} stall as {who} digs in", "{who} pledges aid to {where}",
                   "Markets react to news from {where}", "{who}: recognition of {where} off the table",
                   "Rail freight through {where} falls", "{who} visits {where} hospital",
                   "New guarantees for {where} on the agenda", "{who} cancels trip to {where}"],
        "summaries": ["{who} spoke to reporters in {where} on Tuesday about the next round.",
                      "Officials in {where} confirmed the figures; {who} declined to comment.",
                      "The statement from {who} came hours after the meeting in {where}.",
                      "Residents of {where} described a long night; {who} promised help.",
                      "Analysts said {who} had little room to move on {where}.",
                      "A spokesperson for {who} said the {where} talks would resume.",
                      "{who} repeated that {where} was not up for negotiation.",
                      "Figures released in {where} show a third month of growth."],
        "filler": ["The report could not be independently verified.",
                   "More details are expected later this week.",
                   "The ministry did not respond to a request for comment.",
                   "Prices have risen steadily since the spring.",
                   "Several delegations left before the vote.",
                   "The agreement still needs parliamentary approval.",
                   "Observers said turnout was lower than expected."],
    },
    "de": {
        "who": ["Selenskyj", "Putin", "Trump", "Lawrow", "Merz", "die Regierung",
                "der Bürgermeister", "die Zentralbank", "das Gericht", "die Ministerin"],
        "where": ["der Krim", "Donezk", "Luhansk", "Cherson", "Saporischschja", "Odessa", "Genf",
                  "Brüssel", "Berlin", "Kiew", "der Region", "der Grenze"],
        "titles": ["{who} reist zu Gesprächen nach {where}", "{who}: Einigung über {where} nahe",
                   "Stromausfall in {where}, sagt {who}", "{who} lehnt Plan für {where} ab",
                   "Getreideexporte über {where} steigen", "{who} trifft Gesandte wegen {where}",
                   "Evakuierungen in {where} gehen weiter", "Gespräche über {where} stocken",
                   "{who} sagt {where} Hilfe zu", "Märkte reagieren auf Nachrichten aus {where}"],
        "summaries": ["{who} sprach am Dienstag in {where} mit Journalisten.",
                      "Behörden in {where} bestätigten die Zahlen; {who} schwieg.",
                      "Die Erklärung von {who} kam Stunden nach dem Treffen in {where}.",
                      "Bewohner von {where} berichten von einer langen Nacht.",
                      "Fachleute sehen für {who} wenig Spielraum in {where}."],
        "filler": ["Die Angaben ließen sich nicht unabhängig überprüfen.",
                   "Weitere Einzelheiten werden im Laufe der Woche erwartet.",
                   "Das Ministerium äußerte sich zunächst nicht.",
                   "Die Preise steigen seit dem Frühjahr."],
    },
    "uk": {
        "who": ["Зеленський", "Путін", "Трамп", "Умєров", "Єрмак", "Лавров", "уряд", "мер міста",
                "Нацбанк", "суд"],
        "where": ["Крим", "Донецьк", "Луганськ", "Херсон", "Запоріжжя", "Одеса", "Женева",
                  "Брюссель", "Київ", "область", "кордон"],
        "titles": ["{who} прибув на переговори: {where}", "{who}: угода щодо {where} близька",
                   "Знеструмлення: {where}, повідомляє {who}", "{who} відхилив план щодо {where}",
                   "Експорт зерна через {where} зростає", "{who} зустрівся з посланцями: {where}",
                   "Евакуація триває: {where}", "Переговори щодо {where} зайшли в глухий кут"],
        "summaries": ["{who} говорив із журналістами у вівторок: {where}.",
                      "Посадовці підтвердили дані; {who} відмовився коментувати ({where}).",
                      "Заява {who} пролунала за кілька годин після зустрічі ({where}).",
                      "Мешканці розповідають про довгу ніч: {where}."],
        "filler": ["Інформацію не вдалося незалежно перевірити.",
                   "Більше подробиць очікують наприкінці тижня.",
                   "У міністерстві не відповіли на запит."],
    },
    "ru": {
        "who": ["Зеленский", "Путин", "Трамп", "Лавров", "Умеров", "правительство", "мэр",
                "Центробанк", "суд"],
        "where": ["Крым", "Донецк", "Луганск", "Херсон", "Запорожье", "Одесса", "Женева",
                  "Москва", "Киев", "регион"],
        "titles": ["{who} прибыл на переговоры: {where}", "{who}: сделка по {where} близка",
                   "Отключения света: {where}, сообщает {who}", "{who} отверг план: {where}",
                   "Экспорт зерна через {where} растёт", "Эвакуация продолжается: {where}"],
        "summaries": ["{who} выступил перед журналистами во вторник: {where}.",
                      "Чиновники подтвердили данные; {who} отказался комментировать ({where}).",
                      "Заявление {who} прозвучало после встречи ({where})."],
        "filler": ["Информацию не удалось проверить независимо.",
                   "Подробности ожидаются позже на этой неделе."],
    },
    "fr": {
        "who": ["Zelensky", "Poutine", "Trump", "Lavrov", "le gouvernement", "le maire",
                "la banque centrale", "le tribunal"],
        "where": ["la Crimée", "Donetsk", "Louhansk", "Kherson", "Zaporijia", "Odessa", "Genève",
                  "Bruxelles", "Paris", "la région"],
        "titles": ["{who} arrive à {where} pour des pourparlers",
                   "{who} : un accord sur {where} est proche",
                   "Coupure de courant à {where}, selon {who}", "{who} rejette le plan pour {where}",
                   "Les exportations de céréales via {where} augmentent",
                   "Évacuations en cours à {where}"],
        "summaries": ["{who} s'est exprimé mardi à {where} devant la presse.",
                      "Les autorités de {where} ont confirmé les chiffres ; {who} n'a pas commenté.",
                      "La déclaration de {who} est intervenue après la réunion de {where}."],
        "filler": ["Ces informations n'ont pas pu être vérifiées de source indépendante.",
                   "Plus de détails sont attendus dans la semaine."],
    },
    "es": {
        "who": ["Zelenski", "Putin", "Trump", "Lavrov", "el gobierno", "el alcalde",
                "el banco central", "el tribunal"],
        "where": ["Crimea", "Donetsk", "Lugansk", "Jersón", "Zaporiyia", "Odesa", "Ginebra",
                  "Bruselas", "Madrid", "la región"],
        "titles": ["{who} llega a {where} para negociar", "{who}: el acuerdo sobre {where}, cerca",
                   "Apagón en {where}, según {who}", "{who} rechaza el plan para {where}",
                   "Crecen las exportaciones de grano por {where}",
                   "Continúan las evacuaciones en {where}"],
        "summaries": ["{who} habló el martes con periodistas en {where}.",
                      "Las autoridades de {where} confirmaron las cifras; {who} no comentó.",
                      "La declaración de {who} llegó horas después de la reunión en {where}."],
        "filler": ["La información no pudo verificarse de forma independiente.",
                   "Se esperan más detalles a lo largo de la semana."],
    },
}

ALERTS = """
[[alerts]]
name = "Crimea recognition"
all = ["Crimea"]
any = ["recognition"]

[[alerts]]
name = "Zaporizhzhia plant"
all = ["Zaporizhzhia"]
any = ["plant", "power"]
"""


def config_text() -> str:
    """The feeds.toml this cache goes with (URLs point nowhere: read it --offline)."""
    lines = ["[settings]", "refresh_minutes = 15", "timeout_seconds = 5", ""]
    for index, (name, language, _) in enumerate(FEEDS):
        lines += ["[[feeds]]", f'name = "{name}"', f'url = "http://127.0.0.1:9/feed{index}.xml"',
                  f'language = "{language}"', f'tags = ["{language}"]', ""]
    return "\n".join(lines) + "\n" + WATCHLIST + ALERTS


@dataclass(frozen=True)
class Planned:
    """One item as a refresh first stores it, and its later second wording (if any)."""

    feed: str
    entry: Entry
    first_seen: float
    revised: Entry | None
    revised_at: float | None


def plan(count: int, *, days: float = 365, seed: int = 15) -> list[Planned]:
    """`count` items in the order a refresh stores them (oldest refresh first), deterministic
    for a seed: every 29th undated, every 9th revised, feeds of six languages."""
    rng = random.Random(seed)
    spacing = days * 86_400 / max(count, 1)
    planned: list[Planned] = []
    for n in range(count):
        feed, language, has_content = FEEDS[rng.randrange(len(FEEDS))]
        words = WORDS[language]
        who, where = rng.choice(words["who"]), rng.choice(words["where"])
        title = rng.choice(words["titles"]).format(who=who, where=where)
        title = title[0].upper() + title[1:]
        summary = rng.choice(words["summaries"]).format(who=who, where=where)
        content = ""
        if has_content:
            content = " ".join([summary, *rng.sample(words["filler"], 2)])
        came_out = NOW - (count - n) * spacing
        published = None if n % 29 == 28 else round(came_out, 0)
        first_seen = (came_out // REFRESH + 1) * REFRESH
        key = f"urn:{language}:{n}"
        entry = Entry(guid=key, link=f"https://news.example/{language}/{n}", title=title,
                      summary=summary, content=content,
                      published_raw=format_datetime(datetime.fromtimestamp(published, UTC))
                      if published is not None else None,
                      key=key, published=published)
        revised = revised_at = None
        if n % 9 == 4:
            revised = replace(entry, title=title + " (updated)",
                              summary=summary + " " + rng.choice(words["filler"]))
            revised_at = first_seen + REVISED_AFTER
        planned.append(Planned(feed, entry, first_seen, revised, revised_at))
    planned.sort(key=lambda p: p.first_seen)        # stable: same refresh keeps its order
    return planned


def open_session(folder: Path):
    """The session a first `wirewatch` run opens over the empty cache (feeds listed, the
    watchlist's and rules' fingerprints noted)."""
    from tui.core.config.load import load_config
    from tui.core.session import Session

    path = folder / "feeds.toml"
    path.write_text(config_text(), encoding="utf-8")
    return Session.open(config=load_config(path), cache_option=str(folder / "cache"))


# --- the slow way: what refreshes would store ---------------------------------------------------

def reference(folder: Path, planned: list[Planned]) -> None:
    """Store `planned` through `Store.ingest`: one call per feed and refresh, revisions later."""
    session = open_session(folder)
    store, watcher = session.store, session.watcher
    batches: dict[tuple[float, str], list[Entry]] = {}
    for p in planned:
        batches.setdefault((p.first_seen, p.feed), []).append(p.entry)
    for (now, feed), entries in batches.items():
        store.ingest(feed, ParsedFeed(title=feed, language=None, entries=entries), now=now,
                     matcher=watcher)
    revisions: dict[tuple[float, str], list[Entry]] = {}
    for p in planned:
        if p.revised is not None:
            revisions.setdefault((p.revised_at, p.feed), []).append(p.revised)
    for (now, feed), entries in sorted(revisions.items(), key=lambda kv: kv[0][0]):
        store.ingest(feed, ParsedFeed(title=feed, language=None, entries=entries), now=now,
                     matcher=watcher)
    finish(session)


# --- the fast way: the same rows written straight ----------------------------------------------

def bulk(folder: Path, planned: list[Planned], *, batch: int = 20_000,
         progress=lambda message: None) -> None:
    """Write the rows `reference` would, without the row-by-row full-text index."""
    from tui.core.cache.schema import SEARCH_INDEX, statements
    session = open_session(folder)
    store, watcher = session.store, session.watcher
    store.close()
    conn = sqlite3.connect(store.path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -400000")
    conn.execute("BEGIN")
    # Rows are indexed for search in one statement at the end, as a refresh indexes a feed.
    indexed_by_trigger = conn.execute(
        "SELECT count(*) FROM sqlite_master WHERE name = 'items_fts_insert'").fetchone()[0]
    conn.execute("DROP TRIGGER IF EXISTS items_fts_insert")
    found: dict[tuple[str, str], list] = {}

    def matches(fields: dict[str, str]) -> list:
        # find_fields scans the fields joined by NUL, which no match crosses: the same as
        # each field on its own, so each distinct text is scanned once.
        out = []
        for field, text in fields.items():
            if text:
                key = (field, text)
                if key not in found:
                    found[key] = watcher.find(text, field)
                out += found[key]
        return out

    started = time.perf_counter()
    for start in range(0, len(planned), batch):
        items, versions, match_rows = [], [], []
        for row_id, p in enumerate(planned[start:start + batch], start + 1):
            e, r = p.entry, p.revised
            last = r or e
            sort_time = e.published if e.published is not None else p.first_seen
            items.append((row_id, make_uid(p.feed, e.key), p.feed, e.key, last.link or e.link,
                          last.title, last.summary, last.content, e.published, e.published_raw,
                          p.first_seen, sort_time, p.revised_at or p.first_seen,
                          2 if r else 1, 1 if r else 0))
            versions.append((row_id, 1, e.title, e.summary, None,
                             content_digest(e.title, e.summary, None), p.first_seen))
            if r is not None:
                versions.append((row_id, 2, r.title, r.summary, None,
                                 content_digest(r.title, r.summary, None), p.revised_at))
            for m in matches({"title": last.title, "summary": last.summary}):
                match_rows.append((row_id, m.field, m.start, m.end, m.name, m.category, m.text))
        conn.executemany(
            "INSERT INTO items(id, uid, feed, key, link, title, summary, content, published, "
            "published_raw, first_seen, sort_time, updated, versions, changed) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", items)
        conn.executemany(
            "INSERT INTO versions(item_id, number, title, summary, text, digest, seen) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", versions)
        conn.executemany(
            'INSERT INTO matches(item_id, field, start, "end", name, category, text) '
            "VALUES (?, ?, ?, ?, ?, ?, ?)", match_rows)
        done = start + len(items)
        progress(f"{done:,} items written ({time.perf_counter() - started:.0f} s)")
    progress("filling the full-text index")
    # What the insert trigger indexes: the page text, else the feed's content (FTS5's own
    # 'rebuild' would read the column `text` alone).
    conn.execute("INSERT INTO items_fts(rowid, title, summary, text) "
                 "SELECT id, title, summary, coalesce(text, content) FROM items ORDER BY id")
    if indexed_by_trigger:
        conn.execute(next(s for s in statements(SEARCH_INDEX) if "items_fts_insert" in s))
    if not conn.execute("SELECT count(*) FROM sqlite_master "
                        "WHERE name = 'stories_item_insert'").fetchone()[0]:
        # What index_items notes for each feed (row triggers did before schema step 9).
        conn.execute("INSERT OR REPLACE INTO story_dirty (item_id) SELECT id FROM items")
        conn.execute("INSERT OR IGNORE INTO mention_dirty "
                     "SELECT DISTINCT CAST(sort_time / 3600 AS INTEGER) FROM items")
    # New items are unread (what index_items does for each feed since schema step 12).
    conn.execute("INSERT OR IGNORE INTO unread (item_id, feed) SELECT id, feed FROM items")
    conn.execute("COMMIT")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    progress(f"index filled ({time.perf_counter() - started:.0f} s)")
    finish(session)


# --- both ways: marks, alert hits and trend counts --------------------------------------------

def finish(session) -> None:
    """What the user and the rules added: read and starred marks, alert hits (the rules run
    over every item, as after a rule is added), trend counts settled, statistics gathered.
    Hits are dated when their item was first seen; those older than a day seen and
    announced."""
    from tui.core.cache.mentions import settle

    store = session.store
    session.apply(session.config)
    with store.transaction() as conn:
        conn.execute("DELETE FROM unread WHERE item_id % 4 != 1")
        conn.execute("UPDATE items SET starred = 1 WHERE id % 97 = 0")
        newest = conn.execute("SELECT max(first_seen) FROM items").fetchone()[0] or NOW
        conn.execute("UPDATE hits SET fired_at = "
                     "(SELECT first_seen FROM items WHERE id = hits.item_id)")
        conn.execute("UPDATE hits SET seen = 1, delivered = 1 WHERE fired_at < ?",
                     (newest - 86_400,))
    settle(store)
    store.connection.execute("ANALYZE")
    session.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--days", type=float, default=365)
    parser.add_argument("--reference", action="store_true",
                        help="store the items through Store.ingest (slow; for comparison)")
    args = parser.parse_args()
    if (args.folder / "cache").exists():
        raise SystemExit(f"{args.folder / 'cache'} exists: choose a new folder")
    args.folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    planned = plan(args.items, days=args.days)
    say = lambda message: print(f"  {message}", file=sys.stderr, flush=True)
    say(f"planned {len(planned):,} items ({time.perf_counter() - started:.0f} s)")
    if args.reference:
        reference(args.folder, planned)
    else:
        bulk(args.folder, planned, progress=say)
    size = (args.folder / "cache" / "wirewatch.sqlite3").stat().st_size
    print(f"{args.items:,} items in {args.folder / 'cache'} ({size / 1e6:,.0f} MB) "
          f"in {time.perf_counter() - started:.0f} s; read it with "
          f"--config {args.folder / 'feeds.toml'} --cache {args.folder / 'cache'}")


if __name__ == "__main__":
    main()
