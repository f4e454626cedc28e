"""The matcher's reach beyond the five languages it was built for, one test per rule: Polish,
Czech, Slovak and Romanian case forms and possessives, Romance exonyms, derived words and
closed compounds, the Ukrainian vocative, the adjectival oblast forms, exceptions (shipped and
per term), prefix terms (`recogni*`) and word families of lower-case terms."""

from __future__ import annotations

import pytest

from tests.unit.test_watch import WATCHLIST, names, texts
from tui.core.names import family
from tui.core.names.exceptions import (
    Exceptions,
    ExceptionsError,
    Phrase,
    load_exceptions,
    parse_exceptions,
)
from tui.core.names.translit import romanize
from tui.core.names.watch import Gazetteer, Term, Watcher, load_gazetteer


@pytest.fixture(scope="module")
def watcher() -> Watcher:
    return Watcher(WATCHLIST)


# --------------------------------------------------------------------------- languages


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Polish: local romanisation and case endings
        ("rozmowy z Putinem i Ławrowem", ["Putinem", "Ławrowem"]),
        ("Zełenskiego doradca", ["Zełenskiego"]),
        ("na Krymie i w Doniecku", ["Krymie", "Doniecku"]),
        ("ostrzał Chersonia, w Chersoniu", ["Chersonia", "Chersoniu"]),
        ("w Zaporożu", ["Zaporożu"]),
        ("Jermakowi i Umierowowi", ["Jermakowi", "Umierowowi"]),
        # Czech and Slovak: cases and the adjectival surname
        ("Zelenského kancelář, se Zelenským", ["Zelenského", "Zelenským"]),
        ("na Krymu, v Doněcku, u Záporoží", ["Krymu", "Doněcku", "Záporoží"]),
        ("s Dmitrijevom a Witkoffom", ["Dmitrijevom", "Witkoffom"]),
        ("na Kryme, v Záporoží", ["Kryme", "Záporoží"]),
        # Spanish, Italian, Portuguese, Romanian exonyms and Romanian genitive
        ("Jersón y Zaporiyia", ["Jersón", "Zaporiyia"]),
        ("la Crimeia e Zaporíjia", ["Crimeia", "Zaporíjia"]),
        ("Anexarea Crimeei, Donețk, Herson", ["Crimeei", "Donețk", "Herson"]),
        ("Doneţk (cedilla)", ["Doneţk"]),
    ],
)
def test_case_forms_of_the_new_languages(watcher: Watcher, text: str, expected: list[str]) -> None:
    assert texts(watcher, text) == expected


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Putinova armáda", "Putin"),        # Czech possessive adjective, capitalised
        ("Trumpův zmocněnec", "Trump"),
        ("Putinov režim", "Putin"),          # Slovak
        ("Putinovho poradcu", "Putin"),
        ("putinowska propaganda", "Putin"),  # Polish, lower case
        ("trumpowskiej retoryki", "Trump"),
    ],
)
def test_possessive_adjectives_of_a_man_s_name(watcher: Watcher, text: str, name: str) -> None:
    assert names(watcher, text) == [name]


@pytest.mark.parametrize(
    ("text", "lower_case_adjective"),
    [("obwód doniecki", "doniecki"), ("Most Krymski", "Krymski"), ("v Luhanské oblasti", "Luhanské"),
     ("Doneckej oblasti", "Doneckej"), ("Záporožská elektráreň", "Záporožská"), ("el puerto crimeano", "crimeano")],
)
def test_lower_case_adjectives_of_places_decline(watcher: Watcher, text: str, lower_case_adjective: str) -> None:
    assert texts(watcher, text) == [lower_case_adjective]


def test_a_user_term_the_gazetteer_does_not_know_is_romanised_the_polish_and_czech_way() -> None:
    assert romanize("костюков", "pl_ru") == ("kostiukow",)
    assert romanize("лавров", "pl_ru") == ("ławrow",)
    assert romanize("ермак", "pl_ru") == ("jermak",)
    assert romanize("зеленський", "pl_uk")[0] == "zełenski"
    assert romanize("дмитриев", "cs_ru") == ("dmitrijev",)
    watcher = Watcher([Term("Kostyukov", "people")], gazetteer=Gazetteer())
    assert texts(watcher, "Kostiukow, Kostiukowa, Kostjukov, Kostjukovem") == [
        "Kostiukow", "Kostiukowa", "Kostjukov", "Kostjukovem"]


# --------------------------------------------------------------------------- derived forms


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("the Trumpian approach", "Trump"),
        ("Putinism without Putin", "Putin"),
        ("les trumpistes", "Trump"),
        ("la diplomatie poutinienne", "Putin"),
        ("retórica putinista", "Putin"),
        ("il linguaggio trumpiano", "Trump"),
        ("discursul putinist", "Putin"),
        ("путинизм и путинисты", "Putin"),
        ("Путінізм як ідеологія", "Putin"),
        ("путинский режим", "Putin"),
    ],
)
def test_words_derived_from_a_person_s_name(watcher: Watcher, text: str, name: str) -> None:
    assert set(names(watcher, text)) == {name}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Putinversteher in der AfD", ["Putinversteher"]),
        ("Der Krimkrieg", ["Krimkrieg"]),
        ("die Krim-Annexion", ["Krim"]),
        ("Trumpregierung und Trump-Regierung", ["Trumpregierung", "Trump"]),
    ],
)
def test_closed_compounds_with_a_name_as_a_component(watcher: Watcher, text: str, expected: list[str]) -> None:
    assert texts(watcher, text) == expected


@pytest.mark.parametrize(
    "text",
    ["Krimi am Sonntag", "Krimskrams", "Trumpf meldet Umsatz", "die Lavra", "Donation drive", "Putignano",
     "Lavras recebe festival", "Kryminał roku", "nový krimi seriál", "Rubéola", "Chersonezu", "Hersonissos"],
)
def test_a_name_must_be_a_real_component_of_a_longer_word(watcher: Watcher, text: str) -> None:
    assert watcher.find(text) == []


def test_the_ukrainian_vocative(watcher: Watcher) -> None:
    assert texts(watcher, "Пане Путіне, пане Трампе") == ["Путіне", "Трампе"]


@pytest.mark.parametrize(
    ("text", "name"),
    [("Donetska oblast", "Donetsk"), ("Zaporizka oblast", "Zaporizhzhia"), ("Luhanska oblast", "Luhansk"),
     ("Khersonska oblast", "Kherson"), ("Donetskaya oblast", "Donetsk")],
)
def test_the_adjectival_romanisation_of_a_region(watcher: Watcher, text: str, name: str) -> None:
    assert names(watcher, text) == [name]


# --------------------------------------------------------------------------- exceptions


@pytest.mark.parametrize(
    "text",
    [
        "Crimean-Congo haemorrhagic fever case confirmed",
        "Congo-Crimean haemorrhagic fever",
        "Krim-Kongo-Fieber: erster Fall",
        "fièvre hémorragique de Crimée-Congo",
        "Fiebre hemorrágica de Crimea-Congo",
        "Случаи крымской геморрагической лихорадки",
        "Кримська геморагічна гарячка",
        "Poutine au fromage : la recette",
        "Poutine week returns to Montreal",
        "Путина на Камчатке стартовала",
        "Новости. Путина в разгаре",
        "Rubio platino, el color del verano",
        "«Rubio o moreno»: la genética",
    ],
)
def test_shipped_exceptions_drop_the_mentions_they_contain(watcher: Watcher, text: str) -> None:
    assert watcher.find(text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Путина на саммите не будет", "Putin"),        # not the fishing season: no listed context
        ("визит Путина на Камчатку", "Putin"),          # the season's phrases count only sentence-initially
        ("Marco Rubio platino", "Rubio"),               # not at the start
        ("Crimean bridge and Congo talks", "Crimea"),   # the words apart are no phrase
        ("Crimean-Congo fever hits Crimea", "Crimea"),  # the second mention stays
    ],
)
def test_an_exception_covers_only_its_own_phrase(watcher: Watcher, text: str, name: str) -> None:
    assert names(watcher, text) == [name]


def test_a_term_s_own_not_phrases() -> None:
    watcher = Watcher([Term("Putin", "n", exceptions=("путина на", "Poutine"))])
    assert watcher.find("Путина на саммите не будет") == []
    assert watcher.find("Poutine à Moscou") == []
    assert names(watcher, "Путина ждут, Putin said") == ["Putin", "Putin"]
    dog = Watcher([Term("Putin", "n", exceptions=("Putin's dog",))])
    assert dog.find("Putin’s dog Konni") == [] and names(dog, "Putin’s speech") == ["Putin"]
    # A term unknown to the gazetteer takes its `not` too, with prefixes.
    own = Watcher([Term("Acme", "c", exceptions=("Acme Corp*",))], gazetteer=Gazetteer())
    assert texts(own, "Acme Corporation and Acme") == ["Acme"]


def test_exception_phrases_fold_accents_and_hyphens() -> None:
    found = Exceptions([Phrase("Crimée-Congo")])
    view = "la fievre de crimee congo"
    start = view.index("crimee")
    assert found.covers(view, start, start + 6)
    initial = Exceptions([Phrase("путина на камчатк*", initial=True)])
    assert initial.covers("путина на камчатке", 0, 6)
    assert not initial.covers("визит путина на камчатке", 6, 12)


def test_the_shipped_exceptions_name_gazetteer_entries() -> None:
    entries = {e.name for e in load_gazetteer().entries}
    shipped = load_exceptions()
    assert {"Crimea", "Vladimir Putin", "Marco Rubio"} <= set(shipped) <= entries


def test_a_malformed_exceptions_table_is_refused() -> None:
    with pytest.raises(ExceptionsError, match="unknown key"):
        parse_exceptions({"exceptions": [{"name": "Crimea", "phrases": ["x"]}]})
    with pytest.raises(ExceptionsError, match="list of phrases"):
        parse_exceptions({"exceptions": [{"name": "Crimea", "anywhere": "x"}]})


# --------------------------------------------------------------------------- prefix terms


def test_a_prefix_term_matches_every_word_that_starts_with_it() -> None:
    watcher = Watcher([Term("recogni*", "w")])
    assert texts(watcher, "Recognition, recognise, RECOGNIZED; unrecognised, recog") == [
        "Recognition", "recognise", "RECOGNIZED"]


def test_a_prefix_term_matches_in_the_script_it_is_written_in() -> None:
    watcher = Watcher([Term("recogni*", "w", ("визна*", "anerkenn*"))])
    assert texts(watcher, "визнання, визнають; Anerkennung; признание") == [
        "визнання", "визнають", "Anerkennung"]


def test_a_capitalised_prefix_needs_a_capitalised_word_and_multi_word_prefixes_work() -> None:
    watcher = Watcher([Term("Zelensk*", "n"), Term("peace pla*", "w")])
    assert texts(watcher, "Zelenskyy and zelenskyite; peace plans, peace planning") == [
        "Zelenskyy", "peace plans", "peace planning"]


def test_prefix_terms_change_the_fingerprint() -> None:
    assert Watcher([Term("recogni*", "w")]).fingerprint != Watcher([Term("recogni", "w")]).fingerprint
    assert Watcher([Term("recogni*", "w")]).fingerprint != Watcher([Term("recogn*", "w")]).fingerprint


# --------------------------------------------------------------------------- word families


@pytest.mark.parametrize(
    ("term", "text", "found"),
    [
        ("визнати", "Країни визнають і визнали", ["визнають", "визнали"]),
        ("recognise", "It recognised and recognises", ["recognised", "recognises"]),
        ("anerkennen", "Berlin hat die Grenzen anerkannt", ["anerkannt"]),
        ("признать", "отказались признать, признали", ["признать", "признали"]),
    ],
)
def test_a_lower_case_word_term_matches_its_inflected_forms(term: str, text: str, found: list[str]) -> None:
    assert texts(Watcher([Term(term, "w")]), text) == found


def test_a_plural_term_takes_the_family_of_its_singular_but_not_of_a_suppletive_lemma() -> None:
    assert texts(Watcher([Term("sanctions", "w")]), "sanctioned, sanction") == ["sanctioned", "sanction"]
    assert texts(Watcher([Term("left", "w")]), "the left will leave") == ["left"]


def test_a_word_family_does_not_cross_parts_of_speech() -> None:
    watcher = Watcher([Term("recognition", "w")])
    assert texts(watcher, "recognitions, but not recognised") == ["recognitions"]


def test_word_families_are_looked_up_only_where_the_letters_allow() -> None:
    assert family.candidate_languages("визнання")[0] == "uk"
    assert family.candidate_languages("визнаємо") == ("uk",)
    assert family.candidate_languages("uznać") == ("pl",)
    assert family.candidate_languages("recognise")[0] == "en"
    assert family.candidate_languages("anerkennen")[:2] == ("en", "de")
    unknown = family.candidate_languages("zzzzq")   # no dictionary has it: bounded cost
    assert sum(family.COST_MS[lang] for lang in unknown) <= family.BUDGET_MS
    assert not family.is_plain_word("Putin") and not family.is_plain_word("peace plan")
    assert not family.is_plain_word("war") and family.is_plain_word("визнати")


def test_word_families_are_kept_beside_the_cache(tmp_path) -> None:
    family.word_families(["ceasefire"])
    path = tmp_path / family.MEMO_FILE
    family.save_memo(path)
    saved = dict(family.memo)
    family.memo.clear()
    try:
        assert "ceasefire" in family.load_memo(path)
        assert family.memo["ceasefire"] == saved["ceasefire"]
        path.write_text("{not json", encoding="utf-8")
        assert family.load_memo(path) == set()
    finally:
        family.memo.update(saved)


def test_the_memo_is_kept_for_the_installed_simplemma() -> None:
    from importlib.metadata import version

    assert family._version() == version("simplemma")


def test_forms_become_keys_so_the_fingerprint_follows_them() -> None:
    assert "recognised" in Watcher([Term("recognise", "w")]).stems
