"""The locks a decision holds on limited resources, as two processes would see them: one
`ResourceLocks` each, sharing only what the database's host keeps (advisory locks on the
PostgreSQL server, lock files beside the SQLite file)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.errors import Conflict
from registration.adapters.resource_locks import (
    AdvisoryLocks,
    FileLocks,
    ResourceLocks,
    SharedLock,
)

SHORT = 0.3  # how long the second process waits before it is told the system is busy


@pytest.fixture(params=["sqlite", "postgres"])
def shared(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[list[SharedLock]]:
    """The cross-process level of two processes on the same database."""
    if request.param == "sqlite":
        locks: list[SharedLock] = [FileLocks(tmp_path / "events.locks") for _ in range(2)]
    else:
        url = request.getfixturevalue("fresh_postgres")
        locks = [AdvisoryLocks(url) for _ in range(2)]
    yield locks
    for lock in locks:
        lock.close()


def test_a_resource_held_by_one_process_makes_the_other_wait_then_answer_busy(shared):
    first, second = ResourceLocks(shared[0]), ResourceLocks(shared[1], wait=SHORT)
    with first.holding(["type/workshop"]):
        with pytest.raises(Conflict, match="busy"), second.holding(["type/workshop"]):
            pass
        with second.holding(["type/delegate"]):  # another resource is not held up
            pass
    with second.holding(["type/workshop"]):  # handed on once the first is done
        pass


def test_decisions_taking_the_same_resources_in_any_order_never_wait_for_each_other(shared):
    """Names are taken in order whatever order they are given in: two processes asking for
    the same two resources in opposite orders both get through, again and again."""
    left, right = ResourceLocks(shared[0]), ResourceLocks(shared[1])
    done: list[str] = []

    def decide(locks: ResourceLocks, names: list[str], who: str) -> None:
        for _ in range(20):
            with locks.holding(names):
                pass
        done.append(who)

    threads = [threading.Thread(target=decide, args=(left, ["code/a", "type/b"], "left")),
               threading.Thread(target=decide, args=(right, ["type/b", "code/a"], "right"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(done) == ["left", "right"]
