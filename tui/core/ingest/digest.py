"""What makes two versions of an item the same content: their words, whitespace aside."""

from __future__ import annotations

import hashlib


def content_digest(title: str, summary: str, text: str | None) -> str:
    """Identity of a version's content after whitespace normalisation."""
    norm = "\x1f".join(" ".join((part or "").split()) for part in (title, summary, text))
    return hashlib.sha1(norm.encode("utf-8", "surrogatepass")).hexdigest()
