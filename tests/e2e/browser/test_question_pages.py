"""Issue 14 item 6 in the browser: a French attendee at phone width answers the edition's
questions (only those of the type chosen), and the answers reach the desk card."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from registration.services.container import Services
from tests.e2e.browser.conftest import PHONE, new_page, snap
from tests.e2e.browser.forms import fill_person
from tests.e2e.browser.test_staff_pages import PASSWORD, sign_in
from tests.support import editions
from tests.unit.test_questions import QUESTIONS

pytestmark = pytest.mark.browser
SLUG = "test-montreal"


def test_answers_given_on_the_french_form_at_phone_width_reach_the_desk_card(
        french_page: Page, browser: Browser, live_server: str, services: Services) -> None:
    services.editions.load(editions.edition(questions=QUESTIONS))
    page = french_page
    page.set_viewport_size(PHONE)
    page.goto(f"/e/{SLUG}/register")
    meal = page.locator("[data-question=meal]")
    page.locator("[data-type=speaker] input").check()
    expect(meal).to_be_hidden()  # asked of delegates only
    page.locator("[data-type=delegate] input").check()
    expect(meal).to_be_visible()
    fill_person(page, first_name="Émilie", last_name="Bouchard", email="emilie@example.com",
                organisation="Ville de Laval", job_title="Conseillère")
    page.fill("#answer-diet", "Sans arachides")
    page.get_by_label("Végétarien").check()
    page.locator("[data-question=photos]").get_by_label("Non").check()
    page.get_by_role("button", name="S\u2019inscrire").click()

    expect(page.locator("#answer-terms-error")).to_have_text(
        "Vous devez accepter ceci pour vous inscrire.")
    expect(page.locator("#answer-diet")).to_have_value("Sans arachides")  # kept for the retry
    snap(page, "questions-refused-fr")
    page.get_by_label("J\u2019accepte les conditions.").check()
    page.get_by_role("button", name="S\u2019inscrire").click()
    expect(page.locator("h1")).to_have_text("Inscription confirmée")

    services.staff.create_account("Dana Desk", "desk@example.com", PASSWORD, "desk")
    for desk in new_page(browser, live_server, "en-CA"):
        sign_in(desk, "desk@example.com")
        desk.goto("/staff/desk/?q=bouchard")
        desk.get_by_role("link", name="Émilie Bouchard").click()
        card = desk.locator(".attendee-card")
        expect(card).to_contain_text("Sans arachides")
        expect(card).to_contain_text("Vegetarian")
        expect(card.locator("dt", has_text="Photos?").locator("+ dd")).to_have_text("No")
        expect(card).not_to_contain_text("I accept the terms.")
        snap(desk, "desk-card-answers-en")
