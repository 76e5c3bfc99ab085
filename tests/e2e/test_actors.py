"""Every event records who did it: the attendee, a staff member, Stripe or the system.

Staff see names and roles in the history; the holder of a manage link sees a staff
member's role, never their name.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from uuid import UUID

from flask import Flask
from flask.testing import FlaskClient

from domain.edition import edition_id
from registration.services.container import Services
from tests.support import editions

SLUG = "test-montreal"


def register(client: FlaskClient, n: int = 1) -> tuple[str, dict[str, str]]:
    answer = client.post(f"/api/editions/{SLUG}/registrations", json={
        "registration_type": "delegate", "delegation": "QC", "attendee": editions.attendee(n)})
    assert answer.status_code == 201
    return answer.json["id"], {"Authorization": f"Bearer {answer.json['manage_token']}"}


def actors(client: FlaskClient, rid: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    events = client.get(f"/api/registrations/{rid}/history", headers=headers).json["events"]
    return [{"event": e["event"], **e["actor"]} for e in events]


def test_a_staff_members_action_is_theirs_and_the_attendee_sees_only_their_role(
    client: FlaskClient, edition: dict, services: Services,
) -> None:
    member, token = services.staff.create("Fatou Diallo", "desk")
    staff = {"Authorization": f"Bearer {token}"}
    rid, holder = register(client)
    client.patch(f"/api/registrations/{rid}", json={"job_title": "Directrice"}, headers=holder)
    corrected = client.patch(f"/api/registrations/{rid}", headers=staff, json={
        "organisation": "Exo", "reason": "Asked by phone"})  # staff say why
    assert corrected.status_code == 200

    seen_by_staff = actors(client, rid, staff)
    assert seen_by_staff == [
        {"event": "Registered", "kind": "attendee", "id": None, "name": None, "role": None},
        {"event": "DetailsCorrected", "kind": "attendee", "id": rid, "name": None,
         "role": None},
        {"event": "DetailsCorrected", "kind": "staff", "id": str(member.id),
         "name": "Fatou Diallo", "role": "desk"},
    ]
    seen_by_attendee = actors(client, rid, holder)
    assert seen_by_attendee[2] == {"event": "DetailsCorrected", "kind": "staff", "id": None,
                                   "name": None, "role": "desk"}


def test_the_history_page_says_who_did_each_thing_in_the_staff_members_language(
    client: FlaskClient, edition: dict, services: Services,
) -> None:
    password = "a long enough password"
    services.staff.create_account("Fatou Diallo", "fatou@example.com", password, "admin")
    rid, holder = register(client)
    client.get("/staff/sign-in?lang=fr")
    with client.session_transaction() as session:
        token = session["csrf_token"]
    client.post("/staff/sign-in", data={"csrf_token": token, "email": "fatou@example.com",
                                        "password": password})
    client.post(f"/api/registrations/{rid}/cancellation", headers=holder)
    page = client.get(f"/staff/registrations/{rid}/history?lang=fr").get_data(True)
    assert "par la personne inscrite, à son inscription" in page
    assert "par la personne inscrite" in page
    english = client.get(f"/staff/registrations/{rid}/history?lang=en").get_data(True)
    assert "by the attendee, registering" in english


def test_an_edition_loaded_on_the_command_line_records_the_operator(
    app: Flask, services: Services, tmp_path: Path,
) -> None:
    document = tmp_path / "edition.json"
    document.write_text(json.dumps(editions.edition()), encoding="utf-8")
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["editions", "load", str(document)])
    assert result.exit_code == 0, result.output
    scheduled = next(iter(services.app.events.get(edition_id(SLUG))))
    assert (scheduled.actor.kind, scheduled.actor.id) == ("system", "command-line")
    assert scheduled.actor.name  # the operator's login


def test_what_the_mailer_records_is_the_systems(
    client: FlaskClient, edition: dict, services: Services,
) -> None:
    rid, _ = register(client)
    mails = [e for e in services.app.recorder.select_notifications(start=1, limit=1000)
             if e.topic.endswith("Mail.Queued")]
    queued = services.app.mapper.to_domain_event(mails[-1])
    # The confirmation is queued with the registration, by the person registering.
    assert queued.actor.kind == "attendee"  # type: ignore[attr-defined]
    registration = services.registrations.get(UUID(rid))
    assert registration is not None
