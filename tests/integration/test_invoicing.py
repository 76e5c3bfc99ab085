"""Issuing invoices and credit notes, paying them, and the ledger, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from domain.errors import (
    AlreadyCancelled,
    AlreadyInvoiced,
    MoreThanDue,
    NotFound,
    ReferenceAlreadyUsed,
)
from domain.invoice import Invoice, MissingTaxNumber, NotCreditable, UnknownRegistration
from domain.invoice_lines import BillTo
from domain.money import Money
from domain.registration import Attendee
from registration.projections.ledger_queries import Ledger, ledger_csv
from registration.services.container import Services
from registration.services.invoices import InvoiceRef
from registration.services.views import RegistrationView
from tests.support import editions, invoicing
from tests.support.clock import SettableClock
from tests.support.log import head_at_rest

SLUG = "test-montreal"
BILL_TO = BillTo(name="Gouvernement du Québec", contact="Louise Gagnon", language="fr")


def cad(amount: str) -> Money:
    return Money(Decimal(amount), "CAD")


@pytest.fixture
def quebec(services: Services) -> str:
    services.editions.load(invoicing.quebec())
    return SLUG


def register(services: Services, n: int, slug: str = SLUG,
             delegation: str = "QC") -> RegistrationView:
    attendee = Attendee(**editions.attendee(n))
    return services.registrations.register(slug, attendee, "delegate", delegation).registration


def issued(services: Services, document: InvoiceRef) -> Invoice:
    """The invoice or credit note a command issued, as the event store keeps it."""
    return services.invoices.get(document.number)


def ledger(services: Services) -> Ledger:
    return Ledger(services.read_models.store)


def test_a_delegation_invoice_bills_each_place_with_quebec_taxes_and_marks_it_invoiced(
        services, quebec):
    places = [register(services, n) for n in range(3)]
    invoice = issued(services, services.invoices.issue(SLUG, [p.id for p in places], BILL_TO,
                                                       "PO-2019-118"))
    assert invoice.number == "SEUS19-0001"
    assert [(t.code, t.base.amount, t.amount.amount) for t in invoice.tax_lines] == [
        ("GST", Decimal("1185.00"), Decimal("59.25")),
        ("QST", Decimal("1185.00"), Decimal("118.20"))]
    assert invoice.total == cad("1362.45") == cad("454.15") + cad("454.15") + cad("454.15")
    assert invoice.document["due_on"] == "2019-04-19" and invoice.document["delegation"] == "QC"
    assert {services.registrations.get(p.id).status for p in places} == {"invoiced"}
    rows = services.queries.registrations(services.editions.config(SLUG))
    assert {row.status for row in rows} == {"invoiced"}
    view = ledger(services).view("SEUS19-0001")
    assert view is not None and view.status == "unpaid" and view.balance == Decimal("1362.45")


def test_refused_requests_issue_nothing_and_consume_no_number(services, quebec):
    billed, cancelled, other = (register(services, n) for n in range(3))
    services.invoices.issue(SLUG, [billed.id], BILL_TO)
    services.registrations.cancel(cancelled.id)
    before = head_at_rest(services)
    with pytest.raises(AlreadyInvoiced):
        services.invoices.issue(SLUG, [other.id, billed.id], BILL_TO)
    with pytest.raises(AlreadyCancelled):
        services.invoices.issue(SLUG, [cancelled.id], BILL_TO)
    with pytest.raises(UnknownRegistration):
        services.invoices.issue(SLUG, [uuid4()], BILL_TO)
    with pytest.raises(NotFound):
        services.invoices.issue("no-such-edition", [other.id], BILL_TO)
    assert services.app.recorder.max_notification_id() == before
    assert services.invoices.issue(SLUG, [other.id], BILL_TO).number == "SEUS19-0002"


def test_a_registration_of_another_edition_cannot_be_billed(services, quebec):
    services.editions.load(invoicing.georgia())
    atlanta = register(services, 1, "test-atlanta", "GA")
    with pytest.raises(UnknownRegistration):
        services.invoices.issue(SLUG, [atlanta.id], BILL_TO)


def test_an_invoice_over_100_dollars_is_refused_without_the_issuers_tax_numbers(services):
    services.editions.load(invoicing.quebec(tax_numbers={"GST": "123456789 RT0001"}))
    place = register(services, 1)
    with pytest.raises(MissingTaxNumber, match="QST"):
        services.invoices.issue(SLUG, [place.id], BILL_TO)


def test_a_bank_transfer_pays_the_invoice_and_each_place_once(services, quebec):
    places = [register(services, n) for n in range(2)]
    services.invoices.issue(SLUG, [p.id for p in places], BILL_TO)
    services.invoices.record_payment("SEUS19-0001", cad("600.00"), "bank_transfer",
                                     "WIRE-7731", date(2019, 3, 19))
    with pytest.raises(ReferenceAlreadyUsed, match="WIRE-7731"):  # the same transfer again
        services.invoices.record_payment("SEUS19-0001", cad("600.00"), "bank_transfer",
                                         "WIRE-7731", date(2019, 3, 19))
    first, second = (services.registrations.get(p.id) for p in places)
    assert (first.status, first.paid) == ("paid", cad("454.15"))
    assert (second.status, second.paid) == ("invoiced", cad("145.85"))
    view = ledger(services).view("SEUS19-0001")
    assert view is not None and (view.status, view.balance) == ("partially_paid",
                                                                Decimal("308.30"))
    services.invoices.record_payment("SEUS19-0001", cad("308.30"), "cheque", "CHQ-0042",
                                     date(2019, 3, 20))
    view = ledger(services).view("SEUS19-0001")
    assert view is not None and (view.status, view.balance) == ("paid", Decimal("0.00"))
    assert services.registrations.get(places[1].id).status == "paid"


def test_an_overpayment_needs_confirming_and_then_shows_as_a_credit_to_refund(
        services, quebec):
    place = register(services, 1)
    services.invoices.issue(SLUG, [place.id], BILL_TO)
    with pytest.raises(MoreThanDue, match=r"454\.15"):
        services.invoices.record_payment("SEUS19-0001", cad("999999999.99"), "bank_transfer",
                                         "WIRE-1", date(2019, 3, 19))
    services.invoices.record_payment("SEUS19-0001", cad("500.00"), "bank_transfer", "WIRE-1",
                                     date(2019, 3, 19), overpayment=True)
    view = ledger(services).view("SEUS19-0001")
    assert view is not None and (view.status, view.balance) == ("overpaid", Decimal("-45.85"))
    assert services.registrations.get(place.id).status == "paid"


def test_card_payments_on_an_invoiced_place_count_toward_the_invoice(services, quebec):
    place = register(services, 1)
    services.invoices.issue(SLUG, [place.id], BILL_TO)
    services.app.decide(lambda: _card_payment(services, place.id, "pi_123", "454.15"))
    view = ledger(services).view("SEUS19-0001")
    assert view is not None and (view.status, view.paid) == ("paid", Decimal("454.15"))


def _card_payment(services: Services, registration_id: UUID, reference: str, amount: str):
    registration = services.registrations.get(registration_id)
    registration.record_payment(cad(amount), "card", reference, {})
    return [registration], None


def test_what_was_paid_before_invoicing_shows_as_paid_on_the_invoice(services, quebec):
    place = register(services, 1)
    services.app.decide(lambda: _card_payment(services, place.id, "pi_9", "100.00"))
    invoice = issued(services, services.invoices.issue(SLUG, [place.id], BILL_TO))
    assert invoice.balance_due == cad("354.15")
    view = ledger(services).view(invoice.number)
    assert view is not None and view.paid == Decimal("100.00")


def test_cancelling_an_invoiced_place_issues_a_credit_note_that_keeps_the_fee_billed(
        services, quebec, clock: SettableClock):
    kept, cancelled = register(services, 1), register(services, 2)
    services.invoices.issue(SLUG, [kept.id, cancelled.id], BILL_TO)
    clock.set("2019-05-10T12:00:00-04:00")  # 50 % refund, plus the 50.00 fee kept
    terms = services.registrations.cancel(cancelled.id)
    assert terms.retained == cad("277.07")
    invoice = services.invoices.get("SEUS19-0001")
    note = services.invoices.get("SEUS19-0002")
    assert note.kind == "credit_note" and note.document["refers_to_number"] == "SEUS19-0001"
    assert note.total == cad("-177.08") == -(cad("454.15") - terms.retained)
    assert note.subtotal + sum((t.amount for t in note.tax_lines), cad("0")) == note.total
    assert invoice.balance_due == cad("454.15") + terms.retained
    view = ledger(services).view("SEUS19-0001")
    assert view is not None and view.credit_notes == ("SEUS19-0002",)
    assert view.balance == Decimal("731.22")
    with pytest.raises(AlreadyCancelled):
        services.registrations.cancel(cancelled.id)
    assert services.app.find(note.id, type(note)) is not None


def test_finance_cancels_an_invoice_with_a_credit_note_and_the_places_can_be_billed_again(
        services, quebec):
    places = [register(services, n) for n in range(2)]
    services.invoices.issue(SLUG, [p.id for p in places], BILL_TO)
    note = issued(services, services.invoices.cancel("SEUS19-0001", "wrong bill-to"))
    assert (note.number, note.total, note.document["reason"]) == (
        "SEUS19-0002", cad("-908.30"), "wrong bill-to")
    assert {services.registrations.get(p.id).status for p in places} == {"pending_payment"}
    view = ledger(services).view("SEUS19-0001")
    assert view is not None and (view.status, view.balance) == ("cancelled", Decimal("0.00"))
    with pytest.raises(NotCreditable):
        services.invoices.cancel("SEUS19-0001")
    with pytest.raises(NotCreditable):
        services.invoices.cancel("SEUS19-0002")
    again = services.invoices.issue(SLUG, [p.id for p in places], BILL_TO)
    assert again.number == "SEUS19-0003"


def test_credit_notes_can_have_their_own_series(services):
    services.editions.load(invoicing.georgia())
    place = register(services, 1, "test-atlanta", "GA")
    invoice = issued(services, services.invoices.issue("test-atlanta", [place.id],
                                                       BillTo(name="Georgia DED")))
    assert (invoice.number, invoice.total, invoice.tax_lines) == (
        "ATL19-00001", Money(Decimal("395.00"), "USD"), [])
    assert services.invoices.cancel(invoice.number).number == "ATL19-CN-00001"


def test_the_ledger_filters_by_delegation_status_and_unpaid_and_exports_csv(services, quebec):
    quebec_place, ontario_place = register(services, 1), register(services, 2, delegation="ON")
    services.invoices.issue(SLUG, [quebec_place.id], BILL_TO)
    services.invoices.issue(SLUG, [ontario_place.id], BillTo(name="Ontario"))
    services.invoices.record_payment("SEUS19-0002", cad("454.15"), "cheque", "C-1",
                                     date(2019, 3, 18))
    services.invoices.cancel("SEUS19-0001")
    edition = str(services.app.edition(SLUG).id)
    numbers = lambda **f: [r.number for r in ledger(services).rows(edition, **f)]  # noqa: E731
    assert numbers() == ["SEUS19-0001", "SEUS19-0002", "SEUS19-0003"]
    assert numbers(delegation="ON") == ["SEUS19-0002"]
    assert numbers(status="credit_note") == ["SEUS19-0003"]
    assert numbers(unpaid=True) == []
    lines = ledger_csv(ledger(services).rows(edition)).decode("utf-8-sig").splitlines()
    assert lines[0] == ("number,type,refers_to,issue_date,due_date,bill_to,delegation,po_number,"
                        "currency,subtotal,GST 5%,QST 9.975%,total,paid,balance,status")
    assert lines[3] == ("SEUS19-0003,credit_note,SEUS19-0001,2019-03-20,2019-03-20,"
                        "Gouvernement du Québec,QC,,CAD,-395.00,-19.75,-39.40,-454.15,0.00,"
                        "0.00,credit_note")


def test_the_ledger_is_rebuilt_from_the_log_to_the_same_rows(services, quebec):
    place = register(services, 1)
    services.invoices.issue(SLUG, [place.id], BILL_TO)
    services.invoices.record_payment("SEUS19-0001", cad("100.00"), "cheque", "C-1",
                                     date(2019, 3, 18))
    edition = str(services.app.edition(SLUG).id)
    before = ledger(services).rows(edition)
    services.read_models.rebuild()
    assert ledger(services).rows(edition) == before


@pytest.fixture
def halifax(services: Services, clock: SettableClock) -> str:
    services.editions.load(invoicing.nova_scotia())
    clock.set("2025-03-10T10:00:00-03:00")
    return "test-halifax"


def test_nova_scotia_hst_follows_the_due_date_either_side_of_april_first(
        services, halifax, clock: SettableClock):
    place = register(services, 1, halifax)
    assert place.quote.tax_lines[0].rate == Decimal("15")  # quoted in March
    # due 2025-04-09
    due_in_april = issued(services, services.invoices.issue(halifax, [place.id], BILL_TO))
    assert [(t.code, t.rate, t.amount) for t in due_in_april.tax_lines] == [
        ("HST", Decimal("14"), cad("55.30"))]
    assert services.registrations.get(place.id).total == cad("450.30")
    services.editions.load({**invoicing.nova_scotia(), "invoicing": {
        "prefix": "HFX25-", "payment_terms_days": 14}})
    early = register(services, 2, halifax)
    # due 2025-03-24
    due_in_march = issued(services, services.invoices.issue(halifax, [early.id], BILL_TO))
    assert [(t.rate, t.amount) for t in due_in_march.tax_lines] == [
        (Decimal("15"), cad("59.25"))]


def test_nova_scotia_hst_follows_an_earlier_payment(services, halifax, clock: SettableClock):
    place = register(services, 1, halifax)
    clock.set("2025-03-25T10:00:00-03:00")
    services.app.decide(lambda: _card_payment(services, place.id, "pi_deposit", "100.00"))
    clock.set("2025-03-28T10:00:00-03:00")
    # due 2025-04-27
    invoice = issued(services, services.invoices.issue(halifax, [place.id], BILL_TO))
    assert [(t.rate, t.amount) for t in invoice.tax_lines] == [(Decimal("15"), cad("59.25"))]
