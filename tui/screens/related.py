"""Other outlets' reports of the current story (`R`), best match first.

The candidates and their scores come from tui.core.stories.related (the same as `wirewatch related`),
read in a thread worker. Near-identical copy is labelled "wire copy", so the user can tell an
agency text reprinted by three outlets from three outlets' own reporting. Enter (or `c`) on
one opens it side by side with the current item (an OpenCompare request to the App).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from tui import messages
from tui.bindings import bind
from tui.core.cache.query import links_of
from tui.core.ingest.dates import to_datetime
from tui.core.names.watch import Watcher
from tui.core.stories.related import RelatedItem, find_related
from tui.core.text.articles import get_item
from tui.core.text.counted import counted
from tui.screens.base import Context, SubScreen
from tui.widgets.footer import Footer
from tui.widgets.highlight import category_styles, highlighted, plain
from tui.widgets.palette import tone
from tui.widgets.pane_list import PaneList

if TYPE_CHECKING:
    from tui.core.cache.query import Item

FEED_WIDTH = 18


@dataclass
class RelatedResult:
    item: Item
    related: list[RelatedItem]
    links: dict[str, str | None]          # related id -> its link (for `o`)


class RelatedScreen(SubScreen):
    """The related-coverage list for one item."""

    AUTO_FOCUS = "#related-list"

    BINDINGS = [bind("cursor_down", "cursor('down')", show=False),
                bind("cursor_up", "cursor('up')", show=False), bind("compare"),
                bind("open_link"), bind("open_story")]

    DEFAULT_CSS = """
    RelatedScreen #related-head {
        height: auto;
        padding: 0 1;
        background: $panel;
    }
    RelatedScreen #related-list { height: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
    RelatedScreen #related-empty { padding: 1 2; color: $text-muted; display: none; }
    RelatedScreen.-empty #related-empty { display: block; }
    RelatedScreen.-empty #related-list { display: none; }
    """

    def __init__(self, context: Context, uid: str) -> None:
        super().__init__(context)
        self.uid = uid
        self.result: RelatedResult | None = None

    def compose(self) -> ComposeResult:
        self._styles = category_styles(self.session.config, self.app.theme_variables)
        yield Static(Text("Related coverage…", style="bold"), id="related-head", markup=False)
        yield PaneList(id="related-list")
        yield Static(id="related-empty", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._find()
        self.app.theme_changed_signal.subscribe(self, lambda _: self._restyle())

    def _restyle(self) -> None:
        """Another theme (ctrl+p, from any screen): what is coloured in code takes it."""
        self._styles = category_styles(self.session.config, self.app.theme_variables)
        if self.result is not None and self.result.related:
            listing = self.query_one("#related-list", OptionList)
            keep = listing.highlighted
            self._show(self.result)
            listing.highlighted = keep
        elif self.result is not None:
            self._show(self.result)

    @work(thread=True, group="related", exclusive=True, exit_on_error=False,
          description="find related coverage")
    def _find(self) -> RelatedResult:
        store = self.session.store
        item = get_item(store, self.uid)
        related = find_related(store, item.row_id)
        return RelatedResult(item, related, links_of(store, [r.uid for r in related]))

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "related":
            return
        if event.state == WorkerState.SUCCESS and event.worker.result is not None:
            self._show(event.worker.result)
        elif event.state == WorkerState.ERROR:
            self.query_one("#related-head", Static).update(plain(str(event.worker.error)))
            self._show_empty("Nothing to show.")

    def _show(self, result: RelatedResult) -> None:
        self.result = result
        item = result.item
        head = Text(end="")
        head.append("Related coverage of  ", style="bold")
        title = highlighted(item.title, item.matches, self._styles, field="title",
                            base="bold")
        head.append_text(title)
        stamp = self.context.local(item.when).strftime("%Y-%m-%d %H:%M")
        count = len(result.related)
        reports = "no other outlet's report" if not count else (
            f"{counted(count, 'report')} from other outlets")
        head.append("\n")
        head.append_text(plain(f"{item.feed} · {stamp} · {reports} · "
                               "enter compares one with this item", tone(self, "muted")))
        self.query_one("#related-head", Static).update(head)
        if not result.related:
            self._show_empty("No other outlet's report of this story is in the cache "
                             "(same names and words, within four days).")
            return
        watcher = self.session.watcher
        muted = tone(self, "muted")
        options = [Option(related_prompt(self.context, related, watcher, self._styles, muted),
                          id=related.uid)
                   for related in result.related]
        listing = self.query_one("#related-list", OptionList)
        listing.clear_options()
        listing.add_options(options)
        listing.highlighted = 0

    def _show_empty(self, message: str) -> None:
        self.query_one("#related-empty", Static).update(plain(message))
        self.add_class("-empty")

    # --- actions ----------------------------------------------------------------------------

    def _highlighted(self) -> RelatedItem | None:
        if self.result is None or not self.result.related:
            return None
        index = self.query_one("#related-list", OptionList).highlighted
        if index is None or not 0 <= index < len(self.result.related):
            return None
        return self.result.related[index]

    @on(OptionList.OptionSelected, "#related-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_compare()

    def action_compare(self) -> None:
        chosen = self._highlighted()
        if chosen is not None and self.result is not None:
            self.post_message(messages.OpenCompare(self.result.item.uid, chosen.uid))

    def action_open_story(self) -> None:
        """`v`: the story these reports make, with its timeline and a compare."""
        self.post_message(messages.OpenStory(self.uid))

    def action_open_link(self) -> None:
        chosen = self._highlighted()
        if chosen is not None and self.result is not None:
            self.post_message(messages.OpenLink(self.result.links.get(chosen.uid)))

    def action_cursor(self, direction: str) -> None:
        listing = self.query_one("#related-list", OptionList)
        if direction == "down":
            listing.action_cursor_down()
        else:
            listing.action_cursor_up()


def related_prompt(context: Context, related: RelatedItem, watcher: Watcher,
                   styles: Mapping[str, Style], muted: Style) -> Text:
    """One line: score, feed, time, the headline with its watched names, and a wire-copy label."""
    text = Text(no_wrap=True, overflow="ellipsis", end="")
    text.append(f"{related.score:4.2f}  ", style=muted)
    feed = plain(related.feed)
    feed.truncate(FEED_WIDTH, overflow="ellipsis", pad=True)
    text.append_text(feed)
    when = to_datetime(related.published)
    stamp = context.local(when).strftime("%m-%d %H:%M") if when else "no date".ljust(11)
    text.append(f"  {stamp}  ", style=muted)
    if related.wire_copy:
        text.append(" wire copy ", style="bold reverse")
        text.append(" ")
    text.append_text(highlighted(related.title, watcher.find(related.title, "title"), styles,
                                 field="title"))
    if related.reasons:         # why it belongs: shared names, places, numbers, time apart
        text.append("\n" + " " * 6)
        text.append_text(plain(" · ".join(related.reasons), muted))
    return text
