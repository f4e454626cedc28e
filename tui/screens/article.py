"""One item as an article: headline, feed, time, link, versions, and its text to read.

The text is the extracted page when the cache has it, else the feed's own text at once; an
item with a link but no page text yet has its page fetched in a worker (the same
`Engine.fetch_text` as `wirewatch article`), and the text is swapped in when it arrives.
Watched names are found in the text as shown (page or feed text alike) and coloured by
category; `n`/`N` step through them.

What the other keys open (diff, related, compare) is the App's decision: the screen posts a
request (tui.messages) and never pushes a screen itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from tui import messages
from tui.bindings import bind
from tui.core.names.model import Match
from tui.core.text.articles import Article, load_article
from tui.core.text.counted import counted
from tui.core.text.diff import split_paragraphs
from tui.screens.base import Context, SubScreen
from tui.widgets.article_text import ArticleText
from tui.widgets.footer import Footer
from tui.widgets.highlight import category_styles, highlighted, plain, safe
from tui.widgets.palette import ITALIC, tone

if TYPE_CHECKING:
    from tui.core.cache.query import Item

@dataclass
class LoadedArticle:
    """What the loading worker hands the screen: the article, cut and matched."""

    article: Article
    paragraphs: list[str]
    matches: list[list[Match]] = field(default_factory=list)
    lead: int = 0        # how many of the paragraphs are the feed's summary, shown first


class ArticleScreen(SubScreen):
    """The full text of one item."""

    AUTO_FOCUS = "ArticleText"

    BINDINGS = [bind("next_match"), bind("previous_match", show=False), bind("open_link"),
                bind("diff"), bind("related"), bind("mark", show=False), bind("compare"),
                bind("open_story", show=False)]

    DEFAULT_CSS = """
    ArticleScreen #article-head {
        height: auto;
        max-height: 8;
        padding: 0 2;
        background: $panel;
    }
    ArticleScreen #article-title { text-style: bold; }
    ArticleScreen #article-meta, ArticleScreen #article-link { color: $text-muted; }
    ArticleScreen #article-body { height: 1fr; }
    ArticleScreen #article-status {
        height: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        padding: 0 2;
        background: $panel;
        color: $text-muted;
    }
    """

    def __init__(self, context: Context, uid: str) -> None:
        super().__init__(context)
        self.uid = uid
        self.article: Article | None = None
        self.fetching = False
        self._fetch_tried = False

    @property
    def item(self) -> Item | None:
        return self.article.item if self.article is not None else None

    # --- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self._styles = category_styles(self.session.config, self.app.theme_variables)
        head = Static(id="article-head", markup=False)
        yield head
        yield ArticleText(self._styles, id="article-body")
        yield Static(id="article-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#article-head", Static).update(Text("loading…", style="italic"))
        self._load()
        self.context.items_changed.subscribe(self, self._items_changed)
        self.app.theme_changed_signal.subscribe(self, lambda _: self._restyle())
        # A reader of an article is one key from its diff: the helper process that computes
        # diffs starts now, after this screen's first paint, rather than with the diff screen
        # (where, on a busy machine, its start-up held up the screen by a tenth of a second).
        self.call_after_refresh(self.context.helper.start)

    def _restyle(self) -> None:
        """Another theme (ctrl+p, from any screen): what is coloured in code takes it."""
        self._styles = category_styles(self.session.config, self.app.theme_variables)
        self.body.set_category_styles(self._styles)
        self._render_head()

    def _items_changed(self, changed: frozenset[int]) -> None:
        """A refresh brought a new version (or the page's text) of this item: show it, where
        the reader is."""
        if self.item is not None and self.item.row_id in changed:
            self.notify("A new version of this article arrived: shown.", markup=False,
                        timeout=4)
            self._load()

    # --- loading ----------------------------------------------------------------------------

    @work(thread=True, group="article-load", exclusive=True, exit_on_error=False,
          description="read the article from the cache")
    def _load(self) -> LoadedArticle:
        article = load_article(self.session.store, self.uid)
        # One line per paragraph, tabs as spaces, unsafe characters replaced (offsets kept),
        # so the matches found here line up with what is painted. The feed's summary leads
        # when the text does not hold it.
        lead = [safe(p.replace("\t", " ")) for p in split_paragraphs(article.standfirst or "")]
        paragraphs = lead + [safe(p.replace("\t", " ")) for p in split_paragraphs(article.text)]
        watcher = self.session.watcher
        return LoadedArticle(article, paragraphs, [watcher.find(p, "text") for p in paragraphs],
                             lead=len(lead))

    @work(group="article-fetch", exclusive=True, exit_on_error=False,
          description="fetch the article page")
    async def _fetch_page(self, row_id: int) -> str:
        return await self.session.fetch_text(row_id)

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group == "article-load":
            if event.state == WorkerState.SUCCESS:
                self._show(worker.result)
            elif event.state == WorkerState.ERROR:
                self._show_error(worker.error)
        elif worker.group == "article-fetch" and event.state in (WorkerState.SUCCESS,
                                                                 WorkerState.ERROR):
            self.fetching = False
            self._load()                 # the page's text, or the note why it is not used

    def _show(self, loaded: LoadedArticle | None) -> None:
        if loaded is None:
            return
        first = self.article is None
        self.article = loaded.article
        if first and self._should_fetch(loaded.article):
            self._fetch_tried = self.fetching = True
            self._fetch_page(loaded.article.item.row_id)
        message = None
        if not loaded.paragraphs:
            message = ("The feed gives only a headline; fetching the page…" if self.fetching
                       else "No text: the feed gives only a headline.")
        self.body.show(loaded.paragraphs, loaded.matches, keep_position=not first,
                       message=message, lead=loaded.lead)
        self._render_head()
        self._render_status()

    def _should_fetch(self, article: Article) -> bool:
        if article.text_source == "page" or self._fetch_tried:
            return False
        if not link_allowed(article.item.link):
            return False
        return not (self.context.offline or self.session.store.read_only)

    def _show_error(self, error: BaseException | None) -> None:
        head = self.query_one("#article-head", Static)
        head.update(plain(f"Item {self.uid}: {error}"))
        self.body.show([], message="Nothing to show.")

    @property
    def body(self) -> ArticleText:
        return self.query_one(ArticleText)

    def _render_head(self) -> None:
        article = self.article
        if article is None:
            return
        item = article.item
        title = highlighted(item.title, item.matches, self._styles, field="title",
                            base="bold")
        title.no_wrap = False
        versions = counted(item.versions, "version")
        when = self.context.local(item.when)
        stamp = when.strftime("%Y-%m-%d %H:%M") + ("" if item.date_known else " (first seen)")
        if self.fetching:
            source = "feed text; fetching the page…"
        elif article.text_source == "page":
            source = "text from the page"
        elif article.text_note:
            source = f"text from the feed: {article.text_note}"
        else:
            source = "text from the feed"
        muted = tone(self, "muted")
        meta = plain(f"{item.feed} · {stamp} · {versions} · {source}", muted)
        head = Text(end="")
        head.append_text(title)
        head.append("\n")
        head.append_text(meta)
        if item.link:
            head.append("\n")
            head.append_text(plain(item.link, muted + ITALIC))
        self.query_one("#article-head", Static).update(head)

    def _render_status(self, found: str | None = None) -> None:
        body = self.body
        count = len(body.matches)
        if found is not None:
            text = plain(found)
        elif count:
            names = sorted({m.name for m in body.matches})
            noun = "mention" if count == 1 else "mentions"
            text = plain(f"{count} {noun} of {', '.join(names)} · n / N to step through")
        else:
            text = plain("no watched names in the text")
        self.query_one("#article-status", Static).update(text)

    # --- actions ----------------------------------------------------------------------------

    def _jump(self, step: int) -> None:
        body = self.body
        place = body.jump(step)
        if place is None:
            self.notify("No watched names in this article.", markup=False, timeout=2)
            return
        assert body.current is not None
        self._render_status(f"match {body.current + 1} of {len(body.matches)}: {place.name} "
                            f"({place.category})")

    def action_next_match(self) -> None:
        self._jump(+1)

    def action_previous_match(self) -> None:
        self._jump(-1)

    def action_open_link(self) -> None:
        if self.item is not None:
            self.post_message(messages.OpenLink(self.item.link))

    def action_diff(self) -> None:
        self.post_message(messages.OpenDiff(self.item.uid if self.item else self.uid))

    def action_related(self) -> None:
        self.post_message(messages.OpenRelated(self.item.uid if self.item else self.uid))

    def action_open_story(self) -> None:
        self.post_message(messages.OpenStory(self.item.uid if self.item else self.uid))

    def action_mark(self) -> None:
        if self.item is not None:
            self.post_message(messages.ToggleCompareMark(self.item))

    def action_compare(self) -> None:
        if self.item is not None:
            self.post_message(messages.CompareWithMarked(self.item))


def link_allowed(url: str | None) -> bool:
    """Only http(s) URLs with a host, and nothing a terminal or shell could misread."""
    if not url or safe(url) != url or any(c.isspace() for c in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)
