"""Issue 14 item 9: every attendee page in French shows no English message.

The test walks the attendee's pages with `?lang=fr` — forms with their refusals included —
and fails on any known English message: one of the catalog's (a sentence of three words or
more whose French differs), or one the domain, marshmallow or Stripe would send.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient

from registration.adapters import invoice_document
from registration.french import of_name, with_article
from registration.services.container import Services
from tests.e2e.test_pages import SLUG, csrf, form
from tests.support import editions, invoicing
from tests.support.staff_pages import signed_in

ROOT = Path(__file__).resolve().parents[2]
# English that reaches pages from outside the catalog (domain, marshmallow, Stripe, Werkzeug).
FOREIGN = ("Length must be between", "Longer than maximum length", "Missing data for",
           "Not a valid", "Your card was declined", "There is no edition", "No registration",
           "Payment requested", "Invoiced", "Not Found", "Conflict", "The card was declined",
           "Required.", "Give at least one of", "Payment failed", "Card payment opened")


def english_sentences() -> set[str]:
    with (ROOT / "translations/fr/LC_MESSAGES/messages.po").open("rb") as po:
        catalog = read_po(po)
    found = set()
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english in ids:
            if not english or english in strings:
                continue
            # the words before the first placeholder: what shows whatever is put in
            head = re.split(r"%\(|\{", english)[0].strip()
            if len(head.split()) >= 3:
                found.add(head)
    return found


ENGLISH = english_sentences()


def visible_text(page: str) -> str:
    page = re.sub(r"(?s)<(script|style|template)\b.*?</\1>", " ", page)
    page = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(page).replace("\u00a0", " "))


def english_in(page: str) -> list[str]:
    text = visible_text(page)
    return sorted({s for s in ENGLISH if s.replace("\u00a0", " ") in text}
                  | {s for s in FOREIGN if s in text})


def test_french_text_writes_the_typographic_apostrophe_everywhere() -> None:
    """« l'inscription », never « l'inscription » beside it: the catalog, the invoice
    documents' own labels and the elisions made for names (« de l'Alliance »)."""
    with (ROOT / "translations/fr/LC_MESSAGES/messages.po").open("rb") as po:
        catalog = read_po(po)
    straight = [text for message in catalog if message.id
                for text in (message.string if isinstance(message.string, tuple)
                             else (message.string,)) if re.search(r"\w'\w", text or "")]
    labels = [text for text in invoice_document.LABELS["fr"].values()
              if re.search(r"\w'\w", text)]
    assert (straight, labels) == ([], [])
    assert (of_name("Alliance"), of_name("Hydro-Québec"), with_article("Assemblée")) == (
        "de l\u2019Alliance", "d\u2019Hydro-Québec", "l\u2019Assemblée")


def test_the_check_knows_english_when_it_sees_it() -> None:
    assert english_in("<p>Length must be between 1 and 100.</p>")
    assert english_in("<p>This discount code has been used up.</p>")
    assert not english_in("<p>Ce code de réduction est épuisé.</p>")


@pytest.fixture
def registration_id(client: FlaskClient, edition: dict) -> str:
    token = csrf(client, f"/e/{SLUG}/register?lang=fr")
    location = client.post(f"/e/{SLUG}/register", data=form(token)).headers["Location"]
    return re.search(r"/r/([^/?]+)/confirmation$", location).group(1)  # type: ignore[union-attr]


def test_every_attendee_page_in_french_shows_no_english(
        client: FlaskClient, services: Services, registration_id: str) -> None:
    rid = registration_id
    services.invoices.issue_for_holder(UUID(rid), None)
    pages = [f"/e/{SLUG}", f"/e/{SLUG}/register", f"/e/{SLUG}/register?discount_code=NOPE",
             f"/e/{SLUG}/group", f"/e/{SLUG}/my-link", f"/r/{rid}/confirmation", f"/r/{rid}",
             f"/r/{rid}/details", f"/r/{rid}/substitute", f"/r/{rid}/cancel", f"/pay/{rid}",
             "/e/nope", f"/r/{uuid4()}", "/no-such-page", f"/e/{SLUG}/group/done"]
    leaks = {}
    for url in pages:
        page = client.get(url + ("&" if "?" in url else "?") + "lang=fr").get_data(True)
        assert 'lang="fr"' in page, url
        if found := english_in(page):
            leaks[url] = found
    token = csrf(client, f"/e/{SLUG}/register?lang=fr")
    long_name = "x" * 101
    posts = {
        f"/e/{SLUG}/register": form(token, first_name=long_name, email="nope",
                                    discount_code="NOPE"),
        f"/e/{SLUG}/group": {"csrf_token": token, "delegation": "QC", "p0-first_name": "A",
                             "p0-last_name": long_name, "p0-email": "x"},
        f"/e/{SLUG}/my-link": {"csrf_token": token, "email": "nope"},
        f"/r/{rid}/details": {**form(token, last_name=long_name, first_name="")},
        f"/r/{rid}/substitute": {**form(token, job_title="", email="nope")},
    }
    for url, data in posts.items():
        page = client.post(url, data=data).get_data(True)
        if found := english_in(page):
            leaks["POST " + url] = found
    assert leaks == {}


def test_a_french_reader_reads_days_times_and_amounts_the_quebec_way(
        app: Flask, client: FlaskClient, services: Services,
        staff_headers: dict[str, dict[str, str]]) -> None:
    services.editions.load(invoicing.quebec())
    place = client.post("/api/editions/test-montreal/registrations", json={
        "attendee": editions.attendee(1), "registration_type": "delegate",
        "delegation": "QC"}).json
    finance = staff_headers["finance"]
    client.post("/api/editions/test-montreal/invoices", headers=finance, json={
        "registrations": [place["id"]], "bill_to": invoicing.BILL_TO_FR})
    client.post("/api/invoices/SEUS19-0001/payments", headers=finance, json={
        "amount": "454.15", "method": "bank_transfer", "reference": "WIRE-1",
        "received_on": "2019-03-18"})
    staff = signed_in(app, services, "finance@example.com", "finance")
    invoice = visible_text(staff.get("/staff/finance/invoices/SEUS19-0001?lang=fr").get_data(True))
    assert "Émise le 20 mars 2019 · échéance le 19 avril 2019" in invoice
    # the payments table: the day the money came, and when finance recorded it
    assert "18 mars 2019 Virement bancaire WIRE-1" in invoice and "le 20 mars 2019" in invoice
    ledger = visible_text(staff.get("/staff/finance/?edition=test-montreal&lang=fr").get_data(True))
    assert "20 mars 2019" in ledger
    history = visible_text(staff.get(f"/staff/registrations/{place['id']}?lang=fr").get_data(True))
    assert "454,15 $" in history and "CAD" not in history.replace("(CAD)", "")
    assert re.search(r"\b\d{1,2} h \d\d\b", history)  # « 10 h 00 », never « 10:00 »
    journal = visible_text(staff.get("/staff/finance/journal?edition=test-montreal&lang=fr")
                           .get_data(True))
    assert "18 mars 2019 Virement bancaire" in journal and "le 20 mars 2019" in journal
    for page in (invoice, ledger, history, journal):
        assert not re.search(r"\b20\d\d-\d\d-\d\d\b|\b\d\d:\d\d\b", page), page
    exported = staff.get("/staff/finance/test-montreal/journal.csv?lang=fr").get_data(True)
    assert re.search(r"^2019-03-18,,.*,2019-03-20T\d\d:\d\d:\d\d-04:00\r?$", exported,
                     re.M)  # a sheet keeps ISO
