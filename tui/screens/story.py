"""One story (enter in the Stories view, `v` on an article or related coverage): the timeline
of its coverage and two of its reports side by side.

The timeline lists who reported when, in which language, `Δ` for a report edited since it
came out, `●` for one not read yet. Below it, two reports are compared: on opening, the two
whose facts differ most (tui.core.stories.compare); `space` marks a report and `c` compares
the marked one with the highlighted one; enter opens the highlighted report's article. Reports
in two languages are compared by facts (a facts table, sentences aligned through shared names,
places and numbers), reports in one language by words, as on the compare screen.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from tui import messages
from tui.bindings import bind
from tui.core.stories.catalog import get_story, story_facts
from tui.core.stories.compare import Comparison, compare_reports, most_different_pair
from tui.core.text.counted import counted
from tui.screens.base import NOT_SAVED, Context, SubScreen, saved
from tui.widgets.diff_lines import DiffLines
from tui.widgets.facts_table import FactsTable
from tui.widgets.footer import Footer
from tui.widgets.highlight import category_styles, highlighted, plain
from tui.widgets.palette import BOLD, Tones
from tui.widgets.pane_list import PaneList

if TYPE_CHECKING:
    from tui.core.stories.model import Story, StoryItem

FEED_WIDTH = 18


@dataclass
class LoadedStory:
    story: Story
    pair: tuple[str, str] | None          # the two reports that differ most


class StoryScreen(SubScreen):
    """The timeline of one story and two of its reports compared."""

    AUTO_FOCUS = "#story-timeline"

    BINDINGS = [bind("cursor_down", "cursor('down')", show=False),
                bind("cursor_up", "cursor('up')", show=False), bind("mark"), bind("compare"),
                bind("open"), bind("next_change", show=False),
                bind("previous_change", show=False)]

    DEFAULT_CSS = """
    StoryScreen #story-head {
        height: auto; padding: 0 1; background: $panel;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    StoryScreen #story-timeline {
        height: auto; max-height: 30%; text-wrap: nowrap; text-overflow: ellipsis;
    }
    StoryScreen #story-pair {
        height: 1; padding: 0 1; background: $panel;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    StoryScreen #story-rows { height: 1fr; }
    """

    def __init__(self, context: Context, story_id: str) -> None:
        super().__init__(context)
        self.story_id = story_id
        self.story: Story | None = None
        self.marked: str | None = None            # uid marked with space
        self.shown: tuple[str, str] | None = None  # the pair compared below
        self.comparison: Comparison | None = None

    def compose(self) -> ComposeResult:
        self._styles = category_styles(self.session.config, self.app.theme_variables)
        watcher = self.session.watcher
        yield Static(Text("Story…", style="bold"), id="story-head", markup=False)
        yield PaneList(id="story-timeline")
        yield Static(id="story-pair", markup=False)
        yield FactsTable(id="story-facts")
        yield DiffLines(self._styles, find_matches=lambda text: watcher.find(text, "text"),
                        id="story-rows")
        yield Footer()

    @property
    def timeline(self) -> OptionList:
        return self.query_one("#story-timeline", OptionList)

    @property
    def diff_lines(self) -> DiffLines:
        return self.query_one(DiffLines)

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _: self._restyle())
        self.context.items_changed.subscribe(self, self._items_changed)
        self.context.helper.start()     # for the comparison: it starts while this screen paints
        self._load()

    def _items_changed(self, changed: frozenset[int]) -> None:
        """A refresh brought new versions: the timeline is read again (new reports of the
        story too); the pair on screen is compared again when one of them changed."""
        if self.story is None:
            return
        self._load()
        if self.shown is not None and any(item.row_id in changed and item.uid in self.shown
                                          for item in self.story.items):
            self._start_compare(*self.shown)

    def _restyle(self) -> None:
        self._styles = category_styles(self.session.config, self.app.theme_variables)
        self.diff_lines.set_category_styles(self._styles)
        self.query_one(FactsTable).restyle()
        if self.story is not None:
            self._show_story(keep=self.timeline.highlighted)
            self._show_pair_line()

    # --- loading ----------------------------------------------------------------------------

    @work(thread=True, group="story", exclusive=True, exit_on_error=False,
          description="read the story")
    def _load(self) -> LoadedStory | None:
        store = self.session.store
        story = get_story(store, self.story_id)
        if story is None:
            return None
        return LoadedStory(story, most_different_pair(story, story_facts(store, story)))

    @work(thread=True, group="story-compare", exclusive=True, exit_on_error=False,
          description="compare two reports")
    def _compare(self, left: str, right: str) -> Comparison:
        return compare_reports(self.session.store, left, right, self.context.diff_rows())

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        group = event.worker.group
        if group not in ("story", "story-compare"):
            return
        if event.state == WorkerState.ERROR:
            self.diff_lines.show_message(f"not shown: {event.worker.error}")
            return
        if event.state != WorkerState.SUCCESS:
            return
        result = event.worker.result
        if group == "story":
            if result is None:
                self.query_one("#story-head", Static).update(
                    plain(f"No story {self.story_id!r} in the cache."))
                self.diff_lines.show_message("nothing to compare")
                return
            first_load = self.story is None
            self.story = result.story
            self._show_story(keep=0 if first_load else self.timeline.highlighted)
            if not first_load:
                return                     # read again after a refresh: the pair stays
            if result.pair is not None:
                self._start_compare(*result.pair)
            else:
                self.diff_lines.show_message("a story of one report: nothing to compare")
        elif result is not None:
            self._show_comparison(result)

    # --- showing ----------------------------------------------------------------------------

    def _show_story(self, keep: int | None) -> None:
        story = self.story
        assert story is not None
        tones = Tones.of(self)
        head = Text(end="")
        head.append_text(highlighted(story.title, self.session.watcher.find(story.title, "title"),
                                     self._styles, base="bold"))
        first = self.context.local(story.first).strftime("%m-%d %H:%M")
        last = self.context.local(story.last).strftime("%m-%d %H:%M")
        reports = len(story.items)
        head.append("\n")
        head.append_text(plain(f"{counted(reports, 'report')} · "
                               f"{counted(story.outlets, 'outlet')} · "
                               f"{' '.join(story.languages) or 'language unknown'} · "
                               f"{first} → {last}", tones.muted))
        if story.names:
            head.append_text(plain("  · " + ", ".join(story.names), tones.muted))
        self.query_one("#story-head", Static).update(head)
        listing = self.timeline
        listing.clear_options()
        listing.add_options([Option(self._item_line(item), id=item.uid)
                             for item in story.items])
        if story.items:
            listing.highlighted = min(keep or 0, len(story.items) - 1)

    def _item_line(self, item: StoryItem) -> Text:
        """One report: marks, time, feed, language, Δ, ● unread, headline."""
        tones = Tones.of(self)
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        side = ""
        if self.shown is not None:
            side = "L" if item.uid == self.shown[0] else "R" if item.uid == self.shown[1] else ""
        text.append("◆" if item.uid == self.marked else " ", style=tones.warning + BOLD)
        text.append(side.ljust(1), style=tones.accent + BOLD)
        stamp = self.context.local(item.published).strftime("%m-%d %H:%M") \
            if item.published else "no date".ljust(11)
        text.append(f" {stamp} ", style=tones.muted)
        feed = plain(item.feed)
        feed.truncate(FEED_WIDTH, overflow="ellipsis", pad=True)
        text.append_text(feed)
        text.append_text(plain(f" {(item.language or '?')[:2]:<2} ", tones.accent))
        text.append("Δ" if item.versions > 1 else " ", style=tones.warning)
        text.append("●" if not item.read else " ", style=BOLD)
        text.append(" ")
        text.append_text(highlighted(item.title, self.session.watcher.find(item.title, "title"),
                                     self._styles, base=BOLD if not item.read else ""))
        if item.alerted:
            text.append(" !", style=tones.error + BOLD)
        return text

    def _start_compare(self, left: str, right: str) -> None:
        self.shown = (left, right)
        self.comparison = None
        self._refresh_lines()
        self._show_pair_line()
        self.query_one(FactsTable).hide()
        self.diff_lines.show_message("comparing the two reports…")
        self._compare(left, right)

    def _show_comparison(self, comparison: Comparison) -> None:
        self.comparison = comparison
        diff = comparison.diff
        left, right = (f"{side.feed} · {side.uid}" for side in (diff.left, diff.right))
        if comparison.by_facts:
            left, right = (f"{label} · {language or '?'}"
                           for label, language in zip((left, right), comparison.languages))
            self.query_one(FactsTable).show(comparison.facts, left, right)
        else:
            self.query_one(FactsTable).hide()
        self.diff_lines.show(diff.rows, left, right, aligned=comparison.by_facts)
        self._show_pair_line()

    def _show_pair_line(self) -> None:
        tones = Tones.of(self)
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        if self.shown is None:
            text.append("space marks a report, c compares it with the highlighted one",
                        style=tones.muted)
        else:
            text.append("L | R  ", style=tones.accent + BOLD)
            comparison = self.comparison
            if comparison is None:
                text.append("comparing…", style=tones.muted)
            else:
                text.append("by facts: " if comparison.by_facts else "by words: ",
                            style=tones.muted)
                text.append(comparison.summary())
            text.append("  · space marks, c compares", style=tones.muted)
        self.query_one("#story-pair", Static).update(text)

    def _refresh_lines(self) -> None:
        """Repaint the timeline's marks (◆ marked, L and R compared)."""
        if self.story is not None:
            self._show_story(keep=self.timeline.highlighted)

    # --- actions ----------------------------------------------------------------------------

    def _highlighted(self) -> StoryItem | None:
        index = self.timeline.highlighted
        if self.story is None or index is None or not 0 <= index < len(self.story.items):
            return None
        return self.story.items[index]

    def action_mark(self) -> None:
        """Mark the highlighted report (again: unmark)."""
        item = self._highlighted()
        if item is not None:
            self.marked = None if self.marked == item.uid else item.uid
            self._refresh_lines()

    def action_compare(self) -> None:
        item = self._highlighted()
        if item is None:
            return
        if self.marked is None:
            self.notify("Mark a report with space first, then press c on another.",
                        severity="warning", markup=False, timeout=3)
        elif self.marked == item.uid:
            self.notify("This is the marked report: press c on another one.",
                        severity="warning", markup=False, timeout=3)
        else:
            self._start_compare(self.marked, item.uid)

    def action_open(self) -> None:
        """The highlighted report's article; it is read from now on (as from the headlines)."""
        item = self._highlighted()
        if item is None or self.story is None:
            return
        if not item.read and saved(
                self, lambda: self.session.store.set_read([item.row_id], True)) is not NOT_SAVED:
            index = self.story.items.index(item)
            self.story.items[index] = replace(item, read=True)
            self._refresh_lines()
        self.post_message(messages.OpenArticle(item.uid))

    @on(OptionList.OptionSelected, "#story-timeline")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open()

    def _jump(self, step: int) -> None:
        if not self.diff_lines.jump_to_change(step):
            where = "below" if step > 0 else "above"
            self.notify(f"No more differences {where}.", markup=False, timeout=2)

    def action_next_change(self) -> None:
        """`n`: the compare below scrolls to the next row where the two reports differ."""
        self._jump(+1)

    def action_previous_change(self) -> None:
        self._jump(-1)

    def action_cursor(self, direction: str) -> None:
        if direction == "down":
            self.timeline.action_cursor_down()
        else:
            self.timeline.action_cursor_up()
