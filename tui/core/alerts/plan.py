"""Which hit is announced how: the one decision `wirewatch watch` and the dashboard share.

A rule's `notify` list says it: a toast in the dashboard, the terminal bell (once per batch,
however many hits), a desktop notification, the user's command. A hit whose rule is gone by
the time it is announced (deleted meanwhile) gets the default toast and bell.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from tui.core.cache.hits import AlertHit
from tui.core.config.model import AlertRule


@dataclass
class NotificationPlan:
    toasts: list[AlertHit] = field(default_factory=list)
    bell: bool = False
    desktop: list[AlertHit] = field(default_factory=list)
    commands: list[tuple[tuple[str, ...], AlertHit]] = field(default_factory=list)

    @property
    def external(self) -> bool:
        """Something runs outside wirewatch (desktop or command): best done off the UI."""
        return bool(self.desktop or self.commands)


def plan_notifications(hits: Sequence[AlertHit],
                       rules: Mapping[str, AlertRule]) -> NotificationPlan:
    plan = NotificationPlan()
    for hit in hits:
        rule = rules.get(hit.alert)
        kinds = rule.notify if rule is not None else AlertRule.notify
        if "toast" in kinds:
            plan.toasts.append(hit)
        plan.bell = plan.bell or "bell" in kinds
        if "desktop" in kinds:
            plan.desktop.append(hit)
        if "command" in kinds and rule is not None and rule.command:
            plan.commands.append((rule.command, hit))
    return plan


def count_by_rule(hits: Sequence[AlertHit]) -> dict[str, int]:
    """How many of these hits each rule has, in the order the rules first appear."""
    counts: dict[str, int] = {}
    for hit in hits:
        counts[hit.alert] = counts.get(hit.alert, 0) + 1
    return counts


def summarize_hits(hits: Sequence[AlertHit], *, width: int = 72) -> tuple[str, str]:
    """(title, text) of one short note for a batch of hits: "3 alert hits" and "Witkoff in
    Moscow ×2, Crimea recognition · a lists them"; one hit names its rule and headline."""
    if len(hits) == 1:
        hit = hits[0]
        headline = hit.title if len(hit.title) <= width else hit.title[:width - 1] + "…"
        return f"Alert: {hit.alert}", f"{headline} · {hit.feed}"
    parts = [name if count == 1 else f"{name} ×{count}"
             for name, count in count_by_rule(hits).items()]
    text = ", ".join(parts)
    if len(text) > width:
        text = text[:width - 1] + "…"
    return f"{len(hits)} alert hits", f"{text} · a lists them"
