"""Staff pages open on the conference running now, remember the edition each person picks
(on every device), and speak the person's language whatever the edition's."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from registration.services.container import Services
from tests.support import editions
from tests.support.staff_pages import signed_in

SAVANNAH_2027 = editions.edition(
    editions.GEORGIA, slug="test-savannah-2027",
    names={"en": "Alliance Conference Savannah 2027 (test)"},
    starts_on="2027-06-07", ends_on="2027-06-09", registration_opens="2027-01-15T09:00",
    registration_closes="2027-06-09T12:00", discount_codes=[],
    cancellation_policy={"steps": [], "fee": "0.00"})


@pytest.fixture
def two_editions(services: Services, edition: dict[str, Any]) -> None:
    """Montréal 2019 (registration open on the test clock's day) and Savannah 2027, whose slug
    sorts last."""
    services.editions.load(SAVANNAH_2027)


def registered_francois(client: FlaskClient) -> None:
    answer = client.post("/api/editions/test-montreal/registrations", json={
        "attendee": editions.attendee(1), "registration_type": "delegate", "delegation": "QC"})
    assert answer.status_code == 201, answer.json


def selected(page: str) -> str:
    found = re.search(r'<option value="([^"]+)" selected>', page)
    assert found, "no edition chosen on the page"
    return found.group(1)


@pytest.mark.usefixtures("two_editions")
def test_the_desk_finds_francois_in_the_conference_running_today(
        app: Flask, services: Services, client: FlaskClient) -> None:
    registered_francois(client)
    desk = signed_in(app, services, role="desk")
    page = desk.get("/staff/desk/?q=francois").get_data(as_text=True)
    assert selected(page) == "test-montreal"
    assert "Tremblay1" in page
    # The switcher names the editions, not their slugs.
    assert "Alliance Conference Savannah 2027 (test)" in page


@pytest.mark.usefixtures("two_editions")
def test_an_edition_picked_is_remembered_for_the_person_on_every_page_and_device(
        app: Flask, services: Services) -> None:
    laptop = signed_in(app, services)
    assert selected(laptop.get("/staff/").get_data(as_text=True)) == "test-montreal"
    laptop.get("/staff/?edition=test-savannah-2027")
    phone = signed_in(app, services)
    for path in ("/staff/", "/staff/finance/", "/staff/desk/"):
        assert selected(phone.get(path).get_data(as_text=True)) == "test-savannah-2027", path
    # Another member still opens on today's edition.
    other = signed_in(app, services, "sam@example.com")
    assert selected(other.get("/staff/").get_data(as_text=True)) == "test-montreal"


@pytest.mark.usefixtures("two_editions")
def test_an_unknown_edition_in_the_address_opens_the_usual_one(
        app: Flask, services: Services) -> None:
    desk = signed_in(app, services)
    answer = desk.get("/staff/desk/?edition=nope")
    assert answer.status_code == 200
    assert selected(answer.get_data(as_text=True)) == "test-montreal"


@pytest.mark.usefixtures("two_editions")
def test_the_staff_pages_speak_the_persons_language_not_the_editions(
        app: Flask, services: Services) -> None:
    laptop = signed_in(app, services)
    laptop.get("/staff/?lang=fr")
    # Savannah is an English-only edition: its pages still speak French to this person,
    # on another device too, with its amounts formatted for the United States.
    phone = signed_in(app, services)
    page = phone.get("/staff/?edition=test-savannah-2027").get_data(as_text=True)
    assert 'lang="fr"' in page and "Tableau de bord" in page
    english = signed_in(app, services, "sam@example.com")
    page = english.get("/staff/?edition=test-montreal",
                       headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'lang="en"' in page and "Dashboard" in page


@pytest.mark.parametrize("language, words", [
    ("en", ("Journal", "Overdue invoices", "Reconciliation", "Finance")),
    ("fr", ("Journal", "Factures en retard", "Rapprochement", "Finances")),
])
def test_before_any_conference_exists_each_finance_screen_says_so(
        app: Flask, services: Services, language: str, words: tuple[str, ...]) -> None:
    finance = signed_in(app, services, "fin@example.com", "finance")
    finance.get(f"/staff/?lang={language}")
    said = "No conference is scheduled yet." if language == "en" else \
        "Aucune conférence n\u2019est encore prévue."
    for path, title in zip(("/staff/finance/journal", "/staff/finance/overdue",
                            "/staff/finance/reconciliation", "/staff/finance/"), words,
                           strict=True):
        answer = finance.get(path)
        page = html.unescape(answer.get_data(as_text=True))
        assert answer.status_code == 200 and f"<h1>{title}</h1>" in page and said in page, path
