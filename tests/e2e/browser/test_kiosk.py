"""The self-service kiosk in a real browser: a desk member opens it, an attendee finds
themselves by name (or scans their e-ticket), confirms and gets their badge; the screen
can do nothing else until the member's password is given."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from registration.services.container import Services
from tests.e2e.browser.conftest import DESKTOP, PHONE, snap
from tests.e2e.browser.test_phone_and_accessibility import (
    LANGUAGES,
    LAYOUT,
    axe_violations,
    with_language,
)
from tests.e2e.browser.test_staff_pages import PASSWORD, SLUG, register, sign_in

pytestmark = pytest.mark.browser
KIOSK = f"/staff/kiosk/{SLUG}/"


def open_kiosk(page: Page, services: Services) -> None:
    services.staff.create_account("Dana Desk", "desk@example.com", PASSWORD, "desk")
    sign_in(page, "desk@example.com")
    page.goto(f"/staff/desk/{SLUG}/print-on-scan?lang=en")
    page.get_by_role("button", name="Start kiosk mode on this screen").click()
    expect(page.locator("h1")).to_have_text("Obtenez votre badge")  # the edition's language
    page.get_by_role("link", name="EN", exact=True).click()  # the visitor's choice
    expect(page.locator("h1")).to_have_text("Get your badge")


def test_an_attendee_finds_themselves_by_name_confirms_and_gets_their_badge(
        page: Page, services: Services, edition: dict) -> None:
    francois = register(services, 1, "QC")
    register(services, 2, "GA")
    open_kiosk(page, services)
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    page.goto(KIOSK + "?q=Fr")  # the field asks for 3 letters; the server too
    expect(page.locator("#q-error")).to_have_text("Type at least 3 letters of your name.")
    page.fill("#q", "tremblay1")
    page.get_by_role("button", name="Search").click()
    found = page.locator("[data-found] li")
    expect(found).to_have_count(1)
    expect(found).to_contain_text("François Tremblay1")
    expect(found).to_contain_text("Hydro-Québec")
    expect(page.locator("main")).not_to_contain_text("@example.com")  # never an e-mail
    snap(page, "kiosk-found-en")
    found.get_by_role("link").click()
    expect(page.locator("h1")).to_have_text("Is this you?")
    expect(page.locator("[data-attendee]")).to_contain_text("Quebec")
    snap(page, "kiosk-confirm-en")

    with page.expect_event("popup") as opened:
        page.get_by_role("button", name="Yes, print my badge").click()
    badge = opened.value
    expect(page.locator("[data-done]")).to_contain_text("Your badge is printing")
    badge.close()
    prints = [e for e in services.registrations.history(francois) if e.event == "BadgePrinted"]
    assert [(e.actor.kind, e.details["printed_by"]) for e in prints] == [("kiosk", "kiosk")]

    page.goto(f"/staff/desk/{SLUG}/check-in")  # nothing else: back to the kiosk
    expect(page).to_have_url(re.compile(re.escape(KIOSK) + "$"))
    assert page.request.post(f"/staff/desk/{SLUG}/check-in").status == 403

    page.get_by_role("link", name="FR", exact=True).click()
    expect(page.locator("h1")).to_have_text("Obtenez votre badge")
    snap(page, "kiosk-home-fr")
    page.get_by_role("link", name="Personnel\u00a0: quitter le mode borne").click()
    page.fill("#password", "not the password!")
    page.get_by_role("button", name="Quitter le mode borne").click()
    expect(page.locator("#password-error")).to_contain_text("Ce n\u2019est pas le mot de passe")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Quitter le mode borne").click()
    expect(page).to_have_url(re.compile(r"/print-on-scan$"))


def test_an_attendee_scans_their_e_ticket_at_the_kiosk(
        page: Page, services: Services, edition: dict) -> None:
    zoe = register(services, 3, "QC")
    open_kiosk(page, services)
    page.fill("#code", "ACD-EFH-JKM")
    page.keyboard.press("Enter")
    expect(page.locator("#code-error")).to_contain_text("not a ticket for this conference")
    page.fill("#code", services.registrations.get(zoe).checkin_secret)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Is this you?")
    expect(page.locator("[data-attendee]")).to_contain_text("François Tremblay3")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_check_in_present_now_and_kiosk_pages_fit_a_phone_and_pass_axe(
        page: Page, services: Services, edition: dict, axe_source: str, language: str) -> None:
    francois = register(services, 1, "QC")
    open_kiosk(page, services)
    kiosk_pages = [f"{KIOSK}?q=tremblay", f"{KIOSK}?q=Fr", f"{KIOSK}attendees/{francois}",
                   f"{KIOSK}leave"]
    problems = pages_problems(page, kiosk_pages, language, axe_source)
    page.goto(f"{KIOSK}leave")
    page.fill("#password", PASSWORD)
    page.locator("form.card button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/print-on-scan$"))
    desk_pages = [f"/staff/desk/{SLUG}/check-in", f"/staff/desk/{SLUG}/check-in?list=nope",
                  f"/staff/desk/{SLUG}/presence", f"/staff/desk/{SLUG}/presence?as_of=x",
                  f"/staff/desk/{SLUG}/print-on-scan"]
    problems |= pages_problems(page, desk_pages, language, axe_source)
    assert problems == {}, problems


def pages_problems(page: Page, urls: list[str], language: str,
                   axe_source: str) -> dict[str, object]:
    """What overflows at 390 px, and axe's serious or critical findings at 390 and 1280 px."""
    problems: dict[str, object] = {}
    for url in urls:
        page.set_viewport_size(PHONE)
        page.goto(with_language(url, language))
        layout = page.evaluate(LAYOUT)
        if layout["overflow"] > 0 or layout["squeezed"] or layout["beyond"]:
            problems[f"{url} layout"] = layout
        if violations := axe_violations(page, axe_source):
            problems[f"{url} axe"] = violations
        page.set_viewport_size(DESKTOP)
        if violations := axe_violations(page, axe_source):
            problems[f"{url} axe 1280"] = violations
    return problems
