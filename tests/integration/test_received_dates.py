"""A transfer or cheque is booked on the day the money was received, not the day finance
typed it in: the journal (page, API, CSV, XLSX, totals by day, filters) and the invoice page
date it so, keep when and by whom it was recorded, and refuse a day that cannot be right —
on SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from typing import Any

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient

from registration.projections.runner import ReadModels
from registration.services.container import Services
from tests.support import editions, invoicing
from tests.support.clock import SettableClock
from tests.support.staff_pages import signed_in

SLUG = "test-montreal"
RECORDED = "2019-03-25T10:00:00-04:00"  # the day finance types the payments in


@pytest.fixture
def booked(client: FlaskClient, services: Services, clock: SettableClock,
           staff_headers: dict[str, dict[str, str]]) -> str:
    """An invoice issued on March 20 for two places, paid on March 25 by a transfer received
    on the 24th and, typed in after it, a cheque received on the 22nd; and a third place's
    cash taken at the desk on the 25th."""
    services.editions.load(invoicing.quebec())
    places = [client.post(f"/api/editions/{SLUG}/registrations", json={
        "attendee": editions.attendee(n), "registration_type": "delegate",
        "delegation": "QC"}).json["id"] for n in (1, 2, 3)]
    number = client.post(f"/api/editions/{SLUG}/invoices", headers=staff_headers["finance"],
                         json={"registrations": places[:2],
                               "bill_to": {"name": "Gouvernement du Québec",
                                           "language": "fr"}}).json["number"]
    clock.set(RECORDED)
    for reference, amount, received_on in (("WIRE-24", "500.00", "2019-03-24"),
                                           ("CHQ-22", "100.00", "2019-03-22")):
        answer = pay(client, staff_headers, number, reference, amount, received_on)
        assert answer.status_code == 200, answer.json
    assert client.post(f"/api/registrations/{places[2]}/desk-payments", headers=staff_headers[
        "desk"], json={"amount": "50.00", "method": "cash"}).status_code == 201
    return number


def pay(client: FlaskClient, staff_headers: dict[str, dict[str, str]], number: str,
        reference: str, amount: str, received_on: str) -> Any:
    return client.post(f"/api/invoices/{number}/payments", headers=staff_headers["finance"],
                       json={"amount": amount, "method": "bank_transfer",
                             "reference": reference, "received_on": received_on})


def journal(client: FlaskClient, staff_headers: dict[str, dict[str, str]], **query: str) -> Any:
    answer = client.get(f"/api/editions/{SLUG}/journal", headers=staff_headers["finance"],
                        query_string=query)
    assert answer.status_code == 200, answer.json
    return answer.json


def test_the_journal_books_a_transfer_on_the_day_it_was_received(
        client: FlaskClient, booked: str, staff_headers: dict[str, dict[str, str]]) -> None:
    found = journal(client, staff_headers)
    assert [(m["reference"], m["day"], m["received_on"]) for m in found["movements"]] == [
        ("CHQ-22", "2019-03-22", "2019-03-22"), ("WIRE-24", "2019-03-24", "2019-03-24"),
        (next(m["reference"] for m in found["movements"] if m["method"] == "cash"),
         "2019-03-25", None)]
    assert {m["at"][:10] for m in found["movements"]} == {"2019-03-25"}  # when recorded
    assert found["by_day"] == {"2019-03-22": "100.00", "2019-03-24": "500.00",
                               "2019-03-25": "50.00"}
    only_the_22nd = journal(client, staff_headers, **{"from": "2019-03-22", "to": "2019-03-22"})
    assert [m["reference"] for m in only_the_22nd["movements"]] == ["CHQ-22"]
    assert journal(client, staff_headers, **{"from": "2019-03-25"})["received"] == "50.00"


def test_the_exports_date_a_transfer_by_its_received_day_and_keep_when_it_was_recorded(
        app: Flask, services: Services, booked: str) -> None:
    finance = signed_in(app, services, "finance@example.com", "finance")
    export = finance.get(f"/staff/finance/{SLUG}/journal.csv?lang=en").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(export.lstrip("\ufeff"))))
    assert [(r["Reference"], r["Date"], r["Time"], r["Recorded at"]) for r in rows[:2]] == [
        ("CHQ-22", "2019-03-22", "", "2019-03-25T10:00:00-04:00"),
        ("WIRE-24", "2019-03-24", "", "2019-03-25T10:00:00-04:00")]
    assert (rows[2]["Date"], rows[2]["Time"]) == ("2019-03-25", "10:00")
    sheet = openpyxl.load_workbook(io.BytesIO(finance.get(
        f"/staff/finance/{SLUG}/journal.xlsx?lang=fr").data)).active
    assert sheet is not None
    header = [cell.value for cell in sheet[1]]
    day, recorded = header.index("Date"), header.index("Enregistré le")
    recorded_at = datetime(2019, 3, 25, 10)  # Montréal's clock: XLSX has no time zones
    assert [(row[day].value, row[recorded].value) for row in sheet.iter_rows(min_row=2)][:2] == [
        (datetime(2019, 3, 22), recorded_at), (datetime(2019, 3, 24), recorded_at)]
    assert all(row[day].is_date and row[recorded].is_date for row in sheet.iter_rows(min_row=2))


def test_the_pages_list_payments_by_the_day_received_and_say_when_they_were_recorded(
        app: Flask, services: Services, booked: str) -> None:
    finance = signed_in(app, services, "finance@example.com", "finance")
    page = finance.get(f"/staff/finance/invoices/{booked}?lang=fr").get_data(as_text=True)
    payments = page[page.index("data-payments"):]
    assert payments.index("CHQ-22") < payments.index("WIRE-24")
    assert "22 mars 2019" in payments and "24 mars 2019" in payments
    assert payments.count("le 25 mars 2019") == 2
    page = finance.get(f"/staff/finance/journal?edition={SLUG}&lang=en").get_data(as_text=True)
    days = re.findall(r"<td data-day>([^<]+)", page)
    assert days[:2] == ["March 22, 2019", "March 24, 2019"]
    assert page.count("on March 25, 2019") == 2  # recorded by whom, and when


@pytest.mark.parametrize(("received_on", "code"), [
    ("2019-03-26", "received_in_future"),  # the day after it is typed in
    ("2018-12-19", "received_long_before_issue"),  # 91 days before the invoice
])
def test_a_received_day_that_cannot_be_right_is_refused(
        app: Flask, client: FlaskClient, services: Services, booked: str, received_on: str,
        code: str, staff_headers: dict[str, dict[str, str]]) -> None:
    answer = pay(client, staff_headers, booked, "WIRE-X", "10.00", received_on)
    assert answer.status_code == 422 and answer.json["details"]["code"] == code
    finance = signed_in(app, services, "finance@example.com", "finance")
    url = f"/staff/finance/invoices/{booked}/payments?lang=fr"
    page = finance.get(f"/staff/finance/invoices/{booked}?lang=fr").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    refused = finance.post(url, data={"csrf_token": token.group(1), "amount": "10,00",
                                      "method": "cheque", "reference": "CHQ-X",
                                      "received_on": received_on})
    assert refused.status_code == 422
    said = refused.get_data(as_text=True)
    assert {"received_in_future": "ne peut pas être postérieure à aujourd",
            "received_long_before_issue": "précède de plus de 90\u00a0jours"}[code] in said
    assert "CHQ-X" not in str(journal(client, staff_headers))


def test_an_older_journal_is_rebuilt_with_the_received_days(
        client: FlaskClient, services: Services, booked: str,
        staff_headers: dict[str, dict[str, str]]) -> None:
    store = services.read_models.store
    with store.transaction() as cursor:  # as the release before received days left it
        store.execute(cursor, "ALTER TABLE journal DROP COLUMN received_on", {})
        store.execute(cursor, "UPDATE read_model_schema SET fingerprint = 'older'", {})
    ReadModels(services.app, store).catch_up()
    assert journal(client, staff_headers)["by_day"] == {
        "2019-03-22": "100.00", "2019-03-24": "500.00", "2019-03-25": "50.00"}
