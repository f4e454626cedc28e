"""Keyword alerts against a loopback news site, a real cache and the real refresh cycle.

Every test goes through `open_session` and `Engine.refresh_sync`, as `wirewatch fetch`,
`wirewatch watch` and the dashboard do: rules come from a feeds.toml, terms through the same
matcher as the watchlist, hits land in the SQLite cache and come back as `report.alerts`.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

from tests.support.configs import WATCHLIST
from tests.support.feedgen import item, rss
from tui.core.alerts.rules import evaluate_all
from tui.core.session import Session

WATCH = "\n" + WATCHLIST

ARTICLE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body><header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
<main><article><h1>{title}</h1>
<p>Negotiators met again on Sunday behind closed doors to work through the remaining points of
the draft framework, officials from both delegations said after the session ended late.</p>
<p>{body}</p>
<p>European governments asked to be consulted before any document is signed, and several of
them repeated that security guarantees must be part of the package rather than a later promise.</p>
<p>Analysts said the timetable set by the mediators looked ambitious, given how far apart the
two sides remained on the sequencing of a ceasefire and the exchange of prisoners.</p>
</article></main><footer>Copyright The Loopback Times</footer></body></html>
"""

FEED_TYPE = "application/rss+xml"


def write_config(tmp_path: Path, feeds, alerts: str, *, settings: str = "") -> Path:
    """A feeds.toml: feeds as (name, url, tags), the default watchlist, these alert tables."""
    lines = ["[settings]", "timeout_seconds = 5", settings, ""]
    for name, url, tags in feeds:
        lines += ["[[feeds]]", f'name = "{name}"', f'url = "{url}"', f"tags = {json.dumps(tags)}",
                  ""]
    path = tmp_path / "feeds.toml"
    path.write_text("\n".join(lines) + WATCH + "\n" + alerts, encoding="utf-8")
    return path


def refresh(tmp_path: Path, config: Path):
    """One forced refresh in a fresh session (a new start of the program); returns the report."""
    session = Session.open(str(config), str(tmp_path / "cache"))
    try:
        return session.refresh_sync(force=True)
    finally:
        session.close()


def fired(report) -> set[tuple[str, str]]:
    return {(hit.alert, hit.title) for hit in report.alerts}


def stored_hits(tmp_path: Path, config: Path) -> list[tuple]:
    session = Session.open(str(config), str(tmp_path / "cache"))
    try:
        return [tuple(row) for row in session.store.connection.execute(
            "SELECT h.alert, i.title, h.version, h.fired_at FROM hits h "
            "JOIN items i ON i.id = h.item_id ORDER BY h.alert, i.title")]
    finally:
        session.close()


RECOGNITION = """
[[alerts]]
name = "Crimea recognition"
all = ["Crimea"]
any = ["recognition", "recognize", "recognise"]
"""


def test_a_hit_fires_once_and_is_recorded_with_its_time(tmp_path, http_server):
    http_server.route("/feed.xml", rss([
        item(1, title="US weighs recognition of Crimea as Russian"),
        item(2, title="Talks resume in Geneva", summary="Witkoff and Kushner arrive."),
        item(3, title="Crimea bridge closed again", summary="Traffic halted for hours."),
    ]), content_type=FEED_TYPE)
    config = write_config(tmp_path, [("Wire", http_server.url("/feed.xml"), ["en"])], RECOGNITION)

    first = refresh(tmp_path, config)
    assert fired(first) == {("Crimea recognition", "US weighs recognition of Crimea as Russian")}
    hit = first.alerts[0]
    assert hit.feed == "Wire" and hit.link == "https://news.example/1" and hit.version == 1
    assert hit.fired_at > 0 and len(hit.uid) == 10

    # The same feed again, and once more: nothing new, nothing fires.
    assert fired(refresh(tmp_path, config)) == set()
    assert fired(refresh(tmp_path, config)) == set()
    rows = stored_hits(tmp_path, config)
    assert [(a, t, v) for a, t, v, _ in rows] == [
        ("Crimea recognition", "US weighs recognition of Crimea as Russian", 1)]
    assert rows[0][3] == hit.fired_at


def test_one_item_fires_each_rule_it_satisfies_once(tmp_path, http_server):
    http_server.route("/feed.xml", rss([
        item(1, title="Lavrov rejects recognition of Crimea as Ukrainian"),
    ]), content_type=FEED_TYPE)
    config = write_config(tmp_path, [("Wire", http_server.url("/feed.xml"), ["en"])],
                          RECOGNITION + '\n[[alerts]]\nname = "Lavrov"\nall = ["Lavrov"]\n')
    assert {a for a, _ in fired(refresh(tmp_path, config))} == {"Crimea recognition", "Lavrov"}
    assert fired(refresh(tmp_path, config)) == set()


def test_a_later_edit_that_newly_matches_fires_then_and_a_rematch_does_not_refire(
        tmp_path, http_server):
    url = http_server.url("/feed.xml")
    http_server.route("/feed.xml", rss([item(1, title="Envoys meet in Geneva")]),
                      content_type=FEED_TYPE)
    config = write_config(tmp_path, [("Wire", url, ["en"])], RECOGNITION)
    assert fired(refresh(tmp_path, config)) == set()

    edited = "Envoys meet in Geneva; US ready to recognise Crimea"
    http_server.route("/feed.xml", rss([item(1, title=edited)]), content_type=FEED_TYPE)
    report = refresh(tmp_path, config)
    assert [f.updated for f in report.feeds] == [1]
    assert fired(report) == {("Crimea recognition", edited)}
    assert report.alerts[0].version == 2

    # Edited again, still matching: the item has fired for this rule, it does not fire again.
    again = edited + " as talks drag on"
    http_server.route("/feed.xml", rss([item(1, title=again)]), content_type=FEED_TYPE)
    report = refresh(tmp_path, config)
    assert [f.updated for f in report.feeds] == [1]
    assert fired(report) == set()
    assert [(a, v) for a, _, v, _ in stored_hits(tmp_path, config)] == [("Crimea recognition", 2)]


def test_full_text_that_arrives_in_the_same_refresh_is_evaluated(tmp_path, http_server):
    http_server.route("/feed.xml", rss([
        item(1, title="Negotiators meet again", summary="A long day of talks.",
             link=http_server.url("/news/1")),
        item(2, title="Negotiators meet once more", summary="Another long day.",
             link=http_server.url("/news/2")),
    ]), content_type=FEED_TYPE)
    http_server.route("/news/1", ARTICLE.format(
        title="Negotiators meet again",
        body="A senior official said Washington was prepared to discuss the recognition of "
             "Crimea as part of a wider settlement, a step Kyiv has always rejected."),
        content_type="text/html; charset=utf-8")
    http_server.route("/news/2", ARTICLE.format(
        title="Negotiators meet once more",
        body="A senior official said the question of recognition would have to wait until "
             "the front line had been frozen along its current course."),
        content_type="text/html; charset=utf-8")
    config = write_config(tmp_path, [("Wire", http_server.url("/feed.xml"), ["en"])],
                          RECOGNITION, settings='full_text = "all"')
    report = refresh(tmp_path, config)
    assert report.pages.get("first") == 2
    assert fired(report) == {("Crimea recognition", "Negotiators meet again")}


def test_full_text_that_arrives_later_fires_then(tmp_path, http_server):
    page = http_server.url("/news/1")
    http_server.route("/feed.xml", rss([
        item(1, title="Negotiators meet again", summary="A long day of talks.", link=page),
    ]), content_type=FEED_TYPE)
    http_server.route("/news/1", "busy", status=503)
    config = write_config(tmp_path, [("Wire", http_server.url("/feed.xml"), ["en"])],
                          RECOGNITION, settings='full_text = "all"')
    first = refresh(tmp_path, config)
    assert first.pages.get("error") == 1 and fired(first) == set()

    http_server.route("/news/1", ARTICLE.format(
        title="Negotiators meet again",
        body="A senior official said Washington was prepared to recognise Crimea as Russian "
             "territory as part of a wider settlement, a step Kyiv has always rejected."),
        content_type="text/html; charset=utf-8")
    session = Session.open(str(config), str(tmp_path / "cache"))
    try:
        row_id = session.store.connection.execute("SELECT id FROM items").fetchone()[0]
        assert asyncio.run(session.fetch_text(row_id)) == "first"
        hits = session.store.connection.execute(
            "SELECT alert, version FROM hits WHERE item_id = ?", (row_id,)).fetchall()
        assert [tuple(h) for h in hits] == [("Crimea recognition", 1)]
        assert fired(session.refresh_sync(force=True)) == set()
    finally:
        session.close()


def test_decoys_do_not_fire(tmp_path, http_server):
    http_server.route("/feed.xml", rss([
        item(1, title="Playing a trump card at the negotiating table"),
        item(2, title="Sonntagabend: ein neuer Krimi aus Köln", summary="Der Tatort-Krimi."),
        item(3, title="Pilgrims crowd the Lavra for the feast", summary="Monks of the Lavra."),
        item(4, title="Donation drive for Kharkiv hospitals", summary="Donations doubled."),
        item(5, title="Trump says a deal is close"),
    ]), content_type=FEED_TYPE)
    config = write_config(tmp_path, [("Wire", http_server.url("/feed.xml"), ["en"])], """
[[alerts]]
name = "Trump"
all = ["Trump"]

[[alerts]]
name = "Krim"
all = ["Krim"]

[[alerts]]
name = "Lavrov"
all = ["Lavrov"]

[[alerts]]
name = "Donetsk"
any = ["Donetsk", "Don"]
""")
    assert fired(refresh(tmp_path, config)) == {("Trump", "Trump says a deal is close")}


def test_a_none_term_blocks_the_hit_in_any_spelling_until_it_is_gone(tmp_path, http_server):
    url = http_server.url("/feed.xml")
    http_server.route("/feed.xml", rss([
        item(1, title="Crimea talks stall over sequencing"),
        item(2, title="Crimea: Лавров говорит о референдуме"),
        item(3, title="Crimea beach season opens", summary="Tourism officials are hopeful."),
    ]), content_type=FEED_TYPE)
    config = write_config(tmp_path, [("Wire", url, ["en"])], """
[[alerts]]
name = "Crimea, no Lavrov, no tourism"
all = ["Crimea"]
none = ["Lavrov", "tourism"]
""")
    assert fired(refresh(tmp_path, config)) == {
        ("Crimea, no Lavrov, no tourism", "Crimea talks stall over sequencing")}

    # The item loses its `none` term in a later version: it fires then.
    http_server.route("/feed.xml", rss([
        item(1, title="Crimea talks stall over sequencing"),
        item(2, title="Crimea: Кремль говорит о референдуме"),
        item(3, title="Crimea beach season opens", summary="Tourism officials are hopeful."),
    ]), content_type=FEED_TYPE)
    assert fired(refresh(tmp_path, config)) == {
        ("Crimea, no Lavrov, no tourism", "Crimea: Кремль говорит о референдуме")}


def test_categories_and_feed_restrictions_by_name_and_tag(tmp_path, http_server):
    http_server.route("/kyiv.xml", rss([
        item(1, title="Putin rejects the plan", guid="k1"),
        item(2, title="Shelling in Kherson overnight", guid="k2"),
        item(3, title="Energy prices rise", guid="k3"),
    ]), content_type=FEED_TYPE)
    http_server.route("/moscow.xml", rss([
        item(1, title="Putin meets the envoy", guid="m1"),
        item(2, title="Weather in Moscow", guid="m2"),
    ]), content_type=FEED_TYPE)
    config = write_config(tmp_path, [
        ("Kyiv Daily", http_server.url("/kyiv.xml"), ["en", "ua-media"]),
        ("Moscow Wire", http_server.url("/moscow.xml"), ["ru-media"]),
    ], """
[[alerts]]
name = "Any region"
categories = ["regions"]

[[alerts]]
name = "Putin at Moscow Wire"
all = ["Putin"]
feeds = ["Moscow Wire"]

[[alerts]]
name = "Putin in Ukrainian media"
all = ["Putin"]
feeds = ["ua-media"]
""")
    assert fired(refresh(tmp_path, config)) == {
        ("Any region", "Shelling in Kherson overnight"),
        ("Putin at Moscow Wire", "Putin meets the envoy"),
        ("Putin in Ukrainian media", "Putin rejects the plan"),
    }


def test_inflected_and_other_script_forms_fire(tmp_path, http_server):
    http_server.route("/feed.xml", rss([
        item(1, title="Росія не поверне Криму статус автономії", guid="uk1"),
        item(2, title="Путин встретился с Уиткоффом в Кремле", guid="ru1"),
        item(3, title="Selenskyj lehnt Gebietsabtretungen ab", guid="de1"),
        item(4, title="Переговоры с Ушаковым продолжатся", guid="ru2"),
        item(5, title="Gespräche mit Uschakow in Moskau", guid="de2"),
    ], language=None), content_type=FEED_TYPE)
    config = write_config(tmp_path, [("Wire", http_server.url("/feed.xml"), ["multi"])], """
[[alerts]]
name = "Crimea"
all = ["Crimea"]

[[alerts]]
name = "Witkoff"
all = ["Witkoff"]

[[alerts]]
name = "Zelensky"
all = ["Zelensky"]

[[alerts]]
name = "Ushakov"
all = ["Ushakov"]
""")
    assert fired(refresh(tmp_path, config)) == {
        ("Crimea", "Росія не поверне Криму статус автономії"),
        ("Witkoff", "Путин встретился с Уиткоффом в Кремле"),
        ("Zelensky", "Selenskyj lehnt Gebietsabtretungen ab"),
        ("Ushakov", "Переговоры с Ушаковым продолжатся"),
        ("Ushakov", "Gespräche mit Uschakow in Moskau"),
    }


def test_rules_whose_terms_overlap_each_fire(tmp_path, http_server):
    """Two rules naming one place in two languages, or one name inside a longer one, are two
    rules: each fires, whichever of them the shared matcher would prefer for the span."""
    http_server.route("/feed.xml", rss([
        item(1, title="Neue Gespräche über die Krim", guid="a"),
        item(2, title="Donald Trump meets envoys", guid="b"),
        item(3, title="Зеленский прибыл в Женеву", guid="c"),
    ], language=None), content_type=FEED_TYPE)
    config = write_config(tmp_path, [("Wire", http_server.url("/feed.xml"), ["multi"])], """
[[alerts]]
name = "Crimea (en)"
all = ["Crimea"]

[[alerts]]
name = "Krim (de)"
all = ["Krim"]

[[alerts]]
name = "Trump"
all = ["Trump"]

[[alerts]]
name = "Donald Trump"
all = ["Donald Trump"]

[[alerts]]
name = "Zelensky"
any = ["Zelensky"]

[[alerts]]
name = "Зеленский"
any = ["Зеленский"]
""")
    assert fired(refresh(tmp_path, config)) == {
        ("Crimea (en)", "Neue Gespräche über die Krim"),
        ("Krim (de)", "Neue Gespräche über die Krim"),
        ("Trump", "Donald Trump meets envoys"),
        ("Donald Trump", "Donald Trump meets envoys"),
        ("Zelensky", "Зеленский прибыл в Женеву"),
        ("Зеленский", "Зеленский прибыл в Женеву"),
    }


def test_summary_terms_count_and_rules_combine_across_fields(tmp_path, http_server):
    http_server.route("/feed.xml", rss([
        item(1, title="Geneva talks, day two", summary="Crimea and its recognition were raised."),
        item(2, title="Crimea on the table", summary="Diplomats speak of recognition."),
    ]), content_type=FEED_TYPE)
    config = write_config(tmp_path, [("Wire", http_server.url("/feed.xml"), ["en"])], RECOGNITION)
    assert {t for _, t in fired(refresh(tmp_path, config))} == {
        "Geneva talks, day two", "Crimea on the table"}


def test_a_new_process_or_a_changed_watchlist_on_the_same_cache_does_not_refire(
        tmp_path, http_server):
    http_server.route("/feed.xml", rss([
        item(1, title="US weighs recognition of Crimea as Russian"),
        item(2, title="Kherson: talks on recognition of the new line"),
    ]), content_type=FEED_TYPE)
    config = write_config(tmp_path, [("Wire", http_server.url("/feed.xml"), ["en"])],
                          RECOGNITION)
    assert len(refresh(tmp_path, config).alerts) == 1

    # Another process on the same cache: `wirewatch fetch --json`.
    out = subprocess.run(
        [sys.executable, "-m", "tui", "--config", str(config), "--cache", str(tmp_path / "cache"),
         "fetch", "--json"], capture_output=True, text=True, timeout=60,
        cwd=Path(__file__).resolve().parents[2])
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert [f["status"] for f in data["feeds"]] == ["ok"] and data["alerts"] == []

    # The watchlist changes (every stored item is re-matched) and a second rule appears, by
    # hand: the next process to open the cache evaluates every item against the changed rules
    # once, firing the new rule only, never the first one again.
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('"Zaporizhzhia"]', '"Zaporizhzhia", "Odesa"]') + """
[[alerts]]
name = "Kherson"
all = ["Kherson"]
""", encoding="utf-8")
    session = Session.open(str(config), str(tmp_path / "cache"))
    try:
        assert [(a, t) for a, t, *_ in stored_hits(tmp_path, config)] == [
            ("Crimea recognition", "US weighs recognition of Crimea as Russian"),
            ("Kherson", "Kherson: talks on recognition of the new line")]
        assert evaluate_all(session.store, session.rules) == []
    finally:
        session.close()
    report = refresh(tmp_path, config)
    assert [f.status for f in report.feeds] == ["ok"] and report.alerts == []
    assert [a for a, *_ in stored_hits(tmp_path, config)] == ["Crimea recognition", "Kherson"]


def test_a_feed_renamed_in_feeds_toml_keeps_its_items_marks_and_hits(tmp_path, http_server):
    """Feeds are named in feeds.toml; a new name for the same URL is the same feed. Its items
    move to the new name with their read marks and hits: the next fetch stores no copies and
    fires nothing again. A new feed at another URL is not taken for a rename."""
    http_server.route("/feed.xml", rss([
        item(1, title="US weighs recognition of Crimea as Russian"),
        item(2, title="Kherson: talks on the new line"),
    ]), content_type=FEED_TYPE)
    http_server.route("/other.xml", rss([item(7, title="Glaciers lose a record share")]),
                      content_type=FEED_TYPE)
    feed = http_server.url("/feed.xml")
    config = write_config(tmp_path, [("Wire", feed, ["en"])], RECOGNITION)
    assert len(refresh(tmp_path, config).alerts) == 1
    session = Session.open(str(config), str(tmp_path / "cache"))
    try:
        first = [tuple(r) for r in session.store.connection.execute(
            "SELECT id, uid FROM items ORDER BY id")]
        session.store.set_read([first[0][0]])
    finally:
        session.close()

    config = write_config(tmp_path, [("Wire World", feed, ["en"]),
                                     ("Other", http_server.url("/other.xml"), ["en"])],
                          RECOGNITION)
    report = refresh(tmp_path, config)
    assert report.alerts == [] and {(f.name, f.new) for f in report.feeds} == {
        ("Wire World", 0), ("Other", 1)}
    session = Session.open(str(config), str(tmp_path / "cache"))
    try:
        rows = [tuple(r) for r in session.store.connection.execute(
            "SELECT i.id, i.uid, i.feed, u.feed IS NULL FROM items i "
            "LEFT JOIN unread u ON u.item_id = i.id WHERE i.feed != 'Other' ORDER BY i.id")]
        assert rows == [(first[0][0], first[0][1], "Wire World", 1),
                        (first[1][0], first[1][1], "Wire World", 0)]
        assert session.store.connection.execute(      # its unread count moved with it
            "SELECT feed FROM unread WHERE item_id = ?", (first[1][0],)).fetchone()[0] \
            == "Wire World"
        assert set(session.store.feed_states()) == {"Wire World", "Other"}
    finally:
        session.close()
    assert [(a, t) for a, t, *_ in stored_hits(tmp_path, config)] == [
        ("Crimea recognition", "US weighs recognition of Crimea as Russian")]
