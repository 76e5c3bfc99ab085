"""Places left in a real browser: a sold-out type and a full delegation are shown as such and
cannot be chosen, in English and French, at desktop and phone width."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser.conftest import snap
from tests.support import editions

pytestmark = pytest.mark.browser
SLUG = "test-montreal"


def fill_up(page: Page) -> None:
    """The speaker type (3 places) and the Georgia delegation (2) taken, through the API."""
    for n, body in enumerate([{"registration_type": "speaker"}] * 3
                             + [{"registration_type": "delegate", "delegation": "GA"}] * 2):
        answer = page.request.post(f"/api/editions/{SLUG}/registrations",
                                   data={"attendee": editions.attendee(30 + n), **body})
        assert answer.status == 201, answer.text()


@pytest.mark.parametrize(("language", "sold_out", "full"), [
    ("en", "Sold out: no places left for this registration type", "Georgia (full)"),
    ("fr", "Complet\u00a0: il ne reste aucune place pour ce type d\u2019inscription",
     "Géorgie (complet)"),
])
def test_a_sold_out_type_and_a_full_delegation_cannot_be_chosen(
        page: Page, edition: dict, language: str, sold_out: str, full: str) -> None:
    fill_up(page)
    page.goto(f"/e/{SLUG}?lang={language}")
    expect(page.locator("article[data-type=speaker]")).to_contain_text(sold_out)
    snap(page, f"edition-sold-out-{language}")

    page.goto(f"/e/{SLUG}/register?lang={language}")
    speaker = page.locator("label.choice[data-type=speaker]")
    expect(speaker).to_contain_text(sold_out)
    expect(speaker.locator("input")).to_be_disabled()
    expect(page.locator("label.choice[data-type=delegate] input")).to_be_checked()
    expect(page.locator("#delegation option[value=GA]")).to_be_disabled()
    expect(page.locator("#delegation option[value=GA]")).to_have_text(full)
    snap(page, f"register-sold-out-{language}")


def test_an_invited_speaker_sees_their_type_once_the_access_code_is_entered(
        french_page: Page, services: Any, edition: dict) -> None:
    types = [{**t, "access": "code"} if t["code"] == "speaker" else t
             for t in editions.QUEBEC["registration_types"]]
    services.editions.load(editions.edition(registration_types=types, access_codes=[
        {"code": "SPK-ANNE", "registration_types": ["speaker"]}]))
    page = french_page
    page.goto(f"/e/{SLUG}/register")
    expect(page.locator("label.choice[data-type=speaker]")).to_have_count(0)
    page.fill("#access_code", "spk-anne")
    page.get_by_role("button", name="Afficher mon type d\u2019inscription").click()
    expect(page.locator("label.choice[data-type=speaker]")).to_have_count(1)
    expect(page.locator("label.choice[data-type=speaker] input")).to_be_checked()
    snap(page, "register-access-code-fr")


def invitation_only_speakers(services: Any) -> None:
    types = [{**t, "access": "code"} if t["code"] == "speaker" else t
             for t in editions.QUEBEC["registration_types"]]
    services.editions.load(editions.edition(registration_types=types, access_codes=[
        {"code": "SPK-ANNE", "registration_types": ["speaker"]}]))


@pytest.mark.parametrize(("language", "page_fixture", "refused"), [
    ("en", "page", "This access code is unknown"),
    ("fr", "french_page", "Ce code d\u2019accès est inconnu"),
])
def test_a_shared_invitation_link_opens_the_type_without_the_code_reaching_a_url(
        request: pytest.FixtureRequest, services: Any, edition: dict, language: str,
        page_fixture: str, refused: str) -> None:
    invitation_only_speakers(services)
    page: Page = request.getfixturevalue(page_fixture)
    addresses: list[str] = []
    page.on("request", lambda r: addresses.append(r.url))
    page.goto(f"/e/{SLUG}/register#code=SPK-ANNE")
    expect(page.locator("label.choice[data-type=speaker] input")).to_be_checked()
    expect(page.locator("[data-quote]")).to_be_visible()
    assert "code=" not in page.url and not any("SPK-ANNE" in url for url in addresses)
    snap(page, f"register-invitation-link-{language}")
    # the live price of the type shown, then a refused code: the panel empties and says why
    page.fill("#access_code", "SPK-BOB")
    page.locator("button[name=unlock]").click()
    expect(page.locator("#access_code-error")).to_contain_text(refused)
    expect(page.locator("label.choice[data-type=speaker]")).to_have_count(0)
    expect(page.locator("label.choice[data-type=delegate] input")).to_be_checked()
    snap(page, f"register-access-code-refused-{language}")


def test_the_price_panel_never_shows_a_hidden_types_price_without_its_code(
        page: Page, services: Any, edition: dict) -> None:
    invitation_only_speakers(services)
    page.goto(f"/e/{SLUG}/register?lang=en&registration_type=speaker")
    expect(page.locator("[data-quote-refused]")).to_contain_text("by invitation")
    expect(page.locator("[data-quote]")).to_have_count(0)
    answer = page.request.post(f"/api/editions/{SLUG}/quotes",
                               data={"registration_type": "speaker"})
    assert answer.status == 409
