"""Money is never taken twice for one place: a card payment of an invoiced place is paid on
its invoice, and an invoice paid otherwise leaves nothing to pay by card.

Against localstripe, with its signed webhooks landing on the app over HTTP, as the other
card-payment tests; each test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any
from uuid import UUID

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from domain.actor import acting_as
from registration.projections.journal_queries import card_movements
from registration.services.container import Services
from tests.integration.test_billed_place_change import EXHIBITOR, FINANCE
from tests.integration.test_card_payments import (
    SLUG,
    VISA,
    open_payment,
    pay,
    registered,
    status,
    stripe_events,
)
from tests.support import editions
from tests.support.localstripe import eventually, signed
from tests.support.staff_pages import signed_in

PLACE = "454.15"  # a delegate's place in the Quebec test edition, taxes included
GEORGIA = {"name": "Georgia Department of Economic Development", "language": "en"}


@pytest.fixture
def app_overrides(stripe_settings: dict[str, str]) -> dict[str, str]:
    return stripe_settings


def invoice(client: FlaskClient, number: str, finance: dict[str, str]) -> dict[str, Any]:
    answer = client.get(f"/api/invoices/{number}", headers=finance)
    assert answer.status_code == 200, answer.json
    return answer.json


def record(client: FlaskClient, number: str, finance: dict[str, str], amount: str,
           reference: str, **more: Any) -> Any:
    return client.post(f"/api/invoices/{number}/payments", headers=finance, json={
        "amount": amount, "method": "cheque", "reference": reference,
        "received_on": "2019-03-20", **more})


def movements(client: FlaskClient, finance: dict[str, str]) -> list[dict[str, Any]]:
    answer = client.get(f"/api/editions/{SLUG}/journal", headers=finance)
    assert answer.status_code == 200, answer.json
    return list(answer.json["movements"])


def paid_by_card(client: FlaskClient, localstripe: str, rid: str, holder: dict[str, str],
                 finance: dict[str, str]) -> str:
    """Paid, once the webhook is recorded and the read models (journal, ledger) have it."""
    payment = open_payment(client, rid, holder)
    assert pay(client, localstripe, payment, VISA).json["status"] == "succeeded"
    reference = str(payment["payment"])
    eventually(lambda: any(m["reference"] == reference for m in movements(client, finance)))
    assert status(client, rid, holder) == "paid"
    return reference


def test_a_card_payment_of_an_invoiced_place_pays_its_invoice_once(
        client: FlaskClient, edition: dict[str, Any], webhook_server: str, localstripe: str,
        staff_headers: dict[str, dict[str, str]], app: Flask, services: Services) -> None:
    finance = staff_headers["finance"]
    rid, holder = registered(client)
    asked = client.post(f"/api/registrations/{rid}/invoice", headers=holder)
    assert asked.status_code == 201, asked.json
    number = asked.json["number"]
    assert invoice(client, number, finance)["balance_due"] == PLACE

    reference = paid_by_card(client, localstripe, rid, holder, finance)
    paid = invoice(client, number, finance)
    assert (paid["status"], paid["paid"], paid["balance_due"]) == ("paid", PLACE, "0.00")
    assert services.invoices.get(number).balance_due.is_zero
    card = [m for m in movements(client, finance) if m["reference"] == reference]
    assert [(m["method"], m["amount"], m["invoice"]) for m in card] == [("card", PLACE, number)]

    # The cheque for the same place arrives afterwards: it is more than is due.
    refused = record(client, number, finance, PLACE, "CHQ-1")
    assert refused.status_code == 409, refused.json
    assert refused.json["details"]["code"] == "more_than_due"
    assert invoice(client, number, finance)["balance_due"] == "0.00"
    accepted = record(client, number, finance, PLACE, "CHQ-1", overpayment=True)
    assert accepted.status_code == 200, accepted.json
    assert (accepted.json["status"], accepted.json["balance_due"]) == ("overpaid", "-454.15")

    # Stripe's notice again (a replay, then read afresh): nothing is recorded twice.
    secret = app.config["SETTINGS"].stripe_webhook_secret
    for event in stripe_events(localstripe, "payment_intent.succeeded", reference):
        body = json.dumps(event).encode()
        answer = requests.post(f"{webhook_server}/webhooks/stripe", data=body,
                               headers=signed(body, secret), timeout=10)
        assert answer.json()["outcome"] == "duplicate"
    services.payments.record_intent(services.payments.gateway.intent(reference))
    again = invoice(client, number, finance)
    assert (again["paid"], again["balance_due"]) == ("908.30", "-454.15")
    assert sorted((m["method"], m["amount"]) for m in movements(client, finance)) == [
        ("card", PLACE), ("cheque", PLACE)]


def test_an_invoice_paid_by_transfer_leaves_nothing_to_pay_by_card(
        client: FlaskClient, edition: dict[str, Any], localstripe: str,
        staff_headers: dict[str, dict[str, str]], services: Services) -> None:
    finance = staff_headers["finance"]
    rid, holder = registered(client)
    opened = open_payment(client, rid, holder)  # the card form was opened first
    number = client.post(f"/api/registrations/{rid}/invoice", headers=holder).json["number"]
    assert record(client, number, finance, PLACE, "WIRE-1").status_code == 200
    assert services.payments.gateway.intent(opened["payment"]).status == "canceled"
    assert status(client, rid, holder) == "paid"
    refused = client.post(f"/api/registrations/{rid}/payment", headers=holder)
    assert refused.status_code == 409 and refused.json["details"]["code"] == "already_paid"


def test_a_place_paid_by_card_then_invoiced_is_invoiced_as_paid(
        client: FlaskClient, services: Services, webhook_server: str, localstripe: str,
        staff_headers: dict[str, dict[str, str]]) -> None:
    """Without invoices on payment: finance invoices a place its holder already paid."""
    services.editions.load(editions.edition(invoicing={"on_payment": False}))
    finance = staff_headers["finance"]
    rid, holder = registered(client)
    paid_by_card(client, localstripe, rid, holder, finance)
    asked = client.post(f"/api/registrations/{rid}/invoice", headers=holder)
    assert asked.status_code == 409 and asked.json["details"]["code"] == "already_paid"
    issued = client.post(f"/api/editions/{SLUG}/invoices", headers=finance, json={
        "registrations": [rid], "bill_to": GEORGIA})
    assert issued.status_code == 201, issued.json
    assert (issued.json["status"], issued.json["balance_due"]) == ("paid", "0.00")
    refused = record(client, issued.json["number"], finance, PLACE, "WIRE-2")
    assert refused.status_code == 409 and refused.json["details"]["code"] == "more_than_due"


def test_one_member_of_a_delegation_invoice_pays_by_card_and_the_transfer_pays_the_rest(
        client: FlaskClient, edition: dict[str, Any], webhook_server: str, localstripe: str,
        staff_headers: dict[str, dict[str, str]]) -> None:
    finance = staff_headers["finance"]
    (first, first_holder), (second, second_holder) = registered(client, 1), registered(client, 2)
    number = client.post(f"/api/editions/{SLUG}/invoices", headers=finance, json={
        "registrations": [first, second], "bill_to": GEORGIA}).json["number"]
    reference = paid_by_card(client, localstripe, second, second_holder, finance)
    partly = invoice(client, number, finance)
    assert (partly["status"], partly["paid"], partly["balance_due"]) == (
        "partially_paid", PLACE, PLACE)
    assert status(client, first, first_holder) == "invoiced"
    refused = record(client, number, finance, "908.30", "WIRE-GA")
    assert refused.status_code == 409 and refused.json["details"]["code"] == "more_than_due"
    assert record(client, number, finance, PLACE, "WIRE-GA").status_code == 200
    assert invoice(client, number, finance)["status"] == "paid"
    assert status(client, first, first_holder) == "paid"
    on_invoice = sorted((m["method"], m["reference"], m["amount"])
                        for m in movements(client, finance) if m["invoice"] == number)
    assert on_invoice == [("card", reference, PLACE), ("cheque", "WIRE-GA", PLACE)]


def test_one_card_payment_of_a_moved_place_is_journalled_under_each_invoice_it_paid(
        app: Flask, client: FlaskClient, services: Services, webhook_server: str,
        localstripe: str, staff_headers: dict[str, dict[str, str]]) -> None:
    """Invoiced as a delegate (454,15 $), moved to exhibitor (a supplementary invoice for
    344,93 $), paid by card: the journal, its CSV and each invoice's page name the same
    amount against the same number, and the reconciliation still sees one charge."""
    services.editions.load(editions.edition(
        registration_types=[*editions.QUEBEC["registration_types"], EXHIBITOR]))
    finance = staff_headers["finance"]
    rid, holder = registered(client)
    number = client.post(f"/api/registrations/{rid}/invoice", headers=holder).json["number"]
    with acting_as(FINANCE):
        services.staff_actions.change_place(UUID(rid), "exhibitor", None, "asked by phone")
    supplement = services.invoices.get(services.registrations.get(UUID(rid)).billed_by[-1])
    assert (supplement.document["refers_to_number"], str(supplement.total.amount)) == (
        number, "344.93")

    reference = paid_by_card(client, localstripe, rid, holder, finance)
    expected = sorted([(number, PLACE), (supplement.number, "344.93")])
    card = [m for m in movements(client, finance) if m["reference"] == reference]
    assert sorted((m["invoice"], m["amount"]) for m in card) == expected
    for number_paid, amount in expected:
        assert invoice(client, number_paid, finance)["paid"] == amount
    assert {m["charge"] for m in card} == {services.payments.gateway.intent(reference).charge_id}
    [charged] = [c for c in card_movements(services.read_models.store)
                 if c.reference == reference]
    assert str(charged.amount.amount) == "799.08"

    staff = signed_in(app, services, "finance@example.com", "finance")
    export = staff.get(f"/staff/finance/{SLUG}/journal.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(export.lstrip("\ufeff"))))
    assert sorted((r["Invoice"], r["Amount"]) for r in rows
                  if r["Reference"] == reference) == expected
    for number_paid, amount in expected:
        page = staff.get(f"/staff/finance/invoices/{number_paid}").get_data(as_text=True)
        listed = re.search(r"<table class=\"data\" data-payments>.*?</table>", page, re.S)
        assert listed is not None, number_paid
        assert reference in listed.group(0) and f"${amount}" in listed.group(0)
