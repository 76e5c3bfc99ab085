"""Who is coming, per delegation: a row per registration, and counters folded from them.

The reducer is pure: the live projection applies it to rows loaded from the read table,
and `as_of` applies it to events replayed from the log, so both give the same answer.
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from domain.edition import Edition
from domain.extras import units
from domain.money import Money
from domain.pricing import PriceQuote
from domain.registration import Registration
from domain.standing import standing

COUNTS = ("registered", "cancelled", "paid", "substituted", "checked_in")
NO_DELEGATION = ""


@dataclass(frozen=True)
class RegistrationRow:
    registration_id: str
    edition_id: str
    delegation: str
    registration_type: str
    first_name: str
    last_name: str
    email: str
    organisation: str
    language: str
    total: str
    currency: str
    paid: str  # everything received
    refunded: str  # everything sent back
    retained: str | None  # what the cancellation let the organiser keep; None: not cancelled
    invoiced: bool
    substitutions: int
    checked_in_at: str | None
    registered_at: str
    search_text: str
    badge_prints: int
    # Decided from the figures above by domain.standing, as the aggregate decides them:
    status: str
    attending: bool
    balance_due: str
    refund_owed: str
    answers: str  # JSON: question code -> answer, as Registration.AnswersGiven recorded them
    approval: str  # "" (not needed), "asked", "approved" or "refused" (domain.registration)
    extras: str  # JSON: add-on code -> how many were bought with the place (domain.extras)

    @classmethod
    def from_mapping(cls, row: Any) -> RegistrationRow:
        values = {f.name: row[f.name] for f in fields(cls)}
        values["invoiced"], values["attending"] = bool(row["invoiced"]), bool(row["attending"])
        return cls(**values)

    def as_dict(self) -> dict[str, Any]:
        # Every field is a primitive: a shallow copy (dataclasses.asdict deep-copies, and
        # dominated the time of a rebuild).
        return dict(vars(self))

    @classmethod
    def of(cls, values: dict[str, Any]) -> RegistrationRow:
        """The row of `values`, one for each column, taken as they are: without the
        generated `__init__`, which sets each of the 27 fields of a frozen instance by a
        call of its own (a row is made for each event followed: a tenth of a rebuild)."""
        if values.keys() != COLUMNS:
            raise TypeError(f"not a registration row's columns: {sorted(values)}")
        row = object.__new__(cls)
        row.__dict__.update(values)
        return row

    def but(self, **changes: Any) -> RegistrationRow:
        """The row with `changes` (`dataclasses.replace` checks each field: twice the time)."""
        return RegistrationRow.of({**vars(self), **changes})

    def key(self) -> tuple[str, str, str]:
        return (self.edition_id, self.delegation, self.registration_type)

    def money(self, name: str) -> Money:
        return Money(Decimal(getattr(self, name)), self.currency)

    def contribution(self) -> Counter[str]:
        """What this registration adds to its delegation's counts."""
        return Counter({
            "registered": 1,
            "cancelled": int(not self.attending),
            "paid": int(self.attending and self.status == "paid"),
            "substituted": int(self.attending and self.substitutions > 0),
            "checked_in": int(self.attending and self.checked_in_at is not None),
        })


COLUMNS = frozenset(f.name for f in fields(RegistrationRow))


def settled(row: RegistrationRow, **changes: Any) -> RegistrationRow:
    """The row with `changes`, and its standing decided again from its figures."""
    return decided({**vars(row), **changes})


def decided(values: dict[str, Any]) -> RegistrationRow:
    """The row of these column values, its standing decided from its figures (made once:
    a row made, replaced with the changes, then again with its standing, was a tenth of a
    rebuild)."""
    currency, retained = values["currency"], values["retained"]
    now = standing(
        total=Money(Decimal(values["total"]), currency),
        paid=Money(Decimal(values["paid"]), currency),
        refunded=Money(Decimal(values["refunded"]), currency),
        cancelled=retained is not None,
        retained=None if retained is None else Money(Decimal(retained), currency),
        invoiced=values["invoiced"], awaiting_approval=values["approval"] == "asked")
    values.update(status=now.status, attending=now.attending,
                  balance_due=str(now.balance_due.amount), refund_owed=str(now.refund_owed.amount))
    return RegistrationRow.of(values)


class WithoutMarks(dict[int, str | None]):
    """For `str.translate`: a combining mark to nothing, any other character to itself,
    each looked up once (testing every character in Python was a seventh of a rebuild)."""

    def __missing__(self, code: int) -> str | None:
        character = chr(code)
        kept = None if unicodedata.combining(character) else character
        self[code] = kept
        return kept


WITHOUT_MARKS = WithoutMarks()


def searchable(*parts: str | None) -> str:
    """Lower-case, accent-free text: "François" is found by "francois"."""
    text = " ".join(p for p in parts if p)
    return unicodedata.normalize("NFKD", text).translate(WITHOUT_MARKS).casefold()


def with_attendee(values: dict[str, Any], attendee: dict[str, Any]) -> dict[str, Any]:
    """A row's column `values` (changed in place) with the attendee's details, and the
    search text that follows from them."""
    values.update({k: v for k, v in attendee.items() if k in values})
    values["search_text"] = searchable(
        values["first_name"], values["last_name"], values["email"], values["organisation"],
        values["delegation"],
    )
    return values


def on_registered(row: RegistrationRow | None, e: Registration.Registered) -> RegistrationRow:
    total = e.quote.total  # once: it sums every line (hot on rebuild)
    zero = str(Money.zero(total.currency).amount)
    blank = dict(
        registration_id=str(e.originator_id), edition_id=str(e.edition_id),
        delegation=e.delegation or NO_DELEGATION, registration_type=e.registration_type,
        first_name="", last_name="", email="", organisation="", language="en",
        total=str(total.amount), currency=total.currency, paid=zero, refunded=zero,
        retained=None, invoiced=False, substitutions=0, checked_in_at=None,
        registered_at=e.timestamp.isoformat(), search_text="", badge_prints=0,
        status="", attending=True, balance_due=zero, refund_owed=zero, answers="{}",
        approval="", extras=extras_json(e.quote),
    )
    return decided(with_attendee(blank, e.attendee.to_dict()))


def extras_json(quote: PriceQuote) -> str:
    return json.dumps(units(quote.extras), sort_keys=True) if quote.extras else "{}"


def on_corrected(row: RegistrationRow, e: Registration.DetailsCorrected) -> RegistrationRow:
    return RegistrationRow.of(with_attendee(row.as_dict(), e.changes.to_dict()))


def on_substituted(row: RegistrationRow, e: Registration.Substituted) -> RegistrationRow:
    values = with_attendee(row.as_dict(), e.attendee.to_dict())
    values.update(substitutions=row.substitutions + 1, checked_in_at=None, answers="{}")
    return RegistrationRow.of(values)


def on_answers(row: RegistrationRow, e: Registration.AnswersGiven) -> RegistrationRow:
    return row.but(answers=json.dumps(e.answers, sort_keys=True, ensure_ascii=False))


def on_approval(row: RegistrationRow, e: Any) -> RegistrationRow:
    return settled(row, approval=APPROVALS[type(e)])


def on_place_changed(row: RegistrationRow, e: Registration.PlaceChanged) -> RegistrationRow:
    moved = with_attendee({**vars(row), "registration_type": e.registration_type,
                           "delegation": e.delegation or NO_DELEGATION}, {})
    moved["total"] = str(e.quote.total.amount)
    return decided(moved)


def on_cancelled(row: RegistrationRow,
                 e: Registration.Cancelled | Registration.Expired) -> RegistrationRow:
    return settled(row, retained=str(e.terms.retained.amount))


def on_payment(row: RegistrationRow, e: Registration.PaymentReceived) -> RegistrationRow:
    return settled(row, paid=str((row.money("paid") + e.amount).amount))


def on_refund(row: RegistrationRow, e: Registration.RefundIssued) -> RegistrationRow:
    return settled(row, refunded=str((row.money("refunded") + e.amount).amount))


def on_badge_printed(row: RegistrationRow, e: Registration.BadgePrinted) -> RegistrationRow:
    return row.but(badge_prints=row.badge_prints + 1)


def on_checked_in(row: RegistrationRow, e: Registration.CheckedIn) -> RegistrationRow:
    """When they first came in, on any list (as the aggregate keeps `checked_in_at`)."""
    if e.direction != "entry" or row.checked_in_at is not None:
        return row
    return row.but(checked_in_at=e.at.isoformat())


def on_invoiced(row: RegistrationRow, e: Registration.Invoiced) -> RegistrationRow:
    return settled(row, invoiced=True, total=str(e.amount.amount))


def on_invoice_adjusted(row: RegistrationRow, e: Registration.InvoiceAdjusted) -> RegistrationRow:
    return settled(row, total=str(e.total.amount))


def on_invoice_cancelled(row: RegistrationRow, e: Registration.InvoiceCancelled) -> RegistrationRow:
    return settled(row, invoiced=False, total=str(e.total.amount))


APPROVALS = {Registration.ApprovalAsked: "asked", Registration.Approved: "approved",
             Registration.NotApproved: "refused"}
Reducer = Callable[[Any, Any], RegistrationRow]
REDUCERS: dict[type, Reducer] = {
    Registration.Registered: on_registered,
    Registration.DetailsCorrected: on_corrected,
    Registration.Substituted: on_substituted,
    Registration.Cancelled: on_cancelled,
    Registration.PlaceChanged: on_place_changed,
    Registration.Expired: on_cancelled,
    Registration.PaymentReceived: on_payment,
    Registration.RefundIssued: on_refund,
    Registration.Invoiced: on_invoiced,
    Registration.InvoiceCancelled: on_invoice_cancelled,
    Registration.InvoiceAdjusted: on_invoice_adjusted,
    Registration.BadgePrinted: on_badge_printed,
    Registration.CheckedIn: on_checked_in,
    Registration.AnswersGiven: on_answers,
    Registration.ApprovalAsked: on_approval,
    Registration.Approved: on_approval,
    Registration.NotApproved: on_approval,
}
EDITION_EVENTS = (Edition.Scheduled, Edition.Reconfigured)


def fold(rows: dict[str, RegistrationRow], events: Iterable[Any]) -> dict[str, RegistrationRow]:
    """Apply registration events to rows keyed by registration id (in place)."""
    for event in events:
        reducer = REDUCERS.get(type(event))
        if reducer is None:
            continue
        key = str(event.originator_id)
        rows[key] = reducer(rows.get(key), event)
    return rows


def summarise(rows: Iterable[RegistrationRow], edition_id: str) -> dict[tuple[str, str], Counter]:
    """Counts per (delegation, registration type) for one edition."""
    counts: dict[tuple[str, str], Counter] = {}
    for row in rows:
        if row.edition_id == edition_id:
            counts.setdefault((row.delegation, row.registration_type), Counter()).update(
                row.contribution())
    return counts


def deltas(
    before: dict[str, RegistrationRow | None], after: dict[str, RegistrationRow]
) -> dict[tuple[str, str, str], Counter]:
    """How the counters move when rows change from `before` to `after`."""
    moves: dict[tuple[str, str, str], Counter] = {}
    for key, new in after.items():
        old = before.get(key)
        if old == new:
            continue
        if old is not None:
            moves.setdefault(old.key(), Counter()).subtract(old.contribution())
        moves.setdefault(new.key(), Counter()).update(new.contribution())
    return moves
