"""The mail processor: follows the event log, queues what is owed, sends what is due.

Following works like the read models' (`registration.following`): a page of events at a
time, the page's effects on the `mail_queue` table and the tracking position written in
one transaction. Mails owed by followed events are saved to the event store first, under
ids derived from what they are about, so doing it twice queues nothing twice.

Sending claims each due mail with an `Attempted` event saved against the mail's version:
of two processors racing, one sends and the other's save is refused. A failed send is
recorded as `Failed` with the time to retry; nothing here ever raises into the command
that triggered it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, suppress
from datetime import UTC, datetime
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic

from domain.actor import Actor, acting_as
from domain.mail import Mail
from registration.adapters.mime import OutgoingMail
from registration.application import Conference
from registration.following import LogFollower
from registration.mail.messages import MailComposer, NotReadyYet
from registration.mail.outbox import TRIGGERS, owed_for
from registration.projections.store import Cursor, ReadModelStore

log = logging.getLogger(__name__)

PAGE_SIZE = 200
TRACKING_NAME = "Conference.mail"
QUEUE_TABLE = """CREATE TABLE IF NOT EXISTS mail_queue (
    mail_id TEXT PRIMARY KEY, kind TEXT NOT NULL, due_at TEXT NOT NULL)"""
MAIL_EVENTS = (Mail.Queued, Mail.Attempted, Mail.Failed, Mail.Sent)
MAILER = Actor.system("mailer")


class Transport(Protocol):
    def session(self) -> AbstractContextManager[None]: ...

    def send(self, message: OutgoingMail) -> None: ...


def stamp(moment: datetime) -> str:
    """UTC ISO text: compares in time order as a string, on SQLite and PostgreSQL alike."""
    return moment.astimezone(UTC).isoformat()


class MailProcessor:
    def __init__(self, app: Conference, store: ReadModelStore, composer: MailComposer,
                 transport: Transport | None, clock: Callable[[], datetime]) -> None:
        self.app, self.store, self.composer = app, store, composer
        self.transport = transport  # None: SMTP_URL unset, mail stays queued
        self.clock = clock
        with store.transaction() as cursor:
            store.execute(cursor, QUEUE_TABLE, {})
        self.follower = LogFollower(
            TRACKING_NAME, app, store, [get_topic(cls) for cls in (*MAIL_EVENTS, *TRIGGERS)],
            self._project, PAGE_SIZE, before_page=self._queue_owed)
        self._lock = threading.Lock()
        self._busy = threading.local()

    @property
    def position(self) -> int:
        return self.follower.position

    def drain(self) -> int:
        """Follow the log and send what is due; returns how many mails went out.

        Re-entrant calls (our own saves notify listeners too) return at once.
        """
        if getattr(self._busy, "active", False):
            return 0
        self._busy.active = True
        try:
            with self._lock:
                self.follow()
                sent = self.send_due()
                self.follow()
                return sent
        finally:
            self._busy.active = False

    def drain_quietly(self) -> None:
        """For listeners on commands: a mail problem is logged, never raised."""
        try:
            self.drain()
        except Exception:  # the command succeeded; the mail is retried later
            log.exception("mail processing failed; it will be retried")

    def follow(self) -> None:
        self.follower.follow()

    def _queue_owed(self, events: Sequence[Any]) -> None:
        with acting_as(MAILER):
            self._queue(events)

    def _queue(self, events: Sequence[Any]) -> None:
        for domain_event in events:
            mail = owed_for(domain_event)
            if mail is None or self.app.find(mail.id, Mail) is not None:
                continue
            with suppress(IntegrityError):  # queued meanwhile by another processor
                self.app.save(mail)

    def _project(self, cursor: Cursor, events: Sequence[Any]) -> None:
        for domain_event in events:
            mail_id = str(domain_event.originator_id)
            if isinstance(domain_event, Mail.Queued):
                self._due(cursor, mail_id, domain_event.kind, domain_event.timestamp)
            elif isinstance(domain_event, Mail.Attempted):
                self._due(cursor, mail_id, "", domain_event.lease_until)
            elif isinstance(domain_event, Mail.Failed) and domain_event.retry_at:
                self._due(cursor, mail_id, "", domain_event.retry_at)
            elif isinstance(domain_event, Mail.Failed | Mail.Sent):
                self.store.execute(cursor, "DELETE FROM mail_queue WHERE mail_id = :id",
                                   {"id": mail_id})

    def _due(self, cursor: Cursor, mail_id: str, kind: str, at: datetime) -> None:
        self.store.execute(cursor, (
            "INSERT INTO mail_queue (mail_id, kind, due_at) VALUES (:id, :kind, :due) "
            "ON CONFLICT (mail_id) DO UPDATE SET due_at = excluded.due_at"),
            {"id": mail_id, "kind": kind, "due": stamp(at)})

    def pending(self) -> list[dict[str, Any]]:
        return self.store.query("SELECT * FROM mail_queue ORDER BY due_at")

    def send_due(self) -> int:
        if self.transport is None:
            return 0
        rows = self.store.query(
            "SELECT mail_id FROM mail_queue WHERE due_at <= :now ORDER BY due_at LIMIT 100",
            {"now": stamp(self.clock())})
        with self.transport.session():  # one SMTP connection for the batch
            return sum(self._send(UUID(row["mail_id"])) for row in rows)

    def _send(self, mail_id: UUID) -> bool:
        with acting_as(MAILER):
            return self._attempt(mail_id)

    def _attempt(self, mail_id: UUID) -> bool:
        assert self.transport is not None
        mail = self.app.find(mail_id, Mail)
        if mail is None or not mail.start_attempt(self.clock()):
            return False
        try:
            self.app.save(mail)
        except IntegrityError:  # another processor claimed this attempt
            return False
        try:
            message = self.composer.compose(mail)
            self.transport.send(message)
        except NotReadyYet as lagging:  # the read models catch up: tried again soon
            mail.record_not_ready(f"{type(lagging).__name__}: {lagging}", self.clock())
            self.app.save(mail)
            return False
        except Exception as error:  # any failure is recorded and retried
            log.warning("mail %s (%s) not sent: %r", mail_id, mail.kind, error)
            mail.record_failure(f"{type(error).__name__}: {error}", self.clock())
            self.app.save(mail)
            return False
        mail.record_sent(message.to, message.message_id)
        self.app.save(mail)
        return True
