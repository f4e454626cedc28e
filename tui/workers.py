"""Reading a worker's state messages: whether one says that the worker ended."""

from __future__ import annotations

from textual.worker import Worker, WorkerState

_ENDED = frozenset({WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED})


def worker_ended(event: Worker.StateChanged, group: str) -> bool:
    """Whether `event` is the message that a worker of `group` ended. Asked of the message's
    state, never of the worker's: a thread worker can end before its PENDING and RUNNING
    messages are handled, and then each of its three messages finds it finished (the alert
    outbox announced one claim three times, toast and bell, when the dashboard was busy)."""
    return event.worker.group == group and event.state in _ENDED
