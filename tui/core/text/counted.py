"""Counts in words ("1 feed", "2 feeds"): both faces say them, so they are spelled here once."""

from __future__ import annotations


def plural(number: int, noun: str, many: str | None = None) -> str:
    """`noun` as `number` of it is said: the singular for one, else `many` (default noun+s)."""
    return noun if number == 1 else many or noun + "s"


def counted(number: int, noun: str, many: str | None = None) -> str:
    """"1 feed", "0 feeds", "3 watch categories" (`many` for the irregular ones)."""
    return f"{number} {plural(number, noun, many)}"
