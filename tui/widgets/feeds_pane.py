"""The feeds pane: every feed with its unread count and an error mark, then the tags.

Choosing a row filters the headlines to that feed or tag (choosing it again, or "All feeds",
lifts the filter). A feed whose last fetch failed carries a mark, and while it is highlighted
its last error is shown under the list: the user sees why without leaving the dashboard.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.core.cache.store import FeedState
from tui.core.config.model import FeedConfig
from tui.widgets.highlight import plain, safe
from tui.widgets.pane_list import PaneList, row


@dataclass(frozen=True)
class FeedChoice:
    """What the feeds pane filters to: every feed, one feed, or the feeds with a tag."""

    kind: str = "all"      # "all" | "feed" | "tag"
    value: str = ""

    @property
    def label(self) -> str:
        return {"all": "all feeds", "feed": self.value, "tag": f"#{self.value}"}[self.kind]


ALL_FEEDS = FeedChoice()


class FeedsPane(Vertical):
    """Feeds and tags, with counts; posts `Chosen` on enter."""

    DEFAULT_CSS = """
    FeedsPane { height: auto; max-height: 60%; }
    FeedsPane > PaneList { height: auto; max-height: 1fr; }
    FeedsPane > #feed-error { display: none; color: $text-error; padding: 0 1; height: auto;
                              max-height: 4; }
    FeedsPane > #feed-error.-shown { display: block; }
    """

    class Chosen(Message):
        def __init__(self, choice: FeedChoice) -> None:
            super().__init__()
            self.choice = choice

    def __init__(self, feeds: Sequence[FeedConfig], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Feeds"
        self._set_feeds(feeds)
        self._counts: Mapping[str, tuple[int, int]] = {}
        self._states: Mapping[str, FeedState] = {}
        self.active = ALL_FEEDS
        self._painted: dict[int, tuple] = {}    # what each row shows now: repaint on change

    def compose(self) -> ComposeResult:
        yield PaneList(id="feed-list")
        yield Static(id="feed-error", markup=False)

    @property
    def options(self) -> PaneList:
        return self.query_one("#feed-list", PaneList)

    def _set_feeds(self, feeds: Sequence[FeedConfig]) -> None:
        self._feeds = list(feeds)
        tags: list[str] = []
        for feed in self._feeds:
            tags.extend(t for t in feed.tags if t not in tags)
        self._choices = ([ALL_FEEDS] + [FeedChoice("feed", f.name) for f in self._feeds]
                         + [FeedChoice("tag", t) for t in tags])

    def on_mount(self) -> None:
        self._fill()
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._paint())

    def _fill(self) -> None:
        self.options.set_options(Option(Text(c.label)) for c in self._choices)
        self.options.highlighted = 0
        self._painted.clear()

    def reconfigure(self, feeds: Sequence[FeedConfig]) -> None:
        """feeds.toml changed: list its feeds and tags now."""
        if list(feeds) != self._feeds:
            self._set_feeds(feeds)
            self._fill()
            self._paint()

    def show(self, counts: Mapping[str, tuple[int, int]], states: Mapping[str, FeedState],
             active: FeedChoice) -> None:
        """Repaint counts, error marks and the active row, keeping the highlight."""
        self._counts, self._states, self.active = counts, states, active
        self._paint()

    def error_of(self, choice: FeedChoice) -> str | None:
        if choice.kind != "feed":
            return None
        state = self._states.get(choice.value)
        return state.last_error if state is not None and state.failures else None

    def _paint(self) -> None:
        options = self.options
        width = options.line_width
        if not width:
            return
        # The variables the app worked out for the theme in force: working them out again
        # (get_css_variables) took ~5 ms, on every filter change.
        error_colour = self.app.theme_variables.get("text-error", "red")
        for index, choice in enumerate(self._choices):
            key = (width, choice == self.active, self._unread(choice),
                   bool(self.error_of(choice)), error_colour)
            if self._painted.get(index) != key:
                self._painted[index] = key
                options.replace_option_prompt_at_index(index, self._prompt(choice, *key))
        self._show_error()

    def _unread(self, choice: FeedChoice) -> int:
        if choice.kind == "all":
            return sum(u for _, u in self._counts.values())
        if choice.kind == "feed":
            return self._counts.get(choice.value, (0, 0))[1]
        members = {f.name for f in self._feeds if choice.value in f.tags}
        return sum(u for name, (_, u) in self._counts.items() if name in members)

    @staticmethod
    def _prompt(choice: FeedChoice, width: int, active: bool, unread: int,
                failing: bool, error_colour: str) -> Text:
        style = "bold underline" if active else ""
        if choice.kind == "tag":
            style += " italic"
        label = plain("All feeds" if choice.kind == "all" else choice.label, style)
        mark = Text("! ", style=f"bold {error_colour}") if failing else Text(
            "▸ " if active else "  ")
        return row(label, unread, width, mark=mark)

    def _show_error(self) -> None:
        index = self.options.highlighted
        error = self.error_of(self._choices[index]) if index is not None else None
        panel = self.query_one("#feed-error", Static)
        panel.set_class(bool(error), "-shown")
        if error:
            panel.update(Text(safe(error)))

    @on(PaneList.WidthChanged)
    def _width_changed(self, event: PaneList.WidthChanged) -> None:
        event.stop()
        self._paint()

    @on(OptionList.OptionHighlighted, "#feed-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._show_error()

    @on(OptionList.OptionSelected, "#feed-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        choice = self._choices[event.option_index]
        self.post_message(self.Chosen(ALL_FEEDS if choice == self.active else choice))
