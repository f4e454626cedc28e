"""The one way alert rules are written: `wirewatch alert add/rm`, the dashboard's alert form
and its delete all come here, so the file and the cache always change the same way.

The rule is written into feeds.toml with tomlkit (comments and layout kept, the whole file
validated before it replaces the old one); the hits follow a renamed rule and leave with a
deleted one, in a transaction that commits only once the file is written, so the file and
the cache change together or not at all. Putting the new rules in force in a running program
(and evaluating the cached items against them) is the session's job: `Session.apply`.
"""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path

from tui.core.cache.hits import hits_deleted, hits_renamed
from tui.core.cache.store import Store
from tui.core.config.edit import remove_alert, upsert_alert
from tui.core.config.load import load_config
from tui.core.config.model import AlertRule, Config, ConfigError


def config_path(config: Config) -> Path:
    """The file a config was read from (a config parsed from text cannot be saved)."""
    if config.path is None:
        raise ConfigError("this configuration was not read from a file; there is nothing "
                          "to save the alert to")
    return Path(config.path)


def save_rule(path: Path, rule: AlertRule, store: Store, *, replace: str | None = None) -> Config:
    """Write `rule` into the file (replacing the rule named `replace`, in place), carry a
    renamed rule's hits over to its new name, and return the file as now read.

    Raises ConfigError when the file would not be valid afterwards (nothing is written).
    """
    renaming = hits_renamed(store, replace, rule.name) if replace is not None else nullcontext()
    with renaming:
        upsert_alert(path, rule, replace=replace)
    return load_config(path)


def delete_rule(path: Path, name: str, store: Store) -> Config:
    """Remove the rule named `name` from the file and its hits from the cache (both or
    neither), and return the file as now read."""
    with hits_deleted(store, name):
        remove_alert(path, name)
    return load_config(path)
