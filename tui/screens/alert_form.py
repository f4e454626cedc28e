"""The alert form (`A`, and `e` on the alerts screen): one rule, typed in, saved to feeds.toml.

The fields are those of an `[[alerts]]` table. Term lists are typed comma-separated, because
terms may hold spaces ("Kirill Dmitriev"); the command is typed as a shell would split it
(quotes group words) but runs without a shell. Mistakes are shown under the fields as plain
text, the field at fault focused, before anything is written; what passes is written with
tomlkit (comments and layout kept, the whole file validated first) through the session's one
rule-write path, and the re-read config goes to the App (ConfigChanged), which puts it in force
and evaluates the cache against it.
"""

from __future__ import annotations

import shlex
import sqlite3
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.events import DescendantFocus
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Static

from tui import messages
from tui.bindings import bind
from tui.core.alerts.edit import config_path
from tui.core.config.load import load_config
from tui.core.config.model import NOTIFY_KINDS, AlertRule, Config, ConfigError
from tui.core.config.rules import rule_problem
from tui.widgets.footer import Footer
from tui.widgets.highlight import safe
from tui.widgets.tick_box import TickBox

if TYPE_CHECKING:
    from tui.core.session import Session
    from tui.screens.base import Context

TERM_FIELDS = ("all", "any", "none", "categories", "feeds")
LABELS = {"name": "Name", "all": "All of", "any": "Any of", "none": "None of",
          "categories": "Categories", "feeds": "Feeds", "notify": "Notify",
          "command": "Command"}
NOTIFY_HINTS = {"toast": "a note in the dashboard", "bell": "the terminal bell",
                "desktop": "notify-send", "command": "run the command below"}


class FormError(ValueError):
    """A mistake in one field: the message is shown, the field focused."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


# --- fields <-> rule (no widgets: testable on their own) ---------------------------------------


def split_terms(text: str) -> tuple[str, ...]:
    """"Crimea, Kirill Dmitriev,," -> ("Crimea", "Kirill Dmitriev"): trimmed, no repeats."""
    terms = (" ".join(part.split()) for part in text.split(","))
    return tuple(dict.fromkeys(term for term in terms if term))


def join_terms(terms: Iterable[str]) -> str:
    return ", ".join(terms)


def unique_name(name: str, taken: Iterable[str]) -> str:
    """`name`, or `name 2`, `name 3`... when a rule of that name exists already."""
    taken = set(taken)
    if name not in taken:
        return name
    number = 2
    while f"{name} {number}" in taken:
        number += 1
    return f"{name} {number}"


def rule_from_fields(values: Mapping[str, str], notify: Iterable[str], config: Config, *,
                     editing: str | None = None) -> AlertRule:
    """The rule the form describes, checked against `config` (the file as it is now) by the
    one rule check the loader and `wirewatch alert add` use too.

    Raises FormError naming the field at fault, in the form's own words ("All of").
    """
    try:
        command = tuple(shlex.split(values.get("command", "")))
    except ValueError as error:
        raise FormError("command", f"Command: {error}.") from None
    rule = AlertRule(name=" ".join(values.get("name", "").split()),
                     notify=tuple(kind for kind in NOTIFY_KINDS if kind in set(notify)),
                     command=command,
                     **{key: split_terms(values.get(key, "")) for key in TERM_FIELDS})
    problem = rule_problem(rule, categories=[c.name for c in config.watch], feeds=config.feeds,
                           taken=[r.name for r in config.alerts if r.name != editing],
                           label=LABELS.__getitem__)
    if problem is None:
        return rule
    message = problem.sentence()
    if problem.field == "name" and rule.name:
        message = message[:-1] + ": choose another name, or edit that one from the alerts " \
                                 "screen (a)."
    raise FormError(problem.field, message)


def fields_from(rule: AlertRule | None, prefill: Mapping[str, object]) -> dict[str, object]:
    """What the form starts with: the rule being edited, else the prefill over the defaults."""
    if rule is not None:
        source: Mapping[str, object] = {key: getattr(rule, key) for key in
                                        ("name", *TERM_FIELDS, "notify", "command")}
    else:
        source = {"notify": AlertRule.notify, **prefill}

    def listed(key: str) -> tuple[str, ...]:
        value = source.get(key) or ()
        if isinstance(value, str):
            return (value,)
        return tuple(str(v) for v in value)  # type: ignore[attr-defined]

    values: dict[str, object] = {"name": str(source.get("name") or "")}
    for key in TERM_FIELDS:
        values[key] = join_terms(listed(key))
    values["command"] = shlex.join(listed("command"))
    values["notify"] = listed("notify")
    return values


# --- the form --------------------------------------------------------------------------------


class AlertForm(ModalScreen[AlertRule | None]):
    """A new rule (from a prefill like {"all": ["Crimea"]}), or an existing rule to edit."""

    AUTO_FOCUS = "#alert-name"

    BINDINGS = [bind("cancel_alert", "cancel"), bind("save_alert", "save")]

    DEFAULT_CSS = """
    AlertForm { align: center middle; }
    AlertForm #alert-form {
        width: 92%;
        max-width: 96;
        height: auto;
        max-height: 100%;
        border: round $border;
        border-title-color: $text;
        border-title-style: bold;
        background: $surface;
        padding: 0 1;
    }
    AlertForm .alert-row { height: 1; margin-bottom: 1; }
    AlertForm .alert-label { width: 12; color: $text-muted; }
    AlertForm .alert-row Input { width: 1fr; }
    AlertForm .alert-row Checkbox { margin-right: 2; }
    AlertForm #alert-hint { height: 2; color: $text-muted; }
    AlertForm #alert-error { height: auto; color: $text-error; text-style: bold; display: none; }
    AlertForm #alert-error.-shown { display: block; }
    AlertForm #alert-buttons { height: 1; align-horizontal: right; }
    AlertForm #alert-buttons Button { margin-left: 2; }
    AlertForm #alert-buttons Button.-primary { color: $block-cursor-foreground;
                                               background: $block-cursor-background; }
    """

    def __init__(self, context: Context, prefill: Mapping[str, object] | None = None, *,
                 rule: AlertRule | None = None) -> None:
        super().__init__()
        self.context = context
        self.rule = rule                     # the rule being edited (None: a new one)
        self.prefill = dict(prefill or {})
        self.saved: AlertRule | None = None
        self._command_seen = False           # the command field held text already

    @property
    def session(self) -> Session:
        return self.context.session

    @property
    def editing(self) -> str | None:
        return self.rule.name if self.rule is not None else None

    # --- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        config = self.session.config
        values = fields_from(self.rule, self.prefill)
        if self.rule is None and values["name"]:
            values["name"] = unique_name(str(values["name"]),
                                         (rule.name for rule in config.alerts))
        placeholders = {
            "name": "e.g. Crimea recognition",
            "all": "every one of these, e.g. Crimea",
            "any": "at least one of these, e.g. recognition, recognise",
            "none": "none of these",
            "categories": "watch categories, e.g. " + (config.watch[0].name if config.watch
                                                       else "regions"),
            "feeds": "feed names or tags; empty = every feed",
            "command": "e.g. notify-me --loud",
        }
        self._command_seen = bool(values["command"])
        with Vertical(id="alert-form") as form:
            title = "Edit alert " + safe(self.rule.name) if self.rule else "New alert"
            form.border_title = Text(title)          # Text: a rule name is never markup
            for key in ("name", *TERM_FIELDS):
                with Horizontal(classes="alert-row"):
                    yield Static(LABELS[key], classes="alert-label", markup=False)
                    # select_on_focus off: tab, End and a quick keystroke would otherwise
                    # replace the field's text before End lands.
                    yield Input(str(values[key]), placeholder=placeholders[key],
                                id=f"alert-{key}", compact=True, select_on_focus=False)
            with Horizontal(classes="alert-row", id="alert-notify"):
                yield Static(LABELS["notify"], classes="alert-label", markup=False)
                for kind in NOTIFY_KINDS:
                    yield TickBox(kind, kind in values["notify"],  # type: ignore[operator]
                                  id=f"notify-{kind}", compact=True)
            with Horizontal(classes="alert-row"):
                yield Static(LABELS["command"], classes="alert-label", markup=False)
                yield Input(str(values["command"]), placeholder=placeholders["command"],
                            id="alert-command", compact=True, select_on_focus=False)
            yield Static(id="alert-error", markup=False)
            yield Static(id="alert-hint", markup=False)
            with Horizontal(id="alert-buttons"):
                yield Button("Save", variant="primary", id="alert-save", compact=True)
                yield Button("Cancel", id="alert-cancel", compact=True)
        yield Footer()      # the form's keys, not the dimmed ones of the screen beneath

    def on_mount(self) -> None:
        self._show_hint("name")

    # --- hints and errors -------------------------------------------------------------------

    def _hint_for(self, field: str) -> str:
        config = self.session.config
        if field == "name":
            if self.rule is not None:
                return "Renaming keeps the rule's hits. Enter saves, escape cancels."
            return "The rule's name: notifications and `wirewatch alerts` report it. " \
                   "Enter saves, escape cancels."
        if field == "all":
            return "Terms that must all be mentioned, comma-separated; a term may hold " \
                   "spaces (Kirill Dmitriev). Any spelling or script counts."
        if field == "any":
            return "When given, at least one of these must be mentioned too."
        if field == "none":
            return "Items that mention any of these do not fire."
        if field == "categories":
            names = ", ".join(c.name for c in config.watch) or "none configured"
            return f"Fire on any term of these watch categories: {names}."
        if field == "feeds":
            tags = sorted({tag for feed in config.feeds for tag in feed.tags})
            return "Only items of these feeds (names or tags); empty = every feed." + (
                f" Tags: {', '.join(tags)}." if tags else "")
        if field.startswith("notify"):
            kind = field.removeprefix("notify-")
            what = NOTIFY_HINTS.get(kind, "")
            return f"{kind}: {what}. Space toggles." if what else "How a hit is announced."
        if field == "command":
            return "A program and its arguments, quotes group words; no shell. The hit " \
                   "arrives in WIREWATCH_ALERT, _TITLE, _FEED, _LINK, _ID, _PUBLISHED."
        return "Enter or ctrl+s saves into feeds.toml (comments kept); escape cancels."

    def _show_hint(self, field: str) -> None:
        self.query_one("#alert-hint", Static).update(
            Text(safe(self._hint_for(field)), style="italic"))

    @on(DescendantFocus)
    def _focused(self, event: DescendantFocus) -> None:
        widget_id = event.widget.id or ""
        self._show_hint(widget_id.removeprefix("alert-"))

    def show_error(self, message: str | None, field: str | None = None) -> None:
        """The mistake under the fields, as plain text; the field at fault focused."""
        error = self.query_one("#alert-error", Static)
        error.update(Text(safe(message), end=""))   # wraps: a file error can be long
        error.set_class(bool(message), "-shown")
        if field is not None:
            target = "#alert-command" if field == "notify" else f"#alert-{field}"
            self.query_one(target).focus()

    @property
    def error(self) -> str:
        """The error shown now ("" when none)."""
        widget = self.query_one("#alert-error", Static)
        return str(widget.render()) if widget.has_class("-shown") else ""

    # --- reading and saving ------------------------------------------------------------------

    def values(self) -> dict[str, str]:
        return {key: self.query_one(f"#alert-{key}", Input).value
                for key in ("name", *TERM_FIELDS, "command")}

    def notify_kinds(self) -> list[str]:
        return [kind for kind in NOTIFY_KINDS
                if self.query_one(f"#notify-{kind}", Checkbox).value]

    @on(Input.Changed, "#alert-command")
    def _command_typed(self, event: Input.Changed) -> None:
        """Typing a command means wanting it run: tick `command` (it can be unticked)."""
        if event.value.strip() and not self._command_seen:
            self._command_seen = True
            self.query_one("#notify-command", Checkbox).value = True
        elif not event.value.strip():
            self._command_seen = False

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    @on(Button.Pressed, "#alert-save")
    def _save_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_save()

    @on(Button.Pressed, "#alert-cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    def action_save(self) -> None:
        """Check, write feeds.toml, re-read it, hand it to the app; errors stay in the form."""
        session = self.session
        try:
            path = config_path(session.config)
            current = load_config(path)          # the file as it is now, hand edits included
            rule = rule_from_fields(self.values(), self.notify_kinds(), current,
                                    editing=self.editing)
            config = session.save_rule(rule, replace=self.editing)
        except FormError as error:
            self.show_error(str(error), error.field)
            return
        except ConfigError as error:
            self.show_error(f"Not saved: {error}")
            return
        except OSError as error:
            self.show_error(f"Not saved: {error.strerror or error}")
            return
        except sqlite3.Error as error:
            self.show_error(f"Not saved: the cache could not be updated ({error}).")
            return
        self.saved = rule
        verb = "saved" if self.rule is None else "updated"
        self.app.notify(f"Alert {rule.name!r} {verb} in {path.name}.", markup=False, timeout=4)
        self.app.post_message(messages.ConfigChanged(config))   # the form is closing
        self.dismiss(rule)

    def action_cancel(self) -> None:
        self.dismiss(None)
