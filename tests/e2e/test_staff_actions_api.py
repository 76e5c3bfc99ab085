"""Finance's actions on a registration through the API: documented answers, the finance
role only, a refund by hand posted once per Idempotency-Key."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.support import editions


@pytest.fixture
def place(client: FlaskClient, edition: dict[str, Any],
          staff_headers: dict[str, dict[str, str]]) -> dict[str, Any]:
    answer = client.post("/api/editions/test-montreal/registrations", json={
        "attendee": editions.attendee(1), "registration_type": "delegate", "delegation": "QC"})
    assert answer.status_code == 201
    paid = client.post(f"/api/registrations/{answer.json['id']}/desk-payments",
                       headers=staff_headers["desk"], json={"amount": "454.15", "method": "cash"})
    assert paid.status_code == 201
    return answer.json


def test_finance_moves_a_paid_place_to_a_free_type_and_refunds_the_difference_by_hand(
        client: FlaskClient, place: dict[str, Any],
        staff_headers: dict[str, dict[str, str]]) -> None:
    finance, address = staff_headers["finance"], f"/api/registrations/{place['id']}"
    assert client.post(f"{address}/place-change", headers=staff_headers["desk"], json={
        "registration_type": "speaker", "reason": "Invited"}).status_code == 403
    moved = client.post(f"{address}/place-change", headers=finance, json={
        "registration_type": "speaker", "delegation": "QC", "reason": "Invited to speak"})
    assert moved.status_code == 200, moved.json
    assert (moved.json["registration_type"], moved.json["quote"]["total"]) == ("speaker", "0.00")
    refund = {"amount": "454.15", "method": "bank_transfer", "reference": "VIR-9",
              "reason": "Speakers come free"}
    headers = {**finance, "Idempotency-Key": "refund-key-0001"}
    first = client.post(f"{address}/refunds", headers=headers, json=refund)
    again = client.post(f"{address}/refunds", headers=headers, json=refund)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert first.json["refunded"] == "454.15"
    history = client.get(f"{address}/history", headers=finance).json["events"]
    assert [(e["event"], e["details"].get("reason")) for e in history[-3:]] == [
        ("PlaceChanged", "Invited to speak"), ("InvoiceAdjusted", "Invited to speak"),
        ("RefundIssued", "Speakers come free")]
    # paid at the desk, the place was billed on payment: the difference is credited
    credit = history[-2]["details"]
    assert (credit["kind"], credit["amount"]["amount"], credit["total"]["amount"]) == (
        "credit_note", "-454.15", "0.00")
    held = client.get(f"{address}/history", headers={
        "Authorization": f"Bearer {place['manage_token']}"}).json["events"]
    assert all("reason" not in e["details"] for e in held if e["event"] != "ManageLinkRenewed")


@pytest.mark.parametrize(("action", "payload", "status", "says"), [
    ("place-change", {"registration_type": "delegate", "delegation": "QC", "reason": "x"},
     422, "Choose another registration type or delegation."),
    ("place-change", {"registration_type": "nobody", "reason": "x"}, 422, "nobody"),
    ("place-change", {"registration_type": "speaker"}, 422, "reason"),
    ("refunds", {"amount": "500.00", "method": "cheque", "reference": "C-1", "reason": "x"},
     409, "Only 454.15 CAD was paid"),
    ("refunds", {"amount": "5.00", "method": "card", "reference": "C-1", "reason": "x"},
     422, "method"),
    ("staff-cancellation", {"waive_fee": True}, 422, "reason"),
])
def test_a_wrong_staff_action_is_refused_and_changes_nothing(
        client: FlaskClient, place: dict[str, Any], staff_headers: dict[str, dict[str, str]],
        action: str, payload: dict[str, Any], status: int, says: str) -> None:
    address = f"/api/registrations/{place['id']}"
    before = client.get(f"{address}/history", headers=staff_headers["finance"]).json
    answer = client.post(f"{address}/{action}", headers=staff_headers["finance"], json=payload)
    assert answer.status_code == status and says in str(answer.json)
    assert client.get(f"{address}/history", headers=staff_headers["finance"]).json == before


def test_finance_cancels_with_a_reason_and_without_the_fee(
        client: FlaskClient, place: dict[str, Any],
        staff_headers: dict[str, dict[str, str]]) -> None:
    answer = client.post(f"/api/registrations/{place['id']}/staff-cancellation",
                         headers=staff_headers["finance"],
                         json={"reason": "Visa refused", "waive_fee": True})
    assert answer.status_code == 200, answer.json
    assert answer.json["registration"]["status"] == "cancelled"
    assert answer.json["refund"]["refund_owed"] == "454.15"
