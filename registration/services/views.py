"""What the services hand the web layer: frozen views, never the aggregates themselves.

A view is built here, inside the service layer, from an aggregate just loaded or decided,
with what the pages and the JSON API show of it. The web layer reads views, read-model
rows and other results; it never loads, changes or even imports an aggregate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.attendee import Attendee
from domain.billing import may_request_invoice
from domain.edition_config import EditionConfig
from domain.money import Money
from domain.policy import CancellationTerms
from domain.pricing import PriceQuote
from domain.registration import Registration
from domain.staff import StaffMember
from domain.standing import Standing


@dataclass(frozen=True)
class RegistrationView:
    id: UUID
    edition: EditionConfig  # the edition's configuration as it is now
    attendee: Attendee
    registration_type: str
    delegation: str | None
    quote: PriceQuote  # frozen when registering
    total: Money  # what the place costs: the quote's total, or what its live invoice bills
    paid: Money  # everything received
    refunded: Money  # everything sent back
    standing: Standing  # status, attending, balance due, refund owed (domain.standing)
    substitutions: int
    cancellation: CancellationTerms | None
    invoice_number: str | None  # the live invoice billing the place
    invoices: tuple[str, ...]  # every invoice that has billed it, oldest first
    payment_reference: str | None  # the card payment last opened for it
    may_request_invoice: bool  # offered "send me an invoice instead" (domain.billing)
    badge_prints: int
    checked_in_at: datetime | None
    registered_at: datetime
    updated_at: datetime
    answers: Mapping[str, str | bool]  # to the edition's questions (domain.questions)

    @property
    def unanswered(self) -> tuple[str, ...]:
        """The required questions this person has still to answer (e.g. after a substitution,
        or when a delegation lead registered them)."""
        return tuple(q.code for q in self.edition.questions_for(self.registration_type)
                     if q.required and q.problem(self.answers.get(q.code)) is not None)

    @property
    def status(self) -> str:
        return self.standing.status

    @property
    def balance_due(self) -> Money:
        return self.standing.balance_due

    @property
    def is_cancelled(self) -> bool:
        return self.cancellation is not None

    @property
    def awaiting_approval(self) -> bool:
        """Held until the organisers approve it: not to be paid, printed or checked in yet."""
        return self.standing.status == "awaiting_approval"


def registration_view(registration: Registration, config: EditionConfig) -> RegistrationView:
    """The view of `registration`, whose edition is configured as `config`."""
    standing = registration.standing
    invoiced = registration.invoice_number is not None
    request = registration.payment_request
    return RegistrationView(
        id=registration.id, edition=config, attendee=registration.attendee,
        registration_type=registration.registration_type, delegation=registration.delegation,
        quote=registration.quote, total=registration.total, paid=registration.paid,
        refunded=registration.refunded, standing=standing,
        substitutions=registration.substitutions, cancellation=registration.cancellation,
        invoice_number=registration.invoice_number, invoices=tuple(registration.billed_by),
        payment_reference=request["reference"] if request else None,
        may_request_invoice=not registration.awaiting_approval and may_request_invoice(
            offered=config.invoices_on_request, cancelled=registration.is_cancelled,
            invoiced=invoiced, balance_due=standing.balance_due),
        badge_prints=registration.badge_prints, checked_in_at=registration.checked_in_at,
        registered_at=registration.created_on, updated_at=registration.modified_on,
        answers=dict(registration.answers),
    )


@dataclass(frozen=True)
class StaffView:
    id: UUID
    name: str
    role: str
    email: str | None  # to sign in to the pages (None: a bearer token only)
    credentials: str  # changes whenever the password does
    disabled: bool = False
    second_factor: bool = False  # signs in with a code from an authenticator app
    must_enrol: bool = False  # their role requires a second factor they do not have yet


@dataclass(frozen=True)
class TokenView:
    """A bearer token as lists show it: never the token, only its first characters."""

    token_hash: str
    prefix: str | None  # None for a token issued before tokens had prefixes
    issued_at: datetime | None
    expires_at: datetime
    revoked: bool
    last_used: datetime | None


def staff_view(member: StaffMember, second_factor_roles: list[str] | tuple[str, ...] = ()
               ) -> StaffView:
    return StaffView(id=member.id, name=member.name, role=member.role, email=member.email,
                     credentials=(member.password_hash or "")[-16:], disabled=member.disabled,
                     second_factor=member.has_second_factor,
                     must_enrol=member.role in second_factor_roles
                     and not member.has_second_factor)
