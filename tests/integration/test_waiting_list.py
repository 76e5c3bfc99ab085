"""The waiting list end to end, on SQLite and PostgreSQL: joining a sold-out type, offers in
order as places free up (all or nothing for a group), offers taken and offers that expire,
e-mails in the person's language, and a walk-in that never takes a place someone waits for,
even when it races the cancellation that frees it."""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from uuid import UUID

import pytest
from flask.testing import FlaskClient

from domain.attendee import Attendee
from registration.services.container import Services
from tests.e2e.test_api import holder_of
from tests.integration.test_mail import settled, text_of
from tests.support import editions
from tests.support.clock import SettableClock
from tests.support.smtp import Inbox, free_port, smtp_server
from tests.support.staff_pages import signed_in

EDITION = "/api/editions/test-montreal"
SLUG = "test-montreal"


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


def speaker(client: FlaskClient, n: int) -> Any:
    return client.post(f"{EDITION}/registrations", json={
        "attendee": editions.attendee(n), "registration_type": "speaker"})


def join(client: FlaskClient, n: int, quantity: int = 1, language: str = "fr",
         **changes: Any) -> Any:
    return client.post(f"{EDITION}/waiting-list", json={
        "registration_type": "speaker", "quantity": quantity, "first_name": "Ada",
        "last_name": f"Waiting{n}", "email": f"waiting{n}@example.com", "language": language,
        **changes})


def cancel(client: FlaskClient, services: Services, registration: str) -> None:
    answer = client.post(f"/api/registrations/{registration}/cancellation",
                         headers=holder_of(services, registration))
    assert answer.status_code == 200, answer.json


def speakers_left(client: FlaskClient) -> Any:
    types = client.get(EDITION).json["registration_types"]
    [speakers] = [t for t in types if t["code"] == "speaker"]
    assert speakers["waiting_list_open"] == (speakers["places_left"] == 0)
    return speakers["places_left"]


def listed(client: FlaskClient, staff_headers: dict[str, dict[str, str]]) -> list[Any]:
    answer = client.get(f"{EDITION}/waiting-list", headers=staff_headers["finance"])
    assert answer.status_code == 200, answer.json
    return [(e["last_name"], e["quantity"], e["status"], e["position"])
            for e in answer.json["entries"]]


def test_offers_go_in_order_all_or_nothing_are_taken_or_expire(
        client, services, edition, inbox, clock: SettableClock, staff_headers) -> None:
    seated = [speaker(client, n).json["id"] for n in range(1, 4)]
    assert speaker(client, 4).status_code == 409 and speakers_left(client) == 0
    assert join(client, 9, registration_type="delegate").json["details"]["code"] == \
        "places_available"  # not sold out: register instead
    group = join(client, 1, quantity=2, delegation="QC").json
    single = join(client, 2, language="en").json
    assert (group["status"], group["position"], single["position"]) == ("waiting", 1, 2)

    cancel(client, services, seated[0])  # one place: the group of two waits, nobody passes it
    assert listed(client, staff_headers) == [("Waiting1", 2, "waiting", 1),
                                             ("Waiting2", 1, "waiting", 2)]
    assert speakers_left(client) == 0 and speaker(client, 5).status_code == 409
    cancel(client, services, seated[1])  # two places: the group is offered both
    assert listed(client, staff_headers) == [("Waiting1", 2, "offered", None),
                                             ("Waiting2", 1, "waiting", 1)]
    assert speakers_left(client) == 0 and speaker(client, 6).status_code == 409

    offer = (UUID(group["id"]), group["token"])
    for n in (7, 8):
        services.registrations.register(SLUG, Attendee(**editions.attendee(n)), "speaker",
                                        "QC", offer=offer)
    assert listed(client, staff_headers) == [("Waiting2", 1, "waiting", 1)]
    assert speakers_left(client) == 0

    cancel(client, services, seated[2])
    [offered] = client.get(f"{EDITION}/waiting-list", headers=staff_headers["admin"]
                           ).json["entries"]
    assert offered["status"] == "offered"
    assert offered["offered_until"].startswith("2019-03-22T10:00:00")  # 48 hours on
    clock.set("2019-03-22T11:00:00-04:00")
    with client.application.app_context():
        outcome = client.application.test_cli_runner().invoke(args=["waiting-list", "run"])
    assert outcome.exit_code == 0, outcome.output
    assert outcome.output.strip() == "1 offer(s) expired, 0 offer(s) made"
    assert speakers_left(client) == 1 and listed(client, staff_headers) == []

    settled(services)
    joined, offered_mail = inbox.to("waiting1@example.com")
    assert joined["Subject"] == ("Vous êtes sur la liste d\u2019attente pour la Conférence de "
                                 "l\u2019Alliance (essai)")
    assert f"/w/{group['id']}?token=" in text_of(joined)
    assert "2 places se sont libérées pour vous" in text_of(offered_mail)
    _, offered_en, expired_en = inbox.to("waiting2@example.com")
    assert "held for you until March 22, 2019" in text_of(offered_en)
    assert expired_en["Subject"] == \
        "Your waiting-list offer for Alliance Conference (test) has expired"
    history = list(services.app.events.get(UUID(single["id"])))
    assert [type(e).__name__ for e in history] == ["Joined", "Offered", "OfferExpired"]
    assert [e.actor.kind for e in history] == ["attendee", "system", "system"]


def test_a_walk_in_racing_the_cancellation_never_takes_the_place_someone_waits_for(
        client, services, edition) -> None:
    seated = [speaker(client, n).json["id"] for n in range(1, 4)]
    entry = join(client, 1).json
    start = threading.Barrier(9)
    headers = holder_of(services, seated[0])

    def cancel_one() -> int:
        start.wait()
        return client.post(f"/api/registrations/{seated[0]}/cancellation",
                           headers=headers).status_code

    def walk_in(n: int) -> int:
        start.wait()
        return client.post(f"{EDITION}/registrations", json={
            "attendee": editions.attendee(n), "registration_type": "speaker"}).status_code

    with ThreadPoolExecutor(max_workers=9) as pool:
        cancelled = pool.submit(cancel_one)
        walk_ins = [pool.submit(walk_in, n) for n in range(10, 18)]
        assert cancelled.result() == 200
        assert [w.result() for w in walk_ins] == [409] * 8
    assert services.waiting_list.view(UUID(entry["id"])).status == "offered"
    assert speakers_left(client) == 0


def test_staff_see_the_waiting_list_in_order_and_desk_staff_do_not(
        app, client, services, edition) -> None:
    for n in range(1, 4):
        speaker(client, n)
    join(client, 1, quantity=2, delegation="QC")
    join(client, 2, language="en")
    finance = signed_in(app, services, "fin@example.com", role="finance")
    page = finance.get("/staff/waiting-list/?lang=fr").get_data(as_text=True)
    rows = re.findall(r'<tr data-entry="[^"]+" data-status="(\w+)">\s*<td>(\d)</td>\s*'
                      r'<td>Ada (\w+)<br>', page)
    assert rows == [("waiting", "1", "Waiting1"), ("waiting", "2", "Waiting2")]
    assert "En attente\u00a0: rang 2" in page
    desk = signed_in(app, services, "desk@example.com", role="desk")
    assert desk.get("/staff/waiting-list/").status_code == 403
    assert client.get(f"{EDITION}/waiting-list").status_code == 401


def test_leaving_gives_an_offer_to_the_next_in_line_and_the_link_opens_only_its_entry(
        app, client, services, edition) -> None:
    seated = [speaker(client, n).json["id"] for n in range(1, 4)]
    first, second = join(client, 1).json, join(client, 2, language="en").json
    cancel(client, services, seated[0])
    assert services.waiting_list.view(UUID(first["id"])).status == "offered"

    person = app.test_client()
    assert person.get(f"/w/{first['id']}").status_code == 403  # no link, no entry
    assert person.get(f"/w/{first['id']}?token={second['token']}").status_code == 403
    opened = person.get(f"/w/{first['id']}?token={first['token']}&lang=fr")
    assert opened.status_code == 303 and "token" not in opened.headers["Location"]
    page = person.get(f"/w/{first['id']}?lang=fr").get_data(as_text=True)
    assert "Offerte\u00a0: la place vous est réservée jusqu\u2019au 22 mars 2019" in page
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf is not None
    left = person.post(f"/w/{first['id']}/leave?lang=fr", data={"csrf_token": csrf.group(1)})
    assert "Vous avez quitté la liste d\u2019attente." in html.unescape(left.get_data(as_text=True))
    assert services.waiting_list.view(UUID(second["id"])).status == "offered"
    assert speakers_left(client) == 0  # the freed place went to the next in line


def test_an_address_joins_a_list_once_even_twice_at_once_and_may_have_its_link_again(
        app, client, services, edition, inbox) -> None:
    for n in range(1, 4):
        speaker(client, n)
    first = join(client, 1)
    assert first.status_code == 201, first.json
    again = join(client, 1, email=" Waiting1@Example.com")
    assert again.status_code == 409 and again.json["details"]["code"] == "already_waiting"
    assert join(client, 1, delegation="QC").status_code == 201  # another list: the delegation's

    start = threading.Barrier(2)

    def twin() -> int:
        start.wait()
        return int(join(client, 7).status_code)

    with ThreadPoolExecutor(max_workers=2) as pool:
        assert sorted(pool.map(lambda _: twin(), range(2))) == [201, 409]

    person = app.test_client()
    page = person.get(f"/e/{SLUG}/waiting-list?lang=fr&registration_type=speaker")
    hidden = dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"',
                             page.get_data(as_text=True)))
    refused = person.post(f"/e/{SLUG}/waiting-list?lang=fr", data={
        **hidden, "registration_type": "speaker", "quantity": "1", "first_name": "Ada",
        "last_name": "Waiting1", "email": "waiting1@example.com"})
    text = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 409
    assert "Cette adresse courriel est déjà sur cette liste d\u2019attente" in text
    assert f"/e/{SLUG}/waiting-list/my-link?email=waiting1%40example.com" in text

    sent = [client.post(f"{EDITION}/waiting-list/links", json={"email": address})
            for address in ("waiting1@example.com", "nobody@example.com")]
    assert [s.status_code for s in sent] == [202, 202]
    assert sent[0].json == sent[1].json  # tells nobody who waits
    assert len(services.waiting_list.entries(SLUG)) == 3  # nothing else changed
    settled(services)
    mails = inbox.to("waiting1@example.com")
    assert len(mails) == 4  # joined twice (two lists), then both links again
    assert sum(f"/w/{first.json['id']}?token=" in text_of(m) for m in mails) == 2


def test_staff_see_past_entries_accepted_expired_and_left_with_when_rebuilt_from_the_log(
        app, client, services, edition, clock: SettableClock, staff_headers) -> None:
    seated = [speaker(client, n).json["id"] for n in range(1, 4)]
    taker, _, leaver = (join(client, n).json for n in (1, 2, 3))
    assert client.delete(f"/api/waiting-list/{leaver['id']}", headers={
        "Authorization": f"Bearer {leaver['token']}"}).status_code == 200
    cancel(client, services, seated[0])
    took = client.post(f"{EDITION}/registrations", json={
        "attendee": editions.attendee(9), "registration_type": "speaker",
        "offer": taker["id"]}, headers={"Authorization": f"Bearer {taker['token']}"})
    assert took.status_code == 201, took.json
    cancel(client, services, seated[1])
    clock.set("2019-03-22T11:00:00-04:00")
    assert services.waiting_list.run().expired == 1

    def shown(which: str) -> list[tuple[str, str, bool]]:
        answer = client.get(f"{EDITION}/waiting-list?status={which}",
                            headers=staff_headers["finance"])
        assert answer.status_code == 200, answer.json
        return [(e["last_name"], e["status"], e["ended_at"] is not None)
                for e in answer.json["entries"]]

    everyone = [("Waiting1", "accepted", True), ("Waiting2", "expired", True),
                ("Waiting3", "left", True)]
    assert shown("all") == everyone and shown("current") == []
    assert shown("left") == [("Waiting3", "left", True)]
    bad = client.get(f"{EDITION}/waiting-list?status=gone", headers=staff_headers["finance"])
    assert bad.status_code == 422
    expired = client.get(f"{EDITION}/waiting-list?status=expired",
                         headers=staff_headers["finance"]).json["entries"]
    assert expired[0]["ended_at"].startswith("2019-03-22T10:00:00")  # when the offer ended

    finance = signed_in(app, services, "fin@example.com", role="finance")
    page = html.unescape(finance.get("/staff/waiting-list/?lang=fr&status=all")
                         .get_data(as_text=True))
    assert re.findall(r'data-status="(\w+)"', page) == ["accepted", "expired", "left"]
    for words in ("Acceptée", "Offre expirée", "A quitté la liste", "22 mars 2019"):
        assert words in page
    assert "Nobody is waiting." in finance.get("/staff/waiting-list/?lang=en").get_data(
        as_text=True)
    assert finance.get("/staff/waiting-list/?status=gone").status_code == 400

    services.read_models.rebuild()
    assert shown("all") == everyone
