"""A walk in Chromium: a desk member whose role requires a second factor signs in, is sent to
enrol (QR code and key), confirms with a code, and signs in again with a code — in French —
and an admin does the same of their own accord, in English. Screenshots at 1280 px and
390 px go to /tmp/shots-staff/ (or SCREENSHOT_DIR)."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Page, expect

from registration.services.container import Services
from tests.e2e.browser.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser
PASSWORD = "a long enough password"
SHOTS = Path(os.environ.get("SCREENSHOT_DIR") or "/tmp/shots-staff")


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-1280.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(SHOTS / f"{name}-390.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def password_step(page: Page, email: str, button: str) -> None:
    page.goto("/staff/sign-in")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name=button).click()


def enrol(page: Page, button: str) -> pyotp.TOTP:
    expect(page.locator(".qr svg")).to_be_visible()
    totp = pyotp.TOTP(page.locator("#secret").inner_text().replace(" ", ""))
    page.fill("#code", totp.now())
    page.get_by_role("button", name=button).click()
    return totp


def test_a_desk_member_enrols_in_french_and_an_admin_in_english(
        page: Page, french_page: Page, services: Services) -> None:
    services.staff.create_account("Dana Desk", "desk@example.com", PASSWORD, "desk")
    services.staff.create_account("Ada Admin", "ada@example.com", PASSWORD, "admin")
    services.staff.require_second_factor(["desk"])

    french = french_page
    password_step(french, "desk@example.com", "Se connecter")
    expect(french).to_have_url(re.compile(r"/staff/me/second-factor$"))
    expect(french.locator(".notice.warn")).to_contain_text("Votre rôle exige un code")
    shot(french, "enrol-fr")
    french.goto("/staff/desk/")
    expect(french).to_have_url(re.compile(r"/staff/me/second-factor$"))  # nothing else yet
    totp = enrol(french, "Activer le second facteur")
    expect(french.locator(".notice.ok")).to_contain_text("Votre second facteur est activé")
    expect(french.locator(".pill.ok")).to_have_text("Activé")
    shot(french, "my-account-fr")
    french.get_by_role("button", name="Se déconnecter").click()

    password_step(french, "desk@example.com", "Se connecter")
    expect(french).to_have_url(re.compile(r"/staff/sign-in/code$"))
    french.fill("#code", "000000")
    french.get_by_role("button", name="Se connecter").click()
    expect(french.locator(".notice.bad")).to_contain_text("Ce code n\u2019est pas le bon")
    shot(french, "code-wrong-fr")
    french.fill("#code", totp.at(time.time() + totp.interval))
    french.get_by_role("button", name="Se connecter").click()
    expect(french).to_have_url(re.compile(r"/staff/$"))

    password_step(page, "ada@example.com", "Sign in")
    expect(page).to_have_url(re.compile(r"/staff/$"))
    page.get_by_role("link", name="My account").click()
    shot(page, "my-account-en")
    page.get_by_role("link", name="Set up a second factor").click()
    shot(page, "enrol-en")
    totp = enrol(page, "Turn on the second factor")
    expect(page.locator(".notice.ok")).to_contain_text("Your second factor is on")
    page.get_by_role("button", name="Sign out").click()
    password_step(page, "ada@example.com", "Sign in")
    expect(page.locator("h1")).to_have_text("Sign-in code")
    shot(page, "code-en")
    page.fill("#code", totp.at(time.time() + totp.interval))
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/staff/$"))
    page.goto("/staff/accounts")
    expect(page.locator("table.data")).to_contain_text("Second factor on")
    shot(page, "accounts-en")
    page.get_by_role("link", name="Dana Desk").click()
    shot(page, "member-en")
