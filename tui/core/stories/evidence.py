"""An item's evidence for grouping: the keys of its facts and its distinctive words.

Read from the headline and the lede only: that is where a report says what it is about, and
it keeps grouping cheap (about 0.1 ms an item). Each key carries its kind, because kinds weigh
differently and count as separate signals: a name (n), a place (p), a country or international
organisation (c: in much of the news, two of them make one signal), a number
with a unit (u), a number's value alone (x: "653" drones or 653 Drohnen, or a bare 1200), a
year (y, barely evidence) and a word of the item's own language (w: only reports in one
language share them). Stored one per line, "kind key<TAB>shown", so a link's
reasons can be told in the words the reports used.
"""

from __future__ import annotations

import re
import unicodedata

from tui.core.stories.facts import find_facts, number_key
from tui.core.stories.places import broad_places

LEDE_CHARS = 600
MAX_WORDS = 30
_WORD = re.compile(r"(?<![^\W\d_])[^\W\d_]{5,}")
_COMBINING = re.compile("[\u0300-\u036f]")
_STOP_WORDS = re.findall(r"\S+", """
about after again against also among been before being between both could during each from
have having here into just more most other over said says same should some such than that
their them then there these they this those through under until very were what when where which
while will with would your year years week today news live update updates official officials
according later earlier first second third there would could might since still told added
aber auch dass diese dieser dieses eine einer eines einem einen haben hatte heute nach noch oder
sagte sich sind soll über unter wird wurde wurden zwei drei beim durch gegen sein seine seiner
werden worden hätte könnte zwischen bereits sowie damit dabei jedoch
этот этого эти было были быть будет более после также между через который которые когда чтобы
своей своих только него неё если даже может будут сообщил заявил словам время
може буде було були який яка які також після через своїх тільки заявив повідомив можуть
avec dans pour mais leur leurs cette sont selon entre depuis aussi
talks meeting meets president minister government country countries foreign deal peace
reporters statement spokesman spokeswoman spokesperson press conference talked speaking
gespräche gespräch treffen präsident minister regierung land länder frieden erklärung
переговоры встреча встречи президент министр правительство страна мир заявление заявил
переговори зустріч зустрічі президент міністр уряд країна мир заява заявила
négociations rencontre président ministre gouvernement pays paix déclaration
""")
_KINDS = {"name": "n", "place": "p"}
_YEAR = re.compile(r"(?:19|20)\d\d")


def fold_word(word: str) -> str:
    folded = word.casefold()
    if not folded.isascii():
        folded = _COMBINING.sub("", unicodedata.normalize("NFKD", folded))
    return folded


_STOP = frozenset(map(fold_word, _STOP_WORDS))


def evidence_text(title: str, summary: str) -> str:
    return f"{title}\n{summary[:LEDE_CHARS]}"


def item_keys(title: str, summary: str, language: str | None) -> str:
    """The evidence lines of one item (see the module docstring)."""
    text = evidence_text(title, summary)
    lines: dict[str, str] = {}
    taken = bytearray(len(text) + 1)
    for mention in find_facts(text, language):
        fact = mention.fact
        kind = _KINDS.get(fact.kind)
        if kind is None:                   # a number: with its unit, and its value alone
            value = fact.key.split(" ")[0]
            if not fact.weak:
                lines.setdefault(f"u {fact.key}", fact.shown)
                value = number_key(float(value.replace("e", "E")), None)
            kind = "y" if _YEAR.fullmatch(value) else "x"
            lines.setdefault(f"{kind} {value}", fact.shown)
        else:
            if kind == "p" and fact.key in broad_places():
                kind = "c"
            lines.setdefault(f"{kind} {fact.key}", fact.shown)
        taken[mention.start:mention.end] = b"\x01" * (mention.end - mention.start)
    words = 0
    for match in _WORD.finditer(text):
        if words >= MAX_WORDS or taken[match.start()] or (
                match.group()[0].isupper() and language != "de"):   # German nouns are words
            continue
        word = fold_word(match.group())
        if word in _STOP:
            continue
        key = f"w {word[:6]}"
        if key not in lines:
            lines[key] = match.group()
            words += 1
    return "\n".join(f"{key}\t{shown.replace(chr(9), ' ').replace(chr(10), ' ')}"
                     for key, shown in lines.items())


def parse_keys(blob: str) -> frozenset[str]:
    """The keys of stored evidence lines (shown forms dropped)."""
    if not blob:
        return frozenset()
    return frozenset(line.partition("\t")[0] for line in blob.split("\n"))


def shown_forms(blob: str) -> dict[str, str]:
    """key -> as the report wrote it."""
    if not blob:
        return {}
    return dict(line.partition("\t")[::2] for line in blob.split("\n"))
