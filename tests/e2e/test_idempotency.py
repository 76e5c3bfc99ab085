"""Safe retries: the same Idempotency-Key with the same request gets the first outcome again.

A client whose connection broke after the server saved (a worker killed, a network cut)
retries with the same key and gets the same registration and manage token, the same invoice
number — and nothing happens twice. Keys are kept in the event store, so they hold across
workers and restarts; the same key with a different request is refused.
"""

from __future__ import annotations

import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests
from flask import Flask
from flask.testing import FlaskClient

from registration.app import create_app
from registration.services.container import Services
from tests.support import editions
from tests.support.clock import SettableClock
from tests.support.serving import serving

SLUG = "test-montreal"
BILL_TO = {"name": "Ministère des Relations internationales", "language": "fr"}


def key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def registration(n: int = 1) -> dict[str, Any]:
    return {"registration_type": "delegate", "delegation": "QC",
            "attendee": editions.attendee(n)}


def registered_count(services: Services) -> int:
    config = services.editions.config(SLUG)
    return int(services.queries.attendance(config)["totals"]["registered"])


def test_a_registration_retried_with_its_key_gets_the_same_place_and_manage_token(
    client: FlaskClient, edition: dict, services: Services,
) -> None:
    headers = key()
    first = client.post(f"/api/editions/{SLUG}/registrations", json=registration(),
                        headers=headers)
    again = client.post(f"/api/editions/{SLUG}/registrations", json=registration(),
                        headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json["id"] == first.json["id"]
    assert again.json["manage_token"] == first.json["manage_token"]
    assert again.headers["Location"] == first.headers["Location"]
    assert ("Idempotent-Replayed" not in first.headers,
            again.headers["Idempotent-Replayed"]) == (True, "true")
    assert registered_count(services) == 1
    # The token given again opens the registration.
    opened = client.get(first.headers["Location"],
                        headers={"Authorization": f"Bearer {again.json['manage_token']}"})
    assert opened.status_code == 200


def test_the_same_key_on_a_different_request_is_refused_and_changes_nothing(
    client: FlaskClient, edition: dict, services: Services,
) -> None:
    headers = key()
    client.post(f"/api/editions/{SLUG}/registrations", json=registration(1), headers=headers)
    other = client.post(f"/api/editions/{SLUG}/registrations", json=registration(2),
                        headers=headers)
    assert other.status_code == 422
    assert other.json["details"]["code"] == "idempotency_key_reused"
    assert registered_count(services) == 1


def test_a_key_that_is_not_a_key_is_refused(client: FlaskClient, edition: dict) -> None:
    answer = client.post(f"/api/editions/{SLUG}/registrations", json=registration(),
                         headers={"Idempotency-Key": "x y"})
    assert answer.status_code == 422
    assert "Idempotency-Key" in answer.json["details"]


def test_racing_retries_with_one_key_make_one_registration(
    app: Flask, edition: dict, services: Services,
) -> None:
    headers = key()
    with serving(app) as base, ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: requests.post(
            f"{base}/api/editions/{SLUG}/registrations", json=registration(), headers=headers,
            timeout=30), range(8)))
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["id"] for a in answers}) == 1
    assert len({a.json()["manage_token"] for a in answers}) == 1
    assert registered_count(services) == 1


def test_a_key_holds_across_processes_and_restarts(
    app: Flask, edition: dict, services: Services, database_url: str | None, tmp_path: Path,
    clock: SettableClock,
) -> None:
    headers = key()
    first = app.test_client().post(f"/api/editions/{SLUG}/registrations",
                                   json=registration(), headers=headers)
    instance = app.config["SETTINGS"].instance_path
    restarted = create_app({"DATABASE_URL": database_url or "", "INSTANCE_PATH": str(instance),
                            "RATE_LIMIT_ENABLED": "false"}, clock=clock)
    try:
        again = restarted.test_client().post(f"/api/editions/{SLUG}/registrations",
                                             json=registration(), headers=headers)
    finally:
        restarted.extensions["services"].close()
    assert (again.status_code, again.json["id"], again.json["manage_token"]) == (
        201, first.json["id"], first.json["manage_token"])


def test_finance_retrying_an_issue_a_payment_and_a_credit_note_does_each_once(
    client: FlaskClient, edition: dict, services: Services, staff_headers: Any,
) -> None:
    finance = staff_headers["finance"]
    rid = client.post(f"/api/editions/{SLUG}/registrations", json=registration()).json["id"]
    issuing = {**finance, **key()}
    body = {"registrations": [rid], "bill_to": BILL_TO}
    issued = [client.post(f"/api/editions/{SLUG}/invoices", json=body, headers=issuing)
              for _ in range(2)]
    assert [a.status_code for a in issued] == [201, 201]
    number = issued[0].json["number"]
    assert issued[1].json["number"] == number

    paying = {**finance, **key()}
    payment = {"amount": "100.00", "method": "bank_transfer", "reference": "VIR-7",
               "received_on": "2019-03-19"}
    paid = [client.post(f"/api/invoices/{number}/payments", json=payment, headers=paying)
            for _ in range(2)]
    assert [a.json["paid"] for a in paid] == ["100.00", "100.00"]

    crediting = {**finance, **key()}
    notes = [client.post(f"/api/invoices/{number}/cancellation", json={}, headers=crediting)
             for _ in range(2)]
    assert [a.status_code for a in notes] == [201, 201]
    assert notes[0].json["number"] == notes[1].json["number"]
    ledger = client.get(f"/api/editions/{SLUG}/invoices", headers=finance).json["invoices"]
    assert [row["number"] for row in ledger] == [number, notes[0].json["number"]]


def test_a_check_in_retried_with_its_key_answers_as_the_first_scan(
    client: FlaskClient, edition: dict, services: Services, staff_headers: Any,
) -> None:
    rid = client.post(f"/api/editions/{SLUG}/registrations", json=registration()).json["id"]
    code = services.registrations.get(uuid.UUID(rid)).checkin_secret
    scanning = {**staff_headers["desk"], **key()}
    first = client.post(f"/api/editions/{SLUG}/check-ins", json={"code": code},
                        headers=scanning)
    again = client.post(f"/api/editions/{SLUG}/check-ins", json={"code": code},
                        headers=scanning)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json["status"] == "checked_in"
    other_scan = client.post(f"/api/editions/{SLUG}/check-ins", json={"code": code},
                             headers={**staff_headers["desk"], **key()})
    assert (other_scan.status_code, other_scan.json["status"]) == (200, "already_checked_in")


def test_the_registration_form_posted_twice_registers_once_and_shows_the_same_place(
    client: FlaskClient, edition: dict, services: Services,
) -> None:
    page = client.get(f"/e/{SLUG}/register?lang=fr").get_data(True)
    form_key = re.search(r'name="idempotency_key" value="([^"]+)"', page)
    assert form_key is not None
    with client.session_transaction() as session:
        csrf = session["csrf_token"]
    person = editions.attendee(5)
    form = {"csrf_token": csrf, "idempotency_key": form_key.group(1),
            "registration_type": "delegate", "delegation": "QC", **person}
    first = client.post(f"/e/{SLUG}/register", data=form)
    again = client.post(f"/e/{SLUG}/register", data=form)  # a double click
    assert first.status_code == again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    assert registered_count(services) == 1


def test_the_group_form_posted_twice_registers_each_person_once(
    client: FlaskClient, edition: dict, services: Services,
) -> None:
    client.get(f"/e/{SLUG}/group")
    with client.session_transaction() as session:
        csrf = session["csrf_token"]
    form = {"csrf_token": csrf, "idempotency_key": "group-form-key-1", "delegation": "QC",
            "rows": "2", "lead_name": "Aminata Diallo", "lead_email": "aminata@example.com"}
    for row, n in enumerate((7, 8)):
        for field, value in editions.attendee(n).items():
            form[f"p{row}-{field}"] = value
        form[f"p{row}-registration_type"] = "delegate"
    first = client.post(f"/e/{SLUG}/group", data=form)
    with client.session_transaction() as session:
        session.pop("group_registered", None)  # another tab: this session knows nothing
    again = client.post(f"/e/{SLUG}/group", data=form)
    assert first.status_code == again.status_code == 303
    assert again.headers["Location"] == first.headers["Location"]  # one lead, one page
    assert registered_count(services) == 2
