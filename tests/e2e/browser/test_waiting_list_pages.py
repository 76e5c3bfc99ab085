"""The waiting list in a real browser: a sold-out type says a waiting list is open, a person
joins it, is offered the freed place and registers on it (in French); a delegation lead waits
for two places of a full allotment and registers both with the group form (in English)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from playwright.sync_api import Browser, Page, expect

from domain.attendee import Attendee
from registration.services.container import Services
from tests.e2e.browser.conftest import new_page, snap
from tests.e2e.browser.forms import fill_person
from tests.e2e.browser.test_phone_and_accessibility import axe_violations
from tests.e2e.browser.test_staff_pages import PASSWORD, sign_in
from tests.support import editions

pytestmark = pytest.mark.browser
SLUG = "test-montreal"
NBSP = "\u00a0"


@pytest.fixture
def edition(services: Services) -> dict[str, Any]:
    """A single delegate seat; Georgia's allotment of two places."""
    document = editions.edition()
    document["registration_types"][0]["capacity"] = 1
    services.editions.load(document)
    return document


def seat(services: Services, n: int, delegation: str = "QC", kind: str = "delegate") -> UUID:
    return services.registrations.register(
        SLUG, Attendee(**editions.attendee(n)), kind, delegation).registration.id


def test_a_person_joins_the_waiting_list_is_offered_the_freed_place_and_takes_it(
        french_page: Page, services: Services, edition: dict[str, Any]) -> None:
    page = french_page
    taken = seat(services, 1)
    page.goto(f"/e/{SLUG}/register")
    expect(page.locator("label.choice[data-type=delegate]")).to_contain_text("Complet")
    join = page.locator("[data-waiting-list=delegate]")
    expect(join).to_have_text(f"Une liste d\u2019attente est ouverte{NBSP}: inscrivez-vous")
    snap(page, "waiting-sold-out-fr")
    join.get_by_role("link").click()
    expect(page.locator("h1")).to_have_text("M\u2019inscrire sur la liste d\u2019attente")
    expect(page.locator("#registration_type")).to_have_value("delegate")
    fill_person(page, first_name="Émilie", last_name="Côté", email="emilie@example.com")
    snap(page, "waiting-join-fr")
    page.get_by_role("button", name="M\u2019inscrire sur la liste d\u2019attente").click()
    expect(page.locator("h1")).to_have_text("Votre rang sur la liste d\u2019attente")
    expect(page.locator("[data-entry-status]")).to_contain_text(
        f"En attente{NBSP}: rang 1 sur la liste")
    snap(page, "waiting-entry-fr")

    services.registrations.cancel(taken)  # the freed seat is offered at once
    page.reload()
    expect(page.locator("[data-entry-status]")).to_contain_text(
        f"Offerte{NBSP}: la place vous est réservée jusqu\u2019au 22 mars 2019")
    snap(page, "waiting-offered-fr")
    page.get_by_role("link", name="M\u2019inscrire sur la place réservée").click()
    expect(page.locator("[data-offer]")).to_contain_text("au prix en vigueur aujourd\u2019hui")
    expect(page.locator("#first_name")).to_have_value("Émilie")
    expect(page.locator("input[name=registration_type][value=delegate]")).to_be_checked()
    fill_person(page, organisation="Hydro-Québec", job_title="Ingénieure")
    snap(page, "waiting-accept-fr")
    page.get_by_role("button", name="S\u2019inscrire").click()
    expect(page.locator("h1")).to_have_text("Inscription confirmée")
    rows = services.waiting_list.entries(SLUG)
    assert rows == []  # taken: off the list


def test_a_delegation_lead_waits_for_two_places_and_registers_both_when_offered(
        page: Page, browser: Browser, live_server: str, services: Services,
        edition: dict[str, Any]) -> None:
    taken = [seat(services, n, "GA", "speaker") for n in (1, 2)]  # Georgia's allotment
    page.goto(f"/e/{SLUG}/waiting-list?registration_type=speaker&delegation=GA")
    fill_person(page, quantity="2", first_name="Jordan", last_name="Lee",
                email="jordan@example.com")
    page.get_by_role("button", name="Join the waiting list").click()
    expect(page.locator("[data-entry-status]")).to_contain_text("Waiting: number 1 in line")
    snap(page, "waiting-entry-en")

    services.registrations.cancel(taken[0])  # one place: a group of two is not offered one
    page.reload()
    expect(page.locator("[data-entry-status]")).to_contain_text("Waiting: number 1 in line")
    services.registrations.cancel(taken[1])
    page.reload()
    expect(page.locator("[data-entry-status]")).to_contain_text(
        "Offered: the 2 places are held for you until March 22, 2019")
    snap(page, "waiting-offered-en")
    services.staff.create_account("Fin Ance", "fin@example.com", PASSWORD, "finance")
    for staff in new_page(browser, live_server, "en-CA"):
        sign_in(staff, "fin@example.com")
        staff.get_by_role("link", name="Waiting list").click()
        expect(staff.locator("[data-waiting-list] tbody tr")).to_have_count(1)
        expect(staff.locator("[data-waiting-list] tbody tr")).to_contain_text(
            "Jordan Lee")
        expect(staff.locator("[data-waiting-list] tbody tr")).to_contain_text(
            "March 22, 2019, 10:00")
        snap(staff, "waiting-staff-en")
        staff.goto("/staff/waiting-list/?lang=fr")
        snap(staff, "waiting-staff-fr")
    page.get_by_role("link", name="Register on the held places").click()
    expect(page.locator("[data-offer]")).to_contain_text("the 2 places held for you")
    expect(page.locator("[data-person]")).to_have_count(2)
    for row, first in enumerate(("Casey", "Morgan")):
        fill_person(page, **{f"p{row}-first_name": first, f"p{row}-last_name": "Lee",
                             f"p{row}-email": f"{first.lower()}@example.com",
                             f"p{row}-job_title": "Analyst"})
    page.fill("#organisation", "Georgia Trade")
    snap(page, "waiting-group-accept-en")
    page.get_by_role("button", name="Register these people").click()
    expect(page.locator("[data-members] li")).to_have_count(2)
    snap(page, "waiting-group-done-en")
    assert services.waiting_list.entries(SLUG) == []


def test_staff_choose_to_see_past_entries_with_when_they_ended(
        browser: Browser, live_server: str, services: Services, edition: dict[str, Any],
        axe_source: str) -> None:
    taken = seat(services, 1)
    joined = [services.waiting_list.join(SLUG, "delegate", None, 1, first, "Roy",
                                         f"roy{n}@example.com", "fr")
              for n, first in enumerate(("Ada", "Béa", "Cléo"))]
    services.waiting_list.leave(joined[2].entry.id)
    services.registrations.cancel(taken)  # offered to Ada, who takes it
    services.registrations.register(SLUG, Attendee(**editions.attendee(2)), "delegate",
                                    offer=(joined[0].entry.id, joined[0].token))
    services.staff.create_account("Fin Ance", "fin@example.com", PASSWORD, "finance")
    for staff in new_page(browser, live_server, "en-CA"):
        sign_in(staff, "fin@example.com")
        for language, every, left in (("en", "Every entry", "Left the list"),
                                      ("fr", "Toutes les inscriptions", "A quitté la liste")):
            staff.goto(f"/staff/waiting-list/?lang={language}")
            expect(staff.locator("[data-waiting-list] tbody tr")).to_have_count(1)  # Béa
            staff.select_option("#status", label=every)
            staff.locator("form.toolbar button[type=submit]").click()
            rows = staff.locator("[data-waiting-list] tbody tr")
            expect(rows).to_have_count(3)
            expect(rows.nth(2)).to_contain_text(left)
            snap(staff, f"waiting-staff-past-{language}")
            assert axe_violations(staff, axe_source) == []
        staff.goto(f"/e/{SLUG}/waiting-list?registration_type=delegate&lang=fr")
        fill_person(staff, first_name="Béa", last_name="Roy", email="roy1@example.com")
        staff.get_by_role("button", name="M\u2019inscrire sur la liste d\u2019attente").click()
        expect(staff.locator("[role=alert]")).to_contain_text("déjà sur cette liste d\u2019attente")
        snap(staff, "waiting-already-fr")
        staff.get_by_role(
            "link", name="M\u2019envoyer de nouveau le lien de mon inscription").click()
        expect(staff.locator("#email")).to_have_value("roy1@example.com")
