"""The demo site's outlets and articles, read from the TOML files in `site/`.

The prose lives in data files so it can be read and edited as prose; this module only
turns it into frozen records and answers one question: what does an item look like at
stage N? Items appear at a stage, and revisions (whole replacements or exact
find-and-replace edits) take effect at later stages, which is how the site "moves on".
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources

FEED_FORMATS = ("rss", "atom")
DATE_STYLES = ("rfc822", "german", "dotted")
GUID_STYLES = ("urn", "link")
ITEM_KINDS = ("article", "index")


class ContentError(ValueError):
    """A data file under tui/demo/site/ is malformed (a bug in the bundled data)."""


@dataclass(frozen=True)
class Revision:
    stage: int
    title: str | None
    summary: str | None
    body: str | None  # a whole new body, or None
    replace: tuple[tuple[str, str], ...]  # exact edits applied to the previous body


@dataclass(frozen=True)
class Item:
    id: str
    stage: int  # the stage at which the item appears
    hours_ago: float  # stage-0 items: published this long before the site started
    title: str
    summary: str
    author: str
    section: str
    body: str
    kind: str
    date_style: str | None  # overrides the outlet's style for this item
    copy_of: str | None  # "outlet-slug/item-id": title, summary and body copied verbatim
    revisions: tuple[Revision, ...]


@dataclass(frozen=True)
class Outlet:
    slug: str
    name: str
    title: str
    description: str
    homepage_label: str
    format: str
    language: str
    tags: tuple[str, ...]
    date_style: str
    utc_offset_minutes: int
    guid_style: str
    chrome: dict[str, object]  # cookie banner, nav, footer and other page furniture
    items: tuple[Item, ...]


@dataclass(frozen=True)
class ItemState:
    """One item as it reads at a given stage."""

    outlet: Outlet
    item: Item
    title: str
    summary: str
    paragraphs: tuple[str, ...]
    revised_at: int | None  # stage of the latest revision in effect, None if never revised

    @property
    def path(self) -> str:
        return f"/articles/{self.outlet.slug}/{self.item.id}.html"


def _paragraphs(text: str) -> tuple[str, ...]:
    """Blank lines separate paragraphs; line breaks inside one are just spaces."""
    blocks = text.replace("\r\n", "\n").split("\n\n")
    return tuple(" ".join(line.strip() for line in block.strip().splitlines()) for block in blocks if block.strip())


def _normal_body(text: str) -> str:
    return "\n\n".join(_paragraphs(text))


def _require(table: dict, key: str, kind: type, where: str):
    value = table.get(key)
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise ContentError(f"{where}: '{key}' must be a {kind.__name__}")
    return value


def _offset_minutes(text: str, where: str) -> int:
    if len(text) != 6 or text[0] not in "+-" or text[3] != ":":
        raise ContentError(f"{where}: utc_offset must look like +01:00")
    minutes = int(text[1:3]) * 60 + int(text[4:6])
    return minutes if text[0] == "+" else -minutes


def _revision(table: dict, where: str) -> Revision:
    stage = _require(table, "stage", int, where)
    if stage < 1:
        raise ContentError(f"{where}: a revision's stage must be 1 or more")
    pairs = table.get("replace", [])
    if not all(isinstance(p, list) and len(p) == 2 and all(isinstance(s, str) for s in p) for p in pairs):
        raise ContentError(f"{where}: 'replace' must be a list of [old, new] string pairs")
    body = table.get("body")
    return Revision(
        stage=stage,
        title=table.get("title"),
        summary=table.get("summary"),
        body=_normal_body(body) if body is not None else None,
        replace=tuple((old, new) for old, new in pairs),
    )


def _item(table: dict, where: str) -> Item:
    item_id = _require(table, "id", str, where)
    where = f"{where} ({item_id})"
    kind = table.get("kind", "article")
    if kind not in ITEM_KINDS:
        raise ContentError(f"{where}: kind must be one of {ITEM_KINDS}")
    date_style = table.get("date_style")
    if date_style is not None and date_style not in DATE_STYLES:
        raise ContentError(f"{where}: date_style must be one of {DATE_STYLES}")
    copy_of = table.get("copy_of")
    needs_text = copy_of is None
    revisions = tuple(_revision(r, f"{where} revision") for r in table.get("revisions", []))
    stages = [r.stage for r in revisions]
    if stages != sorted(set(stages)):
        raise ContentError(f"{where}: revisions must have increasing stages")
    stage = table.get("stage", 0)
    if revisions and revisions[0].stage <= stage:
        raise ContentError(f"{where}: a revision must come after the item appears")
    return Item(
        id=item_id,
        stage=stage,
        hours_ago=float(table.get("hours_ago", 0.0)),
        title=_require(table, "title", str, where) if needs_text else table.get("title", ""),
        summary=_require(table, "summary", str, where) if needs_text else table.get("summary", ""),
        author=_require(table, "author", str, where),
        section=table.get("section", ""),
        body=_normal_body(table.get("body", "")),
        kind=kind,
        date_style=date_style,
        copy_of=copy_of,
        revisions=revisions,
    )


def _outlet(data: dict, filename: str) -> Outlet:
    head = data.get("outlet")
    if not isinstance(head, dict):
        raise ContentError(f"{filename}: missing [outlet] table")
    where = filename
    fmt = _require(head, "format", str, where)
    if fmt not in FEED_FORMATS:
        raise ContentError(f"{where}: format must be one of {FEED_FORMATS}")
    date_style = head.get("date_style", "rfc822")
    if date_style not in DATE_STYLES:
        raise ContentError(f"{where}: date_style must be one of {DATE_STYLES}")
    guid_style = head.get("guid", "urn")
    if guid_style not in GUID_STYLES:
        raise ContentError(f"{where}: guid must be one of {GUID_STYLES}")
    items = tuple(_item(t, f"{where} item") for t in data.get("items", []))
    ids = [i.id for i in items]
    if len(ids) != len(set(ids)):
        raise ContentError(f"{where}: item ids must be unique")
    return Outlet(
        slug=_require(head, "slug", str, where),
        name=_require(head, "name", str, where),
        title=_require(head, "title", str, where),
        description=_require(head, "description", str, where),
        homepage_label=head.get("homepage_label", head["name"]),
        format=fmt,
        language=_require(head, "language", str, where),
        tags=tuple(_require(head, "tags", list, where)),
        date_style=date_style,
        utc_offset_minutes=_offset_minutes(head.get("utc_offset", "+00:00"), where),
        guid_style=guid_style,
        chrome=dict(data.get("site", {})),
        items=items,
    )


def _resolve_copies(outlets: list[Outlet]) -> list[Outlet]:
    """Fill wire copies with the source item's original text, word for word."""
    by_key = {f"{o.slug}/{i.id}": i for o in outlets for i in o.items}
    resolved = []
    for outlet in outlets:
        items = []
        for item in outlet.items:
            if item.copy_of is not None:
                source = by_key.get(item.copy_of)
                if source is None or source.copy_of is not None:
                    raise ContentError(f"{outlet.slug}/{item.id}: copy_of {item.copy_of!r} is not an original item")
                item = Item(**{**item.__dict__, "title": source.title, "summary": source.summary, "body": source.body})
            items.append(item)
        resolved.append(Outlet(**{**outlet.__dict__, "items": tuple(items)}))
    return resolved


def load_outlets() -> list[Outlet]:
    """Every outlet under tui/demo/site/, in file-name order."""
    folder = resources.files("tui.demo").joinpath("site")
    outlets = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            try:
                data = tomllib.loads(entry.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as exc:
                raise ContentError(f"{entry.name}: {exc}") from exc
            outlets.append(_outlet(data, entry.name))
    slugs = [o.slug for o in outlets]
    if len(slugs) != len(set(slugs)):
        raise ContentError("outlet slugs must be unique")
    outlets = _resolve_copies(outlets)
    for outlet in outlets:  # fail at load time, not in the middle of a demo
        for item in outlet.items:
            for revision in item.revisions:
                state_at(outlet, item, revision.stage)
    return outlets


def state_at(outlet: Outlet, item: Item, stage: int) -> ItemState:
    """The item with every revision up to `stage` applied (the caller checks it is visible)."""
    title, summary, body = item.title, item.summary, item.body
    revised_at = None
    for revision in item.revisions:
        if revision.stage > stage:
            break
        revised_at = revision.stage
        title = revision.title if revision.title is not None else title
        summary = revision.summary if revision.summary is not None else summary
        if revision.body is not None:
            body = revision.body
        for old, new in revision.replace:
            if body.count(old) != 1:
                raise ContentError(
                    f"{outlet.slug}/{item.id} stage {revision.stage}: {old!r} occurs {body.count(old)} times, not once"
                )
            body = body.replace(old, new)
    return ItemState(outlet, item, title, summary, _paragraphs(body), revised_at)
