"""Finance's journal and reconciliation in a real browser (issue 13's "done when", in part):
a card payment and a card refund are in the journal and its CSV, an invoiced place paid by
card shows once with its invoice, the reconciliation with localstripe finds no difference,
and the invoice issued on a card payment lists that payment (in French). Run today, on the
journal tests' own localstripe and edition."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from flask.testing import FlaskClient
from playwright.sync_api import Page, expect

from registration.services.container import Services
from tests.e2e.browser.conftest import DESKTOP, PHONE, snap
from tests.e2e.browser.test_phone_and_accessibility import axe_violations
from tests.e2e.browser.test_staff_pages import PASSWORD, sign_in
from tests.integration.test_card_payments import status
from tests.integration.test_journal import (  # noqa: F401  # fixtures
    SLUG,
    app_overrides,
    clock,
    holder,
    localstripe,
    open_now,
    paid_by_card,
    registered,
)
from tests.support.localstripe import eventually

pytestmark = pytest.mark.browser


def test_card_payments_and_a_refund_are_in_the_journal_its_csv_and_agree_with_stripe(
        page: Page, client: FlaskClient, services: Services, open_now: None,  # noqa: F811
        webhook_server: str, localstripe: str, tmp_path: Path,  # noqa: F811
        axe_source: str) -> None:
    kept, refunded, invoiced = registered(client, 1), registered(client, 2), registered(client, 3)
    paid_by_card(client, localstripe, kept)
    paid_by_card(client, localstripe, refunded)
    number = client.post(f"/api/registrations/{invoiced['id']}/invoice",
                         headers=holder(invoiced)).json["number"]
    paid_by_card(client, localstripe, invoiced)
    assert client.post(f"/api/registrations/{refunded['id']}/cancellation",
                       headers=holder(refunded)).status_code == 200
    eventually(lambda: status(client, refunded["id"], holder(refunded)) == "refunded")

    services.staff.create_account("Fiona Finance", "fiona@example.com", PASSWORD, "finance")
    sign_in(page, "fiona@example.com")

    def journal_rows() -> Any:
        page.goto(f"/staff/finance/journal?edition={SLUG}")
        return page.locator("[data-journal] tbody tr")

    eventually(lambda: journal_rows().count() == 4)
    expect(page.locator("[data-journal] tr[data-kind=refund]")).to_have_count(1)
    expect(page.locator("[data-journal] tr[data-kind=payment]")).to_have_count(3)
    expect(page.locator("[data-journal]")).to_contain_text(number)
    with page.expect_download() as download:
        page.locator("[data-export=csv]").click()
    saved = tmp_path / "journal.csv"
    download.value.save_as(saved)
    lines = saved.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 5  # the header and four movements
    assert sum("-684.10" in line for line in lines) == 1  # the refund, negative
    assert sum(number in line for line in lines) == 1  # the invoiced place's card payment

    page.goto(f"/staff/finance/reconciliation?edition={SLUG}")
    expect(page.locator("[data-balanced]")).to_contain_text("No difference")
    expect(page.locator("[data-difference-list]")).to_have_count(0)

    # The kept place's card payment got the invoice issued on payment: its page, in
    # French, lists that payment as it lists any, and shows it paid with nothing due.
    issued = services.registrations.get(UUID(kept["id"])).invoice_number
    assert issued is not None
    reference = services.registrations.get(UUID(kept["id"])).payment_references[0]
    page.goto(f"/staff/finance/invoices/{issued}?lang=fr")
    payment = page.locator("[data-payments] tbody tr")
    expect(payment).to_have_count(1)
    for shown in ("Carte", reference, services.payments.gateway.intent(reference).charge_id,
                  "Stripe"):  # recorded on Stripe's notice
        expect(payment).to_contain_text(shown)
    expect(page.locator("h1")).to_contain_text("Payée")
    expect(page.locator("[data-balance]")).to_contain_text("0,00\u00a0$")
    snap(page, "invoice-on-payment-fr")
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        assert axe_violations(page, axe_source) == [], size
    page.set_viewport_size(DESKTOP)
    page.goto(f"/staff/finance/invoices/{issued}?lang=en")
    expect(payment).to_contain_text("Card")
    snap(page, "invoice-on-payment-en")
