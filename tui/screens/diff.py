"""Side by side: two versions of one item (`d`), or two outlets' items on one story (`c`).

The rows come from the same core call as `wirewatch diff` / `wirewatch compare`
(tui.core.text.articles). A thread worker reads the versions and hands the diff itself to the
App's helper process (tui.core.helper), waiting for it without the interpreter lock, while
the screen says "computing…" and keeps taking keys (escape leaves at once; the computation's
result is then dropped, and work still queued for the helper is skipped). A pair already
seen comes back from `articles.cached_rows` at once, so stepping back and forth with `[` and
`]` is free. The version strip (how much each version changed) needs a diff of every pair of
neighbouring versions: it is computed by a second worker after the pair is shown, so a long
history never delays the diff asked for.
The screen shows the headline, a version picker (which pair is shown, of how many), what
changed in numbers, and the rows in a DiffLines view (two columns, or one on a narrow
terminal) with the changed words and the watched names highlighted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from tui import messages
from tui.bindings import bind
from tui.core.helper import HelperClosed, NotWanted
from tui.core.stories.compare import Comparison, compare_reports
from tui.core.stories.related import find_related
from tui.core.text.articles import (
    ONE_VERSION,
    Diff,
    NotFound,
    Version,
    VersionMark,
    diff_versions,
    get_item,
    load_versions,
    version_marks,
)
from tui.core.text.diff import DiffStats, diff_stats
from tui.screens.base import Context, SubScreen
from tui.widgets.diff_lines import DiffLines, Measured, measure
from tui.widgets.facts_table import FactsTable
from tui.widgets.footer import Footer
from tui.widgets.highlight import category_styles, highlighted, plain
from tui.widgets.palette import BOLD, REVERSE, Tones
from tui.widgets.version_strip import VersionStrip

if TYPE_CHECKING:
    from tui.core.cache.query import Item

PICKER_ALL_UP_TO = 12     # versions listed in full; beyond, a window around the pair


@dataclass
class LoadedDiff:
    """A computed diff and what the header needs to describe it."""

    pair: tuple[int | None, int | None]       # what was asked for
    diff: Diff
    stats: DiffStats
    items: tuple[Item, ...]                   # the item (versions) or both items (compare)
    versions: list[Version]                   # the item's versions (empty when comparing)
    same_story: bool = False                  # compare: the two are linked as one story
    marks: list[VersionMark] = field(default_factory=list)   # the version strip's
    comparison: Comparison | None = None      # compare: words, or facts across languages
    measured: Measured | None = None          # the rows' line starts, at the view's widths


class DiffScreen(SubScreen):
    """Versions of one item (`DiffScreen(uid)`) or two items (`DiffScreen(uid, other)`)."""

    AUTO_FOCUS = "DiffLines"

    BINDINGS = [bind("older_versions", "older"), bind("newer_versions", "newer"),
                bind("next_change"), bind("previous_change", show=False),
                bind("fold_unchanged", "fold"), bind("open_link", show=False)]

    DEFAULT_CSS = """
    DiffScreen #diff-head {
        height: auto;
        padding: 0 1;
        background: $panel;
    }
    DiffScreen #diff-title, DiffScreen #diff-picker, DiffScreen #diff-stats {
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    DiffScreen #diff-title { text-style: bold; }
    DiffScreen #diff-picker, DiffScreen #diff-stats { color: $text-muted; }
    DiffScreen #diff-rows { height: 1fr; }
    """

    def __init__(self, context: Context, uid: str, other: str | None = None, *,
                 older: int | None = None, newer: int | None = None) -> None:
        super().__init__(context)
        self.uid = uid
        self.other = other
        self.older = older
        self.newer = newer
        self.result: LoadedDiff | None = None

    @property
    def comparing(self) -> bool:
        return self.other is not None

    # --- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self._styles = category_styles(self.session.config, self.app.theme_variables)
        watcher = self.session.watcher
        yield Static(id="diff-title", markup=False)
        yield Static(id="diff-picker", markup=False)
        yield VersionStrip(id="diff-strip")
        yield Static(id="diff-stats", markup=False)
        yield FactsTable(id="diff-facts")
        yield DiffLines(self._styles, find_matches=lambda text: watcher.find(text, "text"),
                        id="diff-rows")
        yield Footer()

    @property
    def diff_lines(self) -> DiffLines:
        return self.query_one(DiffLines)

    def _items_changed(self, changed: frozenset[int]) -> None:
        """A new version of an item on screen: the diff moves to the newest pair (versions) or
        is computed again (compare)."""
        if self.result is None or not any(item.row_id in changed for item in self.result.items):
            return
        self.notify("A new version arrived: the diff shows it.", markup=False, timeout=4)
        if not self.comparing:
            self.older = self.newer = None
        self.diff_lines.show_message("computing the diff of the new version…")
        self._start(self.older, self.newer)

    def on_mount(self) -> None:
        self.context.items_changed.subscribe(self, self._items_changed)
        self.app.theme_changed_signal.subscribe(self, lambda _: self._restyle())
        self.query_one("#diff-title", Static).update(
            Text("Comparing two reports…" if self.comparing else "Versions…", style="bold"))
        self.context.helper.start()     # its interpreter starts while this screen paints
        # At once: the diff is computed in the helper process while this screen lays itself
        # out and paints "computing…" (started after the first paint, the rows of a
        # 20,000-word pair came 60 ms later: the paint and the diff one after the other).
        self._start(self.older, self.newer)

    def _restyle(self) -> None:
        """Another theme (ctrl+p, from any screen): what is coloured in code takes it."""
        self._styles = category_styles(self.session.config, self.app.theme_variables)
        self.diff_lines.set_category_styles(self._styles)
        self.query_one(FactsTable).restyle()
        self._render_head()

    # --- computing --------------------------------------------------------------------------

    def _start(self, older: int | None, newer: int | None) -> None:
        views = self.query(DiffLines)      # none when the screen closed meanwhile
        self._compute(older, newer, views.first() if views else None)

    @work(thread=True, group="diff", exclusive=True, exit_on_error=False,
          description="compute the diff")
    def _compute(self, older: int | None, newer: int | None,
                 view: DiffLines | None) -> LoadedDiff:
        """The pair's rows (from the helper process), measured here too at the widths of the
        `view`'s columns once it is laid out (as a rule by the time the diff is back), so
        that showing them on the event loop measures nothing."""
        store = self.session.store
        rows_of = self.context.diff_rows()
        same_story = False
        comparison = None
        if self.other is not None:
            comparison = compare_reports(store, self.uid, self.other, rows_of)
            diff = comparison.diff
            items = (get_item(store, self.uid), get_item(store, self.other))
            versions: list[Version] = []
            same_story = any(r.uid == items[1].uid for r in find_related(store, items[0].row_id))
        else:
            item = get_item(store, self.uid)
            diff = diff_versions(store, self.uid, older=older, newer=newer, rows_of=rows_of)
            items = (item,)
            versions = load_versions(store, item.row_id)
        marks = self.result.marks if self._same_versions(versions) else []
        widths = view.column_widths if view is not None else None
        measured = measure(diff.rows, widths) if widths is not None else None
        return LoadedDiff((older, newer), diff, diff_stats(diff.rows), items, versions,
                          same_story, marks, comparison, measured)

    def _same_versions(self, versions: list[Version]) -> bool:
        """Whether the strip already drawn is of these very versions (stepping with [ ])."""
        return (self.result is not None and bool(self.result.marks)
                and [(v.number, v.seen) for v in self.result.versions]
                == [(v.number, v.seen) for v in versions])

    @work(thread=True, group="diff-marks", exclusive=True, exit_on_error=False,
          description="measure each version's change")
    def _compute_marks(self, versions: list[Version]) -> tuple[list[Version], list[VersionMark]]:
        return versions, version_marks(versions, self.context.diff_rows())

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "diff-marks":
            if event.state == WorkerState.SUCCESS and self.result is not None:
                versions, marks = event.worker.result
                if versions == self.result.versions:
                    self.result.marks = marks
                    self.query_one(VersionStrip).show(marks, (self.older, self.newer),
                                                      self.context.local)
            return
        if event.worker.group != "diff":
            return
        if event.state == WorkerState.SUCCESS:
            result = event.worker.result
            if result is not None and result.pair == (self.older, self.newer):
                self._show(result)
        elif event.state == WorkerState.ERROR:
            error = event.worker.error
            if isinstance(error, HelperClosed | NotWanted):
                return                  # the App is closing, or the work was given up
            message = str(error) if isinstance(error, NotFound) else f"diff failed: {error}"
            self.query_one("#diff-title", Static).update(plain(message))
            self.diff_lines.show_message(message)

    def _show(self, result: LoadedDiff) -> None:
        self.result = result
        self.refresh_bindings()
        diff = result.diff
        if not self.comparing:
            self.older, self.newer = diff.left.version, diff.right.version
        self._render_head()
        self.query_one(VersionStrip).show(result.marks, (self.older, self.newer),
                                          self.context.local)
        if not self.comparing and not result.marks and len(result.versions) >= 2:
            self._compute_marks(result.versions)
        comparison = result.comparison
        if self.comparing:
            left, right = (self._item_label(item) for item in result.items)
            if comparison is not None and comparison.by_facts:
                left, right = (f"{label} · {language or '?'}" for label, language
                               in zip((left, right), comparison.languages))
                self.query_one(FactsTable).show(comparison.facts, left, right)
                self.diff_lines.show(diff.rows, left, right, aligned=True,
                                     measured=result.measured)
                return
            self.query_one(FactsTable).hide()
        else:
            seen = {v.number: v for v in result.versions}
            left, right = (self._version_label(seen.get(side.version), side.version)
                           for side in (diff.left, diff.right))
        self.diff_lines.show(diff.rows, left, right, measured=result.measured)

    def _item_label(self, item: Item) -> str:
        stamp = self.context.local(item.when).strftime("%m-%d %H:%M")
        return f"{item.feed} · {stamp} · {item.uid}"

    def _version_label(self, version: Version | None, number: int) -> str:
        if version is None:
            return f"v{number}"
        stamp = self.context.local(version.seen).strftime("%m-%d %H:%M")
        return f"v{number} · seen {stamp}" + (" · minor" if version.minor else "")

    def _render_head(self) -> None:
        result = self.result
        tones = Tones.of(self)
        if result is None:
            return
        title = Text(end="")
        if self.comparing:
            first, second = result.items
            title.append("Compare  ", style="bold")
            title.append_text(plain(first.feed, "bold"))
            title.append("  |  ", style=tones.muted)
            title.append_text(plain(second.feed, "bold"))
            title.append("  ")
            title.append_text(highlighted(second.title, second.matches, self._styles,
                                          field="title"))
        else:
            item = result.items[0]
            title.append_text(highlighted(item.title, item.matches, self._styles,
                                          field="title", base="bold"))
            title.append_text(plain(f"  · {item.feed}", tones.muted))
        title.no_wrap = True
        title.overflow = "ellipsis"
        self.query_one("#diff-title", Static).update(title)
        self.query_one("#diff-picker", Static).update(self._picker())
        self.query_one("#diff-stats", Static).update(self._stats_line())

    def _picker(self) -> Text:
        """`versions  v1 · [v2] → [v3] · v4   [ older  ] newer` with the pair shown picked out."""
        tones = Tones.of(self)
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        result = self.result
        if result is None:
            return text
        if self.comparing:
            text.append("one story, as two outlets report it: left and right" if
                        result.same_story else "compare: two reports side by side (not linked "
                        "as one story)", style=tones.muted)
            return text
        numbers = [v.number for v in result.versions]
        if len(numbers) < 2:
            text.append(ONE_VERSION, style=tones.muted)
            return text
        text.append("versions ", style=tones.muted)
        shown = numbers
        if len(numbers) > PICKER_ALL_UP_TO:
            keep = {numbers[0], numbers[-1]} | {
                n for n in numbers if self.older - 3 <= n <= self.newer + 3}
            shown = [n for n in numbers if n in keep]
        previous = None
        for number in shown:
            if previous is not None:
                gap = number - previous > 1
                if number == self.newer and previous == self.older and not gap:
                    text.append(" → ", style="bold")
                else:
                    text.append(" … " if gap else " · ", style=tones.muted)
            if number == self.older:
                text.append(f" v{number} ", style=tones.error + BOLD + REVERSE)
            elif number == self.newer:
                text.append(f" v{number} ", style=tones.success + BOLD + REVERSE)
            else:
                text.append(f"v{number}", style=tones.muted)
            previous = number
        text.append(f"  of {len(numbers)}   [ older  ] newer", style=tones.muted)
        return text

    def _stats_line(self) -> Text:
        result = self.result
        tones = Tones.of(self)
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        if result is None:
            return text
        if result.comparison is not None and result.comparison.by_facts:
            text.append("two languages, compared by facts: ", style=tones.muted)
            text.append(result.comparison.summary())
            return text
        if not self.comparing and len(result.versions) < 2:
            text.append("the text of the only version is shown", style=tones.muted)
            return text
        text.append(result.stats.describe())
        if not result.stats.unchanged:
            folded = self.diff_lines.collapsed
            text.append(" · unchanged passages folded: z shows them" if folded
                        else " · every passage shown: z folds", style=tones.muted)
        return text

    # --- actions ----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("older", "newer") and self.comparing:
            return False            # two items have no versions to step through
        comparison = self.result.comparison if self.result is not None else None
        if action == "fold" and comparison is not None and comparison.by_facts:
            return False            # sentences aligned by facts: nothing is folded
        return True

    def _step(self, step: int) -> None:
        result = self.result
        if result is None or self.comparing or self.older is None or self.newer is None:
            return
        last = max((v.number for v in result.versions), default=1)
        older, newer = self.older + step, self.newer + step
        if older < 1 or newer > last or older >= newer:
            where = "oldest" if step < 0 else "newest"
            self.notify(f"This is the {where} pair of versions.", markup=False, timeout=2)
            return
        self.older, self.newer = older, newer
        self.diff_lines.show_message(f"computing v{older} → v{newer}…")
        self._start(older, newer)

    def action_older(self) -> None:
        self._step(-1)

    def action_newer(self) -> None:
        self._step(+1)

    def action_fold(self) -> None:
        lines = self.diff_lines
        lines.set_collapsed(not lines.collapsed)
        self.query_one("#diff-stats", Static).update(self._stats_line())

    def _jump(self, step: int) -> None:
        if not self.diff_lines.jump_to_change(step):
            where = "below" if step > 0 else "above"
            self.notify(f"No more changes {where}.", markup=False, timeout=2)

    def action_next_change(self) -> None:
        self._jump(+1)

    def action_previous_change(self) -> None:
        self._jump(-1)

    def action_open_link(self) -> None:
        if self.result is not None:
            self.post_message(messages.OpenLink(self.result.items[-1].link))
