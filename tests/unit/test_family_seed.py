"""The word families of the shipped configs' lower-case terms ship with wirewatch
(tui/data/word_families.json): a first run on the starter feeds.toml, and every `wirewatch
demo` (whose cache is new each time), starts without reading a dictionary, which took 1-3 s
before the first screen. Regenerate with tests/support/make_family_seed.py."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from tests.support.make_family_seed import shipped_configs
from tui.core.names import family
from tui.core.session import Session

SEED = json.loads(resources.files("tui").joinpath("data", family.SEED_FILE).read_text(encoding="utf-8"))
REGENERATE = "run tests/support/make_family_seed.py"


@pytest.fixture
def nothing_remembered():
    """An empty memo for the test (the process's own is put back after)."""
    saved = dict(family.memo)
    family.memo.clear()
    yield
    family.memo.clear()
    family.memo.update(saved)


@pytest.fixture
def dictionary_passes(monkeypatch) -> list[str]:
    """The languages whose dictionary is read, in order (the real reading still happens)."""
    passes: list[str] = []
    real = family._forms_in

    def counted(lang: str, words: list[str]) -> dict[str, set[str]]:
        passes.append(lang)
        return real(lang, words)

    monkeypatch.setattr(family, "_forms_in", counted)
    return passes


def seed_is_for_this_simplemma() -> None:
    if SEED["simplemma"] != family._version():
        pytest.skip(f"the seed is for simplemma {SEED['simplemma']}, "
                    f"{family._version()} is installed: {REGENERATE}")


@pytest.mark.parametrize("origin", ["tui/data/feeds.toml", "the demo"])
def test_a_shipped_config_opens_on_a_new_cache_without_reading_a_dictionary(
        tmp_path, origin, nothing_remembered, dictionary_passes):
    seed_is_for_this_simplemma()
    config = tmp_path / "feeds.toml"
    config.write_text(shipped_configs()[origin], encoding="utf-8")
    session = Session.open(str(config), str(tmp_path / "cache"))
    try:
        assert dictionary_passes == [], f"{origin} has terms the seed lacks: {REGENERATE}"
        # The forms were there all the same: the alert words find their inflections.
        assert family.memo["recognise"] == tuple(SEED["forms"]["recognise"])
        assert "recognised" in {m.text for m in session.rules.matchers[0].find("Kyiv recognised it")}
    finally:
        session.close()


def test_the_seed_holds_what_the_dictionaries_give(nothing_remembered, monkeypatch):
    seed_is_for_this_simplemma()
    monkeypatch.setattr(family, "load_seed", set)
    looked_up = family.word_families(SEED["forms"])
    assert {word: list(forms) for word, forms in looked_up.items()} == SEED["forms"]


def test_a_seed_made_with_another_simplemma_is_not_taken(tmp_path, nothing_remembered):
    stale = tmp_path / family.SEED_FILE
    stale.write_text(json.dumps({**SEED, "simplemma": "0.0.1"}), encoding="utf-8")
    assert family.load_memo(stale) == set() and family.memo == {}
