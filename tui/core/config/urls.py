"""The one check of a feed URL, asked by the loader (feeds.toml) and by OPML import alike.

The fetcher asks the same questions again before it connects (httpx reads URLs more
leniently); asking them here turns a feed that would fail on every refresh into one line
naming the feed, at load or import time.
"""

from __future__ import annotations

from urllib.parse import urlsplit

_SCHEMES = ("http", "https")


def feed_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a feed's address (a short phrase), or None if it can."""
    if not url.isprintable() or any(c.isspace() for c in url):
        return "the URL holds spaces or control characters"
    try:
        parts = urlsplit(url)
    except ValueError as error:  # "Invalid IPv6 URL" and the like
        return f"the URL cannot be read ({_short(str(error))})"
    if parts.scheme.lower() not in _SCHEMES:
        return f"not an http(s) URL (scheme {_short(parts.scheme) or 'missing'})"
    try:
        port = parts.port
    except ValueError:  # not a number, or outside 0-65535
        return "the URL's port is not a number from 1 to 65535"
    if port == 0:
        return "the URL's port is not a number from 1 to 65535"
    if not parts.hostname:
        return "the URL has no host"
    return None


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
