"""Loading feeds.toml (tui/core/config/load.py, rules.py, keys.py).

A user learns about every mistake in the file from one line, `feeds.toml:LINE:COL: message`,
and nothing runs on a half-valid file; so each kind of mistake is checked here for the line it
names as well as for being refused. Alert rules and `[keys]` share their checks with the
dashboard's form and help, so those checks are also tested on their own.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from tests.support.configs import THREE_OUTLETS, WATCHLIST, settings_table
from tui.core.config import keys as keymap
from tui.core.config.load import (
    load_config,
    parse_config,
    resolve_cache_dir,
    resolve_config_path,
)
from tui.core.config.locate import MAX_NESTING, nesting_too_deep
from tui.core.config.model import (
    CACHE_ENV,
    CONFIG_ENV,
    AlertRule,
    ConfigError,
    FeedConfig,
    Settings,
    WatchTerm,
)
from tui.core.config.paths import user_config_file
from tui.core.config.rules import rule_problem

BASE = settings_table() + "\n" + THREE_OUTLETS + "\n" + WATCHLIST
LOCATED = re.compile(r"^feeds\.toml:(\d+):(\d+): \S")


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based number of the line holding the `occurrence`-th `needle`."""
    found = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    return found[occurrence - 1]


def refused(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        parse_config(text)
    return caught.value


def assert_located(error: ConfigError, line: int, *phrases: str) -> None:
    text = str(error)
    assert LOCATED.match(text), text
    assert error.line == line, text
    assert text.startswith(f"feeds.toml:{line}:{error.col}: ")
    for phrase in phrases:
        assert phrase in error.message, text


# --- a valid file ----------------------------------------------------------------------------


def test_the_shared_test_config_loads_into_typed_values():
    config = parse_config(BASE)
    assert [f.name for f in config.feeds] == ["Harbor Wire", "Kestrel Daily", "Tageskompass"]
    assert config.feed("Harbor Wire").tags == ("en", "wire")
    assert config.settings.timeout_seconds == 5.0 and config.settings.full_text == "never"
    assert config.settings.keep_days == Settings().keep_days
    assert [c.name for c in config.watch] == ["regions", "negotiators"]
    assert config.watch[0].color == "orange1"
    assert config.watch[0].terms[0] == WatchTerm("Crimea")
    assert config.alerts == () and config.keys == {}


def test_an_empty_file_is_a_config_with_defaults():
    config = parse_config("")
    assert config.feeds == () and config.watch == () and config.settings == Settings()


def test_feed_overrides_fall_back_to_the_settings():
    text = BASE.replace('tags = ["de"]', 'tags = ["de"]\nfull_text = "all"\n'
                                         'refresh_minutes = 2.5\nlanguage = "de"')
    config = parse_config(text)
    german, english = config.feed("Tageskompass"), config.feed("Harbor Wire")
    assert (german.full_text, german.refresh_minutes, german.language) == ("all", 2.5, "de")
    assert config.full_text_policy(german) == "all" and config.refresh_minutes(german) == 2.5
    assert config.full_text_policy(english) == "never" and config.refresh_minutes(english) == 15


def test_names_and_urls_lose_surrounding_spaces():
    text = BASE.replace('name = "Kestrel Daily"', 'name = "  Kestrel Daily "').replace(
        '"http://127.0.0.1:9/kestrel.xml"', '" http://127.0.0.1:9/kestrel.xml "')
    feed = parse_config(text).feeds[1]
    assert (feed.name, feed.url) == ("Kestrel Daily", "http://127.0.0.1:9/kestrel.xml")


def test_feeds_are_selected_by_name_or_tag():
    config = parse_config(BASE)
    assert config.feeds_matching(("en",)) == {"Harbor Wire", "Kestrel Daily"}
    assert config.feeds_matching(("Tageskompass", "wire")) == {"Tageskompass", "Harbor Wire"}
    assert config.feeds_matching(()) == {"Harbor Wire", "Kestrel Daily", "Tageskompass"}


def test_a_term_table_gives_a_name_its_aliases():
    text = BASE + '\n[watch.people]\nterms = [{ name = "Dmitriev", aliases = ["Kirill D."] }]\n'
    people = parse_config(text).watch[-1]
    assert people.terms == (WatchTerm("Dmitriev", ("Kirill D.",)),) and people.color is None


def test_an_alert_may_limit_itself_to_a_tag():
    text = BASE + '\n[[alerts]]\nname = "Wire on Crimea"\nall = ["Crimea"]\nfeeds = ["wire"]\n'
    [rule] = parse_config(text).alerts
    assert rule.feeds == ("wire",) and rule.notify == AlertRule.notify


# --- mistakes, each at its line --------------------------------------------------------------


def test_a_file_saved_with_a_byte_order_mark_is_read_as_it_says(tmp_path):
    path = tmp_path / "feeds.toml"
    path.write_text(BASE, encoding="utf-8-sig")
    assert load_config(path).feeds == parse_config(BASE).feeds
    assert parse_config("\ufeff" + BASE).feeds == parse_config(BASE).feeds


def test_a_syntax_error_names_the_line_and_column_without_repeating_them():
    text = BASE + "\n[[feeds]\n"
    error = refused(text)
    assert_located(error, line_of(text, "[[feeds]", occurrence=4))
    assert error.col > 1 and "(at line" not in str(error)


def test_an_unknown_top_level_table_is_refused_with_the_allowed_names():
    error = refused(BASE + "\n[extra]\n")
    assert_located(error, line_of(BASE + "\n[extra]\n", "[extra]"), "unknown key 'extra'",
                   "alerts, feeds, keys, settings, watch")


def test_an_unknown_setting_is_refused_at_its_line():
    text = BASE.replace("timeout_seconds = 5", "timeout = 5")
    assert_located(refused(text), line_of(text, "timeout = 5"), "unknown key 'timeout'",
                   "timeout_seconds")


def test_an_unknown_feed_key_is_refused_at_its_line_and_column():
    text = BASE.replace('tags = ["en"]', 'tags = ["en"]\n   colour = "red"')
    error = refused(text)
    assert_located(error, line_of(text, "colour"), "unknown key 'colour' in feeds")
    assert error.col == 4


def test_a_duplicate_feed_name_points_at_the_second_one():
    text = BASE.replace('name = "Kestrel Daily"', 'name = "Harbor Wire"')
    assert_located(refused(text), line_of(text, 'name = "Harbor Wire"', occurrence=2),
                   "duplicate feed name 'Harbor Wire'")


def test_names_differing_only_in_surrounding_spaces_are_duplicates():
    text = BASE.replace('name = "Kestrel Daily"', 'name = " Harbor Wire "')
    assert "duplicate feed name" in refused(text).message


def test_a_url_listed_twice_points_at_the_second_one_and_names_the_first():
    """Two names for one URL stored every item twice and fired every alert twice; dropping
    one of them later left its copies behind under the other name (the cache knows a feed's
    history by its URL when it is renamed)."""
    text = BASE.replace('url = "http://127.0.0.1:9/kestrel.xml"',
                        'url = " http://127.0.0.1:9/harbor.xml"')
    assert_located(refused(text), line_of(text, 'url = " http://127.0.0.1:9/harbor.xml"'),
                   "feed 'Kestrel Daily': the same URL as feed 'Harbor Wire'")


@pytest.mark.parametrize(("url", "problem"), [
    ("ftp://127.0.0.1/feed.xml", "not an http(s) URL (scheme ftp)"),
    ("javascript:alert(1)", "not an http(s) URL (scheme javascript)"),
    ("file:///etc/passwd", "not an http(s) URL (scheme file)"),
    ("news.example/feed", "not an http(s) URL (scheme missing)"),
    ("https://", "the URL has no host"),
    ("https://news.example:99999/rss", "port is not a number from 1 to 65535"),
    ("https://news.example:http/rss", "port is not a number from 1 to 65535"),
    ("https://news.example:0/rss", "port is not a number from 1 to 65535"),
    ("http://[::1/feed", "the URL cannot be read (Invalid IPv6 URL)"),
    ("https://news.example/a feed", "spaces or control characters"),
])
def test_a_feed_url_must_be_http_or_https_with_a_host_and_a_port(url, problem):
    text = BASE.replace("http://127.0.0.1:9/kestrel.xml", url)
    assert_located(refused(text), line_of(text, url), "feed 'Kestrel Daily'", problem, url)


def test_a_feed_without_a_url_is_refused():
    error = refused(BASE + '\n[[feeds]]\nname = "Orphan"\n')
    assert "feed #4 has no 'url'" in error.message and error.line is not None


def with_setting(line: str) -> str:
    """BASE with `line` as the first line of [settings], replacing that key if it was set."""
    key = line.split("=")[0].strip()
    kept = [old for old in BASE.splitlines() if old.split("=")[0].strip() != key]
    return "\n".join(kept).replace("[settings]", "[settings]\n" + line, 1) + "\n"


@pytest.mark.parametrize("setting, message", [
    ('timeout_seconds = "5"', "timeout_seconds must be a number, not a string"),
    ("timeout_seconds = 0", "timeout_seconds must be between 1 and 600, not 0"),
    ("timeout_seconds = nan", "timeout_seconds must be a finite number, not nan"),
    ("refresh_minutes = inf", "refresh_minutes must be a finite number, not inf"),
    ("refresh_minutes = 0.001", "refresh_minutes must be between 0.05 and 10,080, not 0.001"),
    ("concurrency = 100000", "concurrency must be between 1 and 256, not 100,000"),
    ("max_feed_bytes = 10", "max_feed_bytes must be between 1,000 and 1,000,000,000, not 10"),
    ("timeout_seconds = true", "timeout_seconds must be a number, not a boolean"),
    ("concurrency = 2.5", "concurrency must be an integer, not a number"),
    ("keep_days = -3", "keep_days must be between 1 and 36,500, not -3"),
    ('full_text = "some"', "full_text must be one of matches, all, never, not 'some'"),
])
def test_a_setting_of_the_wrong_type_or_range_is_refused(setting, message):
    text = with_setting(setting)
    assert_located(refused(text), line_of(text, setting), message)


def test_a_float_refresh_period_is_allowed():
    text = BASE.replace("refresh_minutes = 15", "refresh_minutes = 0.5")
    assert parse_config(text).settings.refresh_minutes == 0.5


def test_a_watch_category_needs_a_non_empty_list_of_terms():
    text = BASE + "\n[watch.empty]\nterms = []\n"
    assert_located(refused(text), line_of(text, "terms = []"),
                   "watch.empty.terms must be a non-empty list")
    assert "has no 'terms'" in refused(BASE + '\n[watch.bare]\ncolor = "red"\n').message


def test_an_empty_term_in_a_multi_line_list_points_at_the_empty_term():
    text = BASE + '\n[watch.extra]\nterms = ["Odesa",\n         ""]\n'
    error = refused(text)
    assert_located(error, line_of(text, '         ""'), "must not be empty")
    assert error.col == 10


def test_an_alert_on_an_unknown_watch_category_lists_the_real_ones():
    text = BASE + '\n[[alerts]]\nname = "Sport"\ncategories = ["sports"]\n'
    assert_located(refused(text), line_of(text, "categories ="),
                   "alert 'Sport': no watch category 'sports'",
                   "(the categories are: regions, negotiators)")


def test_an_alert_on_an_unknown_feed_or_tag_is_refused_at_its_feeds_line():
    text = BASE + '\n[[alerts]]\nname = "Pravda"\nall = ["Crimea"]\nfeeds = ["Pravda"]\n'
    assert_located(refused(text), line_of(text, 'feeds = ["Pravda"]'),
                   "alert 'Pravda': no feed or tag named 'Pravda'")


def test_a_second_alert_of_the_same_name_is_refused_at_its_name():
    text = (BASE + '\n[[alerts]]\nname = "Crimea"\nall = ["Crimea"]\n'
            '\n[[alerts]]\nname = "Crimea"\nany = ["Krim"]\n')
    assert_located(refused(text), line_of(text, 'name = "Crimea"', occurrence=2),
                   "an alert named 'Crimea' exists already")


def test_an_alert_with_an_unknown_key_is_refused():
    text = BASE + '\n[[alerts]]\nname = "x"\nall = ["Crimea"]\nsound = "beep"\n'
    assert_located(refused(text), line_of(text, "sound"), "unknown key 'sound' in alerts")


def test_an_alert_notifying_by_command_needs_the_command():
    text = BASE + '\n[[alerts]]\nname = "Run"\nall = ["Crimea"]\nnotify = ["command"]\n'
    error = refused(text)
    assert "notify by command needs a command to run" in error.message
    assert error.line in (line_of(text, "[[alerts]]"), line_of(text, 'name = "Run"'))


@pytest.mark.parametrize("snippet, header", [
    ('[extra]\nsetting = 1\n', "[extra]"),
    ('[watch.bare]\ncolor = "red"\n', "[watch.bare]"),
    ('[[alerts]]\nname = "Nothing"\n', "[[alerts]]"),
    ('[[feeds]]\nname = "Orphan"\n', "[[feeds]]"),
], ids=["unknown table", "category without terms", "alert without terms", "feed without url"])
def test_a_mistake_about_a_whole_table_points_at_its_header(snippet, header):
    text = BASE + "\n" + snippet
    header_line = len(text.splitlines()) - 1
    assert text.splitlines()[header_line - 1] == header
    assert refused(text).line == header_line


def test_an_error_that_cannot_be_located_still_names_the_key():
    error = refused('feeds = [{ name = "A", url = "ftp://a.example/" }]\n')
    assert str(error).startswith("feeds.toml:") and "not an http(s) URL" in str(error)
    assert error.line is not None or error.key == "feeds[0].url"


def test_a_file_is_named_by_its_own_name(tmp_path):
    path = tmp_path / "desk.toml"
    text = with_setting("timeout_seconds = -1")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    line = line_of(text, "timeout_seconds")
    assert str(caught.value).startswith(f"desk.toml:{line}:1: timeout_seconds must be between")


def test_a_missing_file_says_how_to_point_at_another(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "nowhere.toml")
    assert "no such file" in str(caught.value) and "--config" in str(caught.value)
    assert "nowhere.toml" in str(caught.value)


def test_a_file_that_is_not_utf8_is_refused_at_the_first_bad_byte(tmp_path):
    path = tmp_path / "feeds.toml"
    text = BASE.replace("Tageskompass", "Tagesk\u00f6mpass")
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    line = line_of(text, "Tagesk\u00f6mpass")
    column = text.splitlines()[line - 1].index("\u00f6") + 1
    assert str(caught.value) == (f"feeds.toml:{line}:{column}: not UTF-8 text (byte 0xf6); "
                                 "save the file as UTF-8")


def test_a_loaded_config_remembers_its_path(tmp_path):
    path = tmp_path / "feeds.toml"
    path.write_text(BASE, encoding="utf-8")
    assert load_config(path).path == path


# --- [keys] ----------------------------------------------------------------------------------


def test_keys_are_stored_as_textual_names():
    config = parse_config(BASE + '\n[keys]\nstar = "f"\nhelp = "?"\nsearch = "Ctrl+F"\n')
    assert config.keys == {"star": "f", "help": "question_mark", "search": "ctrl+f"}


def test_an_unknown_action_in_keys_is_refused_at_its_line():
    text = BASE + '\n[keys]\nstar = "f"\nfly = "y"\n'
    assert_located(refused(text), line_of(text, "fly ="), "[keys]: no action named 'fly'")


@pytest.mark.parametrize("value", ["ctrl+", "hyperspace", "ctrl+ctrl+p", "j,,k", "ctrl+shift+",
                                   "f25"])
def test_a_value_that_is_not_a_key_is_refused_at_its_line(value):
    text = BASE + f'\n[keys]\nstar = "{value}"\n'
    assert_located(refused(text), line_of(text, "star ="), "[keys] star:", "is not a key name")


def test_two_actions_on_one_key_on_one_screen_are_refused_naming_both():
    text = BASE + '\n[keys]\nstar = "j"\n'
    assert_located(refused(text), line_of(text, "star ="),
                   "[keys] star: j is already cursor_down on the dashboard screen")


def test_a_clash_is_blamed_on_the_rebound_action_not_on_the_default_one():
    text = BASE + '\n[keys]\nrefresh = "f"\nstar = "q"\n'
    assert_located(refused(text), line_of(text, "star ="), "[keys] star: q is already quit")
    text = BASE + '\n[keys]\nquit = "s"\n'
    assert_located(refused(text), line_of(text, "quit ="), "[keys] quit: s is already star")


def test_two_rebound_actions_clashing_are_refused():
    text = BASE + '\n[keys]\nstar = "f"\ntoggle_read = "F,f"\n'
    assert_located(refused(text), line_of(text, "toggle_read ="),
                   "[keys] toggle_read: f is already star on the dashboard screen")


def test_swapping_two_keys_is_allowed():
    config = parse_config(BASE + '\n[keys]\nstar = "x"\ntoggle_read = "s"\n')
    assert config.keys == {"star": "x", "toggle_read": "s"}


def test_a_key_may_do_different_things_on_different_screens():
    config = parse_config(BASE + '\n[keys]\nfold_unchanged = "d"\n')
    assert config.keys == {"fold_unchanged": "d"}


def test_keys_are_case_sensitive_for_letters():
    assert parse_config(BASE + '\n[keys]\nstar = "M"\n').keys == {"star": "M"}
    assert "already matches_only" in refused(BASE + '\n[keys]\nstar = "m"\n').message


@pytest.mark.parametrize("written, name", [
    ("j", "j"), ("G", "G"), ("?", "question_mark"), ("/", "slash"), (".", "full_stop"),
    ("-", "minus"), ("@", "at"), ("+", "plus"), ("ctrl+P", "ctrl+p"), ("CTRL+p", "ctrl+p"),
    ("Ctrl+Shift+X", "ctrl+shift+x"), ("ctrl+?", "ctrl+question_mark"), ("F5", "f5"),
    ("Enter", "enter"), ("shift+tab", "shift+tab"), (" j ", "j"), ("ctrl+ p", "ctrl+p"),
    ("question_mark", "question_mark"), ("left_square_bracket", "left_square_bracket"),
])
def test_a_key_is_normalized_to_textuals_name(written, name):
    assert keymap.normalize_key(written) == name


@pytest.mark.parametrize("written", ["", " ", "\t", "\x07", "ctrl+", "foo+p", "ctrl+ctrl+p",
                                     "a+b", "hyperspace", "f25"])
def test_what_is_not_a_bindable_key_normalizes_to_none(written):
    assert keymap.normalize_key(written) is None


def test_the_textual_name_minus_is_accepted():
    assert keymap.normalize_key("minus") == "minus"
    assert keymap.normalize_key("ctrl+minus") == "ctrl+minus"


def test_a_unicode_character_name_is_normalized_to_textuals_word():
    assert keymap.normalize_key("solidus") == "slash"
    assert keymap.normalize_key("commercial_at") == "at"


def test_a_key_list_is_normalized_and_repeats_dropped():
    assert keymap.normalize_keys("j, down") == "j,down"
    assert keymap.normalize_keys("?,/") == "question_mark,slash"
    assert keymap.normalize_keys("ctrl+p,CTRL+P") == "ctrl+p"
    assert keymap.normalize_keys("j,,k") is None and keymap.normalize_keys("") is None
    assert keymap.normalize_keys(",") == keymap.normalize_keys("comma") == "comma"


def test_the_default_keys_never_clash():
    assert keymap.conflicts({}) == []


def test_conflicts_report_every_screen_where_a_key_is_claimed_twice():
    assert keymap.conflicts({"diff": "n"}) == [
        ("n", keymap.DASHBOARD, "next_match", "diff"),
        ("n", keymap.ARTICLE, "next_match", "diff"),
    ]
    assert keymap.conflicts({"confirm_yes": "n"}) == [
        ("n", keymap.CONFIRM, "confirm_yes", "confirm_no")]


def test_every_action_is_named_once_with_normalized_default_keys():
    ids = [action.id for action in keymap.ACTIONS]
    assert len(ids) == len(set(ids)) and set(keymap.BY_ID) == set(ids)
    for action in keymap.ACTIONS:
        assert keymap.normalize_keys(action.keys) == action.keys, action.id


def test_every_action_has_help_a_known_section_and_known_screens():
    screens = {keymap.DASHBOARD, keymap.ARTICLE, keymap.DIFF, keymap.RELATED, keymap.ALERTS,
               keymap.ALERT_FORM, keymap.CONFIRM, keymap.HELP, keymap.TRENDS, keymap.STORY}
    assert screens == set(keymap.SCOPES)
    for action in keymap.ACTIONS:
        assert action.label and action.help.endswith("."), action.id
        assert action.section in keymap.SECTIONS, action.id
        assert action.scopes and set(action.scopes) <= screens, action.id


def test_the_readme_keys_are_the_defaults():
    assert keymap.BY_ID["star"].keys == "s" and keymap.BY_ID["matches_only"].keys == "m"
    assert keymap.BY_ID["search"].keys == "slash" and keymap.BY_ID["help"].keys == "question_mark"


# --- rule_problem ----------------------------------------------------------------------------

FEEDS = (FeedConfig("Harbor Wire", "http://127.0.0.1:9/h.xml", ("en", "wire")),
         FeedConfig("Tageskompass", "http://127.0.0.1:9/t.xml", ("de",)))
CATEGORIES = ("regions", "negotiators")


def problem(rule: AlertRule, **kwargs):
    return rule_problem(rule, categories=kwargs.pop("categories", CATEGORIES),
                        feeds=kwargs.pop("feeds", FEEDS), **kwargs)


def test_a_complete_rule_has_no_problem():
    rule = AlertRule("Crimea", all=("Crimea",), any=("recognition",), none=("football",),
                     categories=("regions",), feeds=("wire", "Tageskompass"),
                     notify=("toast", "command"), command=("notify-send",))
    assert problem(rule) is None


@pytest.mark.parametrize("rule, field, phrase", [
    (AlertRule("  ", all=("Crimea",)), "name", "give the alert a name"),
    (AlertRule("x", all=("Crimea", " ")), "all", "all holds an empty term"),
    (AlertRule("x", any=("",)), "any", "any holds an empty term"),
    (AlertRule("x", none=("football",)), "all", "give at least one term"),
    (AlertRule("x", all=("Crimea",), none=("Crimea",)), "none", "'Crimea' is both wanted (all)"),
    (AlertRule("x", any=("Krim",), none=("Krim",)), "none", "both wanted (any) and excluded"),
    (AlertRule("x", categories=("sports",)), "categories", "no watch category 'sports'"),
    (AlertRule("x", all=("a",), feeds=("Pravda",)), "feeds", "no feed or tag named 'Pravda'"),
    (AlertRule("x", all=("a",), notify=("email",)), "notify", "unknown notify 'email'"),
    (AlertRule("x", all=("a",), notify=("command",)), "command", "needs a command to run"),
], ids=["blank name", "empty all term", "empty any term", "only none", "all and none",
        "any and none", "unknown category", "unknown feed", "unknown notify", "no command"])
def test_each_problem_names_its_field(rule, field, phrase):
    found = problem(rule)
    assert found is not None and found.field == field and phrase in found.message


def test_a_taken_name_is_a_problem_only_among_other_rules():
    rule = AlertRule("Lavrov", all=("Lavrov",))
    assert problem(rule, taken=["Lavrov"]).field == "name"
    assert problem(rule, taken=["Crimea"]) is None


def test_a_category_rule_with_no_categories_configured_says_so():
    found = problem(AlertRule("x", categories=("regions",)), categories=())
    assert "none are configured" in found.message


def test_problems_use_the_callers_words_for_fields():
    labels = {"all": "All of", "any": "Any of", "categories": "Categories"}
    found = problem(AlertRule("x"), label=lambda field: labels.get(field, field))
    assert found.message == ("give at least one term in All of or Any of, "
                             "or a watch category in Categories")
    assert found.sentence() == ("Give at least one term in All of or Any of, "
                                "or a watch category in Categories.")


# --- where the files are ---------------------------------------------------------------------


def test_the_config_option_wins_over_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(CONFIG_ENV, "/env/feeds.toml")
    assert resolve_config_path("/opt/mine.toml") == Path("/opt/mine.toml")
    assert resolve_config_path(None) == Path("/env/feeds.toml")
    monkeypatch.delenv(CONFIG_ENV)
    assert resolve_config_path(None) == user_config_file()      # nothing here: the user's
    assert tmp_path in user_config_file().parents
    (tmp_path / "feeds.toml").write_text("")
    assert resolve_config_path(None) == Path("feeds.toml")      # ./feeds.toml before it


def test_the_cache_defaults_to_a_folder_beside_the_config(monkeypatch, tmp_path):
    monkeypatch.delenv(CACHE_ENV, raising=False)
    config = tmp_path / "desk" / "feeds.toml"
    assert resolve_cache_dir(None, config) == (tmp_path / "desk").resolve() / "cache"
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "env-cache"))
    assert resolve_cache_dir(None, config) == tmp_path / "env-cache"
    assert resolve_cache_dir(str(tmp_path / "opt"), config) == tmp_path / "opt"


def test_a_relative_config_puts_the_cache_beside_it_not_in_the_working_folder(monkeypatch,
                                                                              tmp_path):
    monkeypatch.delenv(CACHE_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert resolve_cache_dir(None, Path("conf/feeds.toml")) == tmp_path.resolve() / "conf" / "cache"


# --- watch terms: `not` and `*` ----------------------------------------------------------------

def test_a_term_table_takes_its_not_phrases_and_prefix_terms_are_accepted():
    text = BASE + ('\n[watch.words]\nterms = ["recogni*", { name = "Poutine", aliases = ["Putin"],'
                   ' not = ["путина на", "poutine au froma*"] }]\n'
                   '[[alerts]]\nname = "Recognition"\nall = ["Crimea"]\nany = ["recogni*", "визна*"]\n')
    config = parse_config(text)
    words = config.watch[-1]
    assert words.terms == (WatchTerm("recogni*"),
                           WatchTerm("Poutine", ("Putin",), ("путина на", "poutine au froma*")))
    assert config.alerts[0].any == ("recogni*", "визна*")


@pytest.mark.parametrize("terms, needle, message", [
    ('["Crimea", "rec*"]', '"rec*"', "needs at least 4 letters before the star"),
    ('["Crimea", "peace p*"]', '"peace p*"', "needs at least 4 letters before the star"),
    ('["re*cogni"]', '"re*cogni"', "a * may only end a term"),
    ('[{ name = "Putin", aliases = ["Пу*"] }]', '"Пу*"', "needs at least 4 letters"),
    ('[{ name = "Putin", not = "poutine" }]', "not =", "not must be a list of strings"),
    ('[{ name = "Putin", not = ["poutine", ""] }]', '""', "not must not be empty"),
    ('[{ name = "Putin", not = ["putin"] }]', '"putin"', "is the term itself"),
    ('[{ name = "Putin", except = ["poutine"] }]', "except =", "unknown key 'except'"),
])
def test_a_badly_written_term_is_refused_where_it_is_written(terms, needle, message):
    text = BASE + f"\n[watch.words]\nterms = [\n    \"Trump\",\n    {terms[1:-1]}]\n"
    with pytest.raises(ConfigError) as caught:
        parse_config(text)
    error = caught.value
    assert LOCATED.match(str(error)) and message in error.message, str(error)
    assert error.line == line_of(text, needle, text.count(needle))
    if needle.startswith('"'):
        assert text.splitlines()[error.line - 1][error.col - 1:].startswith(needle)


def test_an_alert_term_with_a_short_prefix_is_refused_at_its_line():
    text = BASE + '\n[[alerts]]\nname = "x"\nall = ["Crimea"]\nany = ["recognition",\n       "rec*"]\n'
    with pytest.raises(ConfigError) as caught:
        parse_config(text)
    assert caught.value.line == line_of(text, '"rec*"')
    assert "alert 'x': any: 'rec*'" in caught.value.message
    assert problem(AlertRule("x", any=("re*",))).field == "any"
    assert problem(AlertRule("x", any=("recogni*",))) is None


# -- nesting deeper than the TOML reader can take -------------------------------------------


def _nesting_one_char_at_a_time(text: str) -> tuple[int, int] | None:
    """The nesting scan as first written, a character at a time: the reference the faster
    scan (tui/core/config/locate.py) must agree with, line-ending backslashes aside."""
    depth, line, col, quote, i = 0, 1, 0, None, 0
    while i < len(text):
        char = text[i]
        col += 1
        if char == "\n":
            line, col = line + 1, 0
            if quote in ('"', "'"):
                quote = None
        elif quote is not None:
            if char == "\\" and quote in ('"', '"""'):
                i += 2
                col += 1
                continue
            if text.startswith(quote, i):
                i += len(quote)
                col += len(quote) - 1
                quote = None
                continue
        elif char == "#":
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
            continue
        elif char in "\"'":
            quote = char * 3 if text.startswith(char * 3, i) else char
            i += len(quote)
            col += len(quote) - 1
            continue
        elif char in "[{":
            depth += 1
            if depth > MAX_NESTING:
                return line, col
        elif char in "]}":
            depth = max(0, depth - 1)
        i += 1
    return None


def test_nesting_past_the_limit_is_refused_at_its_bracket() -> None:
    text = BASE + "\n[settings.deep]\nvalue = " + "[" * (MAX_NESTING + 5) + "]" * (MAX_NESTING + 5)
    with pytest.raises(ConfigError) as refused:
        parse_config(text)
    message = str(refused.value)
    assert f"nested more than {MAX_NESTING} deep" in message
    line = len(text.splitlines())
    assert LOCATED.match(message) and message.startswith(f"feeds.toml:{line}:{9 + MAX_NESTING}:")


def test_brackets_in_strings_and_comments_are_not_nesting() -> None:
    deep = "[" * (MAX_NESTING + 1)
    text = (f'# {deep}\nname = "{deep}"\nother = \'{deep}\'\n'
            f'long = """\n{deep}\\"""\n"""\nvalue = [[1], [2]]\n')
    assert nesting_too_deep(text) is None
    assert nesting_too_deep(text + "x = " + deep) == (8, 5 + MAX_NESTING)


def test_a_line_ending_backslash_in_a_string_still_counts_its_line() -> None:
    text = 'text = """one \\\ntwo"""\nx = ' + "[" * (MAX_NESTING + 1)
    assert nesting_too_deep(text) == (3, 5 + MAX_NESTING)


def test_the_nesting_scan_agrees_with_the_scan_a_character_at_a_time() -> None:
    rng = random.Random(15)
    pieces = ["[", "]", "{", "}", "[[", "\n", "#", '"', "'", '"""', "'''", "\\", "\\\"", "a", "é",
              " ", "x = ", "\r\n"]
    for _ in range(3_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 120)))
        if "\\\n" in text:
            continue            # the reference lost a line there (fixed in the faster scan)
        assert nesting_too_deep(text) == _nesting_one_char_at_a_time(text), text
