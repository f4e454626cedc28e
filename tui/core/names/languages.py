"""What each Latin-script language does to a name in running text: case endings, words derived
from a person's name, and the heads of closed compounds. Tables, one per language; inflect.py
reads them, and nothing here is specific to one name.

Why tables: Polish, Czech and Slovak decline names written in Latin letters (Putinem, Krymu,
w Doniecku, Zelenského) and make possessive adjectives of them (Putinova, Trumpův); Romanian
adds its article (Crimeei); every language derives words from a leader's name (Trumpian,
trumpiste, putinista, Putinversteher). A table per language says which endings a word of a
given shape takes, so a name matches its forms and nothing that merely starts like it: an
ending that is not listed is not a form (Krimi, Krimskrams, Trumpf, Lavra stay unmatched).

A rule is (kinds, final letters, letters that replace them in the stem, endings): the first rule
whose kind and final letters fit a spelling gives its stem and endings. "kinds" is a set of
"person", "place" and "m" / "f" (a person of that gender); a spelling of unknown kind or gender
takes every rule that fits.
"""

from __future__ import annotations

from typing import NamedTuple

# The languages whose case endings and derived words are tabled here, besides English, German
# and French (which only add -s, -er, compounds) and the Cyrillic ones (inflect.py).
SLAVIC_LATIN = ("pl", "cs", "sk")
ROMANCE = ("es", "it", "pt", "ro")
LATIN_LANGUAGES = ("en", "de", "fr", *SLAVIC_LATIN, *ROMANCE)


class CaseRule(NamedTuple):
    kinds: frozenset[str]
    final: str
    """What the spelling ends with ("" = a consonant, "ski", "a", "ń" ...)."""
    stem: str
    """What replaces ``final`` to make the stem the endings attach to."""
    endings: tuple[str, ...]


def _rule(kinds: str, final: str, stem: str, endings: str) -> CaseRule:
    return CaseRule(frozenset(kinds.split()), final, stem, tuple(endings.split(",")))


CONSONANT = ""
"""``final`` of a rule for spellings that end in a consonant."""

# Case endings (the bare form is listed as an empty ending where the stem is the whole word).
CASES: dict[str, tuple[CaseRule, ...]] = {
    "pl": (
        # Zełenski, Zełenskiego, Zełenskiemu, Zełenskim
        _rule("person m", "ski", "sk", "i,iego,iemu,im,ich,imi"),
        _rule("person m", "cki", "ck", "i,iego,iemu,im,ich,imi"),
        # Zacharowa, Zacharowej, Zacharową
        _rule("person f", "owa", "ow", "a,ej,ą"),
        _rule("person f", "ewa", "ew", "a,ej,ą"),
        # Putin, Putina, Putinowi, Putinem, o Putinie; Jermaku, Jermakiem; Kushnerze
        _rule("person m", CONSONANT, "", ",a,owi,em,iem,ie,u,ze,owie,ów,om,ami,ach"),
        # Chersoń, Chersonia, w Chersoniu, Chersoniem
        _rule("place", "ń", "ni", "a,u,em,e"),
        _rule("place", "ś", "si", "a,u,em,e"),
        # Krym, Krymu, na Krymie, Krymem; Donieck, w Doniecku, Donieckiem
        _rule("place", CONSONANT, "", ",a,u,ie,em,iem,owi"),
        # Zaporoże, Zaporoża, w Zaporożu, Zaporożem
        _rule("place", "e", "", "e,a,u,em"),
        # Rosja, Rosji, Rosję; Moskwa, w Moskwie, Moskwą
        _rule("place", "a", "", "a,y,i,ie,ę,ą,o"),
    ),
    "cs": (
        # Zelenskyj, Zelenský, Zelenského, Zelenskému, Zelenským, o Zelenském
        _rule("person m", "skyj", "sk", "yj,ý,ého,ému,ým,ém,ij,i,y"),
        _rule("person m", "ský", "sk", "yj,ý,ého,ému,ým,ém,ij,i,y"),
        # Putin, Putina, Putinovi, Putinem, Putine; Putinův, Putinova, Putinovo ... (possessives)
        _rule("person m", CONSONANT, "",
              ",a,ovi,em,e,u,ové,ů,ům,ův,ova,ovo,ovy,ově,ovu,ovou,ových,ovým,ovými"),
        # Krym, na Krymu, Krymem; Doněck, v Doněcku
        _rule("place", CONSONANT, "", ",u,em,ě,e,a,ou"),
        # Záporoží, v Záporoží, Záporožím
        _rule("place", "í", "", "í,ím"),
        # Oděsa, v Oděse, Oděsou; Ukrajina, Ukrajiny, na Ukrajině
        _rule("place", "a", "", "a,y,e,u,ou,ě"),
        # Rusko, Ruska, v Rusku, Ruskem
        _rule("place", "o", "", "o,a,u,em"),
    ),
    "sk": (
        _rule("person m", "skyj", "sk", "yj,ý,ého,ému,ým,om,ij,i"),
        _rule("person m", "ský", "sk", "yj,ý,ého,ému,ým,om,ij,i"),
        # Putin, Putina, Putinovi, Putinom; Putinov, Putinova, Putinovho ... (possessives)
        _rule("person m", CONSONANT, "",
              ",a,ovi,om,e,u,ov,ova,ovo,ove,ovho,ovej,ovu,ovom,ovým,ovou,ových,ovými"),
        # Krym, na Kryme, Krymu, Krymom
        _rule("place", CONSONANT, "", ",u,om,e,a"),
        # Záporožie, Záporožia, v Záporoží, Záporožím
        _rule("place", "ie", "", "ie,ia,iu,í,ím"),
        _rule("place", "a", "", "a,y,e,u,ou"),
        _rule("place", "o", "", "o,a,u,om"),
    ),
    "ro": (
        # Crimeea, Crimeei; Ucraina, Ucrainei
        _rule("place", "a", "", "a,ei,i"),
        # Donețk, Donețkului; Herson, Hersonul
        _rule("place", CONSONANT, "", ",ul,ului"),
    ),
}

# Adjectives in lower case, as the gazetteer lists them (krymski, doněcký, záporožský): their
# endings in each language, by the letters the dictionary form ends with.
ADJECTIVES: dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]] = {
    "pl": (("ski", "sk", tuple("i,a,ie,iego,iej,iemu,im,ich,imi,ą".split(","))),
           ("cki", "ck", tuple("i,a,ie,iego,iej,iemu,im,ich,imi,ą".split(","))),
           ("ny", "n", tuple("y,a,e,ego,ej,emu,ym,ych,ymi,ą".split(",")))),
    "cs": (("ý", "", tuple("ý,á,é,ého,ému,ém,ým,ou,ých,ými,í".split(","))),),
    "sk": (("ý", "", tuple("ý,á,é,ého,ej,ému,om,ú,ým,ých,ými,í".split(","))),),
    "es": (("o", "", ("o", "a", "os", "as")),),
    "it": (("o", "", ("o", "a", "i", "e")),),
    "pt": (("o", "", ("o", "a", "os", "as")),),
    "ro": (("ean", "ean", ("", "ă", "ul", "ului", "ca", "ce", "ci")),),
    "de": (("", "", ("", "e", "en", "er", "es", "em")),),
}

# Words every language derives from a person's name, written in any case (a trumpiste, the
# Trumpian turn): suffixes added to the name (French drops a final -e: Poutine -> poutinien).
DERIVED: dict[str, tuple[str, ...]] = {
    "en": ("ian", "ians", "ism", "isms", "ist", "ists", "ite", "ites", "esque"),
    "de": ("ismus", "ist", "isten", "istin", "istinnen", "sche", "schen", "scher", "sches"),
    "fr": ("iste", "istes", "isme", "ien", "ienne", "iens", "iennes"),
    "es": ("ista", "istas", "ismo", "iano", "iana", "ianos", "ianas"),
    "it": ("iano", "iana", "iani", "iane", "ismo", "ista", "isti", "iste"),
    "pt": ("ista", "istas", "ismo", "iano", "iana", "ianos", "ianas"),
    "ro": ("ist", "istă", "iști", "iste", "istul", "iștii", "ism", "ismul", "ismului"),
    "pl": ("owski", "owska", "owskie", "owskiego", "owskiej", "owskiemu", "owskim", "owskich",
           "owską", "owskimi", "izm", "izmu", "izmem", "ista", "iści", "isty", "owcy"),
    "cs": ("ovský", "ovská", "ovské", "ovského", "ovském", "ovskému", "ovským", "ovskou",
           "ovských", "ovskými", "ismus", "ismu", "ista", "isté", "ovci"),
    "sk": ("ovský", "ovská", "ovské", "ovského", "ovskej", "ovskému", "ovskom", "ovským",
           "ovskú", "ovských", "ovskými", "izmus", "izmu", "ista", "isti"),
    # Russian and Ukrainian nouns of doctrine and follower (путинизм, путініст), with case endings.
    "ru": tuple(f"{s}{e}" for s in ("изм", "ист") for e in ("", "а", "у", "ом", "е", "ы", "ов", "ам", "ами", "ах")),
    "uk": tuple(f"{s}{e}" for s in ("ізм", "іст") for e in ("", "а", "у", "ові", "ом", "і", "и", "ів", "ам", "ами", "ах")),
}

# German closed compounds: a name followed by one of these heads is one word that is about the
# name (Krimkrieg, Putinversteher). Only listed heads count, so Krimi and Trumpf stay out.
GERMAN_PLACE_HEADS = (
    "brücke", "bruecke", "krieg", "kriegs", "tataren", "tatarin", "halbinsel", "annexion",
    "region", "gebiet", "gebiets", "frage", "konflikt", "front", "krise", "bewohner",
    "offensive", "gipfel",
)
GERMAN_PERSON_HEADS = (
    "versteher", "versteherin", "versteherinnen", "verstehern", "regierung", "regime", "regimes",
    "administration", "berater", "beraterin", "freund", "freunde", "kritiker", "lager", "plan",
    "plans", "team", "teams", "gipfel", "treffen", "besuch", "rede", "ära", "zölle", "deal",
    "politik", "propaganda", "system", "systems", "vertraute", "vertrauter", "regierungs",
)


def latin_cases(word: str, lang: str, kind: str, gender: str) -> list[tuple[str, tuple[str, ...]]]:
    """(stem, endings) pairs of a capitalised Latin-script word in one language's table.

    ``lang`` "*" reads every table (a name the gazetteer does not know, in a spelling of any
    language). ``word`` is lower-case. Spellings whose stem would be under four letters take
    no endings from here (Don, Rus).
    """
    out: list[tuple[str, tuple[str, ...]]] = []
    for table_lang in (SLAVIC_LATIN + ("ro",) if lang == "*" else (lang,)):
        taken: set[str] = set()
        for rule in CASES.get(table_lang, ()):
            if not _fits(rule.kinds, kind, gender):
                continue
            shape = "person" if "person" in rule.kinds else "place"
            if shape in taken:
                continue
            if rule.final == CONSONANT:
                if not word[-1:].isalpha() or word[-1] in "aeiouyáéíóúýěąęů":
                    continue
                stem = word
            elif word.endswith(rule.final):
                stem = word[: len(word) - len(rule.final)] + rule.stem
            else:
                continue
            if len(stem) < 4:
                continue
            taken.add(shape)
            out.append((stem, rule.endings))
            if rule.stem != rule.final and stem != word:
                out.append((word, ("",)))
    return out


def adjective_endings(word: str, lang: str) -> tuple[str, tuple[str, ...]] | None:
    """(stem, endings) of a lower-case adjective in a language that declines it, else None."""
    for final, stem_tail, endings in ADJECTIVES.get(lang, ()):
        if word.endswith(final) and len(word) - len(final) >= 3:
            return word[: len(word) - len(final)] + stem_tail, endings
    return None


def derived_suffixes(lang: str) -> tuple[str, ...]:
    """Suffixes of words derived from a person's name in ``lang`` ("*": every Latin language)."""
    if lang == "*":
        return tuple(dict.fromkeys(s for lg in LATIN_LANGUAGES for s in DERIVED.get(lg, ())))
    return DERIVED.get(lang, ())


def _fits(kinds: frozenset[str], kind: str, gender: str) -> bool:
    if kind and kind not in kinds:
        return False
    return not (gender and "person" in kinds and {"m", "f"} & kinds and gender not in kinds)
