"""Staff pages in a real browser: sign-in, roles, CSRF, the dashboard and a history."""

from __future__ import annotations

import re
from uuid import UUID

import pytest
from playwright.sync_api import Page, expect

from domain.registration import Attendee
from registration.services.container import Services
from tests.e2e.browser.conftest import snap
from tests.support import editions

pytestmark = pytest.mark.browser
SLUG = "test-montreal"
PASSWORD = "a long enough password"


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/staff/sign-in")
    page.fill("#email", email)
    page.fill("#password", password)
    page.get_by_role("button", name="Sign in").click()


def register(services: Services, n: int, delegation: str) -> UUID:
    person = Attendee(**editions.attendee(n))
    created = services.registrations.register(SLUG, person, "delegate", delegation)
    return created.registration.id


def test_anonymous_visitors_are_sent_to_sign_in_and_the_desk_cannot_open_admin_pages(
        page: Page, services: Services, edition: dict) -> None:
    services.staff.create_account("Dana Desk", "desk@example.com", PASSWORD, "desk")
    page.goto("/staff/accounts")
    expect(page).to_have_url(re.compile(r"/staff/sign-in\?next=/staff/accounts$"))
    snap(page, "sign-in-en")

    page.fill("#email", "desk@example.com")
    page.fill("#password", "wrong password!")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".notice.bad")).to_contain_text("do not match")

    sign_in(page, "desk@example.com")
    page.goto("/staff/accounts")
    expect(page.locator("h1")).to_have_text("Not allowed")
    snap(page, "forbidden-en")
    assert page.request.get("/staff/accounts").status == 403

    page.get_by_role("button", name="Sign out").click()
    page.goto("/staff/")
    expect(page.locator("h1")).to_have_text("Staff sign-in")


def test_a_post_without_the_csrf_token_is_refused(
        page: Page, services: Services, edition: dict) -> None:
    services.staff.create_account("Ada Admin", "ada@example.com", PASSWORD, "admin")
    sign_in(page, "ada@example.com")
    response = page.request.post("/staff/accounts", form={
        "name": "Mallory", "email": "mallory@example.com", "role": "admin",
        "password": "an attacker's password"})
    assert response.status == 400
    assert "did not come from this site" in response.text()
    assert [m.name for m in services.staff.accounts()] == ["Ada Admin"]


def test_an_admin_creates_an_account_and_the_dashboard_shows_the_new_counts(
        page: Page, services: Services, edition: dict, clock) -> None:
    services.staff.create_account("Ada Admin", "ada@example.com", PASSWORD, "admin")
    sign_in(page, "ada@example.com")
    page.goto("/staff/accounts")
    page.fill("#name", "Fiona Finance")
    page.fill("#email", "fiona@example.com")
    page.select_option("#role", "finance")
    page.fill("#password", "short")
    page.get_by_role("button", name="Create the account").click()
    expect(page.locator("#password-error")).to_contain_text("10")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Create the account").click()
    expect(page.locator(".notice.ok")).to_have_text("Fiona Finance can now sign in.")
    expect(page.locator("table.data")).to_contain_text("fiona@example.com")
    snap(page, "accounts-en")

    clock.set("2019-04-02T09:00:00-04:00")
    quebec = [register(services, n, "QC") for n in (1, 2)]
    register(services, 3, "GA")
    services.registrations.correct_details(quebec[0], {"job_title": "Director"})
    services.registrations.cancel(quebec[1])

    sign_in(page, "ada@example.com")  # thirteen days on, the session has long expired
    page.goto("/staff/")
    expect(page.locator("[data-count=registered]")).to_have_text("3")
    expect(page.locator("[data-count=cancelled]")).to_have_text("1")
    expect(page.locator("[data-count=attending]")).to_have_text("2")
    expect(page.locator("tr[data-delegation=QC] td").nth(1)).to_have_text("2")
    expect(page.locator("svg.chart [data-bar]")).to_have_count(2)
    snap(page, "dashboard-en")

    page.fill("#as_of", "2019-04-01")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("[data-count=registered]")).to_have_text("0")

    page.goto(f"/staff/registrations/{quebec[0]}/history?lang=fr")
    entries = page.locator("[data-history] li")
    expect(entries.nth(0)).to_contain_text(
        "Inscription\u00a0: Personne déléguée, délégation Québec — 454,15\u00a0$")
    expect(entries.nth(1)).to_contain_text("Coordonnées corrigées : fonction → Director")
    snap(page, "history-fr")
    page.goto(f"/staff/registrations/{quebec[1]}/history?lang=en")
    expect(page.locator("[data-history] li").nth(0)).to_contain_text(
        "Registered as Delegate for the Quebec delegation — $454.15")
    expect(page.locator("[data-history] li").nth(1)).to_contain_text(
        "Cancelled: refund owed $0.00")
