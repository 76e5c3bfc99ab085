"""Issue 13 item 5: an attendee asking for an invoice gives who is billed — organisation,
address, the contact's e-mail, a purchase order — and finds them on the invoice."""

from __future__ import annotations

import html
import io
import re
from uuid import UUID

from flask.testing import FlaskClient
from pypdf import PdfReader

from registration.services.container import Services
from tests.e2e.test_attendee_refusals import registered
from tests.e2e.test_pages import csrf
from tests.support import invoicing

BILLING = {"name": "Ministère de l\u2019Économie du Québec", "contact": "Louise Gagnon",
           "address": "710, place D\u2019Youville\r\nQuébec (Québec) G1R 4Y4",
           "email": "comptes@economie.gouv.example", "po_number": "BC-2019-0042",
           "tax_id": "", "language": "fr"}


def pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"[ \u00a0\u202f]+", " ", text)


def test_the_invoice_request_asks_who_is_billed_and_prints_it_on_the_invoice(
        client: FlaskClient, services: Services) -> None:
    services.editions.load(invoicing.quebec())
    registration_id = registered(client)
    manage = client.get(f"/r/{registration_id}?lang=fr").get_data(True)
    assert f'href="/r/{registration_id}/invoice"' in manage
    url = f"/r/{registration_id}/invoice?lang=fr"
    page = client.get(url).get_data(True)
    assert "Demander une facture" in page and 'value="Hydro-Québec"' in page
    token = csrf(client, url)
    response = client.post(url, data={**BILLING, "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("done=invoiced")
    number = services.registrations.get(UUID(registration_id)).invoice_number
    view = client.get(f"/r/{registration_id}/invoices/{number}.pdf")
    text = pdf_text(view.data)
    for expected in ("Ministère de l\u2019Économie du Québec", "Louise Gagnon",
                     "710, place D\u2019Youville",
                     "Québec (Québec) G1R 4Y4", "comptes@economie.gouv.example",
                     "Bon de commande BC-2019-0042"):
        assert expected in text, expected


def test_a_request_without_address_or_e_mail_is_refused_beside_them_and_nothing_is_issued(
        client: FlaskClient, services: Services) -> None:
    services.editions.load(invoicing.quebec())
    registration_id = registered(client)
    url = f"/r/{registration_id}/invoice?lang=fr"
    token = csrf(client, url)
    response = client.post(url, data={**BILLING, "address": " ", "email": "",
                                      "csrf_token": token})
    assert response.status_code == 422
    page = html.unescape(response.get_data(True))
    assert 'id="address-error">Indiquez l\u2019adresse à imprimer sur la facture.' in page
    assert 'id="email-error">Indiquez le courriel auquel envoyer la facture.' in page
    response = client.post(f"/r/{registration_id}/invoice?lang=en", data={
        **BILLING, "email": "not an address", "csrf_token": token})
    assert response.status_code == 422
    assert 'id="email-error">' in response.get_data(True)
    assert services.registrations.get(UUID(registration_id)).invoice_number is None
