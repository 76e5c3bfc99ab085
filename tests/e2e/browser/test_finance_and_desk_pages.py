"""Finance and desk pages in a real browser, and the attendee's links to invoices."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest
from playwright.sync_api import Page, expect

from domain.invoice_lines import BillTo
from domain.money import Money
from domain.registration import Attendee
from registration.services.container import Services
from tests.e2e.browser.conftest import DESKTOP, PHONE, snap
from tests.e2e.browser.forms import fill_quebec_group
from tests.e2e.browser.test_checkout import enter_card
from tests.e2e.browser.test_phone_and_accessibility import LAYOUT, axe_violations
from tests.e2e.browser.test_staff_pages import PASSWORD, SLUG, register, sign_in
from tests.support import editions

pytestmark = pytest.mark.browser
NBSP = "\u00a0"


def is_pdf(page: Page, url: str) -> bool:
    response = page.request.get(url)
    return (response.status == 200 and response.headers["content-type"] == "application/pdf"
            and response.body().startswith(b"%PDF"))


def test_finance_invoices_a_delegation_records_a_payment_and_cancels_with_a_credit_note(
        page: Page, services: Services, edition: dict) -> None:
    services.staff.create_account("Fiona Finance", "fiona@example.com", PASSWORD, "finance")
    quebec = [register(services, n, "QC") for n in (1, 2, 3)]
    sign_in(page, "fiona@example.com")
    page.get_by_role("link", name="Finance").click()
    expect(page.locator("[data-ledger]")).to_contain_text("No invoice matches these filters.")
    page.get_by_role("link", name="Invoice a delegation").click()
    page.select_option("#pick-delegation", "QC")
    page.get_by_role("button", name="Show its registrations").click()
    expect(page.locator("[data-people] .choice")).to_have_count(3)

    page.get_by_role("button", name="Issue the invoice").click()  # nothing ticked, no name
    expect(page.locator("[data-people] + .error")).to_contain_text("Tick at least one")
    expect(page.locator("#name-error")).to_have_text("Required.")
    for registration in quebec[:2]:
        page.check(f"input[value='{registration}']")
    page.fill("#name", "Ministère de la Culture")
    page.fill("#contact", "Anne Comptable")
    page.fill("#address", "225 Grande Allée Est\nQuébec QC G1R 5G5")
    page.fill("#po_number", "PO-7781")
    page.fill("#tax_id", "123456789RT0001")
    page.select_option("#language", "fr")
    snap(page, "finance-issue")
    page.get_by_role("button", name="Issue the invoice").click()
    expect(page.locator(".notice.ok")).to_have_text("The invoice is issued.")
    expect(page.locator("[data-lines] tbody tr")).to_have_count(2)
    expect(page.locator("h1 [data-status]")).to_have_text("Unpaid")
    number = page.locator("h1").inner_text().split()[1]

    page.get_by_role("link", name="Ledger").click()
    expect(page.locator(f"tr[data-number='{number}']")).to_contain_text("Ministère de la Culture")
    snap(page, "finance-ledger")
    page.check("input[name=unpaid]")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("tr[data-number]")).to_have_count(1)
    csv = page.request.get(page.locator("[data-csv]").get_attribute("href") or "")
    assert csv.headers["content-type"].startswith("text/csv") and number in csv.text()

    page.locator(f"tr[data-number='{number}'] a").click()
    page.fill("#amount", "abc")
    page.fill("#reference", "VIR-2019-04")
    page.get_by_role("button", name="Record the payment").click()
    expect(page.locator("#amount-error")).to_have_text("An amount like 1,258.98.")
    page.fill("#amount", "9,999.00")  # far more than what is due, unconfirmed
    page.get_by_role("button", name="Record the payment").click()
    expect(page.locator("#amount-error")).to_have_text("This is more than what is due.")
    page.fill("#amount", "908.30")
    page.fill("#received_on", "2019-03-21")  # tomorrow: a slip
    page.get_by_role("button", name="Record the payment").click()
    expect(page.locator("#received_on-error")).to_have_text(
        "The day the money was received cannot be later than today.")
    page.fill("#received_on", "2019-03-18")  # two days ago, as on the bank statement
    page.get_by_role("button", name="Record the payment").click()
    expect(page.locator(".notice.ok")).to_have_text("The payment is recorded.")
    expect(page.locator("h1 [data-status]")).to_have_text("Paid")
    payment = page.locator("[data-payments] tbody tr")
    expect(payment).to_contain_text("VIR-2019-04")
    expect(payment.locator("[data-day]")).to_have_text("March 18, 2019")
    expect(payment).to_contain_text("Fiona Finance on March 20, 2019")
    invoice_page = page.url
    page.goto(f"/staff/finance/journal?edition={SLUG}")
    row = page.locator("[data-journal] tr", has_text="VIR-2019-04")
    expect(row.locator("[data-day]")).to_have_text("March 18, 2019")
    expect(row).to_contain_text("Fiona Finance on March 20, 2019")
    expect(page.locator("[data-by-day]")).to_contain_text("March 18, 2019")
    snap(page, "finance-journal")
    page.fill("#from", "2019-03-19")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("[data-journal] tr", has_text="VIR-2019-04")).to_have_count(0)
    page.goto(invoice_page)
    assert all(services.registrations.get(r).status == "paid" for r in quebec[:2])
    snap(page, "finance-invoice")
    assert is_pdf(page, page.locator("[data-pdf]").get_attribute("href") or "")

    page.goto("/staff/finance/")
    page.get_by_role("link", name="Invoice a delegation").click()
    page.select_option("#pick-delegation", "QC")
    page.get_by_role("button", name="Show its registrations").click()
    expect(page.locator("[data-people] .choice")).to_have_count(1)  # the two are billed
    page.check(f"input[value='{quebec[2]}']")
    page.fill("#name", "Hydro-Québec")
    page.get_by_role("button", name="Issue the invoice").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.fill("#reason", "Billed to the wrong organisation")
    page.get_by_role("button", name="Cancel with a credit note").click()
    expect(page.locator(".notice.ok")).to_have_text("The credit note is issued.")
    expect(page.locator("h1")).to_contain_text("Credit note")
    snap(page, "finance-credit-note")
    assert is_pdf(page, page.locator("[data-pdf]").get_attribute("href") or "")
    page.locator("h1 + p a").click()  # back to the invoice it cancels
    expect(page.locator("h1 [data-status]")).to_have_text("Cancelled")
    expect(page.locator("[data-credit-note]")).to_have_count(1)
    assert services.registrations.get(quebec[2]).status == "pending_payment"


def paid_registration(services: Services, n: int, delegation: str) -> UUID:
    registration = register(services, n, delegation)
    invoice = services.invoices.issue(SLUG, [registration], BillTo(name="Ville de Montréal"))
    services.invoices.record_payment(invoice.number, Money(Decimal("454.15"), "CAD"),
                                     "cheque", f"CHQ-{n}", date(2019, 3, 20))
    return registration


def test_a_second_transfer_on_a_paid_invoice_is_recorded_once_confirmed_as_a_credit_to_refund(
        french_page: Page, services: Services, edition: dict, axe_source: str) -> None:
    """The Georgia department sends its transfer twice: nothing is due, yet finance records
    it from the invoice's page (in French), confirming the overpayment, and sees the credit."""
    page = french_page
    services.staff.create_account("Fiona Finance", "fiona@example.com", PASSWORD, "finance")
    paid = paid_registration(services, 1, "GA")
    number = services.registrations.get(paid).invoice_number
    page.goto("/staff/sign-in")
    page.fill("#email", "fiona@example.com")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(f"/staff/finance/invoices/{number}?lang=fr")
    expect(page.locator("h1 [data-status]")).to_have_text("Payée")
    expect(page.locator("[data-due]")).to_have_text(f"0,00{NBSP}$")
    expect(page.locator("#amount")).to_be_hidden()  # folded: nothing is due
    page.get_by_text("Enregistrer un paiement reçu malgré tout").click()
    expect(page.locator("[data-nothing-due]")).to_contain_text(
        "Rien n\u2019est dû sur cette facture.")
    page.fill("#amount", "454,15")
    page.fill("#reference", "VIR-GA-2")
    page.get_by_role("button", name="Enregistrer le paiement").click()
    expect(page.locator("#amount-error")).to_have_text("C\u2019est plus que le montant à payer.")
    expect(page.locator("#amount")).to_be_visible()  # unfolded again, as typed
    snap(page, "finance-overpayment-refused-fr")
    page.get_by_label("Plus que le montant dû a été reçu").check()
    page.get_by_role("button", name="Enregistrer le paiement").click()
    expect(page.locator(".notice.ok")).to_have_text("Le paiement est enregistré.")
    expect(page.locator("h1 [data-status]")).to_have_text("Payée en trop")
    expect(page.locator("[data-credit]")).to_have_text(f"454,15{NBSP}$")
    expect(page.locator("[data-balance]")).to_contain_text("Crédit à rembourser")
    expect(page.locator("[data-payments] tbody tr")).to_have_count(2)
    expect(page.locator("[data-payments]")).to_contain_text("VIR-GA-2")
    assert str(services.invoices.get(number or "").balance_due.amount) == "-454.15"
    snap(page, "finance-overpayment-fr")
    page.goto(f"/staff/finance/invoices/{number}?lang=en")
    expect(page.locator("[data-credit]")).to_have_text("$454.15")
    expect(page.locator("[data-balance]")).to_contain_text("Credit to refund")
    expect(page.locator("#amount")).to_be_hidden()
    snap(page, "finance-overpayment-en")
    page.get_by_text("Record a payment received anyway").click()
    expect(page.locator("#amount")).to_be_visible()
    snap(page, "finance-overpayment-open-en")
    for language in ("fr", "en"):
        page.goto(f"/staff/finance/invoices/{number}?lang={language}")
        page.locator("[data-nothing-due] summary").click()
        for size in (PHONE, DESKTOP):
            page.set_viewport_size(size)
            layout = page.evaluate(LAYOUT)
            assert layout["overflow"] <= 0 and not layout["squeezed"], layout
            assert axe_violations(page, axe_source) == [], (language, size)


def test_the_desk_finds_francois_prints_a_badge_and_checks_in_by_qr_code(
        page: Page, services: Services, edition: dict) -> None:
    services.staff.create_account("Dana Desk", "desk@example.com", PASSWORD, "desk")
    francois = paid_registration(services, 1, "QC")
    unpaid = services.registrations.register(SLUG, Attendee(**editions.attendee(
        2, first_name="Zoé", last_name="Gagnon")), "delegate", "GA").registration.id
    sign_in(page, "desk@example.com")
    page.get_by_role("link", name="Desk").click()
    page.locator("#q").press_sequentially("Francois", delay=20)
    expect(page.locator("#results [data-attendee]")).to_have_count(1)
    expect(page.locator("#results")).to_contain_text("François Tremblay1")
    expect(page).to_have_url(re.compile(r"q=Francois"))
    snap(page, "desk-search")
    page.locator("#q").fill("")
    page.locator("#q").fill("quebec")  # a delegation's name finds its people too
    expect(page.locator("#results [data-attendee]")).to_have_count(1)
    page.goto("/staff/desk/?q=francois")  # without the script: the form's own answer
    page.locator("#results [data-attendee]").click()
    expect(page.locator("h1")).to_have_text("François Tremblay1")
    expect(page.locator("[data-checked-in]")).to_have_text("Not yet")
    snap(page, "desk-card")
    assert is_pdf(page, page.locator("[data-badge]").get_attribute("href") or "")
    assert services.registrations.get(francois).badge_prints == 1

    page.get_by_role("link", name="Check-in").click()
    expect(page.locator("#code")).to_be_focused()
    page.keyboard.type(services.registrations.get(francois).checkin_secret)
    page.keyboard.press("Enter")
    answer = page.locator("[data-answer]")
    expect(answer).to_have_attribute("data-answer", "ok")
    expect(answer).to_contain_text("Checked in")
    expect(answer).to_contain_text("François Tremblay1")
    expect(answer).to_contain_text("Quebec · Delegate")
    expect(page.locator("#code")).to_be_focused()
    snap(page, "desk-check-in-green")
    expect(page.locator("#code")).to_be_focused()  # the answered page is ready to type in
    page.keyboard.type(services.registrations.get(francois).checkin_secret)
    page.keyboard.press("Enter")
    expect(answer).to_have_attribute("data-answer", "warn")
    expect(answer).to_contain_text("Already inside since 10:00\u202fa.m.")
    snap(page, "desk-check-in-amber")
    expect(page.locator("#code")).to_be_focused()  # the answered page is ready to type in
    page.keyboard.type(services.registrations.get(unpaid).checkin_secret)
    page.keyboard.press("Enter")
    expect(answer).to_have_attribute("data-answer", "warn")
    expect(answer).to_contain_text("payment due")
    expect(page.locator("#code")).to_be_focused()  # the answered page is ready to type in
    page.keyboard.type("NOT-A-BADGE")
    page.keyboard.press("Enter")
    expect(answer).to_have_attribute("data-answer", "bad")
    expect(answer).to_contain_text("Unknown code")
    snap(page, "desk-check-in-red")

    page.get_by_role("link", name="Print badges").click()
    snap(page, "desk-badges")  # printing a batch: test_badge_batch_pages.py
    page.goto("/staff/")
    expect(page.locator("[data-count=checked_in]")).to_have_text("2")


def test_a_desk_user_cannot_open_finance_pages_nor_finance_the_desk(
        page: Page, services: Services, edition: dict) -> None:
    services.staff.create_account("Dana Desk", "desk@example.com", PASSWORD, "desk")
    services.staff.create_account("Fiona Finance", "fiona@example.com", PASSWORD, "finance")
    sign_in(page, "desk@example.com")
    expect(page.get_by_role("link", name="Finance")).to_have_count(0)
    for path in ("/staff/finance/", f"/staff/finance/{SLUG}/invoices/new",
                 f"/staff/finance/{SLUG}/ledger.csv"):
        assert page.request.get(path).status == 403
    page.goto("/staff/finance/")
    expect(page.locator("h1")).to_have_text("Not allowed")
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "fiona@example.com")
    assert page.request.get("/staff/desk/").status == 403
    assert page.request.get(f"/staff/desk/{SLUG}/check-in").status == 403


def test_an_attendee_asks_for_an_invoice_and_downloads_it_from_the_manage_page(
        page: Page, services: Services, edition: dict) -> None:
    created = services.registrations.register(SLUG, Attendee(**editions.attendee(1)),
                                              "delegate", "QC")
    page.goto(f"/r/{created.registration.id}?token={created.manage_token}")
    page.get_by_role("link", name="Send me an invoice instead").click()
    page.get_by_label("Address").fill("75 rue De La Gauchetière Ouest\nMontréal (Québec) H2Z 1A4")
    page.get_by_label("Purchase-order number").fill("PO-7781")
    snap(page, "attendee-invoice-request")
    page.get_by_role("button", name="Send me the invoice").click()
    expect(page.locator(".notice.ok")).to_contain_text("Your invoice is issued")
    link = page.locator("[data-invoices] a")
    expect(link).to_have_count(1)
    snap(page, "attendee-manage-invoice")
    assert is_pdf(page, link.get_attribute("href") or "")
    expect(page.get_by_role("link", name="Send me an invoice instead")).to_have_count(0)
    other = services.registrations.register(SLUG, Attendee(**editions.attendee(2)), "delegate")
    href = link.get_attribute("href") or ""
    assert created.manage_token not in href  # the session opens it, not a token
    # Another registration's address: this session does not hold it.
    assert page.request.get(href.replace(str(created.registration.id),
                                         str(other.registration.id))).status == 403


class TestGroupPayment:
    @pytest.fixture
    def app_overrides(self, stripe_settings: dict[str, str]) -> dict[str, str]:
        return stripe_settings

    def test_a_delegation_lead_pays_for_everyone_with_one_card_payment(
            self, page: Page, services: Services, edition: dict, webhook_server: str) -> None:
        fill_quebec_group(page, SLUG)
        page.get_by_role("button", name="Register these people").click()
        page.get_by_role("button", name="Pay for the people ticked").click()
        expect(page.locator("#amount")).to_have_text("$908.30")
        snap(page, "group-pay")
        enter_card(page, "4242424242424242")
        expect(page.locator("#message")).to_have_text("Thank you: everyone is paid for.",
                                                      timeout=15_000)
        rows = services.queries.registrations(services.editions.config(SLUG))
        assert sorted((r.first_name, r.status) for r in rows) == [("Luc", "paid"),
                                                                 ("Marie", "paid")]
