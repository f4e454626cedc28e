"""The cache's lease on a job across processes (tui.core.cache.lease), against real other
processes on a real cache file: taken, refused while a live process holds it, free at once when
its holder was killed, free when it lapsed (and its stopped holder then finds it lost), given
back however the block ends."""

from __future__ import annotations

import os
import time

import pytest

from tests.support.processes import LeaseHolder, wait_for
from tui.core.cache.lease import LeaseLost, held, holder, take
from tui.core.cache.store import Store

NAME = "stories"


@pytest.fixture
def store(tmp_path):
    made = Store.open(tmp_path / "cache")
    yield made
    made.close()


def test_a_free_lease_is_taken_and_given_back(store):
    with held(store, NAME) as lease:
        assert lease is not None
        found = holder(store, NAME)
        assert found is not None and found.ours() and found.pid == os.getpid()
        assert found.expires > time.time()
        lease.keep()                                    # not due yet: nothing to renew
    assert holder(store, NAME) is None


def test_a_lease_held_by_a_live_process_is_refused_until_it_gives_it_back(store, tmp_path):
    with LeaseHolder(tmp_path / "cache", NAME) as other:
        with held(store, NAME) as lease:
            assert lease is None                        # no waiting: told at once
        assert holder(store, NAME).pid == other.pid     # and the holder's row is untouched
        other.release()
    with held(store, NAME) as lease:
        assert lease is not None


def test_it_is_not_taken_twice_within_one_process(store):
    with held(store, NAME) as lease:
        assert lease is not None
        assert take(store, NAME) is None


def test_the_lease_of_a_killed_holder_is_taken_over_at_once(store, tmp_path):
    with LeaseHolder(tmp_path / "cache", NAME, seconds=3600) as other:
        assert take(store, NAME) is None
        other.kill()                                    # SIGKILL: no finally gave it back
    assert holder(store, NAME).pid == other.pid         # the row names a dead process
    with held(store, NAME) as lease:                    # an hour before it would lapse
        assert lease is not None
        assert holder(store, NAME).ours()


def test_a_lapsed_lease_is_taken_over_and_its_holder_finds_it_lost(store, tmp_path):
    """A holder stopped (Ctrl+Z) or hung past the lapse blocks the others no longer; when it
    goes on, its next renewal finds the lease taken and it stops, as if it had died."""
    with LeaseHolder(tmp_path / "cache", NAME, seconds=1) as other:
        expires = holder(store, NAME).expires
        wait_for(lambda: time.time() > expires, "the other process's lease to lapse")
        with held(store, NAME) as lease:
            assert lease is not None
            assert other.keep() == "lost"
            assert holder(store, NAME).ours()           # its failed renewal changed nothing,
            other.release()
            assert holder(store, NAME).ours()           # nor did its release
        assert holder(store, NAME) is None


def test_a_holder_renews_its_lease_while_it_works(store, tmp_path):
    with LeaseHolder(tmp_path / "cache", NAME, seconds=1) as other:
        first = holder(store, NAME).expires
        wait_for(lambda: other.keep() == "kept" and holder(store, NAME).expires > first,
                 "a renewal")
        other.release()


def test_the_lease_is_given_back_when_the_block_fails(store, tmp_path):
    with pytest.raises(RuntimeError), held(store, NAME):
        raise RuntimeError("grouping failed")
    assert holder(store, NAME) is None
    with LeaseHolder(tmp_path / "cache", NAME) as other:     # another process takes it
        other.release()


def test_a_lease_lost_stops_a_renewal(store, tmp_path):
    lease = take(store, NAME, seconds=0)                 # lapsed at once: free to take over
    with LeaseHolder(tmp_path / "cache", NAME) as other:
        with pytest.raises(LeaseLost):
            lease.keep()
        other.release()


def test_a_row_it_cannot_read_does_not_hold_the_lease(store):
    with store.transaction() as conn:
        store.set_meta(f"lease:{NAME}", "not json", conn)
    assert holder(store, NAME) is None
    with held(store, NAME) as lease:
        assert lease is not None
