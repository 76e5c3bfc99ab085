"""The rules of an e-mail owed: one claim per attempt, backing off, giving up, done once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from cryptography.fernet import InvalidToken

from domain.mail import LEASE, MAX_ATTEMPTS, NOT_READY_WAIT, Mail, mail_id, retry_delay
from registration.mail.outbox import LinkSeal

AT = datetime(2019, 3, 20, 14, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


def test_a_mail_is_keyed_by_what_it_is_about_so_it_is_queued_once() -> None:
    registration_id = uuid4()
    assert Mail.queue("receipt", registration_id, "ch_1").id == mail_id(
        "receipt", registration_id, "ch_1")
    assert mail_id("receipt", registration_id, "ch_1") != mail_id("receipt", registration_id,
                                                                  "ch_2")


def test_an_open_attempt_blocks_another_until_its_lease_runs_out() -> None:
    mail = Mail.queue("confirmation", uuid4(), sealed_link="x")
    assert mail.start_attempt(AT)
    assert not mail.start_attempt(AT + LEASE - timedelta(seconds=1))
    assert mail.start_attempt(AT + LEASE)
    assert mail.attempts == 2


def test_failures_back_off_exponentially_up_to_an_hour_then_give_up() -> None:
    assert [retry_delay(n) for n in (1, 2, 3, 7, 8)] == [
        timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4),
        timedelta(hours=1), timedelta(hours=1)]
    mail = Mail.queue("confirmation", uuid4(), sealed_link="x")
    moment = AT
    for _ in range(MAX_ATTEMPTS):
        assert mail.start_attempt(moment)
        mail.record_failure("connection refused", moment)
        assert not mail.is_due(moment)
        moment += timedelta(hours=2)
    assert mail.given_up and not mail.start_attempt(moment)


def test_a_mail_whose_invoice_the_ledger_does_not_show_yet_is_tried_again_in_seconds() -> None:
    mail = Mail.queue("receipt", uuid4(), "pi_1", sealed_link=None)
    moment = AT
    for _ in range(MAX_ATTEMPTS + 2):  # the read models lag: never given up for that
        assert mail.start_attempt(moment)
        mail.record_not_ready("invoice SEUS19-0001 is not in the ledger yet", moment)
        assert not mail.is_due(moment) and mail.is_due(moment + NOT_READY_WAIT)
        moment += NOT_READY_WAIT
    assert not mail.given_up


def test_a_sent_mail_is_never_attempted_again() -> None:
    mail = Mail.queue("confirmation", uuid4(), sealed_link="x")
    mail.start_attempt(AT)
    mail.record_sent("a@example.com", "<id@example.org>")
    assert not mail.start_attempt(AT + timedelta(days=1))


def test_the_sealed_link_opens_only_with_the_same_secret_key() -> None:
    sealed = LinkSeal("one key").seal("the-token")
    assert "the-token" not in sealed
    assert LinkSeal("one key").unseal(sealed) == "the-token"
    with pytest.raises(InvalidToken):
        LinkSeal("another key").unseal(sealed)


def test_every_mail_message_has_a_french_translation() -> None:
    with (ROOT / "translations/fr/LC_MESSAGES/messages.po").open("rb") as po:
        translated = {m.id for m in read_po(po) if m.id and m.string}
    methods = [("templates/mail/**.txt", "jinja2"), ("templates/mail/**.html", "jinja2"),
               ("templates/documents/receipt.html", "jinja2")]
    found = {message for _f, _l, message, _c, _ctx in extract_from_dir(
        str(ROOT), methods, keywords={"_": None})}
    assert found and sorted(found - translated) == []
