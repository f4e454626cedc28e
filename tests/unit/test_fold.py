"""Spelling rules of tui/core/fold.py: views of the text, identity keys, romanisation, inflection."""

from __future__ import annotations

import unicodedata

import pytest

from tui.core.names import fold
from tui.core.names.inflect import (
    inflect,
    is_capitalised,
    possessive_adjectives,
    split_words,
)
from tui.core.names.translit import cyrillic_languages, cyrillicize, romanize

# --------------------------------------------------------------------------- the text to scan


def test_search_view_is_the_lowercased_text_when_lengths_agree() -> None:
    text = "Зеленський і Trump у Женеві"
    view, starts, ends = fold.search_view(text)
    assert view == text.lower()
    assert starts is None and ends is None


def test_search_view_maps_decomposed_accents_back_to_the_original() -> None:
    text = unicodedata.normalize("NFD", "La Crimée et Kyïv")
    view, starts, ends = fold.search_view(text)
    assert view == "la crimée et kyïv"
    assert starts is not None and ends is not None
    i = view.index("kyïv")
    assert text[starts[i] : ends[i + 3]] == unicodedata.normalize("NFD", "Kyïv")


def test_search_view_handles_the_dotted_capital_i() -> None:
    text = "İstanbul talks"
    view, starts, ends = fold.search_view(text)
    assert view.startswith("istanbul")
    assert starts is not None and ends is not None
    assert text[starts[0] : ends[7]] == "İstanbul"


def test_scan_view_turns_separators_into_spaces_and_keeps_length() -> None:
    view = "«путін»\nd'ouchakov (trump)-witkoff\x00x"
    scan = fold.scan_view(view)
    assert len(scan) == len(view) + 1
    assert scan == "  путін  d ouchakov  trump) witkoff x"


# --------------------------------------------------------------------------- diacritics, identity


@pytest.mark.parametrize(
    ("given", "folded"),
    [("Crimée", "Crimee"), ("Erdoğan", "Erdogan"), ("Orbán", "Orban"), ("Straße", "Strasse"), ("Kyïv", "Kyiv")],
)
def test_ascii_fold_strips_latin_diacritics(given: str, folded: str) -> None:
    assert fold.ascii_fold(given) == folded


def test_ascii_fold_leaves_cyrillic_letters_alone() -> None:
    assert fold.ascii_fold("Зеленський, Київ, Артём") == "Зеленський, Київ, Артём"


@pytest.mark.parametrize(
    "spellings",
    [
        ["Zelensky", "Zelenskyy", "Zelenskiy", "Selenskyj", "ZELENSKY", "Зеленский", "Зеленський"],
        ["Ushakov", "Uschakow", "Ušakov", "Ушаков"],
        ["Lavrov", "Lawrow", "Лавров"],
        ["Yermak", "Jermak", "Iermak", "Єрмак", "Ермак"],
        ["Donetsk", "Donezk", "Донецк", "Донецьк"],
        ["Zaporizhzhia", "Zaporizhzhya", "Saporischschja", "Запоріжжя"],
        ["Luhansk", "Lugansk", "Луганськ", "Луганск"],
        ["Dmitriev", "Dmitriyev", "Dmitrijew", "Дмитриев", "Дмитрієв"],
        ["Kirill Dmitriev", "kirill  dmitriev", "Kirill-Dmitriev"],
    ],
)
def test_skeleton_folds_spellings_of_one_name_together(spellings: list[str]) -> None:
    keys = {fold.skeleton(s) for s in spellings}
    assert len(keys) == 1, keys


@pytest.mark.parametrize(
    ("one", "other"),
    [("Zelensky", "Zelenska"), ("Lavrov", "Lavra"), ("Krim", "Krimi"), ("Don", "Donetsk"), ("Kushner", "Kushnir")],
)
def test_skeleton_keeps_different_names_apart(one: str, other: str) -> None:
    assert fold.skeleton(one) != fold.skeleton(other)


# --------------------------------------------------------------------------- romanisation


@pytest.mark.parametrize(
    ("cyrillic", "system", "expected"),
    [
        ("зеленський", "en_uk", "zelenskyi"),
        ("зеленський", "de_uk", "selenskyj"),
        ("зеленский", "de_ru", "selenskij"),
        ("ушаков", "de_ru", "uschakow"),
        ("ушаков", "fr_ru", "ouchakov"),
        ("ушаков", "iso_ru", "ušakov"),
        ("запоріжжя", "en_uk", "zaporizhzhia"),
        ("запоріжжя", "de_uk", "saporischschja"),
        ("запоріжжя", "fr_uk", "zaporijjia"),
        ("київ", "de_uk", "kyjiw"),
        ("херсон", "de_uk", "cherson"),
        ("луганськ", "en_uk", "luhansk"),
        ("ермак", "en_ru", "yermak"),
        ("ермак", "fr_ru", "iermak"),
        ("запорожье", "en_ru", "zaporozhye"),
        ("дмитриев", "de_ru", "dmitrijew"),
        ("путин", "fr_ru", "poutine"),
        ("герасимов", "fr_ru", "guerassimov"),
    ],
)
def test_romanize_writes_each_system(cyrillic: str, system: str, expected: str) -> None:
    assert expected in romanize(cyrillic, system)


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("Ushakov", "ушаков"),
        ("Uschakow", "ушаков"),
        ("Ouchakov", "ушаков"),
        ("Kostyukov", "костюков"),
        ("Kostjukow", "костюков"),
        ("Zelensky", "зеленский"),
        ("Zelenskyy", "зеленський"),
        ("Dmitriev", "дмитриев"),
        ("Kharkiv", "харків"),
        ("Zaporizhzhia", "запоріжжя"),
    ],
)
def test_cyrillicize_reads_romanisations_back(latin: str, cyrillic: str) -> None:
    assert cyrillic in cyrillicize(latin)


def test_spelling_variants_cover_the_romanisation_systems_and_scripts() -> None:
    variants = fold.spelling_variants("Ushakov")
    assert {"ushakov", "uschakow", "ouchakov", "ušakov", "usakov", "ушаков"} <= variants
    assert {"ushakov", "uschakow", "ouchakov"} <= fold.spelling_variants("Ушаков")


def test_surface_variants_cover_accents_yo_and_apostrophes() -> None:
    assert fold.surface_variants("Crimée") == {"crimée", "crimee"}
    assert "артемовск" in fold.surface_variants("Артёмовск")
    assert {"слов'янськ", "слов\u2019янськ", "слов\u02bcянськ"} <= fold.surface_variants("Слов'янськ")


@pytest.mark.parametrize(
    ("word", "languages"),
    [("Зеленський", {"uk"}), ("Запоріжжя", {"uk"}), ("Сырский", {"ru"}), ("Лавров", {"ru", "uk"})],
)
def test_cyrillic_languages_by_letters(word: str, languages: set[str]) -> None:
    assert cyrillic_languages(word) == languages


# --------------------------------------------------------------------------- inflection


def forms(word: str, **kwargs: str) -> set[str]:
    """Every surface form an inflected word may take."""
    return {stem + ending for stem, endings in inflect(word, **kwargs) for ending in endings}


def test_russian_surname_in_ov_declines_as_a_man() -> None:
    lavrov = forms("Лавров", kind="person", gender="m", lang="ru")
    assert {"лавров", "лаврова", "лаврову", "лавровым", "лаврове"} <= lavrov
    assert "лавровый" not in lavrov and "лавровой" not in lavrov


def test_adjectival_surname_keeps_the_masculine_forms_only() -> None:
    ru = forms("Зеленский", kind="person", gender="m", lang="ru")
    assert {"зеленский", "зеленского", "зеленскому", "зеленским", "зеленском"} <= ru
    assert not {"зеленская", "зеленской", "зеленскую"} & ru
    uk = forms("Зеленський", kind="person", gender="m", lang="uk")
    assert {"зеленського", "зеленському", "зеленським"} <= uk
    assert not {"зеленська", "зеленської"} & uk


def test_female_surnames_decline_as_a_woman() -> None:
    zakharova = forms("Захарова", kind="person", gender="f", lang="ru")
    assert {"захарова", "захаровой", "захарову"} <= zakharova
    assert "захаров" not in zakharova and "захарове" not in zakharova
    assert forms("Каллас", kind="person", gender="f", lang="ru") == {"каллас"}


@pytest.mark.parametrize(
    ("word", "lang", "wanted"),
    [
        ("Донецк", "ru", {"донецка", "донецку", "донецком", "донецке"}),
        ("Донецьк", "uk", {"донецька", "донецьку", "донецьком"}),
        ("Крым", "ru", {"крыма", "крыму", "крымом", "крыме"}),
        ("Запорожье", "ru", {"запорожья", "запорожью", "запорожьем"}),
        ("Запоріжжя", "uk", {"запоріжжі", "запоріжжю", "запоріжжям"}),
        ("Одесса", "ru", {"одессы", "одессе", "одессу", "одессой"}),
        ("Мариуполь", "ru", {"мариуполя", "мариуполе", "мариуполем"}),
        ("запорожский", "ru", {"запорожская", "запорожской", "запорожское", "запорожского"}),
        ("Дніпро", "uk", {"дніпра", "дніпром", "дніпрі"}),
        ("Суми", "uk", {"сум", "сумах", "сумам"}),
    ],
)
def test_places_decline_in_every_case_and_gender(word: str, lang: str, wanted: set[str]) -> None:
    assert wanted <= forms(word, kind="place", lang=lang)


def test_place_endings_do_not_make_other_words() -> None:
    krym = forms("Крым", kind="place", lang="ru")
    assert "крымск" not in krym and "крымов" not in krym
    assert "запорожец" not in forms("Запорожье", kind="place", lang="ru")


def test_latin_spellings_take_genitive_s_and_place_compounds() -> None:
    assert forms("Witkoff", kind="person", gender="m") == {"witkoff", "witkoffs"}
    krim = forms("Krim", kind="place", lang="de")
    assert {"krim", "krims", "krimbrücke", "krimkrieg", "krimtataren"} <= krim
    assert not {"krimi", "kriminal", "krimis"} & krim
    assert "donezker" in forms("Donezk", kind="place", lang="de")


def test_lower_case_german_adjectives_take_their_endings() -> None:
    assert {"ukrainisch", "ukrainische", "ukrainischen"} <= forms("ukrainisch", kind="place", lang="de")
    assert forms("plan") == {"plan", "plans"}


def test_acronyms_and_short_stems_are_not_inflected() -> None:
    assert forms("НАТО", kind="place") == {"нато"}
    assert forms("ЗАЭС") == {"заэс"}
    assert forms("Ер", kind="place", lang="uk") == {"ер"}


def test_unknown_kind_allows_every_paradigm() -> None:
    assert {"костюкова", "костюкову", "костюковым"} <= forms("Костюков")


def test_split_words_and_capitalisation() -> None:
    assert split_words(" Rostov-on-Don  ") == ["Rostov", "on", "Don"]
    assert split_words("фон дер Ляйен") == ["фон", "дер", "Ляйен"]
    assert is_capitalised("Trump") and is_capitalised("ЗАЭС")
    assert not is_capitalised("ceasefire") and not is_capitalised("von")


def test_possessive_adjectives_are_made_from_mens_surnames_only() -> None:
    def adjectives(word: str, **kwargs: str) -> set[str]:
        return {s + e for s, endings in possessive_adjectives(word, **kwargs) for e in endings}

    assert {"путинский", "путинская", "путинского"} <= adjectives("Путин", kind="person", gender="m", lang="ru")
    assert "трамповская" in adjectives("Трамп", kind="person", gender="m", lang="ru")
    assert {"трампівська", "трампівського"} <= adjectives("Трамп", kind="person", gender="m", lang="uk")
    assert adjectives("Захарова", kind="person", gender="f") == set()
    assert adjectives("Крым", kind="place") == set()
    assert adjectives("Trump", kind="person", gender="m") == set()
