"""The desk's check-in screen in a real browser: a USB scanner types the QR code's text and
Enter; a person types the short code printed under it, however they type it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from domain.checkin import grouped, short_code
from registration.services.container import Services
from tests.e2e.browser.conftest import snap
from tests.e2e.browser.test_staff_pages import PASSWORD, SLUG, register, sign_in

pytestmark = pytest.mark.browser
CHECK_IN = f"/staff/desk/{SLUG}/check-in"


def typed(page: Page, text: str) -> None:
    """Type into the focused field and send, as a person or a USB scanner does; wait for the
    answer page (a loaded machine may still be showing the previous one)."""
    expect(page.locator("#code")).to_be_focused()
    page.keyboard.type(text)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_typed_short_code_checks_in_like_a_scan_and_a_wrong_one_says_why(
        page: Page, services: Services, edition: dict) -> None:
    services.staff.create_account("Dana Desk", "desk@example.com", PASSWORD, "desk")
    francois, zoe = register(services, 1, "QC"), register(services, 2, "QC")
    code = grouped(short_code(services.registrations.get(francois).checkin_secret))
    sign_in(page, "desk@example.com")
    page.goto(CHECK_IN + "?lang=en")
    expect(page.locator("label[for=code]")).to_contain_text("type the code printed under it")
    expect(page.locator("#code")).to_be_focused()

    typed(page, code.lower().replace("-", " "))  # as a person types it

    answer = page.locator("[data-answer]")
    expect(answer).to_have_attribute("data-answer", "warn")  # checked in, payment due
    expect(answer).to_contain_text("Checked in")
    expect(answer).to_contain_text("François Tremblay1")
    expect(page.locator("#code")).to_be_focused()
    snap(page, "desk-check-in-short-code-en")
    typed(page, code)
    expect(answer).to_contain_text("Already inside since")
    typed(page, services.registrations.get(zoe).checkin_secret)  # as a USB scanner types it
    expect(answer).to_contain_text("Tremblay2")
    expect(answer).not_to_contain_text("Already")
    typed(page, "O" + code[1:])
    expect(answer).to_have_attribute("data-answer", "bad")
    expect(answer).to_contain_text("badge codes never use O, I, L, S, Z, B")
    typed(page, "ACD-EFH-JKM")
    expect(answer).to_contain_text("Unknown code: no badge of this conference has it.")


def test_the_check_in_screen_in_french_says_where_the_code_is_and_answers_in_french(
        page: Page, services: Services, edition: dict) -> None:
    services.staff.create_account("Dana Desk", "desk@example.com", PASSWORD, "desk")
    aline = register(services, 3, "QC")
    code = grouped(short_code(services.registrations.get(aline).checkin_secret))
    sign_in(page, "desk@example.com")
    page.goto(CHECK_IN + "?lang=fr")
    expect(page.locator("label[for=code]")).to_contain_text(
        "tapez le code imprimé sous celui-ci")

    typed(page, code.replace("-", ""))

    answer = page.locator("[data-answer]")
    expect(answer).to_contain_text("Arrivée enregistrée")
    expect(answer).to_contain_text("François Tremblay3")
    snap(page, "desk-check-in-short-code-fr")
    typed(page, "ACD-EFH-JKM")
    expect(answer).to_contain_text("Code inconnu\u00a0: aucun badge de cette conférence")
    typed(page, "ACD-EFH-JK0")
    expect(answer).to_contain_text("n\u2019emploient jamais O, I, L, S, Z, B")
