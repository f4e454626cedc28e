"""`article`, `diff`, `compare` and `related` through the real command line, over caches the
real `fetch` filled from the bundled demo site (six outlets in four languages, wire copy,
unrelated sport, weather and tech items) and from a small loopback outlet.

Most calls run `tui.cli.main` in this process (fast); the ones about exit status, stderr and
"no traceback" run `python -m tui` in a subprocess, as a user would.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.feedgen import config_text, item, rss
from tui.cli import main
from tui.demo import DemoSite
from tui.demo.content import load_outlets, state_at

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "tests" / "data" / "pages"
ISO_UTC = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"


def demo_title(key: str, stage: int = 0) -> str:
    slug, item_id = key.split("/")
    outlet = next(o for o in load_outlets() if o.slug == slug)
    return state_at(outlet, next(i for i in outlet.items if i.id == item_id), stage).title


class Cache:
    """One config + cache folder, with the CLI run against it."""

    def __init__(self, config: Path, cache: Path) -> None:
        self.config, self.cache = config, cache

    def argv(self, *args: str) -> list[str]:
        return ["--config", str(self.config), "--cache", str(self.cache), *args]

    def run(self, capsys, *args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        status = main(self.argv(*args))
        out, err = capsys.readouterr()
        return status, out, err

    def json(self, capsys, *args: str) -> dict:
        status, out, err = self.run(capsys, *args, "--json")
        assert status == 0, err
        return json.loads(out)

    def subprocess(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "tui", *self.argv(*args)], cwd=ROOT,
                              capture_output=True, text=True, timeout=60)

    def ids(self, capsys) -> dict[str, str]:
        """Title -> id, from `headlines --json`; the copy of a wire story is keyed by feed too."""
        found: dict[str, str] = {}
        for entry in self.json(capsys, "headlines", "--limit", "0")["items"]:
            found.setdefault(entry["title"], entry["id"])
            found[f"{entry['feed']}: {entry['title']}"] = entry["id"]
        return found


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo site fetched once at stage 0 (cache `before`), then a copy of that cache
    fetched again after the site's first round of edits (cache `after`)."""
    folder = tmp_path_factory.mktemp("demo")
    with DemoSite(advance_every=None) as site:
        config = folder / "feeds.toml"
        config.write_text(site.config_toml(), encoding="utf-8")
        before = Cache(config, folder / "before")
        assert main(before.argv("fetch")) == 0
        after = Cache(config, folder / "after")
        shutil.copytree(before.cache, after.cache)
        site.advance()
        assert main(after.argv("fetch")) == 0
        yield before, after


@pytest.fixture
def before(demo):
    return demo[0]


@pytest.fixture
def after(demo):
    return demo[1]


GENEVA = "harbor-wire/geneva-plan"


# --- article --------------------------------------------------------------------------------

def test_article_json_has_the_fields_of_the_spec(before, capsys):
    uid = before.ids(capsys)[f"Harbor Wire: {demo_title(GENEVA)}"]
    data = before.json(capsys, "article", uid)
    assert set(data) >= {"id", "feed", "title", "url", "published", "text", "text_source",
                         "versions", "matches"}
    assert (data["id"], data["feed"], data["title"]) == (uid, "Harbor Wire", demo_title(GENEVA))
    assert data["url"].startswith("http://127.0.0.1:") and data["url"].endswith(".html")
    assert re.match(ISO_UTC, data["published"])
    assert data["text_source"] == "page" and data["versions"] == 1
    assert "Army Secretary Dan Driscoll" in data["text"]            # from the page body
    assert "cookies" not in data["text"] and "Accept all" not in data["text"]
    names = {(m["name"], m["field"]) for m in data["matches"]}
    assert {("Rubio", "summary"), ("Yermak", "summary"), ("Dmitriev", "text"),
            ("Zaporizhzhia", "text"), ("Zelensky", "text")} <= names
    for match in data["matches"]:
        assert set(match) >= {"name", "category", "text", "field"}
        if match["field"] == "text":
            assert data["text"][match["start"]:match["end"]] == match["text"]


def test_article_text_marks_the_watched_names(before, capsys):
    uid = before.ids(capsys)[f"Harbor Wire: {demo_title(GENEVA)}"]
    status, out, err = before.run(capsys, "article", uid[:6])      # a unique prefix will do
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == demo_title(GENEVA)
    assert "Harbor Wire" in lines[1] and "text from page" in lines[1]
    assert "⟦Witkoff⟧" in out and "⟦Kirill Dmitriev⟧" in out
    assert "\x1b" not in out                                       # a pipe gets no ANSI


def test_article_puts_the_feeds_summary_above_a_page_text_that_lacks_it(before, capsys):
    uid = before.ids(capsys)[f"Harbor Wire: {demo_title(GENEVA)}"]
    data = before.json(capsys, "article", uid)
    assert data["summary"].startswith("Delegations led by Secretary of State Marco Rubio")
    assert data["summary"] not in data["text"]
    status, out, _ = before.run(capsys, "article", uid)
    head, lead, body = out.split("\n\n", 2)
    assert head.splitlines()[-1] == data["url"]
    assert lead == ("Delegations led by Secretary of State Marco ⟦Rubio⟧ and Kyiv's chief "
                    "negotiator Andriy ⟦Yermak⟧ met in Geneva to discuss a US-drafted plan to "
                    "end the war.")
    assert body.startswith("GENEVA (Harbor Wire)")


def test_piped_article_marks_names_with_brackets_no_language_quotes_with(before, capsys):
    """Russian text quotes with «guillemets»: the marks for names must not look like them."""
    uid = before.ids(capsys)["Переговоры в Женеве: что известно о встрече делегаций США и Украины"]
    status, out, _ = before.run(capsys, "article", uid)
    assert status == 0
    assert "«реалий на земле»" in out                              # the outlet's own quotes
    marked = re.findall(r"⟦([^⟧]*)⟧", out)
    names = {m["text"] for m in before.json(capsys, "article", uid)["matches"]
             if m["field"] == "text"}
    assert {"Запорожье", "Херсон", "Донецк"} <= set(marked)
    assert set(marked) <= names                                    # nothing else is marked


def test_article_on_a_terminal_colours_names_in_their_categorys_colour(before, capsys):
    uid = before.ids(capsys)[f"Harbor Wire: {demo_title(GENEVA)}"]
    out = _on_a_terminal(before.argv("article", uid))
    assert "\x1b[1;36mWitkoff\x1b[0m" in out                       # negotiators: cyan
    assert "\x1b[1;38;5;214mZaporizhzhia\x1b[0m" in out            # regions: orange1
    assert "⟦" not in out
    plain = _on_a_terminal(before.argv("article", uid), NO_COLOR="1")
    assert "\x1b[" not in plain and "⟦Witkoff⟧" in plain


def _on_a_terminal(argv: list[str], **env: str) -> str:
    """What `wirewatch ARGV` writes when its stdout is a terminal (a pseudo-terminal)."""
    import os
    import pty

    leader, follower = pty.openpty()
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLORTERM")}
    environ.update(TERM="xterm-256color", COLUMNS="120", **env)
    proc = subprocess.Popen([sys.executable, "-m", "tui", "--offline", *argv], cwd=ROOT,
                            stdout=follower, stderr=subprocess.PIPE, env=environ)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:                                            # EIO: the writer is gone
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert proc.wait(timeout=60) == 0, proc.stderr.read()
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def test_article_of_a_cyrillic_item_matches_in_its_own_script(before, capsys):
    uid = before.ids(capsys)["В Кремле ждут Уиткоффа на следующей неделе"]
    data = before.json(capsys, "article", uid)
    witkoff = [m for m in data["matches"] if m["name"] == "Witkoff"]
    assert witkoff and all(m["text"].startswith("Уиткофф") for m in witkoff)


# --- diff -----------------------------------------------------------------------------------

def test_diff_json_defaults_to_the_last_two_versions(after, capsys):
    uid = after.ids(capsys)[demo_title(GENEVA, 1)]
    data = after.json(capsys, "diff", uid)
    assert data["left"]["version"] == 1 and data["right"]["version"] == 2
    assert data["left"]["id"] == data["right"]["id"] == uid
    assert (data["left"]["title"], data["right"]["title"]) == (demo_title(GENEVA, 0),
                                                               demo_title(GENEVA, 1))
    rows = data["rows"]
    assert all(set(r) >= {"op", "left", "right"} for r in rows)
    assert {r["op"] for r in rows} <= {"equal", "replace", "delete", "insert"}
    # The headline is one replace row, side by side, first.
    assert (rows[0]["op"], rows[0]["left"], rows[0]["right"]) == (
        "replace", demo_title(GENEVA, 0), demo_title(GENEVA, 1))
    changed = [r for r in rows[2:] if r["op"] != "equal"]
    assert any("28-point plan" in r["left"] and "19 points" in r["right"] for r in changed)
    assert any("Questions on territory were left" in r["right"] for r in changed)
    assert any(r["op"] == "equal" and "Army Secretary Dan Driscoll" in r["left"] for r in rows)
    # Both texts, in full: what the rows were made from.
    assert "28-point plan" in data["left"]["text"] and "19 points" in data["right"]["text"]
    assert after.json(capsys, "diff", uid, "--from", "1", "--to", "2") == data


def test_diff_of_a_version_with_itself_is_all_equal(after, capsys):
    uid = after.ids(capsys)[demo_title(GENEVA, 1)]
    data = after.json(capsys, "diff", uid, "--from", "2", "--to", "2")
    assert data["rows"] and {r["op"] for r in data["rows"]} == {"equal"}


def test_diff_text_is_side_by_side_with_the_changes_marked(after, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")                      # columns of 97 characters
    uid = after.ids(capsys)[demo_title(GENEVA, 1)]
    status, out, err = after.run(capsys, "diff", uid)
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split("|")[0].strip() == "Harbor Wire v1"
    assert lines[0].split("|")[1].strip() == "Harbor Wire v2"
    assert all(len(line) <= 200 for line in lines)
    bar = lines[0].index(" | ")                                     # the column divider
    left = " ".join(line[2:bar].strip() for line in lines[2:] if len(line) > bar)
    right = " ".join(line[bar + 3:].strip() for line in lines[2:] if len(line) > bar)
    assert "discuss a US-drafted [-28-point-] plan" in left          # removed words
    assert "{+Questions on territory were left for Zelensky and Trump" in right  # added
    assert any(line.startswith("~ ") for line in lines)              # a replaced unit
    assert re.fullmatch(r"\d+ changed(, \d+ (added|removed|moved))* \(\+\d+/-\d+ words\)",
                        lines[-1])


def test_diff_of_an_unedited_item_has_one_version(before, capsys):
    uid = before.ids(capsys)[demo_title("harbor-wire/lavrov-plan")]
    data = before.json(capsys, "diff", uid)
    assert (data["left"]["version"], data["right"]["version"]) == (1, 1)


def test_diff_text_of_an_unedited_item_says_it_has_one_version(before, capsys):
    """As the diff screen says it: "no changes" read as if the item had been checked against
    an older version and found unchanged."""
    uid = before.ids(capsys)[demo_title("harbor-wire/lavrov-plan")]
    status, out, _ = before.run(capsys, "diff", uid)
    assert status == 0
    assert out.splitlines()[-1] == "one version so far: nothing to compare it with yet"


# --- compare --------------------------------------------------------------------------------

def test_compare_json_puts_two_outlets_side_by_side(before, capsys):
    ids = before.ids(capsys)
    harbor = ids[f"Harbor Wire: {demo_title(GENEVA)}"]
    kestrel = ids[demo_title("kestrel/geneva-talks")]
    data = before.json(capsys, "compare", harbor, kestrel)
    assert (data["left"]["id"], data["right"]["id"]) == (harbor, kestrel)
    assert (data["left"]["title"], data["right"]["title"]) == (
        demo_title(GENEVA), demo_title("kestrel/geneva-talks"))
    assert data["rows"][0]["op"] == "replace"           # the two headlines, side by side
    assert {r["op"] for r in data["rows"]} <= {"equal", "replace", "delete", "insert"}
    joined_left = " ".join(r["left"] for r in data["rows"])
    joined_right = " ".join(r["right"] for r in data["rows"])
    assert "Army Secretary Dan Driscoll" in joined_left
    assert "Switzerland" in joined_right or "Geneva" in joined_right


def test_compare_of_wire_copy_is_almost_all_equal(before, capsys):
    ids = before.ids(capsys)
    original = ids[f"Harbor Wire: {demo_title(GENEVA)}"]
    copy = ids[f"Kestrel Public Broadcasting: {demo_title(GENEVA)}"]
    rows = before.json(capsys, "compare", original, copy)["rows"]
    equal = sum(r["op"] == "equal" for r in rows)
    assert equal >= len(rows) - 1


def changed_words(row: dict) -> tuple[list[str], list[str]]:
    """The words a row's `left_changes` / `right_changes` point at, as a script reads them."""
    return ([row["left"][s:e] for s, e in row["left_changes"]],
            [row["right"][s:e] for s, e in row["right_changes"]])


def kept_tokens(text: str, spans: list[list[int]]) -> list[str]:
    """The words of `text` outside the changed spans."""
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + " " + text[end:]
    return re.findall(r"\w+|[^\w\s]", text)


def assert_spans_are_the_changed_words(rows: list[dict]) -> None:
    """Every replaced row: spans inside its text, never cutting a word, and what lies outside them is
    the same on both sides. Equal rows, and inserted or deleted ones (changed whole), carry none."""
    for row in rows:
        assert isinstance(row["left_changes"], list) and isinstance(row["right_changes"], list)
        if row["op"] == "equal" or (row["op"] != "replace" and not row.get("moved")):
            assert row["left_changes"] == row["right_changes"] == []
        if row["op"] != "replace":
            continue
        for side in ("left", "right"):
            text = row[side]
            for start, end in row[f"{side}_changes"]:
                assert 0 <= start < end <= len(text)
                assert text[start:end] == text[start:end].strip()
                # never a piece of a word (a span may start at punctuation after one: ", with")
                assert start == 0 or not (text[start - 1].isalnum() and text[start].isalnum())
                assert end == len(text) or not (text[end - 1].isalnum() and text[end].isalnum())
        assert row["left_changes"] or row["right_changes"]
        assert kept_tokens(row["left"], row["left_changes"]) == \
            kept_tokens(row["right"], row["right_changes"])


def test_diff_json_rows_say_which_words_changed_in_a_replaced_paragraph(after, capsys):
    uid = after.ids(capsys)[demo_title(GENEVA, 1)]
    rows = after.json(capsys, "diff", uid)["rows"]
    [row] = [r for r in rows if r["op"] == "replace" and r["left"].startswith("GENEVA (Harbor Wire)")]
    left, right = changed_words(row)
    assert "28-point" in left and "28-point" not in row["right"]
    assert any("19 points" in words for words in right)
    # The headline row too: a script can tell "28-point" went and "19 points" came.
    headline = rows[0]
    assert headline["op"] == "replace"
    assert any("28-point" in w for w in changed_words(headline)[0])
    assert any("19 points" in w for w in changed_words(headline)[1])
    assert_spans_are_the_changed_words(rows)


def test_compare_json_rows_carry_the_changed_words_too(before, capsys):
    ids = before.ids(capsys)
    harbor = ids[f"Harbor Wire: {demo_title(GENEVA)}"]
    kestrel = ids[demo_title("kestrel/geneva-talks")]
    rows = before.json(capsys, "compare", harbor, kestrel)["rows"]
    replaced = [r for r in rows if r["op"] == "replace"]
    assert replaced and all(r["left_changes"] or r["right_changes"] for r in replaced)
    assert_spans_are_the_changed_words(rows)


# --- related --------------------------------------------------------------------------------

def test_related_json_finds_the_other_outlets_and_labels_wire_copy(before, capsys):
    ids = before.ids(capsys)
    uid = ids[f"Harbor Wire: {demo_title(GENEVA)}"]
    found = before.json(capsys, "related", uid)["items"]
    assert found, "no related coverage found"
    for entry in found:
        assert set(entry) >= {"id", "feed", "title", "score"}
        assert entry["feed"] != "Harbor Wire"                     # other outlets only
        assert entry["id"] != uid
    scores = [entry["score"] for entry in found]
    assert scores == sorted(scores, reverse=True)
    by_feed_title = {(e["feed"], e["title"]): e for e in found}
    copy = by_feed_title[("Kestrel Public Broadcasting", demo_title(GENEVA))]
    assert copy["wire_copy"] is True and copy is found[0]
    assert not any(e["wire_copy"] for e in found if e is not copy)
    feeds = {e["feed"] for e in found}
    # The same story in German, Ukrainian and Russian, found through the watched names.
    assert {"Der Tageskompass", "Степова хроніка", "Свободный берег"} <= feeds
    titles = {e["title"] for e in found}
    assert demo_title("kestrel/geneva-talks") in titles
    for unrelated in ("Oil steadies", "Gales and heavy rain", "Late equaliser", "Sonntagskrimi",
                      "Low-power laptop", "Streamers break", "Qualifier stuns"):
        assert not any(t.startswith(unrelated) for t in titles), unrelated


def test_related_of_an_item_with_no_story_elsewhere_is_empty(before, capsys):
    ids = before.ids(capsys)
    for title in ("Gales and heavy rain expected as first winter storm arrives",
                  "Late equaliser earns ten men a draw in the river derby"):
        assert before.json(capsys, "related", ids[title])["items"] == []
    status, out, _ = before.run(capsys, "related", ids["Gales and heavy rain expected as first "
                                                      "winter storm arrives"])
    assert status == 0 and out.strip() == "no related coverage in the cache"


def test_related_text_lists_score_feed_title_and_the_wire_label(before, capsys):
    uid = before.ids(capsys)[f"Harbor Wire: {demo_title(GENEVA)}"]
    status, out, _ = before.run(capsys, "related", uid)
    assert status == 0
    first = out.splitlines()[0]
    assert "Kestrel" in first and "(wire copy)" in first and demo_title(GENEVA) in first


# --- on demand and fallback (a loopback outlet with full_text = "never") -------------------

@pytest.fixture
def small(tmp_path, http_server):
    page = (PAGES / "en_article.html").read_bytes()
    http_server.route("/geneva.html", page, content_type="text/html; charset=utf-8")
    http_server.route("/gone.html", "Not Found", status=404)
    http_server.route("/feed.xml", rss([
        item(1, title="Envoys return to Geneva as 28-point plan faces Ukrainian objections",
             summary="Negotiators reconvene in Geneva on Sunday.",
             link=http_server.url("/geneva.html"), guid="urn:geneva"),
        item(2, title="Rubio to join Geneva talks on Monday", summary="The secretary of state "
             "is expected in Geneva.", link=http_server.url("/gone.html"), guid="urn:gone",
             content="<p>Marco Rubio is expected to join the talks on Monday.</p>"),
    ]), content_type="application/rss+xml")
    config = tmp_path / "feeds.toml"
    config.write_text(config_text([("Harbor Wire", http_server.url("/feed.xml"))],
                                  settings='full_text = "never"'), encoding="utf-8")
    cache = Cache(config, tmp_path / "cache")
    assert main(cache.argv("fetch")) == 0
    assert http_server.requests_to("/geneva.html") == []
    return cache, http_server


def test_article_fetches_and_extracts_a_page_on_demand(small, capsys):
    cache, server = small
    uid = cache.ids(capsys)["Envoys return to Geneva as 28-point plan faces Ukrainian objections"]
    data = cache.json(capsys, "article", uid)
    assert len(server.requests_to("/geneva.html")) == 1
    assert data["text_source"] == "page"
    assert "written amendments to eleven of the points" in data["text"]
    assert "cookies" not in data["text"]
    # Cached now: opening it again reads no page.
    assert cache.json(capsys, "article", uid)["text"] == data["text"]
    assert len(server.requests_to("/geneva.html")) == 1


def test_article_offline_shows_the_feed_text_without_fetching(small, capsys):
    cache, server = small
    uid = cache.ids(capsys)["Envoys return to Geneva as 28-point plan faces Ukrainian objections"]
    status, out, err = cache.run(capsys, "--offline", "article", uid, "--json")
    assert status == 0, err
    data = json.loads(out)
    assert (data["text_source"], data["text"]) == ("feed", "Negotiators reconvene in Geneva on Sunday.")
    assert server.requests_to("/geneva.html") == []


def test_article_falls_back_to_the_feeds_content_when_the_page_fails(small, capsys):
    cache, server = small
    uid = cache.ids(capsys)["Rubio to join Geneva talks on Monday"]
    data = cache.json(capsys, "article", uid)
    assert len(server.requests_to("/gone.html")) == 1
    assert data["text_source"] == "feed"
    assert data["text"] == "Marco Rubio is expected to join the talks on Monday."


# --- what the page gives: tables, short notices, lists of links ---------------------------

@pytest.fixture
def pages(tmp_path, http_server):
    """A loopback outlet with full_text = "never" whose article pages are hard to read: a
    story laid out in a table, a reprint notice above a story, and a page of links."""
    served = {"table": "table_layout.html", "notice": "reprint_notice.html", "links": "topic_links.html"}
    entries = []
    for n, (key, name) in enumerate(served.items(), start=1):
        http_server.route(f"/{name}", (PAGES / name).read_bytes(), content_type="text/html; charset=utf-8")
        entries.append(item(n, title=f"Item {key}", summary=f"The feed's summary of {key}.",
                            link=http_server.url(f"/{name}"), guid=f"urn:{key}"))
    http_server.route("/feed.xml", rss(entries), content_type="application/rss+xml")
    config = tmp_path / "feeds.toml"
    config.write_text(config_text([("Frontier", http_server.url("/feed.xml"))],
                                  settings='full_text = "never"'), encoding="utf-8")
    cache = Cache(config, tmp_path / "cache")
    assert main(cache.argv("fetch")) == 0
    return cache


def test_article_reads_a_story_laid_out_in_a_table(pages, capsys):
    cache = pages
    data = cache.json(capsys, "article", cache.ids(capsys)["Item table"])
    assert (data["text_source"], data["text_note"]) == ("page", None)
    paragraphs = data["text"].split("\n\n")
    assert any(p.startswith("A ceasefire along the current front line") for p in paragraphs)
    assert any(p.startswith("For now the delegations have agreed only to keep talking.") for p in paragraphs)
    assert "Archive" not in data["text"]


def test_article_takes_the_story_not_the_reprint_notice_above_it(pages, capsys):
    cache = pages
    data = cache.json(capsys, "article", cache.ids(capsys)["Item notice"])
    assert (data["text_source"], data["text_note"]) == ("page", None)
    assert data["text"].startswith("Shares of the largest grain trading houses slipped on Tuesday")
    assert "non-commercial use" not in data["text"]


def test_article_says_why_a_page_of_links_was_not_used(pages, capsys):
    cache = pages
    uid = cache.ids(capsys)["Item links"]
    why = "the page's text is mostly links (an index or a list page)"
    data = cache.json(capsys, "article", uid)
    assert (data["text_source"], data["text"], data["text_note"]) == (
        "feed", "The feed's summary of links.", why)
    status, out, err = cache.run(capsys, "article", uid)
    assert status == 0 and err == ""
    assert f"(not the page's text: {why})" in out.splitlines()


# --- errors ---------------------------------------------------------------------------------

def _one_clean_line(result) -> str:
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_unknown_ids_and_versions_exit_1_with_one_line(before, after, capsys):
    uid = after.ids(capsys)[demo_title(GENEVA, 1)]
    for args in (("article", "zzzzzzzzzz"), ("diff", "zzzzzzzzzz"), ("related", "zzzzzzzzzz"),
                 ("compare", uid, "zzzzzzzzzz"), ("diff", uid, "--to", "3"),
                 ("diff", uid, "--from", "0"), ("diff", uid, "--from", "5", "--to", "1")):
        status, out, err = after.run(capsys, *args)
        assert status == 1, args
        assert out == "" and len(err.strip().splitlines()) == 1 and "Traceback" not in err
        assert err.startswith("wirewatch: ")
    status, _, err = after.run(capsys, "diff", uid, "--to", "3")
    assert "1..2" in err and "3" in err


def test_errors_in_a_real_process(after, capsys):
    uid = after.ids(capsys)[demo_title(GENEVA, 1)]
    missing = after.subprocess("article", "nosuchitem")
    assert missing.returncode == 1 and missing.stdout == ""
    assert "nosuchitem" in _one_clean_line(missing)
    bad_version = after.subprocess("diff", uid, "--from", "1", "--to", "9", "--json")
    assert bad_version.returncode == 1 and bad_version.stdout == ""
    assert "9" in _one_clean_line(bad_version)
    usage = after.subprocess("diff", uid, "--from", "one")
    assert usage.returncode == 2 and "Traceback" not in usage.stderr
    ok = after.subprocess("diff", uid, "--json")
    assert ok.returncode == 0 and json.loads(ok.stdout)["right"]["version"] == 2
