"""Finance's page for a registration in a real browser: a change of type re-quoted at the
registration's moment, the balance it leaves, the history in French, and the page at phone
width passing axe in both languages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from domain.actor import Actor, acting_as
from registration.services.container import Services
from tests.e2e.browser.conftest import DESKTOP, PHONE, snap
from tests.e2e.browser.test_phone_and_accessibility import LAYOUT, axe_violations
from tests.e2e.browser.test_staff_pages import PASSWORD, register, sign_in

pytestmark = pytest.mark.browser


def test_finance_moves_a_paid_delegate_to_speaker_and_refunds_the_difference_by_hand(
        page: Page, services: Services, edition: dict, axe_source: str) -> None:
    services.staff.create_account("Fiona Finance", "fiona@example.com", PASSWORD, "finance")
    place = register(services, 1, "QC")
    with acting_as(Actor.staff("desk-1", "Desk", "desk")):
        services.desk_payments.take_payment(place, Decimal("454.15"), "cash", None)
    sign_in(page, "fiona@example.com")
    page.goto("/staff/registrations/?q=tremblay1")
    page.locator("[data-attendee]").first.click()
    expect(page.locator("[data-type]")).to_have_text("Delegate")

    page.locator("[data-form=place] summary").click()
    page.select_option("#registration_type", "speaker")
    page.fill("#place-reason", "Invited to speak on the supply-chain panel")
    page.get_by_role("button", name="Change", exact=True).click()
    expect(page.locator("[data-done=moved]")).to_be_visible()
    expect(page.locator("[data-type]")).to_have_text("Speaker")
    expect(page.locator("[data-refund-owed]")).to_have_text("$454.15")

    page.locator("[data-form=refund] summary").click()
    page.select_option("#method", "cheque")
    page.fill("#amount", "454.15")
    page.fill("#reference", "CHQ-2044")
    page.fill("#refund-reason", "Speakers come free")
    page.get_by_role("button", name="Record the refund").click()
    expect(page.locator("[data-done=refunded]")).to_be_visible()
    expect(page.locator("[data-money] tbody tr")).to_have_count(2)
    expect(page.locator("[data-place]")).not_to_contain_text("Refund owed")

    page.goto(f"/staff/registrations/{place}?lang=fr")
    expect(page.locator("li[data-event=PlaceChanged]")).to_contain_text(
        "Type ou délégation changé : Personne déléguée, délégation Québec → Personne "
        "conférencière, délégation Québec")
    snap(page, "staff-registration-fr")
    for language in ("fr", "en"):
        page.goto(f"/staff/registrations/{place}?lang={language}")
        for size in (PHONE, DESKTOP):
            page.set_viewport_size(size)
            for summary in page.locator("details summary").all():
                summary.click()
            layout = page.evaluate(LAYOUT)
            assert layout["overflow"] <= 0 and not layout["squeezed"], layout
            assert axe_violations(page, axe_source) == [], (language, size)
