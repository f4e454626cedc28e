"""The date chain: whatever a feed calls a date -> an aware UTC datetime, or None.

Cheap and exact parsers first (the feed parser's structured date, RFC 822, ISO 8601), the
slow and clever one last (dateparser: 1-8 ms a call and 1.6 s on its first), told the feed's
language and cached by raw string. A date before 1990 or more than two days ahead is a feed's
mistake, not news, and is treated as unknown.
"""

from __future__ import annotations

import calendar
import re
import time
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

EARLIEST = datetime(1990, 1, 1, tzinfo=timezone.utc)
FUTURE_SLACK = timedelta(days=2)

# A date written without a zone is most likely in the outlet's home time.
_HOME_ZONE = {
    "de": "Europe/Berlin",
    "uk": "Europe/Kyiv",
    "ru": "Europe/Moscow",
    "fr": "Europe/Paris",
    "pl": "Europe/Warsaw",
}
_RELATIVE = re.compile(
    r"\b(ago|vor|назад|тому|il y a|yesterday|today|gestern|heute|вчера|вчора|сегодня|сьогодні)\b",
    re.IGNORECASE,
)


def iso(when: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z, as every JSON output writes times; None stays None."""
    return when.astimezone(timezone.utc).isoformat().replace("+00:00", "Z") if when else None


def to_datetime(stamp: float | None) -> datetime | None:
    """Epoch seconds (as the cache stores times) -> an aware UTC datetime."""
    return datetime.fromtimestamp(stamp, tz=timezone.utc) if stamp is not None else None


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def in_range(when: datetime | None, now: datetime | None = None) -> datetime | None:
    """The datetime in UTC if it is plausible for a news item, else None."""
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    when = when.astimezone(timezone.utc)
    now = now or utc_now()
    if when < EARLIEST or when > now + FUTURE_SLACK:
        return None
    return when


def from_struct(struct: time.struct_time | None) -> datetime | None:
    """feedparser's `*_parsed` fields are UTC struct_times."""
    if not struct:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(struct), tz=timezone.utc)
    except (OverflowError, ValueError, OSError):
        return None


def _naive_to_zone(when: datetime, language: str | None) -> datetime:
    if when.tzinfo is not None:
        return when
    zone = _HOME_ZONE.get((language or "").split("-")[0].lower())
    return when.replace(tzinfo=ZoneInfo(zone) if zone else timezone.utc)


# Zone names RFC 822 parsers do not know, which would otherwise silently read as UTC.
_ZONES = {
    "MET": "+0100", "CET": "+0100", "MEST": "+0200", "CEST": "+0200", "MESZ": "+0200",
    "MEZ": "+0100", "EET": "+0200", "EEST": "+0300", "MSK": "+0300", "WET": "+0000",
    "WEST": "+0100", "BST": "+0100", "IST": "+0530", "AT": "-0400", "ET": "-0500",
    "CT": "-0600", "MT": "-0700", "PT": "-0800", "Z": "+0000",
}
_TRAILING_ZONE = re.compile(r"\s(?:GMT|UTC)?([+-]\d\d):?(\d\d)$|\s([A-Z]{1,5})$")


def _rfc822(raw: str) -> datetime | None:
    zone = _TRAILING_ZONE.search(raw)
    if zone and zone.group(1):
        raw = raw[: zone.start()] + f" {zone.group(1)}{zone.group(2)}"
    elif zone and zone.group(3) in _ZONES:
        raw = raw[: zone.start()] + " " + _ZONES[zone.group(3)]
    found = parsedate_to_datetime(raw)
    if found.tzinfo is None and zone and zone.group(3) not in ("GMT", "UT", "UTC"):
        return None  # a zone we cannot read: better unknown than hours off
    return found


def _stdlib(raw: str, language: str | None) -> datetime | None:
    try:
        found = _rfc822(raw)
        return _naive_to_zone(found, language) if found else None
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return _naive_to_zone(datetime.fromisoformat(raw.replace("Z", "+00:00")), language)
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def _dateparser(raw: str, language: str | None, relative_base_minute: int) -> datetime | None:
    import dateparser  # imported late: 0.3 s to import, and most dates never need it

    languages = [language.split("-")[0].lower()] if language else None
    zone = _HOME_ZONE.get(languages[0], "UTC") if languages else "UTC"
    # dateparser reads RELATIVE_BASE as a naive time in TIMEZONE.
    base = datetime.fromtimestamp(relative_base_minute * 60, ZoneInfo(zone)).replace(tzinfo=None)
    settings = {
        "RETURN_AS_TIMEZONE_AWARE": True,
        "TO_TIMEZONE": "UTC",
        "TIMEZONE": zone,
        "RELATIVE_BASE": base,
        "PREFER_DATES_FROM": "past",
        "DATE_ORDER": "DMY",
    }
    try:
        found = dateparser.parse(raw, languages=languages, settings=settings)
        if found is None and languages:
            found = dateparser.parse(raw, settings=settings)
        return found
    except Exception:  # dateparser raises assorted errors on odd input; unknown is the answer
        return None


def parse_date(
    raw: str | None,
    *,
    struct: time.struct_time | None = None,
    language: str | None = None,
    now: datetime | None = None,
) -> datetime | None:
    """Aware UTC datetime for a feed date, or None when unknown or implausible."""
    now = now or utc_now()
    found = in_range(from_struct(struct), now)
    if found is not None:
        return found
    if not raw or not raw.strip():
        return None
    raw = " ".join(raw.split())[:200]
    if not _RELATIVE.search(raw):
        found = in_range(_stdlib(raw, language), now)
        if found is not None:
            return found
    # Relative dates ("vor 2 Stunden") are relative to now; key the cache by minute.
    minute = int(now.timestamp() // 60)
    return in_range(_dateparser(raw, language, minute if _RELATIVE.search(raw) else 0), now)
