"""What feeds.toml says, as typed values: the settings, feeds, watch categories, alert rules
and key bindings every part of wirewatch reads. Loading and checking them is load.py's job."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

FULL_TEXT_POLICIES = ("matches", "all", "never")
NOTIFY_KINDS = ("toast", "bell", "desktop", "command")
CONFIG_ENV = "WIREWATCH_CONFIG"
CACHE_ENV = "WIREWATCH_CACHE"

# What each number in feeds.toml may be (inclusive); anything else is refused with its line.
SETTING_BOUNDS: dict[str, tuple[float, float]] = {
    "refresh_minutes": (0.05, 10_080),            # 3 seconds to a week (per feed too)
    "timeout_seconds": (1, 600),
    "concurrency": (1, 256),
    "keep_days": (1, 36_500),
    "max_feed_bytes": (1_000, 1_000_000_000),     # 1 KB to 1 GB
    "max_page_bytes": (1_000, 1_000_000_000),
}


class ConfigError(Exception):
    """A configuration mistake, located as precisely as the file allows."""

    def __init__(self, message: str, *, file: str = "feeds.toml", line: int | None = None,
                 col: int | None = None, key: str | None = None) -> None:
        self.message, self.file, self.line, self.col, self.key = message, file, line, col, key
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.line is not None:
            return f"{self.file}:{self.line}:{self.col or 1}: {self.message}"
        if self.key:
            return f"{self.file}: {self.key}: {self.message}"
        return f"{self.file}: {self.message}"


@dataclass(frozen=True)
class Settings:
    refresh_minutes: float = 15.0     # background refresh period (dashboard and `watch`)
    timeout_seconds: float = 20.0     # total deadline for one HTTP request, body included
    max_feed_bytes: int = 10_000_000  # cap after decompression
    max_page_bytes: int = 5_000_000
    concurrency: int = 16             # requests in flight overall (per host: at most 4)
    full_text: str = "matches"        # which items get their article page fetched
    keep_days: int = 90               # older items (not alerted, not starred) are pruned


@dataclass(frozen=True)
class FeedConfig:
    name: str
    url: str
    tags: tuple[str, ...] = ()
    language: str | None = None          # hint for dates when the feed does not say
    full_text: str | None = None         # overrides settings.full_text
    refresh_minutes: float | None = None  # overrides settings.refresh_minutes


@dataclass(frozen=True)
class WatchTerm:
    name: str                       # canonical: what every output reports
    aliases: tuple[str, ...] = ()
    exceptions: tuple[str, ...] = ()  # `not`: phrases with the name that are not about it


PREFIX_MIN_LETTERS = 4


def term_problem(term: str) -> str | None:
    """What is wrong with how a term (a watch term, an alias, an alert rule's term or a `not`
    phrase) is written, or None. A `*` may only end a term, after at least four letters of
    its last word (`recogni*`): a shorter prefix would find half the dictionary."""
    if "*" not in term:
        return None
    body = term.rstrip()
    if "*" in body[:-1] or not body.endswith("*"):
        return f"{term!r}: a * may only end a term (recogni* finds every word starting with recogni)"
    last = body[:-1].split()[-1] if body[:-1].split() else ""
    letters = sum(ch.isalpha() for ch in last)
    if letters < PREFIX_MIN_LETTERS or not last[-1:].isalpha():
        return (f"{term!r}: a term ending in * needs at least {PREFIX_MIN_LETTERS} letters "
                f"before the star (recogni*)")
    return None


@dataclass(frozen=True)
class WatchCategory:
    name: str
    terms: tuple[WatchTerm, ...]
    color: str | None = None


@dataclass(frozen=True)
class AlertRule:
    name: str
    all: tuple[str, ...] = ()
    any: tuple[str, ...] = ()
    none: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    notify: tuple[str, ...] = ("toast", "bell")
    command: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {"name": self.name, "all": list(self.all), "any": list(self.any),
                "none": list(self.none), "categories": list(self.categories),
                "feeds": list(self.feeds), "notify": list(self.notify),
                "command": list(self.command)}


@dataclass(frozen=True)
class Config:
    path: Path | None
    settings: Settings = field(default_factory=Settings)
    feeds: tuple[FeedConfig, ...] = ()
    watch: tuple[WatchCategory, ...] = ()
    alerts: tuple[AlertRule, ...] = ()
    keys: dict[str, str] = field(default_factory=dict)

    def feed(self, name: str) -> FeedConfig | None:
        return next((f for f in self.feeds if f.name == name), None)

    def feeds_matching(self, names_or_tags: tuple[str, ...]) -> set[str]:
        """Feed names selected by a list of feed names or tags (empty = all), however their
        accents were composed (names and tags are NFC, see load.py)."""
        if not names_or_tags:
            return {f.name for f in self.feeds}
        import unicodedata

        wanted = {unicodedata.normalize("NFC", name) for name in names_or_tags}
        return {f.name for f in self.feeds if f.name in wanted or wanted & set(f.tags)}

    def full_text_policy(self, feed: FeedConfig) -> str:
        return feed.full_text or self.settings.full_text

    def refresh_minutes(self, feed: FeedConfig) -> float:
        return feed.refresh_minutes or self.settings.refresh_minutes


# Colours for watch categories that do not name one: distinct on dark and light backgrounds.
FALLBACK_COLOURS = ("orange1", "cyan", "magenta", "green3", "yellow3", "deep_sky_blue1",
                    "hot_pink", "spring_green2")


def category_colours(config: Config) -> dict[str, str]:
    """Each watch category's colour name: its `color` in feeds.toml, else a fallback by its
    place in the file (the dashboard and the command line colour names alike)."""
    return {category.name: category.color or FALLBACK_COLOURS[index % len(FALLBACK_COLOURS)]
            for index, category in enumerate(config.watch)}
