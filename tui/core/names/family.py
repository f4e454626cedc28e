"""Word families of ordinary words: a plain lower-case term matches its inflected forms.

"визнати" should find "визнають", "recognise" "recognised", "anerkennen" "anerkannt". Rules
written by hand cannot know a language's irregular verbs, so the forms come from simplemma's
dictionaries (form -> lemma, for the twelve languages wirewatch reads): the forms whose lemma is
the term, in the language where the term is itself a lemma.

Why at build time, not per text: the matcher's hot path stays one automaton pass (the forms are
just more keys), so matching costs what it cost before. Reading a dictionary costs 0.1-1.6 s
(English is the cheapest, Polish the dearest), so a term is looked up only in the languages its
letters allow, most likely first, and only until one of them has it as a lemma; the forms are
kept for the life of the process (and in ``memo``, which the session saves beside the cache),
and the dictionaries are not (Polish alone would hold ~350 MB).

A word family across parts of speech ("recognition" and "recognise") is not a lemma's forms:
that is what a `recogni*` term is for.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

from tui import data_file
from tui.core.names.model import Term

# Languages by script, cheapest dictionary first, and what reading one costs (ms, measured on
# simplemma 2.0). A word is looked up until one language has it, within BUDGET_MS: a word no
# dictionary knows would otherwise cost every pass (6 s for a Latin word).
LATIN = ("en", "it", "fr", "ro", "cs", "es", "pt", "sk", "de", "pl")
CYRILLIC = ("uk", "ru")
COST_MS = {"en": 110, "it": 165, "fr": 160, "ro": 185, "cs": 190, "uk": 295, "es": 400, "pt": 435,
           "sk": 480, "ru": 695, "de": 690, "pl": 1670}
BUDGET_MS = 1_800

# Letters and endings that make a language likely (tried first); letters a language alone
# uses make it the only candidate. Patterns compiled at first use (by re's own cache): only a
# dictionary lookup needs them, and compiling the twenty at import cost every command ~4 ms.
_LIKELY = {
    "de": r"(?:ung|heit|keit|schaft|ieren|en|ern|eln)$|sch|[äöüß]",
    "fr": r"(?:tion|ment|eur|ité|ir|re)$|[àâçèêëîïôûùœ]",
    "es": r"(?:ción|dad|ar|er|ir)$|[ñáíóú]",
    "it": r"(?:zione|ità|are|ere|ire)$",
    "pt": r"(?:ção|ões|dade|ar|er|ir)$|[ãõ]",
    "ro": r"(?:ție|are)$|[ăâîșşțţ]",
    "pl": r"(?:ać|ić|yć|ość|anie|enie)$|sz|cz|rz|[ąęłńśźż]",
    "cs": r"(?:ovat|ost|ání|ení)$|[ěřů]",
    "sk": r"(?:ovať|osť|anie|enie)$|[ľĺŕôä]",
    "uk": r"(?:ти|ння|ість)$|[іїєґ'’ʼ]",
    "ru": r"(?:ть|ие|ия|ость)$|[ыэъё]",
}
_ONLY = {
    "pl": "[ąćęłńśźż]", "cs": "[ěřů]", "sk": "[ľĺŕô]",
    "ro": "[ășşțţ]", "pt": "[ãõ]", "de": "[ß]",
    "uk": "[іїєґ]", "ru": "[ыэъё]",
}
_PLAIN_WORD = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)?")
_MIN_LETTERS = 4

memo: dict[str, tuple[str, ...]] = {}
"""Forms found so far, by term (an empty tuple: no language has the term as a lemma)."""


def is_plain_word(term: str) -> bool:
    """A single lower-case word of four letters or more: the kind of term lemmatised."""
    return (len(term) >= _MIN_LETTERS and term == term.lower() and _PLAIN_WORD.fullmatch(term) is not None)


def candidate_languages(word: str) -> tuple[str, ...]:
    """The languages to look ``word`` up in, most likely first, as many as ``BUDGET_MS`` allows
    (the likeliest is always tried)."""
    from tui.core.names.translit import has_cyrillic

    pool = CYRILLIC if has_cyrillic(word) else LATIN
    only = tuple(lang for lang in pool if lang in _ONLY and re.search(_ONLY[lang], word))
    if only:
        return only
    likely = [lang for lang in pool if lang in _LIKELY and re.search(_LIKELY[lang], word)]
    if pool is LATIN and word.isascii():
        likely.insert(0, "en")  # the cheapest dictionary, and the language of most terms
    chosen: list[str] = []
    spent = 0
    for lang in dict.fromkeys([*likely, *pool]):
        if chosen and spent + COST_MS[lang] > BUDGET_MS:
            continue
        chosen.append(lang)
        spent += COST_MS[lang]
    return tuple(chosen)


def own_spellings(term: Term) -> list[str]:
    """The spellings a term's user wrote: its name and aliases, trimmed, the empty left out."""
    return [s.strip() for s in (term.name, *term.aliases) if s and s.strip()]


def families_of(terms: Iterable[Term]) -> dict[str, tuple[str, ...]]:
    """The word families the terms' own spellings bring in, looked up for all terms at once:
    one pass per dictionary."""
    return word_families(s for term in terms for s in own_spellings(term))


def word_families(words: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The inflected forms of each plain word (``is_plain_word``), the word itself included
    when any language has it; words no dictionary knows map to ()."""
    wanted = [w for w in dict.fromkeys(words) if is_plain_word(w)]
    todo = {w: list(candidate_languages(w)) for w in wanted if w not in memo}
    while todo:
        lang = next(iter(todo.values()))[0]
        asked = [w for w, langs in todo.items() if lang in langs]
        found = _forms_in(lang, asked)
        for word in asked:
            todo[word].remove(lang)
            if found.get(word):
                memo[word] = tuple(sorted(found[word]))
            if found.get(word) or not todo[word]:
                memo.setdefault(word, ())
                del todo[word]
    return {w: memo[w] for w in wanted}


MEMO_FILE = "word_families.json"
"""The file in the cache folder that keeps ``memo`` across runs."""


def load_memo(path: Path) -> set[str]:
    """Take the forms a previous run found; returns the words the file holds (a damaged file,
    or one written with another simplemma, holds none)."""
    try:
        return _take(path.read_text(encoding="utf-8"))
    except OSError:
        return set()


SEED_FILE = "word_families.json"
"""The forms of the shipped configs' lower-case terms (the starter feeds.toml's and the demo's
alert words), in tui/data: without it a first run, and every `wirewatch demo` (whose cache is
new each time), read two or three dictionaries (1-3 s) before the first screen. Made by
tests/support/make_family_seed.py, taken only with the simplemma it was made with."""


def load_seed() -> set[str]:
    """Take the shipped forms (see SEED_FILE); returns the words taken."""
    return load_memo(data_file(SEED_FILE))


def _take(text: str) -> set[str]:
    try:
        data = json.loads(text)
    except ValueError:
        return set()
    held: set[str] = set()
    if isinstance(data, dict) and data.get("simplemma") == _version() and isinstance(data.get("forms"), dict):
        for word, forms in data["forms"].items():
            if isinstance(word, str) and isinstance(forms, list) and all(isinstance(f, str) for f in forms):
                memo.setdefault(word, tuple(forms))
                held.add(word)
    return held


def memo_record(words: Iterable[str] | None = None) -> str:
    """The memo (or the forms of `words`, looked up if need be) as the memo and seed files
    keep it."""
    forms = memo if words is None else word_families(words)
    return json.dumps({"simplemma": _version(), "forms": dict(sorted(forms.items()))},
                      ensure_ascii=False)


def save_memo(path: Path) -> None:
    """Keep the forms found for the next run; a folder that cannot be written is no error."""
    try:
        path.write_text(memo_record(), encoding="utf-8")
    except OSError:
        pass


@cache
def _version() -> str:
    """simplemma's installed version: the memo is valid for it alone. Read from the name of
    its dist-info folder beside the package (importlib.metadata would cost ~10 ms of imports
    at every start); importlib.metadata when that folder is not there."""
    spec = importlib.util.find_spec("simplemma")
    if spec is not None and spec.submodule_search_locations:
        folder = Path(next(iter(spec.submodule_search_locations))).parent
        try:
            names = os.listdir(folder)
        except OSError:
            names = []
        found = [name[len("simplemma-"):-len(".dist-info")] for name in names
                 if name.startswith("simplemma-") and name.endswith(".dist-info")]
        if len(found) == 1:
            return found[0]
    from importlib.metadata import version

    return version("simplemma")


def _forms_in(lang: str, words: list[str]) -> dict[str, set[str]]:
    """The forms of each word's lemma in one language's dictionary: of the word itself when it
    is a lemma there (one pass), else of the lemma it is a form of, when that is plainly the
    same word (sanctions -> sanction; a second pass), not a suppletive one (left -> leave)."""
    out, lemmas = _pass(lang, {w: w for w in words})
    second = {lemma: word for word, lemma in lemmas.items()
              if word not in out and lemma != word and lemma[:_MIN_LETTERS] == word[:_MIN_LETTERS]}
    if second:
        found, _ = _pass(lang, second)
        out.update(found)
    return out


def _pass(lang: str, wanted: dict[str, str]) -> tuple[dict[str, set[str]], dict[str, str]]:
    """One pass over ``lang``'s dictionary: the forms of each lemma in ``wanted`` (lemma -> the
    word asked for), and the lemma of each asked word that is a form there."""
    targets: dict[bytes, str] = {}
    for lemma, word in wanted.items():
        for spelling in (lemma, lemma[:1].upper() + lemma[1:]):  # German nouns: capitalised lemmas
            targets[spelling.encode()] = word
    asked = {w.encode(): w for w in wanted.values()}
    out: dict[str, set[str]] = {}
    lemmas: dict[str, str] = {}
    for form, lemma in _entries(lang):
        word = targets.get(lemma)
        if word is not None:
            text = form.decode(errors="ignore").lower()
            if _PLAIN_WORD.fullmatch(text) and len(text) >= 3:
                out.setdefault(word, set()).add(text)
        if form in asked:
            lemmas[asked[form]] = lemma.decode(errors="ignore").lower()
    return out, lemmas


def _entries(lang: str) -> Iterator[tuple[bytes, bytes]]:
    """(form, lemma) pairs of simplemma's dictionary for ``lang``, as bytes, without keeping it.

    The front-coded stream is read record by record (2-3x faster than building the dict and
    never holding it); simplemma's public mapping is the fallback if its format changes.
    """
    try:
        from simplemma.strategies.dictionaries import frontcode
        from simplemma.strategies.dictionaries.dictionary_factory import (
            _read_decompressed,
        )

        data = _read_decompressed(lang)
        reverse, _, pos = frontcode._read_header(data)
        for _, key, value in frontcode._iter_records(data, pos):
            yield (key[::-1], value[::-1]) if reverse else (key, value)
    except (ImportError, AttributeError, TypeError, ValueError):
        from simplemma.strategies.dictionaries import DefaultDictionaryFactory

        for key, value in DefaultDictionaryFactory(cache_max_size=0).get_dictionary(lang).items():
            yield key.encode(), value.encode()
