"""What screens and widgets ask the App for. They post these and never push a screen or call
the App themselves; `app.py` handles each one in one place (`@on`), so what a request opens
is decided there."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from tui.core.cache.query import Item
    from tui.core.config.model import AlertRule, Config


class OpenArticle(Message):
    def __init__(self, uid: str) -> None:
        super().__init__()
        self.uid = uid


class OpenDiff(Message):
    """The versions of one item side by side."""

    def __init__(self, uid: str) -> None:
        super().__init__()
        self.uid = uid


class OpenCompare(Message):
    """Two different items side by side."""

    def __init__(self, left: str, right: str) -> None:
        super().__init__()
        self.left, self.right = left, right


class OpenRelated(Message):
    def __init__(self, uid: str) -> None:
        super().__init__()
        self.uid = uid


class OpenStory(Message):
    """The story screen: `story` is a story's id, or the uid of one of its items."""

    def __init__(self, story: str) -> None:
        super().__init__()
        self.story = story


class OpenAlerts(Message):
    """The alerts screen."""


class OpenHelp(Message):
    """The key reference."""


class Refresh(Message):
    """Fetch every feed now (`r` on any screen)."""


class OpenLink(Message):
    """Open a URL in the web browser (only on request, only http and https)."""

    def __init__(self, url: str | None) -> None:
        super().__init__()
        self.url = url


class NewAlert(Message):
    """The alert form for a new rule, prefilled ({"all": ["Crimea"]}, ...)."""

    def __init__(self, prefill: Mapping[str, object] | None = None) -> None:
        super().__init__()
        self.prefill = dict(prefill or {})


class EditAlert(Message):
    def __init__(self, rule: AlertRule) -> None:
        super().__init__()
        self.rule = rule


class ToggleCompareMark(Message):
    """Mark an item for comparison (or unmark it when it is the marked one). `announce`: say
    so in a note (where the mark is not seen, as on the article screen)."""

    def __init__(self, item: Item, *, announce: bool = True) -> None:
        super().__init__()
        self.item = item
        self.announce = announce


class CompareWithMarked(Message):
    """Compare the marked item with this one."""

    def __init__(self, item: Item) -> None:
        super().__init__()
        self.item = item


class ConfigChanged(Message):
    """feeds.toml was written (a rule saved or deleted): put `config` in force."""

    def __init__(self, config: Config) -> None:
        super().__init__()
        self.config = config


class AlertsChanged(Message):
    """Rules or hits changed: whatever shows them reads them again."""


class OpenTrends(Message):
    """The trends screen, drawing `names` (watched terms or categories; None: every
    category)."""

    def __init__(self, names: tuple[tuple[str, str | None], ...] | None = None) -> None:
        super().__init__()
        self.names = names


@dataclass(frozen=True)
class Period:
    """A span of time the headlines can be limited to: [start, end) in epoch seconds, and
    how the status line says it ("Tue 25 Nov", "25 Nov 14:00")."""

    start: float
    end: float
    label: str


class ShowHeadlines(Message):
    """Back to the headlines, filtered to a watched name (`category`, `term` or None for the
    whole category) and a period: a bucket chosen on the trends screen."""

    def __init__(self, category: str, term: str | None, period: Period) -> None:
        super().__init__()
        self.category, self.term, self.period = category, term, period
