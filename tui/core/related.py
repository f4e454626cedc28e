"""Same story, other outlets: candidates from a time window, scored by shared words in the
headline and lede and by shared watched names (which carry across languages and scripts:
Selenskyj, Зеленський and Zelensky are all "Zelensky"). Near-identical text is wire copy.

The cache answers the candidate questions (full-text index, matches index, time index), so a
lookup costs the same with 100,000 items as with 1,000: a few hundred candidates scored.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from tui.core.store import Store

WINDOW_SECONDS = 4 * 86_400
CANDIDATES = 300
MIN_SCORE = 0.12
WIRE_COPY_OVERLAP = 0.6
_TOKEN = re.compile(r"[^\W_]{4,}|\d+", re.UNICODE)
_STOP = frozenset("""
about after again against also among been before being between both could during each from
have having here into just more most other over said says same should some such than that
their them then there these they this those through under until very were what when where which
while will with would your year years week today news live update updates official officials
aber auch dass diese dieser dieses eine einer eines einem einen haben hatte heute nach noch oder
sagte sich sind soll über unter wird wurde wurden zwei drei beim durch gegen sein seine seiner
этот этого эти было были быть будет более после также между через который которые когда чтобы
своей своих только него неё если даже може може буде було були який яка які також після через
""".split())


@dataclass(frozen=True)
class RelatedItem:
    id: str
    feed: str
    title: str
    score: float
    wire_copy: bool
    published: float | None

    def to_json(self) -> dict:
        return {"id": self.id, "feed": self.feed, "title": self.title,
                "score": round(self.score, 3), "wire_copy": self.wire_copy}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def story_tokens(title: str, summary: str) -> set[str]:
    """Distinctive words of the headline and lede, folded; numbers kept (19 points, 28)."""
    text = _fold(f"{title} {summary[:400]}")
    return {t[:7] for t in _TOKEN.findall(text) if t not in _STOP}  # 7-char stems: crude, cheap


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def find_related(store: Store, row_id: int, *, limit: int = 20) -> list[RelatedItem]:
    conn = store.connection
    item = conn.execute("SELECT id, feed, title, summary, sort_time FROM items WHERE id = ?",
                        (row_id,)).fetchone()
    if item is None:
        return []
    low, high = item["sort_time"] - WINDOW_SECONDS, item["sort_time"] + WINDOW_SECONDS
    tokens = story_tokens(item["title"], item["summary"])
    names = {row[0] for row in conn.execute(
        "SELECT DISTINCT name FROM matches WHERE item_id = ?", (row_id,))}

    candidates: set[int] = set()
    words = sorted({w for w in re.findall(r"[^\W_]{4,}", item["title"] + " " +
                                          item["summary"][:200]) if _fold(w) not in _STOP},
                   key=len, reverse=True)[:12]
    if words:
        query = " OR ".join('"' + w.replace('"', '""') + '"' for w in words)
        candidates.update(row[0] for row in conn.execute(
            "SELECT f.rowid FROM items_fts f JOIN items i ON i.id = f.rowid "
            "WHERE items_fts MATCH ? AND i.sort_time BETWEEN ? AND ? AND i.feed != ? "
            "ORDER BY bm25(items_fts) LIMIT ?", (query, low, high, item["feed"], CANDIDATES)))
    if names:
        marks = ",".join("?" * len(names))
        candidates.update(row[0] for row in conn.execute(
            f"SELECT m.item_id FROM matches m JOIN items i ON i.id = m.item_id "
            f"WHERE m.name IN ({marks}) AND i.sort_time BETWEEN ? AND ? AND i.feed != ? "
            f"GROUP BY m.item_id ORDER BY count(DISTINCT m.name) DESC, i.sort_time DESC LIMIT ?",
            (*names, low, high, item["feed"], CANDIDATES)))
    candidates.discard(row_id)
    if not candidates:
        return []

    ids = list(candidates)
    marks = ",".join("?" * len(ids))
    their_names: dict[int, set[str]] = {}
    for item_id, name in conn.execute(
            f"SELECT DISTINCT item_id, name FROM matches WHERE item_id IN ({marks})", ids):
        their_names.setdefault(item_id, set()).add(name)
    scored: list[RelatedItem] = []
    for row in conn.execute(f"SELECT id, uid, feed, title, summary, published, sort_time "
                            f"FROM items WHERE id IN ({marks})", ids):
        overlap = _jaccard(tokens, story_tokens(row["title"], row["summary"]))
        shared = _jaccard(names, their_names.get(row["id"], set()))
        closeness = 1.0 - 0.3 * abs(row["sort_time"] - item["sort_time"]) / WINDOW_SECONDS
        score = (0.6 * overlap + 0.4 * shared) * closeness
        if score >= MIN_SCORE:
            scored.append(RelatedItem(row["uid"], row["feed"], row["title"], score,
                                      overlap >= WIRE_COPY_OVERLAP, row["published"]))
    scored.sort(key=lambda r: r.score, reverse=True)
    return scored[:limit]
