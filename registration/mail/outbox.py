"""Which e-mails are owed, and how they get their manage link.

No manage link is stored anywhere: the mailer derives the link in force when it sends
(registration.links: HMAC of SECRET_KEY, the registration's id and its link generation).
The registration's own decision queues the confirmation `Mail` in the same atomic save.
Mails queued before links were derived hold the token *sealed* (Fernet, with a key derived
from SECRET_KEY); `LinkSeal` still opens them (and idempotent answers recorded then).

The mail processor queues the rest from the events it follows: receipts and invoices
(`PaymentReceived`, `Invoice.Issued`; an invoice issued on a card payment goes with that
payment's receipt), the new link after a renewal (`ManageLinkRenewed`, to the holder in
force), the notice without a link to whoever handed their place on (`Substituted`), and the
organisers' decision on a place awaiting approval (`Approved`, with the link, or
`NotApproved`, with their reason).
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

TRIGGERS: tuple[type, ...] = (Registration.PaymentReceived, Invoice.Issued,
                               Registration.ManageLinkRenewed, Registration.Substituted,
                               Registration.Approved, Registration.NotApproved)
DECISIONS = {Registration.Approved: "approved", Registration.NotApproved: "not_approved"}


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
        """Decided with each registration, saved with it (see RegistrationService); the
        link is derived when the mail is sent, never kept."""
        return [Mail.queue("confirmation", registration.id)]


def owed_for(domain_event: Any) -> Mail | None:
    """The mail a followed event calls for, if any."""
    if isinstance(domain_event, Registration.PaymentReceived):
        return Mail.queue("receipt", domain_event.originator_id, about=domain_event.reference)
    if isinstance(domain_event, Registration.ManageLinkRenewed):
        return Mail.queue("link", domain_event.originator_id, about=str(domain_event.generation))
    if isinstance(domain_event, Registration.Substituted):
        return Mail.queue("handed_on", domain_event.originator_id,
                          about=str(domain_event.originator_version))
    if type(domain_event) in DECISIONS:
        return Mail.queue(DECISIONS[type(domain_event)], domain_event.originator_id,
                          about=str(domain_event.originator_version))
    if isinstance(domain_event, Invoice.Issued):
        if domain_event.kind != "invoice" or not domain_event.bill_to.email \
                or domain_event.paid_by:  # issued on payment: the receipt carries it
            return None
        return Mail.queue("invoice", UUID(domain_event.lines[0].registration_id),
                          about=domain_event.number)
    return None
