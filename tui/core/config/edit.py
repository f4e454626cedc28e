"""Changes written back into feeds.toml with tomlkit, keeping the user's comments and layout.

Every edit is validated as a whole file before it replaces the old one, and the replacement
is atomic (write a temporary file, then rename), so a crash never leaves half a config.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import tomlkit
import tomlkit.exceptions
from tomlkit.items import AoT, Array, Comment, Table, Whitespace

from tui.core.config.load import parse_config
from tui.core.config.model import AlertRule, ConfigError

BOM = "\ufeff"


def _load(path: Path) -> tomlkit.TOMLDocument:
    """The file as tomlkit reads it: without the byte-order mark a Windows editor may have
    written (the loader accepts one; tomlkit takes it for an empty key), which
    `save_document` puts back."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:  # keep \r\n as written
            text = handle.read()
    except FileNotFoundError:
        return tomlkit.document()
    try:
        return tomlkit.parse(text.removeprefix(BOM))
    except tomlkit.exceptions.ParseError as error:
        raise ConfigError(f"cannot be edited: {error}", file=path.name,
                          line=error.line, col=error.col) from None


def _has_bom(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(3) == BOM.encode("utf-8")
    except OSError:
        return False


def save_document(path: Path, document: tomlkit.TOMLDocument) -> None:
    """Validate, then atomically replace the file (the file a symlink points to, if one does)."""
    text = tomlkit.dumps(document)
    if "\r\n" in text:  # a Windows-edited file: new lines end like the old ones
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    parse_config(text, path=path, file=path.name)  # raises ConfigError; nothing is written
    target = path.resolve()
    if _has_bom(target):
        text = BOM + text
    handle, temporary = tempfile.mkstemp(prefix=".feeds.", suffix=".toml", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if target.exists():
            os.chmod(temporary, target.stat().st_mode & 0o777)
        os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


# --- comments stay where they belong ------------------------------------------------------
#
# tomlkit keeps the blank lines and comments that end a table inside that table, although a
# reader sees the comments as belonging to what follows ("# --- keys ---" above [keys]). An
# edit moves such trailing comments along with the text they introduce, so adding a feed or
# a rule after the last one, or removing one, changes only its own lines.


def _trailing(table: Table) -> tuple[int, int]:
    """Where a table's trailing trivia start, and where the part that introduces the next
    table starts: the comments after the last blank line (empty when there are none)."""
    body = table.value.body
    start = len(body)
    while start and body[start - 1][0] is None and isinstance(body[start - 1][1],
                                                              (Whitespace, Comment)):
        start -= 1
    split = len(body)
    for index in range(len(body) - 1, start, -1):
        if isinstance(body[index][1], Comment) and isinstance(body[index - 1][1], Whitespace):
            split = index
    return start, split


def _take_tail(table: Table, start: int) -> list:
    body = table.value.body
    tail = [item for _, item in body[start:]]
    del body[start:]
    return tail


def _separate(document: tomlkit.TOMLDocument) -> None:
    """A blank line before a table added at the end of the file."""
    if document.body and not document.as_string().endswith("\n\n"):
        document.add(tomlkit.nl())


def _append_entry(tables: AoT, entry: Table) -> None:
    """Append a table after the last one, before the comments that introduce what follows."""
    if len(tables):
        last = tables[-1]
        start, split = _trailing(last)
        introduces_next = _take_tail(last, split)
        blank = [item for _, item in last.value.body[start:] if isinstance(item, Whitespace)]
        if not blank:
            last.add(tomlkit.nl())
        for item in [*(Whitespace(ws.as_string()) for ws in blank), *introduces_next]:
            entry.add(item)
    tables.append(entry)


def add_feeds(path: Path, feeds: Iterable) -> tuple[list[str], int]:
    """Append feeds (name, url, tags) not already configured by URL; returns (added, skipped).

    A name already taken gets a number, "Name (2)", "Name (3)": the numbering for a name
    goes on from where it stopped, so 10,000 outlines of one title cost linear time (the
    old search from 2 each time took minutes).
    """
    document = _load(path)
    if "feeds" not in document:
        _separate(document)
        document.append("feeds", tomlkit.aot())
    table = document["feeds"]
    urls = {str(entry.get("url")) for entry in table}
    names = {str(entry.get("name")).strip() for entry in table}  # as the loader reads them
    next_number: dict[str, int] = {}
    added: list[str] = []
    skipped = 0
    for feed in feeds:
        if feed.url in urls:
            skipped += 1
            continue
        name = _free_name(feed.name.strip() or feed.url, names, next_number)
        entry = tomlkit.table()
        entry["name"] = name
        entry["url"] = feed.url
        if feed.tags:
            entry["tags"] = list(feed.tags)
        _append_entry(table, entry)
        urls.add(feed.url)
        names.add(name)
        added.append(name)
    if added:
        save_document(path, document)
    return added, skipped


def _free_name(wanted: str, taken: set[str], next_number: dict[str, int]) -> str:
    """``wanted``, or the first "wanted (n)" not taken, n counting on from the last call."""
    if wanted not in taken:
        return wanted
    number = next_number.get(wanted, 2)
    while f"{wanted} ({number})" in taken:
        number += 1
    next_number[wanted] = number + 1
    return f"{wanted} ({number})"


# --- alert rules --------------------------------------------------------------------------

_RULE_KEYS = ("all", "any", "none", "categories", "feeds", "notify", "command")


def _rule_values(rule: AlertRule) -> dict[str, list[str]]:
    """The keys worth writing for a rule: empty lists and the default notify are implied."""
    values = {key: list(getattr(rule, key)) for key in _RULE_KEYS}
    return {key: value for key, value in values.items()
            if value and not (key == "notify" and tuple(value) == AlertRule.notify)}


def _alert_table(rule: AlertRule) -> Table:
    entry = tomlkit.table()
    entry["name"] = rule.name
    for key, value in _rule_values(rule).items():
        entry[key] = value
    return entry


def _set_rule(entry: Table, rule: AlertRule) -> None:
    """Rewrite a rule in place: unchanged keys keep their lines, comments and layout."""
    start, _ = _trailing(entry)
    tail = _take_tail(entry, start)
    wanted = _rule_values(rule)
    if entry.get("name") != rule.name:
        entry["name"] = rule.name
    for key in _RULE_KEYS:
        old = entry.get(key)
        old_value = old.unwrap() if hasattr(old, "unwrap") else old
        new_value = wanted.get(key)
        if old is None:
            if new_value is not None:
                entry[key] = new_value
        elif new_value is None:
            implied = list(AlertRule.notify) if key == "notify" else []
            if old_value != implied:
                del entry[key]
        elif old_value != new_value:
            entry[key] = new_value
    for item in tail:
        entry.add(item)


def upsert_alert(path: Path, rule: AlertRule, *, replace: str | None = None) -> None:
    """Add an alert rule, or replace the one named `replace` in place (order kept)."""
    document = _load(path)
    if isinstance(document.get("alerts"), Array) and not document["alerts"]:
        del document["alerts"]  # `alerts = []`: the first rule starts the [[alerts]] tables
    if "alerts" not in document:
        _separate(document)
        document.append("alerts", tomlkit.aot())
    alerts = document["alerts"]
    if not isinstance(alerts, AoT):
        raise ConfigError("alerts is not written as [[alerts]] tables; edit it by hand",
                          file=path.name, key="alerts")
    target = replace or rule.name
    for entry in alerts:
        if entry.get("name") == target:
            _set_rule(entry, rule)
            save_document(path, document)
            return
    if replace is not None:
        raise ConfigError(f"no alert named {replace!r}", file=path.name)
    _append_entry(alerts, _alert_table(rule))
    save_document(path, document)


def remove_alert(path: Path, name: str) -> None:
    document = _load(path)
    alerts = document.get("alerts")
    if not isinstance(alerts, AoT):
        raise ConfigError(f"no alert named {name!r}", file=path.name)
    for index, entry in enumerate(alerts):
        if entry.get("name") == name:
            _, split = _trailing(entry)
            introduces_next = _take_tail(entry, split)
            at = next(i for i, (_, item) in enumerate(document.body) if item is alerts)
            if len(alerts) == 1:
                del document["alerts"]  # an empty AoT would come back as `alerts = []`
            else:
                del alerts[index]
            if index:
                for item in introduces_next:
                    alerts[index - 1].add(item)
            else:
                # Text just before the first [[alerts]] header: the document's own trivia.
                # Only the rendering follows; the document is not looked up again.
                document.body[at:at] = [(None, item) for item in introduces_next]
            save_document(path, document)
            return
    raise ConfigError(f"no alert named {name!r}", file=path.name)
