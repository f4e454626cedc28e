"""feeds.toml -> typed, validated settings.

A mistake in the file is refused as `feeds.toml:LINE:COL: what is wrong`, pointing at the
line of the offending key, so the user never has to guess; nothing runs on a half-valid file.
"""

from __future__ import annotations

import math
import re
import tomllib
import unicodedata
from pathlib import Path
from typing import Any

from tui.core.config import keys as keymap
from tui.core.config.locate import MAX_NESTING, Locator, decode, nesting_too_deep
from tui.core.config.model import (
    FULL_TEXT_POLICIES,
    SETTING_BOUNDS,
    AlertRule,
    Config,
    ConfigError,
    FeedConfig,
    Settings,
    WatchCategory,
    WatchTerm,
    term_problem,
)
from tui.core.config.paths import (  # noqa: F401 - the faces and the session import them here
    config_not_found,
    resolve_cache_dir,
    resolve_config_path,
)
from tui.core.config.rules import rule_problem
from tui.core.config.urls import feed_url_problem


class _Checker:
    """Type and value checks that raise ConfigError located at the key's line."""

    def __init__(self, text: str, file: str) -> None:
        self.locator = Locator(text)
        self.file = file

    def fail(self, path: tuple[Any, ...], message: str) -> ConfigError:
        where = self.locator.find_inline_key(path)
        key = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in path)
        key = key.replace(".[", "[")
        if where:
            return ConfigError(message, file=self.file, line=where[0], col=where[1])
        return ConfigError(message, file=self.file, key=key)

    def fail_at(self, path: tuple[Any, ...], value: str, message: str) -> ConfigError:
        """Like ``fail``, pointing at where the string ``value`` is written under ``path``."""
        where = self.locator.find_value(path, value)
        if where:
            return ConfigError(message, file=self.file, line=where[0], col=where[1])
        return self.fail(path, message)

    def table(self, value: Any, path: tuple[Any, ...], allowed: set[str]) -> dict:
        if not isinstance(value, dict):
            raise self.fail(path, f"{_name(path)} must be a table")
        for key in value:
            if key not in allowed:
                raise self.fail(path + (key,), f"unknown key {key!r} in {_name(path)} "
                                f"(expected one of: {', '.join(sorted(allowed))})")
        return value

    def string(self, value: Any, path: tuple[Any, ...], *, nonempty: bool = True) -> str:
        if not isinstance(value, str):
            raise self.fail(path, f"{_name(path)} must be a string, not {_type(value)}")
        if nonempty and not value.strip():
            raise self.fail(path, f"{_name(path)} must not be empty")
        return value.strip()

    def number(self, value: Any, path: tuple[Any, ...], *, integer: bool = False) -> float:
        """A finite number within the setting's bounds (SETTING_BOUNDS, by its name)."""
        kinds = (int,) if integer else (int, float)
        name = _name(path)
        if isinstance(value, bool) or not isinstance(value, kinds):
            kind = "an integer" if integer else "a number"
            raise self.fail(path, f"{name} must be {kind}, not {_type(value)}")
        if not math.isfinite(value):
            raise self.fail(path, f"{name} must be a finite number, not {value}")
        low, high = SETTING_BOUNDS[name]
        if not low <= value <= high:
            raise self.fail(path, f"{name} must be between {_figure(low)} and {_figure(high)}, "
                                  f"not {_figure(value)}")
        return value

    def strings(self, value: Any, path: tuple[Any, ...]) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise self.fail(path, f"{_name(path)} must be a list of strings, not {_type(value)}")
        return tuple(self.string(v, path + (i,)) for i, v in enumerate(value))

    def choice(self, value: Any, path: tuple[Any, ...], choices: tuple[str, ...]) -> str:
        value = self.string(value, path)
        if value not in choices:
            raise self.fail(path, f"{_name(path)} must be one of {', '.join(choices)}, "
                            f"not {value!r}")
        return value


def _figure(value: float) -> str:
    """1000000000 -> "1,000,000,000", 0.05 -> "0.05"."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


def _name(path: tuple[Any, ...]) -> str:
    return str(next((p for p in reversed(path) if isinstance(p, str)), "the top level"))


def _type(value: Any) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
            list: "a list", dict: "a table"}.get(type(value), type(value).__name__)


# --- parsing ---------------------------------------------------------------------------------

_TOP = {"settings", "feeds", "watch", "alerts", "keys"}
_FEED_KEYS = {"name", "url", "tags", "language", "full_text", "refresh_minutes"}
_ALERT_KEYS = {"name", "all", "any", "none", "categories", "feeds", "notify", "command"}
_SYNTAX_POSITION = re.compile(r"^(.*?)\s*\(at line (\d+), column (\d+)\)$")


def load_config(path: Path) -> Config:
    """Read and validate a feeds.toml; raises ConfigError (also for a missing file)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise config_not_found(path) from None
    except OSError as error:
        raise ConfigError(f"cannot read: {error.strerror or error}", file=str(path)) from None
    return parse_config(decode(raw, path.name), path=path, file=path.name)


def parse_config(text: str, *, path: Path | None = None, file: str = "feeds.toml") -> Config:
    text = text.removeprefix("\ufeff")
    if (deep := nesting_too_deep(text)) is not None:
        raise ConfigError(f"arrays or tables nested more than {MAX_NESTING} deep",
                          file=file, line=deep[0], col=deep[1])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = _SYNTAX_POSITION.match(str(error))
        if found:
            raise ConfigError(found.group(1), file=file, line=int(found.group(2)),
                              col=int(found.group(3))) from None
        raise ConfigError(str(error), file=file) from None
    check = _Checker(text, file)
    check.table(data, (), _TOP)
    feeds = _feeds(check, data.get("feeds", []))
    watch = _watch(check, data.get("watch", {}))
    return Config(
        path=path,
        settings=_settings(check, data.get("settings", {})),
        feeds=feeds,
        watch=watch,
        alerts=_alerts(check, data.get("alerts", []), watch, feeds),
        keys=_keys(check, data.get("keys", {})),
    )


def _settings(check: _Checker, raw: Any) -> Settings:
    defaults = Settings()
    check.table(raw, ("settings",), set(Settings.__dataclass_fields__))
    values: dict[str, Any] = {}
    for key, value in raw.items():
        path = ("settings", key)
        if key == "full_text":
            values[key] = check.choice(value, path, FULL_TEXT_POLICIES)
        else:
            integer = isinstance(getattr(defaults, key), int)
            number = check.number(value, path, integer=integer)
            values[key] = int(number) if integer else float(number)
    return Settings(**values)


def _feeds(check: _Checker, raw: Any) -> tuple[FeedConfig, ...]:
    if not isinstance(raw, list):
        raise check.fail(("feeds",), "feeds must be an array of tables ([[feeds]])")
    feeds: list[FeedConfig] = []
    seen: set[str] = set()
    by_url: dict[str, str] = {}
    for index, entry in enumerate(raw):
        base = ("feeds", index)
        check.table(entry, base, _FEED_KEYS)
        for required in ("name", "url"):
            if required not in entry:
                raise check.fail(base, f"feed #{index + 1} has no {required!r}")
        # One spelling of a name: "Café" typed precomposed and pasted decomposed are one feed.
        name = unicodedata.normalize("NFC", check.string(entry["name"], base + ("name",)))
        if name in seen:
            raise check.fail(base + ("name",), f"duplicate feed name {name!r}")
        seen.add(name)
        url = check.string(entry["url"], base + ("url",))
        if (problem := feed_url_problem(url)) is not None:
            raise check.fail(base + ("url",), f"feed {name!r}: {problem} ({url!r})")
        if url in by_url:    # a feed is one URL: two names would store each item twice
            raise check.fail(base + ("url",),
                             f"feed {name!r}: the same URL as feed {by_url[url]!r}")
        by_url[url] = name
        feeds.append(FeedConfig(
            name=name,
            url=url,
            tags=tuple(unicodedata.normalize("NFC", tag)
                       for tag in check.strings(entry.get("tags", []), base + ("tags",))),
            language=check.string(entry["language"], base + ("language",))
            if "language" in entry else None,
            full_text=check.choice(entry["full_text"], base + ("full_text",), FULL_TEXT_POLICIES)
            if "full_text" in entry else None,
            refresh_minutes=float(check.number(entry["refresh_minutes"],
                                               base + ("refresh_minutes",)))
            if "refresh_minutes" in entry else None,
        ))
    return tuple(feeds)


def _watch(check: _Checker, raw: Any) -> tuple[WatchCategory, ...]:
    check.table(raw, ("watch",), set(raw) if isinstance(raw, dict) else set())
    categories = []
    for name, table in raw.items():
        base = ("watch", name)
        check.table(table, base, {"color", "terms"})
        if "terms" not in table:
            raise check.fail(base, f"watch category {name!r} has no 'terms'")
        terms = table["terms"]
        if not isinstance(terms, list) or not terms:
            raise check.fail(base + ("terms",), f"watch.{name}.terms must be a non-empty list")
        categories.append(WatchCategory(
            name=name,
            terms=tuple(_term(check, t, base + ("terms", i)) for i, t in enumerate(terms)),
            color=check.string(table["color"], base + ("color",)) if "color" in table else None,
        ))
    return tuple(categories)


def _term(check: _Checker, raw: Any, path: tuple[Any, ...]) -> WatchTerm:
    if isinstance(raw, str):
        return WatchTerm(_term_text(check, raw, path))
    if isinstance(raw, dict):
        check.table(raw, path, {"name", "aliases", "not"})
        if "name" not in raw:
            raise check.fail(path, "a term table needs a 'name'")
        name = _term_text(check, raw["name"], path + ("name",))
        aliases = _term_texts(check, raw.get("aliases", []), path + ("aliases",))
        exceptions = _term_texts(check, raw.get("not", []), path + ("not",))
        for phrase in exceptions:
            if phrase.casefold() in {s.casefold() for s in (name, *aliases)}:
                raise check.fail_at(path, phrase, f"{phrase!r} is the term itself: 'not' lists "
                                    "phrases that contain the name but are not about it")
        return WatchTerm(name, aliases, exceptions)
    raise check.fail(path, f"a term must be a string or {{ name, aliases, not }}, not {_type(raw)}")


def _term_text(check: _Checker, raw: Any, path: tuple[Any, ...]) -> str:
    """A term as written: a non-empty string, a `*` only at its end after four letters."""
    if isinstance(raw, str) and not raw.strip():
        raise check.fail_at(path, raw, f"{_name(path)} must not be empty")
    text = check.string(raw, path)
    if (problem := term_problem(text)) is not None:
        raise check.fail_at(path, text, problem)
    return text


def _term_texts(check: _Checker, raw: Any, path: tuple[Any, ...]) -> tuple[str, ...]:
    if not isinstance(raw, list):
        raise check.fail(path, f"{_name(path)} must be a list of strings, not {_type(raw)}")
    return tuple(_term_text(check, v, path + (i,)) for i, v in enumerate(raw))


def _alerts(check: _Checker, raw: Any, watch: tuple[WatchCategory, ...],
            feeds: tuple[FeedConfig, ...]) -> tuple[AlertRule, ...]:
    if not isinstance(raw, list):
        raise check.fail(("alerts",), "alerts must be an array of tables ([[alerts]])")
    rules: list[AlertRule] = []
    categories = [category.name for category in watch]
    for index, entry in enumerate(raw):
        base = ("alerts", index)
        check.table(entry, base, _ALERT_KEYS)
        if "name" not in entry:
            raise check.fail(base, f"alert #{index + 1} has no 'name'")
        name = check.string(entry["name"], base + ("name",))
        lists = {key: check.strings(entry.get(key, []), base + (key,))
                 for key in ("all", "any", "none", "categories", "feeds", "command")}
        notify = (check.strings(entry["notify"], base + ("notify",))
                  if "notify" in entry else AlertRule.notify)
        rule = AlertRule(name=name, notify=notify, **lists)
        problem = rule_problem(rule, categories=categories, feeds=feeds,
                               taken=[r.name for r in rules])
        if problem is not None:
            # A rule with no terms at all is pointed at by its header, not by a missing key.
            where = base + (problem.field,) if problem.field in entry else base
            if problem.value is not None:
                raise check.fail_at(where, problem.value, f"alert {name!r}: {problem.message}")
            raise check.fail(where, f"alert {name!r}: {problem.message}")
        rules.append(rule)
    return tuple(rules)


def _keys(check: _Checker, raw: Any) -> dict[str, str]:
    """`[keys]`: known action names only, keys Textual can bind (normalized: `?` becomes
    `question_mark`), and never two actions on one key in one screen."""
    check.table(raw, ("keys",), set(raw) if isinstance(raw, dict) else set())
    keys: dict[str, str] = {}
    for action, value in raw.items():
        path = ("keys", action)
        if action not in keymap.BY_ID:
            raise check.fail(path, f"[keys]: no action named {action!r} (the names are listed "
                                   "by ? in the dashboard)")
        normalized = keymap.normalize_keys(check.string(value, path))
        if normalized is None:
            raise check.fail(path, f"[keys] {action}: {value!r} is not a key name (examples: "
                                   "j, G, ctrl+p, f5, space, ?; "
                                   "several: \"j,down\"; the comma key: \"comma\")")
        keys[action] = normalized
    for key, scope, first, second in keymap.conflicts(keys):
        culprit = second if second in keys else first
        other = first if culprit == second else second
        raise check.fail(("keys", culprit), f"[keys] {culprit}: {key} is already {other} on the "
                                            f"{scope} screen")
    return keys
