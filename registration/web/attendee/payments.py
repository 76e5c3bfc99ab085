"""The attendee's side of invoices.

With the manage link (this session's grant): download the invoices and credit notes billing
one's place, or ask for an invoice instead of paying by card. (A delegation lead pays for
several places from their own page: web.attendee.leads.)
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, request, url_for

from domain.errors import DomainError
from registration.web.attendee.holder import holder_registration, page
from registration.web.common import i18n
from registration.web.common.finance_schemas import (
    BillToSchema,
    PurchaseOrderSchema,
    bill_to_payload,
)
from registration.web.common.forms import Errors, refusal, typed, validate
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


@attendee_payments.route("/r/<registration_id>/invoice", methods=["GET", "POST"])
@budget("payments")
def request_invoice(registration_id: str) -> Any:
    """Send me an invoice: to whom (organisation, address, contact e-mail), with the
    purchase-order number if any, in the language chosen (the finance service)."""
    registration = holder_registration(registration_id)
    attendee = registration.attendee
    form: Any = {"name": attendee.organisation or attendee.full_name,
                 "contact": attendee.full_name, "email": attendee.email,
                 "language": attendee.language}
    errors: Errors = {}
    if request.method == "POST":
        form = request.form
        bill_to, errors = validate(BillToSchema(), bill_to_payload(form))
        order, order_errors = validate(PurchaseOrderSchema(),
                                       {"po_number": typed(form, "po_number")})
        errors.update(order_errors)
        for key, message in (
                ("address", i18n.gettext("Give the address to print on the invoice.")),
                ("email", i18n.gettext("Give the e-mail address the invoice is sent to."))):
            if not bill_to.get(key) and key not in errors:
                errors[key] = message
        if not errors:
            try:
                services().invoices.issue_for_holder(
                    registration.id, BillToSchema().load_bill_to(bill_to), order["po_number"])
                return redirect(url_for("attendee.manage", registration_id=registration.id,
                                        done="invoiced"))
            except DomainError as error:
                errors = refusal(error)
    elif not registration.may_request_invoice:
        abort(409, description=i18n.gettext("This registration cannot be invoiced now."))
    return page("attendee/invoice_request.html", registration, 422 if errors else 200,
                form=form, errors=errors)

