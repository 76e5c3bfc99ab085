"""Issue 12 item 2 in the browser: an attendee buys a gala ticket with their place (the live
price panel adds it, taxed), and the desk admits them on the gala list while refusing a
delegate who did not buy one; the French form at phone width offers the same."""

from __future__ import annotations

import re
from uuid import UUID

import pytest
from playwright.sync_api import Browser, Page, expect

from registration.services.container import Services
from tests.e2e.browser.conftest import PHONE, new_page, snap
from tests.e2e.browser.forms import fill_person
from tests.e2e.browser.test_desk_check_in_page import CHECK_IN, typed
from tests.e2e.browser.test_staff_pages import PASSWORD, SLUG, register, sign_in
from tests.support import editions

pytestmark = pytest.mark.browser


@pytest.fixture
def edition(services: Services) -> None:
    services.editions.load(editions.edition(extras=editions.EXTRAS, checkin_lists=[
        {"code": "entry", "names": {"en": "Conference entry", "fr": "Entrée au congrès"}},
        editions.GALA_LIST]))


def test_a_gala_ticket_bought_on_the_form_admits_its_buyer_on_the_gala_list(
        page: Page, browser: Browser, live_server: str, services: Services, edition) -> None:
    page.goto(f"/e/{SLUG}/register?lang=en")
    gala, panel = page.locator("[data-extra=gala]"), page.locator("[data-quote-box]")
    page.locator("[data-type=speaker] input").check()
    expect(gala).to_be_hidden()  # a speaker's place includes the gala
    page.locator("[data-type=delegate] input").check()
    expect(gala).to_be_visible()
    page.fill("#extra-gala", "1")
    expect(panel).to_contain_text("Gala dinner ticket \u00d7 1")
    expect(panel.locator("tr.total")).to_contain_text("592.12")  # 454.15 + 120.00 + taxes
    fill_person(page, first_name="Aline", last_name="Gagnon", email="aline@example.com",
                organisation="Hydro-Québec", job_title="Engineer")
    snap(page, "extras-register-en")
    page.get_by_role("button", name="Register").click()
    expect(page.locator("h1")).to_have_text("You are registered")
    expect(page.locator("[data-quote]")).to_contain_text("Gala dinner ticket \u00d7 1")
    bought = UUID(re.search(r"/([0-9a-f-]{36})/confirmation", page.url).group(1))
    without = register(services, 2, "QC")

    services.staff.create_account("Dana Desk", "desk@example.com", PASSWORD, "desk")
    for desk in new_page(browser, live_server, "en-CA"):
        sign_in(desk, "desk@example.com")
        desk.goto(CHECK_IN + "?lang=en")
        with desk.expect_navigation():
            desk.select_option("#list", "gala")
        answer = desk.locator("[data-answer]")
        typed(desk, services.registrations.get(bought).checkin_secret)
        expect(answer).to_contain_text("Checked in — payment due")  # admitted, not yet paid
        expect(answer).to_contain_text("$592.12")
        typed(desk, services.registrations.get(without).checkin_secret)
        expect(answer).to_have_attribute("data-answer", "bad")
        expect(answer).to_contain_text("and no ticket for it was bought")
        snap(desk, "extras-gala-list-refused-en")
        desk.goto(f"/staff/desk/attendees/{bought}?lang=en")
        expect(desk.locator("[data-extras]")).to_contain_text("Gala dinner ticket \u00d7 1")
        snap(desk, "extras-desk-card-en")


def test_the_french_form_at_phone_width_offers_the_add_ons_and_refuses_too_many(
        french_page: Page, services: Services, edition) -> None:
    page = french_page
    page.set_viewport_size(PHONE)
    page.goto(f"/e/{SLUG}/register")
    companion = page.locator("[data-extra=companion]")
    expect(companion).to_contain_text("Billet de gala pour une personne accompagnatrice")
    expect(companion).to_contain_text("Il en reste 3")
    page.locator("[data-type=delegate] input").check()
    page.fill("#extra-gala", "1")
    page.fill("#extra-companion", "2")
    panel = page.locator("[data-quote-box]")
    expect(panel).to_contain_text("Billet de gala pour une personne accompagnatrice \u00d7 2")
    fill_person(page, first_name="Émilie", last_name="Bouchard", email="emilie@example.com",
                organisation="Ville de Laval", job_title="Conseillère")
    snap(page, "extras-register-fr")
    page.evaluate("document.getElementById('extra-companion').max = 9")
    page.fill("#extra-companion", "5")
    page.get_by_role("button", name="S\u2019inscrire").click()
    expect(page.locator("#extra-companion-error")).to_have_text(
        "Choisissez un nombre de 0 à 2.")
    snap(page, "extras-refused-fr")
