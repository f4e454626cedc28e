"""`wirewatch compare` across languages: the facts table and the rows aligned by facts (text
and --json), and the word diff kept for two reports in one language."""

from __future__ import annotations

import json

import pytest

from tests.support.cachegen import config_text
from tests.support.multilingual import build_multilingual
from tui.cli import main


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    folder = tmp_path_factory.mktemp("compare")
    built, uids = build_multilingual(folder / "cache")
    built.close()
    config = folder / "feeds.toml"
    config.write_text(config_text(), encoding="utf-8")
    return ["--config", str(config), "--cache", str(folder / "cache")], uids


def run(capsys, argv: list[str]) -> str:
    capsys.readouterr()
    assert main(argv) == 0
    return capsys.readouterr().out


def test_compare_json_of_two_languages_has_facts_and_aligned_rows(cache, capsys) -> None:
    argv, uids = cache
    data = json.loads(run(capsys, [*argv, "compare", uids["geneva/en"], uids["geneva/ru"],
                                   "--json"]))
    assert data["aligned_by"] == "facts"
    assert (data["left"]["language"], data["right"]["language"]) == ("en", "ru")
    first = data["facts"][0]
    assert first == {"kind": "number", "value": "19 point", "left": "19 points",
                     "right": "28 пунктов", "status": "differs", "right_value": "28 point"}
    statuses = {fact["value"]: fact["status"] for fact in data["facts"]}
    assert statuses["Steve Witkoff"] == statuses["Marco Rubio"] == "both"
    assert statuses["Donald Trump"] == "left"
    rows = data["rows"]
    assert {"op", "left", "right", "left_changes", "right_changes", "shared"} <= rows[0].keys()
    paired = [row for row in rows if row["op"] == "replace"]
    assert any("Marco Rubio" in row["shared"] and "Рубио" in row["right"] for row in paired)
    head = rows[0]
    assert [head["left"][a:b] for a, b in head["left_changes"]] == ["19 points"]
    assert [head["right"][a:b] for a, b in head["right_changes"]] == ["28 пунктов"]


def test_compare_text_of_two_languages_prints_the_facts_table_first(cache, capsys) -> None:
    argv, uids = cache
    out = run(capsys, [*argv, "compare", uids["loan/en"], uids["loan/de"]])
    lines = out.splitlines()
    assert lines[0].startswith("facts (en | de)")
    loan = next(line for line in lines if "€90bn" in line and "|" in line)
    assert "90 Mrd. Euro" in loan and loan.rstrip().endswith("both")
    assert "sentences paired" in lines[-1]


def test_compare_in_one_language_keeps_the_word_diff(cache, capsys) -> None:
    argv, uids = cache
    data = json.loads(run(capsys, [*argv, "compare", uids["geneva/en"], uids["moscow/en"],
                                   "--json"]))
    assert data["aligned_by"] == "words" and "facts" not in data
    assert all(set(row) <= {"op", "left", "right", "left_changes", "right_changes", "moved"}
               for row in data["rows"])


def test_only_reports_in_one_language_get_a_word_diff(cache) -> None:
    """Across two languages the rows come from the facts: the word diff of the two texts is
    not computed at all (it was, and thrown away)."""
    from tui.core.cache.store import Store
    from tui.core.stories.compare import compare_reports
    from tui.core.text.articles import cached_rows
    from tui.core.text.diff import document_rows

    argv, uids = cache
    diffed: list[tuple] = []
    cached_rows.cache_clear()       # another test in this process may have diffed this pair

    def rows_of(old, new):
        diffed.append((old, new))
        return document_rows(old, new)

    store = Store.open_read_only(argv[argv.index("--cache") + 1])
    try:
        across = compare_reports(store, uids["geneva/en"], uids["geneva/ru"], rows_of)
        assert across.by_facts and across.rows and diffed == []
        alike = compare_reports(store, uids["geneva/en"], uids["loan/en"], rows_of)
        assert not alike.by_facts and len(diffed) == 1
        assert alike.rows == list(document_rows(*diffed[0]))
    finally:
        store.close()
