"""The group form in a real browser: the delegation's invitation link opens the speaker type
for its rows (the code never in a URL), and each person is asked the questions of their own
type, in French and English, at desktop and phone width."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from registration.services.container import Services
from tests.e2e.browser.conftest import DESKTOP, PHONE, snap
from tests.e2e.browser.test_phone_and_accessibility import axe_violations
from tests.e2e.test_group_form import asking_questions_with_a_georgian_speakers_code

pytestmark = pytest.mark.browser
SLUG = "test-montreal"
WORDS = {
    "en": {"terms": "I accept the terms.", "yes": "Yes", "submit": "Register these people",
           "must": "You must accept this to register.", "lead": "Georgia"},
    "fr": {"terms": "J\u2019accepte les conditions.", "yes": "Oui",
           "submit": "Inscrire ces personnes",
           "must": "Vous devez accepter ceci pour vous inscrire.", "lead": "Géorgie"},
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_lead_registers_an_invited_speaker_and_a_delegate_answering_for_each(
        page: Page, services: Services, language: str) -> None:
    asking_questions_with_a_georgian_speakers_code(services)
    words = WORDS[language]
    addresses: list[str] = []
    page.on("request", lambda r: addresses.append(r.url))
    page.goto(f"/e/{SLUG}/group?lang={language}#code=SPK-GA")
    speaker, delegate = page.locator("[data-person='0']"), page.locator("[data-person='1']")
    expect(speaker.locator("#p0-registration_type option[value=speaker]")).to_have_count(1)
    expect(speaker.locator("#p0-registration_type")).to_have_value("delegate")  # not for all
    assert "code=" not in page.url and not any("SPK-GA" in url for url in addresses)
    page.fill("#lead_name", "Aminata Diallo")
    page.fill("#lead_email", "aminata@example.com")
    page.select_option("#delegation", "GA")
    page.fill("#organisation", "Georgia Ports Authority")
    for row, (name, kind) in enumerate([("Roy", "speaker"), ("Tremblay", "delegate")]):
        page.fill(f"#p{row}-first_name", "Anne")
        page.fill(f"#p{row}-last_name", name)
        page.fill(f"#p{row}-email", f"{name.lower()}@example.com")
        page.fill(f"#p{row}-job_title", "Director")
        page.select_option(f"#p{row}-registration_type", kind)
        page.locator(f"[data-person='{row}'] [data-question=photos]").get_by_label(
            words["yes"]).check()
    expect(speaker.locator("[data-question=meal]")).to_be_hidden()  # asked of delegates only
    expect(delegate.locator("[data-question=meal]")).to_be_visible()
    speaker.get_by_label(words["terms"]).check()
    page.get_by_role("button", name=words["submit"]).click()

    expect(page.locator("#p1-answer-terms-error")).to_have_text(words["must"])
    snap(page, f"group-questions-refused-{language}")
    page.locator("[data-person='1']").get_by_label(words["terms"]).check()
    page.get_by_role("button", name=words["submit"]).click()
    expect(page.locator("h1")).to_contain_text(words["lead"])
    expect(page.locator("main")).to_contain_text("Roy")
    expect(page.locator("main")).to_contain_text("Tremblay")
    snap(page, f"group-lead-page-{language}")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_forms_with_an_unlock_form_and_questions_per_person_pass_axe_at_both_widths(
        page: Page, services: Services, axe_source: str, language: str) -> None:
    asking_questions_with_a_georgian_speakers_code(services)
    problems = {}
    for url in (f"/e/{SLUG}/group?lang={language}#code=SPK-GA",
                f"/e/{SLUG}/register?lang={language}#code=nope"):
        for width in (PHONE, DESKTOP):
            page.set_viewport_size(width)
            page.goto(url)
            page.wait_for_load_state("networkidle")
            if violations := axe_violations(page, axe_source):
                problems[f"{url} {width['width']}"] = violations
    assert problems == {}
