"""A registration's history as a published shape: what happened, when, by whom, with what.

This is the contract of `GET /api/registrations/{id}/history` and of the history pages —
not the events' own attributes, which may grow or change version. Each entry:

    {"event": "PaymentReceived", "version": 3, "at": <time>,
     "actor": {"kind": "staff", "id": …, "name": "…", "role": "finance"},
     "details": {…}}

`details` by event (amounts are {"amount": "454.15", "currency": "CAD"}):
    Registered        registration_type, delegation, attendee, total
    DetailsCorrected  changes (the corrected fields and their new values), reason (staff's)
    Substituted       previous, attendee (the person before and after), reason (staff's)
    Cancelled         refund_percent, retained, refund_owed, reason (staff's, else null),
                      fee_waived
    Expired           deadline (not paid by then: the system ended the place)
    PaymentReceived   amount, method (card, bank_transfer, cheque, card_terminal, cash),
                      reference, invoice
    PaymentFailed     reference, message
    PaymentRequested  reference, amount
    RefundIssued      amount, reference, method (card, bank_transfer, cheque, cash),
                      reason (staff's, for a refund by hand; else null)
    PlaceChanged      previous_type, previous_delegation, registration_type, delegation,
                      total (the new one), reason
    Invoiced          invoice_number, amount
    InvoiceCancelled  invoice_number, total
    InvoiceAdjusted   document_number, kind (invoice: supplementary; credit_note),
                      refers_to_number, amount, total (the place's new one), reason
    BadgePrinted      printed_by
    CheckedIn         at, by, list, direction (entry or exit)
    CheckInConflicted at, by, list, direction, device, reason (entered_elsewhere, not_inside,
                      out_of_order), inside_since: a scan made offline that contradicts what
                      another device recorded meanwhile (domain.offline_scans); nothing moved
    ManageLinkRenewed reason (substituted, resent, lead_asked: the delegation lead asked the
                      member to complete their details): a new manage link, the earlier one
                      ended
    AnswersGiven      answers (every answer to the edition's questions, by question code)
    ApprovalAsked     (nothing): the type needs approval, the place is held until decided
    Approved          note (for the person)
    NotApproved       reason (told to the person); a Cancelled keeping nothing follows
An attendee is {first_name, last_name, email, organisation, job_title, language, phone}.
No secret (manage token, check-in code) is ever part of an entry.

The holder of the manage link reads `for_holder(entries)`: only what they may see. A staff
member is "the organiser" (their role, no name or id), a system job loses its detail (an
operator's login), Stripe its event id; a previous holder's details
are gone (`previous` and earlier people are null: "the previous holder"); staff names
(`printed_by`, `by`) and staff's reasons are dropped; of Stripe's ids only the references
of money received and refunded remain (as on their receipts).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.actor import Actor
from domain.money import Money
from domain.registration import Registration


@dataclass(frozen=True)
class HistoryEntry:
    event: str
    version: int
    at: datetime
    actor: Actor
    details: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"event": self.event, "version": self.version, "at": self.at.isoformat(),
                "actor": self.actor.to_dict(), "details": self.details}


def money(value: Money) -> dict[str, str]:
    return {"amount": str(value.amount), "currency": value.currency}


DETAILS: dict[type, Callable[[Any], dict[str, Any]]] = {
    Registration.Registered: lambda e: {
        "registration_type": e.registration_type, "delegation": e.delegation,
        "attendee": e.attendee.to_dict(), "total": money(e.quote.total)},
    Registration.DetailsCorrected: lambda e: {"changes": e.changes.to_dict(), "reason": e.reason},
    Registration.Substituted: lambda e: {
        "previous": e.previous.to_dict(), "attendee": e.attendee.to_dict(), "reason": e.reason},
    Registration.Cancelled: lambda e: {
        "refund_percent": str(e.terms.refund_percent), "retained": money(e.terms.retained),
        "refund_owed": money(e.terms.refund_owed), "reason": e.reason,
        "fee_waived": e.fee_waived},
    Registration.Expired: lambda e: {"deadline": e.deadline.isoformat()},
    Registration.PaymentReceived: lambda e: {
        "amount": money(e.amount), "method": e.method, "reference": e.reference,
        "invoice": e.details.invoice},
    Registration.PaymentFailed: lambda e: {"reference": e.reference, "message": e.message},
    Registration.PaymentRequested: lambda e: {
        "reference": e.reference, "amount": money(e.amount)},
    Registration.RefundIssued: lambda e: {
        "amount": money(e.amount), "reference": e.reference, "method": e.method,
        "reason": e.reason},
    Registration.PlaceChanged: lambda e: {
        "previous_type": e.previous_type, "previous_delegation": e.previous_delegation,
        "registration_type": e.registration_type, "delegation": e.delegation,
        "total": money(e.quote.total), "reason": e.reason},
    Registration.Invoiced: lambda e: {
        "invoice_number": e.invoice_number, "amount": money(e.amount)},
    Registration.InvoiceCancelled: lambda e: {
        "invoice_number": e.invoice_number, "total": money(e.total)},
    Registration.InvoiceAdjusted: lambda e: {
        "document_number": e.document_number, "kind": e.kind,
        "refers_to_number": e.refers_to_number, "amount": money(e.amount),
        "total": money(e.total), "reason": e.reason},
    Registration.BadgePrinted: lambda e: {"printed_by": e.printed_by},
    Registration.CheckedIn: lambda e: {"at": e.at.isoformat(), "by": e.by,
                                       "list": e.list_code, "direction": e.direction},
    Registration.CheckInConflicted: lambda e: {
        "at": e.at.isoformat(), "by": e.by, "list": e.list_code, "direction": e.direction,
        "device": e.device, "reason": e.reason,
        "inside_since": e.inside_since.isoformat() if e.inside_since else None},
    Registration.ManageLinkRenewed: lambda e: {"reason": e.reason},
    Registration.AnswersGiven: lambda e: {"answers": dict(e.answers)},
    Registration.Approved: lambda e: {"note": e.note},
    Registration.NotApproved: lambda e: {"reason": e.reason},
}


def history_entry(event: Any) -> HistoryEntry:
    describe = DETAILS.get(type(event))
    return HistoryEntry(event=type(event).__name__, version=event.originator_version,
                        at=event.timestamp, actor=event.actor,
                        details=describe(event) if describe else {})


HIDDEN_DETAILS = {"BadgePrinted": ("printed_by",), "CheckedIn": ("by",),
                  "CheckInConflicted": ("by", "device"),
                  "PaymentRequested": ("reference",), "PaymentFailed": ("reference",),
                  # staff's reasons are their own notes: the holder is told by e-mail
                  "Cancelled": ("reason",), "RefundIssued": ("reason",),
                  "PlaceChanged": ("reason",), "DetailsCorrected": ("reason",),
                  "Substituted": ("reason",), "InvoiceAdjusted": ("reason",)}
PEOPLE = {"Registered": ("attendee",), "DetailsCorrected": ("changes",),
          "Substituted": ("previous", "attendee"), "AnswersGiven": ("answers",)}


def for_holder(entries: list[HistoryEntry]) -> list[HistoryEntry]:
    """The history as the manage link's holder may read it (see the module's docstring)."""
    last_handover = max((i for i, e in enumerate(entries) if e.event == "Substituted"),
                        default=-1)
    shown = []
    for index, entry in enumerate(entries):
        details = {k: v for k, v in entry.details.items()
                   if k not in HIDDEN_DETAILS.get(entry.event, ())}
        if index <= last_handover:  # about an earlier holder: nobody's details
            details.update({k: None for k in PEOPLE.get(entry.event, ()) if k in details})
            if index == last_handover:
                details["attendee"] = entry.details["attendee"]  # the holder themself
        shown.append(HistoryEntry(entry.event, entry.version, entry.at,
                                  holder_sees(entry.actor), details))
    return shown


def holder_sees(actor: Actor) -> Actor:
    """Who did it, as the holder sees it: a staff member is the organiser (their role, no
    name or id); the kiosk without who opened it; a job without its detail (an operator's
    login); Stripe without its ids."""
    if actor.kind == "staff":
        return Actor("staff", role=actor.role)
    if actor.kind == "kiosk":
        return Actor("kiosk")
    if actor.kind == "system":
        return Actor("system", actor.id)
    if actor.kind == "stripe":
        return Actor("stripe")
    return actor
