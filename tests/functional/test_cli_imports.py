"""Commands that only read the cache start fast because they load only what they use: not the
dashboard, the HTTP client, the feed and page parsers, the date guesser or the config writer.
Each command runs in a fresh process that then lists the modules it imported."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

import pytest

from tests.support.cachegen import config_text, fill, make_session
from tests.support.processes import ROOT
from tui.cli import COMMAND_MODULES, COMMANDS, build_parser, named_command

MATCHING = {"tui.core.names.watch", "tui.core.alerts.rules", "ahocorasick"}
"""The matcher (its spelling tables and automaton) and the alert rules."""
HEAVY = ("textual", "rich", "httpx", "trafilatura", "dateparser", "feedparser", "lxml",
         "tomlkit", "asyncio")

# Runs one command as `wirewatch` would, then prints the imported modules' names.
PROBE = """
import json, sys
from tui.cli import main
status = main(sys.argv[1:])
sys.stdout.flush()
print("\\nMODULES " + json.dumps(sorted(sys.modules)))
raise SystemExit(status)
"""


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    folder = tmp_path_factory.mktemp("desk")
    config = folder / "feeds.toml"
    config.write_text(config_text(), encoding="utf-8")
    session = make_session(folder / "cache")
    fill(session, 60)
    revised = session.store.connection.execute(
        "SELECT uid FROM items WHERE versions = 2 LIMIT 1").fetchone()[0]
    session.close()
    return config, revised


def imported(config, *argv: str) -> tuple[subprocess.CompletedProcess, set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "--config", str(config), "--cache",
         str(config.parent / "cache"), *argv],
        capture_output=True, text=True, timeout=60, cwd=ROOT, check=False)
    listed = done.stdout.rpartition("\nMODULES ")[2]
    return done, set(json.loads(listed))


def roots(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


@pytest.mark.parametrize("command", [
    ("headlines", "--limit", "20"),
    ("headlines", "--limit", "20", "--json"),
    ("headlines", "--search", "crimea"),
    ("--offline", "article", "{uid}"),
    ("--offline", "article", "{uid}", "--json"),
    ("diff", "{uid}", "--json"),
    ("diff", "{uid}"),
])
def test_a_cached_read_imports_nothing_heavy(desk, command):
    config, uid = desk
    done, modules = imported(config, *(part.format(uid=uid) for part in command))
    assert done.returncode == 0, done.stderr
    assert "tui.core.cache.query" in modules          # it did read the cache
    assert not roots(modules) & set(HEAVY), sorted(roots(modules) & set(HEAVY))
    assert "tui.core.engine" not in modules
    # simplemma's version is read cheaply; the shipped data is read only to compile a
    # watchlist (kept compiled in the cache folder); processes only for a re-match; the
    # mail-date and time-zone parsers only for fetched dates.
    late = {"importlib.metadata", "importlib.resources", "multiprocessing", "email.utils",
            "zoneinfo"}
    assert not late & modules, sorted(late & modules)
    # Only the module of the command itself: not the dashboard's, the setup's, the others'.
    others = {f"tui.cli.{name}" for name in COMMAND_MODULES} - {"tui.cli.items"}
    assert not others & modules, sorted(others & modules)
    # Stored matches are read, not found again: on an up-to-date cache neither the matcher
    # nor the rules load (a fifth of such a command's time). `article` marks the names in
    # the page text, which has no stored matches of its own, so it needs the matcher.
    if "article" not in command:
        assert not MATCHING & modules, sorted(MATCHING & modules)


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action, = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return action.choices


def test_each_command_is_parsed_alone_as_the_whole_parser_parses_it():
    whole = subcommands(build_parser())
    assert list(whole) == list(COMMANDS)            # every command, in --help's order
    for command, module in COMMANDS.items():
        alone = subcommands(build_parser(command))
        assert command in alone, f"{command} is not added by tui.cli.{module}"
        assert alone[command].format_help() == whole[command].format_help()


@pytest.mark.parametrize(("argv", "command"), [
    (["headlines", "--limit", "20"], "headlines"),
    (["--config", "a.toml", "--cache", "c", "--offline", "article", "x"], "article"),
    (["--config=headlines", "diff", "x"], "diff"),
    (["--config", "trends", "alerts"], "alerts"),   # the value of --config is no command
    ([], None),
    (["--offline"], None),
    (["--help", "headlines"], None),
    (["--conf", "a.toml", "headlines"], None),      # abbreviated: the whole parser decides
    (["--config", "-a", "headlines"], None),
    (["--config"], None),
    (["nonsense"], None),
])
def test_only_a_command_named_plainly_is_loaded_alone(argv, command):
    assert named_command(argv) == command


def test_the_probe_sees_heavy_imports_where_a_command_needs_them(desk):
    # `fetch` needs the HTTP client and the feed parser: the probe would see them.
    config, _ = desk
    done, modules = imported(config, "fetch", "--json")
    assert {"httpx", "lxml"} <= roots(modules), done.stderr


def test_a_refresh_where_every_feed_answers_304_loads_no_parser_matcher_or_rules(
        tmp_path, http_server):
    """Nothing new: nothing to parse, match or evaluate, so none of it is loaded (the
    refresh a user runs most, every few minutes)."""
    from tests.support.feedgen import config_text as feeds_text
    from tests.support.feedgen import item, rss

    http_server.conditional("/en.xml", rss([item(1, title="Witkoff in Geneva")]), etag='"e1"')
    config = tmp_path / "feeds.toml"
    config.write_text(feeds_text([("English", http_server.url("/en.xml"))]), encoding="utf-8")
    first, modules = imported(config, "fetch", "--json")
    assert first.returncode == 0 and '"new": 1' in first.stdout, first.stderr
    assert MATCHING <= modules                      # the first fetch did match its item
    again, modules = imported(config, "fetch", "--json")
    assert again.returncode == 0 and '"not_modified"' in again.stdout, again.stderr
    assert not (MATCHING | {"lxml", "feedparser"}) & modules, \
        sorted((MATCHING | {"lxml", "feedparser"}) & modules)
