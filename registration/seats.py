"""Seats decided inside the transaction that saves the registration taking them.

Registering into limited resources (a type's seats, a delegation's allotment, a code's
uses) is the rush's hot path: every registration of a type decides against that type's one
`Allocation`. Holding the resource from loading it to saving (registration.adapters.
resource_locks, still used by the rarer changes: cancelling, the waiting list, a change of
type) serialises a whole decision per resource, lock and unlock round trips included: at
16 clients that, not the CPU, bounded the rate.

So a registration decides everything else first (its price, answers, claim, check-in code,
mails), and names its takes here (`Take`). The event recorder then, inside the transaction
that saves the registration, takes its turn at those resources — on PostgreSQL a
transaction-level advisory lock per resource (the same keys as the rarer changes' session
locks, so the two exclude each other; the commit releases it), on SQLite the database's one
writer — reads each Allocation's latest snapshot and the events after it, checks for room
and writes the `Taken` events and a fresh snapshot with the rest. Only that stretch is
serialised, and while places remain no registration is told the system is busy (unless its
turn does not come within 30 s): a full resource refuses it with the resource's own refusal
(sold out, allotment exhausted, code used up), the whole save rolled back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Mapper, StoredEvent

from domain.capacity import Allocation
from domain.errors import DomainError


@dataclass(frozen=True)
class Take:
    """`units` of `resource` (limited to `limit`) for a registration, or `refusal`."""

    resource: str
    limit: int
    units: int
    refusal: DomainError
    registration_id: UUID


@dataclass
class SeatsAtSave:
    """A decision's takes, decided by the recorder within the save (see the module)."""

    mapper: Mapper[UUID]
    takes: Sequence[Take]
    positions: list[int] = field(default_factory=list)  # of the events written, once saved

    @property
    def resources(self) -> list[str]:
        """In name order: every decision takes its turns in the same order."""
        return sorted({take.resource for take in self.takes})

    @property
    def allocation_ids(self) -> list[UUID]:
        return [Allocation.create_id(resource) for resource in self.resources]

    def decide(self, found: Mapping[UUID, Sequence[StoredEvent]]
               ) -> tuple[list[StoredEvent], list[StoredEvent]]:
        """The events and snapshots to write, from each allocation's stored state (`found`:
        by id, its latest snapshot if any, then the events after it, read in the save's
        transaction and turn), or the refusal of the first take without room."""
        allocations: dict[str, Any] = {}
        for take in self.takes:  # in the decision's order: its first refusal is the one given
            allocation = allocations.get(take.resource)
            if allocation is None:
                for stored in found.get(Allocation.create_id(take.resource), ()):
                    state: Any = self.mapper.to_domain_event(stored)  # a snapshot, or an event
                    allocation = state.mutate(allocation)
                allocation = allocations[take.resource] = \
                    allocation or Allocation(resource=take.resource)
            if not allocation.has_room(take.limit, take.units):
                raise take.refusal
            for _ in range(take.units):
                allocation.take(take.registration_id)
        events = [self.mapper.to_stored_event(event) for allocation in allocations.values()
                  for event in allocation.collect_events()]
        snapshots = [self.mapper.to_stored_event(Allocation.Snapshot.take(allocation))
                     for allocation in allocations.values()]
        return events, snapshots
