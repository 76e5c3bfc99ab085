"""Leaving the waiting list and taking an offer through the JSON API, authorised by the
entry's link token as a bearer (as a registration's holder is by their manage token)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.testing import FlaskClient

from registration.services.container import Services
from tests.integration.test_waiting_list import EDITION, cancel, join, speaker, speakers_left
from tests.support import editions


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def accept(client: FlaskClient, entry: dict[str, Any], n: int, headers: dict[str, str],
           **changes: Any) -> Any:
    return client.post(f"{EDITION}/registrations", headers=headers, json={
        "attendee": editions.attendee(n), "registration_type": "speaker", "delegation": "QC",
        "offer": entry["id"], **changes})


def test_the_entry_token_leaves_the_list_and_takes_the_offer_place_by_place(
        client: FlaskClient, services: Services, edition: dict) -> None:
    seated = [speaker(client, n).json["id"] for n in range(1, 4)]
    single, group = join(client, 1).json, join(client, 2, quantity=2, delegation="QC").json
    url = f"/api/waiting-list/{single['id']}"
    assert client.delete(url).status_code == 401
    assert client.delete(url, headers=bearer(group["token"])).status_code == 403
    assert client.delete(f"/api/waiting-list/{seated[0]}",
                         headers=bearer(single["token"])).status_code == 404
    left = client.delete(url, headers=bearer(single["token"]))
    assert left.status_code == 200 and left.json["status"] == "left", left.json
    again = client.delete(url, headers=bearer(single["token"]))
    assert again.status_code == 409 and again.json["details"]["code"] == "not_waiting"

    early = accept(client, group, 10, bearer(group["token"]))
    assert early.status_code == 409 and early.json["details"]["code"] == "not_offered"
    cancel(client, services, seated[0])
    cancel(client, services, seated[1])  # two places: the group (next now) is offered both
    assert accept(client, group, 11, {}).status_code == 401
    assert accept(client, group, 11, bearer(single["token"])).status_code == 403
    other = accept(client, group, 11, bearer(group["token"]), registration_type="delegate")
    assert other.status_code == 409 and other.json["details"]["code"] == "not_offered"
    taken = [accept(client, group, n, bearer(group["token"])) for n in (12, 13, 14)]
    assert [t.status_code for t in taken] == [201, 201, 409], taken[2].json
    assert taken[0].json["manage_token"] and taken[0].json["delegation"] == "QC"
    assert services.waiting_list.view(UUID(group["id"])).status == "accepted"
    assert speakers_left(client) == 0
