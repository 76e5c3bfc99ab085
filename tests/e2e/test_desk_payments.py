"""Payments taken at the desk: the card shows what is due, the desk records a card terminal
or cash payment, finance sees it with its reference, and mistakes are pointed out."""

from __future__ import annotations

import html
import re
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from flask import Flask
from flask.testing import FlaskClient

from registration.services.container import Services
from tests.support import editions
from tests.support.staff_pages import signed_in


@pytest.fixture
def place(client: FlaskClient, edition: dict[str, Any]) -> dict[str, Any]:
    answer = client.post("/api/editions/test-montreal/registrations", json={
        "attendee": editions.attendee(1), "registration_type": "delegate", "delegation": "QC"})
    assert answer.status_code == 201
    return answer.json


def pay(client: FlaskClient, registration_id: str, headers: dict[str, str],
        **payment: str) -> Any:
    return client.post(f"/api/registrations/{registration_id}/desk-payments", json=payment,
                       headers=headers)


def form_of(page: str) -> dict[str, str]:
    return dict(re.findall(r'name="(csrf_token|idempotency_key)" value="([^"]+)"', page))


def test_the_desk_takes_part_in_cash_then_the_rest_on_the_terminal_and_finance_sees_both(
        client: FlaskClient, place: dict[str, Any],
        staff_headers: dict[str, dict[str, str]]) -> None:
    desk, due = staff_headers["desk"], place["balance_due"]
    answer = pay(client, place["id"], desk, amount="100.00", method="cash")
    assert answer.status_code == 201, answer.json
    assert Decimal(answer.json["balance_due"]) == Decimal(due) - 100
    rest = answer.json["balance_due"]
    answer = pay(client, place["id"], desk, amount=rest, method="card_terminal",
                 reference="T-8841")
    assert answer.status_code == 201 and answer.json["status"] == "paid"
    history = client.get(f"/api/registrations/{place['id']}/history",
                         headers=staff_headers["finance"]).json["events"]
    received = [e for e in history if e["event"] == "PaymentReceived"]
    assert [(e["details"]["method"], e["actor"]["name"]) for e in received] == [
        ("cash", "test-desk"), ("card_terminal", "test-desk")]
    assert received[0]["details"]["reference"].startswith("cash-")
    assert received[1]["details"]["reference"] == "T-8841"


@pytest.mark.parametrize(("payment", "status", "says"), [
    ({"amount": "9999.00", "method": "cash"}, 409, "Only 454.15 CAD is due."),
    ({"amount": "10.00", "method": "card_terminal"}, 422, "transaction number"),
    ({"amount": "10.00", "method": "cheque"}, 422, "method"),
    ({"amount": "dix", "method": "cash"}, 422, "An amount like 1,258.98."),
])
def test_a_wrong_desk_payment_is_refused_and_records_nothing(
        client: FlaskClient, place: dict[str, Any], staff_headers: dict[str, dict[str, str]],
        payment: dict[str, str], status: int, says: str) -> None:
    answer = pay(client, place["id"], staff_headers["desk"], **payment)
    assert answer.status_code == status
    assert says in str(answer.json)
    assert client.get(f"/api/registrations/{place['id']}", headers={
        "Authorization": f"Bearer {place['manage_token']}"}).json["paid"] == "0.00"


def test_a_terminal_reference_typed_twice_is_refused(
        client: FlaskClient, place: dict[str, Any],
        staff_headers: dict[str, dict[str, str]]) -> None:
    desk = staff_headers["desk"]
    assert pay(client, place["id"], desk, amount="10.00", method="card_terminal",
               reference="T-1").status_code == 201
    answer = pay(client, place["id"], desk, amount="10.00", method="card_terminal",
                 reference="T-1")
    assert answer.status_code == 409 and answer.json["details"]["code"] == "reference_used"


def test_only_the_desk_takes_payments(client: FlaskClient, place: dict[str, Any],
                                      staff_headers: dict[str, dict[str, str]]) -> None:
    assert pay(client, place["id"], staff_headers["finance"], amount="1.00",
               method="cash").status_code == 403
    assert pay(client, place["id"], {}, amount="1.00", method="cash").status_code == 401


def test_on_the_card_the_desk_types_a_french_amount_and_a_double_click_pays_once(
        app: Flask, services: Services, place: dict[str, Any]) -> None:
    desk = signed_in(app, services, "desk@example.com", "desk")
    card = f"/staff/desk/attendees/{place['id']}"
    page = desk.get(f"{card}?lang=fr").get_data(as_text=True)
    assert "Encaisser le paiement" in page and "à payer" in page
    form = {**form_of(page), "method": "cash", "amount": "100,00", "reference": ""}
    first = desk.post(f"{card}/payments", data=form)
    again = desk.post(f"{card}/payments", data=form)
    assert first.status_code == again.status_code == 303
    page = desk.get(first.location).get_data(as_text=True)
    assert "Le paiement est enregistré" in html.unescape(page)
    view = services.registrations.view(UUID(place["id"]))
    assert str(view.paid.amount) == "100.00"


def test_on_the_card_a_mistake_is_shown_beside_its_field_in_french(
        app: Flask, services: Services, place: dict[str, Any]) -> None:
    desk = signed_in(app, services, "desk@example.com", "desk")
    card = f"/staff/desk/attendees/{place['id']}"
    page = desk.get(f"{card}?lang=fr").get_data(as_text=True)
    answer = desk.post(f"{card}/payments", data={
        **form_of(page), "method": "cash", "amount": "1 000 000,00"})
    assert answer.status_code == 422
    assert "plus que le montant à payer" in html.unescape(answer.get_data(as_text=True))
    answer = desk.post(f"{card}/payments", data={
        **form_of(page), "idempotency_key": "another-key-123", "method": "cash",
        "amount": "12.345,6"})
    assert answer.status_code == 422
    assert "Un montant comme 1\u00a0258,98." in html.unescape(answer.get_data(as_text=True))
