"""Finance's page for a registration in a real browser: a change of type re-quoted at the
registration's moment, the balance it leaves or the supplementary invoice it issues (its PDF
read back), the history in French, and the page at phone width passing axe in both
languages."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from playwright.sync_api import Page, expect

from domain.actor import Actor, acting_as
from registration.services.container import Services
from tests.e2e.browser.conftest import DESKTOP, PHONE, snap
from tests.e2e.browser.test_phone_and_accessibility import LAYOUT, axe_violations
from tests.e2e.browser.test_staff_pages import PASSWORD, register, sign_in
from tests.support import editions
from tests.support.pdfs import page_texts

pytestmark = pytest.mark.browser
EXHIBITOR = {"code": "exhibitor", "names": {"en": "Exhibitor", "fr": "Exposant·e"},
             "tiers": [{"name": "regular", "price": "695.00"}]}


@pytest.fixture
def edition(services: Services) -> dict[str, Any]:
    """The Quebec test edition (invoices issued on payment), with a dearer type."""
    document = editions.edition()
    document["registration_types"] = [*document["registration_types"], EXHIBITOR]
    services.editions.load(document)
    return document


def paid_at_desk(services: Services) -> UUID:
    """A delegate paid in cash at the desk: billed by the invoice issued on payment."""
    place = register(services, 1, "QC")
    with acting_as(Actor.staff("desk-1", "Desk", "desk")):
        services.desk_payments.take_payment(place, Decimal("454.15"), "cash", None)
    return place


def test_finance_moves_a_paid_delegate_to_a_dearer_type_and_a_supplementary_invoice_bills_it(
        page: Page, services: Services, edition: dict) -> None:
    services.staff.create_account("Fiona Finance", "fiona@example.com", PASSWORD, "finance")
    place = paid_at_desk(services)
    sign_in(page, "fiona@example.com")
    page.goto(f"/staff/registrations/{place}")
    expect(page.locator("[data-invoices] li")).to_have_count(1)
    page.locator("[data-form=place] summary").click()
    page.select_option("#registration_type", "exhibitor")
    page.fill("#place-reason", "Takes a stand in the hall")
    page.get_by_role("button", name="Change", exact=True).click()
    expect(page.locator("[data-done=moved]")).to_be_visible()
    expect(page.locator("[data-type]")).to_have_text("Exhibitor")
    expect(page.locator("[data-due]")).to_have_text("$344.93")  # 300 + GST 15 + QST 29.93
    invoices = page.locator("[data-invoices] li a")
    expect(invoices).to_have_count(2)
    for i in range(2):  # buttons a thumb can hit, as on the manage page
        box = invoices.nth(i).bounding_box()
        assert box is not None and box["height"] >= 44, box
    first, supplement = (invoices.nth(i).inner_text().split()[-1] for i in range(2))
    expect(page.locator("li[data-event=InvoiceAdjusted]")).to_contain_text(
        f"Supplementary invoice {supplement} issued for the new type or delegation "
        f"(invoice {first}): $344.93")
    snap(page, "staff-registration-supplement-en")

    invoices.nth(1).click()
    expect(page.locator("h1")).to_contain_text(f"Invoice {supplement}")
    expect(page.locator("main")).to_contain_text(f"supplements {first}")
    pdf = page.request.get(page.locator("[data-pdf]").get_attribute("href") or "")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    text = re.sub(r"\s+", "", "".join(page_texts(pdf.body())))  # numbers may wrap at "-"
    for figure in (f"Serapporteàlafacture{first}", supplement, "Exposant·e—FrançoisTremblay1",
                   "300,00$15,00$29,93$344,93$", "Soldedû(CAD)344,93$",
                   "Motif:Typed\u2019inscriptionoudélégationchangé"):
        assert figure in text, figure
    assert "Takesastand" not in text  # staff's reason is not the bill-to's business
    page.goto(f"/staff/registrations/{place}?lang=fr")
    expect(page.locator("li[data-event=InvoiceAdjusted]")).to_contain_text(
        f"Facture complémentaire {supplement} émise pour le nouveau type ou la nouvelle "
        f"délégation (facture {first})")
    snap(page, "staff-registration-supplement-fr")


def test_finance_moves_a_paid_delegate_to_speaker_and_refunds_the_difference_by_hand(
        page: Page, services: Services, edition: dict, axe_source: str) -> None:
    services.staff.create_account("Fiona Finance", "fiona@example.com", PASSWORD, "finance")
    place = paid_at_desk(services)
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


def test_a_long_unbroken_reason_in_the_history_does_not_widen_the_page(
        page: Page, services: Services, edition: dict) -> None:
    """A reason of 500 characters without a space (pasted by mistake) wraps in its line of
    the history instead of pushing the page sideways, on a phone and a desktop."""
    services.staff.create_account("Fiona Finance", "fiona@example.com", PASSWORD, "finance")
    place = register(services, 1, "QC")
    sign_in(page, "fiona@example.com")
    page.goto(f"/staff/registrations/{place}")
    page.locator("[data-form=cancel] summary").click()
    page.fill("#cancel-reason", "x" * 500)
    page.get_by_role("button", name="Cancel the registration").click()
    expect(page.locator("[data-history]")).to_contain_text("x" * 50)
    page.wait_for_load_state("load")  # measured with its stylesheets applied, not before
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= size["width"], (size, wide)


def test_a_long_search_that_finds_nobody_does_not_widen_the_page(
        page: Page, services: Services, edition: dict) -> None:
    services.staff.create_account("Fiona Finance", "fiona@example.com", PASSWORD, "finance")
    sign_in(page, "fiona@example.com")
    page.goto("/staff/registrations/?edition=test-montreal&q=" + "q" * 300)
    expect(page.locator("[data-nobody]")).to_contain_text("q" * 50)
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= size["width"], (size, wide)
