"""A check-in list in a real browser: the desk picks a list and a direction (remembered),
scans an entry, an exit and an entry again, and sees who is present now."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from registration.services.container import Services
from tests.e2e.browser.conftest import snap
from tests.e2e.browser.test_desk_check_in_page import CHECK_IN, typed
from tests.e2e.browser.test_staff_pages import PASSWORD, SLUG, register, sign_in
from tests.e2e.test_checkin_lists import with_lists

pytestmark = pytest.mark.browser


@pytest.fixture
def edition(services: Services) -> dict[str, Any]:
    return with_lists(services)


def choose(page: Page, label: str) -> None:
    """Pick a direction: the page applies it at once."""
    with page.expect_navigation():
        page.get_by_label(label, exact=True).check()


def test_entry_exit_and_entry_again_on_a_list_and_who_is_present_now(
        page: Page, services: Services, edition: dict) -> None:
    services.staff.create_account("Dana Desk", "desk@example.com", PASSWORD, "desk")
    aline = services.registrations.get(register(services, 1, "QC")).checkin_secret
    bob = services.registrations.get(register(services, 2, "GA")).checkin_secret
    sign_in(page, "desk@example.com")
    page.goto(CHECK_IN + "?lang=en")
    station, answer = page.locator("[data-scanning]"), page.locator("[data-answer]")
    present = page.locator("[data-scanning] [data-present]")
    expect(station).to_contain_text("Scanning entries: Conference entry")

    typed(page, aline)
    expect(answer).to_contain_text("Checked in")
    typed(page, bob)
    expect(present).to_have_text("2 people inside now")
    choose(page, "Exit")
    expect(station).to_contain_text("Scanning exits: Conference entry")
    typed(page, aline)
    expect(answer).to_have_attribute("data-answer", "ok")
    expect(answer).to_contain_text("Out at")
    expect(present).to_have_text("1 person inside now")
    snap(page, "desk-check-in-exit-en")
    choose(page, "Entry")
    typed(page, aline)
    expect(answer).to_contain_text("Checked in")
    expect(present).to_have_text("2 people inside now")

    with page.expect_navigation():
        page.select_option("#list", "gala")
    typed(page, aline)
    expect(answer).to_have_attribute("data-answer", "bad")
    expect(answer).to_contain_text("Not on this list: Gala dinner does not admit")
    page.goto(CHECK_IN)  # the station is remembered for this staff member
    expect(station).to_contain_text("Scanning entries: Gala dinner")

    page.get_by_role("link", name="Present now").click()
    expect(page.locator("[data-list=entry] [data-present]")).to_have_text("2")
    expect(page.locator("[data-delegations=entry]")).to_contain_text("Quebec")
    expect(page.locator("[data-delegations=entry]")).to_contain_text("Georgia")
    snap(page, "desk-presence-en")
    page.goto(f"/staff/desk/{SLUG}/presence?lang=fr")
    expect(page.locator("[data-list=entry]")).to_contain_text("Entrée au congrès")
    expect(page.locator("[data-list=day-2019-06-03]")).to_contain_text("3 juin 2019")
    snap(page, "desk-presence-fr")
    page.goto(CHECK_IN)
    expect(station).to_contain_text("Scan des entrées\u00a0: Dîner de gala")
    snap(page, "desk-check-in-list-fr")
