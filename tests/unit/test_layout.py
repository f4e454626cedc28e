"""Layout tables told from data tables, and how much of a text is the page's links."""

from __future__ import annotations

from pathlib import Path

import lxml.html

from tui.core.text.layout import link_share, unwrap_layout_tables

PAGES = Path(__file__).resolve().parents[1] / "data" / "pages"


def tags(tree) -> list[str]:
    return [element.tag for element in tree.iter() if isinstance(element.tag, str)]


def unwrapped(body: str) -> tuple[int, lxml.html.HtmlElement]:
    """How many layout tables a page with this body has, and the page once they are unwrapped."""
    tree = lxml.html.fromstring(f"<html><body>{body}</body></html>")
    return unwrap_layout_tables(tree), tree


def test_a_table_whose_cell_holds_paragraphs_becomes_divs():
    found, tree = unwrapped("<table><tr><td><a href='/'>Home</a></td>"
                            "<td><h1>Title</h1><p>One.</p><p>Two.</p></td></tr></table>")
    assert found == 1
    assert not {"table", "tr", "td", "tbody"} & set(tags(tree))
    assert [p.text for p in tree.iter("p")] == ["One.", "Two."]


def test_a_table_of_values_stays_a_table():
    found, tree = unwrapped("<p>Before.</p><table><tr><th>Region</th><th>Since</th></tr>"
                            "<tr><td>Crimea</td><td>2014</td></tr>"
                            "<tr><td>Donetsk<br>Luhansk</td><td>2022</td></tr></table>")
    assert found == 0 and tags(tree).count("td") == 4


def test_a_blank_line_of_two_brs_marks_a_layout_cell():
    assert unwrapped("<table><tr><td>First paragraph.<br><br>Second paragraph.</td></tr></table>")[0] == 1


def test_a_data_table_inside_a_layout_table_stays_a_table():
    found, tree = unwrapped("<table><tr><td><p>The story.</p>"
                            "<table><tr><td>Crimea</td><td>2014</td></tr></table>"
                            "<p>More story.</p></td></tr></table>")
    assert found == 1
    assert tags(tree).count("table") == 1 and tags(tree).count("td") == 2
    inner = next(tree.iter("table"))
    assert [td.text for td in inner.iter("td")] == ["Crimea", "2014"]


def test_nested_layout_tables_are_all_unwrapped():
    depth = 2_000          # the parser keeps 256 levels: about 80 tables, each with a paragraph
    found, tree = unwrapped("<table><tr><td><p>x</p>" * depth + "</td></tr></table>" * depth)
    assert found == sum(1 for _ in tree.iter("p")) > 50
    assert all(table.find(".//p") is None for table in tree.iter("table"))


def test_link_share_is_zero_for_prose_and_high_for_a_list_of_links():
    tree = lxml.html.fromstring((PAGES / "topic_links.html").read_bytes())
    headlines = [a.text_content() for a in tree.iter("a")][1:]      # not the logo
    assert link_share("\n\n".join(["Our coverage of the talks.", *headlines]), tree) > 0.9
    assert link_share("\n\n".join(f"- {h}" for h in headlines), tree) == 1.0    # list items
    prose = "Negotiators met in Geneva on Sunday.\n\nThe talks continue on Monday."
    assert link_share(prose, tree) == 0.0
    assert link_share("", tree) == 0.0
