"""How a page is laid out, as far as extraction needs to know: which tables lay out the page
rather than hold data, and how much of a text is the page's links.

Older sites (and some newer ones) put the whole article in a `<td>`. trafilatura treats a
table as data: without tables it drops the article (a 2,137-word story came back empty), with
tables it flattens each cell into one line, so the article becomes one paragraph and every
version diff a one-row wall. A table whose cells hold prose is layout: its table, row and cell
elements become plain `<div>`s, and the article's paragraphs are paragraphs again. A table
whose cells hold only short values (results, figures, schedules) stays a table.

Readability tells the two apart by scores over rows, columns and attributes; one sign is
enough here: a cell holding a block of prose (a paragraph, a heading, a list, a quotation, a
nested table, or a blank line made of two `<br>`). One walk over the tree, so a hostile page
costs time in proportion to its size, whatever its nesting.

A broad (recall) reading of a page can be longer than the precise one because it is right
(the precise one settled on a notice) or because it took in the menus and the "more stories"
lists. `link_share` tells these apart: the share of a text made of paragraphs that are, word
for word, the text of one of the page's links (a headline in a list, a menu entry).
"""

from __future__ import annotations

from lxml import etree
from lxml.html import HtmlElement

__all__ = ["link_share", "unwrap_layout_tables"]

# An element of one of these kinds inside a cell makes the cell's table a layout table.
_PROSE_BLOCKS = frozenset(
    "p h1 h2 h3 h4 h5 h6 blockquote ul ol dl pre article section table".split())
_CELLS = frozenset(("td", "th"))
# The parts of a table that become <div>s when it is layout.
_TABLE_PARTS = frozenset("table caption thead tbody tfoot tr td th colgroup col".split())


def unwrap_layout_tables(tree: HtmlElement) -> int:
    """Turn every layout table of `tree` (in place) into nested <div>s; how many there were."""
    layout: set[HtmlElement] = set()
    owner: dict[HtmlElement, HtmlElement] = {}     # table part -> the table it belongs to
    tables: list[HtmlElement] = []                 # open tables, innermost last
    cell_tables: list[HtmlElement] = []            # the table of each open cell, innermost last
    for event, element in etree.iterwalk(tree, events=("start", "end")):
        tag = element.tag
        if not isinstance(tag, str):               # comments, processing instructions
            continue
        if event == "end":
            if tag in _CELLS and cell_tables:
                cell_tables.pop()
            elif tag == "table" and tables:
                tables.pop()
            continue
        if cell_tables and (tag in _PROSE_BLOCKS or (tag == "br" and _blank_line(element))):
            layout.add(cell_tables[-1])
        if tag in _TABLE_PARTS and tables and tag != "table":
            owner[element] = tables[-1]
        if tag == "table":
            tables.append(element)
        elif tag in _CELLS:
            cell_tables.append(tables[-1] if tables else element)
    if not layout:
        return 0
    for element, table in owner.items():
        if table in layout:
            element.tag = "div"
    for table in layout:
        table.tag = "div"
    return len(layout)


def _blank_line(br: HtmlElement) -> bool:
    """`<br>` then `<br>` with nothing but space between: the old way to end a paragraph."""
    following = br.getnext()
    return following is not None and following.tag == "br" and not (br.tail or "").strip()


def link_share(text: str, tree: HtmlElement) -> float:
    """The share of `text` (paragraphs separated by blank lines) in paragraphs that are the
    whole text of one of the page's links: 0.0 for an article, near 1.0 for a list of links."""
    anchors = {_folded(a.text_content()) for a in tree.iter("a")}
    anchors.discard("")
    total = linked = 0
    for paragraph in text.split("\n\n"):
        size = len(paragraph)
        total += size
        if _folded(paragraph.removeprefix("- ")) in anchors:
            linked += size
    return linked / total if total else 0.0


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()
