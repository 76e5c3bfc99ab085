"""The attendee's side of invoices and group payment.

With the manage link (this session's grant): download the invoices and credit notes billing
one's place, or ask for an invoice instead of paying by card. After registering a
delegation: pay for everyone at once with one card payment (the group form granted this
session each registration).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, abort, redirect, render_template, request, url_for

from domain.edition_config import EditionConfig
from domain.errors import DomainError, WrongToken
from registration.services.views import RegistrationView
from registration.web.attendee.holder import granted, holder_registration, page
from registration.web.common import i18n
from registration.web.common.finance_schemas import (
    BillToSchema,
    PurchaseOrderSchema,
    bill_to_payload,
)
from registration.web.common.forms import Errors, refusal, typed, validate
from registration.web.common.headers import use_stripe_js
from registration.web.common.http import services
from registration.web.common.lookups import invoice_pdf as pdf_of
from registration.web.common.lookups import ledger
from registration.web.common.pages import edition_for_page, protect
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


def group_members(config: EditionConfig) -> list[RegistrationView]:
    """The registrations posted, each one this session holds (the group form granted them)."""
    members = []
    for key in request.form.getlist("id"):
        try:
            registration_id = UUID(key)
        except ValueError:
            abort(404)
        generation = granted(registration_id)
        try:
            registration = None if generation is None else \
                services().registrations.for_grant(registration_id, generation)
        except WrongToken:
            registration = None
        if registration is None or registration.edition.slug != config.slug:
            abort(403, description=i18n.gettext(
                "These links do not open these registrations."))
        members.append(registration)
    if not members:
        abort(400, description=i18n.gettext("Nobody to pay for."))
    return members


@attendee_payments.post("/e/<slug>/group/pay")
@budget("payments")
def group_pay(slug: str) -> Any:
    """Open one card payment for the whole delegation and show the card form."""
    config = edition_for_page(slug)
    owed = [r for r in group_members(config) if not r.balance_due.is_zero]
    if not owed:
        return render_template("public/group_pay.html", config=config, checkout=None,
                               members=[])
    checkout = services().payments.checkout([r.id for r in owed])
    use_stripe_js()
    gateway = services().payments.gateway
    return render_template(
        "public/group_pay.html", config=config, checkout=checkout,
        members=owed, stripe_js=gateway.js_url,
        publishable_key=gateway.publishable_key,
        poll=url_for("checkout.payment_status", registration_id=owed[0].id))
