"""Finance through HTTP: invoices, PDFs read back, payments, credit notes, the ledger."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from pypdf import PdfReader

from tests.support import editions, invoicing
from tests.support.log import head_at_rest


def pdf_text(data: bytes) -> str:
    """The PDF's text with Babel's (narrow) no-break spaces made plain, runs of space single."""
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"[ \u00a0\u202f]+", " ", text)


def register(client: Any, slug: str, n: int, delegation: str, **person: str) -> dict:
    response = client.post(f"/api/editions/{slug}/registrations", json={
        "attendee": editions.attendee(n, **person), "registration_type": "delegate",
        "delegation": delegation})
    assert response.status_code == 201, response.json
    return response.json


def bill(client: Any, headers: dict, slug: str, ids: list[str], bill_to: dict, **extra: Any):
    return client.post(f"/api/editions/{slug}/invoices", headers=headers,
                       json={"registrations": ids, "bill_to": bill_to, **extra})


@pytest.fixture
def quebec(services) -> str:
    services.editions.load(invoicing.quebec())
    return "test-montreal"


@pytest.fixture
def georgia(services) -> str:
    services.editions.load(invoicing.georgia())
    return "test-atlanta"


def test_a_quebec_delegation_invoice_in_french_reads_back_with_its_taxes_and_totals(
        client, staff_headers, quebec):
    ids = [register(client, quebec, n, "QC")["id"] for n in range(3)]
    response = bill(client, staff_headers["finance"], quebec, ids, invoicing.BILL_TO_FR,
                    po_number="PO-2019-118")
    assert response.status_code == 201 and response.headers["Location"] == (
        "/api/invoices/SEUS19-0001")
    invoice = response.json
    assert (invoice["total"], invoice["balance_due"], invoice["status"]) == (
        "1362.45", "1362.45", "unpaid")
    assert [(t["code"], t["amount"]) for t in invoice["taxes"]] == [
        ("GST", "59.25"), ("QST", "118.20")]
    document = client.get("/api/invoices/SEUS19-0001.pdf", headers=staff_headers["finance"])
    assert document.mimetype == "application/pdf"
    text = pdf_text(document.data)
    for expected in ("FACTURE", "SEUS19-0001", "20 mars 2019", "19 avril 2019", "Net 30 jours",
                     "PO-2019-118", "Ministère de l\u2019Économie du Québec", "Délégation : Québec",
                     "Personne déléguée — François", "Tremblay0",
                     "395,00 $ 19,75 $ 39,40 $ 454,15 $", "Sous-total 1 185,00 $",
                     "TPS (5 %)", "59,25 $", "TVQ (9,975 %)", "118,20 $",
                     "Total (CAD) 1 362,45 $", "Solde dû (CAD) 1 362,45 $",
                     "123456789 RT0001", "1234567890 TQ0001", "Montants en CAD",
                     "Chaque taxe est calculée sur le montant de chaque ligne"):
        assert expected in text, expected
    assert "Invoice" not in text


def test_a_quebec_invoice_billed_in_english_is_french_first_with_english_beside(
        client, staff_headers, quebec):
    registration = register(client, quebec, 1, "GA", language="en")
    bill(client, staff_headers["finance"], quebec, [registration["id"]], invoicing.BILL_TO_EN)
    text = pdf_text(client.get("/api/invoices/SEUS19-0001.pdf",
                               headers=staff_headers["finance"]).data)
    for expected in ("FACTURE", "INVOICE", "FACTURER À / BILL TO", "Solde dû / Balance due",
                     "454,15 $", "TPS / GST (5 %)", "TVQ / QST (9,975 %)", "Georgia Department",
                     "Each tax is calculated on each line's amount",
                     "Net 30 jours / Net 30 days", "Montants en CAD / Amounts in CAD",
                     "Délégation / Delegation : Géorgie / Georgia",
                     "Personne déléguée / Delegate — François Tremblay1",
                     "quoting the invoice number", "Facture / Invoice SEUS19-0001"):
        assert expected in " ".join(text.split()), expected  # a cell may wrap
    assert "Description / Description" not in text  # a word the same in both: written once


def test_a_quebec_credit_note_billed_in_english_gives_its_reason_and_note_in_both(
        client, staff_headers, quebec, clock):
    registration = register(client, quebec, 1, "QC", language="en")
    bill(client, staff_headers["finance"], quebec, [registration["id"]], invoicing.BILL_TO_EN)
    clock.set("2019-05-10T12:00:00-04:00")
    client.post(f"/api/registrations/{registration['id']}/cancellation",
                headers={"Authorization": f"Bearer {registration['manage_token']}"})
    text = pdf_text(client.get("/api/invoices/SEUS19-0002.pdf",
                               headers=staff_headers["finance"]).data)
    for expected in ("NOTE DE CRÉDIT", "CREDIT NOTE", "Délégation / Delegation : Québec / Quebec",
                     "Motif / Reason : Inscription annulée / Registration cancelled",
                     "Annulation / Cancellation : Personne déléguée / Delegate",
                     "Cancellation fee retained (stays billed)",
                     "This credit note reduces the amount billed on invoice SEUS19-0001."):
        assert expected in " ".join(text.split()), expected  # a cell may wrap


def test_a_georgia_invoice_in_english_is_in_dollars_without_tax(client, staff_headers, georgia):
    ids = [register(client, georgia, n, "GA")["id"] for n in range(2)]
    bill(client, staff_headers["finance"], georgia, ids, invoicing.BILL_TO_EN)
    text = pdf_text(client.get("/api/invoices/ATL19-00001.pdf",
                               headers=staff_headers["finance"]).data)
    for expected in ("INVOICE", "ATL19-00001", "March 20, 2019", "April 4, 2019", "Net 15 days",
                     "Subtotal $790.00", "Total (USD) $790.00", "Balance due (USD) $790.00",
                     "Amounts in USD", "Delegate — François Tremblay1"):
        assert expected in text, expected
    assert "GST" not in text and "TPS" not in text


def test_a_georgia_invoice_in_french_formats_us_dollars_the_french_way(
        client, staff_headers, georgia):
    registration = register(client, georgia, 1, "GA")
    bill(client, staff_headers["finance"], georgia, [registration["id"]],
         {**invoicing.BILL_TO_FR, "name": "Délégation du Québec à Atlanta"})
    text = pdf_text(client.get("/api/invoices/ATL19-00001.pdf",
                               headers=staff_headers["finance"]).data)
    for expected in ("FACTURE", "20 mars 2019", "4 avril 2019", "Net 15 jours",
                     "Total (USD) 395,00 $ US", "Montants en USD"):
        assert expected in text, expected


def test_a_credit_note_reads_back_negating_the_cancelled_place_and_keeping_the_fee(
        client, staff_headers, quebec, clock):
    registrations = [register(client, quebec, n, "QC") for n in range(2)]
    bill(client, staff_headers["finance"], quebec, [r["id"] for r in registrations],
         invoicing.BILL_TO_FR)
    clock.set("2019-05-10T12:00:00-04:00")
    cancelled = registrations[1]
    response = client.post(f"/api/registrations/{cancelled['id']}/cancellation",
                           headers={"Authorization": f"Bearer {cancelled['manage_token']}"})
    assert response.status_code == 200, response.json
    note = client.get("/api/invoices/SEUS19-0002", headers=staff_headers["finance"]).json
    assert (note["kind"], note["refers_to_number"], note["total"]) == (
        "credit_note", "SEUS19-0001", "-177.08")
    text = pdf_text(client.get("/api/invoices/SEUS19-0002.pdf",
                               headers=staff_headers["finance"]).data)
    for expected in ("NOTE DE CRÉDIT", "SEUS19-0002", "Se rapporte à la facture SEUS19-0001",
                     "Annulation : Personne déléguée —", "François Tremblay1", "277,07 $",
                     "-154,02 $ -7,70 $ -15,36 $ -177,08 $",
                     "Total crédité (CAD) -177,08 $", "Inscription annulée"):
        assert expected in text, expected
    original = client.get("/api/invoices/SEUS19-0001", headers=staff_headers["finance"]).json
    assert (original["credit_notes"], original["balance_due"]) == (["SEUS19-0002"], "731.22")


def test_bad_requests_are_clear_and_issue_nothing(client, staff_headers, services, quebec):
    billed = register(client, quebec, 1, "QC")
    cancelled = register(client, quebec, 2, "QC")
    fresh = register(client, quebec, 3, "QC")
    finance = staff_headers["finance"]
    assert bill(client, finance, quebec, [billed["id"]], invoicing.BILL_TO_FR).status_code == 201
    client.post(f"/api/registrations/{cancelled['id']}/cancellation", headers=finance)
    before = head_at_rest(services)
    nameless = {**invoicing.BILL_TO_FR, "name": ""}
    cases = [
        (bill(client, finance, quebec, [fresh["id"]], nameless), 422, "bill_to"),
        (bill(client, finance, quebec, [fresh["id"]], {"contact": "x"}), 422, "bill_to"),
        (bill(client, finance, quebec, [billed["id"]], invoicing.BILL_TO_FR), 409,
         "already_invoiced"),
        (bill(client, finance, quebec, [cancelled["id"]], invoicing.BILL_TO_FR), 409,
         "already_cancelled"),
        (bill(client, finance, quebec, ["7d444840-9dc0-11d1-b245-5ffdce74fad2"],
              invoicing.BILL_TO_FR), 422, "unknown_registration"),
        (bill(client, finance, quebec, [], invoicing.BILL_TO_FR), 422, "registrations"),
        (bill(client, staff_headers["desk"], quebec, [fresh["id"]], invoicing.BILL_TO_FR), 403,
         None),
        (bill(client, {}, quebec, [fresh["id"]], invoicing.BILL_TO_FR), 401, None),
    ]
    for response, status, detail in cases:
        assert response.status_code == status, response.json
        assert response.json["error"]
        if detail:
            assert detail in str(response.json["details"])
    assert services.app.recorder.max_notification_id() == before
    assert bill(client, finance, quebec, [fresh["id"]], invoicing.BILL_TO_FR).json[
        "number"] == "SEUS19-0002"


def test_an_attendee_asks_for_an_invoice_and_reads_only_their_own(client, quebec):
    mine = register(client, quebec, 1, "QC", organisation="Hydro-Québec")
    theirs = register(client, quebec, 2, "QC")
    token = {"Authorization": f"Bearer {mine['manage_token']}"}
    response = client.post(f"/api/registrations/{mine['id']}/invoice", headers=token,
                           json={"po_number": "HQ-4410"})
    assert response.status_code == 201, response.json
    assert response.json["bill_to"]["name"] == "Hydro-Québec"
    assert response.json["languages"] == ["fr"]
    assert client.get("/api/invoices/SEUS19-0001.pdf", headers=token).status_code == 200
    assert client.get(f"/api/registrations/{mine['id']}", headers=token).json[
        "status"] == "invoiced"
    other = {"Authorization": f"Bearer {theirs['manage_token']}"}
    assert client.get("/api/invoices/SEUS19-0001", headers=other).status_code == 403
    assert client.post(f"/api/registrations/{mine['id']}/invoice",
                       headers=other).status_code == 403
    assert client.post(f"/api/registrations/{mine['id']}/invoice",
                       headers=token).status_code == 409
    assert client.get("/api/invoices/SEUS19-0009").status_code == 404


def test_an_edition_can_decline_invoices_on_request_and_nothing_is_issued(client, services):
    document = invoicing.quebec()
    document["invoicing"]["attendee_requests"] = False
    services.editions.load(document)
    mine = register(client, "test-montreal", 1, "QC")
    before = head_at_rest(services)
    response = client.post(f"/api/registrations/{mine['id']}/invoice",
                           headers={"Authorization": f"Bearer {mine['manage_token']}"})
    assert response.status_code == 409
    assert response.json["details"]["code"] == "invoices_not_offered"
    assert services.app.recorder.max_notification_id() == before
    page = client.get(f"/r/{mine['id']}?token={mine['manage_token']}&lang=en",
                      follow_redirects=True)
    assert page.status_code == 200 and "Send me an invoice" not in page.get_data(as_text=True)


def test_finance_records_payments_cancels_and_exports_the_ledger(client, staff_headers, quebec):
    finance = staff_headers["finance"]
    ids = [register(client, quebec, n, "QC")["id"] for n in range(2)]
    bill(client, finance, quebec, ids[:1], invoicing.BILL_TO_FR)
    bill(client, finance, quebec, ids[1:], invoicing.BILL_TO_FR)
    payment = {"amount": "454.15", "method": "bank_transfer", "reference": "WIRE-1",
               "received_on": "2019-03-18"}
    paid = client.post("/api/invoices/SEUS19-0001/payments", headers=finance, json=payment)
    assert paid.status_code == 200 and paid.json["status"] == "paid"
    again = client.post("/api/invoices/SEUS19-0001/payments", headers=finance, json=payment)
    assert again.status_code == 409 and again.json["details"]["code"] == "reference_used"
    assert "WIRE-1" in again.json["error"]
    assert client.post("/api/invoices/SEUS19-0001/payments", headers=finance,
                       json={**payment, "method": "cash"}).status_code == 422
    cancelled = client.post("/api/invoices/SEUS19-0002/cancellation", headers=finance,
                            json={"reason": "duplicate"})
    assert cancelled.status_code == 201 and cancelled.json["number"] == "SEUS19-0003"
    assert client.post("/api/invoices/SEUS19-0002/cancellation",
                       headers=finance).status_code == 409
    listing = client.get(f"/api/editions/{quebec}/invoices?unpaid=true", headers=finance)
    assert listing.json["invoices"] == []
    listing = client.get(f"/api/editions/{quebec}/invoices?status=cancelled", headers=finance)
    assert [i["number"] for i in listing.json["invoices"]] == ["SEUS19-0002"]
    assert client.get(f"/api/editions/{quebec}/invoices?status=lost",
                      headers=finance).status_code == 422
    export = client.get(f"/api/editions/{quebec}/invoices.csv", headers=finance)
    rows = list(csv.DictReader(io.StringIO(export.data.decode("utf-8-sig"))))
    assert [(r["number"], r["type"], r["GST 5%"], r["QST 9.975%"], r["total"], r["status"])
            for r in rows] == [
        ("SEUS19-0001", "invoice", "19.75", "39.40", "454.15", "paid"),
        ("SEUS19-0002", "invoice", "19.75", "39.40", "454.15", "cancelled"),
        ("SEUS19-0003", "credit_note", "-19.75", "-39.40", "-454.15", "credit_note")]
    assert client.get(f"/api/editions/{quebec}/invoices.csv",
                      headers=staff_headers["desk"]).status_code == 403


def test_an_invoice_payable_by_transfer_gives_the_edition_s_bank_details(
        client, staff_headers, services):
    quebec = invoicing.quebec()
    quebec["invoicing"]["bank"] = invoicing.BANK_CA
    services.editions.load(quebec)
    georgia = invoicing.georgia()
    georgia["invoicing"]["bank"] = invoicing.BANK_US
    services.editions.load(georgia)
    bill(client, staff_headers["finance"], quebec["slug"],
         [register(client, quebec["slug"], 1, "QC")["id"]], invoicing.BILL_TO_FR)
    text = pdf_text(client.get("/api/invoices/SEUS19-0001.pdf",
                               headers=staff_headers["finance"]).data)
    assert ("Coordonnées bancaires — Institution financière : Caisse d\u2019exemple · Titulaire du "
            "compte : Alliance · Institution : 999 · Transit : 00011 · Compte : 0001234567"
            ) in text.replace("\n", " ")
    bill(client, staff_headers["finance"], georgia["slug"],
         [register(client, georgia["slug"], 2, "GA")["id"]], invoicing.BILL_TO_EN)
    text = pdf_text(client.get("/api/invoices/ATL19-00001.pdf",
                               headers=staff_headers["finance"]).data)
    assert ("Bank details — Bank: Example Bank · Account holder: Alliance · ABA routing: "
            "123456780 · SWIFT/BIC: EXAMUS33XXX · Account: 000123456789"
            ) in text.replace("\n", " ")
