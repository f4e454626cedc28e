"""Comparing two reports, the way both faces do it (`wirewatch compare`, `c`, the story screen).

Reports in one language keep the word diff of tui.core.text.articles. Reports in two languages
are compared by their facts instead (tui.core.stories.align): a facts table and the sentences
aligned through shared names, places and numbers. Which pair of a story to show first is also
decided here: the two reports whose facts differ most.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations

from tui.core.cache import stories as cache
from tui.core.cache.store import Store
from tui.core.stories.align import FactRow, align_reports, unit_of
from tui.core.stories.model import Story, StoryFact
from tui.core.text.articles import Diff, RowsOf, cached_rows, get_item, report_sides
from tui.core.text.diff import Row, diff_stats, document_rows

MAX_PAIR_ITEMS = 40        # reports weighed for "differ most": 780 pairs at most
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_LETTER = re.compile(r"[^\W\d_]")


@dataclass
class Comparison:
    """Two reports side by side; `facts` is set (and `rows` are aligned by facts) when they
    are in different languages."""

    diff: Diff
    languages: tuple[str, str]
    facts: list[FactRow] = field(default_factory=list)
    shared: list[tuple[str, ...]] = field(default_factory=list)   # per row, by facts
    by_facts: bool = False

    @property
    def rows(self) -> list[Row]:
        return self.diff.rows

    @property
    def disagreements(self) -> list[FactRow]:
        return [fact for fact in self.facts if fact.status == "differs"]

    def summary(self) -> str:
        """"12 sentences paired, 3 only left, 4 only right; 1 fact differs" (by facts), or
        the word diff's counts."""
        if not self.by_facts:
            return diff_stats(self.rows).describe()
        ops = Counter(row.op for row in self.rows)
        differ = len(self.disagreements)
        return (f"{ops['replace']} sentences paired, {ops['delete']} only left, "
                f"{ops['insert']} only right; {differ} fact{'s' if differ != 1 else ''} "
                f"differ{'s' if differ == 1 else ''}")

    def to_json(self) -> dict:
        data = self.diff.to_json()
        data["left"]["language"], data["right"]["language"] = self.languages
        if self.by_facts:
            data["aligned_by"] = "facts"
            data["facts"] = [fact.to_json() for fact in self.facts]
            for row, keys in zip(data["rows"], self.shared):
                row["shared"] = list(keys)
        else:
            data["aligned_by"] = "words"
        return data


def primary(language: str) -> str:
    return language.split("-")[0].lower()


def script_of(text: str) -> str:
    """"cyrl" when most letters are Cyrillic, else "latn" (for items of unknown language)."""
    letters = len(_LETTER.findall(text[:2000])) or 1
    return "cyrl" if len(_CYRILLIC.findall(text[:2000])) * 2 > letters else "latn"


def languages_differ(left: str, right: str, left_text: str, right_text: str) -> bool:
    """Different primary tags; when a feed does not say, different scripts."""
    if left and right:
        return primary(left) != primary(right)
    return script_of(left_text) != script_of(right_text)


def compare_reports(store: Store, uid_a: str, uid_b: str,
                    rows_of: RowsOf = document_rows) -> Comparison:
    """Two reports side by side: by words in one language, by facts across languages;
    `rows_of` computes the word diff (see `compare_items`), only for reports in one language
    (across two, that diff of two long texts was computed and thrown away)."""
    left, right, fields = report_sides(store, uid_a, uid_b)
    row_ids = [get_item(store, uid).row_id for uid in (uid_a, uid_b)]
    texts = cache.texts_of(store, row_ids)
    languages = tuple(texts[r].language if r in texts else "" for r in row_ids)
    if not languages_differ(languages[0], languages[1], left.text, right.text):
        return Comparison(Diff(left, right, list(cached_rows(*fields, rows_of))),
                          languages)                                 # type: ignore[arg-type]
    aligned = align_reports(left.title, _body(left.title, left.text), languages[0] or None,
                            right.title, _body(right.title, right.text), languages[1] or None)
    return Comparison(Diff(left, right, aligned.rows), languages,    # type: ignore[arg-type]
                      aligned.facts, aligned.shared, by_facts=True)


def _body(title: str, document: str) -> str:
    """The text under the headline (a compare's document is the headline, then the text)."""
    title = title.strip()
    return document[len(title):].lstrip() if title and document.startswith(title) else document


def most_different_pair(story: Story, facts: list[StoryFact]) -> tuple[str, str] | None:
    """The two reports whose facts differ most (uids, the older first): numbers of one unit
    that disagree count three, a fact only one of them has one; two languages break ties,
    then the time between them. None for a story of fewer than two reports."""
    items = story.items[-MAX_PAIR_ITEMS:]
    if len(items) < 2:
        return None
    held: dict[str, set[str]] = {item.uid: set() for item in items}
    for fact in facts:
        for uid in fact.items:
            if uid in held:
                held[uid].add(f"{fact.kind}:{fact.key or fact.value}")
    best: tuple[tuple, tuple[str, str]] | None = None
    for a, b in combinations(items, 2):
        mine, theirs = held[a.uid], held[b.uid]
        only = mine ^ theirs
        units_a = {unit_of(k[7:]) for k in mine - theirs if k.startswith("number:")}
        units_b = {unit_of(k[7:]) for k in theirs - mine if k.startswith("number:")}
        differ = len((units_a & units_b) - {""})
        apart = abs((a.published.timestamp() if a.published else 0)
                    - (b.published.timestamp() if b.published else 0))
        score = (3 * differ + len(only), primary(a.language) != primary(b.language), apart)
        if best is None or score > best[0]:
            best = (score, (a.uid, b.uid))
    return best[1] if best else None
