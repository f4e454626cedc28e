"""What a story is to the faces: its reports, who ran them in which language, and when."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from tui.core.ingest.dates import iso


@dataclass(frozen=True, slots=True)
class StoryItem:
    """One report of a story."""

    uid: str
    row_id: int
    feed: str
    title: str
    language: str            # the feed's primary language tag ("en", "uk"), "" if unknown
    published: datetime | None   # when it came out, else when it was first seen
    versions: int
    read: bool
    alerted: bool

    def to_json(self) -> dict:
        return {"id": self.uid, "feed": self.feed, "title": self.title,
                "language": self.language, "published": iso(self.published)}


@dataclass(frozen=True, slots=True)
class StoryFact:
    """A name, place or number and the reports that have it (uids)."""

    kind: str                # "name" | "place" | "number"
    value: str               # as the first report writes it ("28-Punkte", "Umerov")
    items: list[str]
    key: str = ""            # the language-neutral key ("28 point", "Rustem Umerov")

    def to_json(self) -> dict:
        return {"kind": self.kind, "value": self.value, "items": list(self.items)}


@dataclass(slots=True)
class Story:
    """Items grouped across outlets and languages, oldest report first."""

    id: str                  # the uid of its first stored item: short and stable
    title: str               # the lead headline
    items: list[StoryItem]
    outlets: int
    languages: list[str]
    first: datetime
    last: datetime
    names: list[str] = field(default_factory=list)   # the watched names its reports mention
    unread: int = 0
    alerted: bool = False

    def to_json(self) -> dict:
        return {"id": self.id, "title": self.title,
                "items": [item.to_json() for item in self.items],
                "outlets": self.outlets, "languages": self.languages,
                "first": iso(self.first), "last": iso(self.last), "names": self.names}
