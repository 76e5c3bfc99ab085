"""The journal holds every movement of money — card payments (a group's once), desk cash, a
delegation's transfer, a card refund — and reconciles with localstripe's balance.

Run today (real time, like Stripe's own clock) on an edition whose registration is open now,
against a localstripe of its own so that its balance holds only this test's movements.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient

from registration.adapters import localstripe_dev
from registration.projections.ledger_queries import Ledger
from registration.services.container import Services
from tests.integration.test_card_payments import VISA, open_payment, pay, status
from tests.support import editions
from tests.support.clock import SettableClock
from tests.support.localstripe import eventually
from tests.support.staff_pages import signed_in

SLUG = "test-journal"
NOW = datetime.now(UTC).replace(microsecond=0)
TODAY = NOW.date()
MONTREAL = ZoneInfo("America/Montreal")


@pytest.fixture
def localstripe(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A localstripe of this test's own: its balance is this test's movements only."""
    port = localstripe_dev.free_port()
    process = localstripe_dev.start(port, log=tmp_path_factory.mktemp("ls") / "log")
    yield f"http://127.0.0.1:{port}"
    localstripe_dev.stop(process)


@pytest.fixture
def app_overrides(stripe_settings: dict[str, str]) -> dict[str, str]:
    return stripe_settings


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(NOW)


@pytest.fixture
def open_now(services: Services) -> None:
    """The Quebec edition with its registration open today and full refunds until the event."""
    year = TODAY.year + 1
    services.editions.load(editions.edition(
        slug=SLUG, registration_opens=f"{TODAY - timedelta(days=30)}T09:00",
        registration_closes=f"{year}-06-04T12:00", starts_on=f"{year}-06-02",
        ends_on=f"{year}-06-04", discount_codes=[],
        cancellation_policy={"steps": [{"until": f"{year}-05-01T23:59", "refund_percent": "100"}],
                             "fee": "0.00"}))


def registered(client: FlaskClient, n: int, delegation: str | None = None) -> dict[str, Any]:
    answer = client.post(f"/api/editions/{SLUG}/registrations", json={
        "attendee": editions.attendee(n, last_name=f"Personne{n}"),
        "registration_type": "delegate", "delegation": delegation})
    assert answer.status_code == 201, answer.json
    return answer.json


def holder(place: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {place['manage_token']}"}


def paid_by_card(client: FlaskClient, localstripe: str, place: dict[str, Any]) -> None:
    payment = open_payment(client, place["id"], holder(place))
    assert pay(client, localstripe, payment, VISA).json["status"] == "succeeded"
    eventually(lambda: status(client, place["id"], holder(place)) == "paid")


@pytest.fixture
def season(client: FlaskClient, open_now: None, webhook_server: str, localstripe: str,
           staff_headers: dict[str, dict[str, str]]) -> dict[str, Any]:
    """A card payment, a group's card payment, desk cash, a delegation's transfer, a refund."""
    alone, refunded = registered(client, 1), registered(client, 2)
    paid_by_card(client, localstripe, alone)
    paid_by_card(client, localstripe, refunded)
    group = [registered(client, n) for n in (3, 4)]
    together = client.post(f"/api/editions/{SLUG}/group-payments", json={"registrations": [
        {"id": p["id"], "token": p["manage_token"]} for p in group]}).json
    assert pay(client, localstripe, together, VISA).json["status"] == "succeeded"
    for place in group:
        eventually(lambda place=place: status(client, place["id"], holder(place)) == "paid")
    at_desk = registered(client, 5)
    assert client.post(f"/api/registrations/{at_desk['id']}/desk-payments", json={
        "amount": "100.00", "method": "cash"}, headers=staff_headers["desk"]).status_code == 201
    georgia = [registered(client, n, "GA") for n in (6, 7)]
    invoice = client.post(f"/api/editions/{SLUG}/invoices", json={
        "registrations": [p["id"] for p in georgia],
        "bill_to": {"name": "Georgia Department of Economic Development", "language": "en"}},
        headers=staff_headers["finance"]).json
    assert client.post(f"/api/invoices/{invoice['number']}/payments", json={
        "amount": "500.00", "method": "bank_transfer", "reference": "WIRE-GA-1",
        "received_on": NOW.astimezone(MONTREAL).date().isoformat()},
        headers=staff_headers["finance"]).status_code == 200
    assert client.post(f"/api/registrations/{refunded['id']}/cancellation",
                       headers=holder(refunded)).status_code == 200
    eventually(lambda: status(client, refunded["id"], holder(refunded)) == "refunded")
    return {"invoice": invoice["number"], "group": group}


def journal(client: FlaskClient, headers: dict[str, str], **query: str) -> Any:
    answer = client.get(f"/api/editions/{SLUG}/journal", headers=headers, query_string=query)
    assert answer.status_code == 200, answer.json
    return answer.json


def test_every_movement_is_in_the_journal_once_with_its_payer_and_reference(
        client: FlaskClient, season: dict[str, Any],
        staff_headers: dict[str, dict[str, str]]) -> None:
    found = journal(client, staff_headers["finance"])
    rows = [(m["kind"], m["method"], m["amount"], len(m["registrations"]))
            for m in found["movements"]]
    assert sorted(rows) == sorted([
        ("payment", "card", "684.10", 1), ("payment", "card", "684.10", 1),
        ("payment", "card", "1368.20", 2),  # the group's one payment
        ("payment", "cash", "100.00", 1),
        ("payment", "bank_transfer", "500.00", 2),  # against the delegation's invoice
        ("refund", "card", "-684.10", 1)])
    transfer = next(m for m in found["movements"] if m["method"] == "bank_transfer")
    assert transfer["payer"] == "Georgia Department of Economic Development"
    assert transfer["invoice"] == season["invoice"] and transfer["reference"] == "WIRE-GA-1"
    cash = next(m for m in found["movements"] if m["method"] == "cash")
    assert cash["recorded_by"] == "test-desk" and cash["reference"].startswith("cash-")
    card = next(m for m in found["movements"] if m["kind"] == "refund")
    assert card["reference"].startswith("re_") and card["recorded_by"] in {"stripe", "attendee"}
    assert (found["received"], found["refunded"], found["net"]) == (
        "3336.40", "-684.10", "2652.30")
    assert found["by_method"] == {"bank_transfer": "500.00", "card": "2052.30",
                                  "cash": "100.00"}
    assert found["by_day"] == {NOW.astimezone(MONTREAL).date().isoformat(): "2652.30"}
    assert journal(client, staff_headers["finance"], kind="refund")["net"] == "-684.10"
    assert journal(client, staff_headers["finance"], method="cash")["received"] == "100.00"


def test_the_journal_reconciles_with_the_processor_and_shows_a_refund_made_behind_its_back(
        client: FlaskClient, season: dict[str, Any], services: Services,
        staff_headers: dict[str, dict[str, str]]) -> None:
    period = {"from": (TODAY - timedelta(days=1)).isoformat(),
              "to": (TODAY + timedelta(days=1)).isoformat()}
    answer = client.get(f"/api/editions/{SLUG}/reconciliation", query_string=period,
                        headers=staff_headers["finance"])
    assert answer.status_code == 200, answer.json
    assert answer.json["differences"] == [] and answer.json["matched"] == 4
    # Someone refunds a group member straight from the processor's dashboard: no place
    # names it, so the journal never records it — the reconciliation shows it.
    intent = services.payments.gateway.intent(
        services.registrations.get(UUID(season["group"][0]["id"]))
        .payment_references[0])
    services.payments.gateway.refund(intent.id, 1000, {}, "behind-our-back")
    answer = client.get(f"/api/editions/{SLUG}/reconciliation", query_string=period,
                        headers=staff_headers["finance"])
    [difference] = answer.json["differences"]
    assert difference["kind"] == "not_in_journal"
    assert difference["processor"] == {"amount": "-10.00", "currency": "CAD"}


def test_finance_reads_the_journal_and_exports_it_in_french(
        app: Flask, client: FlaskClient, season: dict[str, Any], services: Services) -> None:
    finance = signed_in(app, services, "finance@example.com", "finance")
    page = finance.get(f"/staff/finance/journal?edition={SLUG}&lang=fr").get_data(as_text=True)
    assert "Journal" in page and "Virement bancaire" in page and "Georgia Department" in page
    assert "Payé par" in page
    answer = finance.get(f"/staff/finance/{SLUG}/journal.csv?lang=fr")
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:5] == ["Date", "Heure", "Mouvement", "Mode de paiement", "Payé par"]
    assert len(rows) == 1 + 6
    sheet = openpyxl.load_workbook(io.BytesIO(finance.get(
        f"/staff/finance/{SLUG}/journal.xlsx?lang=fr").data)).active
    assert sheet is not None
    amounts = [row[7].value for row in sheet.iter_rows(min_row=2)]
    assert sum(Decimal(str(a)) for a in amounts) == Decimal("2652.30")
    page = finance.get(f"/staff/finance/reconciliation?edition={SLUG}&lang=fr").get_data(
        as_text=True)
    assert "Aucun écart" in page
    refused = finance.get(f"/staff/finance/journal?edition={SLUG}&from=2019-06-02&to=2019-06-01"
                          "&lang=fr")
    assert refused.status_code == 422
    assert "La période se termine avant de commencer." in refused.get_data(as_text=True)


def test_each_card_payment_and_refund_names_the_invoice_whose_page_lists_it(
        app: Flask, client: FlaskClient, season: dict[str, Any], services: Services,
        staff_headers: dict[str, dict[str, str]]) -> None:
    """The edition issues invoices on payment: every card payment's row (the group's one
    payment included, under the one invoice billing both places) and the refund's name an
    invoice, in the page's data, the CSV and the XLSX alike, and the journal's total by
    invoice is what each invoice shows as paid."""
    movements = journal(client, staff_headers["finance"])["movements"]
    card = [m for m in movements if m["method"] == "card"]
    assert len(card) == 4 and all(m["invoice"] for m in card)
    by_invoice: dict[str, Decimal] = {}
    for m in movements:
        if m["invoice"]:
            by_invoice[m["invoice"]] = by_invoice.get(m["invoice"], Decimal(0)) + Decimal(
                m["amount"])
    ledger = Ledger(services.read_models.store)
    for number, amount in by_invoice.items():
        view = ledger.view(number)
        assert view is not None and view.paid == amount, number
    named = sorted((m["reference"], m["invoice"]) for m in movements)
    finance = signed_in(app, services, "finance@example.com", "finance")
    export = finance.get(f"/staff/finance/{SLUG}/journal.csv?lang=en").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(export.lstrip("\ufeff"))))
    assert sorted((r["Reference"], r["Invoice"] or None) for r in rows) == named
    sheet = openpyxl.load_workbook(io.BytesIO(finance.get(
        f"/staff/finance/{SLUG}/journal.xlsx?lang=en").data)).active
    assert sheet is not None
    header = [cell.value for cell in sheet[1]]
    at, invoice = header.index("Reference"), header.index("Invoice")
    assert sorted((row[at].value, row[invoice].value or None)
                  for row in sheet.iter_rows(min_row=2)) == named
