"""The fields of an item that watched names and rule terms are looked for in: one definition
for the matching at ingest, the whole-cache re-match and the alert rules."""

from __future__ import annotations

MATCHED_FIELDS = ("title", "summary", "text")
"""The fields of an item that names and rule terms are looked for in, in that order."""


def fields_to_match(title: str, summary: str, text: str | None) -> dict[str, str]:
    """The fields of an item that names and rule terms are looked for in, in that order."""
    fields = {"title": title, "summary": summary}
    if text:
        fields["text"] = text
    return fields
