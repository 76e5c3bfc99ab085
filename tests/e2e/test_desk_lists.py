"""The desk's lists for the day: attendees as CSV and XLSX, sign-in sheets as a PDF, in the
order a reader looks for a name, in the person's language."""

from __future__ import annotations

import csv
import html
import io
from typing import Any

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient

from registration.services.container import Services
from tests.support import editions
from tests.support.pdfs import page_texts
from tests.support.staff_pages import signed_in

LISTS = "/staff/desk/test-montreal/lists/attendees"
PEOPLE = [  # last name, first name, delegation, organisation
    ("Fortin", "Luc", "QC", "Ville de Québec"),
    ("Émond", "Zoé", "QC", '=HYPERLINK("http://evil.example","Cliquez")'),
    ("Emond", "Anne", "QC", "Hydro-Québec"),
    ("Abernathy", "Ruth", "GA", "GDOT"),
    ("Zimmer", "Hans", None, "Siemens"),
]


@pytest.fixture
def day(client: FlaskClient, services: Services, edition: dict[str, Any]) -> None:
    """Five places in three groups, and one cancelled place nobody lists."""
    for n, (last, first, delegation, organisation) in enumerate(PEOPLE, start=1):
        answer = client.post("/api/editions/test-montreal/registrations", json={
            "attendee": editions.attendee(n, first_name=first, last_name=last,
                                          organisation=organisation),
            "registration_type": "delegate", "delegation": delegation})
        assert answer.status_code == 201, answer.json
    gone = client.post("/api/editions/test-montreal/registrations", json={
        "attendee": editions.attendee(9, last_name="Annulé"), "registration_type": "delegate",
        "delegation": "QC"}).json
    assert client.post(f"/api/registrations/{gone['id']}/cancellation", headers={
        "Authorization": f"Bearer {gone['manage_token']}"}).status_code == 200


@pytest.fixture
def desk(app: Flask, services: Services, day: None) -> FlaskClient:
    return signed_in(app, services, "desk@example.com", "desk")


def test_the_csv_lists_everyone_by_delegation_name_then_name_accents_aside(
        desk: FlaskClient) -> None:
    answer = desk.get(f"{LISTS}?format=csv&lang=fr")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert "attachment" in answer.headers["Content-Disposition"]
    text = answer.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:5] == ["Nom", "Prénom", "Organisation", "Délégation",
                           "Type d\u2019inscription"]
    # Géorgie before Québec (French names), Emond and Émond side by side before Fortin,
    # people without a delegation last; the cancelled place is not there.
    assert [(r[0], r[3]) for r in rows[1:]] == [
        ("Abernathy", "Géorgie"), ("Emond", "Québec"), ("Émond", "Québec"),
        ("Fortin", "Québec"), ("Zimmer", "Sans délégation")]
    assert rows[3][2].startswith("'=HYPERLINK")  # a formula is shown, never run


def test_the_xlsx_holds_the_same_rows_with_text_kept_as_text(desk: FlaskClient) -> None:
    answer = desk.get(f"{LISTS}?format=xlsx&delegation=QC&lang=en")
    assert answer.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(answer.data)).active
    assert sheet is not None
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["Last name", "First name", "Organisation", "Delegation"]
    assert [r[0] for r in rows[1:]] == ["Emond", "Émond", "Fortin"]
    formula_cell = sheet.cell(row=3, column=3)
    assert formula_cell.data_type == "s" and str(formula_cell.value).startswith("=HYPERLINK")
    assert rows[1][9] == 0  # badges printed: a number


def test_sign_in_sheets_give_each_delegation_its_pages_with_a_signature_column(
        desk: FlaskClient) -> None:
    answer = desk.get(f"{LISTS}?format=pdf&lang=fr")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    pages = page_texts(answer.data)
    assert len(pages) == 3
    assert "Feuille de présence — Géorgie" in pages[0] and "Abernathy, Ruth" in pages[0]
    assert "Feuille de présence — Québec" in pages[1] and "Signature" in pages[1]
    assert pages[1].index("Emond, Anne") < pages[1].index("Émond, Zoé") < \
        pages[1].index("Fortin, Luc")
    assert "3 personnes" in pages[1]
    assert "Sans délégation" in pages[2] and "Annulé" not in "".join(pages)


@pytest.mark.parametrize(("query", "message"), [
    ("format=docx", "Choisissez CSV, XLSX ou PDF."),
    ("format=csv&delegation=XX",
     "Cette délégation ou ce type d\u2019inscription n\u2019existe pas."),
    ("format=pdf&registration_type=nope", "Cette délégation ou ce type d\u2019inscription"),
])
def test_a_list_asked_wrongly_is_refused_in_the_persons_language(
        desk: FlaskClient, query: str, message: str) -> None:
    answer = desk.get(f"{LISTS}?{query}&lang=fr")
    assert answer.status_code == 422
    assert message in html.unescape(answer.get_data(as_text=True))


def test_a_list_with_nobody_says_so_on_the_lists_page(desk: FlaskClient) -> None:
    answer = desk.get(f"{LISTS}?format=pdf&registration_type=speaker&lang=fr")
    assert answer.status_code == 404
    assert "Aucune personne ne correspond à ces choix." in answer.get_data(as_text=True)


def test_only_the_desk_gets_the_lists(app: Flask, services: Services, day: None) -> None:
    finance = signed_in(app, services, "finance@example.com", "finance")
    assert finance.get(f"{LISTS}?format=csv").status_code == 403
