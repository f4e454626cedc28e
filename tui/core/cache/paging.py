"""How one page of a filtered, newest-first item list is read at a million items.

A filter term can be tested two ways. `IN (the term's items)` reads every item the term has,
then sorts them: cheap for a rare term, 0.5 s for a category with 400,000 items. `EXISTS`
walks the time index newest first and asks each item, stopping at the end of the page:
cheap for a common term, a walk over the whole cache for a rare one. Walking to the end of
a page costs about want x items / matches probes, listing about `matches`: so a term is
walked when it has more than about sqrt(want x items / 4) matches, which a count that
stops there tells. Both forms select the same items.

The full-text index cannot be asked item by item cheaply, so a common search is walked in
windows instead: the next rows of the time index (other filters applied), each tested
against the index. Every query of the index pays to gather the matches of the last word's
prefix (3 ms for "crimea*" at a million items, 35 ms for "the*"), so the index is asked
once for its newest matches by id, several pages' worth: new items have the highest ids, so
these decide the top of the time order; only a window reaching ids below them asks the
index again, over just their id range. The same read tells how common the search is.
Pages past the middle of a list are read from its oldest end, so the last page (`G`) costs
what the first does.
"""

from __future__ import annotations

import sqlite3

from tui.core.cache.store import at_least

FEW = 2_000               # a term on fewer items than this is always listed
MIN_WINDOW = 200          # rows of the time index a window of a search reads at least
MAX_WINDOWS = 6           # then the search is read the listing way
NEWEST_MATCHES = 4        # the first read of the index: this many times the rows asked for


def worth_walking(conn: sqlite3.Connection, want: int, step_cost: float) -> int:
    """How many matches make a term worth walking to row `want`: sqrt(want x items x
    step_cost), where step_cost is what one step of the walk costs against listing one
    match (measured at 1M: 1/4 for a name, 1/2 for a search window's row)."""
    items = conn.execute("SELECT max(id) FROM items").fetchone()[0] or 0
    return max(FEW, int((want * items * step_cost) ** 0.5))


def common_match(conn: sqlite3.Connection, key: str, want: int) -> bool:
    """Is the watched name or category `key` on so many items that walking to row `want`
    wins?"""
    enough = worth_walking(conn, want, 0.25)
    return (at_least(conn, "SELECT 1 FROM matches WHERE name = ?", [key], enough)
            or at_least(conn, "SELECT 1 FROM matches WHERE category = ?", [key], enough))


def common_hits(conn: sqlite3.Connection, want: int) -> bool:
    return at_least(conn, "SELECT 1 FROM hits", [], worth_walking(conn, want, 0.25))


def common_unread(conn: sqlite3.Connection, want: int) -> bool:
    return at_least(conn, "SELECT 1 FROM unread", [], worth_walking(conn, want, 0.25))


def walk_search(conn: sqlite3.Connection, where: str, params: list, query: str,
                want: int) -> list[int] | None:
    """The first `want` item ids, newest first, of the items that pass `where` (the other
    filters, over `items i`) and match the full-text `query`; None when listing the matches
    costs less (the search is not common enough), or they are too sparse at the top of the
    time order for walking to pay (the caller lists them instead)."""
    top = conn.execute("SELECT max(id) FROM items").fetchone()[0] or 0
    batch = max(1, int(want * NEWEST_MATCHES))
    newest = [row[0] for row in conn.execute(
        "SELECT rowid FROM items_fts WHERE items_fts MATCH ? ORDER BY rowid DESC LIMIT ?",
        (query, batch))]
    # Every match with an id from `floor` up is in `known`.
    floor = newest[-1] if len(newest) == batch else 0
    known = set(newest)
    # How common the search is, from how dense the newest matches are.
    density = len(newest) / max(1, top - floor + 1)
    if density * top < worth_walking(conn, want, 0.5) or not newest:
        return None
    joiner = " AND " if where else " WHERE "
    # The ids as SQL text: integers read from SQLite, any number of them (parameters are
    # limited to 999 on older SQLite).
    listed = ",".join(str(row_id) for row_id in newest)
    found: list[int] = []
    after: tuple[float, int] | None = None
    # The first window: as many rows as the newest matches' density says the page needs, and
    # a quarter more (a third of the ids they span, when ids follow the time order).
    window, scanned = max(MIN_WINDOW, int(want / density * 1.25)), 0
    for _ in range(MAX_WINDOWS):
        keyset, values = "", []
        if after is not None:
            keyset = joiner + "(i.sort_time, i.id) < (?, ?)"    # walks on from `after`
            values = [after[0], after[1]]
        window_sql = (f"SELECT i.sort_time, i.id FROM items i{where}{keyset} "
                      "ORDER BY i.sort_time DESC, i.id DESC")
        # Of the window's rows, only those among the newest matches or older than they reach
        # come back (SQLite walks thousands of rows faster than Python reads them).
        ids = [row[0] for row in conn.execute(
            f"SELECT id FROM ({window_sql} LIMIT ?) WHERE id < ? OR id IN ({listed}) "
            "ORDER BY sort_time DESC, id DESC", [*params, *values, window, floor])]
        below = [row_id for row_id in ids if row_id < floor]
        matching = known
        if below:            # older ids than the newest matches reach: ask the index
            matching = known | {row[0] for row in conn.execute(
                "SELECT rowid FROM items_fts WHERE items_fts MATCH ? AND rowid BETWEEN ? AND ?",
                (query, min(below), max(below)))}
        found += [row_id for row_id in ids if row_id in matching]
        if len(found) >= want:
            return found[:want]
        last = conn.execute(f"{window_sql} LIMIT 1 OFFSET ?",
                            [*params, *values, window - 1]).fetchone()
        if last is None:
            return found             # the list ended in this window
        after = (last[0], last[1])
        scanned += window
        # As many rows as the density so far says the rest of the page needs, and a quarter
        # more; at least twice the last window when nothing was found yet.
        density = len(found) / scanned
        needed = (want - len(found)) / density * 1.25 if density else 2 * window
        window = max(MIN_WINDOW, int(needed))
    return None
