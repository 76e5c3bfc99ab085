"""E-mail through a real SMTP server on loopback: confirmations, receipts, retries."""

from __future__ import annotations

import asyncio
import io
import re
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from email.message import EmailMessage
from typing import Any
from uuid import UUID

import icalendar
import pytest
import zxingcpp
from flask.testing import FlaskClient
from PIL import Image

from domain.checkin import grouped, short_code
from domain.invoice_lines import BillTo
from domain.mail import Mail, mail_id
from domain.money import Money
from domain.registration import Registration
from registration.mail import processor
from registration.mail.processor import OUTCOMES_EVERY, MailProcessor
from registration.services.container import Services
from tests.support import editions, invoicing
from tests.support.clock import SettableClock
from tests.support.smtp import Inbox, free_port, mail_settings, smtp_server

BASE_URL = "http://localhost"


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def app_overrides(smtp_port: int) -> dict[str, str]:
    return mail_settings(smtp_port, BASE_URL)


@pytest.fixture
def inbox(smtp_port: int) -> Iterator[Inbox]:
    with smtp_server(smtp_port, Inbox()) as received:
        yield received


def settled(services: Services) -> None:
    """Sending happens off-request: wait until the background sender has caught up."""
    assert services.mail_sender is not None and services.mail_sender.wait_idle()


def register(client: FlaskClient, n: int = 1, **person: Any) -> dict[str, Any]:
    answer = client.post("/api/editions/test-montreal/registrations", json={
        "attendee": editions.attendee(n, **person), "registration_type": "delegate",
        "delegation": "QC"})
    assert answer.status_code == 201, answer.json
    return answer.json


def text_of(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def html_of(message: EmailMessage) -> str:
    body = message.get_body(("html",))
    assert body is not None
    return str(body.get_content())


def manage_link(message: EmailMessage) -> str:
    found = re.search(rf"{re.escape(BASE_URL)}(/r/\S+)", text_of(message))
    assert found, text_of(message)
    return found.group(1)


def test_a_french_registrant_gets_a_french_confirmation_whose_link_opens_the_registration(
        client, services, edition, inbox) -> None:
    created = register(client, language="fr")
    settled(services)

    [message] = inbox.to("person1@example.com")
    assert message["Subject"] == \
        "Votre inscription à la Conférence de l\u2019Alliance (essai) est confirmée"
    assert message["From"] == "Alliance <registration@example.org>"
    text = text_of(message)
    assert "Bonjour François," in text
    assert "Personne déléguée" in text and "Québec" in text
    assert "TPS" in text and "TVQ" in text and "Total" in text
    assert "prix de lancement" in text
    assert "Ouvrir mon inscription" in html_of(message)
    assert "Dates\u00a0: du 2 au 4 juin 2019" in text and "Palais des congrès" in text
    [ics] = [part for part in message.iter_attachments()
             if part.get_content_type() == "text/calendar"]
    assert ics.get_filename() == "event.ics"
    event = ics.get_content()
    assert "DTSTART;VALUE=DATE:20190602" in event and "DTEND;VALUE=DATE:20190605" in event
    assert "SUMMARY:Conférence de l\u2019Alliance (essai)" in event
    link = manage_link(message)
    assert link == f"/r/{created['id']}?token={created['manage_token']}"
    assert client.get(link, follow_redirects=True).status_code == 200


def test_each_attendee_s_calendar_event_has_its_own_uid_a_calendar_reads_back(
        client, services, edition, inbox) -> None:
    """A calendar keeps one event per UID: each attendee's file adds the edition once, and
    the UID (longer than a line of an .ics) is folded so that it reads back whole."""
    created = [register(client, n) for n in (1, 2)]
    settled(services)

    uids = []
    for n in (1, 2):
        [message] = inbox.to(f"person{n}@example.com")
        [ics] = [part for part in message.iter_attachments()
                 if part.get_content_type() == "text/calendar"]
        [event] = icalendar.Calendar.from_ical(ics.get_content()).walk("VEVENT")
        uids.append(str(event["UID"]))
    assert uids == [f"test-montreal-{c['id']}@conference-registration" for c in created]


def test_an_english_registrant_gets_the_confirmation_in_english(
        client, services, edition, inbox) -> None:
    register(client, language="en", first_name="Mary")
    settled(services)

    [message] = inbox.messages
    assert message["Subject"] == "You are registered for Alliance Conference (test)"
    # dated when it was written (RFC 5322 requires it; some servers refuse a mail without)
    assert abs(message["Date"].datetime - datetime.now(UTC)) < timedelta(minutes=5)
    text = text_of(message)
    assert "Hello Mary," in text and "Delegate" in text and "Quebec" in text
    assert "early-bird price" in text
    assert client.get(manage_link(message), follow_redirects=True).status_code == 200


def test_the_confirmation_shows_the_e_ticket_qr_code_a_scanner_reads_and_its_short_code(
        client, services, edition, inbox) -> None:
    created = register(client, language="fr")
    settled(services)

    [message] = inbox.messages
    [image] = [part for part in message.walk() if part.get_content_type() == "image/png"]
    cid = str(image["Content-ID"]).strip("<>")
    assert f'src="cid:{cid}"' in html_of(message)
    assert image.get_content_disposition() == "inline"  # shown in the body, not only attached
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.get_content())),
                                   formats=zxingcpp.BarcodeFormat.QRCode)
    secret = services.registrations.get(created_id(created)).checkin_secret
    assert [code.text for code in found] == [secret]
    code = grouped(short_code(secret))
    assert f"Code\u00a0: {code}" in text_of(message) and code in html_of(message)
    assert "Billet électronique" in html_of(message)


def test_a_registration_succeeds_with_the_smtp_server_down_and_its_mail_goes_out_later(
        client, edition, services, smtp_port, clock: SettableClock) -> None:
    created = register(client, language="en")
    settled(services)
    mail = services.app.find(mail_id("confirmation", created_id(created)), Mail)
    assert mail is not None and mail.attempts == 1 and not mail.sent
    assert [row["kind"] for row in services.mail.pending()] == ["confirmation"]

    with smtp_server(smtp_port, Inbox()) as inbox:
        assert services.mail.drain() == 0  # not due yet: the retry waits a minute
        clock.set(clock() + timedelta(minutes=2))
        assert services.mail.drain() == 1
        assert services.mail.drain() == 0
    [message] = inbox.messages
    assert client.get(manage_link(message), follow_redirects=True).status_code == 200
    assert services.mail.pending() == []


def test_two_processors_racing_send_each_mail_once(
        client, edition, services, smtp_port, clock: SettableClock) -> None:
    for n in range(1, 4):
        register(client, n)  # the server is down: each confirmation waits for a retry
    settled(services)
    other = MailProcessor(services.app, services.read_models.store, services.mail.composer,
                          services.mail.transport, clock)
    start = threading.Barrier(2)

    def drain(processor: MailProcessor) -> None:
        start.wait()
        processor.drain()

    with smtp_server(smtp_port, Inbox()) as inbox:
        clock.set(clock() + timedelta(minutes=2))
        racers = [threading.Thread(target=drain, args=(p,)) for p in (services.mail, other)]
        for racer in racers:
            racer.start()
        for racer in racers:
            racer.join()
        services.mail.drain()
        other.drain()
    assert sorted(m["To"] for m in inbox.messages) == [
        f"person{n}@example.com" for n in range(1, 4)]


def test_a_queue_longer_than_a_batch_goes_out_in_one_drain_each_mail_once(
        client, edition, services, smtp_port, clock: SettableClock, monkeypatch) -> None:
    """Batch after batch in one drain, not one batch a poll (a second apart: 3,000
    registrations waited half a minute for their last mail); within a batch, outcomes are
    saved every OUTCOMES_EVERY mails, and once more at its end."""
    monkeypatch.setattr(processor, "BATCH", OUTCOMES_EVERY + 10)
    count = 2 * OUTCOMES_EVERY + 5  # two batches: 20 + 10, then 5
    for n in range(1, count + 1):
        register(client, n)  # the server is down: each confirmation waits for a retry
    settled(services)
    with smtp_server(smtp_port, Inbox()) as inbox:
        clock.set(clock() + timedelta(minutes=2))
        assert services.mail.drain() == count
        assert services.mail.drain() == 0
    assert sorted(m["To"] for m in inbox.messages) == sorted(
        f"person{n}@example.com" for n in range(1, count + 1))
    assert services.mail.pending() == []


def test_a_payment_sends_a_receipt_with_the_pdf_attached(
        client, edition, services: Services, inbox) -> None:
    created = register(client, language="fr")

    def decision() -> tuple[list[Registration], None]:
        registration = services.registrations.get(created_id(created))
        registration.record_payment(Money(Decimal("100.00"), "CAD"), "cheque", "CHQ-77")
        return [registration], None

    services.app.decide(decision)
    settled(services)
    _confirmation, receipt = inbox.messages
    assert receipt["Subject"] == "Votre reçu pour la Conférence de l\u2019Alliance (essai)"
    assert "100,00" in text_of(receipt) and "CHQ-77" in text_of(receipt)
    [attachment] = receipt.iter_attachments()
    assert attachment.get_filename() == "receipt-CHQ-77.pdf"
    assert attachment.get_content().startswith(b"%PDF")


def test_an_invoice_issued_to_the_attendee_is_mailed_with_its_pdf(
        client, services: Services, inbox) -> None:
    services.editions.load(invoicing.quebec())
    created = register(client, language="fr")

    services.invoices.issue_for_holder(created_id(created), None)
    settled(services)
    _confirmation, invoice = inbox.messages
    assert invoice["To"] == "person1@example.com"
    assert invoice["Subject"] == "Facture SEUS19-0001 — Conférence de l\u2019Alliance (essai)"
    [attachment] = invoice.iter_attachments()
    assert attachment.get_filename() == "SEUS19-0001.pdf"
    assert attachment.get_content().startswith(b"%PDF")


def test_an_invoice_asked_for_another_bill_to_is_mailed_to_its_contact_in_its_language(
        client, services: Services, inbox) -> None:
    services.editions.load(invoicing.quebec())
    created = register(client, language="fr")
    bill_to = BillTo(name="Georgia Department of Economic Development", contact="Pat Miller",
                     address=("75 5th St NW #1200", "Atlanta, GA 30308"),
                     email="ap@georgia.example", language="en")
    services.invoices.issue_for_holder(created_id(created), bill_to, "PO-GA-19-311")
    settled(services)
    _confirmation, invoice = inbox.messages
    assert invoice["To"] == "ap@georgia.example"
    assert invoice["Subject"].startswith("Invoice SEUS19-0001")


def test_a_card_payment_s_receipt_carries_the_invoice_issued_on_it_and_links_the_page(
        client, services: Services, inbox) -> None:
    """The card payment as its webhook records it (the payment, and the edition's invoice
    on payment, in one decision): one e-mail, the receipt, with the invoice attached."""
    services.editions.load(invoicing.quebec())
    created = register(client, language="fr")

    def decision() -> tuple[list[Any], None]:
        registration = services.registrations.get(created_id(created))
        registration.record_payment(Money(Decimal("454.15"), "CAD"), "card", "pi_test_77")
        share = {registration.id: registration.paid}
        return services.invoices.on_card_payment([registration], "pi_test_77", None, share), None

    services.app.decide(decision)
    settled(services)
    _confirmation, receipt = inbox.messages  # no separate invoice e-mail
    assert receipt["Subject"] == "Votre reçu pour la Conférence de l\u2019Alliance (essai)"
    text = text_of(receipt)
    assert "Votre facture SEUS19-0001, émise payée, est jointe" in text
    assert "pièce justificative aux fins des taxes" in text
    page = client.get(manage_link(receipt), follow_redirects=True)
    assert "Facture SEUS19-0001 (PDF)" in page.get_data(as_text=True)
    pdf = client.get(f"/r/{created['id']}/invoices/SEUS19-0001.pdf")
    assert (pdf.status_code, pdf.mimetype) == (200, "application/pdf")
    assert "Référence\u00a0: pi_test_77" in html_of(receipt)
    [attachment] = receipt.iter_attachments()
    assert attachment.get_filename() == "SEUS19-0001.pdf"
    assert attachment.get_content().startswith(b"%PDF")


def created_id(created: dict[str, Any]) -> UUID:
    return UUID(created["id"])


class HeldInbox(Inbox):
    """An SMTP server that accepts nothing until the test lets it."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.get_running_loop().run_in_executor(None, self.gate.wait, 30)
        return await super().handle_DATA(server, session, envelope)


def test_a_registration_never_waits_for_the_smtp_server(
        client, edition, services: Services, smtp_port) -> None:
    with smtp_server(smtp_port, HeldInbox()) as inbox:
        assert isinstance(inbox, HeldInbox)
        register(client, language="en")  # answered 201 while the server still holds the mail
        assert inbox.messages == []
        inbox.gate.set()
        settled(services)
        assert [m["To"] for m in inbox.messages] == ["person1@example.com"]


def test_the_confirmation_gives_the_organisers_contact_when_the_edition_has_one(
        client, services, inbox) -> None:
    services.editions.load({**editions.edition(), "contact": {
        "email": "info@example.org", "phone": "+1 514 555 0100"}})
    register(client, language="en", first_name="Mary")
    settled(services)

    [message] = inbox.messages
    text = text_of(message)
    assert "Dates: June 2\u20134, 2019" in text and "Venue: Palais des congrès" in text
    assert "Contact the organisers: info@example.org · +1 514 555 0100" in text
    [ics] = [part for part in message.iter_attachments()
             if part.get_content_type() == "text/calendar"]
    assert "ORGANIZER;CN=" in ics.get_content() and "mailto:info@example.org" in ics.get_content()


def calendar_of(message: EmailMessage) -> str:
    [ics] = [part for part in message.iter_attachments()
             if part.get_content_type() == "text/calendar"]
    return " ".join(str(ics.get_content()).replace("\r\n ", "").splitlines())


def test_each_calendar_file_holds_its_own_event_and_shows_a_change_to_the_edition(
        client, services, edition, inbox) -> None:
    first = register(client, 1, language="fr")
    second = register(client, 2, language="fr")
    settled(services)  # (a mail tells the edition as it is when it is sent)
    services.editions.load({**editions.edition(), "contact": {"email": "info@example.org"}})
    third = register(client, 3, language="fr")
    settled(services)

    calendars = [calendar_of(inbox.to(f"person{n}@example.com")[0]) for n in (1, 2, 3)]
    for calendar, created in zip(calendars, (first, second, third), strict=True):
        assert f"UID:test-montreal-{created['id']}@conference-registration" in calendar
        assert "SUMMARY:Conférence de l\u2019Alliance (essai)" in calendar
    assert "mailto:info@example.org" not in calendars[0] + calendars[1]
    assert "mailto:info@example.org" in calendars[2]


def test_a_delegation_lead_is_e_mailed_the_link_to_their_own_page_in_their_language(
        client, services, edition, inbox) -> None:
    member = UUID(register(client).get("id"))
    lead = services.leads.record("test-montreal", "QC", "Aminata Diallo", "aminata@example.com",
                                 "fr", [member])
    settled(services)

    [message] = inbox.to("aminata@example.com")
    assert message["Subject"] == \
        "La page de votre délégation à la Conférence de l\u2019Alliance (essai)"
    assert "Bonjour Aminata Diallo," in text_of(message)
    assert "de la délégation Québec à la Conférence" in " ".join(text_of(message).split())
    found = re.search(rf"{re.escape(BASE_URL)}(/g/\S+)", text_of(message))
    assert found and found.group(1).startswith(f"/g/{lead.id}?token=")
    opened = client.get(found.group(1))
    assert opened.status_code == 303 and opened.headers["Location"] == f"/g/{lead.id}"


def test_a_cheque_for_an_invoice_without_a_billing_e_mail_gives_one_receipt_in_its_language(
        client, services: Services, inbox) -> None:
    """The bill-to gave no e-mail: the one receipt goes to whoever holds the invoice's first
    place, still naming the bill-to as payer, in the bill-to's language."""
    services.editions.load(invoicing.quebec())
    places = [created_id(register(client, n, language="fr")) for n in (1, 2)]
    bill_to = BillTo(name="Georgia Department of Economic Development", language="en")
    number = services.invoices.issue("test-montreal", places, bill_to).number
    services.invoices.record_payment(number, Money(Decimal("500.00"), "CAD"), "cheque",
                                     "CHQ-1001", date(2019, 3, 18))
    settled(services)

    [receipt] = [m for m in inbox.messages if "receipt" in m["Subject"].lower()
                 or "reçu" in m["Subject"].lower()]
    assert receipt["To"] == "person1@example.com"
    assert receipt["Subject"] == ("Receipt for your payment of invoice SEUS19-0001 — "
                                  "Alliance Conference (test)")
    text = text_of(receipt)
    for expected in ("Hello Georgia Department of Economic Development,",
                     "Paid by: Georgia Department of Economic Development",
                     "Received on: March 18, 2019", "Method: Cheque", "Reference: CHQ-1001",
                     "Still due: $408.30"):
        assert expected in text, expected
