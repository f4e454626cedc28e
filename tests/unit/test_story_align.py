"""Cross-language compare by facts (tui.core.stories.align): the facts table and the sentence
alignment, on reports written in English, German, Ukrainian and Russian."""

from __future__ import annotations

from tui.core.stories.align import align_reports, facts_table, sentences

EN_TITLE = "Witkoff and Kushner carry a 28-point plan to Moscow"
EN_TEXT = ("Steve Witkoff and Jared Kushner flew to Moscow on Tuesday. They carry a 28-point "
           "plan drafted with Kirill Dmitriev. The EU promised a €90bn loan. Analysts were "
           "sceptical.")
DE_TITLE = "Witkoff und Kushner bringen den 19-Punkte-Plan nach Moskau"
DE_TEXT = ("Steve Witkoff und Jared Kushner flogen am Dienstag nach Moskau. Sie bringen einen "
           "19-Punkte-Plan mit, den Kirill Dmitriew mit entworfen hat. Die EU sagte einen Kredit "
           "von 90 Mrd. Euro zu. Das Wetter war kalt.")
UK_TITLE = "Віткофф і Кушнер везуть до Москви план з 28 пунктів"
UK_TEXT = ("Стів Віткофф і Джаред Кушнер прилетіли до Москви у вівторок. ЄС пообіцяв кредит на "
           "80 млрд євро.")


def by_key(alignment) -> dict[str, object]:
    return {fact.key: fact for fact in alignment.facts}


def test_numbers_of_one_unit_that_differ_are_one_disagreeing_fact_listed_first() -> None:
    aligned = align_reports(EN_TITLE, EN_TEXT, "en", DE_TITLE, DE_TEXT, "de")
    first = aligned.facts[0]
    assert (first.status, first.key, first.other_key) == ("differs", "28 point", "19 point")
    assert (first.left, first.right) == ("28-point", "19-Punkte")
    facts = by_key(aligned)
    assert facts["90e9 EUR"].status == "both"            # €90bn = 90 Mrd. Euro
    assert (facts["90e9 EUR"].left, facts["90e9 EUR"].right) == ("€90bn", "90 Mrd. Euro")
    assert facts["Moscow"].status == "both" and facts["Moscow"].right == "Moskau"


def test_a_name_known_in_one_spelling_only_is_one_fact_on_both_sides() -> None:
    facts = by_key(align_reports(EN_TITLE, EN_TEXT, "en", DE_TITLE, DE_TEXT, "de"))
    dmitriev = facts["Kirill Dmitriev"]
    assert dmitriev.status == "both" and dmitriev.right == "Kirill Dmitriew"


def test_german_nouns_on_one_side_are_not_listed_as_names() -> None:
    facts = by_key(align_reports(EN_TITLE, EN_TEXT, "en", DE_TITLE, DE_TEXT, "de"))
    shown = {fact.right for fact in facts.values() if fact.status == "right"}
    assert "Wetter" not in shown and "Kredit" not in shown


def test_sentences_are_paired_through_their_facts_and_keep_their_order() -> None:
    aligned = align_reports(EN_TITLE, EN_TEXT, "en", DE_TITLE, DE_TEXT, "de")
    pairs = [(row.left, row.right) for row in aligned.rows if row.op == "replace"]
    assert pairs[0] == (EN_TITLE, DE_TITLE)                       # headlines side by side
    assert ("Steve Witkoff and Jared Kushner flew to Moscow on Tuesday.",
            "Steve Witkoff und Jared Kushner flogen am Dienstag nach Moskau.") in pairs
    assert ("The EU promised a €90bn loan.",
            "Die EU sagte einen Kredit von 90 Mrd. Euro zu.") in pairs
    assert ("They carry a 28-point plan drafted with Kirill Dmitriev.",
            "Sie bringen einen 19-Punkte-Plan mit, den Kirill Dmitriew mit entworfen hat.") in pairs
    alone = [(row.op, row.left or row.right) for row in aligned.rows if row.op != "replace"]
    assert alone == [("delete", "Analysts were sceptical."), ("insert", "Das Wetter war kalt.")]
    lefts = [row.left for row in aligned.rows if row.left]
    assert lefts == [EN_TITLE, *(s.text for s in sentences(EN_TEXT, "en"))]


def test_only_the_facts_that_differ_or_one_side_lacks_are_marked() -> None:
    aligned = align_reports(EN_TITLE, EN_TEXT, "en", UK_TITLE, UK_TEXT, "uk")
    head = aligned.rows[0]
    assert [head.left[a:b] for a, b in head.left_changes] == []          # both say 28 points
    loan = next(row for row in aligned.rows if "€90bn" in row.left)
    assert loan.op == "replace"                                          # paired by EU and EUR
    assert [loan.left[a:b] for a, b in loan.left_changes] == ["€90bn"]
    assert [loan.right[a:b] for a, b in loan.right_changes] == ["80 млрд євро"]
    assert by_key(aligned)["90e9 EUR"].status == "differs"
    assert "Steve Witkoff" in aligned.shared[1]


def test_a_fact_in_every_sentence_pairs_nothing_on_its_own() -> None:
    left = sentences("Ukraine said one thing. Ukraine said another. Ukraine said a third.", "en")
    right = sentences("Die Ukraine sagte etwas. Die Ukraine sagte mehr.", "de")
    aligned = align_reports("", " ".join(s.text for s in left), "en",
                            "", " ".join(s.text for s in right), "de")
    assert not [row for row in aligned.rows[1:] if row.op == "replace"]
    assert by_key(aligned)["Ukraine"].status == "both"


def test_facts_table_of_reports_with_nothing_in_common_is_one_sided() -> None:
    table = facts_table(sentences("Olaf Scholz visited Paris.", "en"),
                        sentences("Дональд Туск прибув до Варшави.", "uk"))
    assert {fact.status for fact in table} == {"left", "right"}


def test_hostile_length_is_bounded() -> None:
    text = "Witkoff met Umerov in Geneva. " * 5_000
    aligned = align_reports("a", text, "en", "b", text, "de")
    assert len(aligned.rows) <= 2 * 300 + 1
