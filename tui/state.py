"""What the dashboard remembers between runs: the theme, the filters, the item under the cursor,
the focused pane, the preview strip, and when the user last looked at the newest items.

A small JSON file in the cache folder. It is a convenience, never a requirement: a file that
cannot be read or makes no sense is ignored (the dashboard says so once), and one that cannot
be written (a read-only cache) is skipped.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, fields
from pathlib import Path

STATE_FILE = "dashboard.json"


@dataclass
class DashboardState:
    theme: str | None = None
    feed: list[str] | None = None          # [kind, value] of the feeds pane's filter
    watch: list[str | None] | None = None  # [category, term or None] of the watchlist's
    search: str = ""
    matches_only: bool = False
    unread_only: bool = False
    starred_only: bool = False
    preview: bool = False
    cursor: str | None = None              # the uid of the item under the cursor
    focused: str | None = None             # the id of the focused pane
    last_looked: float | None = None       # epoch seconds: "new" means first seen after
    view: str = "headlines"                # the centre: "headlines" or "stories" (`v`)
    story: str | None = None               # the id of the story under the cursor


_TYPES = {"theme": (str, type(None)), "feed": (list, type(None)),
          "watch": (list, type(None)), "search": (str,), "matches_only": (bool,),
          "unread_only": (bool,), "starred_only": (bool,), "preview": (bool,),
          "cursor": (str, type(None)), "focused": (str, type(None)),
          "last_looked": (int, float, type(None)), "view": (str,),
          "story": (str, type(None))}


def load_state(folder: Path) -> tuple[DashboardState, str | None]:
    """The remembered state (defaults when there is none), and a note when the file was
    there but could not be used."""
    path = folder / STATE_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return DashboardState(), None
    except (OSError, ValueError) as error:
        return DashboardState(), f"the remembered dashboard state was not read ({error})"
    if not isinstance(raw, dict):
        return DashboardState(), "the remembered dashboard state was not read (not a table)"
    state = DashboardState()
    for item in fields(DashboardState):
        value = raw.get(item.name, getattr(state, item.name))
        if isinstance(value, _TYPES[item.name]) and not (isinstance(value, bool)
                                                         and bool not in _TYPES[item.name]):
            setattr(state, item.name, value)
    return state, None


def save_state(folder: Path, state: DashboardState) -> None:
    """Write the state atomically; a cache folder that cannot be written is left alone."""
    try:
        handle, temporary = tempfile.mkstemp(prefix=".dashboard.", suffix=".json",
                                             dir=folder)
    except OSError:
        return
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(asdict(state), out, ensure_ascii=False, indent=1)
        os.replace(temporary, folder / STATE_FILE)
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass
