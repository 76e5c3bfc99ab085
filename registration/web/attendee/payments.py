"""The attendee's side of invoices and group payment.

With the manage link (this session's grant): download the invoices and credit notes billing
one's place, or ask for an invoice instead of paying by card. (A delegation lead pays for
several places from their own page: web.attendee.leads.)
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, url_for

from registration.web.attendee.holder import holder_registration
from registration.web.common import i18n
from registration.web.common.http import services
from registration.web.common.lookups import invoice_pdf as pdf_of
from registration.web.common.lookups import ledger
from registration.web.common.pages import protect
from registration.web.common.ratelimit import budget

attendee_payments = protect(Blueprint("attendee_payments", __name__))


@attendee_payments.get("/r/<registration_id>/invoices/<number>.pdf")
def invoice_pdf(registration_id: str, number: str) -> Any:
    registration = holder_registration(registration_id)
    for view in ledger().billing(str(registration.id), registration.invoices):
        if view.document["number"] == number:
            return pdf_of(view)
    abort(404, description=i18n.gettext("This invoice does not bill your registration."))


@attendee_payments.post("/r/<registration_id>/invoice")
@budget("payments")
def request_invoice(registration_id: str) -> Any:
    """Send me an invoice: billed to my organisation, in my language (the finance service)."""
    registration = holder_registration(registration_id)
    services().invoices.issue_for_holder(registration.id, None)
    return redirect(url_for("attendee.manage", registration_id=registration.id,
                            done="invoiced"))
