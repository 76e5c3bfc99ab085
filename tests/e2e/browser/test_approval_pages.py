"""Issue 14 item 1 in the browser: a French registrant's place awaits approval (no payment
offered); an admin turns down without a reason (refused), then approves with a note."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from registration.services.container import Services
from tests.e2e.browser.conftest import new_page, snap
from tests.e2e.browser.forms import fill_person
from tests.e2e.browser.test_staff_pages import PASSWORD, sign_in
from tests.support import editions

pytestmark = pytest.mark.browser
SLUG = "test-montreal"


def test_a_place_awaits_approval_then_an_admin_approves_it_with_a_note(
        french_page: Page, browser: Browser, live_server: str, services: Services) -> None:
    document = editions.edition()
    document["registration_types"][0]["approval"] = True  # delegates need approval
    services.editions.load(document)
    page = french_page
    page.goto(f"/e/{SLUG}/register")
    fill_person(page, first_name="Émilie", last_name="Bouchard", email="emilie@example.com",
                organisation="Ville de Laval", job_title="Conseillère")
    page.get_by_role("button", name="S\u2019inscrire").click()
    expect(page.locator("[data-awaiting-approval]")).to_contain_text("votre inscription est reçue")
    expect(page.get_by_role("link", name="Payer")).to_have_count(0)
    page.get_by_role("link", name="Ouvrir mon inscription").click()
    expect(page.locator("h1 .pill")).to_have_text("En attente d\u2019approbation")
    snap(page, "awaiting-approval-fr")

    services.staff.create_account("Ada Admin", "ada@example.com", PASSWORD, "admin")
    for admin in new_page(browser, live_server, "en-CA"):
        sign_in(admin, "ada@example.com")
        admin.get_by_role("link", name="Approvals").click()
        card = admin.locator("[data-awaiting]")
        expect(card).to_contain_text("Émilie Bouchard")
        card.get_by_role("button", name="Turn down").click()
        expect(admin.locator("[data-awaiting] .error")).to_have_text(
            "Say why: the person is told.")
        admin.locator("[data-awaiting] textarea").fill("Welcome aboard: bring your slides.")
        admin.locator("[data-awaiting]").get_by_role("button", name="Approve").click()
        expect(admin.locator("[data-decided]")).to_contain_text("Approved")
        expect(admin.locator("[data-none]")).to_be_visible()
        snap(admin, "approvals-done-en")

    page.reload()
    expect(page.locator("h1 .pill")).to_have_text("En attente de paiement")
    expect(page.get_by_role("link", name="Payer 454,15\u00a0$ par carte")).to_be_visible()
