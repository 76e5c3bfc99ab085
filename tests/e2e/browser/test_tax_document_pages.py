"""Issue 13's "done when", in a real browser: the card-paid attendee downloads their tax
invoice from the manage page (French and English, desktop and phone width), and a
delegation's bank transfer gives one receipt, to the payer (the invoice's bill-to)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from registration.services.container import Services
from tests.e2e.browser.conftest import PHONE, new_page, snap, snap_pdf
from tests.e2e.browser.forms import fill_person
from tests.e2e.browser.test_checkout import enter_card
from tests.e2e.browser.test_phone_and_accessibility import LAYOUT
from tests.e2e.browser.test_staff_pages import PASSWORD, register, sign_in
from tests.integration.test_mail import (  # noqa: F401  # fixtures
    inbox,
    manage_link,
    settled,
    smtp_port,
    text_of,
)
from tests.support import invoicing
from tests.support.localstripe import eventually
from tests.support.pdfs import page_texts
from tests.support.smtp import Inbox, mail_settings

pytestmark = pytest.mark.browser
SLUG = "test-montreal"
NUMBER = "SEUS19-0001"
GST, QST = "123456789 RT0001", "1234567890 TQ0001"  # the Quebec edition's tax numbers
# What each language's pages and documents say (the price: 395,00 + 5 % + 9,975 %).
WORDS: dict[str, dict[str, str]] = {
    "fr-CA": {"register_now": "S\u2019inscrire maintenant", "register": "S\u2019inscrire",
              "pay": "Payer 454,15\u00a0$ par carte", "paid": "Payée",
              "link": f"Facture {NUMBER} (PDF)", "receipt": "Votre reçu",
              "stamp": "PAYÉE", "subtotal": "Sous-total", "gst": "TPS (5 %)",
              "qst": "TVQ (9,975 %)", "total": "Total (CAD)", "balance": "Solde dû (CAD)"},
    "en-CA": {"register_now": "Register now", "register": "Register",
              "pay": "Pay $454.15 by card", "paid": "Paid",
              "link": f"Invoice {NUMBER} (PDF)", "receipt": "Your receipt",
              "stamp": "PAYÉE / PAID", "subtotal": "Sous-total / Subtotal",
              "gst": "TPS / GST (5 %)", "qst": "TVQ / QST (9,975 %)",
              "total": "Total (CAD)", "balance": "Solde dû / Balance due (CAD)"},
}


@pytest.fixture
def app_overrides(stripe_settings: dict[str, str], smtp_port: int) -> dict[str, str]:  # noqa: F811
    return {**stripe_settings, **mail_settings(smtp_port)}


@pytest.fixture
def quebec(services: Services) -> dict[str, Any]:
    """The Quebec edition with its issuer, invoicing on payment (a Canadian host with tax
    numbers): the demo's terms."""
    document = invoicing.quebec()
    services.editions.load(document)
    return document


@pytest.fixture(params=list(WORDS))
def locale(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def visitor(locale: str, browser: Browser, live_server: str) -> Iterator[Page]:
    """A visitor whose browser prefers `locale`."""
    yield from new_page(browser, live_server, locale)


def amount_after(text: str, label: str) -> Decimal:
    """The first amount printed after `label` in the PDF's text ("1 258,98 $")."""
    found = re.search(rf"{re.escape(label)}[^$]*?(?<!\d)(\d{{1,3}}(?: \d{{3}})*,\d\d) \$", text)
    assert found, label
    return Decimal(found.group(1).replace(" ", "").replace(",", "."))


def test_a_card_paid_attendee_downloads_their_tax_invoice_from_the_manage_page(
        visitor: Page, locale: str, services: Services, quebec: dict, webhook_server: str,
        inbox: Inbox) -> None:  # noqa: F811
    page, words = visitor, WORDS[locale]
    page.goto(f"/e/{SLUG}")
    page.get_by_role("link", name=words["register_now"]).click()
    page.select_option("#delegation", "QC")
    fill_person(page, first_name="Chloé", last_name="Bergeron", email="chloe@example.com",
                organisation="Hydro-Québec", job_title="Analyst")
    page.get_by_role("button", name=words["register"], exact=True).click()
    page.get_by_role("link", name=words["pay"]).click()
    enter_card(page, "4242424242424242")
    expect(page.locator("#status")).to_have_attribute("data-status", "paid", timeout=15_000)

    settled(services)
    receipt = eventually(lambda: [m for m in inbox.to("chloe@example.com")
                                  if m["Subject"].startswith(words["receipt"])])[0]
    assert NUMBER in text_of(receipt)
    payment = re.search(r"pi_\w+", text_of(receipt))  # Stripe's PaymentIntent
    assert payment
    page.goto(manage_link(receipt))  # the personal link the receipt gives
    expect(page.locator("h1 [data-status]")).to_have_text(words["paid"])
    link = page.locator("[data-invoices] a")
    expect(link).to_have_text(words["link"])
    snap(page, f"manage-tax-invoice-{locale}")
    with page.context.expect_page() as opened:
        link.click()
    pdf = page.request.get(opened.value.url)
    opened.value.close()
    assert pdf.headers["content-type"] == "application/pdf"
    snap_pdf(pdf.body(), f"tax-invoice-{locale}")

    text = re.sub(r"[ \u00a0\u202f]+", " ", "\n".join(page_texts(pdf.body())))
    for expected in (NUMBER, invoicing.ISSUER["legal_name"], words["stamp"], "Chloé Bergeron",
                     f"{words['balance']} 0,00 $", payment.group()):
        assert expected in text, expected
    assert f"{words['gst']}\n{GST}" in text and f"{words['qst']}\n{QST}" in text
    subtotal, gst, qst, total = (amount_after(text, words[label]) for label in (
        "subtotal", "gst", "qst", "total"))
    assert (subtotal, gst, qst, total) == (Decimal("395.00"), Decimal("19.75"),
                                           Decimal("39.40"), Decimal("454.15"))
    assert subtotal + gst + qst == total

    page.set_viewport_size(PHONE)  # the link, at phone width: whole on screen, and it opens
    link.scroll_into_view_if_needed()
    expect(link).to_be_in_viewport(ratio=1)
    box = link.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert box["height"] >= 44, box  # a tap target, like the site's buttons
    layout = page.evaluate(LAYOUT)
    assert not (layout["overflow"] or layout["squeezed"] or layout["beyond"]), layout
    with page.context.expect_page() as opened:
        link.click()
    assert page.request.get(opened.value.url).body().startswith(b"%PDF")


def test_a_delegations_bank_transfer_gives_one_receipt_to_the_payer(
        page: Page, services: Services, quebec: dict, inbox: Inbox) -> None:  # noqa: F811
    services.staff.create_account("Fiona Finance", "fiona@example.com", PASSWORD, "finance")
    people = [register(services, n, "QC") for n in (1, 2)]
    sign_in(page, "fiona@example.com")
    page.goto(f"/staff/finance/{SLUG}/invoices/new?delegation=QC")
    for person in people:
        page.check(f"input[value='{person}']")
    fill_person(page, name="Ministère de l\u2019Économie du Québec", contact="Louise Gagnon",
                email="comptes@economie.example", po_number="PO-7781")
    page.select_option("#language", "fr")
    page.get_by_role("button", name="Issue the invoice").click()
    expect(page.locator(".notice.ok")).to_have_text("The invoice is issued.")
    number = page.locator("h1").inner_text().split()[1]
    settled(services)
    [invoice] = inbox.to("comptes@economie.example")
    assert invoice["Subject"].startswith(f"Facture {number}")
    before = len(inbox.messages)  # that and the two confirmations

    expect(page.locator("#amount")).to_have_value("908.30")  # the whole invoice
    page.select_option("#method", "bank_transfer")
    page.fill("#reference", "VIR-2019-0412")
    page.get_by_role("button", name="Record the payment").click()
    expect(page.locator(".notice.ok")).to_have_text("The payment is recorded.")
    expect(page.locator("h1 [data-status]")).to_have_text("Paid")
    row = page.locator("[data-payments] tbody tr")
    expect(row).to_have_count(1)
    for cell, text in enumerate(("March 20, 2019", "Bank transfer", "VIR-2019-0412", "$908.30",
                                 "Fiona Finance")):
        expect(row.locator("td").nth(cell)).to_contain_text(text)
    snap(page, "finance-invoice-transfer-en")
    page.goto(f"/staff/finance/invoices/{number}?lang=fr")
    snap(page, "finance-invoice-transfer-fr")

    settled(services)
    receipts = [m for m in inbox.messages[before:] if "reçu" in m["Subject"].lower()]
    assert [m["To"] for m in receipts] == ["comptes@economie.example"]  # one, to the payer
    assert len(inbox.messages) == before + 1  # and no other mail about it
    [receipt] = receipts
    assert receipt["Subject"] == ("Reçu de votre paiement de la facture SEUS19-0001 — "
                                  "Conférence de l\u2019Alliance (essai)")
    text = text_of(receipt)
    for expected in ("Bonjour Louise Gagnon,", "Nous avons reçu votre paiement de 908,30\u00a0$",
                     "Payé par\u00a0: Ministère de l\u2019Économie du Québec",
                     "Mode de paiement\u00a0: Virement bancaire",
                     "Référence\u00a0: VIR-2019-0412", "Reste dû\u00a0: 0,00\u00a0$"):
        assert expected in text, expected
    assert "François" not in text  # an attendee is not the payer
    assert [a.get_filename() for a in receipt.iter_attachments()] == [f"{number}.pdf"]
    assert all(services.registrations.get(p).status == "paid" for p in people)
    assert services.invoices.get(number).balance_due.is_zero
