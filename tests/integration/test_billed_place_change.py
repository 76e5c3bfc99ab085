"""Finance moves a place an invoice bills: the difference in price is billed beside that
invoice — a supplementary invoice when the new place costs more, a credit note when less,
nothing when the same — and cancelling the place afterwards credits every invoice of it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

import pytest

from domain.actor import Actor, acting_as
from domain.invoice import NotCreditable
from domain.invoice_lines import BillTo
from domain.money import Money
from domain.registration import Attendee, Registration
from registration.services.container import Services
from tests.support import editions, invoicing
from tests.support.clock import SettableClock

SLUG = "test-montreal"
BILL_TO = BillTo(name="Gouvernement du Québec", contact="Louise Gagnon",
                 email="louise@example.ca", language="fr")
FINANCE = Actor.staff("finance-1", "Jeanne Tremblay", "finance")
EXHIBITOR = {"code": "exhibitor", "names": {"en": "Exhibitor", "fr": "Exposant·e"},
             "tiers": [{"name": "regular", "price": "695.00"}]}


def cad(amount: str) -> Money:
    return Money(Decimal(amount), "CAD")


@pytest.fixture
def quebec(services: Services) -> str:
    document = invoicing.quebec()
    document["registration_types"].append(EXHIBITOR)
    services.editions.load(document)
    return SLUG


def invoiced_delegate(services: Services, n: int = 1) -> UUID:
    """A delegate at the early-bird price (454.15 $ with taxes), billed by SEUS19-0001."""
    attendee = Attendee(**editions.attendee(n))
    place = services.registrations.register(SLUG, attendee, "delegate", "QC").registration
    services.invoices.issue(SLUG, [place.id], BILL_TO)
    return place.id


def move(services: Services, place: UUID, registration_type: str,
         delegation: str = "QC") -> Registration:
    with acting_as(FINANCE):
        services.staff_actions.change_place(place, registration_type, delegation,
                                            "asked by the delegation")
    return services.registrations.get(place)


def test_a_dearer_place_gets_a_supplementary_invoice_for_the_difference_and_its_taxes(
        services, quebec):
    place = invoiced_delegate(services)
    moved = move(services, place, "exhibitor")
    supplement = services.invoices.get("SEUS19-0002")
    document = supplement.document
    # 695 - 395 = 300,00 $ + TPS 15,00 + TVQ 29,93 = 344,93 $, same series, same bill-to
    assert (supplement.kind, document["refers_to_number"], supplement.total) == (
        "invoice", "SEUS19-0001", cad("344.93"))
    assert [(t.code, t.amount) for t in supplement.tax_lines] == [
        ("GST", cad("15.00")), ("QST", cad("29.93"))]
    assert document["bill_to"]["name"] == BILL_TO.name
    assert document["lines"][0]["item"]["en"] == "Exhibitor"
    assert date.fromisoformat(document["due_on"]) - date.fromisoformat(
        document["issued_on"]) == timedelta(days=30)
    assert document["reason"] == "place_change"  # staff's own reason stays in the history
    assert moved.total == moved.quote.total == cad("799.08")
    assert moved.balance_due == cad("799.08")
    adjusted = [e for e in services.app.events.get(place)
                if isinstance(e, Registration.InvoiceAdjusted)]
    assert [(e.document_number, e.amount, e.actor.name, e.reason) for e in adjusted] == [
        ("SEUS19-0002", cad("344.93"), "Jeanne Tremblay", "asked by the delegation")]
    # both paid by transfer: the place is paid
    services.invoices.record_payment("SEUS19-0001", cad("454.15"), "bank_transfer", "T-1",
                                     date(2019, 3, 18))
    assert services.registrations.get(place).balance_due == cad("344.93")
    services.invoices.record_payment("SEUS19-0002", cad("344.93"), "bank_transfer", "T-2",
                                     date(2019, 3, 19))
    assert services.registrations.get(place).status == "paid"


def test_a_cheaper_place_gets_a_credit_note_and_what_was_paid_beyond_is_owed_back(
        services, quebec):
    place = invoiced_delegate(services)
    services.invoices.record_payment("SEUS19-0001", cad("454.15"), "bank_transfer", "T-1",
                                     date(2019, 3, 18))
    moved = move(services, place, "speaker")
    note = services.invoices.get("SEUS19-0002")
    assert (note.kind, note.document["refers_to_number"], note.total) == (
        "credit_note", "SEUS19-0001", cad("-454.15"))
    assert services.invoices.get("SEUS19-0001").balance_due == cad("-454.15")
    assert moved.total == cad("0.00")
    assert moved.standing.refund_owed == cad("454.15")
    with acting_as(FINANCE):
        services.staff_actions.refund_by_hand(place, Decimal("454.15"), "bank_transfer",
                                              "R-1", "difference after the move")
    assert services.registrations.get(place).standing.refund_owed == cad("0.00")


def test_the_same_price_elsewhere_issues_no_document(services, quebec):
    place = invoiced_delegate(services)
    moved = move(services, place, "delegate", "GA")
    assert moved.delegation == "GA" and moved.total == cad("454.15")
    assert not services.invoices.exists("SEUS19-0002")


def test_cancelling_a_moved_place_credits_every_invoice_and_the_fee_stays_billed_once(
        services, quebec, clock: SettableClock):
    place = invoiced_delegate(services)
    move(services, place, "exhibitor")
    services.invoices.record_payment("SEUS19-0001", cad("454.15"), "bank_transfer", "T-1",
                                     date(2019, 3, 18))
    services.invoices.record_payment("SEUS19-0002", cad("344.93"), "bank_transfer", "T-2",
                                     date(2019, 3, 19))
    with pytest.raises(NotCreditable):  # its two invoices go together: cancel the place
        services.invoices.cancel("SEUS19-0002")
    clock.set("2019-05-10T12:00:00-04:00")  # 50 % refund, plus the 50.00 fee kept
    terms = services.registrations.cancel(place)
    notes = [services.invoices.get(n) for n in ("SEUS19-0003", "SEUS19-0004")]
    assert [n.document["refers_to_number"] for n in notes] == ["SEUS19-0001", "SEUS19-0002"]
    credited = sum((n.total for n in notes), cad("0"))
    assert credited == -(cad("799.08") - terms.retained)
    for note in notes:
        assert note.subtotal + sum((t.amount for t in note.tax_lines), cad("0")) == note.total
    invoices = [services.invoices.get(n) for n in ("SEUS19-0001", "SEUS19-0002")]
    owed_back = -sum((i.balance_due for i in invoices), cad("0"))
    assert owed_back == terms.refund_owed == cad("799.08") - terms.retained


def test_a_cheaper_move_after_a_dearer_one_credits_the_supplementary_invoice(
        services, quebec):
    """Delegate -> exhibitor (SEUS19-0002 for the 344,93 $ more) -> delegate again: the
    credit note credits SEUS19-0002, which is no longer due; the person owes their invoice."""
    place = invoiced_delegate(services)
    move(services, place, "exhibitor")
    moved = move(services, place, "delegate")
    note = services.invoices.get("SEUS19-0003")
    assert (note.kind, note.document["refers_to_number"], note.total) == (
        "credit_note", "SEUS19-0002", cad("-344.93"))
    original, supplement = (services.invoices.get(n) for n in ("SEUS19-0001", "SEUS19-0002"))
    assert (original.balance_due, supplement.balance_due) == (cad("454.15"), cad("0.00"))
    assert supplement.credit_notes == ["SEUS19-0003"] and original.credit_notes == []
    assert moved.total == moved.balance_due == cad("454.15")
    services.invoices.record_payment("SEUS19-0001", cad("454.15"), "bank_transfer", "T-1",
                                     date(2019, 3, 18))
    paid = services.registrations.get(place)
    assert (paid.status, paid.balance_due, paid.standing.refund_owed) == (
        "paid", cad("0.00"), cad("0.00"))


def test_a_move_cheaper_than_the_first_place_credits_the_supplement_then_the_invoice(
        services, quebec):
    """Delegate -> exhibitor -> speaker (free): one credit note per document credited."""
    place = invoiced_delegate(services)
    move(services, place, "exhibitor")
    services.invoices.record_payment("SEUS19-0002", cad("344.93"), "bank_transfer", "T-2",
                                     date(2019, 3, 19))
    moved = move(services, place, "speaker")
    notes = [services.invoices.get(n) for n in ("SEUS19-0003", "SEUS19-0004")]
    assert [(n.document["refers_to_number"], n.total) for n in notes] == [
        ("SEUS19-0002", cad("-344.93")), ("SEUS19-0001", cad("-454.15"))]
    original, supplement = (services.invoices.get(n) for n in ("SEUS19-0001", "SEUS19-0002"))
    assert (original.balance_due, supplement.balance_due) == (cad("0.00"), cad("-344.93"))
    assert moved.total == cad("0.00") and moved.standing.refund_owed == cad("344.93")
    adjusted = [(e.document_number, e.refers_to_number, e.amount)
                for e in services.app.events.get(place)
                if isinstance(e, Registration.InvoiceAdjusted)]
    assert adjusted == [("SEUS19-0002", "SEUS19-0001", cad("344.93")),
                        ("SEUS19-0003", "SEUS19-0002", cad("-344.93")),
                        ("SEUS19-0004", "SEUS19-0001", cad("-454.15"))]


def test_a_moved_place_cheaper_then_cancelled_is_credited_only_what_is_still_billed(
        services, quebec):
    place = invoiced_delegate(services)
    with acting_as(FINANCE):
        services.staff_actions.change_place(place, "exhibitor", "QC", "upgrade")
        services.staff_actions.change_place(place, "delegate", "QC", "back again")
    assert services.invoices.get("SEUS19-0003").total == cad("-344.93")
    terms = services.registrations.cancel(place)  # only the fixed fee is kept
    documents = [services.invoices.get(f"SEUS19-000{n}") for n in range(1, 5)]
    assert [d.kind for d in documents] == ["invoice", "invoice", *["credit_note"] * 2]
    assert documents[3].document["refers_to_number"] == "SEUS19-0001"  # 0002 is credited
    assert not services.invoices.exists("SEUS19-0005")
    assert sum((d.total for d in documents), cad("0")) == terms.retained == cad("50.00")
