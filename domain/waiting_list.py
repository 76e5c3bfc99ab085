"""The waiting list: someone (or a delegation lead, for several people) waits for places of
a sold-out registration type or a full delegation allotment.

The order and the places are kept by the same Allocation aggregates that decide
registrations (domain.capacity): an entry is queued on each limited resource that had no
room for it when it joined, and an offer holds its places there, so held places count as
taken and a walk-in never takes a place someone waits for (nobody passes the queue).

Rules (pretix-like, strict order):
- first come, first served per resource: an entry is offered only when it is first in every
  queue it waits in, and every resource it needs has room for its whole quantity;
- all or nothing: a group of 3 is never offered 2, and a smaller later entry does not pass a
  larger earlier one (the places stay free until there are enough: simple and fair);
- an offer holds the places until `offered_until` (the edition's `waiting_list_hours`, 48 by
  default); then the system expires it, gives the places back, and the next entry is offered;
- accepting registers people on the held places (each takes one), at the price in force
  when they register; the person may leave the list at any time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from uuid import UUID

from eventsourcing.domain import event

from domain.availability import resource_key
from domain.base import ConferenceAggregate
from domain.capacity import Allocation
from domain.edition_config import MAX_WAITING_PLACES, OFFER_HOURS, EditionConfig
from domain.errors import AlreadyWaiting, NotOffered, NotWaiting

STATUSES = ("waiting", "offered", "accepted", "expired", "left")
CURRENT = ("waiting", "offered")  # still on the list


class WaitingEntry(ConferenceAggregate):
    """One person's (or group's) place on an edition's waiting list."""

    class Joined(ConferenceAggregate.Created):
        edition_id: UUID
        registration_type: str
        delegation: str | None
        quantity: int
        first_name: str
        last_name: str
        email: str
        language: str
        needs: list[str]  # the limited resources its places take (domain.availability keys)
        queued_on: list[str]  # those that had no room: where it waits in turn

    class Offered(ConferenceAggregate.Event):
        until: datetime

    class OfferExpired(ConferenceAggregate.Event):
        until: datetime

    class PlaceTaken(ConferenceAggregate.Event):
        registration_id: UUID

    class Left(ConferenceAggregate.Event):
        pass

    @event(Joined)
    def __init__(self, edition_id: UUID, registration_type: str, delegation: str | None,
                 quantity: int, first_name: str, last_name: str, email: str, language: str,
                 needs: list[str], queued_on: list[str]) -> None:
        self.edition_id = edition_id
        self.registration_type = registration_type
        self.delegation = delegation
        self.quantity = quantity
        self.first_name, self.last_name = first_name, last_name
        self.email, self.language = email, language
        self.needs = list(needs)
        self.queued_on = list(queued_on)
        self.status = "waiting"
        self.offered_until: datetime | None = None
        self.registrations: list[UUID] = []

    @classmethod
    def join(cls, *, edition_id: UUID, registration_type: str, delegation: str | None,
             quantity: int, first_name: str, last_name: str, email: str, language: str,
             needs: list[str], queued_on: list[str]) -> WaitingEntry:
        if not 1 <= quantity <= MAX_WAITING_PLACES:
            raise ValueError(f"a waiting-list entry is for 1 to {MAX_WAITING_PLACES} places")
        return cls._create(cls.Joined, edition_id=edition_id,
                           registration_type=registration_type, delegation=delegation,
                           quantity=quantity, first_name=first_name, last_name=last_name,
                           email=email, language=language,
                           needs=needs, queued_on=queued_on)

    @property
    def places_held(self) -> int:
        """Places the offer still holds (none unless offered)."""
        return self.quantity - len(self.registrations) if self.status == "offered" else 0

    def offer(self, at: datetime, hours: int = OFFER_HOURS) -> datetime:
        if self.status != "waiting":
            raise NotWaiting()
        until = at + timedelta(hours=hours)
        self._offered(until)
        return until

    @event(Offered)
    def _offered(self, until: datetime) -> None:
        self.status = "offered"
        self.offered_until = until

    def offer_in_force(self, at: datetime) -> bool:
        return self.status == "offered" and self.offered_until is not None \
            and at < self.offered_until

    def expire_offer(self, at: datetime) -> bool:
        """End an offer whose time has passed (False: not offered, or not yet)."""
        if self.status != "offered" or self.offered_until is None or at < self.offered_until:
            return False
        self._expired(self.offered_until)
        return True

    @event(OfferExpired)
    def _expired(self, until: datetime) -> None:
        self.status = "expired"

    def take_place(self, registration_id: UUID, at: datetime) -> None:
        """A registration takes one of the offer's places (refused once none is held, or the
        offer's time has passed)."""
        if not self.offer_in_force(at) or self.places_held == 0:
            raise NotOffered()
        self._place_taken(registration_id)

    @event(PlaceTaken)
    def _place_taken(self, registration_id: UUID) -> None:
        self.registrations = [*self.registrations, registration_id]
        if len(self.registrations) >= self.quantity:
            self.status = "accepted"

    def leave(self) -> None:
        if self.status not in CURRENT:
            raise NotWaiting()
        self._left()

    @event(Left)
    def _left(self) -> None:
        self.status = "left"


def needed_resources(config: EditionConfig, edition_id: UUID, type_code: str,
                     delegation: str | None) -> dict[str, int]:
    """The limited resources (by `resource_key`) a place of this type and delegation takes,
    with their limits: what a waiting-list entry waits for."""
    needs = {}
    capacity = config.registration_type(type_code).capacity
    if capacity is not None:
        needs[resource_key(edition_id, "type", type_code)] = capacity
    allotment = config.delegation(delegation).allotment if delegation is not None else None
    if allotment is not None:
        needs[resource_key(edition_id, "delegation", delegation or "")] = allotment
    return needs


def limited_resources(config: EditionConfig, edition_id: UUID) -> dict[str, int]:
    """Every limited type and delegation allotment of the edition, with its limit."""
    return {
        **{resource_key(edition_id, "type", t.code): t.capacity
           for t in config.registration_types if t.capacity is not None},
        **{resource_key(edition_id, "delegation", d.code): d.allotment
           for d in config.delegations if d.allotment is not None},
    }


def may_offer(entry: WaitingEntry, limits: Mapping[str, int],
              allocations: Mapping[str, Allocation]) -> bool:
    """Whether the entry's whole quantity may be offered now: it is waiting, first in every
    queue it is in, and each resource it needs (`limits`) has room for all of it."""
    return entry.status == "waiting" and all(
        allocations[resource].room_for(limit, entry.quantity, entry.id)
        for resource, limit in limits.items())


def same_address(email: str) -> str:
    return email.strip().casefold()


def check_not_waiting(entries: Iterable[WaitingEntry], email: str, registration_type: str,
                      delegation: str | None) -> None:
    """One entry per address on a list (type and delegation): refused (AlreadyWaiting) while
    an earlier one with this address still waits or holds an offer."""
    address = same_address(email)
    if any(e.status in CURRENT and same_address(e.email) == address
           and (e.registration_type, e.delegation) == (registration_type, delegation)
           for e in entries):
        raise AlreadyWaiting()
