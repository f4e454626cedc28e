"""Where wirewatch's files are: which feeds.toml is used, which cache goes with it, and the
user's own folders (platformdirs), where `wirewatch init` puts the shipped starter.

Lookup (SPEC): `--config PATH`, else $WIREWATCH_CONFIG, else ./feeds.toml, else feeds.toml in
the user's config folder. The cache: `--cache DIR`, else $WIREWATCH_CACHE, else cache/ beside
the config file, except that the config in the user's config folder gets the user's cache
folder (a config folder is no place for a database).
"""

from __future__ import annotations

import os
from pathlib import Path

from tui import data_file
from tui.core.config.model import CACHE_ENV, CONFIG_ENV, ConfigError

APP_NAME = "wirewatch"
CONFIG_NAME = "feeds.toml"


def user_config_file() -> Path:
    """feeds.toml in the user's config folder (on Linux $XDG_CONFIG_HOME/wirewatch, else
    ~/.config/wirewatch)."""
    # Imported here: ~4 ms that a command run beside its feeds.toml skips.
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False)) / CONFIG_NAME


def user_cache_folder() -> Path:
    """The user's cache folder (on Linux $XDG_CACHE_HOME/wirewatch, else ~/.cache/wirewatch)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(APP_NAME, appauthor=False))


def resolve_config_path(option: str | None) -> Path:
    """`--config`, else $WIREWATCH_CONFIG, else ./feeds.toml, else the user's feeds.toml.

    A file named by the option or the environment is taken as it is, and when none is found
    the user's (missing) file is returned: `load_config` reports either as missing, saying
    where it looked (`config_not_found`).
    """
    chosen = option or os.environ.get(CONFIG_ENV)
    if chosen:
        return Path(chosen)
    local = Path(CONFIG_NAME)
    return local if local.is_file() else user_config_file()


def resolve_cache_dir(option: str | None, config_path: Path) -> Path:
    """`--cache`, else $WIREWATCH_CACHE, else cache/ beside the config file; for the user's
    own feeds.toml, the user's cache folder."""
    chosen = option or os.environ.get(CACHE_ENV)
    if chosen:
        return Path(chosen)
    if is_user_config(config_path):
        return user_cache_folder()
    return config_path.resolve().parent / "cache"


def is_user_config(path: Path) -> bool:
    """Is `path` the feeds.toml in the user's config folder (however it was written)? Only a
    feeds.toml in a folder named wirewatch can be: any other is told apart without asking
    platformdirs (~4 ms of imports at every start)."""
    resolved = path.resolve()
    if resolved.name != CONFIG_NAME or resolved.parent.name != APP_NAME:
        return False
    return resolved == user_config_file().resolve()


def config_not_found(path: Path) -> ConfigError:
    """The error for a feeds.toml that is not there: where wirewatch looked, and that `init`
    writes one."""
    if is_user_config(path):
        here = Path(CONFIG_NAME).resolve()
        return ConfigError(f"no {CONFIG_NAME} in this folder ({here}) or in your config folder "
                           f"({path}): `wirewatch init` writes the starter there, or give "
                           "--config PATH", file=APP_NAME)
    import shlex

    return ConfigError(f"no such file (`wirewatch --config {shlex.quote(str(path))} init` "
                       "writes the starter there)", file=str(path))


# --- the starter ------------------------------------------------------------------------------

def init_target(option: str | None) -> Path:
    """Where `wirewatch init` writes: `--config`, else $WIREWATCH_CONFIG, else the user's
    config folder, where the lookup finds it from any working folder."""
    chosen = option or os.environ.get(CONFIG_ENV)
    return Path(chosen) if chosen else user_config_file()


def starter_text() -> str:
    """The shipped starter feeds.toml (tui/data/feeds.toml, the repository's feeds.toml)."""
    return data_file(CONFIG_NAME).read_text(encoding="utf-8")


def write_starter(path: Path, *, force: bool = False) -> None:
    """Write the starter to `path`, creating its folder. An existing file is never replaced
    without `force` (FileExistsError); the write is atomic, so an interrupted `init --force`
    leaves the old file whole."""
    if path.exists() and not force:
        raise FileExistsError(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    import tempfile

    handle, temporary = tempfile.mkstemp(prefix=".feeds-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(starter_text())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
