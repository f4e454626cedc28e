"""wirewatch: a terminal news monitor for the places and people a user follows."""

from pathlib import Path

__version__ = "0.1.0"


def data_file(name: str) -> Path:
    """A file shipped in tui/data (gazetteer, exceptions, word families, starter feeds.toml).
    Found beside the package: importlib.resources would cost every command its import, and a
    wheel installs the package as files."""
    return Path(__file__).resolve().parent / "data" / name
