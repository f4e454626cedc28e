"""Changes written back into feeds.toml with tomlkit, keeping the user's comments and layout.

Every edit is validated as a whole file before it replaces the old one, and the replacement
is atomic (write a temporary file, then rename), so a crash never leaves half a config.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Iterable

import tomlkit

from tui.config import AlertRule, ConfigError, parse_config


def _load(path: Path) -> tomlkit.TOMLDocument:
    try:
        return tomlkit.parse(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return tomlkit.document()


def save_document(path: Path, document: tomlkit.TOMLDocument) -> None:
    """Validate, then atomically replace the file."""
    text = tomlkit.dumps(document)
    parse_config(text, path=path, file=path.name)  # raises ConfigError; nothing is written
    directory = path.resolve().parent
    handle, temporary = tempfile.mkstemp(prefix=".feeds.", suffix=".toml", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def add_feeds(path: Path, feeds: Iterable) -> tuple[list[str], int]:
    """Append feeds (name, url, tags) not already configured by URL; returns (added, skipped)."""
    document = _load(path)
    if "feeds" not in document:
        document.append("feeds", tomlkit.aot())
    table = document["feeds"]
    urls = {str(entry.get("url")) for entry in table}
    names = {str(entry.get("name")) for entry in table}
    added: list[str] = []
    skipped = 0
    for feed in feeds:
        if feed.url in urls:
            skipped += 1
            continue
        name, number = feed.name, 2
        while name in names:
            name, number = f"{feed.name} ({number})", number + 1
        entry = tomlkit.table()
        entry["name"] = name
        entry["url"] = feed.url
        if feed.tags:
            entry["tags"] = list(feed.tags)
        table.append(entry)
        urls.add(feed.url)
        names.add(name)
        added.append(name)
    if added:
        save_document(path, document)
    return added, skipped


def _alert_table(rule: AlertRule) -> tomlkit.items.Table:
    entry = tomlkit.table()
    entry["name"] = rule.name
    for key in ("all", "any", "none", "categories", "feeds"):
        values = getattr(rule, key)
        if values or key == "all":
            entry[key] = list(values)
    entry["notify"] = list(rule.notify)
    if rule.command:
        entry["command"] = list(rule.command)
    return entry


def upsert_alert(path: Path, rule: AlertRule, *, replace: str | None = None) -> None:
    """Add an alert rule, or replace the one named `replace` in place (order kept)."""
    document = _load(path)
    if "alerts" not in document:
        document.append("alerts", tomlkit.aot())
    alerts = document["alerts"]
    target = replace or rule.name
    for index, entry in enumerate(alerts):
        if entry.get("name") == target:
            new_entry = _alert_table(rule)
            for key in list(entry.keys()):
                if key not in new_entry:
                    del entry[key]
            for key, value in new_entry.items():
                entry[key] = value
            save_document(path, document)
            return
    if replace is not None:
        raise ConfigError(f"no alert named {replace!r}", file=path.name)
    alerts.append(_alert_table(rule))
    save_document(path, document)


def remove_alert(path: Path, name: str) -> None:
    document = _load(path)
    alerts = document.get("alerts")
    if alerts is None:
        raise ConfigError(f"no alert named {name!r}", file=path.name)
    for index, entry in enumerate(alerts):
        if entry.get("name") == name:
            del alerts[index]
            save_document(path, document)
            return
    raise ConfigError(f"no alert named {name!r}", file=path.name)
