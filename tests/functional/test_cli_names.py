"""Names in the new languages, derived words, exceptions (shipped and `not`), prefix terms and
word families, end to end: a loopback feed fetched by the real `fetch`, stored in a real cache,
read back by `headlines --json`, alert rules firing, and `check` on the term syntax."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.feedgen import item, rss
from tui.cli import main

TITLES = {
    1: "Putin przyjął Witkoffa na Kremlu, Zełenski w Genewie",
    2: "Zelenského kancelář: Krym a Doněck nejsou na prodej",
    3: "Crimean-Congo haemorrhagic fever case confirmed in Spain",
    4: "Путина на Камчатке стартовала раньше обычного",
    5: "Путина на саммите не будет, заявил Песков",
    6: "Putin's dog show in Sochi draws crowds",
    7: "EU refuses to recognise the annexation of Crimea",
    8: "Kyiv seeks recognition of its borders",
    9: "Країни ЄС не визнають анексію Криму",
    10: "The Trumpian turn and the Putinversteher: Donetska oblast on the table",
}
CONFIG = """\
[settings]
timeout_seconds = 5
full_text = "never"

[[feeds]]
name = "Wire"
url = "{url}"

[watch.regions]
terms = ["Crimea", "Donetsk"]

[watch.negotiators]
terms = ["Witkoff", "Zelensky", "Trump",
         {{ name = "Putin", not = [{not_}] }}]

[[alerts]]
name = "Crimea recognition"
all = ["Crimea"]
any = ["recogni*", "визнати"]
"""


class Desk:
    def __init__(self, tmp_path: Path, url: str) -> None:
        self.config, self.cache, self.url = tmp_path / "feeds.toml", tmp_path / "cache", url
        self.write('"Putin\'s dog"')

    def write(self, not_: str) -> None:
        self.config.write_text(CONFIG.format(url=self.url, not_=not_), encoding="utf-8")

    def run(self, capsys, *args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        status = main(["--config", str(self.config), "--cache", str(self.cache), *args])
        out, err = capsys.readouterr()
        return status, out, err

    def matches(self, capsys) -> dict[int, set[str]]:
        status, out, err = self.run(capsys, "headlines", "--json", "--limit", "0")
        assert status == 0, err
        by_title = {entry["title"]: {m["name"] for m in entry["matches"]} for entry in json.loads(out)["items"]}
        return {n: by_title[title] for n, title in TITLES.items()}


@pytest.fixture
def desk(tmp_path, http_server) -> Desk:
    http_server.route("/wire.xml", rss([item(n, title=t, summary="") for n, t in TITLES.items()]))
    return Desk(tmp_path, http_server.url("/wire.xml"))


def test_names_languages_exceptions_and_word_families_through_the_cli(desk, capsys):
    status, out, err = desk.run(capsys, "fetch", "--json")
    assert status == 0, err
    assert sorted(hit["title"] for hit in json.loads(out)["alerts"]) == sorted([TITLES[7], TITLES[9]])

    found = desk.matches(capsys)
    assert found[1] == {"Putin", "Witkoff", "Zelensky"}       # Polish cases and romanisation
    assert found[2] == {"Zelensky", "Crimea", "Donetsk"}       # Czech
    assert found[3] == set()                                   # a disease, not the place
    assert found[4] == set()                                   # the fishing season
    assert found[5] == {"Putin"}                               # Putin's genitive
    assert found[6] == set()                                   # the term's own `not`
    assert found[7] == {"Crimea"} and found[9] == {"Crimea"}
    assert found[10] == {"Trump", "Putin", "Donetsk"}          # derived words, compounds, oblast

    status, out, err = desk.run(capsys, "alerts", "--json")
    assert status == 0 and json.loads(out)["alerts"][0]["any"] == ["recogni*", "визнати"]

    # Dropping the `not` changes the watcher's fingerprint: the cache re-matches, no fetch.
    desk.write("")
    assert desk.matches(capsys)[6] == {"Putin"}


def test_check_accepts_the_term_syntax_and_refuses_a_short_prefix_where_it_is_written(desk, capsys):
    status, out, err = desk.run(capsys, "check")
    assert status == 0, err
    assert "Putin" in out

    text = desk.config.read_text(encoding="utf-8").replace('"recogni*"', '"rec*"')
    desk.config.write_text(text, encoding="utf-8")
    status, out, err = desk.run(capsys, "check")
    line = next(n for n, row in enumerate(text.splitlines(), start=1) if '"rec*"' in row)
    column = text.splitlines()[line - 1].index('"rec*"') + 1
    assert status == 2 and out == ""
    assert err.strip() == (f"feeds.toml:{line}:{column}: alert 'Crimea recognition': any: 'rec*': "
                           "a term ending in * needs at least 4 letters before the star (recogni*)")

    desk.write('"putin"')
    status, out, err = desk.run(capsys, "check")
    assert status == 2 and "'putin' is the term itself" in err and err.startswith("feeds.toml:")
