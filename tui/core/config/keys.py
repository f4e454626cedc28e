"""Every dashboard action a user can rebind, as plain data: its `[keys]` name, default keys, words
for the footer and for `?` help, and the screens it works on.

The dashboard builds its key bindings, its help and its command palette from this table, and the
feeds.toml loader checks `[keys]` against it, so `wirewatch check` knows every action name and
key name without importing Textual. Key names are Textual's: `j`, `G`, `ctrl+p`, `f5`, `space`,
`question_mark`; a single character may be written as itself (`?`, `.`, `/`).
"""

from __future__ import annotations

import string
import unicodedata
from dataclasses import dataclass

# Where an action works. "dashboard" is the main screen with its panes and headline table.
DASHBOARD, ARTICLE, DIFF, RELATED, ALERTS, ALERT_FORM, CONFIRM, HELP, TRENDS = (
    "dashboard", "article", "diff", "related", "alerts", "alert form", "confirm", "help",
    "trends")
STORY = "story"
SUBSCREENS = (ARTICLE, DIFF, RELATED, TRENDS, STORY)
LISTS = (DASHBOARD, ARTICLE, DIFF, RELATED, ALERTS, HELP, TRENDS, STORY)
SCOPES = (DASHBOARD, ARTICLE, DIFF, RELATED, ALERTS, ALERT_FORM, CONFIRM, HELP, TRENDS, STORY)

SECTIONS = ("Move", "Panes and filters", "The current headline", "Screens",
            "Article and diff", "Trends", "Alerts", "App")


@dataclass(frozen=True)
class Action:
    id: str                      # the name users write in [keys]
    keys: str                    # default keys, comma-separated Textual key names
    label: str                   # short, as in the footer
    help: str                    # one sentence, as in `?` help
    section: str
    scopes: tuple[str, ...]      # the screens it works on
    palette: bool = False        # offered by the dashboard's command palette


ACTIONS: tuple[Action, ...] = (
    # Move
    Action("cursor_down", "j,down", "Down", "Next row or line (in every list and text).",
           "Move", LISTS),
    Action("cursor_up", "k,up", "Up", "Previous row or line.", "Move", LISTS),
    Action("first", "g,home", "First", "First row, or the top of the text.", "Move",
           (DASHBOARD, ARTICLE, DIFF, HELP)),
    Action("last", "G,end", "Last", "Last row, or the end of the text.", "Move",
           (DASHBOARD, ARTICLE, DIFF, HELP)),
    Action("page_up", "pageup", "Page up", "One screen up.", "Move",
           (DASHBOARD, ARTICLE, DIFF, HELP)),
    Action("page_down", "pagedown", "Page down", "One screen down.", "Move",
           (DASHBOARD, ARTICLE, DIFF, HELP)),
    Action("next_match", "n", "Next match", "Next headline, or mention in the article, with a "
           "watched name.", "Move", (DASHBOARD, ARTICLE)),
    Action("previous_match", "N", "Prev match", "Previous headline or mention with a watched "
           "name.", "Move", (DASHBOARD, ARTICLE)),
    # Panes and filters
    Action("next_pane", "tab", "Next pane", "Focus the next pane (feeds, watchlist, "
           "headlines).", "Panes and filters", (DASHBOARD,)),
    Action("previous_pane", "shift+tab", "Previous pane", "Focus the previous pane.",
           "Panes and filters", (DASHBOARD,)),
    Action("search", "slash", "Search", "Search headlines, summaries and article text.",
           "Panes and filters", (DASHBOARD,), palette=True),
    Action("matches_only", "m", "Matches", "Only items that mention a watched name, on and off.",
           "Panes and filters", (DASHBOARD,), palette=True),
    Action("unread_only", "u", "Unread", "Only unread items, on and off.", "Panes and filters",
           (DASHBOARD,), palette=True),
    Action("starred_only", "S", "Starred", "Only starred items, on and off.",
           "Panes and filters", (DASHBOARD,), palette=True),
    Action("stories_view", "v", "Stories", "Headlines or stories: one row per story, told by "
           "several outlets in several languages.", "Panes and filters", (DASHBOARD,),
           palette=True),
    Action("back", "escape", "Back", "Close the search, else lift every filter.",
           "Panes and filters", (DASHBOARD,), palette=True),
    # The current headline
    Action("open", "enter", "Open", "Open the article, or the story in the stories view (on a "
           "feed or a watched name in the side panes: filter to it; again: lift).",
           "The current headline", (DASHBOARD, STORY)),
    Action("mark", "space", "Mark", "Mark the item for comparison (again: unmark).",
           "The current headline", (DASHBOARD, ARTICLE, STORY), palette=True),
    Action("compare", "c", "Compare", "Compare the marked item with the current one, side by "
           "side.", "The current headline", (DASHBOARD, ARTICLE, RELATED, STORY), palette=True),
    Action("open_story", "v", "Story", "The story of this report: who reported it when, and "
           "its reports compared.", "The current headline", (ARTICLE, RELATED)),
    Action("diff", "d", "Diff", "Side-by-side diff of the item's versions.",
           "The current headline", (DASHBOARD, ARTICLE), palette=True),
    Action("related", "R", "Related", "Other outlets' coverage of the story.",
           "The current headline", (DASHBOARD, ARTICLE), palette=True),
    Action("star", "s", "Star", "Star or unstar the item (starred items are never pruned).",
           "The current headline", (DASHBOARD,), palette=True),
    Action("toggle_read", "x", "Read", "Mark the item read or unread.", "The current headline",
           (DASHBOARD,), palette=True),
    Action("open_link", "o", "Open link", "Open the item's link in the web browser.",
           "The current headline", (DASHBOARD, ARTICLE, DIFF, RELATED), palette=True),
    Action("copy_link", "y", "Copy link", "Copy the item's link (to the terminal's clipboard).",
           "The current headline", (DASHBOARD,), palette=True),
    Action("preview", "p", "Preview", "The preview strip: the summary, and where each watched "
           "name matched.", "The current headline", (DASHBOARD,), palette=True),
    Action("next_unread", "full_stop", "Next unread", "Next unread headline.",
           "The current headline", (DASHBOARD,), palette=True),
    Action("mark_all_read", "X", "All read", "Mark every item in the view read.",
           "The current headline", (DASHBOARD,), palette=True),
    Action("undo", "ctrl+z", "Undo", "Undo marking all read.", "The current headline",
           (DASHBOARD,), palette=True),
    # Screens
    Action("alerts", "a", "Alerts", "The alert rules and their hits.", "Screens", (DASHBOARD,),
           palette=True),
    Action("trends", "t", "Trends", "How often each watched name was in the news, per hour or "
           "day.", "Screens", (DASHBOARD,), palette=True),
    Action("new_alert", "A", "New alert", "New alert, prefilled with the current term or "
           "headline.", "Screens", (DASHBOARD, ALERTS), palette=True),
    Action("help", "question_mark", "Help", "Every key, and its name for [keys] in feeds.toml.",
           "Screens", (DASHBOARD, *SUBSCREENS, ALERTS), palette=True),
    Action("command_palette", "ctrl+p", "Commands", "Every action and filter, by name.",
           "Screens", (DASHBOARD,)),
    # Article and diff
    Action("close", "escape,q", "Back", "Back to the previous screen.", "Article and diff",
           (*SUBSCREENS, ALERTS)),
    Action("older_versions", "left_square_bracket", "Older", "Show the previous pair of "
           "versions.", "Article and diff", (DIFF,)),
    Action("newer_versions", "right_square_bracket", "Newer", "Show the next pair of versions.",
           "Article and diff", (DIFF,)),
    Action("next_change", "n", "Next change", "Scroll to the next changed passage (or fact "
           "that differs).", "Article and diff", (DIFF, STORY)),
    Action("previous_change", "N", "Prev change", "Scroll to the previous changed passage.",
           "Article and diff", (DIFF, STORY)),
    Action("fold_unchanged", "z", "Fold", "Hide or show the unchanged passages between changes.",
           "Article and diff", (DIFF,)),
    # Trends
    Action("bucket_previous", "h,left", "Earlier", "Move the chart's cursor one hour or day "
           "back.", "Trends", (TRENDS,)),
    Action("bucket_next", "l,right", "Later", "Move the chart's cursor one hour or day on.",
           "Trends", (TRENDS,)),
    Action("toggle_series", "space", "Draw", "Draw the highlighted name or category, or stop "
           "drawing it.", "Trends", (TRENDS,)),
    Action("trends_range", "b", "Range", "Per hour for 48 hours, per day for 30 or 90 days.",
           "Trends", (TRENDS,)),
    Action("by_language", "L", "Languages", "The highlighted name's counts stacked by the "
           "feeds' language, on and off.", "Trends", (TRENDS,)),
    Action("show_headlines", "enter", "Headlines", "The headlines of the highlighted name in "
           "the cursor's hour or day.", "Trends", (TRENDS,)),
    # Alerts
    Action("edit_alert", "e", "Edit", "Edit the rule under the cursor (or the rule of the hit).",
           "Alerts", (ALERTS,)),
    Action("delete_alert", "x,delete", "Delete", "Delete the rule under the cursor, after "
           "asking.", "Alerts", (ALERTS,)),
    Action("save_alert", "ctrl+s", "Save", "Write the rule into feeds.toml and apply it at once.",
           "Alerts", (ALERT_FORM,)),
    Action("cancel_alert", "escape", "Cancel", "Close the form; nothing is written.", "Alerts",
           (ALERT_FORM,)),
    Action("confirm_yes", "y", "Delete", "Yes: delete the rule.", "Alerts", (CONFIRM,)),
    Action("confirm_no", "n,escape", "Keep", "No: keep the rule.", "Alerts", (CONFIRM,)),
    # App
    Action("refresh", "r", "Refresh", "Fetch every feed now (from any screen).", "App",
           (DASHBOARD, *SUBSCREENS, ALERTS), palette=True),
    Action("close_help", "escape,q,question_mark", "Close", "Close the help.", "App", (HELP,)),
    Action("quit", "q", "Quit", "Quit wirewatch.", "App", (DASHBOARD,), palette=True),
)

BY_ID: dict[str, Action] = {action.id: action for action in ACTIONS}

# --- key names -------------------------------------------------------------------------------

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
NAMED_KEYS = frozenset({
    "escape", "enter", "return", "tab", "space", "backspace", "delete", "insert", "home", "end",
    "pageup", "pagedown", "up", "down", "left", "right", *(f"f{n}" for n in range(1, 25)),
})
# Textual's own words for some characters (where the Unicode name is obscure).
_CHARACTER_NAMES = {"solidus": "slash", "reverse_solidus": "backslash",
                    "commercial_at": "at", "hyphen_minus": "minus", "plus_sign": "plus",
                    "low_line": "underscore"}


def key_name(character: str) -> str:
    """The key name Textual gives a typed character: `?` -> `question_mark`, `j` -> `j`."""
    if character.isalnum():
        return character
    try:
        name = unicodedata.name(character).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        return character
    return _CHARACTER_NAMES.get(name, name)


# Every ASCII punctuation character by the name Textual gives it: slash, minus, full_stop...
_PUNCTUATION_BY_NAME: dict[str, str] = {}


def _character_named(name: str) -> str | None:
    """The printable character a key name stands for (`question_mark` -> "?", `minus` and
    `hyphen_minus` -> "-"), or None. Unicode writes some names with hyphens ("LESS-THAN
    SIGN"), which key names spell with underscores, so both readings are tried."""
    if not _PUNCTUATION_BY_NAME:
        _PUNCTUATION_BY_NAME.update({key_name(c): c for c in string.punctuation})
    if name in _PUNCTUATION_BY_NAME:
        return _PUNCTUATION_BY_NAME[name]
    words = name.upper().split("_")
    for joined in (" ".join(words), "-".join(words), " ".join(words[:-1]) + "-" + words[-1]):
        try:
            character = unicodedata.lookup(joined)
        except KeyError:
            continue
        if character.isprintable() and not character.isspace():
            return character
    return None


def normalize_key(key: str) -> str | None:
    """One key as Textual names it (`ctrl+P` -> `ctrl+p`, `?` -> `question_mark`), or None
    when it is not a key Textual can bind."""
    key = key.strip()
    if not key:
        return None
    if len(key) == 1:
        return key_name(key) if key.isprintable() and not key.isspace() else None
    *modifiers, base = key.split("+")
    modifiers = [m.strip().lower() for m in modifiers]
    if any(m not in MODIFIERS for m in modifiers) or len(set(modifiers)) != len(modifiers):
        return None
    base = base.strip()
    if len(base) == 1:
        if not base.isprintable() or base.isspace():
            return None
        base = key_name(base.lower() if modifiers else base)
    elif base.lower() in NAMED_KEYS:
        base = base.lower()
    elif (character := _character_named(base.lower())) is not None:
        base = key_name(character)          # solidus -> slash: the name Textual matches
    else:
        return None
    return "+".join([*modifiers, base])


def normalize_keys(keys: str) -> str | None:
    """A comma-separated list of keys, normalized; None when any of them is not a key.
    A lone "," is the comma key (in a list it is written "comma")."""
    if keys.strip() == ",":
        return "comma"
    parts = [normalize_key(part) for part in keys.split(",")]
    if not parts or any(part is None for part in parts):
        return None
    return ",".join(dict.fromkeys(parts))  # type: ignore[arg-type]


def keys_in_force(overrides: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """Every action's keys once the `[keys]` overrides are applied."""
    return {action.id: tuple(overrides.get(action.id, action.keys).split(","))
            for action in ACTIONS}


def conflicts(overrides: dict[str, str]) -> list[tuple[str, str, str, str]]:
    """(key, scope, action, other action) for every key that two actions claim on one screen
    once `overrides` are in force (the defaults claim none twice)."""
    found: list[tuple[str, str, str, str]] = []
    in_force = keys_in_force(overrides)
    for scope in SCOPES:
        owner: dict[str, str] = {}
        for action in ACTIONS:
            if scope not in action.scopes:
                continue
            for key in in_force[action.id]:
                other = owner.get(key)
                if other is not None:
                    found.append((key, scope, other, action.id))
                else:
                    owner[key] = action.id
    return found
