"""Writing feeds.toml back (tui/core/config/edit.py): OPML imports and alert rules.

The file is the user's own, commented by hand, so an edit must change only the lines of what
it adds, changes or removes; keep Windows line endings and symlinks; and never write a file
that would not load (nor leave a temporary file behind when it refuses).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import tomlkit

from tests.support.configs import THREE_OUTLETS, WATCHLIST, settings_table
from tui.core.config.edit import add_feeds, remove_alert, save_document, upsert_alert
from tui.core.config.load import load_config
from tui.core.config.model import AlertRule, ConfigError
from tui.core.ingest.opml import OpmlFeed

CRIMEA = """\
[[alerts]]
# the one the desk asked for
name = "Crimea recognition"
all = ["Crimea"]            # every one of these must match
any = ["recognition"]
notify = ["toast", "bell"]

"""
LAVROV = """\
[[alerts]]
name = "Lavrov"             # anything he says
all = ["Lavrov"]

"""
KEYS = """\
# --- keys ---
[keys]
star = "f"                  # f for favourite
"""
HEAD = ("# wirewatch for the desk (edited by hand; keep the comments)\n"
        + settings_table() + "\n# --- feeds ---\n" + THREE_OUTLETS
        + "\n# --- watch ---\n" + WATCHLIST + "\n")
DESK = HEAD + "# --- alerts ---\n" + CRIMEA + LAVROV + KEYS


def write(tmp_path: Path, text: str = DESK, name: str = "feeds.toml") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".feeds."))


# --- add_feeds -------------------------------------------------------------------------------


def test_new_feeds_go_after_the_last_feed_and_nothing_else_changes(tmp_path):
    path = write(tmp_path)
    added, skipped = add_feeds(path, [OpmlFeed("Ukrinform & Co", "https://ukr.example/rss",
                                               ("ukraine",))])
    assert (added, skipped) == (["Ukrinform & Co"], 0)
    block = ('\n[[feeds]]\nname = "Ukrinform & Co"\nurl = "https://ukr.example/rss"\n'
             'tags = ["ukraine"]\n')
    assert path.read_text(encoding="utf-8") == DESK.replace(
        'tags = ["de"]\n', 'tags = ["de"]\n' + block)
    assert load_config(path).feed("Ukrinform & Co").tags == ("ukraine",)


def test_a_feed_without_tags_gets_no_tags_line(tmp_path):
    path = write(tmp_path)
    add_feeds(path, [OpmlFeed("Plain", "https://plain.example/rss")])
    text = path.read_text(encoding="utf-8")
    assert 'name = "Plain"\nurl = "https://plain.example/rss"\n\n# --- watch ---' in text


def test_a_url_already_configured_is_skipped_and_a_taken_name_numbered(tmp_path):
    path = write(tmp_path)
    added, skipped = add_feeds(path, [
        OpmlFeed("Anything", "http://127.0.0.1:9/harbor.xml"),
        OpmlFeed("Kestrel Daily", "https://kestrel.example/2"),
        OpmlFeed("Kestrel Daily", "https://kestrel.example/3"),
        OpmlFeed("Repeat", "https://kestrel.example/3"),
    ])
    assert (added, skipped) == (["Kestrel Daily (2)", "Kestrel Daily (3)"], 2)
    config = load_config(path)
    assert config.feed("Kestrel Daily (3)").url == "https://kestrel.example/3"
    assert [f.url for f in config.feeds].count("http://127.0.0.1:9/harbor.xml") == 1


def test_nothing_new_leaves_the_file_untouched(tmp_path):
    path = write(tmp_path)
    before = os.stat(path)
    assert add_feeds(path, [OpmlFeed("Harbor Wire", "http://127.0.0.1:9/harbor.xml")]) == ([], 1)
    after = os.stat(path)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert path.read_text(encoding="utf-8") == DESK


def test_feeds_are_added_to_a_file_that_has_none(tmp_path):
    path = write(tmp_path, "# only a watchlist so far\n" + WATCHLIST)
    add_feeds(path, [OpmlFeed("First", "https://first.example/rss", ("en",))])
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# only a watchlist so far\n" + WATCHLIST)
    assert [f.name for f in load_config(path).feeds] == ["First"]
    assert len(load_config(path).watch) == 2


def test_feeds_added_to_a_missing_file_create_it(tmp_path):
    path = tmp_path / "feeds.toml"
    add_feeds(path, [OpmlFeed("First", "https://first.example/rss")])
    assert [(f.name, f.url) for f in load_config(path).feeds] == [
        ("First", "https://first.example/rss")]


def test_a_feed_that_would_not_load_is_refused_and_nothing_is_written(tmp_path):
    path = write(tmp_path)
    with pytest.raises(ConfigError) as caught:
        add_feeds(path, [OpmlFeed("Good", "https://good.example/rss"),
                         OpmlFeed("Bad", "ftp://bad.example/rss")])
    assert "not an http(s) URL" in str(caught.value)
    assert str(caught.value).startswith("feeds.toml:")
    assert path.read_text(encoding="utf-8") == DESK and leftovers(tmp_path) == []


# --- upsert_alert ----------------------------------------------------------------------------


def test_a_new_rule_goes_after_the_last_rule_before_the_next_section(tmp_path):
    path = write(tmp_path)
    upsert_alert(path, AlertRule("Kherson offensive", all=("Kherson",), any=("offensive",),
                                 categories=("regions",), feeds=("wire",),
                                 notify=("toast", "command"), command=("notify-me", "$(x)")))
    block = ('[[alerts]]\nname = "Kherson offensive"\nall = ["Kherson"]\nany = ["offensive"]\n'
             'categories = ["regions"]\nfeeds = ["wire"]\nnotify = ["toast", "command"]\n'
             'command = ["notify-me", "$(x)"]\n\n')
    assert path.read_text(encoding="utf-8") == DESK.replace(KEYS, block + KEYS)
    assert load_config(path).alerts[-1].command == ("notify-me", "$(x)")


def test_a_rule_with_the_default_notify_writes_no_notify_line(tmp_path):
    path = write(tmp_path)
    upsert_alert(path, AlertRule("Donetsk", all=("Donetsk",)))
    assert path.read_text(encoding="utf-8") == DESK.replace(
        KEYS, '[[alerts]]\nname = "Donetsk"\nall = ["Donetsk"]\n\n' + KEYS)


def test_an_existing_name_changes_that_rule_in_place_keeping_its_comments(tmp_path):
    path = write(tmp_path)
    upsert_alert(path, AlertRule("Lavrov", all=("Lavrov",), none=("Lavra",)))
    assert path.read_text(encoding="utf-8") == DESK.replace(
        'all = ["Lavrov"]\n', 'all = ["Lavrov"]\nnone = ["Lavra"]\n')
    assert [r.name for r in load_config(path).alerts] == ["Crimea recognition", "Lavrov"]


def test_a_spelled_out_default_notify_line_stays_when_the_rule_keeps_it(tmp_path):
    path = write(tmp_path)
    upsert_alert(path, AlertRule("Crimea recognition", all=("Crimea",),
                                 any=("recognition", "Anerkennung")))
    assert path.read_text(encoding="utf-8") == DESK.replace(
        'any = ["recognition"]', 'any = ["recognition", "Anerkennung"]')


def test_a_key_the_rule_no_longer_has_is_removed(tmp_path):
    path = write(tmp_path)
    upsert_alert(path, AlertRule("Crimea recognition", all=("Crimea",), notify=("bell",)))
    text = path.read_text(encoding="utf-8")
    assert text == DESK.replace('any = ["recognition"]\nnotify = ["toast", "bell"]\n',
                                'notify = ["bell"]\n')


def test_renaming_a_rule_keeps_its_place_and_its_comments(tmp_path):
    path = write(tmp_path)
    upsert_alert(path, AlertRule("Crimea talks", all=("Crimea",), any=("recognition",)),
                 replace="Crimea recognition")
    assert path.read_text(encoding="utf-8") == DESK.replace(
        'name = "Crimea recognition"', 'name = "Crimea talks"')
    assert [r.name for r in load_config(path).alerts] == ["Crimea talks", "Lavrov"]


def test_replacing_a_rule_that_does_not_exist_is_refused(tmp_path):
    path = write(tmp_path)
    with pytest.raises(ConfigError) as caught:
        upsert_alert(path, AlertRule("x", all=("Crimea",)), replace="Nothing like this")
    assert str(caught.value) == "feeds.toml: no alert named 'Nothing like this'"
    assert path.read_text(encoding="utf-8") == DESK


def test_renaming_a_rule_onto_another_rules_name_is_refused(tmp_path):
    path = write(tmp_path)
    with pytest.raises(ConfigError) as caught:
        upsert_alert(path, AlertRule("Lavrov", all=("Crimea",)), replace="Crimea recognition")
    assert "an alert named 'Lavrov' exists already" in str(caught.value)
    assert path.read_text(encoding="utf-8") == DESK and leftovers(tmp_path) == []


def test_an_invalid_rule_is_refused_at_its_line_and_nothing_is_written(tmp_path):
    path = write(tmp_path)
    with pytest.raises(ConfigError) as caught:
        upsert_alert(path, AlertRule("Sport", categories=("sports",)))
    assert caught.value.line is not None
    assert str(caught.value).startswith(f"feeds.toml:{caught.value.line}:")
    assert "no watch category 'sports'" in str(caught.value)
    assert path.read_text(encoding="utf-8") == DESK and leftovers(tmp_path) == []


def test_the_first_rule_replaces_an_empty_alerts_list(tmp_path):
    path = write(tmp_path, "alerts = []\n\n" + WATCHLIST)
    upsert_alert(path, AlertRule("Crimea", all=("Crimea",)))
    text = path.read_text(encoding="utf-8")
    assert "alerts = []" not in text and text.endswith(
        '[[alerts]]\nname = "Crimea"\nall = ["Crimea"]\n')
    assert [r.name for r in load_config(path).alerts] == ["Crimea"]


def test_rules_written_inline_are_left_for_the_user_to_edit(tmp_path):
    text = 'alerts = [{ name = "Crimea", all = ["Crimea"] }]\n\n' + WATCHLIST
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        upsert_alert(path, AlertRule("Lavrov", all=("Lavrov",)))
    assert "edit it by hand" in str(caught.value)
    assert path.read_text(encoding="utf-8") == text


def test_the_first_rule_in_a_file_without_rules_starts_the_alerts_tables(tmp_path):
    path = write(tmp_path, HEAD + KEYS)
    upsert_alert(path, AlertRule("Crimea", all=("Crimea",)))
    text = path.read_text(encoding="utf-8")
    assert text.startswith(HEAD + KEYS)
    assert load_config(path).keys == {"star": "f"}
    assert [r.all for r in load_config(path).alerts] == [("Crimea",)]


# --- remove_alert ----------------------------------------------------------------------------


@pytest.mark.parametrize("name, block", [("Crimea recognition", CRIMEA), ("Lavrov", LAVROV)],
                         ids=["first", "last"])
def test_removing_a_rule_removes_exactly_its_lines(tmp_path, name, block):
    path = write(tmp_path)
    remove_alert(path, name)
    assert path.read_text(encoding="utf-8") == DESK.replace(block, "")


def test_adding_then_removing_a_rule_gives_the_same_bytes_back(tmp_path):
    path = write(tmp_path)
    upsert_alert(path, AlertRule("Kherson", all=("Kherson",), none=("football",)))
    remove_alert(path, "Kherson")
    assert path.read_bytes() == DESK.encode("utf-8")


def test_removing_every_rule_leaves_a_loadable_file_without_an_alerts_list(tmp_path):
    path = write(tmp_path)
    remove_alert(path, "Lavrov")
    remove_alert(path, "Crimea recognition")
    text = path.read_text(encoding="utf-8")
    assert text == DESK.replace(CRIMEA, "").replace(LAVROV, "")
    assert "alerts" not in text.replace("# --- alerts ---", "")
    assert load_config(path).alerts == ()


def test_removing_an_unknown_rule_is_refused(tmp_path):
    path = write(tmp_path)
    with pytest.raises(ConfigError) as caught:
        remove_alert(path, "Nothing like this")
    assert str(caught.value) == "feeds.toml: no alert named 'Nothing like this'"
    assert path.read_text(encoding="utf-8") == DESK
    with pytest.raises(ConfigError):
        remove_alert(write(tmp_path, WATCHLIST, "bare.toml"), "Lavrov")


# --- the file itself -------------------------------------------------------------------------


def test_a_windows_file_keeps_its_line_endings_through_every_edit(tmp_path):
    crlf = DESK.replace("\n", "\r\n").encode("utf-8")
    path = tmp_path / "feeds.toml"
    path.write_bytes(crlf)
    upsert_alert(path, AlertRule("Kherson", all=("Kherson",)))
    add_feeds(path, [OpmlFeed("New", "https://new.example/rss", ("x",))])
    data = path.read_bytes()
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b'name = "Kherson"\r\n' in data and b'name = "New"\r\n' in data
    assert load_config(path).feed("New") is not None
    remove_alert(path, "Kherson")
    assert path.read_bytes() == data.replace(
        b'[[alerts]]\r\nname = "Kherson"\r\nall = ["Kherson"]\r\n\r\n', b"")


def test_a_windows_file_gives_the_same_bytes_back_after_add_and_remove(tmp_path):
    crlf = DESK.replace("\n", "\r\n").encode("utf-8")
    path = tmp_path / "feeds.toml"
    path.write_bytes(crlf)
    upsert_alert(path, AlertRule("Kherson", all=("Kherson",)))
    remove_alert(path, "Kherson")
    assert path.read_bytes() == crlf


def test_a_file_with_a_byte_order_mark_is_edited_and_keeps_it(tmp_path):
    """Windows editors save feeds.toml with a BOM; it loads, so it must edit too (an `alert
    add` or OPML import on one ended in tomlkit's 'Empty key at line 1 col 0')."""
    original = ("\ufeff" + DESK.replace("\n", "\r\n")).encode("utf-8")
    path = tmp_path / "feeds.toml"
    path.write_bytes(original)
    upsert_alert(path, AlertRule("Kherson news", all=("Kherson",)))
    remove_alert(path, "Kherson news")
    assert path.read_bytes() == original
    add_feeds(path, [OpmlFeed("New", "https://new.example/rss", ("x",))])
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\xef\xbb\xbf") == 1
    assert load_config(path).feed("New") is not None


def test_a_symlinked_file_is_edited_where_it_lives(tmp_path):
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = write(dotfiles)
    link = tmp_path / "feeds.toml"
    link.symlink_to(real)
    upsert_alert(link, AlertRule("Donetsk", all=("Donetsk",)))
    add_feeds(link, [OpmlFeed("New", "https://new.example/rss")])
    assert link.is_symlink() and os.readlink(link) == str(real)
    text = real.read_text(encoding="utf-8")
    assert 'name = "Donetsk"' in text and 'name = "New"' in text
    assert leftovers(tmp_path) == [] and leftovers(dotfiles) == []


def test_an_edit_keeps_the_files_permissions(tmp_path):
    path = write(tmp_path)
    path.chmod(0o600)
    upsert_alert(path, AlertRule("Donetsk", all=("Donetsk",)))
    assert path.stat().st_mode & 0o777 == 0o600


def test_save_document_writes_what_it_was_given(tmp_path):
    path = write(tmp_path)
    document = tomlkit.parse(DESK)
    document["settings"]["timeout_seconds"] = 9
    save_document(path, document)
    text = path.read_text(encoding="utf-8")
    assert text == DESK.replace("timeout_seconds = 5", "timeout_seconds = 9")
    assert load_config(path).settings.timeout_seconds == 9
    assert leftovers(tmp_path) == []


def test_save_document_refuses_a_document_that_would_not_load(tmp_path):
    path = write(tmp_path)
    document = tomlkit.parse(DESK)
    document["settings"]["timeout_seconds"] = 0
    with pytest.raises(ConfigError) as caught:
        save_document(path, document)
    assert "timeout_seconds must be between 1 and 600" in str(caught.value)
    assert caught.value.file == "feeds.toml" and caught.value.line is not None
    assert path.read_text(encoding="utf-8") == DESK and leftovers(tmp_path) == []
