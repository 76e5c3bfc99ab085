"""Attendees against the production topology: register, pay by card, cancel, hand on a place."""

from __future__ import annotations

import re

import pytest
import requests

from registration.adapters.stripe_gateway import StripeGateway
from tests.production.api import (
    TIMEOUT,
    Stack,
    answered,
    attachments,
    events,
    found,
    mail_to,
    pay_by_card,
    person,
    register,
    settles,
    status,
    text_of,
    unique,
)

pytestmark = [pytest.mark.production, pytest.mark.postgres]


def test_a_registration_is_answered_at_once_and_its_confirmation_link_opens_it(stack: Stack):
    tag = unique()
    created, holder = register(stack, tag, delegation="QC")
    assert (created["status"], created["delegation"], created["quote"]["total"]) == (
        "pending_payment", "QC", "454.15")
    shown = answered(stack.get(f"/api/registrations/{created['id']}", holder), 200)
    assert shown["quote"] == created["quote"] and shown["attendee"]["email"] == f"{tag}@example.com"

    [confirmation] = mail_to(stack, f"{tag}@example.com", "Votre inscription à")
    link = re.search(rf"{re.escape(stack.topology.base_url)}(/r/\S+)", text_of(confirmation))
    assert link, text_of(confirmation)
    page = requests.get(f"{stack.topology.base_url}{link.group(1)}", timeout=TIMEOUT)
    assert page.status_code == 200 and f"Tremblay{tag}" in page.text

    row = settles(lambda: [(a["registration"], a["status"]) for a in found(stack, tag)],
                  [(created["id"], "pending_payment")])
    assert row


def test_paying_by_card_is_recorded_from_stripes_signed_webhook_and_a_receipt_is_mailed(
        stack: Stack):
    tag = unique()
    created, holder = register(stack, tag)

    payment = pay_by_card(stack, created["id"], holder)

    received = [e for e in events(stack, created["id"], holder)
                if e["event"] == "PaymentReceived"]
    assert [(e["details"]["reference"], e["details"]["amount"]) for e in received] == [
        (payment, {"amount": "454.15", "currency": "CAD"})]
    [receipt] = mail_to(stack, f"{tag}@example.com", "Votre reçu")
    invoiced = [e for e in events(stack, created["id"], holder) if e["event"] == "Invoiced"]
    number = invoiced[0]["details"]["invoice_number"]  # issued paid on the card payment
    assert attachments(receipt) == [f"{number}.pdf"]
    settles(lambda: [a["status"] for a in found(stack, tag)], ["paid"])
    again = stack.post(f"/api/registrations/{created['id']}/payment", headers=holder)
    assert answered(again, 409)["details"] == {"code": "already_paid"}


def test_cancelling_a_card_paid_place_refunds_it_through_stripe_exactly_once(stack: Stack):
    tag = unique()
    created, holder = register(stack, tag)
    payment = pay_by_card(stack, created["id"], holder)

    cancelled = answered(stack.post(f"/api/registrations/{created['id']}/cancellation",
                                    headers=holder), 200)

    assert cancelled["refund"] == {"refund_percent": "100", "retained": "50.00",
                                   "refund_owed": "404.15", "currency": "CAD"}
    gateway = StripeGateway("sk_test_local", stack.localstripe, "pk_test_local")
    assert [(r.amount, r.metadata["registration_id"]) for r in gateway.refunds(payment)] == [
        (40415, created["id"])]
    assert status(stack, created["id"], holder) == "refunded"
    settles(lambda: [a["status"] for a in found(stack, tag)], ["refunded"])
    again = stack.post(f"/api/registrations/{created['id']}/cancellation", headers=holder)
    assert answered(again, 409)["details"] == {"code": "already_cancelled"}
    happened = [e["event"] for e in events(stack, created["id"], holder)]
    assert (happened.count("Cancelled"), happened.count("RefundIssued")) == (1, 1)
    assert len(gateway.refunds(payment)) == 1
    # The mailer process tells the attendee of both, from the events' own facts.
    mails = mail_to(stack, f"{tag}@example.com", "Votre inscription", count=2)
    [notice] = [m for m in mails if m["Subject"].endswith("est annulée")]
    assert "Remboursement qui vous est dû\u00a0: 404,15\u00a0$" in text_of(notice)
    [refunded] = mail_to(stack, f"{tag}@example.com", "Votre remboursement")
    assert "Nous avons remboursé 404,15\u00a0$ sur la carte" in text_of(refunded)


def test_a_colleague_takes_the_place_at_the_same_price_and_the_desk_finds_them(stack: Stack):
    tag, colleague_tag = unique(), unique()
    created, holder = register(stack, tag)
    colleague = person(colleague_tag, first_name="Marie")

    handed_on = answered(stack.post(f"/api/registrations/{created['id']}/substitution",
                                    json={"attendee": colleague}, headers=holder), 200)

    assert handed_on["attendee"]["email"] == colleague["email"]
    assert handed_on["substitutions"] == 1 and handed_on["quote"] == created["quote"]
    assert stack.get(f"/api/registrations/{created['id']}", holder).status_code == 403
    # The mailer process derives the colleague's new link (the old one ended at once).
    [new_link] = mail_to(stack, colleague["email"], "Votre lien personnel")
    token = re.search(r"token=(\S+)", text_of(new_link))
    assert token, text_of(new_link)
    assert "vous a cédé sa place" in text_of(new_link)
    shown = answered(stack.get(f"/api/registrations/{created['id']}",
                               {"Authorization": f"Bearer {token.group(1)}"}), 200)
    assert shown["attendee"]["last_name"] == f"Tremblay{colleague_tag}"
    settles(lambda: ([a["registration"] for a in found(stack, colleague_tag)],
                     found(stack, tag)), ([created["id"]], []))
    register(stack, tag)  # the first person's address is free again
