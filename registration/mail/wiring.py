"""Building the mail pieces from the settings, once per process."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from registration.adapters.documents import DocumentRenderer
from registration.adapters.mail import SmtpTransport
from registration.application import Conference
from registration.config import Settings
from registration.links import ManageLinks
from registration.mail.messages import MailComposer
from registration.mail.outbox import LinkSeal, Outbox
from registration.mail.processor import MailProcessor
from registration.mail.sender import BackgroundSender
from registration.projections.ledger_queries import Ledger
from registration.projections.store import ReadModelStore


@dataclass(frozen=True)
class MailParts:
    outbox: Outbox
    processor: MailProcessor
    sender: BackgroundSender | None


def build_mail(settings: Settings, app: Conference, store: ReadModelStore,
               documents: DocumentRenderer, clock: Callable[[], datetime]) -> MailParts:
    seal = LinkSeal(settings.secret_key)
    composer = MailComposer(app, seal, documents, Ledger(store), settings.base_url,
                            settings.mail_from, ManageLinks(settings.secret_key))
    transport = SmtpTransport(settings.smtp_url) if settings.smtp_url else None
    processor = MailProcessor(app, store, composer, transport, clock)
    sender = None
    if settings.sync_projections:  # no separate mailer: send after each command, off-request
        sender = BackgroundSender(processor)
        app.saved_listeners.append(sender.wake)
    return MailParts(Outbox(seal), processor, sender)
