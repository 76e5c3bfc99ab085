"""E-mail for every change a person should know about, through a real SMTP server on
loopback: each goes to whoever held the place when it happened, in their language, with the
facts as they were recorded — a receipt queued before a substitution still goes to the payer."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from flask.testing import FlaskClient

from domain.actor import Actor, acting_as
from domain.attendee import Attendee
from registration.services.container import Services
from tests.integration import test_mail
from tests.integration.test_mail import created_id, html_of, register, settled, text_of
from tests.support import editions, invoicing
from tests.support.clock import SettableClock
from tests.support.smtp import Inbox, smtp_server

# The SMTP server on loopback and the settings that send to it.
smtp_port, app_overrides, inbox = test_mail.smtp_port, test_mail.app_overrides, test_mail.inbox
FINANCE = Actor.staff("finance-1", "Jeanne Tremblay", "finance")


def pay_at_desk(services: Services, created: dict[str, Any], amount: str) -> None:
    with acting_as(Actor.staff("desk-1", "Desk", "desk")):
        services.desk_payments.take_payment(created_id(created), Decimal(amount), "cash", None)


def test_a_receipt_queued_before_a_substitution_still_goes_to_the_payer(
        client: FlaskClient, edition: dict[str, Any], services: Services, smtp_port: int,
        clock: SettableClock) -> None:
    created = register(client, language="fr")  # the SMTP server is down: all mail waits
    pay_at_desk(services, created, "100.00")
    colleague = Attendee(**editions.attendee(2, first_name="Zoé", language="en"))
    services.registrations.substitute(created_id(created), colleague)
    settled(services)

    with smtp_server(smtp_port, Inbox()) as inbox:
        clock.set(clock() + timedelta(hours=1))
        services.mail.drain()
    [receipt] = [m for m in inbox.messages if "reçu" in m["Subject"]]
    assert receipt["To"] == "person1@example.com"
    assert "Bonjour François," in text_of(receipt) and "Zoé" not in text_of(receipt)


def test_both_people_hear_of_a_substitution_and_the_new_one_gets_their_own_link(
        client: FlaskClient, edition: dict[str, Any], services: Services, inbox: Inbox) -> None:
    created = register(client, language="fr")
    colleague = Attendee(**editions.attendee(2, first_name="Mary", language="en"))
    with acting_as(FINANCE):
        services.registrations.substitute(created_id(created), colleague, "Asked by phone")
    settled(services)

    [notice] = [m for m in inbox.to("person1@example.com") if "cédée" in m["Subject"]]
    assert "Mary" in text_of(notice) and "/r/" not in text_of(notice)
    [link] = inbox.to(colleague.email)
    assert link["Subject"] == "Your personal link for Alliance Conference (test)"
    text = text_of(link)
    assert "François Tremblay1 handed their place at Alliance Conference (test) to you." in text
    assert "If you did not ask" not in text
    opened = client.get(text[text.index("http://localhost") + len("http://localhost"):]
                        .split()[0], follow_redirects=True)
    assert opened.status_code == 200 and "Mary" in opened.get_data(as_text=True)


def test_a_cancellation_says_what_is_owed_back_and_the_refund_says_it_was_sent(
        client: FlaskClient, edition: dict[str, Any], services: Services, inbox: Inbox) -> None:
    created = register(client, language="fr")
    pay_at_desk(services, created, "200.00")
    with acting_as(FINANCE):
        services.cancellations.cancel(created_id(created), "Vol annulé", waive_fee=True)
        services.staff_actions.refund_by_hand(created_id(created), Decimal("200.00"),
                                              "cheque", "CHQ-501", "Remboursement intégral")
    settled(services)

    [cancelled] = [m for m in inbox.messages if "annulée" in m["Subject"]]
    assert cancelled["Subject"] == \
        "Votre inscription à la Conférence de l\u2019Alliance (essai) est annulée"
    assert "Remboursement qui vous est dû\u00a0: 200,00\u00a0$" in text_of(cancelled)
    [refunded] = [m for m in inbox.messages if "remboursement" in m["Subject"]]
    assert "Nous vous avons remboursé 200,00\u00a0$ par chèque." in text_of(refunded)
    assert "CHQ-501" in text_of(refunded) and "Vol annulé" not in text_of(refunded)


def test_a_change_of_type_tells_the_new_total_and_what_is_owed_back(
        client: FlaskClient, edition: dict[str, Any], services: Services, inbox: Inbox) -> None:
    created = register(client, language="en", first_name="Mary")
    pay_at_desk(services, created, "100.00")
    with acting_as(FINANCE):
        services.staff_actions.change_place(created_id(created), "speaker", "ON",
                                            "Invited to speak")
    settled(services)

    [moved] = [m for m in inbox.messages if "changed" in m["Subject"]]
    text = text_of(moved)
    assert "Registration type: Speaker" in text and "Delegation: Ontario" in text
    assert "New total: $0.00. Owed back to you: $100.00." in text
    assert "Invited to speak" not in text and "Ontario" in html_of(moved)


def test_a_credit_note_is_mailed_to_whoever_the_invoice_billed(
        client: FlaskClient, services: Services, inbox: Inbox) -> None:
    services.editions.load(invoicing.quebec())
    created = register(client, language="fr")
    invoice = services.invoices.issue_for_holder(created_id(created), None)
    with acting_as(FINANCE):
        note = services.invoices.cancel(invoice.number, "Erreur de facturation")
    settled(services)

    [mailed] = [m for m in inbox.messages if m["Subject"].startswith("Note de crédit")]
    assert mailed["To"] == "person1@example.com"
    assert f"la note de crédit {note.number}, qui annule la facture {invoice.number}" \
        in text_of(mailed)
    [attachment] = mailed.iter_attachments()
    assert attachment.get_filename() == f"{note.number}.pdf"


def test_a_credit_note_for_a_cheaper_place_says_it_credits_part_of_the_invoice(
        client: FlaskClient, services: Services, inbox: Inbox) -> None:
    document = invoicing.quebec()
    document["registration_types"].append({
        "code": "student", "names": {"en": "Student", "fr": "Personne étudiante"},
        "tiers": [{"name": "regular", "price": "50.00"}]})
    services.editions.load(document)
    created = register(client, language="fr")
    invoice = services.invoices.issue_for_holder(created_id(created), None)
    with acting_as(FINANCE):
        services.staff_actions.change_place(created_id(created), "student", None,
                                            "Inscrite aux études")
    settled(services)

    [mailed] = [m for m in inbox.messages if m["Subject"].startswith("Note de crédit")]
    assert f"qui crédite une partie de la facture {invoice.number} pour" in text_of(mailed)
    assert "qui annule" not in text_of(mailed)


def test_an_overdue_invoice_is_reminded_once_a_week_in_the_bill_to_language(
        client: FlaskClient, services: Services, inbox: Inbox, clock: SettableClock) -> None:
    services.editions.load(invoicing.quebec())
    created = register(client, language="fr")
    invoice = services.invoices.issue_for_holder(created_id(created), None)
    today = clock().date()
    assert services.reminders.remind_unpaid("test-montreal", today) == []  # not due yet
    late = today + timedelta(days=31)
    with acting_as(Actor.system("tests")):
        assert services.reminders.remind_unpaid("test-montreal", late) == [invoice.number]
        assert services.reminders.remind_unpaid("test-montreal", late) == []
        assert services.reminders.remind_unpaid(
            "test-montreal", late + timedelta(days=7)) == [invoice.number]
    settled(services)

    reminders = [m for m in inbox.messages if m["Subject"].startswith("Rappel")]
    assert len(reminders) == 2 and reminders[0]["To"] == "person1@example.com"
    assert reminders[0]["Subject"] == \
        f"Rappel\u00a0: facture {invoice.number} — Conférence de l\u2019Alliance (essai)"
    assert "il reste 454,15\u00a0$ à payer" in text_of(reminders[0])
    [overdue] = services.reminders.overdue("test-montreal", late)
    assert (overdue.row.number, overdue.days) == (invoice.number, 1)
