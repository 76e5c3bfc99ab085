"""An e-mail we owe someone, and what happened each time we tried to send it.

One `Mail` per message, keyed by what it is about (the confirmation of a registration, the
receipt of one payment, one invoice), so it is queued at most once whoever asks. Before
each attempt the sender records `Attempted`, saved against the mail's version: of two
senders racing, only one gets to send. A sender that dies mid-attempt leaves the attempt
open; once its lease runs out the mail is due again. Failures back off exponentially and
the mail is given up after `MAX_ATTEMPTS`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID, uuid5

from eventsourcing.domain import event

from domain.base import ConferenceAggregate
from domain.identifiers import NAMESPACE

# "link": a new manage link for the holder; "handed_on": the notice (without a link) to
# whoever handed their place on; "cancelled", "refunded", "moved" (a change of type or
# delegation), "approved" (a place awaiting approval is approved), "expired" (an unpaid
# place's deadline passed): about one event of the registration, `about` its version (a
# place turned down gets its "cancelled" mail, which then tells the organisers' reason);
# "payment_reminder" before an unpaid place's deadline (`about` is the deadline);
# "credit_note": to the bill-to, like an invoice; "invoice_receipt": of a transfer or cheque
# against an invoice, to its bill-to (its `registration_id` is the invoice's id, and `about`
# the payment's reference); "reminder": of an overdue invoice, `about`
# its number and the reminder's ("SEUS19-0002/1"); "lead_link": a delegation lead's page
# link (its `registration_id` is the lead's id, and `about` the link's generation);
# "waitlist_joined" (`about`: when its link was asked for again, if it was), "waitlist_offered"
# (`about`: until when), "waitlist_expired": to a
# waiting-list entry's person (its `registration_id` is the entry's id).
KINDS = ("confirmation", "receipt", "invoice", "link", "handed_on", "cancelled", "refunded",
         "moved", "credit_note", "reminder", "approved", "payment_reminder", "expired",
         "lead_link", "waitlist_joined", "waitlist_offered", "waitlist_expired",
         "invoice_receipt")
MAX_ATTEMPTS = 10
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=1)
LEASE = timedelta(minutes=5)  # how long an attempt may take before another sender retries
# A mail whose facts a read model does not show yet (an invoice's PDF before the ledger has
# it) is not failing: it is tried again soon, however often, until the read model catches up.
NOT_READY_WAIT = timedelta(seconds=3)


def mail_id(kind: str, registration_id: UUID, about: str = "") -> UUID:
    return uuid5(NAMESPACE, f"mail/{kind}/{registration_id}/{about}")


def retry_delay(attempt: int) -> timedelta:
    """1, 2, 4, … minutes after the `attempt`-th failure, never more than an hour."""
    return min(FIRST_RETRY * 2 ** (attempt - 1), LONGEST_WAIT)


class Mail(ConferenceAggregate):
    class Queued(ConferenceAggregate.Created):
        kind: str
        registration_id: UUID
        about: str  # the payment reference or invoice number ("" for a confirmation)
        sealed_link: str | None  # only in mails queued before links were derived: None now

    class Attempted(ConferenceAggregate.Event):
        attempt: int
        lease_until: datetime

    class Failed(ConferenceAggregate.Event):
        attempt: int
        error: str
        retry_at: datetime | None  # None: given up

    class Sent(ConferenceAggregate.Event):
        to: str
        message_id: str

    @classmethod
    def queue(cls, kind: str, registration_id: UUID, about: str = "",
              sealed_link: str | None = None) -> Mail:
        if kind not in KINDS:
            raise ValueError(f"unknown mail kind {kind!r}")
        return cls._create(cls.Queued, id=mail_id(kind, registration_id, about), kind=kind,
                           registration_id=registration_id, about=about, sealed_link=sealed_link)

    @event(Queued)
    def __init__(self, kind: str, registration_id: UUID, about: str,
                 sealed_link: str | None) -> None:
        self.kind = kind
        self.registration_id = registration_id
        self.about = about
        self.sealed_link = sealed_link
        self.attempts = 0
        self.due_at: datetime | None = None  # None: now (queued), or never again (done)
        self.sent = False
        self.given_up = False

    @property
    def finished(self) -> bool:
        return self.sent or self.given_up

    def is_due(self, at: datetime) -> bool:
        return not self.finished and (self.due_at is None or self.due_at <= at)

    def start_attempt(self, at: datetime) -> bool:
        """Claim the next attempt (False when nothing is due: sent, given up, or not yet)."""
        if not self.is_due(at):
            return False
        self._attempted(self.attempts + 1, at + LEASE)
        return True

    @event(Attempted)
    def _attempted(self, attempt: int, lease_until: datetime) -> None:
        self.attempts = attempt
        self.due_at = lease_until

    def record_failure(self, error: str, at: datetime) -> None:
        retry_at = at + retry_delay(self.attempts) if self.attempts < MAX_ATTEMPTS else None
        self._failed(self.attempts, error[:500], retry_at)

    def record_not_ready(self, error: str, at: datetime) -> None:
        """The attempt found what it tells not yet in the read models: due again shortly
        (never given up for this, as the read models always catch up)."""
        self._failed(self.attempts, error[:500], at + NOT_READY_WAIT)

    @event(Failed)
    def _failed(self, attempt: int, error: str, retry_at: datetime | None) -> None:
        self.due_at = retry_at
        self.given_up = retry_at is None

    @event(Sent)
    def record_sent(self, to: str, message_id: str) -> None:
        self.sent = True
        self.due_at = None
