"""Counts in words, as both faces say them."""

from tui.core.text.counted import counted, plural


def test_one_is_singular_and_every_other_count_plural():
    assert [counted(n, "feed") for n in (0, 1, 2)] == ["0 feeds", "1 feed", "2 feeds"]
    assert counted(1, "watch category", "watch categories") == "1 watch category"
    assert counted(3, "watch category", "watch categories") == "3 watch categories"
    assert plural(1, "outlet") == "outlet" and plural(12, "outlet") == "outlets"
