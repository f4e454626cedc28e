"""The status line: refresh progress, the filters in force, the last error, the alert count.

One line at the bottom that answers "is it working, what am I looking at, did anything
fire" without a keystroke. It is rendered from plain fields into Text (error messages come
from servers and are shown as text, never read as markup).
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from tui.widgets.highlight import plain


class StatusLine(Widget):
    """Refresh state, alert count, filters, last error: most urgent first, cut at the right."""

    DEFAULT_CSS = """
    StatusLine {
        height: 1;
        background: $panel;
        color: $foreground;
        padding: 0 1;
    }
    """

    COMPONENT_CLASSES = {"status-line--busy", "status-line--error", "status-line--alerts",
                         "status-line--muted"}

    DEFAULT_CSS += """
    StatusLine > .status-line--busy { color: $text-accent; text-style: bold; }
    StatusLine > .status-line--error { color: $text-error; }
    StatusLine > .status-line--alerts { color: $text-warning; text-style: bold; }
    StatusLine > .status-line--muted { color: $text-muted; }
    """

    progress: reactive[tuple[int, int] | None] = reactive(None)   # (done, total) while running
    state: reactive[str] = reactive("")                          # "offline", "updated 14:05"
    filters: reactive[str] = reactive("")
    last_error: reactive[str | None] = reactive(None)
    alerts: reactive[int] = reactive(0)
    new: reactive[int] = reactive(0)         # items that arrived since the user last looked

    def render(self) -> Text:
        component = self.get_component_rich_style
        parts: list[Text] = []
        if self.progress is not None:
            done, total = self.progress
            label = f"⟳ refreshing {done}/{total} feeds" + (", finishing…" if done == total else "")
            parts.append(Text(label, style=component("status-line--busy")))
        elif self.state:
            parts.append(Text(self.state, style=component("status-line--muted")))
        if self.new:
            parts.append(Text(f"● {self.new:,} new since you last looked",
                              style=component("status-line--alerts")))
        if self.alerts:
            parts.append(Text(f"⚑ {self.alerts} unseen", style=component("status-line--alerts")))
        if self.filters:
            parts.append(plain(self.filters))
        if self.last_error:
            parts.append(plain("✗ " + self.last_error, component("status-line--error")))
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        for index, part in enumerate(parts):
            if index:
                line.append(" │ ", style=component("status-line--muted"))
            line.append_text(part)
        return line
