"""Is a newly fetched article text a new version, and does the change matter?

News pages change all the time without the story changing: a "Last updated 14:05" line ticks,
a curly quote becomes a straight one, a paragraph is re-wrapped. Change trackers (NewsDiffs,
diffengine) learned to ignore such churn, or a watched article gains a "version" every refresh.
And a page that suddenly yields almost nothing (the URL now serves an index page, a paywall
went up, the extractor missed) is a failed fetch, not a rewrite that deleted the story.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

__all__ = ["ChangeKind", "classify_change", "is_collapsed", "normalize_for_compare"]

ChangeKind = Literal["same", "minor", "major"]

# A text below either floor is "almost nothing" when the previous version was long.
COLLAPSE_MIN_CHARS = 200
COLLAPSE_MIN_WORDS = 40
LONG_TEXT_CHARS = 600
# Shrinking below this share of the previous version is a collapse, whatever the lengths.
COLLAPSE_RATIO = 0.25
# Only short lines can be a dateline or byline; a long one is prose that happens to name a date.
DATELINE_MAX_CHARS = 120

_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|"
    "januar|jänner|februar|märz|mai|juni|juli|oktober|dezember|"
    "janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre|"
    "январ[ьяе]|феврал[ьяе]|марта?|апрел[ьяе]|ма[йяе]|июн[ьяе]|июл[ьяе]|августа?|"
    "сентябр[ьяе]|октябр[ьяе]|ноябр[ьяе]|декабр[ьяе]|"
    "січ(?:ень|ня)|лют(?:ий|ого)|берез(?:ень|ня)|квіт(?:ень|ня)|трав(?:ень|ня)|черв(?:ень|ня)|"
    "лип(?:ень|ня)|серп(?:ень|ня)|верес(?:ень|ня)|жовт(?:ень|ня)|листопада?|грудень|грудня"
)
_WEEKDAYS = (
    "mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:rs|rsday)?|fri(?:day)?|sat(?:urday)?|"
    "sun(?:day)?|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|"
    "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|"
    "понедельник|вторник|среда|четверг|пятница|суббота|воскресенье|"
    "понеділок|вівторок|середа|четвер|п'ятниця|субота|неділя"
)
_ZONES = r"gmt|utc|bst|cet|cest|eet|eest|msk|mez|mesz|[ecmp][sd]?t|uhr|h|kyiv time|moscow time"
_TIME = re.compile(
    rf"\b\d{{1,2}}:\d{{2}}(?::\d{{2}})?(?:\s*[ap]\.?\s?m\.?)?(?:\s*(?:{_ZONES})\b)?"
    rf"|\b\d{{1,2}}[.h]\d{{2}}\s*(?:{_ZONES})\b"
    rf"|\b\d{{1,2}}\s?[ap]\.?m\.?(?:\s*(?:{_ZONES})\b)?",
    re.IGNORECASE,
)
_RELATIVE_TIME = re.compile(
    r"\b\d+\s*(?:min(?:ute)?s?|hours?|hrs?|days?)\s+ago\b"
    r"|\bvor\s+\d+\s*(?:minuten|min\.?|stunden|std\.?|tagen)"
    r"|\b\d+\s*(?:минут[уы]?|час(?:а|ов)?|дн(?:я|ей))\s+назад"
    r"|\b\d+\s*(?:хвилин[уи]?|годин[уи]?|дн(?:і|ів))\s+тому"
    r"|\bil y a\s+\d+\s*(?:minutes?|heures?|jours?)",
    re.IGNORECASE,
)
_DATE = re.compile(
    r"\b\d{4}-\d{2}-\d{2}(?:t[\d:.]+(?:z|[+-]\d{2}:?\d{2})?)?"
    r"|\b\d{1,2}[./]\d{1,2}[./](?:\d{4}|\d{2})?"
    rf"|\b(?:\d{{1,2}}(?:st|nd|rd|th|\.)?\s+)?(?:{_MONTHS})\.?(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?,?(?:\s+\d{{4}})?"
    rf"(?:\s*(?:г(?:ода?)?|року|р)\.?)?\b"
    rf"|\b(?:{_WEEKDAYS})\b,?",
    re.IGNORECASE,
)
_LABEL = re.compile(
    r"^\W*(?:last\s+|first\s+|zuletzt\s+)?"
    r"(?:updated|modified|published|posted|aktualisiert|geändert|veröffentlicht|erstellt|stand|"
    r"обновлено|обновлён|опубликовано|дата публикации|оновлено|опубліковано|"
    r"mis à jour|publié|modifié)\b",
    re.IGNORECASE,
)
# What may be left of a dateline once its dates, times and label are gone.
_DATELINE_FILLER = frozenset(
    "on at am um le à a the of in в о об на г года року р uhr h utc gmt and und et и і".split()
)
_WORD = re.compile(r"\w+")
_PUNCTUATION_IN_NUMBER = re.compile(r"(?<=\d)[.,](?=\d)")
_PUNCTUATION = re.compile(r"[^\w\s\x00]|_")


def normalize_for_compare(text: str) -> str:
    """Text reduced to what a reader would call the content of the article.

    NFKC (so compatibility forms, ligatures and odd spaces compare equal); timestamp lines
    ("Updated: 28 November 2025, 14:05 GMT", "Aktualisiert am 28.11.2025", "Обновлено 5 минут
    назад") dropped, and the times and dates of short byline-like lines removed; punctuation
    treated as space (but "2.5" stays distinct from "25", and "1,500" equals "1.500");
    whitespace collapsed. Dates in headlines and prose are kept: moving talks from Monday to
    Friday is news.
    """
    kept: list[str] = []
    for line in unicodedata.normalize("NFKC", text).splitlines():
        line = _without_timestamp(line.strip())
        if line:
            kept.append(line)
    joined = _PUNCTUATION_IN_NUMBER.sub("\x00", " ".join(kept))
    return " ".join(_PUNCTUATION.sub(" ", joined).replace("\x00", ".").split())


def _without_timestamp(line: str) -> str:
    """A short line without its times (and dates, when it is a timestamp); "" when that is all it was."""
    if len(line) > DATELINE_MAX_CHARS:
        return line
    untimed = _RELATIVE_TIME.sub(" ", _TIME.sub(" ", line))
    stamped = untimed != line or _LABEL.search(line) is not None
    undated = _DATE.sub(" ", _LABEL.sub(" ", untimed))
    if (stamped or undated != untimed) and all(
        word.casefold() in _DATELINE_FILLER for word in _WORD.findall(undated)
    ):
        return ""
    return undated if stamped else untimed


def _trivially_normalized(text: str) -> str:
    """Only what no reader could see: line endings, surrounding spaces, blank lines."""
    lines = (line.strip() for line in unicodedata.normalize("NFC", text).splitlines())
    return "\n".join(line for line in lines if line)


def classify_change(old: str, new: str) -> ChangeKind:
    """`same`: identical but for trivial whitespace; `minor`: only whitespace, punctuation,
    datelines or times changed; `major`: the words changed."""
    if _trivially_normalized(old) == _trivially_normalized(new):
        return "same"
    if normalize_for_compare(old) == normalize_for_compare(new):
        return "minor"
    return "major"


def is_collapsed(new_text: str, old_text: str | None) -> bool:
    """True when a fetched page yielded almost nothing and must not become a new version.

    Almost nothing is less than a quarter of the previous version, or, when the previous
    version was long (or there is none), less than ~200 characters or 40 words.
    """
    new_chars = len(" ".join(new_text.split()))
    tiny = new_chars < COLLAPSE_MIN_CHARS or len(_WORD.findall(new_text)) < COLLAPSE_MIN_WORDS
    if old_text is None:
        return tiny
    old_chars = len(" ".join(old_text.split()))
    if new_chars < COLLAPSE_RATIO * old_chars:
        return True
    return tiny and old_chars >= LONG_TEXT_CHARS
