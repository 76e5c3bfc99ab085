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
# Mails claimed together. A drain sends batch after batch until fewer are due: one batch
# a poll (every second) let a rush of 3,000 registrations in 9 s wait 28 s for its last
# confirmation (2026-12-01).
BATCH = 100
# Sent mails whose outcomes are saved together: what a mailer killed mid-batch sends twice.
OUTCOMES_EVERY = 20
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
                sent = 0
                while True:  # batch after batch while a full one went out
                    batch, due = self.send_due()
                    self.follow()  # the queue as the batch left it
                    sent += batch
                    if due < BATCH or not batch:
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
        """The page's effects on the queue, each mail's events collapsed to their end (a mail
        attempted and sent within the page is only deleted), in a statement for each kind."""
        deleted: set[str] = set()
        due: dict[str, dict[str, str]] = {}
        for domain_event in events:
            mail_id = str(domain_event.originator_id)
            if isinstance(domain_event, Mail.Queued):
                self._due(due, mail_id, domain_event.kind, domain_event.timestamp)
            elif isinstance(domain_event, Mail.Attempted):
                self._due(due, mail_id, "", domain_event.lease_until)
            elif isinstance(domain_event, Mail.Failed) and domain_event.retry_at:
                self._due(due, mail_id, "", domain_event.retry_at)
            elif isinstance(domain_event, Mail.Failed | Mail.Sent):
                due.pop(mail_id, None)
                deleted.add(mail_id)
        self.store.execute_many(cursor, "DELETE FROM mail_queue WHERE mail_id = :id",
                                ({"id": mail_id} for mail_id in deleted))
        self.store.execute_many(cursor, (
            "INSERT INTO mail_queue (mail_id, kind, due_at) VALUES (:id, :kind, :due) "
            "ON CONFLICT (mail_id) DO UPDATE SET due_at = excluded.due_at"), due.values())

    @staticmethod
    def _due(due: dict[str, dict[str, str]], mail_id: str, kind: str, at: datetime) -> None:
        """Due `at`; inserted with the kind of its first event since any delete (as each
        upsert in turn would: a row already there keeps its kind)."""
        first = due.get(mail_id)
        due[mail_id] = {"id": mail_id, "kind": first["kind"] if first else kind,
                        "due": stamp(at)}

    def pending(self) -> list[dict[str, Any]]:
        return self.store.query("SELECT * FROM mail_queue ORDER BY due_at")

    def send_due(self) -> tuple[int, int]:
        """Claim up to BATCH due mails in one save, send them (over one SMTP connection, what they
        need read once for the batch: see `registration.mail.reads`), then save what
        happened to them together every OUTCOMES_EVERY mails, also when a send raised: a
        few transactions a batch, not two a mail. A process killed mid-batch (SIGTERM waits
        for the batch) sends the mails it sent since its last save again (at most
        OUTCOMES_EVERY) once their lease runs out. Returns the mails sent, and how many
        were due of the batch."""
        if self.transport is None:
            return 0, 0
        rows = self.store.query(
            "SELECT mail_id FROM mail_queue WHERE due_at <= :now ORDER BY due_at LIMIT :batch",
            {"now": stamp(self.clock()), "batch": BATCH})
        with acting_as(MAILER):
            mails = self._claimed([UUID(row["mail_id"]) for row in rows])
            sent, attempted = 0, 0
            try:
                with self.transport.session(), self.composer.reads.batch(mails):
                    for attempted, mail in enumerate(mails, 1):
                        sent += self._attempt(mail)
                        if attempted % OUTCOMES_EVERY == 0:
                            self.app.save(*mails[attempted - OUTCOMES_EVERY:attempted])
            finally:
                if rest := mails[attempted - attempted % OUTCOMES_EVERY:]:
                    self.app.save(*rest)
            return sent, len(rows)

    def _claimed(self, mail_ids: Sequence[UUID]) -> list[Mail]:
        """The mails whose attempt this processor claimed: all in one save, or, when another
        processor claimed one of them first (the save is refused), each on its own."""
        with self.app.reading_together(mail_ids):
            mails = [mail for mail in map(self._due_mail, mail_ids) if mail is not None]
        if not mails:
            return []
        try:
            self.app.save(*mails)
        except IntegrityError:
            return [mail for mail in map(self._claimed_alone, mail_ids) if mail is not None]
        return mails

    def _due_mail(self, mail_id: UUID) -> Mail | None:
        """The mail with its next attempt started, if it is due."""
        mail = self.app.find(mail_id, Mail)
        return mail if mail is not None and mail.start_attempt(self.clock()) else None

    def _claimed_alone(self, mail_id: UUID) -> Mail | None:
        mail = self._due_mail(mail_id)
        if mail is None:
            return None
        try:
            self.app.save(mail)
        except IntegrityError:  # another processor claimed this attempt
            return None
        return mail

    def _attempt(self, mail: Mail) -> bool:
        """Compose and send a claimed mail; its outcome is recorded on it, saved by the
        caller with the batch's."""
        assert self.transport is not None
        try:
            message = self.composer.compose(mail)
            self.transport.send(message)
        except NotReadyYet as lagging:  # the read models catch up: tried again soon
            mail.record_not_ready(f"{type(lagging).__name__}: {lagging}", self.clock())
            return False
        except Exception as error:  # any failure is recorded and retried
            log.warning("mail %s (%s) not sent: %r", mail.id, mail.kind, error)
            mail.record_failure(f"{type(error).__name__}: {error}", self.clock())
            return False
        mail.record_sent(message.to, message.message_id)
        return True
