"""The desk prints a delegation's badges through the batch's page, in a real browser, in
English and French: the page follows the render worker with its progress bar (its script
polls the batch) and offers the PDF when it is ready."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from registration.services.container import Services
from tests.e2e.browser.conftest import snap
from tests.e2e.browser.test_finance_and_desk_pages import is_pdf
from tests.e2e.browser.test_staff_pages import PASSWORD, SLUG, register

pytestmark = pytest.mark.browser
QUEBEC = 70  # two parts: the bar moves

WORDS = {
    "en": {"badges": "Print badges", "quebec": "Quebec", "open": "Open the badges PDF",
           "ready": f"{QUEBEC} badges ready to print.", "none": "No badge to print"},
    "fr": {"badges": "Imprimer des badges", "quebec": "Québec",
           "open": "Ouvrir le PDF des badges", "ready": f"{QUEBEC} badges prêts à imprimer.",
           "none": "Aucun badge à imprimer"},
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_desk_prints_a_delegations_badges_through_the_batch_page(
        page: Page, services: Services, edition: dict, language: str) -> None:
    words = WORDS[language]
    services.staff.create_account("Dana Desk", "desk@example.com", PASSWORD, "desk")
    for n in range(QUEBEC):
        register(services, n, "QC")
    register(services, 500, "ON")
    page.goto(f"/staff/sign-in?lang={language}")
    page.fill("#email", "desk@example.com")
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.goto(f"/staff/desk/{SLUG}/badges")
    expect(page.locator("h1")).to_have_text(words["badges"])
    snap(page, f"batch-form-{language}")

    page.locator("[data-delegation-badges=QC]").click()

    expect(page).to_have_url(re.compile(r"/staff/desk/badge-batches/[0-9a-f-]+$"))
    expect(page.locator("progress[data-progress]")).to_be_visible()
    snap(page, f"batch-running-{language}")
    download = page.locator("[data-download]")
    # The script reloads the page when done; a loaded machine (a CI run beside other work)
    # renders slowly, so the wait is generous: it ends as soon as the link shows.
    expect(download).to_be_visible(timeout=180_000)
    expect(download).to_have_text(words["open"])
    expect(page.locator("[data-label]")).to_have_text(words["ready"])
    snap(page, f"batch-done-{language}")
    assert is_pdf(page, download.get_attribute("href") or "")

    page.goto(f"/staff/desk/{SLUG}/badges")
    page.select_option("#delegation", "QC")
    page.check("input[name=not_printed]")
    page.locator("form[data-batch] button[type=submit]").click()
    expect(page.locator("[data-batch-error]")).to_contain_text(words["none"])
    snap(page, f"batch-nothing-left-{language}")
