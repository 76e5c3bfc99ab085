"""What finance staff do to a registration by hand: move it to another type or delegation,
and record a refund sent outside the card processor (see domain.staff_actions).

Correcting, substituting and cancelling are the registration's own commands
(RegistrationService, CancellationService); staff give them a reason where the attendee
gives none.
"""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.availability import resource_key
from domain.capacity import Allocation
from domain.edition import Edition
from domain.money import Money
from domain.registration import Registration
from domain.staff_actions import requote
from registration.application import Conference
from registration.idempotency import Claim
from registration.services.invoices import InvoiceService
from registration.services.registrations import RegistrationService
from registration.services.views import RegistrationView, registration_view


class StaffActionService:
    def __init__(self, app: Conference, registrations: RegistrationService,
                 invoices: InvoiceService) -> None:
        self.app = app
        self.registrations = registrations
        self.invoices = invoices

    def change_place(self, registration_id: UUID, registration_type: str,
                     delegation: str | None, reason: str,
                     claim: Claim | None = None) -> RegistrationView:
        """Re-quote the place as `registration_type` for `delegation` at its original moment,
        taking the new type's and delegation's places and giving back the old ones in the
        same save (refused, with nothing changed, when the new ones have no room). A place
        an invoice bills gets the difference billed in the same save (a supplementary
        invoice or a credit note: InvoiceService.on_place_change)."""

        def decision() -> tuple[list[Aggregate], RegistrationView]:
            registration = self.registrations.get(registration_id)
            config = self.app.load(registration.edition_id, Edition, "edition").config
            if delegation is not None:
                config.delegation(delegation)
            quote = requote(config, registration.quote, registration_type)
            taken = self.registrations.allocations(
                config, registration.edition_id, registration_type, delegation, None,
                held=registration.holds)
            returned = self._returned(registration, registration_type, delegation)
            holds = [h for h in registration.holds if h not in {a.resource for a in returned}]
            before = registration.quote
            registration.change_place(registration_type, delegation, quote,
                                      [*holds, *(a.resource for a in taken)], reason)
            billed = self.invoices.on_place_change(registration, before, reason)
            for allocation in taken:
                allocation.take(registration.id)
            for allocation in returned:
                allocation.give_back(registration.id)
            return ([registration, *billed, *taken, *returned],
                    registration_view(registration, config))

        return self.app.decide(decision, claim)

    def _returned(self, registration: Registration, registration_type: str,
                  delegation: str | None) -> list[Allocation]:
        """The type's and delegation's places this registration holds and will no longer."""
        def key(kind: str, code: str | None) -> str | None:
            return None if code is None else resource_key(registration.edition_id, kind, code)

        leaving = {key("type", registration.registration_type),
                   key("delegation", registration.delegation)}
        leaving -= {key("type", registration_type), key("delegation", delegation)}
        return [self.app.load(Allocation.create_id(resource), Allocation, "allocation")
                for resource in registration.holds if resource in leaving]

    def refund_by_hand(self, registration_id: UUID, amount: Decimal, method: str,
                       reference: str, reason: str,
                       claim: Claim | None = None) -> RegistrationView:
        """Record money staff sent back themselves (Registration.refund_by_hand)."""

        def decision() -> tuple[list[Aggregate], RegistrationView]:
            registration = self.registrations.get(registration_id)
            config = self.app.load(registration.edition_id, Edition, "edition").config
            registration.refund_by_hand(Money(amount, registration.total.currency), method,
                                        reference, reason)
            return [registration], registration_view(registration, config)

        return self.app.decide(decision, claim)
