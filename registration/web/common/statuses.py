"""Statuses and payment methods as people read them, on pages, in lists and spreadsheets."""

from __future__ import annotations

from registration.web.common import i18n
from registration.web.common.i18n import N_

LABELS = {  # status: (label, tone of its pill)
    "awaiting_approval": (N_("Awaiting approval"), "warn"),
    "pending_payment": (N_("Awaiting payment"), "warn"),
    "paid": (N_("Paid"), "ok"),
    "confirmed": (N_("Confirmed"), "ok"),
    "cancelled": (N_("Cancelled"), "bad"),
    "refunded": (N_("Cancelled and refunded"), "bad"),
    "invoiced": (N_("Invoiced"), "warn"),
}


def status_label(status: str) -> str:
    label = LABELS.get(status)
    return i18n.gettext(label[0]) if label else status


def status_tone(status: str) -> str:
    label = LABELS.get(status)
    return label[1] if label else ""


METHODS = {
    "card": N_("Card (online)"),
    "card_terminal": N_("Card terminal"),
    "cash": N_("Cash"),
    "bank_transfer": N_("Bank transfer"),
    "cheque": N_("Cheque"),
}
MOVEMENTS = {"payment": N_("Payment"), "refund": N_("Refund")}


def method_label(method: str) -> str:
    return i18n.gettext(METHODS[method]) if method in METHODS else method


def movement_label(kind: str) -> str:
    return i18n.gettext(MOVEMENTS[kind]) if kind in MOVEMENTS else kind


RECORDERS = {"stripe": N_("Stripe"), "attendee": N_("The attendee"), "system": N_("The system")}


def recorder_label(recorded_by: str) -> str:
    """A staff member's name as it is; who else records money, in the page's language."""
    return i18n.gettext(RECORDERS[recorded_by]) if recorded_by in RECORDERS else recorded_by
