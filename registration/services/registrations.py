"""Commands on registrations: register, correct, substitute, cancel, and reading history.

The web layer gets `RegistrationView`s; `get` (the aggregate) is for the service layer.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from domain.access import AccessCode
from domain.attendee import Attendee
from domain.availability import Availability, availability, resource_key
from domain.capacity import Allocation, EmailClaim, claim_id, email_key
from domain.checkin import new_checkin_secret
from domain.edition import Edition
from domain.edition_config import EditionConfig
from domain.errors import (
    AccessCodeExhausted,
    AllotmentExhausted,
    CodeExhausted,
    DuplicateEmail,
    ExtraSoldOut,
    NotOffered,
    Refused,
    SoldOut,
    WrongToken,
)
from domain.identifiers import edition_id
from domain.policy import CancellationTerms
from domain.pricing import PriceQuote
from domain.registration import Registration
from domain.waiting_list import WaitingEntry
from registration.application import Conference, secret_hash
from registration.clock import Clock, make_clock
from registration.idempotency import Claim
from registration.links import ManageLinks
from registration.seats import Take
from registration.services.checkin_codes import issued, revoked
from registration.services.history import HistoryEntry, history_entry
from registration.services.views import RegistrationView, registration_view

CancellationHook = Callable[[Registration, CancellationTerms, datetime], list[Aggregate]]
RegistrationHook = Callable[[Registration, str], list[Aggregate]]
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NewRegistration:
    registration: RegistrationView
    manage_token: str  # derived from SECRET_KEY, never stored (see registration.links)


class RegistrationService:
    def __init__(self, app: Conference, clock: Clock | None = None,
                 links: ManageLinks | None = None) -> None:
        self.app = app
        self.clock = clock or make_clock()
        self.links = links or ManageLinks("dev-only-not-secret")
        # Decided with each cancellation, saved with it: e.g. the credit note for an invoice.
        self.cancellation_hooks: list[CancellationHook] = []
        # Decided with each registration, given its manage token: e.g. the confirmation mail.
        self.registration_hooks: list[RegistrationHook] = []
        # Told (with the edition's id) once a place has been given back: the waiting list
        # offers it. The periodic pass offers it too, should this fail.
        self.freed_hooks: list[Callable[[UUID], object]] = []

    def register(
        self, slug: str, attendee: Attendee, registration_type: str,
        delegation: str | None = None, code: str | None = None, at: datetime | None = None,
        idempotency: Claim | None = None, access_code: str | None = None,
        answers: Mapping[str, Any] | None = None, offer: tuple[UUID, str] | None = None,
        extras: Mapping[str, int] | None = None,
    ) -> NewRegistration:
        """`answers` to the edition's questions are checked (required ones included); None
        when the person is registered by someone else (a delegation lead), who cannot answer
        for them: they answer from their own manage page. An `offer` (a waiting-list entry
        and its link's token) gives one of the places it holds, at today's price. `extras`:
        the add-ons bought with the place (code -> quantity), priced into its quote and taken
        like its seat."""
        moment = at or self.clock()

        def decision() -> tuple[list[Aggregate], NewRegistration]:
            edition = self.app.edition(slug)
            config = edition.config
            config.check_open(moment)
            if delegation is not None:
                config.delegation(delegation)
            quote = config.quote(registration_type, code, moment, extras)
            access = config.check_access(registration_type, access_code, delegation)
            accepted = config.answers(registration_type, answers) if answers is not None else {}
            registration_id = uuid4()
            token = self.links.token(registration_id, 0)
            entry = self._offer(offer, edition.id, registration_type, delegation)
            offered = entry.needs if entry is not None else []
            bought = extra_units(edition.id, quote)
            if entry is None:  # seats decided within the save, in its turn there
                limited = self.limits(config, edition.id, registration_type, delegation, code,
                                      access, bought)
                for resource, limit, refusal in limited:
                    self.app.take_at_save(Take(resource, limit, bought.get(resource, 1),
                                               refusal, registration_id))
                allocations: list[Allocation] = []
                takes = [resource for resource, _, _ in limited]
            else:  # the offer's places are held: loaded with the rest, in turn now
                allocations = self.allocations(config, edition.id, registration_type,
                                               delegation, code, access, held=offered,
                                               bought=bought)
                takes = [allocation.resource for allocation in allocations]
            registration = Registration.register(
                id=registration_id,
                edition_id=edition.id, attendee=attendee, registration_type=registration_type,
                delegation=delegation, quote=quote, manage_token_hash=secret_hash(token),
                checkin_secret=new_checkin_secret(),
                holds=[*offered, *(resource for resource in takes
                                   for _ in range(bought.get(resource, 1)))],
            )
            from_offer: list[Aggregate] = []
            if entry is not None:
                entry.take_place(registration.id, moment)
                from_offer = [entry, *self._take_offered(entry, registration.id)]
            if config.registration_type(registration_type).approval:
                registration.ask_approval()
            if accepted:
                registration.give_answers(accepted)
            claim = self._claim(edition.id, attendee.email, registration.id)
            for allocation in allocations:
                for _ in range(bought.get(allocation.resource, 1)):
                    allocation.take(registration.id)
            checkin = issued(registration.checkin_secret, registration.id)
            consequences = [aggregate for hook in self.registration_hooks
                            for aggregate in hook(registration, token)]
            return [registration, claim, *checkin, *allocations, *from_offer,
                    *consequences], NewRegistration(
                registration_view(registration, config), token)

        # The e-mail's claim, and what changed in the edition since it was last read, with
        # the request's claim in one query (naming them costs more than SQLite's reads).
        reads = [claim_id(email_key(edition_id(slug), attendee.email))] \
            if self.app.reads_together else []
        return self.app.decide(decision, idempotency, reads=reads, kept=[edition_id(slug)])

    def limits(
        self, config: EditionConfig, edition_id: UUID, type_code: str,
        delegation: str | None, code: str | None, access: AccessCode | None = None,
        bought: Mapping[str, int] | None = None,
    ) -> list[tuple[str, int, Refused]]:
        """The limited resources a registration takes (by `resource_key`), each with its
        limit and its refusal when full; `bought`: the units of add-ons it takes (by
        resource, see `extra_units`)."""
        limits: list[tuple[str, int | None, Refused]] = [(
            resource_key(edition_id, "type", type_code),
            config.registration_type(type_code).capacity,
            SoldOut("There are no places left for this registration type."),
        )]
        if delegation is not None:
            limits.append((
                resource_key(edition_id, "delegation", delegation),
                config.delegation(delegation).allotment,
                AllotmentExhausted(f"The {delegation} delegation has no places left."),
            ))
        if code:
            discount = config.discount_code(code)
            limits.append((
                resource_key(edition_id, "code", discount.code),
                discount.max_uses,
                CodeExhausted(f"The discount code {discount.code} has been used up."),
            ))
        if access is not None:
            limits.append((
                resource_key(edition_id, "access", access.code),
                access.max_uses,
                AccessCodeExhausted(f"The access code {access.code} has been used up."),
            ))
        limits.extend(extra_limits(config, edition_id, bought or {}))
        return [(resource, limit, refusal) for resource, limit, refusal in limits
                if limit is not None]

    def allocations(
        self, config: EditionConfig, edition_id: UUID, type_code: str,
        delegation: str | None, code: str | None, access: AccessCode | None = None,
        held: Collection[str] = (), bought: Mapping[str, int] | None = None,
    ) -> list[Allocation]:
        """The limited resources this registration takes, loaded in its turn and each
        checked for room (those it `held` already are its own: neither checked nor taken
        again): for a decision that needs their state (registering stays with `limits`,
        decided at the save)."""
        limited = self.limits(config, edition_id, type_code, delegation, code, access, bought)
        # Our turn (on what it gives back, too), then fresh counts.
        self.app.hold({*(resource for resource, _, _ in limited), *held})
        allocations = []
        for resource, limit, refusal in limited:
            if resource in held:
                continue
            allocation = self.app.find(Allocation.create_id(resource), Allocation)
            allocation = allocation or Allocation(resource=resource)
            if not allocation.has_room(limit, (bought or {}).get(resource, 1)):
                raise refusal
            allocations.append(allocation)
        return allocations

    def _offer(self, offer: tuple[UUID, str] | None, edition_id: UUID, type_code: str,
               delegation: str | None) -> WaitingEntry | None:
        """The waiting-list entry whose offer this registration takes a place of (its link's
        token opens it; it is for this type and delegation), or None."""
        if offer is None:
            return None
        entry = self.app.load(offer[0], WaitingEntry, "waiting-list entry")
        if not self.links.is_token(entry.id, 0, offer[1]):
            raise WrongToken()
        if (entry.edition_id, entry.registration_type, entry.delegation) != \
                (edition_id, type_code, delegation):
            raise NotOffered("This offer is for another registration type or delegation.")
        return entry

    def _take_offered(self, entry: WaitingEntry, registration_id: UUID) -> list[Allocation]:
        """One of the places the entry's offer holds, on each resource, becomes taken."""
        allocations = [self.app.load(Allocation.create_id(resource), Allocation, "allocation")
                       for resource in entry.needs]
        for allocation in allocations:
            allocation.take_offered(entry.id, registration_id)
        return allocations

    def availability(self, config: EditionConfig) -> Availability:
        """Places left per limited type and delegation, read from the Allocation aggregates
        that decide registrations (not from a read model), so a page agrees with what
        registering would decide at that moment. Each is one snapshot (snapshotted on every
        save: registration.application.SNAPSHOT_EVERY_SAVE); only limited resources are read."""
        allocations: dict[str, Allocation | None] = {}

        def allocation(resource: str) -> Allocation | None:
            if resource not in allocations:
                allocations[resource] = self.app.find(Allocation.create_id(resource),
                                                      Allocation)
            return allocations[resource]

        def taken(resource: str) -> int:
            found = allocation(resource)
            return found.taken + found.held if found is not None else 0

        def waiting(resource: str) -> bool:
            found = allocation(resource)
            return found is not None and bool(found.waiting)

        return availability(config, edition_id(config.slug), taken, waiting)

    def _claim(self, edition_id: UUID, email: str, registration_id: UUID) -> EmailClaim:
        key = email_key(edition_id, email)
        claim = self.app.find(claim_id(key), EmailClaim)
        if claim is None:
            return EmailClaim(key=key, registration_id=registration_id)
        if claim.holder is not None and claim.holder != registration_id:
            raise DuplicateEmail(f"{email} is already registered for this edition.")
        claim.reclaim(registration_id)
        return claim

    def _release(self, registration: Registration) -> EmailClaim | None:
        claim = self.app.find(claim_id(email_key(registration.edition_id,
                                                   registration.attendee.email)), EmailClaim)
        if claim is not None and claim.holder == registration.id:
            claim.release(registration.id)
        return claim

    def get(self, registration_id: UUID) -> Registration:
        return self.app.load(registration_id, Registration, "registration")

    def _config(self, registration: Registration) -> EditionConfig:
        return self.app.load(registration.edition_id, Edition, "edition").config

    def _view(self, registration: Registration) -> RegistrationView:
        return registration_view(registration, self._config(registration))

    def view(self, registration_id: UUID) -> RegistrationView:
        return self._view(self.get(registration_id))

    def for_holder(self, registration_id: UUID, token: str) -> RegistrationView:
        """The registration, for the holder of its manage link in force (else WrongToken)."""
        registration = self.get(registration_id)
        if not self.links.opens(registration, token):
            raise WrongToken()
        return self._view(registration)

    def link_generation(self, registration_id: UUID, token: str) -> int:
        """The generation of the link `token` opens (else WrongToken): a page session's grant."""
        registration = self.get(registration_id)
        if not self.links.opens(registration, token):
            raise WrongToken()
        return registration.link_generation

    def for_grant(self, registration_id: UUID, generation: int) -> RegistrationView:
        """The registration, for a session granted by its link `generation` (else WrongToken:
        the link was renewed or handed on since)."""
        registration = self.get(registration_id)
        if registration.link_generation != generation:
            raise WrongToken()
        return self._view(registration)

    def current_token(self, registration_id: UUID, generation: int = 0) -> str | None:
        """The manage token, while link `generation` is still in force (else None)."""
        registration = self.get(registration_id)
        if registration.link_generation != generation:
            return None
        return self.links.current(registration)

    def held_by(self, registration_ids: Sequence[UUID], token: str | None) -> UUID | None:
        """The one of these registrations whose manage token is `token`, if any."""
        registrations = [self.get(registration_id) for registration_id in registration_ids]
        return next((r.id for r in registrations if self.links.opens(r, token)), None)

    def send_link_again(self, slug: str, email: str) -> bool:
        """Issue a fresh manage link to the registration holding `email`, ending the one in
        force; the mailer sends it. False (nothing recorded) when no registration holds it."""

        def decision() -> tuple[list[Aggregate], bool]:
            edition = self.app.edition(slug)
            claim = self.app.find(claim_id(email_key(edition.id, email)), EmailClaim)
            if claim is None or claim.holder is None:
                return [], False
            registration = self.get(claim.holder)
            registration.renew_manage_link("resent")
            return [registration], True

        return self.app.decide(decision)

    def refund_preview(self, registration_id: UUID) -> CancellationTerms | None:
        """What cancelling now would keep and owe back, recording nothing (None: cancelled)."""
        registration = self.get(registration_id)
        policy = self._config(registration).cancellation_policy
        return registration.terms_if_cancelled(policy, self.clock())

    def correct_details(self, registration_id: UUID, changes: Mapping[str, Any],
                        reason: str | None = None,
                        claim: Claim | None = None) -> RegistrationView:
        """Staff give a `reason`; the holder gives none."""
        def decision() -> tuple[list[Aggregate | None], RegistrationView]:
            registration = self.get(registration_id)
            registration.correct_details({})  # a cancelled registration is refused first
            claims = self._move_claim(registration, changes.get("email") or
                                      registration.attendee.email)
            registration.correct_details(changes, reason)
            return [registration, *claims], self._view(registration)

        return self.app.decide(decision, claim)

    def answer_questions(self, registration_id: UUID,
                         answers: Mapping[str, Any]) -> RegistrationView:
        """The person's answers to every question asked of their type, checked as when
        registering; only what changed is recorded."""
        def decision() -> tuple[list[Aggregate], Registration]:
            registration = self.get(registration_id)
            config = self._config(registration)
            registration.give_answers(config.answers(registration.registration_type, answers))
            return [registration], registration

        return self._view(self.app.decide(decision))

    def substitute(self, registration_id: UUID, attendee: Attendee, reason: str | None = None,
                   claim: Claim | None = None) -> RegistrationView:
        """Another person takes the place, at the price already agreed (staff give a
        `reason`; the holder gives none)."""

        def decision() -> tuple[list[Aggregate | None], RegistrationView]:
            registration = self.get(registration_id)
            claims = self._move_claim(registration, attendee.email)
            old_codes = revoked(self.app, registration.checkin_secret, "substituted")
            registration.substitute(attendee, new_checkin_secret(), reason)
            new_codes = issued(registration.checkin_secret, registration.id)
            return [registration, *claims, *old_codes, *new_codes], self._view(registration)

        return self.app.decide(decision, claim)

    def _move_claim(self, registration: Registration, email: str) -> list[Aggregate | None]:
        """Release the current address and claim `email`, when they differ."""
        edition_id = registration.edition_id
        if email_key(edition_id, email) == email_key(edition_id, registration.attendee.email):
            return []
        return [self._release(registration), self._claim(edition_id, email, registration.id)]

    def cancel(self, registration_id: UUID, at: datetime | None = None,
               reason: str | None = None, waive_fee: bool = False,
               claim: Claim | None = None) -> CancellationTerms:
        """Cancel under the policy; staff give a `reason` and may waive its fixed fee."""
        moment = at or self.clock()

        def decision() -> tuple[list[Aggregate | None], CancellationTerms]:
            registration = self.get(registration_id)
            terms = registration.cancel(self._config(registration).cancellation_policy, moment,
                                        reason, waive_fee)
            return [registration, *self._place_freed(registration, terms, moment)], terms

        terms = self.app.decide(decision, claim)
        self._places_freed(registration_id)
        return terms

    def _freed(self, registration: Registration) -> list[Aggregate | None]:
        """What a place ending gives back: its seat, code use and allotment, and its e-mail
        address, saved with the event that ends it (in its turn on each resource, as
        registering takes it: Conference.hold)."""
        self.app.hold(registration.holds)
        allocations: list[Aggregate | None] = []
        for resource, units in Counter(registration.holds).items():  # an add-on's: per unit
            allocation = self.app.load(Allocation.create_id(resource), Allocation, "allocation")
            for _ in range(units):
                allocation.give_back(registration.id)
            allocations.append(allocation)
        return [self._release(registration), *allocations]

    def expire(self, registration_id: UUID, at: datetime | None = None) -> bool:
        """End an unpaid place whose payment deadline has passed (False: nothing to do, so
        several passes at once end it once: the second save is stale, and then refused)."""
        moment = at or self.clock()

        def decision() -> tuple[list[Aggregate | None], bool]:
            registration = self.get(registration_id)
            deadline = registration.payment_deadline(self._config(registration))
            if not registration.expire(deadline, moment):
                return [], False
            return [registration, *self._freed(registration)], True

        expired = self.app.decide(decision)
        if expired:
            self._places_freed(registration_id)
        return expired

    def _places_freed(self, registration_id: UUID) -> None:
        """Tell the hooks (the waiting list) that a place of this edition was given back."""
        if not self.freed_hooks:
            return
        edition = self.get(registration_id).edition_id
        for hook in self.freed_hooks:
            try:
                hook(edition)
            except Exception:  # what was saved stands; the periodic pass offers it
                log.exception("after a place was freed, %r failed", hook)

    def _place_freed(self, registration: Registration, terms: CancellationTerms,
                     moment: datetime) -> list[Aggregate | None]:
        """What a cancelled place gives back (see `_freed`) and what its cancellation entails
        (e.g. a credit note), to be saved with it."""
        consequences = [aggregate for hook in self.cancellation_hooks
                        for aggregate in hook(registration, terms, moment)]
        return [*self._freed(registration), *consequences]

    def approve(self, registration_id: UUID, note: str = "") -> RegistrationView:
        """The organisers accept a place of a type that needs approval: it may now be paid
        (the person is told by e-mail, with their link)."""
        def decision() -> tuple[list[Aggregate], Registration]:
            registration = self.get(registration_id)
            registration.approve(note, self.clock())
            return [registration], registration

        return self._view(self.app.decide(decision))

    def refuse_approval(self, registration_id: UUID, reason: str) -> RegistrationView:
        """The organisers turn a place down: it is cancelled keeping nothing, its seat and
        address freed (the person is told why by e-mail)."""
        moment = self.clock()

        def decision() -> tuple[list[Aggregate | None], Registration]:
            registration = self.get(registration_id)
            terms = registration.refuse_approval(reason)
            return [registration, *self._place_freed(registration, terms, moment)], registration

        refused = self.app.decide(decision)
        self._places_freed(registration_id)
        return self._view(refused)

    def history(self, registration_id: UUID) -> list[HistoryEntry]:
        """Every event of the registration, in order, in its published shape."""
        self.get(registration_id)
        return [history_entry(e) for e in self.app.events.get(registration_id)]


def extra_units(edition_id: UUID, quote: PriceQuote) -> dict[str, int]:
    """The add-ons' units a quote takes, by resource (one unit per ticket)."""
    return {resource_key(edition_id, "extra", line.code): line.quantity for line in quote.extras}


def extra_limits(config: EditionConfig, edition_id: UUID,
                 bought: Mapping[str, int]) -> list[tuple[str, int | None, Refused]]:
    """The limited add-ons among those `bought` (by resource), with their refusal."""
    return [(resource, extra.capacity,
             ExtraSoldOut(f"Not enough left of the add-on {extra.code}."))
            for extra in config.extras
            if (resource := resource_key(edition_id, "extra", extra.code)) in bought]
