"""Payments taken at the registration desk: a card terminal or cash, recorded on the place,
with the tax document a card payment gets (the invoice issued on payment, see invoices)."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from domain.edition import Edition
from domain.money import Money
from domain.registration import Registration
from registration.application import Conference
from registration.clock import Clock
from registration.idempotency import Claim
from registration.services.invoices import InvoiceService
from registration.services.views import RegistrationView, registration_view


class DeskPaymentService:
    def __init__(self, app: Conference, clock: Clock, invoices: InvoiceService) -> None:
        self.app = app
        self.clock = clock
        self.invoices = invoices

    def take_payment(self, registration_id: UUID, amount: Decimal, method: str,
                     reference: str | None, claim: Claim | None = None) -> RegistrationView:
        """Record money handed over at the desk (see Registration.take_payment_at_desk).

        Cash needs no reference: one is made up (`cash-…`) so that every payment has one.
        """
        given = reference or f"{method.replace('_', '-')}-{uuid4().hex[:10]}"

        def decision() -> tuple[list[Aggregate], RegistrationView]:
            registration = self.app.load(registration_id, Registration, "registration")
            config = self.app.load(registration.edition_id, Edition, "edition").config
            today = config.day_of(self.clock())
            money = Money(amount, registration.total.currency)
            number, document = self.invoices.on_desk_payment(registration, money, given, method)
            registration.take_payment_at_desk(money, method, given, today, number)
            return [registration, *document], registration_view(registration, config)

        return self.app.decide(decision, claim)
