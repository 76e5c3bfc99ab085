"""Whatever happens to registrations, the read models say what the aggregates say.

A Hypothesis state machine drives random sequences of real commands through the
application's services — registering, paying by card through localstripe (Stripe's notice
delivered again, late; a card confirmed at Stripe on a payment opened long before, after the
place was paid by cheque, cancelled or refunded), invoicing, cheques against invoices,
credit notes, cancelling (with the card refund the policy owes), substituting after check-in,
correcting, time passing the deadlines — and after every step compares, for each
registration, its read row and the attendance counts with what the aggregate itself decides
(`Registration.standing`). At the end, the live read models must also equal a rebuild from
scratch and the log's replay. (Stripe refuses a card on a payment the cancellation cancelled,
so money arriving after a refund is also checked event by event: tests/unit/test_standing.py.)
"""

from __future__ import annotations

import json
import os
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from itertools import count
from typing import Any
from uuid import UUID

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from domain.errors import DomainError
from domain.invoice_lines import BillTo, lines_total
from domain.money import Money
from domain.registration import Attendee, Registration
from registration.adapters.stripe_gateway import CardDeclined, GatewayUnavailable
from registration.projections.attendance import RegistrationRow
from registration.projections.journal_queries import JournalFilter
from registration.services.container import Services
from tests.support import editions
from tests.support.clock import SettableClock
from tests.support.localstripe import card_token

# Examples per part; the parts run side by side on the suite's workers: 500 on PostgreSQL
# and 150 on SQLite in all.
PARTS = 5
EXAMPLES = {"postgres": 100, "sqlite": 30}
if os.environ.get("REGISTRATION_LIFE_EXAMPLES"):  # a longer (or shorter) hunt, on demand
    EXAMPLES = dict.fromkeys(EXAMPLES, int(os.environ["REGISTRATION_LIFE_EXAMPLES"]) // PARTS)
VISA = "4242424242424242"
editions_made = count()


@pytest.fixture
def app_overrides(stripe_settings: dict[str, str]) -> dict[str, str]:
    return {**stripe_settings, "SYNC_PROJECTIONS": "false"}


class RegistrationLife(RuleBasedStateMachine):
    registrations = Bundle("registrations")
    people = count(1)

    def __init__(self, services: Services, clock: SettableClock, localstripe: str) -> None:
        super().__init__()
        self.services, self.clock, self.localstripe = services, clock, localstripe
        self.ids: list[UUID] = []
        self.notices: list[str] = []  # Stripe payments whose notice was delivered
        self.open_payments: list[str] = []  # opened, no card sent yet

    @initialize()
    def schedule_an_edition(self) -> None:
        self.clock.set("2019-03-20T10:00:00-04:00")
        self.slug = f"life-{next(editions_made)}"
        document = editions.edition(slug=self.slug, questions=[
            {"code": "diet", "kind": "text", "labels": {"en": "Dietary needs"}}])
        document["registration_types"][1]["approval"] = True  # speakers await approval
        self.services.editions.load(document)

    def attempt(self, command: Any, *args: Any) -> Any:
        """Run a command; refusals are part of life, and must leave reads consistent too."""
        try:
            return command(*args)
        except DomainError:
            return None

    @rule(target=registrations, kind=st.sampled_from(["delegate", "delegate", "speaker"]),
          delegation=st.sampled_from(["QC", "GA", "ON", None]),
          code=st.sampled_from([None, None, "PARTNER20"]))
    def register(self, kind: str, delegation: str | None, code: str | None) -> Any:
        person = Attendee(**editions.attendee(next(self.people)))
        created = self.attempt(self.services.registrations.register, self.slug, person, kind,
                               delegation, code)
        if created is None:
            return None
        self.ids.append(created.registration.id)
        return created.registration.id

    @rule(rid=registrations)
    def cancel(self, rid: UUID | None) -> None:
        if rid is not None:
            self.attempt(self.services.cancellations.cancel, rid)

    @rule(rid=registrations)
    def substitute(self, rid: UUID | None) -> None:
        if rid is not None:
            person = Attendee(**editions.attendee(next(self.people), first_name="Nadia"))
            self.attempt(self.services.registrations.substitute, rid, person)

    @rule(rid=registrations)
    def correct_details(self, rid: UUID | None) -> None:
        if rid is not None:
            self.attempt(self.services.registrations.correct_details, rid,
                         {"organisation": "Bombardier", "job_title": "Directrice"})

    @rule(rid=registrations, diet=st.sampled_from(["", "Végétalien"]))
    def answer(self, rid: UUID | None, diet: str) -> None:
        if rid is not None:
            self.attempt(self.services.registrations.answer_questions, rid, {"diet": diet})

    @rule(rid=registrations)
    def approve(self, rid: UUID | None) -> None:
        if rid is not None:
            self.attempt(self.services.registrations.approve, rid, "")

    @rule(rid=registrations)
    def turn_down(self, rid: UUID | None) -> None:
        if rid is not None:
            self.attempt(self.services.registrations.refuse_approval, rid, "The programme is full.")

    @rule(rid=registrations)
    def check_in(self, rid: UUID | None) -> None:
        if rid is not None:
            secret = self.services.registrations.get(rid).checkin_secret
            self.attempt(self.services.desk.check_in, self.slug, secret, "desk")

    @rule(rid=registrations)
    def invoice(self, rid: UUID | None) -> None:
        if rid is not None:
            bill_to = BillTo(name="Ministère de l\u2019Économie", language="fr")
            self.attempt(self.services.invoices.issue, self.slug, [rid], bill_to)

    @rule(rid=registrations, share=st.sampled_from(["1", "0.5", "1.2"]))
    def pay_invoice_by_cheque(self, rid: UUID | None, share: str) -> None:
        number = self.live_invoice(rid)
        if number is None:
            return
        invoice = self.services.invoices.get(number)
        amount = invoice.balance_due.times(Decimal(share)).rounded()
        if amount.amount > 0:
            self.attempt(self.services.invoices.record_payment, number, amount, "cheque",
                         f"CHQ-{next(self.people)}", self.clock().date())

    @rule(rid=registrations)
    def credit_the_invoice(self, rid: UUID | None) -> None:
        number = self.live_invoice(rid)
        if number is not None:
            self.attempt(self.services.invoices.cancel, number, "erreur de facturation")

    @rule(rid=registrations, kind=st.sampled_from(["delegate", "speaker"]),
          delegation=st.sampled_from(["QC", "GA", None]))
    def move(self, rid: UUID | None, kind: str, delegation: str | None) -> None:
        """Finance moves the place: where an invoice bills it, the difference is billed."""
        if rid is not None:
            self.attempt(self.services.staff_actions.change_place, rid, kind, delegation,
                         "déplacée par les finances")

    def live_invoice(self, rid: UUID | None) -> str | None:
        return None if rid is None else self.services.registrations.get(rid).invoice_number

    @rule(rid=registrations)
    def pay_by_card(self, rid: UUID | None) -> None:
        """Stripe.js's card step, then Stripe's notice of the payment (the webhook)."""
        if rid is None:
            return
        checkout = self.attempt(self.services.payments.checkout, [rid])
        if checkout is None:
            return
        token = card_token(self.localstripe, VISA)
        try:
            self.services.payments.pay_with_card(checkout.reference, checkout.client_secret,
                                                 token)
        except (DomainError, GatewayUnavailable):
            return
        self.deliver(checkout.reference)

    @rule(rid=registrations)
    def open_a_card_payment(self, rid: UUID | None) -> None:
        """The checkout page opens a payment; the person has not sent their card yet."""
        if rid is not None:
            checkout = self.attempt(self.services.payments.checkout, [rid])
            if checkout is not None:
                self.open_payments.append(checkout.reference)

    @rule(data=st.data())
    def stripe_confirms_a_card_late(self, data: st.DataObject) -> None:
        """The card goes through at Stripe while the place is being changed here (paid by
        cheque, cancelled, refunded): Stripe's notice then records a late payment."""
        if not self.open_payments:
            return
        reference = data.draw(st.sampled_from(self.open_payments))
        self.open_payments.remove(reference)
        try:
            intent = self.services.payments.gateway.pay_with_token(
                reference, card_token(self.localstripe, VISA), "late@example.org")
        except (GatewayUnavailable, CardDeclined):
            return  # Stripe refused (the payment was cancelled there): nothing to record
        if intent.succeeded:
            self.deliver(reference)

    @rule(data=st.data())
    def deliver_a_notice_again_late(self, data: st.DataObject) -> None:
        """Stripe delivers notices at least once, in any order, sometimes much later."""
        if self.notices:
            self.deliver(data.draw(st.sampled_from(self.notices)))

    def deliver(self, reference: str) -> None:
        intent = self.services.payments.gateway.intent(reference)
        self.services.payments.record_intent(intent, f"evt_{reference}_{len(self.notices)}")
        self.notices.append(reference)

    @rule()
    def time_passes(self) -> None:
        """Past the early-bird and full-refund deadlines, later in the season."""
        self.clock.set(self.clock() + timedelta(days=23))

    @invariant()
    def read_models_say_what_the_aggregates_say(self) -> None:
        if not hasattr(self, "slug"):
            return
        self.services.read_models.catch_up()
        config = self.services.editions.config(self.slug)
        rows = {UUID(r.registration_id): r for r in self.services.queries.registrations(config)}
        assert set(rows) == set(self.ids)
        expected: Counter[str] = Counter()
        for rid in self.ids:
            aggregate = self.services.registrations.get(rid)
            assert_row_matches(rows[rid], aggregate)
            attending = not aggregate.is_cancelled
            expected.update({
                "registered": 1, "cancelled": int(not attending),
                "paid": int(attending and aggregate.status == "paid"),
                "substituted": int(attending and aggregate.substitutions > 0),
                "checked_in": int(attending and aggregate.checked_in_at is not None)})
        totals = self.services.queries.attendance(config)["totals"]
        assert {k: totals[k] for k in expected} == {k: expected[k] for k in expected}
        # Money adds up: every movement in the journal is on a registration, or is what an
        # invoice received beyond the shares it passed on to its registrations.
        movements = self.services.queries.journal(config, JournalFilter())
        held = [self.services.registrations.get(rid) for rid in self.ids]
        assert movements.received == sum((a.paid.amount for a in held), Decimal(0)) + sum(
            self.kept_by_invoices(held), Decimal(0))
        assert -movements.refunded == sum((a.refunded.amount for a in held), Decimal(0))
        # Documents add up: what a place's invoices and credit notes bill it, net, is its
        # total while an invoice bills it, what its cancellation kept, or nothing.
        for registration in held:
            assert self.net_billed(registration) == billed_now(registration), registration.id
        assert totals["attending"] == expected["registered"] - expected["cancelled"]

    def net_billed(self, registration: Any) -> Decimal:
        """Every line for the place on the invoices that billed it and their credit notes."""
        key, net = str(registration.id), Decimal(0)
        for number in dict.fromkeys(registration.billed_by):
            invoice = self.services.invoices.get(number)
            notes = [self.services.invoices.get(n) for n in invoice.credit_notes]
            net += sum((Decimal(line["total"]["amount"]) for document in [invoice, *notes]
                        for line in document.lines if line["registration_id"] == key),
                       Decimal(0))
        return net

    def kept_by_invoices(self, held: list[Any]) -> list[Decimal]:
        """What each invoice received and did not pass on to its registrations' balances (what
        the places had paid before it was issued, its "prepaid", is theirs already)."""
        passed_on: Counter[str] = Counter()
        for registration in held:
            for event in self.services.app.events.get(registration.id):
                if isinstance(event, Registration.PaymentReceived) and event.details.invoice:
                    passed_on[event.details.invoice] += event.amount.amount
        numbers = {number for registration in held for number in registration.billed_by}
        invoices = [self.services.invoices.get(number) for number in numbers]
        return [invoice.paid.amount - passed_on[invoice.number]
                - lines_total(invoice.lines, "prepaid", invoice.currency).amount
                for invoice in invoices]

    def teardown(self) -> None:
        if not hasattr(self, "slug"):
            return
        config = self.services.editions.config(self.slug)
        live = self.services.queries.attendance(config)
        later = self.clock() + timedelta(seconds=1)
        assert self.services.queries.attendance(config, later)["totals"] == live["totals"]


def billed_now(registration: Any) -> Decimal:
    if registration.invoice_number is None:
        return Decimal(0)
    if registration.cancellation is not None:
        return min(registration.cancellation.retained, registration.total).amount
    return registration.total.amount


def assert_row_matches(row: RegistrationRow, aggregate: Any) -> None:
    """The row's figures and standing are the aggregate's own."""
    decided = aggregate.standing
    currency = aggregate.total.currency
    assert (row.status, row.attending) == (decided.status, decided.attending), row
    assert row.money("balance_due") == decided.balance_due, row
    assert row.money("refund_owed") == decided.refund_owed, row
    assert row.money("paid") == aggregate.paid, row
    assert row.money("refunded") == aggregate.refunded, row
    assert Money(Decimal(row.total), currency) == aggregate.total, row
    assert row.invoiced == (aggregate.invoice_number is not None)
    assert (row.first_name, row.email) == (aggregate.attendee.first_name,
                                            aggregate.attendee.email)
    assert row.substitutions == aggregate.substitutions
    assert (row.checked_in_at is not None) == (aggregate.checked_in_at is not None)
    assert (json.loads(row.answers), row.approval) == (aggregate.answers, aggregate.approval or "")


@pytest.mark.parametrize("part", range(PARTS))
def test_read_models_and_attendance_always_equal_what_each_registration_says(
    services: Services, clock: SettableClock, localstripe: str, database_url: str | None,
    part: int,
) -> None:
    backend = "postgres" if database_url else "sqlite"
    run_state_machine_as_test(
        lambda: RegistrationLife(services, clock, localstripe),
        settings=settings(max_examples=max(EXAMPLES[backend], 1), stateful_step_count=20,
                          deadline=None, suppress_health_check=list(HealthCheck)))
    services.read_models.rebuild()
    for slug in {f"life-{n}" for n in range(next(editions_made))}:
        config = services.editions.config(slug) if services.app.find_edition(slug) else None
        if config is not None:
            for row in services.queries.registrations(config):
                assert_row_matches(row, services.registrations.get(UUID(row.registration_id)))
