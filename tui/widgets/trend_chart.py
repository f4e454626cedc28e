"""The trends screen's chart: one line per drawn name, or one name's counts stacked by
language, a cursor on the chosen hour or day, and a mark under every bucket with alert hits.

Drawn with textual-plot (chosen over textual-plotext: it is kept up to date, draws in Textual's
own canvas and repaints in a fraction of the time). The chart never takes the focus: the keys
belong to the screen, whose list of names is the legend.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from textual_hires_canvas import HiResMode
from textual_plot import PlotWidget
from textual_plot.axis_formatter import AxisFormatter

from tui.core.trends import Bucket

#: Colours for the languages of a stacked chart, in order of their counts: mid-tones that read
#: on a dark and on a light background alike.
LANGUAGE_COLOURS = ("#3b82f6", "#f59e0b", "#10b981", "#ef4444", "#a855f7", "#14b8a6",
                    "#f97316", "#84cc16")
MAX_LANGUAGES = len(LANGUAGE_COLOURS) - 1     # the rest are added up as "other"


@dataclass(frozen=True)
class Line:
    """One drawn series: its counts and its colour (a Rich colour string)."""

    label: str
    counts: Sequence[int]
    colour: str


class BucketLabels(AxisFormatter):
    """The x axis in the user's words: "25 Nov" for days, "14:00" (and the date at midnight)
    for hours, at a step that leaves room between labels."""

    def __init__(self, starts: Sequence[datetime], bucket: Bucket) -> None:
        self.starts, self.bucket = list(starts), bucket

    def get_ticks(self, min_: float, max_: float, max_ticks: int = 8) -> list[float]:
        count = len(self.starts)
        steps = (1, 2, 3, 6, 12, 24) if self.bucket == "hour" else (1, 2, 7, 14, 30)
        step = next((s for s in steps if count / s <= max(max_ticks, 1)), steps[-1])
        last = count - 1
        return [float(k) for k in range(last % step, count, step)]

    def get_labels_for_ticks(self, ticks: Sequence[float]) -> list[str]:
        labels = []
        for tick in ticks:
            k = int(tick)
            if not 0 <= k < len(self.starts):
                labels.append("")
                continue
            start = self.starts[k]
            if self.bucket == "day":
                labels.append(f"{start:%d %b}")
            else:
                labels.append(f"{start:%d %b}" if start.hour == 0 else f"{start:%H:00}")
        return labels


class TrendChart(PlotWidget):
    """Counts per bucket, drawn; `draw` replaces whatever was shown."""

    DEFAULT_CSS = """
    TrendChart {
        height: 1fr;
        & > .plot--axis { color: $foreground-muted; }
        & > .plot--tick { color: $text-muted; text-style: none; }
        & > .plot--label { color: $text-muted; text-style: none; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, allow_pan_and_zoom=False)
        self.can_focus = False

    def draw(self, starts: Sequence[datetime], bucket: Bucket, lines: Sequence[Line], *,
             stacked: bool, cursor: int, hits: Sequence[int], cursor_colour: str,
             hit_colour: str) -> None:
        """`lines` as lines (or, `stacked`, as bars on top of each other, the first at the
        bottom), a ▼ over bucket `cursor`, a ▲ under every bucket in `hits`."""
        self.clear()
        count = len(starts)
        xs = list(range(count))
        if stacked:
            tops = [0] * count
            layers = []
            for line in lines:
                tops = [a + b for a, b in zip(tops, line.counts)]
                layers.append((tops, line.colour))
            for heights, colour in reversed(layers):       # the tallest first, then over it
                self.bar(xs, heights, width=1.0, bar_style=colour,
                         hires_mode=HiResMode.QUADRANT)
            peak = max(tops, default=0)
        else:
            for line in lines:
                self.plot(xs, list(line.counts), line_style=line.colour,
                          hires_mode=HiResMode.BRAILLE)
            peak = max((max(line.counts, default=0) for line in lines), default=0)
        top = max(1.0, peak * 1.1)
        if hits:
            marks = sorted(set(hits))
            self.scatter(marks, [0.0] * len(marks), marker="▲", marker_style=hit_colour)
        # The cursor points down at its bucket from the top: a line through the chart would
        # hide the very bar it is on.
        self.scatter([cursor], [top], marker="▼", marker_style=cursor_colour)
        self.set_xlimits(-0.5, count - 0.5 + max(1.0, count * 0.05))   # room for the last label
        self.set_ylimits(0, top * 1.08)                # the cursor mark above the tallest
        labels = BucketLabels(starts, bucket)
        self.set_x_formatter(labels)
        self.set_xticks(labels.get_ticks(0, count - 1, max(2, self.size.width // 9)))
