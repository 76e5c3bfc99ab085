"""Which e-mails are owed, and how the confirmation gets its manage link.

The manage token is shown once and only its hash is stored, so the confirmation cannot be
rebuilt from the events later. The registration's own decision therefore queues the
confirmation `Mail` in the same atomic save, holding the token *sealed* (Fernet: AES and
an HMAC, with a key derived from SECRET_KEY). Whoever can unseal it already holds
SECRET_KEY, which signs staff sessions: the sealed link gives them nothing more. A mail
that cannot be sent stays queued and is retried with the same link, and the link the
person received on the page keeps working (we never issue a second one).

Receipts and invoices need no secret: the mail processor queues them from the events
(`PaymentReceived`, `Invoice.Issued`) it follows.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any
from uuid import UUID

from cryptography.fernet import Fernet
from eventsourcing.domain import Aggregate

from domain.invoice import Invoice
from domain.mail import Mail
from domain.registration import Registration

TRIGGERS: tuple[type, ...] = (Registration.PaymentReceived, Invoice.Issued)


class LinkSeal:
    def __init__(self, secret_key: str) -> None:
        digest = hashlib.sha256(b"mail/manage-link\x00" + secret_key.encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(digest))

    def seal(self, token: str) -> str:
        return self._fernet.encrypt(token.encode()).decode()

    def unseal(self, sealed: str) -> str:
        return self._fernet.decrypt(sealed.encode()).decode()


class Outbox:
    def __init__(self, seal: LinkSeal) -> None:
        self.seal = seal

    def confirmation(self, registration: Registration, manage_token: str) -> list[Aggregate]:
        """Decided with each registration, saved with it (see RegistrationService)."""
        return [Mail.queue("confirmation", registration.id,
                           sealed_link=self.seal.seal(manage_token))]


def owed_for(domain_event: Any) -> Mail | None:
    """The mail a followed event calls for, if any."""
    if isinstance(domain_event, Registration.PaymentReceived):
        return Mail.queue("receipt", domain_event.originator_id, about=domain_event.reference)
    if isinstance(domain_event, Invoice.Issued):
        if domain_event.kind != "invoice" or not domain_event.bill_to.email:
            return None
        return Mail.queue("invoice", UUID(domain_event.lines[0].registration_id),
                          about=domain_event.number)
    return None
