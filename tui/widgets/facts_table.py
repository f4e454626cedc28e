"""The facts table above a compare of two reports in different languages: each name, place
and number, how each report writes it, and where they disagree.

Disagreements come first and stand out (the error tone, bold): "28-point" against
"19 Punkte" is what a reader of two outlets is looking for. Facts only one report has are
marked with the side that has them. Feed text goes through `plain` (never markup).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.core.stories.align import FactRow
from tui.widgets.highlight import plain
from tui.widgets.palette import BOLD, Tones

KINDS = {"name": "name", "place": "place", "number": "number"}
STATUS = {"both": "both", "left": "◀ only", "right": "only ▶", "differs": "≠ differs"}


def facts_renderable(facts: Sequence[FactRow], left: str, right: str, tones: Tones) -> Table:
    """The table as Rich renders it (the CLI prints its own plain version)."""
    table = Table(box=None, expand=True, show_edge=False, pad_edge=False, padding=(0, 1),
                  header_style=BOLD)
    table.add_column("fact", no_wrap=True, width=6)
    table.add_column(plain(left), ratio=1, no_wrap=True, overflow="ellipsis")
    table.add_column(plain(right), ratio=1, no_wrap=True, overflow="ellipsis")
    table.add_column("", no_wrap=True, width=9)
    for fact in facts:
        differs = fact.status == "differs"
        style = tones.error + BOLD if differs else None
        muted = tones.muted
        table.add_row(Text(KINDS.get(fact.kind, fact.kind), style=muted),
                      plain(fact.left or "—", style or ("" if fact.left else muted)),
                      plain(fact.right or "—", style or ("" if fact.right else muted)),
                      Text(STATUS.get(fact.status, fact.status),
                           style=style or (muted if fact.status == "both" else tones.warning)))
    return table


class FactsTable(VerticalScroll):
    """The facts of two reports, scrollable when there are more than fit."""

    DEFAULT_CSS = """
    FactsTable {
        height: auto;
        max-height: 30%;
        scrollbar-size-vertical: 1;
        background: $surface;
        border-bottom: solid $border-blurred;
        padding: 0 1;
        display: none;
    }
    FactsTable.-shown { display: block; }
    FactsTable > Static { height: auto; }
    """

    def compose(self):
        yield Static(id="facts-body")

    def show(self, facts: Sequence[FactRow], left: str, right: str) -> None:
        body = self.query_one("#facts-body", Static)
        self._shown = (list(facts), left, right)
        body.update(facts_renderable(facts, left, right, Tones.of(self)) if facts
                    else Text("no names, places or numbers found in either report",
                              style=Tones.of(self).muted))
        self.add_class("-shown")

    def hide(self) -> None:
        self.remove_class("-shown")

    def restyle(self) -> None:
        if getattr(self, "_shown", None) is not None:
            self.show(*self._shown)
