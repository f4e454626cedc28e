"""The command line end to end: real config files, a real cache, a loopback server."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.feedgen import config_text, item, rss
from tui.cli import main

ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def site(tmp_path, http_server):
    http_server.conditional("/en.xml", rss([
        item(1, title="Zelensky meets Witkoff in Geneva", summary="Talks on the 28-point plan."),
        item(2, title="Weather: a trump card for farmers", summary="Rain at last."),
        item(3, title="covid-19 figures fall", summary="Health ministry data."),
    ]), etag='"e1"')
    http_server.conditional("/de.xml", rss([
        item(10, title="Selenskyj trifft Witkoff", summary="Gespräche über Saporischschja."),
    ], language="de"), etag='"d1"')
    http_server.route("/broken.xml", "nope", status=500)
    config = tmp_path / "feeds.toml"
    config.write_text(config_text([("English", http_server.url("/en.xml")),
                                   ("Deutsch", http_server.url("/de.xml")),
                                   ("Broken", http_server.url("/broken.xml"))]), encoding="utf-8")
    return config


def test_check_summarises(capsys, site):
    code, out, _ = run(capsys, "--config", str(site), "check")
    assert code == 0 and "3 feeds" in out and "watch.regions: Crimea" in out


def test_check_names_the_line_of_a_mistake(capsys, tmp_path):
    bad = tmp_path / "feeds.toml"
    bad.write_text('[settings]\nrefresh_minutes = 15\n\n[[feeds]]\nname = "A"\nurl = "ftp://x"\n')
    code, out, err = run(capsys, "--config", str(bad), "check")
    assert code == 2 and out == ""
    assert err.strip() == "feeds.toml:6:1: feed 'A': not an http(s) URL (scheme ftp) ('ftp://x')"


def test_missing_config_is_a_usage_error(capsys, tmp_path):
    code, _, err = run(capsys, "--config", str(tmp_path / "nope.toml"), "fetch")
    assert code == 2 and "no such file" in err and "Traceback" not in err


def test_fetch_json_reports_every_feed_and_exit_0_despite_a_failure(capsys, site):
    code, out, _ = run(capsys, "--config", str(site), "fetch", "--json")
    data = json.loads(out)
    assert code == 0
    by_name = {f["name"]: f for f in data["feeds"]}
    assert set(by_name["English"]) >= {"name", "url", "status", "http_status", "new", "updated",
                                       "error", "seconds"}
    assert by_name["English"]["status"] == "ok" and by_name["English"]["new"] == 3
    assert by_name["Broken"]["status"] == "error" and by_name["Broken"]["http_status"] == 500
    assert isinstance(data["seconds"], float) and data["alerts"] == []
    code, out, _ = run(capsys, "--config", str(site), "fetch", "--json")
    statuses = {f["name"]: f["status"] for f in json.loads(out)["feeds"]}
    assert statuses["English"] == "not_modified"


def test_headlines_json_has_matches_in_every_spelling(capsys, site):
    run(capsys, "--config", str(site), "fetch")
    code, out, _ = run(capsys, "--config", str(site), "headlines", "--json", "--limit", "0")
    items = json.loads(out)["items"]
    assert code == 0 and len(items) == 4
    first = items[0]
    assert set(first) >= {"id", "feed", "title", "url", "published", "versions", "alerts", "matches"}
    assert first["published"].endswith("Z")
    by_title = {i["title"]: i for i in items}
    german = by_title["Selenskyj trifft Witkoff"]["matches"]
    assert {(m["name"], m["text"], m["field"]) for m in german} >= {
        ("Zelensky", "Selenskyj", "title"), ("Witkoff", "Witkoff", "title"),
        ("Zaporizhzhia", "Saporischschja", "summary")}
    assert by_title["Weather: a trump card for farmers"]["matches"] == []


def test_headlines_filters(capsys, site):
    run(capsys, "--config", str(site), "fetch")

    def titles(*args):
        code, out, _ = run(capsys, "--config", str(site), "headlines", "--json", *args)
        assert code == 0
        return {i["title"] for i in json.loads(out)["items"]}

    assert titles("--match", "Zelensky") == {"Zelensky meets Witkoff in Geneva",
                                             "Selenskyj trifft Witkoff"}
    assert titles("--match", "regions") == {"Selenskyj trifft Witkoff"}
    assert titles("--feed", "Deutsch") == {"Selenskyj trifft Witkoff"}
    assert titles("--search", "covid-19") == {"covid-19 figures fall"}
    assert titles("--search", '"') == set()
    assert len(titles("--limit", "2")) == 2
    code, _, err = run(capsys, "--config", str(site), "headlines", "--feed", "Nope")
    assert code == 2 and "Nope" in err


def test_headlines_text_output(capsys, site):
    run(capsys, "--config", str(site), "fetch")
    code, out, _ = run(capsys, "--config", str(site), "headlines")
    assert code == 0
    line = next(l for l in out.splitlines() if "Selenskyj" in l)
    assert "*" in line and "Deutsch" in line


def test_export_opml_of_a_feed_named_with_an_escaped_control_character(capsys, tmp_path, site):
    """A bell typed into feeds.toml as an escape: the export is still a file OPML readers
    (wirewatch's own import included) open."""
    from tui.core.ingest.opml import read_opml

    text = site.read_text(encoding="utf-8")
    first = text.split('name = "', 1)[1].split('"', 1)[0]
    rung = tmp_path / "rung.toml"
    rung.write_text(text.replace(f'name = "{first}"', f'name = "{first}\\u0007"', 1),
                    encoding="utf-8")
    code, out, _ = run(capsys, "--config", str(rung), "export-opml")
    assert code == 0 and "\x07" not in out
    assert first in [feed.name for feed in read_opml(out.encode())]


def test_opml_round_trip_keeps_comments(capsys, tmp_path, site):
    code, out, _ = run(capsys, "--config", str(site), "export-opml")
    assert code == 0 and out.count("<outline") == 3
    opml = tmp_path / "other.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head/><body>'
        '<outline text="Ukraine"><outline text="Ukrinform &amp; Co" xmlUrl="https://www.ukrinform.net/rss"/>'
        '<outline text="bad" xmlUrl="javascript:alert(1)"/></outline></body></opml>')
    target = tmp_path / "mine.toml"
    target.write_text("# my feeds\n" + site.read_text(encoding="utf-8"), encoding="utf-8")
    code, out, err = run(capsys, "--config", str(target), "import-opml", str(opml))
    assert code == 0 and "1 feed added" in out
    assert err == (f'{opml}: skipped "bad" (javascript:alert(1)): not an http(s) URL '
                   "(scheme javascript)\n")
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# my feeds\n")
    assert 'name = "Ukrinform & Co"' in text and 'tags = ["ukraine"]' in text
    code, _, _ = run(capsys, "--config", str(target), "check")
    assert code == 0


def test_bad_opml_is_a_clear_error(capsys, tmp_path, site):
    junk = tmp_path / "junk.opml"
    junk.write_text("<html>no</html>")
    code, _, err = run(capsys, "--config", str(site), "import-opml", str(junk))
    assert code == 2 and "not an OPML file" in err


def test_python_dash_m_tui_is_the_same_program(site):
    proc = subprocess.run([sys.executable, "-m", "tui", "--config", str(site), "check"],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0 and "3 feeds" in proc.stdout


def test_the_program_leaves_at_once_with_all_its_output_and_its_status(tmp_path):
    """The program ends with os._exit once a command is done (tui.cli.run): what is still
    buffered must be out first (a file is block-buffered: 8 kB), and the status must be the
    command's."""
    config = tmp_path / "feeds.toml"
    config.write_text(config_text([(f"Feed {n}", f"http://127.0.0.1:9/{n}.xml")
                                   for n in range(2_000)]), encoding="utf-8")
    opml = tmp_path / "feeds.opml"
    with opml.open("wb") as out:
        proc = subprocess.run([sys.executable, "-m", "tui", "--config", str(config),
                               "export-opml"], stdout=out, stderr=subprocess.PIPE, cwd=ROOT,
                              timeout=60)
    assert proc.returncode == 0, proc.stderr
    text = opml.read_text(encoding="utf-8")
    assert len(text) > 100_000 and text.rstrip().endswith("</opml>")
    assert text.count('text="Feed ') == 2_000
    proc = subprocess.run([sys.executable, "-m", "tui", "--config", str(config), "check"],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0 and "2000 feeds" in proc.stdout     # a few lines: all buffered
    proc = subprocess.run([sys.executable, "-m", "tui", "--config", str(tmp_path / "none.toml"),
                           "check"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1 and "none.toml" in proc.stderr


def test_unknown_item_is_exit_1_one_line(capsys, site):
    code, _, err = run(capsys, "--config", str(site), "article", "zzzzzzzzzz")
    assert code == 1 and len(err.strip().splitlines()) == 1


def test_columns_line_up_whatever_script_a_feed_is_named_in(capsys, tmp_path, http_server):
    """A Japanese feed name takes two terminal cells a character: padded by characters, the
    titles after it started further right than those of the other feeds (and a long name
    cut at 18 characters took 36 cells)."""
    from tui.cli.render import cells

    http_server.route("/ja.xml", rss([item(1, title="Witkoff in Tokyo")]),
                      content_type="application/rss+xml")
    http_server.route("/en.xml", rss([item(2, title="Witkoff in Geneva", hours_ago=2)]),
                      content_type="application/rss+xml")
    config = tmp_path / "feeds.toml"
    config.write_text(config_text([("東京新聞ワールドニュース速報版", http_server.url("/ja.xml")),
                                   ("English", http_server.url("/en.xml"))]), encoding="utf-8")
    code, out, _ = run(capsys, "--config", str(config), "fetch")
    assert code == 0
    fetched = [line for line in out.splitlines() if "new," in line]
    assert len({cells(line.split("new,")[0].rsplit("  ", 1)[0]) for line in fetched}) == 1
    code, out, _ = run(capsys, "--config", str(config), "headlines")
    starts = [cells(line.split("Witkoff")[0]) for line in out.splitlines() if "Witkoff" in line]
    assert len(starts) == 2 and starts[0] == starts[1]
