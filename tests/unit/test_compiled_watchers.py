"""Compiled watchlists kept in the cache folder (tui/core/names/compiled.py): a watcher taken
back from the file is the one compiling would give, and a file that does not fit is compiled
again, never trusted."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cachegen import make_session
from tests.unit.test_watch import WATCHLIST
from tui.core.names.compiled import FILE, CompiledWatchers
from tui.core.names.watch import Term, Watcher

LABELLED = Path(__file__).resolve().parents[1] / "data" / "watch_labelled.jsonl"

# The labelled watchlist, plus what compiles to the less common shapes: a prefix term, a
# prefix as the second word of a name (an "any ending" word beside the anchor), a name with
# its own exception phrase.
TERMS = [*WATCHLIST, Term("recogni*", "words"), Term("Donald Tru*", "people"),
         Term("Lukashenko", "people", exceptions=("Lukashenko's moustache",))]
EXTRA = ["Recognition of Crimea is off the table", "Donald Trumpster and Donald Trump met",
         "Lukashenko's moustache is news again; Lukashenko speaks", "Крымская весна, Путина нет"]


def corpus() -> list[str]:
    with LABELLED.open(encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in lines] + EXTRA


def found(watcher: Watcher, texts: list[str]) -> list[list[tuple]]:
    return [[(m.start, m.end, m.name, m.category) for m in watcher.find(text)] for text in texts]


def test_a_kept_watcher_finds_what_a_compiled_one_finds(tmp_path):
    compiled = Watcher(TERMS)
    first = CompiledWatchers(tmp_path)
    first.watcher(TERMS)
    first.save()
    kept = CompiledWatchers(tmp_path).watcher(TERMS)
    texts = corpus()
    assert found(kept, texts) == found(compiled, texts)
    assert sum(map(len, found(kept, texts))) > 400          # the corpus is full of mentions
    assert found(kept, EXTRA[1:2]) == [[(0, 16, "Donald Tru*", "people"),
                                        (21, 33, "Donald Tru*", "people")]]
    assert kept.fingerprint == compiled.fingerprint
    assert kept.term_fingerprints == compiled.term_fingerprints
    assert kept.stems == compiled.stems
    assert len(kept.gazetteer) == len(compiled.gazetteer)   # still there when asked for


def test_the_file_is_read_rather_than_compiled_again(tmp_path):
    saving = CompiledWatchers(tmp_path)
    saving.watcher(TERMS[:3])
    saving.save()
    path = tmp_path / FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    (record,) = data["watchers"].values()
    record["fingerprint"] = "kept"                  # a mark only the file has
    path.write_text(json.dumps(data), encoding="utf-8")
    assert CompiledWatchers(tmp_path).watcher(TERMS[:3]).fingerprint == "kept"


def test_other_terms_are_compiled_and_the_file_then_holds_only_theirs(tmp_path):
    saving = CompiledWatchers(tmp_path)
    saving.watcher(TERMS[:3])
    saving.save()
    changed = [Term("Crimea", "regions", aliases=("Krym",)), *TERMS[1:3]]
    again = CompiledWatchers(tmp_path)
    watcher = again.watcher(changed)
    assert watcher.fingerprint == Watcher(changed).fingerprint
    again.save()
    (record,) = json.loads((tmp_path / FILE).read_text(encoding="utf-8"))["watchers"].values()
    assert record["fingerprint"] == watcher.fingerprint


def test_a_damaged_file_is_compiled_again_and_rewritten(tmp_path):
    saving = CompiledWatchers(tmp_path)
    saving.watcher(TERMS[:3])
    saving.save()
    path = tmp_path / FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    (record,) = data["watchers"].values()
    record["heads"] = {"crim": [["not", "a", "head"]]}
    path.write_text(json.dumps(data), encoding="utf-8")
    expected = Watcher(TERMS[:3])
    damaged = CompiledWatchers(tmp_path)
    assert found(damaged.watcher(TERMS[:3]), EXTRA) == found(expected, EXTRA)
    damaged.save()
    path.write_text("{not json", encoding="utf-8")
    assert CompiledWatchers(tmp_path).watcher(TERMS[:3]).fingerprint == expected.fingerprint


def test_a_folder_that_cannot_be_written_only_means_compiling_again(tmp_path):
    missing = CompiledWatchers(tmp_path / "gone")
    assert missing.watcher(TERMS[:2]).fingerprint == Watcher(TERMS[:2]).fingerprint
    missing.save()                                  # no error
    assert not (tmp_path / "gone").exists()


def test_a_session_keeps_its_watchlist_and_rules_compiled(tmp_path):
    first = make_session(tmp_path / "cache")
    watch, rules = first.watcher.fingerprint, first.rules.fingerprint
    first.close()
    assert (tmp_path / "cache" / FILE).exists()
    second = make_session(tmp_path / "cache")
    try:
        assert (second.watcher.fingerprint, second.rules.fingerprint) == (watch, rules)
        kept = json.loads((tmp_path / "cache" / FILE).read_text(encoding="utf-8"))["watchers"]
        stored = {record["fingerprint"] for record in kept.values()}
        assert second.rules.matchers and {watch, *(m.fingerprint for m in second.rules.matchers)} <= stored
    finally:
        second.close()
