"""`wirewatch alert add/rm`, `alerts --json` and `watch`, on a hand-commented feeds.toml and a
loopback news site. Edits must change the rule's own lines and nothing else."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.support.feedgen import item, rss
from tests.support.processes import dump_and_kill
from tui.cli import build_parser, main
from tui.core.config.load import load_config

ROOT = Path(__file__).resolve().parents[2]

COMMENTED = """\
# wirewatch configuration for the peace-talks desk
# (edited by hand; keep the comments)

[settings]
refresh_minutes = {refresh}        # background refresh period
timeout_seconds = 5         # total deadline
full_text = "never"         # no article pages here

# --- feeds -------------------------------------------------------------
[[feeds]]
name = "Harbor Wire"        # unique
url = "{wire}"
tags = ["en", "wire"]

[[feeds]]
# the German one
name = "Tagesschau"
url = "{de}"
tags = ["de"]
language = "de"

# --- what we watch -----------------------------------------------------
[watch.regions]             # orange in the dashboard
color = "orange1"
terms = ["Crimea", "Donetsk",   # the two that matter most
         "Kherson"]

[watch.negotiators]
terms = ["Witkoff", "Lavrov", {{ name = "Dmitriev", aliases = ["Kirill Dmitriev"] }}]

# --- alerts ------------------------------------------------------------
[[alerts]]
# the one the desk asked for
name = "Crimea recognition"
all = ["Crimea"]            # every one of these must match
any = ["recognition", "recognize", "recognise"]
notify = ["toast", "bell"]

[[alerts]]
name = "Lavrov"             # anything he says
all = ["Lavrov"]

# --- keys --------------------------------------------------------------
[keys]
quit = "q"                  # the default, spelled out
"""

CRIMEA_BLOCK = """\
[[alerts]]
# the one the desk asked for
name = "Crimea recognition"
all = ["Crimea"]            # every one of these must match
any = ["recognition", "recognize", "recognise"]
notify = ["toast", "bell"]

"""
LAVROV_BLOCK = """\
[[alerts]]
name = "Lavrov"             # anything he says
all = ["Lavrov"]

"""


def commented(tmp_path: Path, *, wire="http://127.0.0.1:9/wire.xml",
              de="http://127.0.0.1:9/de.xml", refresh="15") -> Path:
    path = tmp_path / "feeds.toml"
    path.write_bytes(COMMENTED.format(wire=wire, de=de, refresh=refresh).encode("utf-8"))
    return path


def run(config: Path, *argv: str) -> int:
    full = ["--config", str(config), "--cache", str(config.parent / "cache"), *argv]
    # Parsed first: a command the parser loses would start the dashboard, and hang the test.
    assert build_parser().parse_args(full).command == argv[0], f"{argv[:2]} is not parsed as such"
    return main(full)


def test_alert_add_inserts_only_the_rule_and_rm_gives_the_same_bytes_back(tmp_path, capsys):
    config = commented(tmp_path)
    original = config.read_bytes()
    assert run(config, "alert", "add", "Kherson offensive", "--all", "Kherson",
               "--any", "offensive", "--any", "counteroffensive", "--none", "football",
               "--category", "regions", "--feed", "wire", "--feed", "Tagesschau",
               "--notify", "toast", "--notify", "command",
               "--command", "notify-me", "$(touch pwned)") == 0
    assert "'Kherson offensive' added to" in capsys.readouterr().out
    block = (
        '[[alerts]]\n'
        'name = "Kherson offensive"\n'
        'all = ["Kherson"]\n'
        'any = ["offensive", "counteroffensive"]\n'
        'none = ["football"]\n'
        'categories = ["regions"]\n'
        'feeds = ["wire", "Tagesschau"]\n'
        'notify = ["toast", "command"]\n'
        'command = ["notify-me", "$(touch pwned)"]\n'
        '\n')
    text = original.decode("utf-8")
    expected = text.replace("# --- keys", block + "# --- keys")
    assert config.read_bytes().decode("utf-8") == expected
    rule = load_config(config).alerts[-1]
    assert (rule.name, rule.all, rule.any, rule.none, rule.categories, rule.feeds, rule.notify,
            rule.command) == ("Kherson offensive", ("Kherson",), ("offensive", "counteroffensive"),
                              ("football",), ("regions",), ("wire", "Tagesschau"),
                              ("toast", "command"), ("notify-me", "$(touch pwned)"))

    assert run(config, "alert", "rm", "Kherson offensive") == 0
    assert config.read_bytes() == original


def test_alert_rm_removes_exactly_the_rule_wherever_it_is(tmp_path):
    config = commented(tmp_path)
    text = config.read_text(encoding="utf-8")
    assert run(config, "alert", "rm", "Crimea recognition") == 0
    assert config.read_text(encoding="utf-8") == text.replace(CRIMEA_BLOCK, "")

    config = commented(tmp_path)
    assert run(config, "alert", "rm", "Lavrov") == 0
    assert config.read_text(encoding="utf-8") == text.replace(LAVROV_BLOCK, "")
    assert run(config, "alert", "rm", "Crimea recognition") == 0
    assert config.read_text(encoding="utf-8") == text.replace(CRIMEA_BLOCK, "").replace(
        LAVROV_BLOCK, "")
    assert load_config(config).alerts == ()

    # With no rules left, the first new one starts the [[alerts]] tables again.
    assert run(config, "alert", "add", "Donetsk", "--all", "Donetsk") == 0
    assert [r.name for r in load_config(config).alerts] == ["Donetsk"]
    assert config.read_text(encoding="utf-8").startswith(
        text.replace(CRIMEA_BLOCK, "").replace(LAVROV_BLOCK, "").split("[[alerts]]")[0])


def test_alert_add_with_an_existing_name_changes_that_rule_in_place(tmp_path):
    config = commented(tmp_path)
    text = config.read_text(encoding="utf-8")
    assert run(config, "alert", "add", "Lavrov", "--all", "Lavrov", "--none", "Lavra") == 0
    assert config.read_text(encoding="utf-8") == text.replace(
        'all = ["Lavrov"]\n', 'all = ["Lavrov"]\nnone = ["Lavra"]\n')
    assert [r.name for r in load_config(config).alerts] == ["Crimea recognition", "Lavrov"]


def test_a_windows_file_and_a_symlinked_file_survive_an_edit(tmp_path):
    config = commented(tmp_path)
    crlf = config.read_bytes().replace(b"\n", b"\r\n")
    config.write_bytes(crlf)
    assert run(config, "alert", "add", "Donetsk", "--all", "Donetsk") == 0
    assert b"\n" not in config.read_bytes().replace(b"\r\n", b"")
    assert run(config, "alert", "rm", "Donetsk") == 0
    assert config.read_bytes() == crlf

    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = commented(dotfiles)
    link = tmp_path / "linked.toml"
    link.symlink_to(real)
    assert run(link, "alert", "add", "Donetsk", "--all", "Donetsk") == 0
    assert link.is_symlink() and "Donetsk" in real.read_text(encoding="utf-8")


INVALID = [
    ("no terms", ["alert", "add", "Empty"]),
    ("empty term", ["alert", "add", "Blank", "--all", ""]),
    ("empty name", ["alert", "add", "", "--all", "Crimea"]),
    ("unknown category", ["alert", "add", "X", "--all", "Crimea", "--category", "sports"]),
    ("unknown notify", ["alert", "add", "X", "--all", "Crimea", "--notify", "email"]),
    ("command without argv", ["alert", "add", "X", "--all", "Crimea", "--notify", "command"]),
    ("unknown feed", ["alert", "add", "X", "--all", "Crimea", "--feed", "Pravda"]),
    ("rm unknown", ["alert", "rm", "Nothing like this"]),
]


@pytest.mark.parametrize("argv", [argv for _, argv in INVALID], ids=[i for i, _ in INVALID])
def test_invalid_edits_are_refused_and_leave_the_file_and_cache_alone(tmp_path, capsys, argv):
    config = commented(tmp_path)
    before = config.read_bytes()
    assert run(config, *argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert config.read_bytes() == before
    assert not (tmp_path / "cache").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feeds.toml"]   # no temporary left


@pytest.mark.parametrize(("argv", "flag"), [
    (["--all", "ab*"], "--all"), (["--any", "Kyiv", "--any", ""], "--any"),
    (["--none", "Cri*"], "--none"), ([], "--all")])
def test_a_refused_edit_names_its_option_once(tmp_path, capsys, argv, flag):
    """The option at fault leads the line, once: the rule check words its message with the
    option's name already, and the line read "--all: --all: 'ab*': ..." """
    config = commented(tmp_path)
    assert run(config, "alert", "add", "X", *argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"wirewatch: {flag}"), err
    assert not err.startswith(f"wirewatch: {flag}: {flag}"), err


def test_a_broken_config_is_refused_before_any_edit(tmp_path, capsys):
    config = commented(tmp_path)
    broken = config.read_bytes().replace(b'timeout_seconds = 5', b'timeout_seconds = "5"')
    config.write_bytes(broken)
    assert run(config, "alert", "add", "X", "--all", "Crimea") == 2
    assert "feeds.toml:6:" in capsys.readouterr().err
    assert config.read_bytes() == broken


def serve_site(http_server, wire_items, de_items=()) -> None:
    http_server.route("/wire.xml", rss(list(wire_items)), content_type="application/rss+xml")
    http_server.route("/de.xml", rss(list(de_items), language="de"),
                      content_type="application/rss+xml")


WIRE = [
    item(1, title="US weighs recognition of Crimea as Russian"),
    item(2, title="Lavrov: no ceasefire before a deal"),
    item(3, title="Weather: storms over the Black Sea"),
]
DE = [item(11, title="Lawrow trifft Witkoff in Genf", guid="de:11"),
      item(12, title="Ein Krimi zum Sonntag", guid="de:12")]


def test_alerts_json_lists_rules_with_hit_counts_and_the_hits(tmp_path, http_server, capsys):
    serve_site(http_server, WIRE, DE)
    config = commented(tmp_path, wire=http_server.url("/wire.xml"), de=http_server.url("/de.xml"))
    assert run(config, "fetch", "--json") == 0
    fetched = json.loads(capsys.readouterr().out)
    assert sorted((a["alert"], a["title"]) for a in fetched["alerts"]) == [
        ("Crimea recognition", "US weighs recognition of Crimea as Russian"),
        ("Lavrov", "Lavrov: no ceasefire before a deal"),
        ("Lavrov", "Lawrow trifft Witkoff in Genf")]

    assert run(config, "alerts", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert [{k: rule[k] for k in ("name", "all", "any", "none", "categories", "feeds", "notify",
                                  "hits")} for rule in data["alerts"]] == [
        {"name": "Crimea recognition", "all": ["Crimea"],
         "any": ["recognition", "recognize", "recognise"], "none": [], "categories": [],
         "feeds": [], "notify": ["toast", "bell"], "hits": 1},
        {"name": "Lavrov", "all": ["Lavrov"], "any": [], "none": [], "categories": [],
         "feeds": [], "notify": ["toast", "bell"], "hits": 2},
    ]
    assert len(data["hits"]) == 3
    for hit in data["hits"]:
        assert {"alert", "item", "title", "fired_at"} <= set(hit)
        assert len(hit["item"]) == 10 and hit["fired_at"].endswith("Z")
    ids = {hit["item"] for hit in data["hits"]}
    assert ids == {a["item"] for a in fetched["alerts"]}

    # A new rule is applied at once to what is cached; the next fetch does not repeat it.
    assert run(config, "alert", "add", "Witkoff in German media", "--all", "Witkoff",
               "--feed", "de") == 0
    assert "1 cached item newly matches it" in capsys.readouterr().out
    assert run(config, "alerts", "--json") == 0
    counts = {r["name"]: r["hits"] for r in json.loads(capsys.readouterr().out)["alerts"]}
    assert counts == {"Crimea recognition": 1, "Lavrov": 2, "Witkoff in German media": 1}
    assert run(config, "fetch", "--json") == 0
    assert json.loads(capsys.readouterr().out)["alerts"] == []


def test_watch_once_json_prints_one_object_per_new_hit(tmp_path, http_server, capsys):
    serve_site(http_server, WIRE, DE)
    config = commented(tmp_path, wire=http_server.url("/wire.xml"), de=http_server.url("/de.xml"))
    assert run(config, "watch", "--once", "--json") == 0
    out = capsys.readouterr().out
    hits = [json.loads(line) for line in out.splitlines()]
    assert sorted((h["alert"], h["title"]) for h in hits) == [
        ("Crimea recognition", "US weighs recognition of Crimea as Russian"),
        ("Lavrov", "Lavrov: no ceasefire before a deal"),
        ("Lavrov", "Lawrow trifft Witkoff in Genf")]
    for hit in hits:
        assert {"alert", "item", "title", "feed", "url", "fired_at"} <= set(hit)

    serve_site(http_server, [*WIRE, item(4, title="Crimea: talks on recognition resume")], DE)
    assert run(config, "watch", "--once", "--json") == 0
    out = capsys.readouterr().out
    assert [(h["alert"], h["title"]) for h in map(json.loads, out.splitlines())] == [
        ("Crimea recognition", "Crimea: talks on recognition resume")]


def _reader(stream, lines: queue.Queue) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


def _start_watch(config: Path) -> tuple[subprocess.Popen, queue.Queue]:
    env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONFAULTHANDLER="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "--config", str(config), "--cache",
         str(config.parent / "cache"), "watch", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=_reader, args=(proc.stdout, lines), daemon=True).start()
    return proc, lines


def _wait_for(condition, what: str, limit: float = 30.0) -> None:
    deadline = time.monotonic() + limit   # a guard against hanging, not a timed assertion
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def _stop(proc: subprocess.Popen, signum: int) -> tuple[int, str]:
    proc.send_signal(signum)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail(f"watch did not stop on signal {signum}; where it was:\n{dump_and_kill(proc)}")
    return proc.returncode, proc.stderr.read()


def test_watch_loops_prints_each_hit_once_and_stops_cleanly_on_ctrl_c(tmp_path, http_server):
    serve_site(http_server, WIRE, DE)
    config = commented(tmp_path, wire=http_server.url("/wire.xml"), de=http_server.url("/de.xml"),
                       refresh="0.05")      # every 3 s: the shortest period feeds.toml allows
    proc, lines = _start_watch(config)
    try:
        _wait_for(lambda: lines.qsize() >= 3, "the first refresh's hits")
        serve_site(http_server, [*WIRE, item(4, title="Crimea: talks on recognition resume")], DE)
        count = len(http_server.requests_to("/wire.xml"))
        _wait_for(lambda: len(http_server.requests_to("/wire.xml")) >= count + 2,
                  "two more refreshes")
        code, err = _stop(proc, signal.SIGINT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    printed = []
    while (line := lines.get(timeout=10)) is not None:
        printed.append(json.loads(line))
    assert code == 0, err
    assert "Traceback" not in err and "stopped" in err
    assert sorted((h["alert"], h["title"]) for h in printed) == [
        ("Crimea recognition", "Crimea: talks on recognition resume"),
        ("Crimea recognition", "US weighs recognition of Crimea as Russian"),
        ("Lavrov", "Lavrov: no ceasefire before a deal"),
        ("Lavrov", "Lawrow trifft Witkoff in Genf")]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_watch_stopped_in_the_middle_of_a_refresh_exits_cleanly(tmp_path, http_server, signum):
    serve_site(http_server, WIRE, DE)
    stuck = threading.Event()

    def slow(request):
        stuck.set()
        http_server.pause(60)
        return serve_reply

    from tests.support.httpserver import Reply
    serve_reply = Reply(200, rss(WIRE), {"Content-Type": "application/rss+xml"})
    http_server.route("/wire.xml", slow)
    config = commented(tmp_path, wire=http_server.url("/wire.xml"), de=http_server.url("/de.xml"))
    proc, lines = _start_watch(config)
    try:
        _wait_for(stuck.is_set, "the refresh to reach the slow feed")
        code, err = _stop(proc, signum)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert code == 0, err
    assert "Traceback" not in err and "stopped" in err
