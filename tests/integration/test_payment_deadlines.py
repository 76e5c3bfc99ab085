"""Payment deadlines end to end: the confirmation and the manage page state the deadline,
the holder is reminded, then the place expires — its seat, code use, allotment and e-mail
address given back in the same save — and the holder is told. On SQLite and PostgreSQL."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import pytest
from flask.testing import FlaskClient

from domain.actor import Actor, acting_as
from registration.services.container import Services
from registration.services.payment_deadlines import DeadlinePass
from tests.e2e.test_api import holder_of
from tests.integration.test_mail import html_of, settled, text_of
from tests.support import editions
from tests.support.clock import SettableClock
from tests.support.localstripe import eventually
from tests.support.smtp import Inbox, free_port, smtp_server

EDITION = "/api/editions/test-montreal"
BEFORE_REMINDER = "2019-03-31T23:00:00-04:00"  # registered on March 20, 14 days to pay
REMINDER = "2019-04-01T00:00:01-04:00"
AFTER_DEADLINE = "2019-04-04T00:00:01-04:00"


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def app_overrides(smtp_port: int) -> dict[str, str]:
    return {"SMTP_URL": f"smtp://127.0.0.1:{smtp_port}", "BASE_URL": "http://localhost",
            "MAIL_FROM": "Alliance <registration@example.org>"}


@pytest.fixture
def inbox(smtp_port: int) -> Iterator[Inbox]:
    with smtp_server(smtp_port, Inbox()) as received:
        yield received


@pytest.fixture
def edition(services: Services) -> dict[str, Any]:
    """Fourteen days to pay, one delegate seat: a seat held unpaid blocks everyone else."""
    document = editions.edition(payment_days=14)
    document["registration_types"][0]["capacity"] = 1
    services.editions.load(document)
    return document


def register(client: FlaskClient, n: int, **body: Any) -> Any:
    return client.post(f"{EDITION}/registrations", json={
        "attendee": editions.attendee(n), "registration_type": "delegate",
        "delegation": "GA", "discount_code": "PARTNER20", **body})


def flat(text: str) -> str:
    """The text with its line breaks as spaces (non-breaking spaces kept)."""
    return re.sub(r"[ \r\n]+", " ", text)


def places_left(client: FlaskClient) -> tuple[Any, Any]:
    shown = client.get(EDITION).json
    types = {t["code"]: t["places_left"] for t in shown["registration_types"]}
    delegations = {d["code"]: d["places_left"] for d in shown["delegations"]}
    return types["delegate"], delegations["GA"]


def test_an_unpaid_place_is_reminded_then_expires_and_its_seat_goes_to_someone_else(
        client, services, edition, inbox, clock: SettableClock, staff_headers) -> None:
    first = register(client, 1)
    assert first.status_code == 201, first.json
    place = first.json["id"]
    assert register(client, 2).status_code == 409  # the only seat is held, unpaid
    assert places_left(client) == (0, 1)
    settled(services)
    [confirmation] = inbox.to("person1@example.com")
    assert ("Veuillez payer 363,32\u00a0$ au plus tard le 3 avril 2019\u00a0: après cette "
            "date, une place non payée est libérée") in flat(text_of(confirmation))
    manage = client.get(f"/r/{place}?token={first.json['manage_token']}&lang=en",
                        follow_redirects=True).get_data(as_text=True)
    assert "by April 3, 2019: after that day, an unpaid place is released" in manage

    clock.set(BEFORE_REMINDER)
    assert services.deadlines.run() == DeadlinePass(reminded=0, expired=0)
    clock.set(REMINDER)
    assert services.deadlines.run().reminded == 1
    assert services.deadlines.run().reminded == 0  # reminded once, however many passes
    settled(services)
    [reminder] = inbox.to("person1@example.com")[1:]
    assert reminder["Subject"] == ("Rappel\u00a0: votre place à la Conférence de l\u2019Alliance "
                                   "(essai) est à payer au plus tard le 3 avril 2019")
    assert f"/r/{place}?token=" in text_of(reminder)

    clock.set(AFTER_DEADLINE)
    with client.application.app_context():
        outcome = client.application.test_cli_runner().invoke(args=["registrations", "expire"])
    assert outcome.exit_code == 0, outcome.output
    assert outcome.output.strip() == "0 reminder(s) queued, 1 place(s) expired"
    assert services.deadlines.run().expired == 0
    assert places_left(client) == (1, 2)  # the seat and the delegation's place are back
    settled(services)
    [expired] = inbox.to("person1@example.com")[2:]
    assert expired["Subject"] == \
        "Votre place à la Conférence de l\u2019Alliance (essai) a été libérée"
    assert "n\u2019a pas été payée au plus tard le 3 avril 2019" in flat(html_of(expired))

    history = client.get(f"/api/registrations/{place}/history",
                         headers=staff_headers["admin"]).json["events"]
    assert history[-1]["event"] == "Expired"
    assert history[-1]["actor"] == Actor.system("payment-deadlines").to_dict()
    staff_page = client.get(f"/r/{place}?token={first.json['manage_token']}&lang=fr",
                            follow_redirects=True).get_data(as_text=True)
    assert "Place libérée\u00a0: non payée au plus tard le 3 avril 2019" in staff_page
    assert "par le suivi des échéances de paiement" in staff_page

    assert register(client, 2).status_code == 201  # seat, allotment and code use given back
    again = register(client, 1, registration_type="speaker", delegation=None,
                     discount_code=None)
    assert again.status_code == 201, again.json  # the e-mail address was released


def test_passes_running_at_once_expire_a_place_once(client, services, edition,
                                                    clock: SettableClock) -> None:
    assert register(client, 1).status_code == 201
    clock.set(AFTER_DEADLINE)
    start, results = threading.Barrier(3), []

    def one_pass() -> None:
        start.wait()
        results.append(services.deadlines.run().expired)

    passes = [threading.Thread(target=one_pass) for _ in range(3)]
    for running in passes:
        running.start()
    for running in passes:
        running.join()
    assert sorted(results) == [0, 0, 1]
    assert places_left(client) == (1, 2)


def test_a_place_billed_by_an_invoice_follows_the_invoice_and_does_not_expire(
        client, services, edition, clock: SettableClock) -> None:
    invoiced = register(client, 1, delegation="QC", discount_code=None).json["id"]
    with acting_as(Actor.system("tests")):
        services.invoices.issue_for_holder(UUID(invoiced), None)
    clock.set(AFTER_DEADLINE)
    assert services.deadlines.run().expired == 0
    shown = client.get(f"/api/registrations/{invoiced}",
                       headers=holder_of(services, invoiced)).json
    assert shown["status"] == "invoiced"


def test_the_jobs_queue_runs_the_pass(client, services, edition, clock: SettableClock) -> None:
    place = register(client, 1).json["id"]
    clock.set(AFTER_DEADLINE)
    services.deadlines.job()  # what huey's scheduler queues every minute
    assert eventually(lambda: services.registrations.view(UUID(place)).is_cancelled)
    assert places_left(client) == (1, 2)
