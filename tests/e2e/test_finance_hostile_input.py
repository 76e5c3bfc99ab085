"""Finance's pages under careless and hostile input: every bad value gets a 4xx in the
person's language (never a 500, never English on a French page) and changes nothing."""

from __future__ import annotations

from uuid import UUID

import pytest
from flask import Flask
from flask.testing import FlaskClient

from registration.services.container import Services
from tests.e2e.test_pages import csrf
from tests.support import editions, invoicing
from tests.support.staff_pages import signed_in

SLUG = "test-montreal"


@pytest.fixture
def finance(app: Flask, client: FlaskClient, services: Services) -> FlaskClient:
    services.editions.load(invoicing.quebec())
    return signed_in(app, services, "finance@example.com", "finance")


def place(client: FlaskClient, n: int = 1) -> str:
    answer = client.post(f"/api/editions/{SLUG}/registrations", json={
        "attendee": editions.attendee(n), "registration_type": "delegate", "delegation": "QC"})
    return str(answer.json["id"])


def test_the_journal_filtered_by_kind_shows_and_its_exports_keep_the_filter(
        finance: FlaskClient) -> None:
    page = finance.get(f"/staff/finance/journal?edition={SLUG}&kind=payment&method=cheque"
                       "&from=2019-03-01&to=2019-03-31&lang=fr")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f"/staff/finance/{SLUG}/journal.xlsx?method=cheque&amp;kind=payment" in text
    assert finance.get(f"/staff/finance/{SLUG}/journal.xlsx?kind=payment").status_code == 200


@pytest.mark.parametrize("period", ["from=0001-01-01&to=0001-12-31",
                                    "from=9999-12-01&to=9999-12-31"])
def test_a_reconciliation_period_out_of_any_season_is_refused_in_french(
        finance: FlaskClient, period: str) -> None:
    page = finance.get(f"/staff/finance/reconciliation?edition={SLUG}&{period}&lang=fr")
    assert page.status_code == 422
    assert "Choisissez des jours du 1er janvier 2000 au 31 décembre 2099." in page.get_data(
        as_text=True)


@pytest.mark.parametrize(("changes", "said"), [
    ({"amount": "0"}, "Saisissez un montant supérieur à zéro."),
    ({"amount": "-0"}, "Un montant comme"),
    ({"amount": "1e9"}, "Un montant comme"),
    ({"amount": "12,345.67"}, "Un montant comme"),
    ({"method": "bitcoin"}, "Choisissez l\u2019une des options proposées."),
    ({"reference": "VIR\x00-1"}, "caractère de contrôle invisible (U+0000)"),
    ({"reference": "\u200b"}, "Ne contient que des caractères invisibles (U+200B)"),
])
def test_a_bad_payment_is_refused_in_french_and_records_nothing(
        finance: FlaskClient, client: FlaskClient, services: Services,
        changes: dict[str, str], said: str) -> None:
    number = services.invoices.issue_for_holder(UUID(place(client)), None).number
    url = f"/staff/finance/invoices/{number}"
    form = {"csrf_token": csrf(finance, url + "?lang=fr"), "amount": "100,00",
            "method": "bank_transfer", "reference": "VIR-1", "received_on": "2019-03-20"}
    answer = finance.post(url + "/payments", data={**form, **changes})
    text = answer.get_data(as_text=True)
    assert answer.status_code == 422 and said in text
    assert "Must be one of" not in text and "positive amount" not in text
    assert finance.get(url).get_data(as_text=True).count("VIR") == 0


def test_a_bad_bill_to_or_registration_is_refused_in_french(
        finance: FlaskClient, client: FlaskClient) -> None:
    url = f"/staff/finance/{SLUG}/invoices/new"
    form = {"csrf_token": csrf(finance, url + "?lang=fr"), "delegation": "QC",
            "name": "Gouvernement du Québec", "registrations": [place(client)]}
    answer = finance.post(url, data={**form, "address": "\n".join(["rue"] * 7)})
    assert answer.status_code == 422 and "6 lignes au plus." in answer.get_data(as_text=True)
    answer = finance.post(url, data={**form, "language": "de"})
    assert "Choisissez l\u2019une des options proposées." in answer.get_data(as_text=True)
    answer = finance.post(url, data={**form, "registrations": [
        "00000000-0000-0000-0000-000000000000"]})
    text = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "Une inscription cochée n\u2019appartient pas à cette édition." in text
    assert "There is no registration" not in text


def test_a_refund_of_nothing_is_refused_in_french(
        finance: FlaskClient, client: FlaskClient) -> None:
    url = f"/staff/registrations/{place(client)}"
    answer = finance.post(url + "/refunds", data={
        "csrf_token": csrf(finance, url + "?lang=fr"), "amount": "0,00",
        "method": "bank_transfer", "reference": "REM-1", "reason": "Erreur"})
    text = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "Saisissez un montant supérieur à zéro." in text
    assert "above zero" not in text


def test_a_french_speaking_clerk_reads_a_us_editions_finance_pages(
        app: Flask, client: FlaskClient, services: Services) -> None:
    """There is no `fr_US` locale: the amounts of a US edition read as in Québec."""
    services.editions.load(invoicing.georgia())
    answer = client.post("/api/editions/test-atlanta/registrations", json={
        "attendee": editions.attendee(1), "registration_type": "delegate", "delegation": "GA"})
    number = services.invoices.issue_for_holder(UUID(answer.json["id"]), None).number
    finance = signed_in(app, services, "finance@example.com", "finance")
    for url in ("/staff/finance/journal?edition=test-atlanta&lang=fr",
                "/staff/finance/overdue?edition=test-atlanta&lang=fr",
                "/staff/finance/?edition=test-atlanta&lang=fr",
                f"/staff/finance/invoices/{number}?lang=fr"):
        page = finance.get(url)
        assert page.status_code == 200, url
        assert "$\u00a0US" in page.get_data(as_text=True), url


def test_a_place_that_costs_nothing_is_not_offered_for_billing_nor_billed(
        finance: FlaskClient, client: FlaskClient) -> None:
    """A speaker's free place would be billed 0,00 $ by an invoice the ledger then shows as
    cancelled: it is neither listed nor accepted."""
    free = str(client.post(f"/api/editions/{SLUG}/registrations", json={
        "attendee": editions.attendee(2), "registration_type": "speaker",
        "delegation": "QC"}).json["id"])
    paying = place(client)
    url = f"/staff/finance/{SLUG}/invoices/new"
    listed = finance.get(url + "?delegation=QC&lang=fr").get_data(as_text=True)
    assert paying in listed and free not in listed
    answer = finance.post(url, data={"csrf_token": csrf(finance, url), "delegation": "QC",
                                     "name": "Gouvernement du Québec", "registrations": [free]})
    assert answer.status_code == 422
    assert "Cette inscription ne coûte rien\u00a0: il n\u2019y a rien à facturer." in \
        answer.get_data(as_text=True)
    assert "SEUS19-" not in finance.get(f"/staff/finance/?edition={SLUG}").get_data(as_text=True)
