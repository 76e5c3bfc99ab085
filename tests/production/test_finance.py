"""Invoices against the production topology: asked for by an attendee, issued by finance for a
delegation (paid by transfer, cancelled by a credit note), and many issued at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.production.api import (
    MONTREAL,
    Stack,
    answered,
    attachments,
    mail_to,
    not_stale,
    register,
    settles,
    status,
    unique,
)
from tests.support import invoicing

pytestmark = [pytest.mark.production, pytest.mark.postgres]



def ledger(stack: Stack, **filters: str) -> list[dict[str, Any]]:
    answer = stack.get(f"/api/editions/{MONTREAL}/invoices", stack.staff["finance"], **filters)
    return list(answered(answer, 200)["invoices"])


def serial(number: str) -> int:
    return int(number.removeprefix("SEUS19-"))


def test_an_attendee_who_asks_for_an_invoice_gets_it_in_the_answer_and_by_email(stack: Stack):
    tag = unique()
    created, holder = register(stack, tag, organisation="Hydro-Québec")

    response = stack.post(f"/api/registrations/{created['id']}/invoice", headers=holder,
                          json={"po_number": f"HQ-{tag}"})

    [mail] = mail_to(stack, f"{tag}@example.com", "Facture SEUS19-")
    [attached] = attachments(mail)
    number = attached.removesuffix(".pdf")
    invoice = answered(response, 201)
    assert response.headers["Location"] == f"/api/invoices/{number}"
    assert (invoice["number"], invoice["po_number"], invoice["total"], invoice["status"]) == (
        number, f"HQ-{tag}", "454.15", "unpaid")
    assert invoice["bill_to"]["name"] == "Hydro-Québec" and invoice["languages"] == ["fr"]
    assert answered(stack.get(f"/api/invoices/{number}", holder), 200)["number"] == number
    assert stack.get(f"/api/invoices/{number}.pdf", holder).headers[
        "Content-Type"] == "application/pdf"
    assert status(stack, created["id"], holder) == "invoiced"
    again = stack.post(f"/api/registrations/{created['id']}/invoice", headers=holder)
    assert answered(again, 409)["details"]["code"] == "already_invoiced"


def test_finance_invoices_a_delegation_records_a_transfer_and_cancels_with_a_credit_note(
        stack: Stack):
    finance, tag = stack.staff["finance"], unique()
    places = [register(stack, f"{tag}x{n}", delegation="ON") for n in range(3)]
    ids = [created["id"] for created, _ in places]
    billing = f"billing-{tag}@example.org"
    bill_to = {**invoicing.BILL_TO_FR, "email": billing}

    issued = stack.post(f"/api/editions/{MONTREAL}/invoices", headers=finance, json={
        "registrations": ids, "bill_to": bill_to, "po_number": f"PO-{tag}"})

    invoice = answered(issued, 201)
    number = invoice["number"]
    assert issued.headers["Location"] == f"/api/invoices/{number}"
    assert (invoice["delegation"], invoice["total"], invoice["balance_due"],
            invoice["status"]) == ("ON", "1362.45", "1362.45", "unpaid")
    assert [line["registration_id"] for line in invoice["lines"]] == ids
    assert answered(stack.get(f"/api/invoices/{number}", finance), 200)["total"] == "1362.45"

    transfer = {"amount": "454.15", "method": "bank_transfer", "reference": f"WIRE-{tag}",
                "received_on": "2019-03-18"}
    recorded = stack.post(f"/api/invoices/{number}/payments", headers=finance, json=transfer)
    paid = answered(recorded, 200)
    not_stale((paid["status"], paid["paid"], paid["balance_due"]) == (
        "partially_paid", "454.15", "908.30"), recorded, "the transfer of 454.15")
    again = stack.post(f"/api/invoices/{number}/payments", headers=finance, json=transfer)
    assert answered(again, 409)["details"]["code"] == "reference_used"  # entered twice
    assert [status(stack, i, finance) for i in ids] == ["paid", "invoiced", "invoiced"]

    cancelled = stack.post(f"/api/invoices/{number}/cancellation", headers=finance,
                           json={"reason": "duplicate"})

    note = answered(cancelled, 201)
    assert (note["kind"], note["refers_to_number"], note["total"]) == (
        "credit_note", number, "-1362.45")
    assert serial(note["number"]) > serial(number)
    assert [status(stack, i, finance) for i in ids] == ["paid", "pending_payment",
                                                        "pending_payment"]
    settles(lambda: [(r["number"], r["kind"], r["status"], r["total"], r["paid"], r["balance"])
                     for r in ledger(stack, delegation="ON") if r["number"] in {
                         number, note["number"]}],
            [(number, "invoice", "overpaid", "1362.45", "454.15", "-454.15"),
             (note["number"], "credit_note", "credit_note", "-1362.45", "0.00", "0.00")])
    [sent] = mail_to(stack, billing, f"Facture {number}")
    assert attachments(sent) == [f"{number}.pdf"]
    [receipt] = mail_to(stack, billing, f"Reçu de votre paiement de la facture {number}")
    assert attachments(receipt) == [f"{number}.pdf"]  # one receipt, to the payer
    assert not [m for m in stack.inbox.messages if m["Subject"].startswith("Votre reçu")
                and m["To"].startswith(tag)]  # none to the places' holders


def test_thirty_invoices_issued_at_once_each_answer_201_with_distinct_gapless_numbers(
        stack: Stack):
    tag = unique()
    with ThreadPoolExecutor(8) as pool:
        places = list(pool.map(lambda n: register(stack, f"{tag}x{n}")[0], range(30)))

    def issue(n: int) -> Any:
        return stack.post(f"/api/editions/{MONTREAL}/invoices", headers=stack.staff["finance"],
                          json={"registrations": [places[n]["id"]],
                                "bill_to": invoicing.BILL_TO_FR, "po_number": f"{tag}-{n}"})

    with ThreadPoolExecutor(10) as pool:
        responses = list(pool.map(issue, range(30)))

    def issued() -> dict[str, str]:
        return {r["po_number"]: r["number"] for r in ledger(stack)
                if (r["po_number"] or "").startswith(f"{tag}-")}

    settles(lambda: len(issued()), 30)
    numbers = issued()
    assert len(set(numbers.values())) == 30
    series = sorted(serial(r["number"]) for r in ledger(stack))
    assert series == list(range(1, len(series) + 1)), "the edition's series has a gap"
    for n, response in enumerate(responses):
        assert answered(response, 201)["number"] == numbers[f"{tag}-{n}"]
