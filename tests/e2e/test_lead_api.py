"""The delegation lead's page through the JSON API, authorised by the token of the lead's
secret link: members and statuses, the allotment left, adding a person, asking a member to
complete their details; another or a replaced token is refused."""

from __future__ import annotations

from uuid import UUID

from flask.testing import FlaskClient

from registration.services.container import Services
from tests.e2e.test_delegation_lead import register_group
from tests.support import editions


def lead_api(client: FlaskClient, services: Services) -> tuple[str, dict[str, str]]:
    """A lead of Georgia (allotment 2) with one member; their API address and header."""
    lead_id = register_group(client, [1]).rsplit("/", 1)[1]
    token = services.registrations.links.token(UUID(lead_id), 0)
    return f"/api/leads/{lead_id}", {"Authorization": f"Bearer {token}"}


def test_the_lead_reads_their_members_and_adds_one_within_the_allotment(
        client: FlaskClient, services: Services, edition: dict) -> None:
    url, lead = lead_api(client, services)
    shown = client.get(url, headers=lead)
    assert shown.status_code == 200, shown.json
    assert (shown.json["delegation"], shown.json["name"], shown.json["allotment_left"]) == (
        "GA", "Aminata Diallo", 1)
    [member] = shown.json["members"]
    assert (member["last_name"], member["status"], member["balance_due"]) == (
        "Tremblay1", "pending_payment", "454.15")

    added = client.post(f"{url}/members", headers=lead, json={
        "attendee": editions.attendee(2), "registration_type": "delegate"})
    assert added.status_code == 201, added.json
    assert added.json["delegation"] == "GA" and "manage_token" not in added.json
    now = client.get(url, headers={**lead, "X-Wait-For-Position":
                                   added.headers["X-Log-Position"]}).json
    assert now["allotment_left"] == 0
    assert [m["last_name"] for m in now["members"]] == ["Tremblay1", "Tremblay2"]
    full = client.post(f"{url}/members", headers=lead, json={
        "attendee": editions.attendee(3), "registration_type": "delegate"})
    assert full.status_code == 409 and full.json["details"]["code"] == "allotment_exhausted"


def test_the_lead_asks_a_member_to_complete_their_details_and_only_their_own(
        client: FlaskClient, services: Services, edition: dict) -> None:
    url, lead = lead_api(client, services)
    member = client.get(url, headers=lead).json["members"][0]["id"]
    asked = client.post(f"{url}/members/{member}/completion-request", headers=lead)
    assert asked.status_code == 202, asked.json
    history = services.registrations.history(UUID(member))
    assert history[-1].event == "ManageLinkRenewed"
    assert history[-1].details == {"reason": "lead_asked"}
    stranger = client.post(f"{url}/members/{UUID(int=9)}/completion-request", headers=lead)
    assert stranger.status_code == 404


def test_no_token_another_token_or_an_unknown_lead_is_refused(
        client: FlaskClient, services: Services, edition: dict) -> None:
    url, lead = lead_api(client, services)
    assert client.get(url).status_code == 401
    assert client.get(url, headers={"Authorization": "Bearer nope"}).status_code == 403
    registered = client.post("/api/editions/test-montreal/registrations", json={
        "attendee": editions.attendee(5), "registration_type": "delegate"}).json
    manage = {"Authorization": f"Bearer {registered['manage_token']}"}
    assert client.get(url, headers=manage).status_code == 403  # a manage token is not it
    assert client.get(f"/api/leads/{UUID(int=3)}", headers=lead).status_code == 404
    assert client.get("/api/leads/not-an-id", headers=lead).status_code == 404
    assert client.post(f"{url}/members", headers=lead, json={
        "attendee": editions.attendee(6), "registration_type": "delegate",
        "delegation": "QC"}).status_code == 422  # the lead's delegation, not another
