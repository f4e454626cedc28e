"""Two reports in different languages, compared by their facts instead of their words.

A word diff of a German and an English report marks everything removed and added. What two
outlets can be compared on across languages is what they state: the names, places and numbers
(tui.core.stories.facts keys them alike in every language). So:

* the facts table lists each fact and which report has it; two numbers of the same unit that
  differ ("28-point" against "19 Punkte", "€90bn" against "80 Mrd. Euro") are one row that
  *disagrees*, the thing a reader is looking for;
* the sentences are aligned through the facts they share (each weighed by how rare it is in
  the two texts, so "Ukraine" in every sentence aligns nothing), keeping both orders (the
  heaviest monotone chain, a weighted LCS); sentences left over stand alone on their side.

Rows use the diff's Row shape so both faces show them as they show any compare: a paired
sentence is a `replace` row whose change spans are the facts the other side lacks or states
differently; a sentence only one report has is a `delete` (left) or `insert` (right) row.
Pure functions of the two texts and their languages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from tui.core.stories.facts import Fact, FactMention, find_facts
from tui.core.stories.places import stem
from tui.core.text.diff import Row, split_paragraphs, split_sentences

MAX_SENTENCES = 300        # per side: the alignment is quadratic, hostile texts are long
MIN_PAIR_SCORE = 1.5       # a shared name or number, or two places, to pair two sentences
KIND_WEIGHT = {"name": 2.0, "place": 1.5, "number": 3.0}
DIFFERING_WEIGHT = 1.0     # "28 points" against "19 Punkte" still says the sentences match
WEAK_WEIGHT = 0.5          # a bare number or year
POSITION_WEIGHT = 0.5      # two sentences as far into their texts weigh a little more


@dataclass(frozen=True, slots=True)
class FactRow:
    """One fact of the facts table: how each report writes it (None: it does not have it)."""

    kind: str                  # "name" | "place" | "number"
    key: str                   # the language-neutral key ("Steve Witkoff", "28 point")
    left: str | None
    right: str | None
    status: str                # "both" | "left" | "right" | "differs"
    other_key: str = ""        # differs: the right side's key ("19 point")

    @property
    def unit(self) -> str:
        return unit_of(self.key) if self.kind == "number" else ""

    def to_json(self) -> dict:
        data = {"kind": self.kind, "value": self.key, "left": self.left, "right": self.right,
                "status": self.status}
        if self.other_key:
            data["right_value"] = self.other_key
        return data


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    facts: tuple[FactMention, ...]


@dataclass(frozen=True)
class Alignment:
    facts: list[FactRow]
    rows: list[Row]
    shared: list[tuple[str, ...]]      # per row: the fact keys both sentences have


def unit_of(key: str) -> str:
    """"28 point" -> "point", "90e9 EUR" -> "EUR"; a bare number has none."""
    return key.split(" ", 1)[1] if " " in key else ""


def sentences(text: str, language: str | None) -> list[Sentence]:
    """Each sentence of each paragraph with the facts in it (offsets into the sentence)."""
    found: list[Sentence] = []
    for paragraph in split_paragraphs(text):
        for sentence in split_sentences(paragraph):
            if len(found) >= MAX_SENTENCES:
                return found
            found.append(Sentence(sentence, tuple(find_facts(sentence, language))))
    return found


# --------------------------------------------------------------------------- the facts table


def noteworthy(fact: Fact) -> bool:
    """Worth a row of its own when only one report has it. Not a lone capitalised word no list
    knows: German capitalises every noun (Gespräche, Truppen), so on one side alone such a
    word is most often not a name; when both reports have it, it is shown."""
    if fact.weak:
        return False
    return fact.kind != "name" or known_name(fact.key) or len(fact.shown.split()) > 1


def known_name(key: str) -> bool:
    """A name's key from a list (Steve Witkoff, NATO), not a folded stem (barot, gespraC)."""
    return key[:1].isupper()


def _first_shown(units: Sequence[Sentence]) -> dict[tuple[str, str], tuple[str, int]]:
    """Each strong fact (kind, key) -> how it is first written, and its order of appearance."""
    shown: dict[tuple[str, str], tuple[str, int]] = {}
    for unit in units:
        for mention in unit.facts:
            fact = mention.fact
            if not fact.weak and (fact.kind, fact.key) not in shown:
                shown[(fact.kind, fact.key)] = (fact.shown, len(shown))
    return shown


def facts_table(left: Sequence[Sentence], right: Sequence[Sentence]) -> list[FactRow]:
    """Disagreements first, then facts both reports have, then those only one has; in order
    of appearance within each group. A number one side alone has is paired with a number of
    the same unit the other side alone has, in order: 28 points | 19 points."""
    mine, theirs = _first_shown(left), _first_shown(right)
    rows: list[tuple[int, int, FactRow]] = []
    lonely_right: dict[str, list[tuple[str, str]]] = {}
    for (kind, key), _ in sorted(theirs.items(), key=lambda kv: kv[1][1]):
        if (kind, key) not in mine and kind == "number" and unit_of(key):
            lonely_right.setdefault(unit_of(key), []).append((kind, key))
    paired_right: set[tuple[str, str]] = set()
    for (kind, key), (shown, order) in sorted(mine.items(), key=lambda kv: kv[1][1]):
        if (kind, key) in theirs:
            rows.append((1, order, FactRow(kind, key, shown, theirs[(kind, key)][0], "both")))
            continue
        waiting = lonely_right.get(unit_of(key)) if kind == "number" and unit_of(key) else None
        if waiting:
            other = waiting.pop(0)
            paired_right.add(other)
            rows.append((0, order, FactRow(kind, key, shown, theirs[other][0], "differs",
                                           other[1])))
        elif noteworthy(Fact(kind, key, shown)):
            rows.append((2, order, FactRow(kind, key, shown, None, "left")))
    for (kind, key), (shown, order) in sorted(theirs.items(), key=lambda kv: kv[1][1]):
        if ((kind, key) not in mine and (kind, key) not in paired_right
                and noteworthy(Fact(kind, key, shown))):
            rows.append((3, order, FactRow(kind, key, None, shown, "right")))
    rows.sort(key=lambda r: (r[0], r[1]))
    return [row for _, _, row in rows]


# --------------------------------------------------------------------------- the alignment


def _keys(unit: Sentence) -> dict[str, float]:
    """The sentence's fact keys and their weight (the strongest kind a key has)."""
    keys: dict[str, float] = {}
    for mention in unit.facts:
        fact = mention.fact
        weight = WEAK_WEIGHT if fact.weak else KIND_WEIGHT.get(fact.kind, 1.0)
        keys[fact.key] = max(weight, keys.get(fact.key, 0.0))
    return keys


def _units(unit: Sentence) -> set[str]:
    return {unit_of(m.fact.key) for m in unit.facts
            if m.fact.kind == "number" and unit_of(m.fact.key)}


def _pair_scores(left: Sequence[Sentence], right: Sequence[Sentence]) -> list[list[float]]:
    """How strongly each left sentence matches each right one: the shared keys, each divided
    by how many sentences of the two texts have it (a key everywhere aligns nothing)."""
    left_keys = [_keys(u) for u in left]
    right_keys = [_keys(u) for u in right]
    spread = Counter(k for keys in left_keys + right_keys for k in keys)
    left_units = [_units(u) for u in left]
    right_units = [_units(u) for u in right]
    scores = []
    for i, mine in enumerate(left_keys):
        line = []
        for j, theirs in enumerate(right_keys):
            shared = mine.keys() & theirs.keys()
            score = sum(min(mine[k], theirs[k]) * 2 / spread[k] for k in shared)
            differing = (left_units[i] & right_units[j]) - {unit_of(k) for k in shared}
            score += DIFFERING_WEIGHT * len(differing)
            if score >= MIN_PAIR_SCORE:     # between equals, the pair nearer the diagonal
                score += POSITION_WEIGHT * (1 - abs(i / len(left) - j / len(right)))
            line.append(score if score >= MIN_PAIR_SCORE else 0.0)
        scores.append(line)
    return scores


def _chain(scores: list[list[float]]) -> list[tuple[int, int]]:
    """The heaviest set of pairs that keeps both orders (weighted LCS, O(n*m))."""
    n = len(scores)
    m = len(scores[0]) if scores else 0
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        row, below = best[i], best[i + 1]
        for j in range(m - 1, -1, -1):
            pair = scores[i][j]
            row[j] = max(below[j], row[j + 1], pair + below[j + 1] if pair else 0.0)
    pairs: list[tuple[int, int]] = []
    i = j = 0
    while i < n and j < m:
        pair = scores[i][j]
        if pair and best[i][j] == pair + best[i + 1][j + 1]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


@dataclass(frozen=True)
class Flagged:
    """The fact keys each side states that the other report lacks or states differently:
    what the rows highlight (the facts table's `left`, `right` and `differs` rows)."""

    left: frozenset[str] = frozenset()
    right: frozenset[str] = frozenset()

    @classmethod
    def of(cls, table: Sequence[FactRow]) -> Flagged:
        return cls(frozenset(f.key for f in table if f.status in ("left", "differs")),
                   frozenset(f.other_key or f.key for f in table
                             if f.status in ("right", "differs")))


def _spans(unit: Sentence, flagged: frozenset[str]) -> tuple[tuple[int, int], ...]:
    return tuple((m.start, m.end) for m in unit.facts if m.fact.key in flagged)


def _pair_row(mine: Sentence, theirs: Sentence, flagged: Flagged
              ) -> tuple[Row, tuple[str, ...]]:
    right_keys = {m.fact.key for m in theirs.facts}
    order = [m.fact.key for m in mine.facts if m.fact.key in right_keys]
    row = Row("replace", mine.text, theirs.text, _spans(mine, flagged.left),
              _spans(theirs, flagged.right))
    return row, tuple(dict.fromkeys(order))


def align_sentences(left: Sequence[Sentence], right: Sequence[Sentence],
                    flagged: Flagged = Flagged()) -> tuple[list[Row], list[tuple[str, ...]]]:
    """Rows in reading order: paired sentences side by side, the rest on their own side;
    with the shared fact keys of each row."""
    rows: list[Row] = []
    shared: list[tuple[str, ...]] = []
    i = j = 0
    for a, b in [*_chain(_pair_scores(left, right)), (len(left), len(right))]:
        for k in range(i, a):
            rows.append(Row("delete", left[k].text, "", _spans(left[k], flagged.left)))
            shared.append(())
        for k in range(j, b):
            rows.append(Row("insert", "", right[k].text, (), _spans(right[k], flagged.right)))
            shared.append(())
        if a < len(left) and b < len(right):
            row, keys = _pair_row(left[a], right[b], flagged)
            rows.append(row)
            shared.append(keys)
        i, j = a + 1, b + 1
    return rows, shared


def _unify(*sides: Sequence[Sentence]) -> list[list[Sentence]]:
    """A name the gazetteer knows in one language but not in another (Kirill Dmitriev,
    Kirill Dmitriew) gets the known key on both sides: an unknown name's key is the folded
    stem of its last word, so it is looked up among the known names' stems."""
    known: dict[str, str] = {}
    for side in sides:
        for unit in side:
            for mention in unit.facts:
                fact = mention.fact
                if fact.kind == "name" and known_name(fact.key):
                    last = fact.shown.split()[-1] if fact.shown.split() else ""
                    known.setdefault(stem(last), fact.key)
    unified = []
    for side in sides:
        unified.append([
            Sentence(unit.text, tuple(
                replace(m, fact=replace(m.fact, key=known[m.fact.key]))
                if m.fact.kind == "name" and m.fact.key in known else m
                for m in unit.facts))
            for unit in side])
    return unified


def align_reports(left_title: str, left_text: str, left_language: str | None,
                  right_title: str, right_text: str, right_language: str | None) -> Alignment:
    """The facts table and the aligned rows of two reports: the headlines always side by
    side (one row), then the texts sentence by sentence."""
    head_left = Sentence(left_title.strip(), tuple(find_facts(left_title.strip(), left_language)))
    head_right = Sentence(right_title.strip(),
                          tuple(find_facts(right_title.strip(), right_language)))
    (head_left, *body_left), (head_right, *body_right) = _unify(
        [head_left, *sentences(left_text, left_language)],
        [head_right, *sentences(right_text, right_language)])
    table = facts_table([head_left, *body_left], [head_right, *body_right])
    flagged = Flagged.of(table)
    head_row, head_shared = _pair_row(head_left, head_right, flagged)
    rows, shared = align_sentences(body_left, body_right, flagged)
    return Alignment(table, [head_row, *rows], [head_shared, *shared])
