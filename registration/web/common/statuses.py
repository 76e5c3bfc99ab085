"""A registration's status as people read it, on pages, in lists and spreadsheets alike."""

from __future__ import annotations

from registration.web.common import i18n
from registration.web.common.i18n import N_

LABELS = {  # status: (label, tone of its pill)
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
