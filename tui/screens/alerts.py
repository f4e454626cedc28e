"""The alerts screen (`a`): what fired, where, and the rules behind it.

Two lists: the rules with their hit counts, and the hits newest first. Hits that were unseen
when the screen showed them carry a mark (and are counted in the title) for as long as the
screen is open; showing them marks them seen in the cache, which is what the dashboard's
status line counts. Enter on a hit opens its item (an OpenArticle request), enter on a rule
shows only its hits; `e` edits the rule under the cursor in the alert form, `x` deletes it
after asking, `A` starts a new one. Feed text (titles, feed names) is shown as plain text.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from tui import messages
from tui.bindings import bind
from tui.core.cache.hits import AlertHit, hit_counts, list_hits, mark_seen, unseen_hits
from tui.core.config.model import AlertRule, ConfigError
from tui.core.ingest.dates import to_datetime
from tui.core.names.watch import Watcher
from tui.core.text.counted import counted
from tui.core.trends import hit_timelines, spark
from tui.screens.base import Context, saved
from tui.widgets.footer import Footer
from tui.widgets.highlight import category_styles, highlighted, plain, safe
from tui.widgets.palette import BOLD, Tones, tone
from tui.widgets.pane_list import PaneList

if TYPE_CHECKING:
    from tui.core.session import Session

HITS_SHOWN = 500          # the newest hits listed (the counts cover them all)
RULE_WIDTH = 24
TIMELINE_DAYS = 14        # the bars after each rule: its hits per day
NEW_MARK = "●"


def hit_columns(width: int) -> tuple[int, int]:
    """(rule width, feed width) of the hits list at this width: the title gets the rest."""
    if width >= 110:
        return 22, 16
    if width >= 90:
        return 18, 14
    return 14, 12


@dataclass
class AlertsView:
    """What the loading worker hands the screen."""

    rules: tuple[AlertRule, ...]
    counts: dict[str, int]
    hits: list[AlertHit]
    unseen: set[tuple[str, int]]        # unseen until now: marked seen by this load
    timelines: dict[str, tuple[int, ...]] = field(default_factory=dict)   # hits per day


class AlertsScreen(Screen[None]):
    """Rules and hits; marks what it shows as seen."""

    AUTO_FOCUS = "#alert-hits"

    BINDINGS = [bind("close"), bind("edit_alert", "edit"), bind("delete_alert", "delete"),
                bind("new_alert"), bind("help", show=False), bind("refresh", show=False)]

    DEFAULT_CSS = """
    AlertsScreen #alerts-head {
        height: 1;
        padding: 0 1;
        background: $panel;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    AlertsScreen .alerts-pane {
        border-top: hkey $border-blurred;
        border-title-align: left;
        border-title-color: $text-muted;
        background: $surface;
    }
    AlertsScreen .alerts-pane:focus-within {
        border-top: hkey $border;
        border-title-color: $text;
    }
    AlertsScreen .alerts-pane PaneList {
        background: $surface;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    AlertsScreen #rules-pane { height: auto; max-height: 40%; }
    AlertsScreen #rules-pane PaneList { height: auto; max-height: 100%; }
    AlertsScreen #hits-pane { height: 1fr; }
    AlertsScreen #hits-pane PaneList { height: 1fr; }
    """

    def __init__(self, context: Context) -> None:
        super().__init__()
        self.context = context
        self.view: AlertsView | None = None
        self.new: set[tuple[str, int]] = set()   # (rule, item row) unseen when first shown
        self.only_rule: str | None = None        # enter on a rule: only its hits
        self._hits_listed: list[AlertHit] = []
        self._rules_listed: list[AlertRule] = []

    @property
    def session(self) -> Session:
        return self.context.session

    # --- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self._styles = category_styles(self.session.config, self.app.theme_variables)
        yield Static(Text("Alerts…", style="bold"), id="alerts-head", markup=False)
        with Vertical(id="rules-pane", classes="alerts-pane") as pane:
            pane.border_title = "Rules"
            yield PaneList(id="alert-rules")
        with Vertical(id="hits-pane", classes="alerts-pane") as pane:
            pane.border_title = "Hits, newest first"
            yield PaneList(id="alert-hits")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Alerts"
        self.reload()
        self.context.alerts_changed.subscribe(self, lambda _: self.reload())
        self.app.theme_changed_signal.subscribe(self, lambda _: self._restyle())

    def _restyle(self) -> None:
        """Another theme (ctrl+p, from any screen): what is coloured in code takes it."""
        self._styles = category_styles(self.session.config, self.app.theme_variables)
        if self.view is not None:
            self._show_head()
            self._show_rules()
            self._show_hits()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """Back from the form, an article or help: the rules or hits may have changed."""
        if self.view is not None:
            self.reload()

    # --- loading ----------------------------------------------------------------------------

    def reload(self) -> None:
        """Read rules, counts and hits again (the app calls this when rules were applied or
        a refresh brought hits); hits unseen until now are marked on screen, and seen."""
        self._load()

    @work(thread=True, group="alerts-load", exclusive=True, exit_on_error=False,
          description="read the alert hits")
    def _load(self) -> AlertsView:
        store = self.session.store
        rules = self.session.config.alerts
        return AlertsView(rules, hit_counts(store), list_hits(store, limit=HITS_SHOWN),
                          unseen_hits(store),
                          hit_timelines(store, days=TIMELINE_DAYS, now=self.context.clock(),
                                        tz=self.context.timezone))

    @work(thread=True, group="alerts-seen", exit_on_error=False,
          description="mark the shown hits seen")
    def _mark_seen(self, pairs: set[tuple[str, int]]) -> None:
        mark_seen(self.session.store, pairs)

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "alerts-load":
            return
        if event.state == WorkerState.SUCCESS and event.worker.result is not None:
            self._show(event.worker.result)
        elif event.state == WorkerState.ERROR:
            self.query_one("#alerts-head", Static).update(
                plain(f"Alerts could not be read: {event.worker.error}"))

    def _show(self, view: AlertsView) -> None:
        """Show a load; what it found unseen is marked seen now that it is on screen (a load
        superseded before it was shown marks nothing)."""
        self.view = view
        # Marks stay for the visit, but not on hits that went (a deleted or renamed rule's).
        self.new = {pair for pair in self.new if pair[0] in view.counts} | view.unseen
        if view.unseen and not self.session.store.read_only:
            self._mark_seen(view.unseen)
        if self.only_rule is not None and not any(r.name == self.only_rule for r in view.rules):
            self.only_rule = None
        self._show_head()
        self._show_rules()
        self._show_hits()

    @property
    def unseen_count(self) -> int:
        """Hits that were unseen when this screen showed them."""
        return len(self.new)

    def _show_head(self) -> None:
        view = self.view
        assert view is not None
        total = sum(view.counts.values())
        unseen = self.unseen_count
        self.title = f"Alerts · {unseen} unseen" if unseen else "Alerts"
        head = Text(end="", no_wrap=True, overflow="ellipsis")
        head.append("Alerts", style="bold")
        if unseen:
            head.append(f"  {NEW_MARK} {unseen} unseen", style=tone(self, "warning") + BOLD)
        rules = len(view.rules)
        head.append(f"  ·  {counted(rules, 'rule')} · {counted(total, 'hit')}",
                    style=tone(self, "muted"))
        head.append("  ·  enter on a hit opens it, on a rule shows its hits",
                    style=tone(self, "muted"))
        self.query_one("#alerts-head", Static).update(head)

    def _show_rules(self) -> None:
        view = self.view
        assert view is not None
        listing = self.query_one("#alert-rules", OptionList)
        keep = listing.highlighted
        new_by_rule: dict[str, int] = {}
        for rule_name, _ in self.new:
            new_by_rule[rule_name] = new_by_rule.get(rule_name, 0) + 1
        self._rules_listed = list(view.rules)
        listing.clear_options()
        if not view.rules:
            listing.add_option(Option(plain("No alert rules yet: press A to add one.",
                                            "italic"), disabled=True))
            return
        listing.add_options(
            Option(rule_prompt(rule, view.counts.get(rule.name, 0),
                               new_by_rule.get(rule.name, 0), Tones.of(self),
                               chosen=rule.name == self.only_rule,
                               timeline=view.timelines.get(rule.name, ())))
            for rule in view.rules)
        listing.highlighted = min(keep or 0, len(view.rules) - 1)

    def _show_hits(self) -> None:
        view = self.view
        assert view is not None
        listing = self.query_one("#alert-hits", OptionList)
        keep = listing.highlighted
        hits = [hit for hit in view.hits
                if self.only_rule is None or hit.alert == self.only_rule]
        self._hits_listed = hits
        pane = self.query_one("#hits-pane")
        if self.only_rule is None:
            pane.border_title = "Hits, newest first"
        else:
            pane.border_title = Text(f"Hits of {safe(self.only_rule)}, newest first "
                                     "(enter on the rule again: all)")
        listing.clear_options()
        if not hits:
            message = ("No hits yet: a rule fires when a new or edited item matches it."
                       if view.rules else "No hits.")
            listing.add_option(Option(plain(message, "italic"), disabled=True))
            return
        watcher = self.session.watcher
        columns = hit_columns(listing.line_width or self.app.size.width)
        listing.add_options(
            Option(hit_prompt(self.context, hit, watcher, self._styles, Tones.of(self),
                              new=(hit.alert, hit.row_id) in self.new, columns=columns))
            for hit in hits)
        listing.highlighted = min(keep or 0, len(hits) - 1)

    @on(PaneList.WidthChanged)
    def _resized(self, event: PaneList.WidthChanged) -> None:
        """The hits' columns are fitted to the width: fit them again."""
        event.stop()
        if self.view is not None:
            self._show_hits()

    # --- what is under the cursor -----------------------------------------------------------

    def current_hit(self) -> AlertHit | None:
        index = self.query_one("#alert-hits", OptionList).highlighted
        if index is None or not 0 <= index < len(self._hits_listed):
            return None
        return self._hits_listed[index]

    def current_rule(self) -> AlertRule | None:
        """The highlighted rule; from the hits list, the rule of the highlighted hit."""
        if self.query_one("#alert-hits", OptionList).has_focus:
            hit = self.current_hit()
            if hit is None:
                return None
            return self.session.rule(hit.alert)
        index = self.query_one("#alert-rules", OptionList).highlighted
        if index is None or not 0 <= index < len(self._rules_listed):
            return None
        return self._rules_listed[index]

    # --- actions ----------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#alert-hits")
    def _hit_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open()

    @on(OptionList.OptionSelected, "#alert-rules")
    def _rule_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        rule = self.current_rule()
        if rule is None:
            return
        self.only_rule = None if self.only_rule == rule.name else rule.name
        if self.view is not None:
            self._show_rules()
            self._show_hits()
            hits = self.query_one("#alert-hits", OptionList)
            hits.highlighted = 0 if self._hits_listed else None
            if self.only_rule is not None and self._hits_listed:
                hits.focus()

    def action_open(self) -> None:
        hit = self.current_hit()
        if hit is None:
            return
        saved(self, lambda: self.session.store.set_read([hit.row_id], True))
        self.post_message(messages.OpenArticle(hit.uid))

    def action_edit(self) -> None:
        rule = self.current_rule()
        if rule is None:
            self.notify("No rule here to edit." if self._rules_listed else
                        "No alert rules yet: press A to add one.", severity="warning",
                        markup=False)
            return
        self.post_message(messages.EditAlert(rule))

    def action_new_alert(self) -> None:
        self.post_message(messages.NewAlert())

    def action_delete(self) -> None:
        rule = self.current_rule()
        if rule is None:
            self.notify("No rule here to delete.", severity="warning", markup=False)
            return
        hits = hit_counts(self.session.store).get(rule.name, 0)

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._delete(rule.name)

        self.app.push_screen(ConfirmDelete(rule.name, hits), confirmed)

    def _delete(self, name: str) -> None:
        session = self.session
        try:
            config = session.delete_rule(name)
        except ConfigError as error:
            self.notify(f"Not deleted: {error}", severity="error", markup=False)
            return
        except (OSError, sqlite3.Error) as error:
            self.notify(f"Not deleted: {getattr(error, 'strerror', None) or error}",
                        severity="error", markup=False)
            return
        if self.only_rule == name:
            self.only_rule = None
        self.notify(f"Alert {name!r} deleted.", markup=False, timeout=4)
        self.post_message(messages.ConfigChanged(config))
        self.reload()

    def action_close(self) -> None:
        self.dismiss()

    def action_help(self) -> None:
        self.post_message(messages.OpenHelp())

    def action_refresh(self) -> None:
        self.post_message(messages.Refresh())


class ConfirmDelete(ModalScreen[bool]):
    """"Delete alert X and its N hits?": y or the Delete button; n, escape or Cancel keep it."""

    AUTO_FOCUS = "#confirm-cancel"

    BINDINGS = [
        bind("confirm_yes", "answer(True)"), bind("confirm_no", "answer(False)"),
    ]

    DEFAULT_CSS = """
    ConfirmDelete { align: center middle; }
    ConfirmDelete #confirm-box {
        width: 64;
        max-width: 100%;
        height: auto;
        border: round $error;
        background: $surface;
        padding: 0 2;
    }
    ConfirmDelete #confirm-question { width: 1fr; margin: 1 0; }
    ConfirmDelete #confirm-buttons { width: auto; height: 1; margin-bottom: 1; }
    ConfirmDelete #confirm-buttons Button { margin-right: 2; }
    """

    def __init__(self, name: str, hits: int) -> None:
        super().__init__()
        self.rule_name = name
        self.hits = hits

    def compose(self) -> ComposeResult:
        question = Text("Delete the alert ")
        question.append(safe(self.rule_name), style="bold")
        if self.hits:
            question.append(f" and its {counted(self.hits, 'hit')}")
        question.append("?\n")
        question.append("It is taken out of feeds.toml; the rest of the file is kept as it "
                        "is.", style=tone(self, "muted"))
        with Vertical(id="confirm-box"):
            yield Static(question, id="confirm-question", markup=False)
            with Horizontal(id="confirm-buttons"):
                yield Button("Delete (y)", variant="error", id="confirm-delete",
                             compact=True)
                yield Button("Keep (n)", id="confirm-cancel", compact=True)
        yield Footer()      # its own keys, not the dimmed ones of the screen beneath

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-delete")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


# --- one line per rule and per hit -------------------------------------------------------------


def rule_summary(rule: AlertRule) -> str:
    """"all Crimea · any recognition, recognise · feeds en · toast, bell"."""
    parts = [f"{key} {', '.join(getattr(rule, key))}"
             for key in ("all", "any", "none", "categories", "feeds") if getattr(rule, key)]
    parts.append(", ".join(rule.notify) if rule.notify else "silent")
    return " · ".join(parts)


def rule_prompt(rule: AlertRule, count: int, new: int, tones: Tones, *,
                chosen: bool = False, timeline: tuple[int, ...] = ()) -> Text:
    """`● name       ▁▃█     12 hits  all Crimea · any …`: the bars are its hits on each of
    the last 14 days."""
    text = Text(no_wrap=True, overflow="ellipsis", end="")
    text.append(f"{NEW_MARK} " if new else "  ", style=tones.new)
    name = plain(rule.name, "bold" if chosen else "")
    name.truncate(RULE_WIDTH, overflow="ellipsis", pad=True)
    text.append_text(name)
    bars = spark(timeline or (0,) * TIMELINE_DAYS)
    text.append(f" {bars:<{TIMELINE_DAYS}}", style=tones.warning)
    noun = "hit " if count == 1 else "hits"
    text.append(f" {count:>5} {noun}", style="bold" if count else tones.muted)
    text.append(f" ({new} new)" if new else "", style=tones.new)
    text.append("  ")
    text.append_text(plain(rule_summary(rule), tones.muted))
    return text


def hit_prompt(context: Context, hit: AlertHit, watcher: Watcher, styles: Mapping[str, Style],
               tones: Tones, *, new: bool, columns: tuple[int, int] = (14, 12)) -> Text:
    """`● 11-21 12:00  rule  feed  title with its watched names coloured`."""
    text = Text(no_wrap=True, overflow="ellipsis", end="")
    text.append(f"{NEW_MARK} " if new else "  ", style=tones.new)
    when = to_datetime(hit.fired_at)
    stamp = context.local(when).strftime("%m-%d %H:%M") if when else "".ljust(11)
    text.append(stamp + "  ", style=tones.muted)
    rule_width, feed_width = columns
    rule = plain(hit.alert, "bold")
    rule.truncate(rule_width, overflow="ellipsis", pad=True)
    text.append_text(rule)
    text.append("  ")
    feed = plain(hit.feed, "italic")
    feed.truncate(feed_width, overflow="ellipsis", pad=True)
    text.append_text(feed)
    text.append("  ")
    title = safe(hit.title)
    text.append_text(highlighted(title, watcher.find(title, "title"), styles, field="title",
                                 base="bold" if new else ""))
    return text
