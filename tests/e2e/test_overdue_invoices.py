"""Finance's overdue invoices: the page lists what is unpaid after its due date, in the
person's language, and the CSV gives the same rows; the desk has no access."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from flask import Flask
from flask.testing import FlaskClient

from registration.services.container import Services
from tests.support import editions, invoicing
from tests.support.clock import SettableClock
from tests.support.staff_pages import signed_in


def test_an_invoice_unpaid_after_its_due_date_shows_as_overdue_on_the_page_and_in_the_csv(
        app: Flask, client: FlaskClient, services: Services, clock: SettableClock) -> None:
    services.editions.load(invoicing.quebec())
    answer = client.post("/api/editions/test-montreal/registrations", json={
        "attendee": editions.attendee(1), "registration_type": "delegate", "delegation": "QC"})
    invoice = services.invoices.issue_for_holder(UUID(answer.json["id"]), None)
    finance = signed_in(app, services, "finance@example.com", "finance")
    page = finance.get("/staff/finance/overdue?edition=test-montreal&lang=fr")
    assert "Aucune facture n\u2019est en retard." in page.get_data(as_text=True)

    clock.set(clock() + timedelta(days=33))
    finance = signed_in(app, services, "finance@example.com", "finance")  # a new day's session
    page = finance.get("/staff/finance/overdue?edition=test-montreal&lang=fr")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and f'data-number="{invoice.number}"' in text
    assert "Factures en retard" in text and "454,15" in text
    csv = finance.get("/staff/finance/test-montreal/overdue.csv").get_data(as_text=True)
    header, row = csv.lstrip("\ufeff").splitlines()
    assert header.startswith("number,bill_to,delegation,issue_date,due_date,days_overdue")
    assert row.startswith(f"{invoice.number},") and ",3,CAD,454.15,0.00,454.15" in row
    desk = signed_in(app, services, "desk@example.com", "desk")
    assert desk.get("/staff/finance/overdue").status_code == 403


def test_the_overdue_page_for_an_edition_without_invoices_says_so(
        app: Flask, services: Services, edition: dict[str, Any]) -> None:
    finance = signed_in(app, services, "finance@example.com", "finance")
    page = finance.get("/staff/finance/overdue?edition=test-montreal")
    assert "No invoice is overdue." in page.get_data(as_text=True)
