"""What composing mails reads, read once a batch rather than once a mail.

While a batch of due mails is composed (`MailReads.batch`), the histories of the
registrations they are about are read in one query, then their e-tickets' short code
indexes in one more, and each edition once. A batch takes well under a second, and a mail
is queued only once what it tells is recorded: what the batch read at its start is what
each mail would have read.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from domain.edition import Edition
from domain.mail import Mail
from domain.registration import Registration
from registration.application import Conference, replayed
from registration.services.checkin_codes import code_index_id


@dataclass
class Batch:
    registrations: dict[UUID, Registration]
    histories: dict[UUID, list[Any]]  # the registrations' events
    editions: dict[UUID, Edition] = field(default_factory=dict)


current_batch: ContextVar[Batch | None] = ContextVar("current_batch", default=None)


class MailReads:
    def __init__(self, app: Conference) -> None:
        self.app = app

    @contextmanager
    def batch(self, mails: Sequence[Mail]) -> Iterator[None]:
        """Inside, the reads below use what was read for these mails (see the module)."""
        histories = self.app.histories([mail.registration_id for mail in mails])
        found = {subject: replayed(None, events) for subject, events in histories.items()}
        registrations = {subject: registration for subject, registration in found.items()
                         if isinstance(registration, Registration)}
        batch = current_batch.set(Batch(registrations, histories))
        try:
            with self.app.reading_together([code_index_id(r.checkin_secret)
                                            for r in registrations.values()]):
                yield
        finally:
            current_batch.reset(batch)

    def registration(self, registration_id: UUID) -> Registration:
        batch = current_batch.get()
        registration = None if batch is None else batch.registrations.get(registration_id)
        if registration is None:
            registration = self.app.load(registration_id, Registration, "registration")
        return registration

    def as_registered(self, registration_id: UUID) -> Registration:
        """The registration at version 1 (never snapshotted: its first event)."""
        batch = current_batch.get()
        history = None if batch is None else batch.histories.get(registration_id)
        return replayed(None, history[:1] if history
                        else self.app.events.get(registration_id, lte=1))

    def edition(self, edition_id: UUID) -> Edition:
        batch = current_batch.get()
        edition = None if batch is None else batch.editions.get(edition_id)
        if edition is None:
            edition = self.app.load(edition_id, Edition, "edition")
            if batch is not None:
                batch.editions[edition_id] = edition
        return edition
