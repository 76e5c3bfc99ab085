"""Which e-mails are owed, and how they get their manage link.

No manage link is stored anywhere: the mailer derives the link in force when it sends
(registration.links: HMAC of SECRET_KEY, the registration's id and its link generation).
The registration's own decision queues the confirmation `Mail` in the same atomic save.
Mails queued before links were derived hold the token *sealed* (Fernet, with a key derived
from SECRET_KEY); `LinkSeal` still opens them (and idempotent answers recorded then).

The mail processor queues the rest from the events it follows: receipts, invoices and
credit notes (`PaymentReceived`, `Invoice.Issued`; an invoice issued on a card payment goes
with that payment's receipt), the new link after a renewal (`ManageLinkRenewed`, to the
holder in force), the notice without a link to whoever handed their place on
(`Substituted`), the notices of a cancellation, a refund, a change of type or delegation and
an unpaid place's expiry (`Cancelled`, `RefundIssued`, `PlaceChanged`, `Expired`; its
reminder is queued by the payment-deadline pass), and the approval of a place that awaited it
(`Approved`, with the link; one turned down gets its cancellation's mail, with the reason).
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
                               Registration.Cancelled, Registration.RefundIssued,
                               Registration.PlaceChanged, Registration.Approved,
                               Registration.Expired)
# Mails about one event of a registration, queued under the event's version. (A place turned
# down is cancelled in the same save: its "cancelled" mail tells the organisers' reason.)
ABOUT_ONE_EVENT = {Registration.Substituted: "handed_on", Registration.Cancelled: "cancelled",
                   Registration.RefundIssued: "refunded", Registration.PlaceChanged: "moved",
                   Registration.Approved: "approved", Registration.Expired: "expired"}


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
    kind = ABOUT_ONE_EVENT.get(type(domain_event))
    if kind is not None:
        return Mail.queue(kind, domain_event.originator_id,
                          about=str(domain_event.originator_version))
    if isinstance(domain_event, Invoice.Issued):
        if not domain_event.bill_to.email or domain_event.paid_by:
            return None  # (one issued on a card payment goes with that payment's receipt)
        return Mail.queue(domain_event.kind, UUID(domain_event.lines[0].registration_id),
                          about=domain_event.number)
    return None
