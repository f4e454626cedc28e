"""Trends (`t`): how often each watched name was in the news, per hour for 48 hours or per
day for 30 or 90 days, drawn; the answer to "who and what is suddenly everywhere?".

The list on the left is the watchlist and the chart's legend: `space` draws a name or stops
drawing it, `L` stacks the highlighted name's counts by the feeds' language (who is talking
about Crimea: Russian or Ukrainian outlets?). A cursor walks the hours or days (`h`/`l`); the
line below says what it holds, alert hits included, and `enter` goes back to the headlines of
the highlighted name in that hour or day. Counts come from tui.core.trends (the same as
`wirewatch trends`), read in a thread worker.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.color import Color
from textual.containers import Horizontal
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from tui import messages
from tui.bindings import bind
from tui.core.trends import Bucket, Series, Trends, read_trends
from tui.screens.base import Context, SubScreen
from tui.widgets.footer import Footer
from tui.widgets.highlight import category_styles, plain
from tui.widgets.palette import Tones, parse, readable
from tui.widgets.pane_list import PaneList, row
from tui.widgets.trend_chart import LANGUAGE_COLOURS, MAX_LANGUAGES, Line, TrendChart

#: What `b` steps through: (bucket, how many, how the header says it).
RANGES: tuple[tuple[Bucket, int, str], ...] = (
    ("hour", 48, "48 hours"), ("day", 30, "30 days"), ("day", 90, "90 days"))
DEFAULT_RANGE = 1
#: How far (in turns of the colour wheel) a term's line moves from its category's colour, so
#: names of one category differ; the lightness stays, and with it the contrast.
HUE_STEPS = (0.0, 0.07, -0.07, 0.14, -0.14, 0.21, -0.21)

Key = tuple[str, str | None]          # (category, term), term None for the category itself


def key_of(series: Series) -> Key:
    return series.category, series.name if series.kind == "term" else None


@dataclass(frozen=True)
class Loaded:
    trends: Trends
    range_index: int


class TrendsScreen(SubScreen):
    """The trends chart, its legend of names, and the cursor's hour or day."""

    AUTO_FOCUS = "#trend-names"

    BINDINGS = [bind("bucket_previous"), bind("bucket_next"), bind("toggle_series"),
                bind("trends_range"), bind("by_language"),
                bind("show_headlines")]

    DEFAULT_CSS = """
    TrendsScreen #trend-head { height: 1; padding: 0 1; color: $text-muted; }
    TrendsScreen #trend-body { height: 1fr; }
    TrendsScreen #trend-names {
        width: 30%; min-width: 24; max-width: 40; height: 100%;
        border-right: vkey $border-blurred;
    }
    TrendsScreen #trend-info { height: auto; max-height: 3; padding: 0 1; }
    TrendsScreen TrendChart { width: 1fr; }
    """

    def __init__(self, context: Context, names: tuple[Key, ...] | None = None) -> None:
        super().__init__(context)
        self.drawn: set[Key] = set(names or ())
        self._chosen_first = names[0] if names else None
        self.range_index = DEFAULT_RANGE
        self.by_language = False
        self.cursor = 0
        self.trends: Trends | None = None
        self._keys: list[Key] = []

    def compose(self) -> ComposeResult:
        yield Static(id="trend-head", markup=False)
        with Horizontal(id="trend-body"):
            yield PaneList(id="trend-names")
            yield TrendChart(id="trend-chart")
        yield Static(id="trend-info", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._load()
        self.context.items_changed.subscribe(self, lambda _: self._load())
        self.context.config_changed.subscribe(self, lambda _: self._load())
        self.app.theme_changed_signal.subscribe(self, lambda _: self._show())

    # --- reading -----------------------------------------------------------------------------

    @work(thread=True, group="trends", exclusive=True, exit_on_error=False,
          description="count the mentions")
    def _load(self) -> Loaded:
        bucket, count, _ = RANGES[self.range_index]
        trends = read_trends(self.session.store, self.session.config.watch, bucket=bucket,
                             count=count, now=self.context.clock(), tz=self.context.timezone)
        return Loaded(trends, self.range_index)

    @on(Worker.StateChanged)
    def _loaded(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "trends":
            return
        if event.state == WorkerState.ERROR:
            self.query_one("#trend-info", Static).update(
                plain(f"Could not count the mentions: {event.worker.error}",
                      Tones.of(self).error))
        elif event.state == WorkerState.SUCCESS and event.worker.result is not None:
            loaded: Loaded = event.worker.result
            first = self.trends is None
            same_range = (self.trends is not None
                          and len(self.trends.starts) == len(loaded.trends.starts))
            self.trends = loaded.trends
            last = len(self.trends.starts) - 1
            self.cursor = min(self.cursor, last) if same_range else last
            if first and not self.drawn:
                self.drawn = {key_of(s) for s in self.trends.series if s.kind == "category"}
            self._fill_names(first)
            self._show()

    # --- showing -----------------------------------------------------------------------------

    def _fill_names(self, first: bool) -> None:
        names = self.query_one("#trend-names", PaneList)
        highlighted = self.highlighted_key
        assert self.trends is not None
        self._keys = [key_of(s) for s in self.trends.series]
        names.set_options(Option(Text(s.name)) for s in self.trends.series)
        wanted = self._chosen_first if first else highlighted
        if self._keys:
            names.highlighted = self._keys.index(wanted) if wanted in self._keys else 0

    @property
    def highlighted_key(self) -> Key | None:
        names = self.query_one("#trend-names", PaneList)
        index = names.highlighted
        return self._keys[index] if index is not None and index < len(self._keys) else None

    @property
    def highlighted_series(self) -> Series | None:
        key = self.highlighted_key
        if self.trends is None or key is None:
            return None
        return next((s for s in self.trends.series if key_of(s) == key), None)

    def _colours(self) -> dict[Key, str]:
        """Each series' colour: its category's, turned a little round the colour wheel for
        each of its terms (the category's own line keeps the category's colour)."""
        assert self.trends is not None
        styles = category_styles(self.session.config, self.app.theme_variables)
        variables = self.app.theme_variables
        fallback = Color.parse(variables.get("foreground", "#e0e0e0"))
        grounds = [g for name in ("surface", "panel", "background")
                   if (g := parse(variables.get(name, ""))) is not None]
        colours: dict[Key, str] = {}
        step = 0
        for series in self.trends.series:
            style = styles.get(series.category)
            base = Color.from_rich_color(style.color) if style and style.color else fallback
            step = 0 if series.kind == "category" else step + 1
            hue, saturation, lightness = base.hsl
            turned = (hue + HUE_STEPS[step % len(HUE_STEPS)]) % 1.0
            turned_colour = Color.from_hsl(turned, saturation, lightness)
            colours[key_of(series)] = readable(turned_colour, grounds).hex   # a blue turn darkens
        return colours

    def _show(self) -> None:
        if self.trends is None:
            return
        colours = self._colours()
        self._paint_names(colours)
        self._draw(colours)
        self._paint_head()
        self._paint_info()

    def _paint_names(self, colours: Mapping[Key, str]) -> None:
        names = self.query_one("#trend-names", PaneList)
        width = names.line_width
        if not width or self.trends is None:
            return
        tones = Tones.of(self)
        for index, series in enumerate(self.trends.series):
            key = key_of(series)
            drawn = key in self.drawn
            colour = Style(color=colours[key])
            mark = Text.assemble("[x] " if drawn else "[ ] ",
                                 ("● " if series.kind == "term" else "■ ", colour))
            label = plain(series.name if series.kind == "term" else series.name.upper(),
                          Style(bold=series.kind == "category"))
            count = Text(f"{series.total:,}")
            if series.rising:
                count = Text(f"{series.total:,}↑", style=tones.new)
            names.replace_option_prompt_at_index(index, row(label, count, width, mark=mark))

    def _draw(self, colours: Mapping[Key, str]) -> None:
        assert self.trends is not None
        trends, tones = self.trends, Tones.of(self)
        highlighted = self.highlighted_series
        if self.by_language and highlighted is not None:
            lines = _language_lines(highlighted)
        else:
            lines = [Line(s.name, s.counts, colours[key_of(s)])
                     for s in trends.series if key_of(s) in self.drawn]
        bucket, _, _ = RANGES[self.range_index]
        ground = self.app.theme_variables.get("foreground", "white")
        cursor = Color.parse(ground).hex if ground else "white"
        hits = tones.warning.color.name if tones.warning.color else "yellow"
        self.query_one(TrendChart).draw(
            trends.starts, bucket, lines, stacked=self.by_language and highlighted is not None,
            cursor=self.cursor, hits=[k for k, _ in trends.hits],
            cursor_colour=cursor, hit_colour=hits)

    def _paint_head(self) -> None:
        bucket, _, words = RANGES[self.range_index]
        per = "per hour" if bucket == "hour" else "per day"
        what = "by language" if self.by_language else "items naming each"
        choices = " ".join(f"[{w}]" if i == self.range_index else w
                           for i, (_, _, w) in enumerate(RANGES))
        self.query_one("#trend-head", Static).update(
            Text(f"{what.capitalize()}, {per}, the last {words}   b: {choices}   "
                 "enter: its headlines then"))

    def _paint_info(self) -> None:
        assert self.trends is not None
        trends, k, tones = self.trends, self.cursor, Tones.of(self)
        start, end = trends.period(k)
        info = Text(_period_label(trends.bucket, start, end), style="bold")
        shown = [s for s in trends.series if key_of(s) in self.drawn]
        highlighted = self.highlighted_series
        if highlighted is not None and highlighted not in shown:
            shown.insert(0, highlighted)
        if self.by_language and highlighted is not None:
            shown = [highlighted]
        for series in shown:
            info.append(" · ")
            info.append_text(plain(f"{series.name} {series.counts[k]:,}"))
        if self.by_language and highlighted is not None:       # the stack's legend
            for line in _language_lines(highlighted):
                info.append("  ")
                info.append("■", style=Style(color=line.colour))
                info.append_text(plain(f" {line.label} {line.counts[k]:,}"))
        if rules := trends.hits_in(k):
            info.append(" · ")
            names = ", ".join(sorted(set(rules)))
            info.append_text(plain(f"▲ {len(rules)} alert hit{'s' if len(rules) > 1 else ''}: "
                                   f"{names}", tones.warning))
        if not self.drawn and not self.by_language:
            info.append_text(plain(" · space draws the highlighted name", tones.muted))
        self.query_one("#trend-info", Static).update(info)

    # --- keys --------------------------------------------------------------------------------

    def action_bucket_previous(self) -> None:
        self._move(-1)

    def action_bucket_next(self) -> None:
        self._move(1)

    def _move(self, step: int) -> None:
        if self.trends is None:
            return
        self.cursor = max(0, min(len(self.trends.starts) - 1, self.cursor + step))
        self._show()

    def action_toggle_series(self) -> None:
        key = self.highlighted_key
        if key is None:
            return
        self.drawn ^= {key}
        self._show()

    def action_trends_range(self) -> None:
        self.range_index = (self.range_index + 1) % len(RANGES)
        self._load()

    def action_by_language(self) -> None:
        self.by_language = not self.by_language
        self._show()

    @on(OptionList.OptionHighlighted, "#trend-names")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if self.trends is None:
            return
        if self.by_language:             # the stack is the highlighted name's
            self._draw(self._colours())
        self._paint_info()

    @on(OptionList.OptionSelected, "#trend-names")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_show_headlines()

    def action_show_headlines(self) -> None:
        """Back to the headlines: the highlighted name, in the cursor's hour or day."""
        if self.trends is None or (key := self.highlighted_key) is None:
            return
        start, end = self.trends.period(self.cursor)
        period = messages.Period(start.timestamp(), end.timestamp(),
                                 _period_label(self.trends.bucket, start, end))
        self.post_message(messages.ShowHeadlines(key[0], key[1], period))

    def on_resize(self) -> None:
        self.call_after_refresh(self._show)


def _language_lines(series: Series) -> list[Line]:
    """The series' languages as stacked layers, the biggest at the bottom; beyond the
    palette, the rest added up as "other"."""
    ranked = sorted(series.by_language.items(), key=lambda item: -sum(item[1]))
    lines = [Line(lang or "unknown", counts, LANGUAGE_COLOURS[i])
             for i, (lang, counts) in enumerate(ranked[:MAX_LANGUAGES])]
    rest = ranked[MAX_LANGUAGES:]
    if rest:
        summed = [sum(counts[k] for _, counts in rest) for k in range(len(series.counts))]
        lines.append(Line("other", summed, LANGUAGE_COLOURS[-1]))
    return lines


def _period_label(bucket: Bucket, start, end) -> str:
    if bucket == "day":
        return f"{start:%a %d %b}"
    return f"{start:%a %d %b %H:00}–{end:%H:00}"
