"""Consistency boundaries for what is shared between registrations.

Each limited resource (a type's seats, a discount code's uses, a delegation's allotment)
and each natural key (an e-mail within an edition) is a small aggregate with a
deterministic id, saved in the same atomic `save()` as the registration it governs:
two racing registrations cannot both take the last seat, because the second save
finds a stale version (the store's guarantee, whatever the application does).

Why one `Allocation` per resource, and how it stays cheap and never "busy":
- Constant cost: the application snapshots an Allocation on every save (snapshots are a
  cache written after the atomic save, from the state in hand), so deciding reads one
  snapshot and no events, at the 100th registration as at the 5,000th. A chain of
  short-lived counter aggregates would bound the replay too, but needs a pointer to the
  current link that is itself hot, and cancellations would have to find the right link.
- Taking turns: registrations into the same resource wait for it under a lock held from
  load to save (registration.adapters.resource_locks), instead of colliding on the version
  and giving up after a few retries. Finer-grained allocation (seat buckets) would spread
  the collisions but still refuse some near the end; the lock makes the order explicit.
"""

from __future__ import annotations

from uuid import UUID, uuid5

from eventsourcing.domain import event

from domain.availability import places_left
from domain.base import ConferenceAggregate
from domain.identifiers import NAMESPACE


class Allocation(ConferenceAggregate):
    """How many units of one limited resource are taken."""

    class Opened(ConferenceAggregate.Created):
        resource: str

    class Taken(ConferenceAggregate.Event):
        registration_id: UUID

    class Returned(ConferenceAggregate.Event):
        registration_id: UUID

    @staticmethod
    def create_id(resource: str) -> UUID:
        return uuid5(NAMESPACE, f"allocation/{resource}")

    @event(Opened)
    def __init__(self, resource: str) -> None:
        self.resource = resource
        self.taken = 0

    def has_room(self, limit: int, units: int = 1) -> bool:
        """Are `units` still free (an add-on bought several times takes one per ticket)?"""
        return (self.places_left(limit) or 0) >= units

    def places_left(self, limit: int | None) -> int | None:
        return places_left(limit, self.taken)

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
