"""Typed text end to end: what the text rule refuses is answered 422 and never recorded.

On PostgreSQL a NUL that reached an event used to stop every read model (TEXT cannot hold
it), and an unpaired surrogate could not even be encoded; both backends run every test.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from domain.errors import InvalidEdition
from registration.services.container import Services
from tests.e2e.test_api import EDITION, SLUG, nothing_recorded, refusal, register
from tests.e2e.test_pages import csrf, form
from tests.support import editions, invoicing

REFUSED_IN_A_NAME = {
    "a NUL byte": ("A\u0000B", "Contains an invisible control character (U+0000), which is "
                               "not allowed."),
    "a C1 control": ("A\u0085B", "Contains an invisible control character (U+0085), which is "
                                 "not allowed."),
    "a right-to-left override": ("A\u202eB", "Contains an invisible text-direction control "
                                             "(U+202E), which is not allowed."),
    "an unpaired surrogate": ("A\ud800B", "Contains a broken character (an unpaired "
                                          "surrogate, U+D800), which is not allowed."),
    "a line break": ("A\nB", "Must fit on one line: remove the line break."),
}


def attendance(client: FlaskClient, headers: dict[str, dict[str, str]]) -> Any:
    answer = client.get(f"{EDITION}/attendance", headers=headers["admin"])
    assert answer.status_code == 200
    return answer.json


@pytest.mark.parametrize("what", REFUSED_IN_A_NAME)
def test_a_name_with_a_refused_character_is_answered_422_naming_the_field_and_records_nothing(
        client, edition, services, staff_headers, what):
    bad_name, message = REFUSED_IN_A_NAME[what]
    before = attendance(client, staff_headers)
    with nothing_recorded(services):
        answer = refusal(register(client, 1, attendee=editions.attendee(1, first_name=bad_name)),
                         422)
    assert answer["details"] == {"attendee": {"first_name": [message]}}
    assert attendance(client, staff_headers) == before

    later = register(client, 2)
    assert later.status_code == 201, later.json
    assert attendance(client, staff_headers)["totals"] != before["totals"]


def test_refused_text_in_a_correction_a_substitution_and_a_quote_changes_nothing(
        client, edition, services):
    answer = register(client, 1)
    registration, holder = answer.json["id"], {
        "Authorization": f"Bearer {answer.json['manage_token']}"}
    url = f"/api/registrations/{registration}"
    with nothing_recorded(services):
        corrected = refusal(client.patch(url, json={"job_title": "Chef\u0000"}, headers=holder),
                            422)
        assert set(corrected["details"]) == {"job_title"}
        handed = refusal(client.post(f"{url}/substitution", headers=holder, json={
            "attendee": editions.attendee(2, organisation="Exo\u202e")}), 422)
        assert set(handed["details"]["attendee"]) == {"organisation"}
        quoted = refusal(client.post(f"{EDITION}/quotes", json={
            "registration_type": "delegate", "discount_code": "GOV\u008150"}), 422)
        assert set(quoted["details"]) == {"discount_code"}
    assert client.get(url, headers=holder).json["attendee"]["job_title"] == (
        editions.attendee(1)["job_title"])


def test_a_decomposed_name_with_spaces_around_is_stored_precomposed_and_found_at_the_desk(
        client, edition, staff_headers):
    answer = register(client, 1, attendee=editions.attendee(1, first_name="  Zoe\u0301  "))
    assert answer.status_code == 201, answer.json
    assert answer.json["attendee"]["first_name"] == "Zo\u00e9"
    found = client.get(f"{EDITION}/attendees", query_string={"q": "Zo\u00e9"},
                       headers=staff_headers["desk"])
    assert [a["first_name"] for a in found.json["attendees"]] == ["Zo\u00e9"]


def test_a_nul_in_the_desk_search_is_answered_422_not_500(client, edition, staff_headers):
    register(client, 1)
    answer = refusal(client.get(f"{EDITION}/attendees?q=Tremblay%00",
                                headers=staff_headers["desk"]), 422)
    assert answer["details"] == {"q": [
        "Contains an invisible control character (U+0000), which is not allowed."]}
    assert client.get(f"{EDITION}/attendees?q=Tremblay",
                      headers=staff_headers["desk"]).status_code == 200


def test_a_nul_in_a_ledger_filter_or_an_invoice_number_is_answered_not_500(
        client, edition, staff_headers):
    answer = refusal(client.get(f"{EDITION}/invoices?delegation=QC%00",
                                headers=staff_headers["finance"]), 422)
    assert set(answer["details"]) == {"delegation"}
    refusal(client.get("/api/invoices/SEUS19-0001%00", headers=staff_headers["finance"]), 404)
    refusal(client.get("/api/invoices/SEUS19-0001%00.pdf", headers=staff_headers["finance"]),
            404)


@pytest.fixture
def invoiced(client: FlaskClient, services: Services, staff_headers) -> str:
    """An invoice of the Quebec edition (with invoicing terms): its number."""
    services.editions.load(invoicing.quebec())
    registration = register(client, 1, delegation="QC").json["id"]
    answer = client.post(f"{EDITION}/invoices", headers=staff_headers["finance"], json={
        "registrations": [registration], "bill_to": invoicing.BILL_TO_FR})
    assert answer.status_code == 201, answer.json
    document: Any = answer.json
    return str(document["number"])


def test_a_cancellation_reason_may_take_several_lines(client, staff_headers, invoiced):
    note = client.post(f"/api/invoices/{invoiced}/cancellation", headers=staff_headers["finance"],
                       json={"reason": "Billed twice.\r\nSee PO 2019-118. "})
    assert note.status_code == 201, note.json
    assert note.json["reason"] == "Billed twice.\nSee PO 2019-118."


def test_refused_text_on_an_invoice_is_answered_422_and_nothing_is_billed_or_paid(
        client, services, staff_headers, invoiced):
    finance = staff_headers["finance"]
    other = register(client, 2, delegation="QC").json["id"]
    with nothing_recorded(services):
        line = refusal(client.post(f"/api/invoices/{invoiced}/cancellation", headers=finance,
                                   json={"reason": "Billed\u0000twice"}), 422)
        assert set(line["details"]) == {"reason"}
        paid = refusal(client.post(f"/api/invoices/{invoiced}/payments", headers=finance, json={
            "amount": "1.00", "method": "cheque", "reference": "CHQ\t12",
            "received_on": "2019-03-18"}), 422)
        assert paid["details"] == {"reference": ["Contains a tab; use a space instead."]}
        billed = refusal(client.post(f"{EDITION}/invoices", headers=finance, json={
            "registrations": [other], "po_number": "PO\u2066-1",
            "bill_to": {**invoicing.BILL_TO_FR, "address": ["710, place D\u2019Youville\n"
                                                            "Québec"]}}), 422)
        assert set(billed["details"]) == {"po_number", "bill_to"}
        assert set(billed["details"]["bill_to"]) == {"address"}
    assert client.get(f"/api/invoices/{invoiced}", headers=finance).json["status"] == "unpaid"


def test_an_edition_document_with_a_control_character_is_refused_and_not_recorded(
        services, edition):
    document = editions.edition(venue={"name": "Palais des congrès\u0000"})
    with nothing_recorded(services), pytest.raises(InvalidEdition) as refused:
        services.editions.load(document)
    assert refused.value.problems == [
        "venue.name: contains an invisible control character (U+0000), which is not allowed."]
    assert services.editions.config(SLUG).venue["name"] == "Palais des congrès"


def test_a_staff_member_named_with_a_control_character_is_refused_on_the_command_line(
        app, services):
    with nothing_recorded(services):
        result = app.test_cli_runner().invoke(args=[
            "staff", "create", "--name", "Dana\u0000", "--role", "desk"])
    assert result.exit_code == 2
    assert "control character (U+0000)" in result.output


# --- pages ---


def sign_in_as(client: FlaskClient, services: Services, role: str) -> None:
    password = "a long enough password"
    services.staff.create_account("Ada", "ada@example.com", password, role)
    client.post("/staff/sign-in", data={"csrf_token": csrf(client, "/staff/sign-in"),
                                        "email": "ada@example.com", "password": password})


def test_a_french_form_shows_the_refusal_in_french_beside_the_field_and_records_nothing(
        client: FlaskClient, services: Services, edition: dict) -> None:
    token = csrf(client, f"/e/{SLUG}/register?lang=fr")
    with nothing_recorded(services):
        response = client.post(f"/e/{SLUG}/register", data=form(
            token, first_name="Élise\u0000", last_name="Gagnon\r\nTremblay"))
    page = response.get_data(True)
    assert response.status_code == 422
    assert re.search(r'id="first_name-error">Contient un caractère de contrôle invisible '
                     r"\(U\+0000\), ce qui n\u2019est pas permis\.", page)
    assert re.search('id="last_name-error">Doit tenir sur une seule ligne\u00a0: retirez le '
                     "saut de ligne.", page)
    assert client.post(f"/e/{SLUG}/register", data=form(token)).status_code == 302


def test_a_nul_in_the_desk_search_page_shows_why_instead_of_failing(
        client: FlaskClient, services: Services, edition: dict) -> None:
    sign_in_as(client, services, "desk")
    response = client.get(f"/staff/desk/?edition={SLUG}&q=Tremblay%00&lang=en")
    assert response.status_code == 422
    assert re.search(r'id="q-error" role="alert">Contains an invisible control character '
                     r"\(U\+0000\)", response.get_data(True))


def test_an_address_line_with_a_control_character_is_shown_beside_the_address(
        client: FlaskClient, services: Services, staff_headers) -> None:
    services.editions.load(invoicing.quebec())
    register(client, 1, delegation="QC")
    sign_in_as(client, services, "finance")
    url = f"/staff/finance/{SLUG}/invoices/new"
    found: Any = client.get(f"{EDITION}/attendees?q=Tremblay1",
                            headers=staff_headers["desk"]).json
    registration = found["attendees"][0]["registration"]
    with nothing_recorded(services):
        response = client.post(f"{url}?lang=fr", data={
            "csrf_token": csrf(client, url), "delegation": "QC",
            "registrations": registration, "name": "Exo", "language": "fr",
            "address": "710, place D\u2019Youville\r\nQuébec\u0007"})
    assert response.status_code == 422
    assert re.search(r'id="address-error">Contient un caractère de contrôle invisible '
                     r"\(U\+0007\)", response.get_data(True))


def test_an_admin_naming_a_staff_member_with_a_bidi_override_sees_why_in_french(
        client: FlaskClient, services: Services) -> None:
    sign_in_as(client, services, "admin")
    with nothing_recorded(services):
        response = client.post("/staff/accounts?lang=fr", data={
            "csrf_token": csrf(client, "/staff/accounts"), "name": "Dana\u202e",
            "email": "dana@example.com", "role": "desk", "password": "a long enough password"})
    assert response.status_code == 422
    assert re.search(r'id="name-error">Contient un caractère invisible qui force le sens de '
                     r"l\u2019écriture \(U\+202E\)", response.get_data(True))
    assert [m.name for m in services.staff.accounts()] == ["Ada"]


def test_signing_in_with_a_control_character_in_the_e_mail_says_so_beside_it(
        client: FlaskClient, services: Services) -> None:
    response = client.post("/staff/sign-in?lang=en", data={
        "csrf_token": csrf(client, "/staff/sign-in"), "email": "ada@example.com\u0000",
        "password": "a long enough password"})
    assert response.status_code == 422
    assert re.search(r'id="email-error">Contains an invisible control character \(U\+0000\)',
                     response.get_data(True))


def test_a_group_form_with_a_refused_organisation_says_so_beside_it_and_registers_nobody(
        client: FlaskClient, services: Services, edition: dict) -> None:
    url = f"/e/{SLUG}/group"
    people = {f"p0-{k}": v for k, v in editions.attendee(1).items() if k != "organisation"}
    with nothing_recorded(services):
        response = client.post(f"{url}?lang=en", data={
            "csrf_token": csrf(client, url), "rows": "2", "delegation": "QC",
            "organisation": "Exo\u009b", "p0-registration_type": "delegate", **people})
    assert response.status_code == 422
    assert re.search(r'id="organisation-error">Contains an invisible control character '
                     r"\(U\+009B\)", response.get_data(True))
    assert client.get(f"{url}?rows=many").status_code == 200  # a garbled row count: six rows


def test_a_nul_in_the_ledger_pages_filter_shows_why_instead_of_failing(
        client: FlaskClient, services: Services, edition: dict) -> None:
    sign_in_as(client, services, "finance")
    for url in (f"/staff/finance/?edition={SLUG}&delegation=QC%00&lang=en",
                f"/staff/finance/{SLUG}/ledger.csv?delegation=QC%00&lang=en"):
        response = client.get(url)
        assert response.status_code == 422
        assert "invisible control character (U+0000)" in response.get_data(True)
    assert client.get(f"/staff/finance/?edition={SLUG}&delegation=QC").status_code == 200
