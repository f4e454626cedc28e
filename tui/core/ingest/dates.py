"""The date chain: whatever a feed calls a date -> an aware UTC datetime, or None.

Cheap and exact parsers first (the feed parser's structured date, RFC 822, ISO 8601), the
slow and clever one last (dateparser: about 1 ms a call in the feed's language, 15-25 ms
when it has to guess the language, and 2 s for the first guess of a process), told the
feed's language and cached by raw string, failures included. A date before 1990 or more
than two days ahead is a feed's mistake, not news, and is treated as unknown.

Feeds also send junk where a date belongs ("N/A", "{{pubDate}}", lorem ipsum, a
paragraph), and a feed can rotate it on every refresh so no cache helps. So dateparser only
sees strings of a date's shape (short, with a non-zero digit or a relative word such as
"yesterday" or "vor"), guesses a language only for strings that look like a whole date, and
a caller can pass a `DateBudget` that caps what one document's dates may cost.
"""

from __future__ import annotations

import calendar
import re
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from tui.core.ingest import sanitize

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
    r"\b(ago|vor|назад|тому|il y a|yesterday|today|gestern|heute|вчера|вчора|сегодня|сьогодні"
    r"|hier|aujourd'hui|temu|wczoraj|dzisiaj)\b",
    re.IGNORECASE,
)

#: Longest string dateparser is asked about. The longest real formats ("Saturday, 22
#: November 2025 10:30:00 Central European Summer Time") stay well under it.
MAX_DATE_LENGTH = 80
_NONZERO_DIGIT = re.compile(r"[^\D0]")  # "0000-00-00 00:00:00" is a CMS's "no date"
#: A number standing on its own, not part of a word or an identifier ("3fa9c1b", "v2").
_NUMBER = re.compile(r"(?<![^\W_])\d+(?![^\W_])")  # no letter or digit either side


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
    if not zone:
        return when.replace(tzinfo=timezone.utc)
    from zoneinfo import ZoneInfo   # here: a command that reads the cache need not import it

    return when.replace(tzinfo=ZoneInfo(zone))


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
    from email.utils import parsedate_to_datetime  # here: ~5 ms of imports a reader skips

    found = parsedate_to_datetime(raw)
    if found.tzinfo is None and zone and zone.group(3) not in ("GMT", "UT", "UTC"):
        return None  # a zone we cannot read: better unknown than hours off
    return found


_MONTHS = {"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "May": 5, "Jun": 6, "Jul": 7, "Aug": 8,
           "Sep": 9, "Oct": 10, "Nov": 11, "Dec": 12}
#: The RFC 822 date nearly every RSS feed writes: "Wed, 02 Dec 2026 14:05:00 +0000" (or GMT).
#: "-0000" is left to the careful path, which reads it as "zone unknown".
_COMMON_RFC822 = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\d\d?) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|"
    r"Nov|Dec) (\d{4}) (\d\d):(\d\d):(\d\d) (?:GMT|UTC?|([+-])(\d\d)(\d\d))\Z")


def _common_rfc822(raw: str) -> datetime | None:
    """The shortcut for `_rfc822` on the common form: the same datetime, or None to take
    the careful path (another form, a "-0000", or a date that does not exist)."""
    found = _COMMON_RFC822.match(raw)
    if found is None:
        return None
    day, month, year, hour, minute, second, sign, zone_hours, zone_minutes = found.groups()
    offset = timedelta(0)
    if sign:
        offset = timedelta(hours=int(zone_hours), minutes=int(zone_minutes))
        if sign == "-":
            if not offset:
                return None
            offset = -offset
    try:
        return datetime(int(year), _MONTHS[month], int(day), int(hour), int(minute),
                        int(second), tzinfo=timezone(offset))
    except ValueError:
        return None


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


#: The most one dateparser call is charged to a budget. A process's first calls load
#: language data (0.1-2 s); that is not the cost of the document that happens to ask.
_MAX_CHARGE = 0.05


@dataclass
class DateBudget:
    """How much dateparser one document may cost; `assign_dates` makes one per document.

    Only calls that miss the cache are charged. After `misses` failed calls the document is
    taken to send junk and dateparser is not asked again. `seconds` caps the CPU time of
    the calls that succeed too: at 1-2 ms a call over a thousand dates in the feed's own
    language fit, but relative dates in a language the feed does not declare are guessed
    at 15-25 ms each, every refresh. What the budget refuses is an unknown date (the store
    then uses the time the entry was first seen).
    """

    seconds: float = 2.0
    misses: int = 10

    def allows(self) -> bool:
        return self.seconds > 0 and self.misses > 0

    def charge(self, seconds: float, found: bool) -> None:
        self.seconds -= min(seconds, _MAX_CHARGE)
        if not found:
            self.misses -= 1


class _Memo:
    """A bounded dict that forgets its oldest entries: dateparser's answers by raw string.
    Feeds may be parsed on more than one thread, so making room is done under a lock."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: dict = {}
        self._lock = threading.Lock()

    def get(self, key: object, default: object = None) -> object:
        return self._entries.get(key, default)

    def put(self, key: object, value: object) -> None:
        with self._lock:
            while len(self._entries) >= self._size:
                del self._entries[next(iter(self._entries))]
            self._entries[key] = value


_FOUND = _Memo(4096)
#: Strings dateparser could not read, by (raw, language): a failure does not depend on the
#: minute a relative date is read at, so "vor Ort" fails once, not once a minute.
_FAILED = _Memo(4096)
_UNKNOWN = object()


def _has_date_shape(raw: str) -> bool:
    """Could this be a date at all? Far cheaper than asking dateparser.

    A date names a number (a day, a year, an hour) or says when in words ("yesterday",
    "vor einer Stunde"). Words alone never make a date in range here: dateparser fills a
    missing year from its base, 1970, for anything that is not relative.
    """
    if len(raw) > MAX_DATE_LENGTH:
        return False
    return _NONZERO_DIGIT.search(raw) is not None or _RELATIVE.search(raw) is not None


def _worth_guessing(raw: str) -> bool:
    """Is it worth guessing the language (the slow path) for a string the feed's own
    language could not read? Only when it looks like a whole date: a relative phrase, or
    two numbers standing on their own (a day and a year, hours and minutes). Digits inside
    words ("Episode 12a", hashes, ids) do not count."""
    return _RELATIVE.search(raw) is not None or len(_NUMBER.findall(raw)) >= 2


def _dateparser(raw: str, language: str | None, relative_base_minute: int,
                budget: DateBudget | None) -> datetime | None:
    """dateparser's reading of ``raw``, from memory when it has been asked before."""
    key = (raw, language, relative_base_minute)
    remembered = _FOUND.get(key, _UNKNOWN)
    if remembered is not _UNKNOWN:
        return remembered  # type: ignore[return-value]
    if _FAILED.get((raw, language)):
        return None
    if budget is not None and not budget.allows():
        return None  # not tried, so not remembered as a failure
    started = time.thread_time()  # this thread's CPU: what other threads do is not charged
    found = _ask_dateparser(raw, language, relative_base_minute)
    if budget is not None:
        budget.charge(time.thread_time() - started, found is not None)
    if found is None:
        _FAILED.put((raw, language), True)
    else:
        _FOUND.put(key, found)
    return found


def _ask_dateparser(raw: str, language: str | None,
                    relative_base_minute: int) -> datetime | None:
    languages = [language.split("-")[0].lower()] if language else None
    if languages is None and not _worth_guessing(raw):
        return None
    import dateparser  # imported late: 0.1-0.3 s to import, and most dates never need it

    from zoneinfo import ZoneInfo

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
        found = dateparser.parse(raw, languages=languages, settings=settings) if languages else None
        if found is None and _worth_guessing(raw):
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
    budget: DateBudget | None = None,
) -> datetime | None:
    """Aware UTC datetime for a feed date, or None when unknown or implausible.

    ``budget`` caps the dateparser work of one document (see `DateBudget`); without one
    the work is not capped, but junk is still turned away by its shape.
    """
    now = now or utc_now()
    found = in_range(from_struct(struct), now)
    if found is not None:
        return found
    if not raw or not raw.strip():
        return None
    raw = " ".join(raw.split())[:200]
    if sanitize.FAST_PATHS and (common := _common_rfc822(raw)) is not None:
        found = in_range(common, now)
        if found is not None:
            return found
    relative = _RELATIVE.search(raw) is not None
    if not relative:
        found = in_range(_stdlib(raw, language), now)
        if found is not None:
            return found
    if not _has_date_shape(raw):
        return None
    # Relative dates ("vor 2 Stunden") are relative to now; key the cache by minute.
    minute = int(now.timestamp() // 60) if relative else 0
    return in_range(_dateparser(raw, language, minute, budget), now)
