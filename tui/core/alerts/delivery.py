"""Alert delivery you can rely on: every hit recorded in the cache is announced once, by
whichever `wirewatch watch` or dashboard claims it first (the cache's outbox), whoever recorded
it: this process's refresh, `wirewatch fetch` from cron, `alert add`, another dashboard.

The face says how a hit is shown (a line, a toast, the bell); the external notifications of
the rules (desktop, command) run here, in the background, so a slow command never holds up the
face or the next refresh.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from tui.core.alerts.notify import CommandRunner
from tui.core.alerts.plan import NotificationPlan, plan_notifications
from tui.core.cache.hits import (
    AlertHit,
    claim_undelivered,
    mark_delivered,
    undelivered_count,
)
from tui.core.cache.store import Store
from tui.core.config.model import AlertRule

Show = Callable[[list[AlertHit], NotificationPlan], None]


class Delivery:
    def __init__(self, store: Store, rules: Callable[[], Mapping[str, AlertRule]],
                 on_error: Callable[[str], None]) -> None:
        self._store = store
        self._rules = rules
        self.commands = CommandRunner(on_error)

    def deliver(self, show: Show, *, now: float | None = None) -> list[AlertHit]:
        """Claim the hits nobody has announced, show them, start their external notifications,
        and record them as announced. A `show` that raises leaves them to be claimed again."""
        if not undelivered_count(self._store):      # a read; claiming takes the write lock
            return []
        hits = claim_undelivered(self._store, now=time.time() if now is None else now)
        if not hits:
            return []
        plan = plan_notifications(hits, self._rules())
        show(hits, plan)
        self.commands.submit(plan)
        mark_delivered(self._store, hits)
        return hits

    def close(self) -> None:
        self.commands.close()
