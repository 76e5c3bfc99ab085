"""Consistency boundaries for what is shared between registrations.

Each limited resource (a type's seats, a discount code's uses, a delegation's allotment)
and each natural key (an e-mail within an edition) is a small aggregate with a
deterministic id, saved in the same atomic `save()` as the registration it governs:
two racing registrations cannot both take the last seat, because the second save
finds a stale version (the store's guarantee, whatever the application does).

Why one `Allocation` per resource, and how it stays cheap and never "busy":
- Constant cost: the application snapshots an Allocation on every save, so deciding reads
  one snapshot and no events, at the 100th registration as at the 5,000th. A chain of
  short-lived counter aggregates would bound the replay too, but needs a pointer to the
  current link that is itself hot, and cancellations would have to find the right link.
- Taking turns, briefly: a registration decides everything else first, and its seats are
  decided inside the transaction that saves it (registration.seats), each resource in turn
  there: read, checked, taken and snapshotted in that one transaction. Only that stretch
  waits for the registration before it, so nobody is told the system is busy while places
  remain, and only the last place's losers hear "sold out". The rarer changes (a place
  given back, the waiting list, a change of type) hold the resource from load to save
  (registration.adapters.resource_locks), and the two exclude each other. Finer-grained
  allocation (seat buckets) would spread the collisions but still refuse some near the
  end; turns make the order explicit.
"""

from __future__ import annotations

from functools import lru_cache
from typing import cast
from uuid import UUID, uuid5

from eventsourcing.domain import event

from domain.availability import places_left
from domain.base import ConferenceAggregate
from domain.identifiers import NAMESPACE


class Allocation(ConferenceAggregate):
    """How many units of one limited resource are taken, held for a waiting-list offer, and
    who waits for them, in order (domain.waiting_list: one boundary, so nothing is counted
    twice and nobody passes the queue)."""

    class Opened(ConferenceAggregate.Created):
        resource: str

    class Taken(ConferenceAggregate.Event):
        registration_id: UUID

    class Returned(ConferenceAggregate.Event):
        registration_id: UUID

    class Queued(ConferenceAggregate.Event):
        entry_id: UUID
        quantity: int

    class Unqueued(ConferenceAggregate.Event):
        entry_id: UUID

    class OfferHeld(ConferenceAggregate.Event):
        entry_id: UUID
        quantity: int

    class OfferReleased(ConferenceAggregate.Event):
        entry_id: UUID

    class OfferTaken(ConferenceAggregate.Event):
        entry_id: UUID
        registration_id: UUID

    # Read from snapshots taken before the waiting list too (never changed in place).
    waiting = cast(dict[str, int], {})  # entry id -> places wanted, in the order of joining
    offered = cast(dict[str, int], {})  # entry id -> places held for its offer

    @staticmethod
    @lru_cache(maxsize=4096)  # a hash (uuid5) asked for several times a registration
    def create_id(resource: str) -> UUID:
        return uuid5(NAMESPACE, f"allocation/{resource}")

    @event(Opened)
    def __init__(self, resource: str) -> None:
        self.resource = resource
        self.taken = 0

    @property
    def held(self) -> int:
        return sum(self.offered.values())

    def has_room(self, limit: int, units: int = 1) -> bool:
        """Room for `units` walk-in places (an add-on bought several times takes one per
        ticket): that many free, and nobody waiting for one."""
        return self.room_for(limit, units)

    def room_for(self, limit: int, quantity: int, entry_id: UUID | None = None) -> bool:
        """Whether `quantity` places may go to `entry_id` (None: a walk-in) now: that many
        free (taken and held both count), and nobody waiting ahead of it here (strict order:
        a smaller later entry never passes a larger earlier one)."""
        ahead = next(iter(self.waiting), None)
        if ahead is not None and ahead != str(entry_id):
            return False
        return (places_left(limit, self.taken + self.held) or 0) >= quantity

    def places_left(self, limit: int | None) -> int | None:
        """What a walk-in may take: none while someone waits."""
        if self.waiting and limit is not None:
            return 0
        return places_left(limit, self.taken + self.held)

    @event(Queued)
    def queue(self, entry_id: UUID, quantity: int) -> None:
        self.waiting = {**self.waiting, str(entry_id): quantity}

    @event(Unqueued)
    def unqueue(self, entry_id: UUID) -> None:
        self.waiting = without(self.waiting, entry_id)

    @event(OfferHeld)
    def hold_offer(self, entry_id: UUID, quantity: int) -> None:
        """Hold places for an offer (out of the queue, if the entry waited here)."""
        self.waiting = without(self.waiting, entry_id)
        self.offered = {**self.offered, str(entry_id): quantity}

    @event(OfferReleased)
    def release_offer(self, entry_id: UUID) -> None:
        """Give back what an offer still holds (expired, or the person left)."""
        self.offered = without(self.offered, entry_id)

    @event(OfferTaken)
    def take_offered(self, entry_id: UUID, registration_id: UUID) -> None:
        """One held place becomes a registration's."""
        left = self.offered.get(str(entry_id), 0) - 1
        self.offered = without(self.offered, entry_id)
        if left > 0:
            self.offered[str(entry_id)] = left
        self.taken += 1

    @event(Taken)
    def take(self, registration_id: UUID) -> None:
        self.taken += 1

    @event(Returned)
    def give_back(self, registration_id: UUID) -> None:
        self.taken -= 1


class EmailClaim(ConferenceAggregate):
    """Who holds an e-mail address within an edition (one live registration per address)."""

    class Claimed(ConferenceAggregate.Created):
        key: str
        registration_id: UUID

    class Reclaimed(ConferenceAggregate.Event):
        registration_id: UUID

    class Released(ConferenceAggregate.Event):
        registration_id: UUID

    @staticmethod
    def create_id(key: str, registration_id: UUID) -> UUID:
        return claim_id(key)

    @event(Claimed)
    def __init__(self, key: str, registration_id: UUID) -> None:
        self.key = key
        self.holder: UUID | None = registration_id

    @event(Reclaimed)
    def reclaim(self, registration_id: UUID) -> None:
        self.holder = registration_id

    @event(Released)
    def release(self, registration_id: UUID) -> None:
        self.holder = None


def email_key(edition_id: UUID, email: str) -> str:
    return f"{edition_id}/email/{email.strip().casefold()}"


def claim_id(key: str) -> UUID:
    return uuid5(NAMESPACE, f"claim/{key}")


def without(entries: dict[str, int], entry_id: UUID) -> dict[str, int]:
    """A copy of `entries` (places by waiting-list entry) with `entry_id`'s taken out."""
    return {k: v for k, v in entries.items() if k != str(entry_id)}
