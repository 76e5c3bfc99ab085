"""The kiosk through HTTP: only a desk member starts it, it shows nobody to fewer than 3
letters nor any e-mail, it prints only places of its edition still standing, each print
recorded by the kiosk, and the screen is locked to it."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from domain.actor import Actor
from registration.services.container import Services
from tests.e2e.test_print_on_scan import SLUG, desk_in, registered
from tests.support.staff_pages import signed_in

KIOSK = f"/staff/kiosk/{SLUG}"
pytestmark = pytest.mark.usefixtures("edition")


@pytest.fixture
def database_url() -> None:
    return None


def csrf(client: FlaskClient, page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(page).get_data(
        as_text=True))
    assert found is not None
    return found.group(1)


def kiosk_of(app, services: Services) -> FlaskClient:
    desk = desk_in(app, services)
    token = csrf(desk, f"/staff/desk/{SLUG}/print-on-scan")
    assert desk.post(f"{KIOSK}/start", data={"csrf_token": token}).status_code == 303
    return desk


def test_only_a_desk_member_starts_the_kiosk_and_it_answers_only_once_started(
        app, services: Services) -> None:
    finance = signed_in(app, services, "finn@example.com", role="finance")
    token = csrf(finance, "/staff/")
    assert finance.post(f"{KIOSK}/start", data={"csrf_token": token}).status_code == 403
    desk = desk_in(app, services)
    assert desk.get(f"{KIOSK}/").status_code == 403  # not started on this screen
    assert app.test_client().get(f"{KIOSK}/").status_code == 302  # signed out: sign in


def test_the_kiosk_lists_names_and_organisations_only_from_three_letters(
        app, services: Services) -> None:
    registered(services, 1)
    kiosk = kiosk_of(app, services)
    short = kiosk.get(f"{KIOSK}/?q=Tr&lang=en")
    assert short.status_code == 422
    assert "Type at least 3 letters of your name." in short.get_data(as_text=True)
    page = kiosk.get(f"{KIOSK}/?q=tremblay").get_data(as_text=True)
    assert "François Tremblay1" in page and "Hydro-Québec" in page
    assert "@example.com" not in page
    by_email = kiosk.get(f"{KIOSK}/?q=person1").get_data(as_text=True)
    assert "Tremblay1" not in by_email  # a name is searched, not an e-mail address


def test_the_kiosk_prints_a_badge_recorded_by_the_kiosk_and_counts_reprints(
        app, services: Services) -> None:
    registration_id, _ = registered(services, 1)
    kiosk = kiosk_of(app, services)
    confirm = f"{KIOSK}/attendees/{registration_id}"
    for _ in range(2):
        printed = kiosk.post(f"{confirm}/badge.pdf", data={"csrf_token": csrf(kiosk, confirm)})
        assert printed.status_code == 200 and printed.mimetype == "application/pdf"
    prints = [e for e in services.registrations.history(registration_id)
              if e.event == "BadgePrinted"]
    assert [e.actor.kind for e in prints] == ["kiosk", "kiosk"]
    assert prints[0].actor == Actor.kiosk(prints[0].actor.id, "Dana")
    assert services.registrations.view(registration_id).badge_prints == 2
    organiser = signed_in(app, services, "ada@example.com", role="admin")
    history = organiser.get(f"/staff/registrations/{registration_id}/history?lang=fr")
    assert history.get_data(as_text=True).count("Badge imprimé à la borne libre-service") == 2


def test_a_cancelled_place_gets_no_badge_at_the_kiosk(app, services: Services) -> None:
    registration_id, token = registered(services, 1)
    client = app.test_client()
    assert client.post(f"/api/registrations/{registration_id}/cancellation",
                       headers={"Authorization": f"Bearer {token}"}).status_code == 200
    kiosk = kiosk_of(app, services)
    assert kiosk.get(f"{KIOSK}/attendees/{registration_id}").status_code == 404
    assert kiosk.post(f"{KIOSK}/attendees/{registration_id}/badge.pdf",
                      data={"csrf_token": csrf(kiosk, f"{KIOSK}/")}).status_code == 404


def test_a_screen_in_kiosk_mode_reaches_nothing_else(app, services: Services) -> None:
    kiosk = kiosk_of(app, services)
    for page in ("/staff/", f"/staff/desk/{SLUG}/check-in", "/staff/accounts", f"/e/{SLUG}"):
        answer = kiosk.get(page)
        assert (answer.status_code, answer.location) == (303, f"{KIOSK}/"), page
    token = csrf(kiosk, f"{KIOSK}/")
    assert kiosk.post("/staff/sign-out", data={"csrf_token": token}).status_code == 403
    left = kiosk.post(f"{KIOSK}/leave", data={"csrf_token": token, "password": "nope"})
    assert left.status_code == 422
    back = kiosk.post(f"{KIOSK}/leave", data={"csrf_token": token,
                                              "password": "a long enough password"})
    assert back.status_code == 303
    assert kiosk.get("/staff/").status_code == 200
