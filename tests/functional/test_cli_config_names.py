"""Names a user typed in feeds.toml (a feed's, an alert's) reach the terminal as text too: a
TOML escape such as "\\u001b[31m" or a right-to-left override in a name is shown as U+FFFD by
`check`, `fetch`, `watch` and `alerts`, as the headline table already shows it, never acted on."""

from __future__ import annotations

import re

from tests.support.feedgen import config_text, item, rss
from tests.support.processes import wirewatch

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
FEED = r"Red \u001b[31mWire\u202e"
ALERT = r"""
[watch."odd\u0007names"]
terms = ["Yermak\u202e"]

[[alerts]]
name = "Crimea \u001b]0;owned\u0007news"
all = ["Crimea"]
"""


def test_feed_and_alert_names_with_control_characters_are_shown_not_obeyed(tmp_path,
                                                                           http_server):
    http_server.route("/wire.xml", rss([item(1, title="US weighs recognition of Crimea")]),
                      content_type="application/rss+xml")
    config = tmp_path / "feeds.toml"
    config.write_text(config_text([(FEED, http_server.url("/wire.xml"))], extra=ALERT),
                      encoding="utf-8")
    checked = wirewatch(config, "check")
    assert checked.returncode == 0, checked.stderr
    assert "watch.odd\ufffdnames: Yermak\ufffd" in checked.stdout

    fetched = wirewatch(config, "fetch")
    assert fetched.returncode == 0, fetched.stderr
    assert "Red \ufffd[31mWire\ufffd  1 new" in fetched.stdout
    watched = wirewatch(config, "watch", "--once", cache=tmp_path / "other-cache")
    assert watched.returncode == 0, watched.stderr
    assert "Crimea \ufffd]0;owned\ufffdnews: US weighs recognition of Crimea" in watched.stdout
    listed = wirewatch(config, "alerts")
    for proc in (checked, fetched, watched, listed):
        assert not UNSAFE.search(proc.stdout + proc.stderr), repr(proc.stdout + proc.stderr)


CAFE_COMPOSED, CAFE_DECOMPOSED = "Caf\u00e9 Wire", "Cafe\u0301 Wire"


def test_a_feed_name_is_one_name_however_its_accent_was_typed(tmp_path, http_server, capsys):
    """"Café" typed on one keyboard is one character é, pasted from another an e and a
    combining accent: the same name to a reader, so one feed to wirewatch (a duplicate when
    listed twice, found by `--feed` typed either way)."""
    from tui.cli import main

    http_server.route("/cafe.xml", rss([item(1, title="Witkoff stops for coffee")]),
                      content_type="application/rss+xml")
    http_server.route("/other.xml", rss([item(2, title="Markets calm")]),
                      content_type="application/rss+xml")
    twice = tmp_path / "twice.toml"
    twice.write_text(config_text([(CAFE_COMPOSED, http_server.url("/cafe.xml")),
                                  (CAFE_DECOMPOSED, http_server.url("/other.xml"))]),
                     encoding="utf-8")
    assert main(["--config", str(twice), "check"]) == 2
    assert "duplicate feed name" in capsys.readouterr().err

    config = tmp_path / "feeds.toml"
    config.write_text(config_text([(CAFE_DECOMPOSED, http_server.url("/cafe.xml")),
                                   ("Other", http_server.url("/other.xml"))]), encoding="utf-8")
    assert main(["--config", str(config), "fetch"]) == 0
    capsys.readouterr()
    for typed in (CAFE_COMPOSED, CAFE_DECOMPOSED):
        assert main(["--config", str(config), "headlines", "--feed", typed]) == 0
        out = capsys.readouterr().out
        assert "Witkoff stops for coffee" in out and "Markets calm" not in out
