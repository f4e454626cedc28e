"""A lease on a job across processes: one wirewatch process at a time does it (grouping stories);
the others skip it rather than wait.

SQLite's write lock orders single transactions, not a job made of many: two processes grouping
at once interleave their transactions. The lease is a row in `meta` (`lease:NAME`) written in a
write transaction (BEGIN IMMEDIATE orders two takers): who holds it (host, pid, and a token drawn
per process, so that a reused pid is not taken for the holder) and when it lapses. A lease whose
holder died (same host, no such pid) is free at once; any other is free when it lapses, so a
holder killed, stopped or hung blocks the others for at most LEASE_SECONDS. The holder renews it
as it works (`Lease.keep`, between its steps and before each of its writes); a holder that finds
it was taken over (it was stopped, or the machine slept, past the lapse) stops, as the taker
assumed it had. Renewal goes by the wall clock the others judge the lapse by: while the lease
is not due for renewal, no other process may take it, so `keep` need not look.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager

from tui.core.cache.store import Store

LEASE_SECONDS = 60.0        # a holder that stops renewing (stopped, hung) blocks others this long
RENEW_SHARE = 0.25          # renewed when this share of it has passed: a job's longest step
                            # between two `keep` calls may take the other three quarters

# Not `secrets` and `socket`: their imports cost a command that reads stories ~10 ms.
_TOKEN = os.urandom(8).hex()
_HOST = os.uname().nodename if hasattr(os, "uname") else os.environ.get("COMPUTERNAME", "")


class LeaseLost(Exception):
    """Another process took the lease over: this one was stopped or hung past its lapse."""


class Holder:
    """Who holds a lease, and until when. (Plain classes here, not dataclasses: those cost a
    command that reads stories a millisecond or more each at start.)"""

    __slots__ = ("expires", "host", "pid", "token")

    def __init__(self, host: str, pid: int, token: str, expires: float) -> None:
        self.host, self.pid, self.token = host, pid, token
        self.expires = expires      # epoch seconds: processes share the wall clock

    def ours(self) -> bool:
        return (self.host, self.pid, self.token) == (_HOST, os.getpid(), _TOKEN)

    def gone(self, now: float) -> bool:
        """Lapsed, or its process is dead (known only on this host)."""
        return self.expires <= now or (self.host == _HOST and not _alive(self.pid))


def holder(store: Store, name: str) -> Holder | None:
    """Who holds the lease `name` (None: nobody, or a row this wirewatch cannot read)."""
    raw = store.meta(_key(name))
    try:
        found = Holder(**json.loads(raw)) if raw else None
    except (ValueError, TypeError):
        return None
    if found is None or not isinstance(found.pid, int) or not isinstance(found.expires, float):
        return None
    return found


class Lease:
    """A lease this process holds."""

    __slots__ = ("name", "renew_at", "seconds", "store")

    def __init__(self, store: Store, name: str, seconds: float) -> None:
        self.store, self.name, self.seconds = store, name, seconds
        # Epoch seconds, the clock the others judge its lapse by (a monotonic clock stands
        # still while the machine sleeps).
        self.renew_at = time.time() + seconds * RENEW_SHARE

    def keep(self) -> None:
        """Renew the lease when RENEW_SHARE of it has passed; LeaseLost when another process
        has taken it over. Called before each write of the job (cheap when not due)."""
        if time.time() < self.renew_at:
            return
        with self.store.transaction():
            found = holder(self.store, self.name)
            if found is None or not found.ours():
                raise LeaseLost(f"the {self.name} lease was taken over")
            _write(self.store, self.name, self.seconds)
        self.renew_at = time.time() + self.seconds * RENEW_SHARE

    def release(self) -> None:
        """Give the lease up, if it is still ours. Failing to (a full disk) is not the job's
        failure: the lease lapses in LEASE_SECONDS."""
        try:
            with self.store.transaction() as conn:
                found = holder(self.store, self.name)
                if found is not None and found.ours():
                    conn.execute("DELETE FROM meta WHERE key = ?", (_key(self.name),))
        except sqlite3.Error:
            pass


def take(store: Store, name: str, seconds: float | None = None) -> Lease | None:
    """The lease `name` for `seconds` (LEASE_SECONDS), or None while another live holder has
    it (this process's other threads included: it is not re-entrant). A held lease is seen
    without the write lock."""
    seconds = LEASE_SECONDS if seconds is None else seconds
    found = holder(store, name)
    if found is not None and not found.gone(time.time()):
        return None
    with store.transaction():
        found = holder(store, name)
        if found is not None and not found.gone(time.time()):
            return None
        _write(store, name, seconds)
    return Lease(store, name, seconds)


@contextmanager
def held(store: Store, name: str, *, seconds: float | None = None) -> Iterator[Lease | None]:
    """The lease `name` for the block (None: another process holds it; do not wait for it),
    released at its end, however it ends."""
    lease = take(store, name, seconds)
    try:
        yield lease
    finally:
        if lease is not None:
            lease.release()


def _key(name: str) -> str:
    return f"lease:{name}"


def _write(store: Store, name: str, seconds: float) -> None:
    mine = {"host": _HOST, "pid": os.getpid(), "token": _TOKEN,
            "expires": float(time.time() + seconds)}
    store.set_meta(_key(name), json.dumps(mine))


def _alive(pid: int) -> bool:
    if pid <= 0:                # 0 and below name process groups, not a holder
        return False
    if os.name == "nt":         # os.kill would end it: the lease lapses instead
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:     # another user's process
        return True
    return True
