"""Issue 14 item 1: a type that needs approval holds the place until the organisers decide;
the person is told either way, in their language; a refusal frees the seat."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from flask.testing import FlaskClient

from registration.services.container import Services
from tests.integration.test_mail import (  # noqa: F401  (the mail fixtures)
    app_overrides,
    inbox,
    manage_link,
    settled,
    smtp_port,
    text_of,
)
from tests.support import editions
from tests.support.smtp import Inbox

SLUG = "test-montreal"
EDITION = f"/api/editions/{SLUG}"


@pytest.fixture
def with_approval(services: Services) -> dict[str, Any]:
    """The Quebec test edition whose speakers (3 places) need approval."""
    document = editions.edition()
    speaker = next(t for t in document["registration_types"] if t["code"] == "speaker")
    speaker["approval"] = True
    services.editions.load(document)
    return document


def register(client: FlaskClient, n: int, language: str = "fr") -> dict[str, Any]:
    answer = client.post(f"{EDITION}/registrations", json={
        "attendee": editions.attendee(n, language=language), "registration_type": "speaker"})
    assert answer.status_code == 201, answer.json
    return answer.json


def test_a_place_awaiting_approval_holds_its_seat_and_cannot_be_paid_printed_or_checked_in(
        client: FlaskClient, services: Services, with_approval: dict,
        staff_headers: dict[str, dict[str, str]]) -> None:
    created = register(client, 1)
    assert created["status"] == "awaiting_approval"
    holder = {"Authorization": f"Bearer {created['manage_token']}"}
    refused = client.post(f"/api/registrations/{created['id']}/payment", headers=holder)
    assert refused.status_code == 409 and refused.json["details"]["code"] == "awaiting_approval"
    assert client.post(f"/api/registrations/{created['id']}/invoice", headers=holder,
                       json={}).status_code == 409
    assert client.get(EDITION).json["registration_types"][1]["places_left"] == 2
    desk = staff_headers["desk"]
    badge = client.get(f"/api/registrations/{created['id']}/badge.pdf", headers=desk)
    assert badge.status_code == 409 and badge.json["details"]["code"] == "awaiting_approval"
    assert services.desk.e_ticket(UUID(created["id"])) is None  # no e-ticket to show yet
    registration = services.registrations.get(UUID(created["id"]))
    scan = client.post(f"{EDITION}/check-ins", headers=desk,
                       json={"code": registration.checkin_secret})
    assert scan.status_code == 409 and scan.json["details"]["code"] == "awaiting_approval"
    assert client.post(f"/api/registrations/{created['id']}/approval", headers=desk,
                       json={"decision": "approve"}).status_code == 403  # admins decide


def test_approved_the_person_gets_their_link_turned_down_their_reason_and_the_seat_is_free(
        client: FlaskClient, services: Services, with_approval: dict,
        inbox: Inbox,  # noqa: F811  (the fixture imported above)
        staff_headers: dict[str, dict[str, str]]) -> None:
    admin = staff_headers["admin"]
    first, second = register(client, 1), register(client, 2, language="en")
    settled(services)
    confirmation = inbox.to("person1@example.com")[0]
    assert "attend l\u2019approbation" in confirmation["Subject"]
    assert "Veuillez ne pas payer d\u2019ici là." in text_of(confirmation)

    approved = client.post(f"/api/registrations/{first['id']}/approval", headers=admin,
                           json={"decision": "approve", "note": "Votre atelier est le mardi."})
    assert approved.status_code == 200 and approved.json["status"] == "confirmed"  # free type
    no_reason = client.post(f"/api/registrations/{second['id']}/approval", headers=admin,
                            json={"decision": "refuse", "note": "  "})
    assert no_reason.status_code == 422
    turned_down = client.post(f"/api/registrations/{second['id']}/approval", headers=admin,
                              json={"decision": "refuse", "note": "The programme is full."})
    assert turned_down.status_code == 200 and turned_down.json["status"] == "cancelled"
    again = client.post(f"/api/registrations/{second['id']}/approval", headers=admin,
                        json={"decision": "approve"})
    assert again.status_code == 409

    settled(services)
    yes = inbox.to("person1@example.com")[-1]
    assert yes["Subject"].endswith("est approuvée")
    assert "Votre atelier est le mardi." in text_of(yes)
    assert client.get(manage_link(yes)).status_code in (200, 303)
    no = inbox.to("person2@example.com")[-1]
    assert no["Subject"].endswith("was not approved")
    assert "Their reason: The programme is full." in text_of(no)
    assert client.get(EDITION).json["registration_types"][1]["places_left"] == 2  # freed
    assert register(client, 2)["status"] == "awaiting_approval"  # the address is free too
    history = client.get(f"/api/registrations/{second['id']}/history", headers=admin).json
    assert [e["event"] for e in history["events"]][-2:] == ["NotApproved", "Cancelled"]
