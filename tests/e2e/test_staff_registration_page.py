"""Finance's page for one registration: correct, hand on, change type or delegation, cancel
with or without the fee, refund by hand — each with its reason in the history, in English
and French, posted once however often the button is pressed, refused with nothing changed."""

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
from tests.e2e.test_french_pages import english_in
from tests.support import editions
from tests.support.staff_pages import signed_in


def register(client: FlaskClient, number: int, delegation: str = "QC",
             **person: str) -> dict[str, Any]:
    answer = client.post("/api/editions/test-montreal/registrations", json={
        "attendee": editions.attendee(number, **person), "registration_type": "delegate",
        "delegation": delegation})
    assert answer.status_code == 201, answer.json
    return answer.json


@pytest.fixture
def finance(app: Flask, services: Services, edition: dict[str, Any]) -> FlaskClient:
    return signed_in(app, services, "finance@example.com", "finance")


def keys(page: str, action: str) -> dict[str, str]:
    """The CSRF token and the idempotency key of the form posting to `action`."""
    found = re.search(rf'action="[^"]*/{action}"(.*?)</form>', page, re.S)
    assert found is not None, action
    return dict(re.findall(r'name="(csrf_token|idempotency_key)" value="([^"]+)"',
                           found.group(1)))


def post(client: FlaskClient, registration_id: str, action: str, lang: str = "en",
         **fields: str) -> Any:
    address = f"/staff/registrations/{registration_id}"
    page = client.get(f"{address}?lang={lang}").get_data(as_text=True)
    return client.post(f"{address}/{action}", data={**keys(page, action), **fields})


def history(client: FlaskClient, registration_id: str, lang: str = "en") -> list[str]:
    page = client.get(f"/staff/registrations/{registration_id}?lang={lang}")
    assert page.status_code == 200
    text = html.unescape(page.get_data(as_text=True)).replace("\u00a0", " ")
    items = re.findall(r"<li data-event=[^>]*><time[^>]*>.*?</time>(.*?)</li>", text, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


def test_finance_moves_a_place_to_a_delegation_and_the_page_says_why_in_both_languages(
        finance: FlaskClient, client: FlaskClient) -> None:
    place = register(client, 1)
    address = f"/staff/registrations/{place['id']}"
    page = finance.get(address).get_data(as_text=True)
    form = {**keys(page, "place"), "registration_type": "delegate", "delegation": "GA",
            "reason": "Works for Georgia's trade office"}
    first = finance.post(f"{address}/place", data=form)
    again = finance.post(f"{address}/place", data=form)  # a double click
    assert first.status_code == again.status_code == 303
    assert again.headers.get("Idempotent-Replayed") == "true"
    moved = [line for line in history(finance, place["id"]) if "changed" in line]
    assert moved == ["Type or delegation changed: Delegate, Quebec delegation → Delegate, "
                     "Georgia delegation — new total $454.15 — reason: Works for "
                     "Georgia's trade office — by Finance (Finance)"]
    french = finance.get(f"{address}?lang=fr").get_data(as_text=True)
    assert english_in(french) == []
    assert "Type ou délégation changé" in html.unescape(french)


def test_a_delegation_with_no_places_left_refuses_the_move_and_nothing_changes(
        finance: FlaskClient, client: FlaskClient, services: Services) -> None:
    georgians = [register(client, n, "GA") for n in (2, 3)]  # GA's allotment is 2
    quebecer = register(client, 4)
    answer = post(finance, quebecer["id"], "place", lang="fr", registration_type="delegate",
                  delegation="GA", reason="Transfert")
    assert answer.status_code == 422
    assert "Cette délégation n\u2019a plus de places." in html.unescape(
        answer.get_data(as_text=True))
    assert services.registrations.view(UUID(quebecer["id"])).delegation == "QC"
    # one Georgian moves to Québec: their place in Georgia's allotment is given back
    assert post(finance, georgians[0]["id"], "place", registration_type="delegate",
                delegation="QC", reason="Moved to Québec").status_code == 303
    assert post(finance, quebecer["id"], "place", registration_type="delegate",
                delegation="GA", reason="Transfer").status_code == 303


def test_cancelling_needs_a_reason_and_may_waive_the_fee(
        finance: FlaskClient, client: FlaskClient, services: Services,
        staff_headers: dict[str, dict[str, str]]) -> None:
    place = register(client, 5)
    client.post(f"/api/registrations/{place['id']}/desk-payments", headers=staff_headers["desk"],
                json={"amount": place["balance_due"], "method": "cash"})
    refused = post(finance, place["id"], "cancellation", lang="fr", waive_fee="on")
    assert refused.status_code == 422 and "Obligatoire." in refused.get_data(as_text=True)
    assert not services.registrations.view(UUID(place["id"])).is_cancelled
    assert post(finance, place["id"], "cancellation", waive_fee="on",
                reason="Flight cancelled by the airline").status_code == 303
    assert services.registrations.view(UUID(place["id"])).is_cancelled
    assert [line for line in history(finance, place["id"]) if "Cancelled" in line] == [
        "Cancelled, fee waived: refund owed $454.15 — reason: Flight cancelled by the "
        "airline — by Finance (Finance)"]


def test_a_refund_by_hand_is_recorded_once_never_beyond_what_was_paid(
        finance: FlaskClient, client: FlaskClient, services: Services,
        staff_headers: dict[str, dict[str, str]]) -> None:
    place = register(client, 6)
    client.post(f"/api/registrations/{place['id']}/desk-payments", headers=staff_headers["desk"],
                json={"amount": "100.00", "method": "cash"})
    too_much = post(finance, place["id"], "refunds", lang="fr", method="cheque",
                    amount="100,01", reference="CHQ-77", reason="Trop-perçu")
    assert too_much.status_code == 422
    assert "plus que ce qui a été payé" in html.unescape(too_much.get_data(as_text=True))
    assert post(finance, place["id"], "refunds", lang="fr", method="cheque", amount="40,00",
                reference="CHQ-77", reason="Trop-perçu").status_code == 303
    assert services.registrations.view(UUID(place["id"])).refunded.amount == Decimal("40.00")
    assert [line for line in history(finance, place["id"], "fr") if "main" in line] == [
        "Remboursement fait à la main (chèque) : 40,00 $ (CHQ-77) — motif : Trop-perçu "
        "— par Finance (Finances)"]


def test_the_desk_has_no_access_to_the_page(app: Flask, services: Services,
                                            client: FlaskClient,
                                            edition: dict[str, Any]) -> None:
    place = register(client, 7)
    desk = signed_in(app, services, "desk@example.com", "desk")
    assert desk.get(f"/staff/registrations/{place['id']}").status_code == 403


def test_finance_finds_a_registration_by_name_and_opens_its_page(
        finance: FlaskClient, client: FlaskClient) -> None:
    place = register(client, 8, first_name="Éloïse")
    found = finance.get("/staff/registrations/?q=eloise&lang=fr").get_data(as_text=True)
    assert f'href="/staff/registrations/{place["id"]}"' in found
    assert finance.get(f"/staff/registrations/{place['id']}").status_code == 200
