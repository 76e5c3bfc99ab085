"""The ledger's totals: one payer's overpayment never hides what another still owes."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest
from flask import Flask
from flask.testing import FlaskClient

from domain.money import Money
from registration.services.container import Services
from tests.support import editions, invoicing
from tests.support.staff_pages import signed_in

NBSP = "\u00a0"


def kpis(page: str) -> dict[str, str]:
    """The ledger's totals by their `data-total`, as shown."""
    return {name: re.sub(r"\s+", " ", value.replace(NBSP, " ")).strip() for name, value in
            re.findall(r'data-total="(\w+)">([^<]+)<', page)}


@pytest.mark.parametrize(("language", "due", "overpaid", "label"), [
    ("fr", "454,15 $", "45,85 $", "Crédit à rembourser"),
    ("en", "$454.15", "$45.85", "Credit to refund"),
])
def test_an_overpaid_invoice_shows_apart_from_what_another_still_owes(
        app: Flask, client: FlaskClient, services: Services, language: str, due: str,
        overpaid: str, label: str) -> None:
    services.editions.load(invoicing.quebec())
    unpaid, paid = (services.invoices.issue_for_holder(UUID(client.post(
        "/api/editions/test-montreal/registrations", json={
            "attendee": editions.attendee(n), "registration_type": "delegate",
            "delegation": "QC"}).json["id"]), None) for n in (1, 2))
    services.invoices.record_payment(paid.number, Money(Decimal("500.00"), "CAD"),
                                     "bank_transfer", "WIRE-1", date(2019, 3, 19),
                                     overpayment=True)
    finance = signed_in(app, services, "finance@example.com", "finance")
    page = finance.get(f"/staff/finance/?edition=test-montreal&lang={language}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and unpaid.number in text
    assert kpis(text) == {"paid": kpis(text)["paid"], "balance": due, "overpaid": overpaid}
    assert label in text

    services.invoices.record_payment(unpaid.number, Money(Decimal("454.15"), "CAD"),
                                     "cheque", "CHQ-1", date(2019, 3, 20))
    settled = finance.get(f"/staff/finance/?edition=test-montreal&lang={language}")
    assert kpis(settled.get_data(as_text=True))["balance"] in {"0,00 $", "$0.00"}
