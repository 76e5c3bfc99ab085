"""The attendee's side of invoices and group payment.

With the manage link: download the invoices and credit notes billing one's place, or ask
for an invoice instead of paying by card. After registering a delegation: pay for everyone
at once with one card payment.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for

from domain.registration import Registration
from registration.adapters.invoice_document import render_invoice
from registration.application import same_secret
from registration.projections.ledger_queries import InvoiceView, Ledger
from registration.web import i18n
from registration.web.attendee import holder_registration
from registration.web.pages import edition_for_page, protect, services

attendee_payments = protect(Blueprint("attendee_payments", __name__))


@attendee_payments.app_template_global()
def billing_documents(registration: Registration) -> list[InvoiceView]:
    """Every invoice that billed the place, and the credit notes crediting it, oldest first."""
    ledger = Ledger(services().read_models.store)
    numbers = dict.fromkeys(item.details["invoice_number"]
                            for item in services().registrations.history(registration.id)
                            if item.event == "Invoiced")
    found: list[InvoiceView] = []
    for number in numbers:
        view = ledger.view(number)
        if view is None:  # not yet in the read model
            continue
        found.append(view)
        notes = (ledger.view(n) for n in view.credit_notes)
        found.extend(note for note in notes if note is not None and bills(note, registration))
    return found


def bills(view: InvoiceView, registration: Registration) -> bool:
    return any(line.get("registration_id") == str(registration.id)
               for line in view.document["lines"])


@attendee_payments.get("/r/<registration_id>/invoices/<number>.pdf")
def invoice_pdf(registration_id: str, number: str) -> Any:
    registration, _, _ = holder_registration(registration_id)
    for view in billing_documents(registration):
        if view.document["number"] == number:
            return Response(render_invoice(services().documents, view),
                            mimetype="application/pdf",
                            headers={"Content-Disposition": f'inline; filename="{number}.pdf"'})
    abort(404, description=i18n.gettext("This invoice does not bill your registration."))


@attendee_payments.post("/r/<registration_id>/invoice")
def request_invoice(registration_id: str) -> Any:
    """Send me an invoice: billed to my organisation, in my language (the finance service)."""
    registration, _, token = holder_registration(registration_id)
    services().invoices.issue_for_holder(registration.id, None)
    return redirect(url_for("attendee.manage", registration_id=registration.id, token=token,
                            done="invoiced"))


def group_members(slug: str) -> list[tuple[Registration, str]]:
    """The registrations posted with their manage tokens (each token must open its own)."""
    edition = services().app.edition(slug)
    members = []
    for key, token in zip(request.form.getlist("id"), request.form.getlist("token"),
                          strict=False):
        try:
            registration = services().registrations.get(UUID(key))
        except ValueError:
            abort(404)
        if registration.edition_id != edition.id or not same_secret(
                token, registration.manage_token_hash):
            abort(403, description=i18n.gettext(
                "These links do not open these registrations."))
        members.append((registration, token))
    if not members:
        abort(400, description=i18n.gettext("Nobody to pay for."))
    return members


@attendee_payments.post("/e/<slug>/group/pay")
def group_pay(slug: str) -> Any:
    """Open one card payment for the whole delegation and show the card form."""
    config = edition_for_page(slug)
    owed = [(r, token) for r, token in group_members(slug)
            if not r.balance_due.is_zero and not r.is_cancelled]
    if not owed:
        return render_template("public/group_pay.html", config=config, checkout=None,
                               members=[])
    checkout = services().payments.checkout([r.id for r, _ in owed])
    gateway = services().payments.gateway
    first, token = owed[0]
    return render_template(
        "public/group_pay.html", config=config, checkout=checkout,
        members=[r for r, _ in owed], stripe_js=gateway.js_url,
        publishable_key=gateway.publishable_key,
        poll={"url": f"/api/registrations/{first.id}/payment", "token": token})
