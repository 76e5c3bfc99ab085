"""Commands on the waiting list: join, leave, offer freed places in turn, expire offers.

Every decision holds the limited resources it touches (Conference.hold), the same turn as
registering, and changes their Allocation aggregates in the same save as the entry: an offer
holds its places there, so held places count as taken (domain.waiting_list for the rules).

Offers are made by the system: right after a place is given back (RegistrationService's
freed hooks), and by the pass the jobs process runs every minute (which also expires offers
whose time has passed and offers places added by raising a capacity), or by hand with
`flask --app wsgi waiting-list run`. Several passes at once offer each entry once: a second
decision finds the entry no longer waiting.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate
from huey import Huey, crontab

from domain.actor import Actor, acting_as
from domain.capacity import Allocation
from domain.edition import Edition
from domain.edition_config import EditionConfig
from domain.errors import PlacesAvailable, UnknownRegistrationType, WrongToken
from domain.mail import Mail
from domain.waiting_list import (
    CURRENT,
    STATUSES,
    WaitingEntry,
    check_not_waiting,
    limited_resources,
    may_offer,
    needed_resources,
    same_address,
)
from registration.application import Conference
from registration.clock import Clock
from registration.idempotency import Claim
from registration.links import ManageLinks
from registration.projections.waiting_list import EntryRow

log = logging.getLogger(__name__)
OFFERS = Actor.system("waiting-list")


@dataclass(frozen=True)
class EntryView:
    id: UUID
    edition: EditionConfig
    registration_type: str
    delegation: str | None
    quantity: int
    first_name: str
    last_name: str
    email: str
    language: str
    status: str
    joined_at: datetime
    offered_until: datetime | None
    position: int | None  # 1: next to be offered (None: not waiting)
    registered: int  # places of its offer already registered
    ended_at: datetime | None = None  # when it was accepted, expired or left

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


# What staff may list: the entries on the list now, every one, or those in one status.
FILTERS: dict[str, tuple[str, ...]] = {"current": CURRENT, "all": STATUSES,
                                       **{status: (status,) for status in STATUSES}}
History = Callable[[str, Sequence[str]], list[EntryRow]]  # edition id, statuses -> rows


@dataclass(frozen=True)
class Joined:
    entry: EntryView
    token: str  # the entry's link (derived from SECRET_KEY, never stored)


@dataclass(frozen=True)
class WaitingListPass:
    expired: int
    offered: int


class WaitingListService:
    def __init__(self, app: Conference, clock: Clock, links: ManageLinks,
                 editions: Callable[[], list[UUID]], history: History) -> None:
        self.app, self.clock, self.links = app, clock, links
        self.editions = editions  # the ids of every edition, for the periodic pass
        self.history = history  # the entries that left the list (a read model)

    def schedule(self, queue: Huey, in_worker_process: Callable[[], WaitingListService]) -> None:
        """Run the pass every minute on the jobs queue (built anew in a forked worker)."""
        pid = os.getpid()

        def periodic() -> None:
            here = self if os.getpid() == pid else in_worker_process()
            done = here.run()
            if done.expired or done.offered:
                log.info("waiting list: %d offers expired, %d made", done.expired, done.offered)

        queue.periodic_task(crontab(), name="waiting-list.run")(periodic)

    def join(self, slug: str, registration_type: str, delegation: str | None, quantity: int,
             first_name: str, last_name: str, email: str, language: str,
             idempotency: Claim | None = None) -> Joined:
        """Wait for `quantity` places of this type (and delegation): refused while there is
        room for them (PlacesAvailable: register instead)."""
        def decision() -> tuple[list[Aggregate], Joined]:
            edition = self.app.edition(slug)
            config = edition.config
            config.check_open(self.clock())
            if registration_type not in {t.code for t in config.offered_types()}:
                raise UnknownRegistrationType()
            needs = needed_resources(config, edition.id, registration_type, delegation)
            allocations = self._allocations(needs)
            check_not_waiting(self._on_lists(allocations.values()), email, registration_type,
                              delegation)
            queued_on = [resource for resource, limit in needs.items()
                         if not allocations[resource].room_for(limit, quantity)]
            if not queued_on:
                raise PlacesAvailable()
            entry = WaitingEntry.join(
                edition_id=edition.id, registration_type=registration_type,
                delegation=delegation, quantity=quantity, first_name=first_name,
                last_name=last_name, email=email, language=language, needs=list(needs),
                queued_on=queued_on)
            for resource in queued_on:
                allocations[resource].queue(entry.id, quantity)
            return [entry, *(allocations[r] for r in queued_on),
                    Mail.queue("waitlist_joined", entry.id)], \
                Joined(self._view(entry, config, allocations), self.links.token(entry.id, 0))

        return self.app.decide(decision, idempotency)

    def send_link_again(self, slug: str, email: str) -> int:
        """E-mail the link of each entry of the edition's lists with this address again
        (links are derived, so the same one); how many were sent (0: none uses it)."""
        edition = self.app.edition(slug)
        moment = self.clock()
        mails = [Mail.queue("waitlist_joined", entry.id, about=moment.isoformat())
                 for entry in self._current(edition.id)
                 if same_address(entry.email) == same_address(email)]
        if mails:
            self.app.save(*mails)
        return len(mails)

    def leave(self, entry_id: UUID) -> EntryView:
        """The person leaves the list (an offer's places go to the next in turn)."""
        def decision() -> tuple[list[Aggregate], WaitingEntry]:
            entry = self._entry(entry_id)
            allocations = self._allocations({r: 0 for r in entry.needs})
            entry.leave()
            for allocation in allocations.values():
                if str(entry.id) in allocation.waiting:
                    allocation.unqueue(entry.id)
                if str(entry.id) in allocation.offered:
                    allocation.release_offer(entry.id)
            return [entry, *allocations.values()], entry

        entry = self.app.decide(decision)
        self.offer_freed(entry.edition_id)
        return self.view(entry_id)

    def offer_freed(self, edition_id: UUID) -> int:
        """Offer what can be offered now, in order, each resource in turn (see the module's
        docstring); returns how many entries were offered."""
        config = self.app.load(edition_id, Edition, "edition").config
        offered = 0
        with acting_as(OFFERS):
            for resource in limited_resources(config, edition_id):
                while True:
                    allocation = self.app.find(Allocation.create_id(resource), Allocation)
                    if allocation is None or not allocation.waiting:
                        break
                    if not self._offer(UUID(next(iter(allocation.waiting))), config):
                        break
                    offered += 1
        return offered

    def _offer(self, entry_id: UUID, config: EditionConfig) -> bool:
        """Offer the entry its places if every resource it needs has room for all of them
        and nobody ahead of it (False: it goes on waiting)."""
        def decision() -> tuple[list[Aggregate], bool]:
            entry = self._entry(entry_id)
            limits = needed_resources(config, entry.edition_id, entry.registration_type,
                                      entry.delegation)  # today's limits, of what it needs
            needs = {r: limit for r, limit in limits.items() if r in entry.needs}
            allocations = self._allocations({r: 0 for r in entry.needs})
            if not may_offer(entry, needs, allocations):
                return [], False
            until = entry.offer(self.clock(), config.waiting_list_hours)
            for allocation in allocations.values():
                allocation.hold_offer(entry.id, entry.quantity)
            return [entry, *allocations.values(),
                    Mail.queue("waitlist_offered", entry.id, about=until.isoformat())], True

        return self.app.decide(decision)

    def expire(self, entry_id: UUID, at: datetime | None = None) -> bool:
        """End an offer whose time has passed, giving back what it still holds (False:
        nothing to do)."""
        moment = at or self.clock()

        def decision() -> tuple[list[Aggregate], bool]:
            entry = self._entry(entry_id)
            allocations = self._allocations({r: 0 for r in entry.needs})
            if not entry.expire_offer(moment):
                return [], False
            for allocation in allocations.values():
                if str(entry.id) in allocation.offered:
                    allocation.release_offer(entry.id)
            return [entry, *allocations.values(),
                    Mail.queue("waitlist_expired", entry.id)], True

        with acting_as(OFFERS):
            return self.app.decide(decision)

    def run(self, at: datetime | None = None) -> WaitingListPass:
        """Expire the offers whose time has passed, then offer what is free, every edition."""
        moment = at or self.clock()
        expired = offered = 0
        for edition_id in self.editions():
            for entry in self._current(edition_id):
                if entry.status == "offered" and entry.offered_until is not None \
                        and entry.offered_until <= moment:
                    expired += self.expire(entry.id, moment)
            offered += self.offer_freed(edition_id)
        return WaitingListPass(expired, offered)

    def entries(self, slug: str) -> list[EntryView]:
        """The entries on the list now (offered and waiting), in the order they joined."""
        edition = self.app.edition(slug)
        allocations = {r: self.app.find(Allocation.create_id(r), Allocation)
                       for r in limited_resources(edition.config, edition.id)}
        return [self._view(e, edition.config, allocations) for e in self._current(edition.id)]

    def listed(self, slug: str, which: str = "current") -> list[EntryView]:
        """The entries `which` (FILTERS) selects, in the order they joined: those on the list
        now from the aggregates that decide it, the others (accepted, expired, left) from
        the read model, which follows the log a moment behind."""
        statuses = FILTERS[which]
        edition = self.app.edition(slug)
        now = [e for e in self.entries(slug) if e.status in statuses] \
            if set(statuses) & set(CURRENT) else []
        ended = [s for s in statuses if s not in CURRENT]
        past = [row_view(r, edition.config) for r in self.history(str(edition.id), ended)] \
            if ended else []
        return sorted([*now, *past], key=lambda e: (e.joined_at, str(e.id)))

    def _current(self, edition_id: UUID) -> list[WaitingEntry]:
        config = self.app.load(edition_id, Edition, "edition").config
        return self._on_lists(
            allocation for resource in limited_resources(config, edition_id)
            if (allocation := self.app.find(Allocation.create_id(resource), Allocation)))

    def _on_lists(self, allocations: Iterable[Allocation]) -> list[WaitingEntry]:
        """The entries waiting or offered on these resources, in the order they joined."""
        ids: dict[str, None] = {}
        for allocation in allocations:
            ids.update(dict.fromkeys([*allocation.offered, *allocation.waiting]))
        entries = [self._entry(UUID(i)) for i in ids]
        return sorted(entries, key=lambda e: e.created_on)

    def for_holder(self, entry_id: UUID, token: str | None) -> EntryView:
        """The entry, for whoever holds its link (else WrongToken)."""
        if not self.opens(entry_id, token):
            raise WrongToken()
        return self.view(entry_id)

    def opens(self, entry_id: UUID, token: str | None) -> bool:
        """Whether `token` is the entry's link token."""
        return self.links.is_token(entry_id, 0, token)

    def view(self, entry_id: UUID) -> EntryView:
        entry = self._entry(entry_id)
        config = self.app.load(entry.edition_id, Edition, "edition").config
        return self._view(entry, config, {r: self.app.find(Allocation.create_id(r), Allocation)
                                          for r in entry.queued_on})

    def token(self, entry_id: UUID) -> str:
        return self.links.token(entry_id, 0)

    def _entry(self, entry_id: UUID) -> WaitingEntry:
        return self.app.load(entry_id, WaitingEntry, "waiting-list entry")

    def _allocations(self, limits: dict[str, int]) -> dict[str, Allocation]:
        """Our turn on these resources, then their fresh counts."""
        self.app.hold(limits)
        return {resource: self.app.find(Allocation.create_id(resource), Allocation)
                or Allocation(resource=resource) for resource in limits}

    @staticmethod
    def _view(entry: WaitingEntry, config: EditionConfig,
              allocations: Mapping[str, Allocation | None]) -> EntryView:
        position = None
        if entry.status == "waiting":
            places = [list(a.waiting).index(str(entry.id)) + 1 for a in allocations.values()
                      if a is not None and str(entry.id) in a.waiting]
            position = max(places, default=1)
        return EntryView(
            id=entry.id, edition=config, registration_type=entry.registration_type,
            delegation=entry.delegation, quantity=entry.quantity, first_name=entry.first_name,
            last_name=entry.last_name, email=entry.email, language=entry.language,
            status=entry.status, joined_at=entry.created_on,
            offered_until=entry.offered_until, position=position,
            registered=len(entry.registrations))


def row_view(row: EntryRow, config: EditionConfig) -> EntryView:
    """An entry that left the list, as the read model keeps it."""
    return EntryView(
        id=UUID(row.entry_id), edition=config, registration_type=row.registration_type,
        delegation=row.delegation, quantity=row.quantity, first_name=row.first_name,
        last_name=row.last_name, email=row.email, language=row.language, status=row.status,
        joined_at=datetime.fromisoformat(row.joined_at),
        offered_until=datetime.fromisoformat(row.offered_until) if row.offered_until else None,
        position=None, registered=row.registered,
        ended_at=datetime.fromisoformat(row.ended_at) if row.ended_at else None)
