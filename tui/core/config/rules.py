"""The one check of an alert rule, shared by every way a rule arrives: the feeds.toml loader,
the dashboard's alert form and `wirewatch alert add`. Each face words the field names its own
way (the form says "All of", the file says `all`) but the rules are the same everywhere."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from tui.core.config.model import NOTIFY_KINDS, AlertRule, FeedConfig, term_problem


@dataclass(frozen=True)
class RuleProblem:
    """What is wrong with a rule, and which of its fields to point at."""

    field: str      # "name", "all", "any", "none", "categories", "feeds", "notify" or "command"
    message: str    # a phrase that starts in lower case, without a final full stop
    value: str | None = None   # the term at fault, when it is one of the field's terms

    def sentence(self) -> str:
        """The message as a sentence, for a face that shows it alone."""
        return self.message[:1].upper() + self.message[1:] + "."


def feed_or_tag_known(feeds: Iterable[FeedConfig], name: str) -> bool:
    return any(feed.name == name or name in feed.tags for feed in feeds)


def rule_problem(rule: AlertRule, *, categories: Collection[str], feeds: Collection[FeedConfig],
                 taken: Collection[str] = (),
                 label: Callable[[str], str] = str) -> RuleProblem | None:
    """The first thing wrong with `rule`, or None when it can be saved and run.

    `categories` are the watch categories and `feeds` the feeds it may refer to, `taken` the
    names of the other rules; `label` names a field the way the caller's user sees it.
    """
    if not " ".join(rule.name.split()):
        return RuleProblem("name", "give the alert a name")
    if rule.name in taken:
        return RuleProblem("name", f"an alert named {rule.name!r} exists already")
    for field in ("all", "any", "none", "categories", "feeds"):
        if any(not term.strip() for term in getattr(rule, field)):
            return RuleProblem(field, f"{label(field)} holds an empty term")
    for field in ("all", "any", "none"):
        for term in getattr(rule, field):
            if (problem := term_problem(term)) is not None:
                return RuleProblem(field, f"{label(field)}: {problem}", term)
    if not (rule.all or rule.any or rule.categories):
        return RuleProblem("all", f"give at least one term in {label('all')} or "
                                  f"{label('any')}, or a watch category in {label('categories')}")
    for wanted in ("all", "any"):
        clash = next((term for term in getattr(rule, wanted) if term in rule.none), None)
        if clash is not None:
            return RuleProblem("none", f"{clash!r} is both wanted ({label(wanted)}) and "
                                       f"excluded ({label('none')})")
    for category in rule.categories:
        if category not in categories:
            listed = ", ".join(categories) if categories else "none are configured"
            return RuleProblem("categories", f"no watch category {category!r} "
                                             f"(the categories are: {listed})")
    for feed in rule.feeds:
        if not feed_or_tag_known(feeds, feed):
            return RuleProblem("feeds", f"no feed or tag named {feed!r}")
    for kind in rule.notify:
        if kind not in NOTIFY_KINDS:
            return RuleProblem("notify", f"unknown notify {kind!r} "
                                         f"(expected {', '.join(NOTIFY_KINDS)})")
    if "command" in rule.notify and not rule.command:
        return RuleProblem("command", f"notify by command needs a command to run "
                                      f"({label('command')} is empty)")
    return None
