"""Finance pages: the ledger, invoicing a delegation, payments and credit notes, PDFs and CSV.

Every command goes through `InvoiceService`; the reads come from the ledger read table.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from domain.billing import due_and_overpaid
from domain.errors import DomainError
from domain.identifiers import edition_id
from domain.invoice_lines import lines_total
from domain.money import Money
from domain.text import TextRefused, clean_text
from registration.projections.ledger import LedgerRow
from registration.projections.ledger_queries import STATUSES, InvoiceView, ledger_csv
from registration.web.common import i18n
from registration.web.common.amounts import amount_typed
from registration.web.common.finance_schemas import (
    BillToSchema,
    InvoiceCancellationSchema,
    InvoicePaymentSchema,
    PurchaseOrderSchema,
    bill_to_payload,
)
from registration.web.common.forms import Errors, refusal, typed, validate
from registration.web.common.http import services
from registration.web.common.lookups import invoice_pdf, ledger
from registration.web.common.lookups import invoice_view as known_invoice
from registration.web.common.pages import protect
from registration.web.common.refusals import refusal_message
from registration.web.common.staff_session import staff_page
from registration.web.common.statuses import method_label, movement_label, recorder_label
from registration.web.staff.context import chosen_edition, edition_for_staff_page, speak_about

finance_pages = protect(Blueprint("finance_pages", __name__, url_prefix="/staff/finance"))

def ledger_filters(args: MultiDict[str, str]) -> dict[str, Any]:
    """The ledger's filters; a delegation the text rule refuses is refused here (422)."""
    status = args.get("status") or None
    delegation = typed(args, "delegation")
    try:
        delegation = clean_text(delegation) if delegation else None
    except TextRefused as refused:
        abort(422, description=refusal_message(refused))
    return {"delegation": delegation or None,
            "status": status if status in STATUSES else None,
            "unpaid": args.get("unpaid") in {"1", "on", "true"}}


def totals(rows: list[LedgerRow]) -> dict[str, Decimal]:
    """Invoiced, credited, received, still due and overpaid, over the documents shown."""
    sums = {"invoiced": Decimal(0), "credited": Decimal(0), "paid": Decimal(0)}
    for row in rows:
        if row.kind == "credit_note":
            sums["credited"] += row.amount("total")
            continue
        sums["invoiced"] += row.amount("total")
        sums["paid"] += row.amount("paid")
    # (a credit note's balance is nil: what it credits shows in its invoice's)
    sums["balance"], sums["overpaid"] = due_and_overpaid(row.amount("balance") for row in rows)
    return sums


@finance_pages.get("/")
@staff_page("finance")
def home() -> Any:
    config, documents = chosen_edition()
    if config is None:
        return render_template("staff/finance/ledger.html", config=None)
    filters = ledger_filters(request.args)
    rows = ledger().rows(str(edition_id(config.slug)), **filters)
    csv_args: dict[str, Any] = {k: "1" if v is True else v for k, v in filters.items() if v}
    return render_template("staff/finance/ledger.html", config=config, documents=documents,
                           rows=rows, filters=filters, totals=totals(rows), statuses=STATUSES,
                           csv_url=url_for("finance_pages.export", slug=config.slug,
                                           **csv_args))


@finance_pages.get("/<slug>/ledger.csv")
@staff_page("finance")
def export(slug: str) -> Any:
    config = edition_for_staff_page(slug)
    rows = ledger().rows(str(edition_id(config.slug)), **ledger_filters(request.args))
    return Response(ledger_csv(rows), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{slug}-ledger.csv"'})


@finance_pages.route("/<slug>/invoices/new", methods=["GET", "POST"])
@staff_page("finance")
def issue(slug: str) -> Any:
    """Pick a delegation, tick its registrations, fill in the bill-to party, issue."""
    config = edition_for_staff_page(slug)
    form: MultiDict[str, str] = request.form if request.method == "POST" else request.args
    delegation = form.get("delegation", "")
    errors: Errors = {}
    if request.method == "POST":
        picked = form.getlist("registrations")
        bill_to, errors = validate(BillToSchema(), bill_to_payload(form))
        order, order_errors = validate(PurchaseOrderSchema(),
                                       {"po_number": typed(form, "po_number")})
        errors.update(order_errors)
        if not picked:
            errors["registrations"] = i18n.gettext("Tick at least one registration to bill.")
        if not errors:
            try:
                invoice = services().invoices.issue(
                    slug, [parse_uuid(r) for r in picked],
                    BillToSchema().load_bill_to(bill_to), order["po_number"])
                return redirect(url_for("finance_pages.invoice", number=invoice.number,
                                        done="issued"))
            except DomainError as error:
                errors = refusal(error)
    delegations = [(d.code, d.name(i18n.current_language())) for d in config.delegations]
    return render_template(
        "staff/finance/issue.html", config=config, delegations=delegations,
        delegation=delegation,
        people=services().queries.billable(config, delegation) if delegation else [],
        picked=set(form.getlist("registrations")), form=form, errors=errors,
        row_total=lambda row: Money(Decimal(row.total), row.currency),
    ), 422 if errors else 200


def parse_uuid(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        abort(422, description=i18n.gettext("A ticked registration is not valid."))


def invoice_view(number: str) -> InvoiceView:
    view = known_invoice(number)
    if view is None:
        abort(404, description=i18n.gettext("There is no invoice %(number)s.") % {
            "number": number})
    speak_about(services().editions.config(view.document["edition"]["slug"]))
    return view


def show(number: str, errors: Errors | None = None, form: Any = None) -> Any:
    view = invoice_view(number)
    doc, currency = view.document, view.document["currency"]
    config = services().editions.config(doc["edition"]["slug"])
    total = lines_total(doc["lines"], "total", currency)
    today = config.day_of(services().clock())
    return render_template(
        "staff/finance/invoice.html", view=view, doc=doc, errors=errors or {},
        currency=currency, money_from=Money.from_dict,
        subtotal=lines_total(doc["lines"], "amount", currency), total=total,
        cancels=doc["kind"] == "credit_note" and ledger().cancels_whole(view),
        payments=services().queries.invoice_payments(config, number),
        method_label=method_label, recorder_label=recorder_label, movement_label=movement_label,
        form=form or {"received_on": today.isoformat(),
                      "amount": amount_typed(Money(view.balance, currency))
                      if view.balance > 0 else ""},
        notice=request.args.get("done"),
    ), 422 if errors else 200


@finance_pages.get("/invoices/<number>")
@staff_page("finance")
def invoice(number: str) -> Any:
    return show(number)


@finance_pages.post("/invoices/<number>/payments")
@staff_page("finance")
def record_payment(number: str) -> Any:
    form = request.form
    payload = {k: typed(form, k) for k in ("amount", "method", "reference")}
    payload["received_on"] = form.get("received_on", "").strip()
    payload["overpayment"] = "true" if form.get("overpayment") else ""
    data, errors = validate(InvoicePaymentSchema(), {k: v for k, v in payload.items() if v})
    if not errors:
        try:
            amount = Money(data["amount"], services().invoices.currency(number))
            services().invoices.record_payment(
                number, amount, data["method"], data["reference"], data["received_on"],
                overpayment=data["overpayment"])
            return redirect(url_for("finance_pages.invoice", number=number, done="paid"))
        except DomainError as error:
            errors = refusal(error)
    return show(number, errors, form)


@finance_pages.post("/invoices/<number>/cancellation")
@staff_page("finance")
def cancel(number: str) -> Any:
    data, errors = validate(InvoiceCancellationSchema(),
                            {"reason": typed(request.form, "reason")})
    if errors:
        return show(number, errors, request.form)
    try:
        note = services().invoices.cancel(number, data["reason"] or None)
    except DomainError as error:
        return show(number, {"cancel": refusal_message(error)})
    return redirect(url_for("finance_pages.invoice", number=note.number, done="credited"))


@finance_pages.get("/invoices/<number>.pdf")
@staff_page("finance")
def pdf(number: str) -> Any:
    return invoice_pdf(invoice_view(number))
