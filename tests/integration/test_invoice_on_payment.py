"""A card payment's tax document: where the edition issues invoices on payment, a card
payment (through localstripe) for places no invoice bills gets an invoice issued paid, in
the invoices' own series. Read back from its PDF, it carries what the CRA asks of a document
supporting an input tax credit (Input Tax Credit Information Regulations, thresholds of
$100 and $500 since 2021) and what Revenu Québec asks for the QST."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from domain.payment import minor_units
from domain.registration import Attendee
from registration.adapters.invoice_document import render_invoice
from registration.projections.journal import JournalRow
from registration.projections.journal_queries import JournalFilter, card_movements, journal
from registration.projections.ledger_queries import InvoiceView, Ledger
from registration.services.container import Services
from tests.support import editions, invoicing
from tests.support.localstripe import card_token
from tests.support.pdfs import page_texts
from tests.support.staff_pages import signed_in

VISA = "4242424242424242"
STUDENT = {"code": "student", "names": {"en": "Student", "fr": "Personne étudiante"},
           "tiers": [{"name": "regular", "price": "50.00"}]}
ISSUER = invoicing.ISSUER["legal_name"]


@pytest.fixture
def app_overrides(stripe_settings: dict[str, str]) -> dict[str, str]:
    return stripe_settings


@pytest.fixture
def quebec(services: Services) -> str:
    document = invoicing.quebec()
    document["registration_types"].append(STUDENT)
    document["invoicing"]["bank"] = invoicing.BANK_CA
    services.editions.load(document)
    return document["slug"]


def register(services: Services, slug: str, n: int, kind: str = "delegate",
             **person: str) -> UUID:
    attendee = Attendee(**editions.attendee(n, **person))
    return services.registrations.register(slug, attendee, kind, "QC").registration.id


def pay_by_card(services: Services, localstripe: str, ids: list[UUID]) -> str:
    """Stripe.js's card step, then Stripe's notice of the payment."""
    checkout = services.payments.checkout(ids)
    services.payments.pay_with_card(checkout.reference, checkout.client_secret,
                                    card_token(localstripe, VISA))
    services.payments.record_intent(services.payments.gateway.intent(checkout.reference))
    return checkout.reference


def tax_document(services: Services, registration_id: UUID) -> tuple[InvoiceView, str]:
    number = services.registrations.get(registration_id).invoice_number
    assert number is not None, "no invoice was issued on payment"
    view = Ledger(services.read_models.store).view(number)
    assert view is not None
    text = "\n".join(page_texts(render_invoice(services.documents, view)))
    return view, re.sub(r"[ \u00a0\u202f]+", " ", text)


def assert_in(text: str, *expected: str) -> None:
    for item in expected:
        assert item in text, item


def test_under_100_dollars_the_invoice_names_the_supplier_date_total_and_taxes_paid(
        services, quebec, localstripe, client, staff_headers):
    student = register(services, quebec, 1, "student")
    reference = pay_by_card(services, localstripe, [student])
    view, text = tax_document(services, student)
    assert (view.document["number"], view.status, view.document["paid_by"]) == (
        "SEUS19-0001", "paid", reference)
    # 50,00 + TPS 2,50 + TVQ 4,99 = 57,49 $: supplier, date, total, GST paid
    assert_in(text, ISSUER, "FACTURE", "20 mars 2019", "PAYÉE", "Total (CAD) 57,49 $",
              "TPS (5 %)", "2,50 $", "TVQ (9,975 %)", "4,99 $",
              f"Payée par carte le 20 mars 2019 (paiement {reference})")
    assert "Payable par virement" not in text and "Coordonnées bancaires" not in text
    answer = client.get("/api/invoices/SEUS19-0001", headers=staff_headers["finance"]).json
    assert (answer["paid_by"], answer["status"], answer["balance_due"]) == (
        reference, "paid", "0.00")


def test_from_100_dollars_it_shows_the_gst_and_qst_numbers_and_each_tax_apart(
        services, quebec, localstripe):
    place = register(services, quebec, 1)
    pay_by_card(services, localstripe, [place])
    view, text = tax_document(services, place)
    assert (str(view.paid), str(view.balance)) == ("454.15", "0.00")
    assert_in(text, "Total (CAD) 454,15 $", "123456789 RT0001", "1234567890 TQ0001",
              "TPS (5 %)", "19,75 $", "TVQ (9,975 %)", "39,40 $", "Montant payé 454,15 $",
              "Solde dû (CAD) 0,00 $")


def test_from_500_dollars_it_names_the_recipient_the_supplies_and_the_terms(
        services, quebec, localstripe):
    """A delegation lead pays for two places at once: one invoice, billed to the lead's
    organisation, one line per place."""
    lead, colleague = register(services, quebec, 1), register(services, quebec, 2)
    pay_by_card(services, localstripe, [lead, colleague])
    view, text = tax_document(services, lead)
    assert services.registrations.get(colleague).invoice_number == view.document["number"]
    assert (view.document["bill_to"]["name"], view.document["bill_to"]["email"]) == (
        "Hydro-Québec", "person1@example.com")
    assert_in(text, "Total (CAD) 908,30 $", "FACTURER À", "Hydro-Québec", "François Tremblay1",
              "Personne déléguée — François", "Tremblay2", "Conditions de paiement",
              "Payable sur réception", "123456789 RT0001", "1234567890 TQ0001")


def test_an_english_payer_in_quebec_gets_a_french_first_document_with_english_labels(
        services, quebec, localstripe):
    place = register(services, quebec, 1, language="en")
    pay_by_card(services, localstripe, [place])
    _view, text = tax_document(services, place)
    assert_in(" ".join(text.split()), "FACTURE", "INVOICE", "TPS / GST (5 %)",
              "TVQ / QST (9,975 %)", "Paid by card on", "this invoice is the receipt for that "
              "payment", "Payable sur réception / Due on receipt",
              "Montants en CAD / Amounts in CAD", "Délégation / Delegation : Québec / Quebec",
              "Personne déléguée / Delegate")


def test_invoices_on_payment_share_the_series_and_a_place_already_invoiced_gets_no_second(
        services, quebec, localstripe):
    billed = register(services, quebec, 1)
    services.invoices.issue_for_holder(billed, None)  # SEUS19-0001, then paid by card
    pay_by_card(services, localstripe, [billed])
    paid = register(services, quebec, 2)
    pay_by_card(services, localstripe, [paid])
    assert services.registrations.get(billed).invoice_number == "SEUS19-0001"
    assert services.registrations.get(paid).invoice_number == "SEUS19-0002"
    ledger = Ledger(services.read_models.store)
    assert [(v.document["number"], v.status) for v in (
        ledger.view("SEUS19-0001"), ledger.view("SEUS19-0002")) if v] == [
        ("SEUS19-0001", "paid"), ("SEUS19-0002", "paid")]


def test_an_edition_may_turn_it_off_and_a_us_edition_has_it_off(services, localstripe):
    document: dict[str, Any] = invoicing.quebec()
    document["invoicing"] = {**document["invoicing"], "on_payment": False}
    services.editions.load(document)
    place = register(services, document["slug"], 1)
    pay_by_card(services, localstripe, [place])
    assert services.registrations.get(place).invoice_number is None
    georgia = invoicing.georgia()
    services.editions.load(georgia)
    attendee = Attendee(**editions.attendee(2))
    us_place = services.registrations.register(georgia["slug"], attendee, "delegate",
                                               "GA").registration.id
    pay_by_card(services, localstripe, [us_place])
    assert services.registrations.get(us_place).invoice_number is None


def test_cancelling_a_card_paid_place_credits_its_invoice_and_the_refund_settles_it(
        services, quebec, localstripe, clock):
    """Cancelled on April 20, the whole price less the policy's 50,00 $ fee comes back: the
    credit note credits what is refunded, and the invoice ends settled, nothing due."""
    place = register(services, quebec, 1)
    pay_by_card(services, localstripe, [place])
    clock.set("2019-04-20T12:00:00-04:00")
    services.cancellations.cancel(place)
    registration = services.registrations.get(place)
    assert (registration.refunded.amount, registration.standing.refund_owed.is_zero) == (
        Decimal("404.15"), True)
    ledger = Ledger(services.read_models.store)
    invoice, note = ledger.view("SEUS19-0001"), ledger.view("SEUS19-0002")
    assert invoice is not None and note is not None
    assert (note.document["kind"], note.document["refers_to_number"]) == (
        "credit_note", "SEUS19-0001")
    assert (str(invoice.paid), str(invoice.credited), str(invoice.balance), invoice.status) == (
        "50.00", "-404.15", "0.00", "paid")


def test_a_payment_at_the_desk_gets_the_same_tax_invoice_once_it_settles_the_place(
        services, quebec, client):
    """Part in cash, then the rest on the desk's card terminal: the payment that settles the
    place gets the invoice issued paid, which the attendee downloads like a card payer's."""
    answer = client.post(f"/api/editions/{quebec}/registrations", json={
        "attendee": editions.attendee(1), "registration_type": "delegate", "delegation": "QC"})
    place, holder = UUID(answer.json["id"]), {
        "Authorization": f"Bearer {answer.json['manage_token']}"}
    services.desk_payments.take_payment(place, Decimal("100.00"), "cash", None)
    assert services.registrations.get(place).invoice_number is None  # 354,15 $ still due
    services.desk_payments.take_payment(place, Decimal("354.15"), "card_terminal", "T-8841")
    view, text = tax_document(services, place)
    assert (view.document["paid_by"], view.document["paid_with"], view.status) == (
        "T-8841", "card_terminal", "paid")
    assert_in(text, "Total (CAD) 454,15 $", "Montant payé 454,15 $", "Solde dû (CAD) 0,00 $",
              "Payée par terminal de paiement à l\u2019accueil le 20 mars 2019 (paiement T-8841)")
    pdf = client.get(f"/api/invoices/{view.document['number']}.pdf", headers=holder)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    # The cash came before the invoice (a bare receipt): its row names none; the payment
    # that settled the place is recorded on the invoice, and its row names it.
    rows = journal_rows(services, quebec)
    assert sorted((r.method, r.amount, r.invoice) for r in rows) == [
        ("card_terminal", "354.15", view.document["number"]), ("cash", "100.00", None)]
    assert view.paid == Decimal("454.15")


def test_cash_at_the_desk_says_so_on_its_invoice(services, quebec):
    place = register(services, quebec, 1, "student")
    services.desk_payments.take_payment(place, Decimal("57.49"), "cash", None)
    view, text = tax_document(services, place)
    assert view.document["paid_with"] == "cash" and view.status == "paid"
    assert_in(text, "Payée comptant à l\u2019accueil le 20 mars 2019 (paiement cash-")


def journal_rows(services: Services, slug: str) -> list[JournalRow]:
    found = journal(services.read_models.store, services.editions.config(slug), JournalFilter())
    return [m.row for m in found.movements]


def by_invoice(rows: list[JournalRow]) -> dict[str | None, Decimal]:
    """The journal's total by the invoice each row names."""
    totals: dict[str | None, Decimal] = {}
    for row in rows:
        totals[row.invoice] = totals.get(row.invoice, Decimal(0)) + row.money
    return totals


def test_the_invoice_issued_on_a_card_payment_lists_it_and_the_journal_names_it(
        services, quebec, localstripe, app):
    """One card payment for a place already invoiced and two that are not: the two get the
    invoice issued on payment, which records the payment like any invoice — its page lists
    it with the charge, recorded by the system — and every journal row of the payment names
    an invoice, so the journal's totals by invoice are what each invoice shows as paid,
    while the reconciliation still adds the charge's rows up to the charge."""
    billed = register(services, quebec, 1)
    services.invoices.issue_for_holder(billed, None)  # SEUS19-0001
    first, second = register(services, quebec, 2), register(services, quebec, 3, "student")
    reference = pay_by_card(services, localstripe, [billed, first, second])
    intent = services.payments.gateway.intent(reference)
    number = services.registrations.get(first).invoice_number
    assert number == "SEUS19-0002" and services.registrations.get(second).invoice_number == number
    assert services.invoices.get(number).payment_references == [reference]

    ledger = Ledger(services.read_models.store)
    rows = [r for r in journal_rows(services, quebec) if r.reference == reference]
    assert sorted((r.invoice, r.amount, r.charge) for r in rows) == [
        ("SEUS19-0001", "454.15", intent.charge_id), (number, "511.64", intent.charge_id)]
    for paid in ("SEUS19-0001", number):
        view = ledger.view(paid)
        assert view is not None
        assert (view.status, str(view.balance), view.paid) == ("paid", "0.00",
                                                              by_invoice(rows)[paid])
    [charged] = [c for c in card_movements(services.read_models.store)
                 if c.reference == reference]
    assert minor_units(charged.amount) == intent.amount

    staff = signed_in(app, services, "finance@example.com", "finance")
    page = staff.get(f"/staff/finance/invoices/{number}?lang=fr").get_data(as_text=True)
    listed = re.search(r"<table class=\"data\" data-payments>.*?</table>", page, re.S)
    assert listed is not None
    payment = re.sub(r"<[^>]+>", " ", listed.group(0))
    assert_in(re.sub(r"\s+", " ", payment), "Carte", reference, intent.charge_id,
              "511,64 $", "Le système")
    assert "Payée" in page


def test_a_refund_on_cancelling_is_journalled_against_the_invoice_the_credit_note_credits(
        services, quebec, localstripe, clock, app):
    """Cancelled with the fee kept: the credit note credits part of the invoice (its page
    says so, not "cancels"), and the card refund's row names the invoice, so that the
    invoice's journal rows add up to what it shows as paid."""
    place = register(services, quebec, 1)
    reference = pay_by_card(services, localstripe, [place])
    clock.set("2019-04-20T12:00:00-04:00")
    services.cancellations.cancel(place)
    rows = journal_rows(services, quebec)
    assert sorted((r.kind, r.amount, r.invoice) for r in rows) == [
        ("payment", "454.15", "SEUS19-0001"), ("refund", "-404.15", "SEUS19-0001")]
    invoice = Ledger(services.read_models.store).view("SEUS19-0001")
    assert invoice is not None and invoice.paid == by_invoice(rows)["SEUS19-0001"]

    staff = signed_in(app, services, "finance@example.com", "finance")
    page = staff.get("/staff/finance/invoices/SEUS19-0001").get_data(as_text=True)
    listed = re.search(r"<table class=\"data\" data-payments>.*?</table>", page, re.S)
    assert listed is not None and reference in listed.group(0) and "Refund" in listed.group(0)
    note = staff.get("/staff/finance/invoices/SEUS19-0002").get_data(as_text=True)
    assert "credits SEUS19-0001" in note and "cancels" not in note
    french = staff.get("/staff/finance/invoices/SEUS19-0002?lang=fr").get_data(as_text=True)
    assert "crédite SEUS19-0001" in french


def test_a_credit_note_cancelling_the_whole_invoice_says_so(services, quebec, app):
    place = register(services, quebec, 1)
    services.invoices.issue_for_holder(place, None)
    services.invoices.cancel("SEUS19-0001", "billed by mistake")
    staff = signed_in(app, services, "finance@example.com", "finance")
    note = staff.get("/staff/finance/invoices/SEUS19-0002").get_data(as_text=True)
    assert "cancels SEUS19-0001" in note


def test_a_card_payment_landing_after_the_place_became_free_is_owed_back_not_invoiced(
        services, quebec, localstripe):
    """The card goes through at Stripe while finance moves the place to the free speaker
    type: the payment is recorded, no invoice bills 0,00 $, and the money is owed back."""
    place = register(services, quebec, 1)
    checkout = services.payments.checkout([place])
    services.staff_actions.change_place(place, "speaker", "QC", "déplacée par les finances")
    intent = services.payments.gateway.pay_with_token(
        checkout.reference, card_token(localstripe, VISA), "late@example.org")
    assert intent.succeeded
    services.payments.record_intent(services.payments.gateway.intent(checkout.reference))
    view = services.registrations.get(place)
    assert view.invoice_number is None
    assert view.total.is_zero and not view.paid.is_zero
    assert view.standing.refund_owed == view.paid
