"""README.md's commands table stays what the command line is: every command is listed, and
every option it shows exists (the parser is the truth; the README is the user's map)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from tui.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _table_rows() -> list[str]:
    """The first cell of each row of the commands table."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [line.split(" | ")[0] for line in text.splitlines()
            if line.startswith("| `wirewatch ")]


def test_every_command_is_in_the_readme_and_every_listed_command_exists():
    listed = {name for row in _table_rows() for name in re.findall(r"`wirewatch ([a-z-]+)", row)}
    listed |= {name for row in _table_rows() for name in re.findall(r"/ `([a-z-]+)`", row)}
    assert listed == set(_subcommands())


def test_every_option_the_readme_shows_exists():
    commands = _subcommands()
    for row in _table_rows():
        name = re.match(r"\| `wirewatch ([a-z-]+)", row).group(1)
        options = {flag for action in commands[name]._actions for flag in action.option_strings}
        for sub in commands[name]._actions:
            if isinstance(sub, argparse._SubParsersAction):       # alert add / rm
                options |= {flag for p in sub.choices.values() for a in p._actions
                            for flag in a.option_strings}
        shown = set(re.findall(r"(--[a-z-]+)", row))
        assert shown <= options, (name, shown - options)


def test_headlines_shows_the_full_signature_of_the_spec():
    row = next(r for r in _table_rows() if r.startswith("| `wirewatch headlines"))
    assert row == ("| `wirewatch headlines [--feed F] [--match NAME_OR_CATEGORY] [--search TEXT] "
                   "[--alerted] [--unread] [--limit N] [--json]`")
