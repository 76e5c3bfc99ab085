"""What the finance API accepts: bill-to parties, invoice requests, payments, cancellations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from domain.edition_document import LANGUAGES
from domain.invoice_lines import BillTo
from domain.payment_details import PAYMENT_METHODS
from domain.text import split_lines
from registration.projections.journal import KINDS as JOURNAL_KINDS
from registration.projections.journal import METHODS as JOURNAL_METHODS
from registration.projections.ledger_queries import STATUSES
from registration.web.common.amounts import Amount
from registration.web.common.schemas import StrictSchema
from registration.web.common.text_fields import EmailAddress, MultilineText, Text

TEXT = validate.Length(min=1, max=200)
PERIOD_REVERSED = "The period ends before it starts."
PERIOD_TOO_LONG = "A period of a year at most."


class BillToSchema(StrictSchema):
    name = Text(required=True, validate=TEXT, metadata={
        "description": "The organisation billed (or the person, when billed privately)."})
    contact = Text(load_default=None, allow_none=True, validate=TEXT)
    address = fields.List(Text(validate=TEXT), load_default=list,
                          validate=validate.Length(max=6, error="At most {max} lines."),
                          metadata={"description": "One line of the address per item."})
    email = EmailAddress(load_default=None, allow_none=True)
    tax_id = Text(load_default=None, allow_none=True, validate=validate.Length(max=50))
    language = Text(load_default="en", validate=validate.OneOf(LANGUAGES))

    def load_bill_to(self, data: Any) -> BillTo:
        values = self.load(data)
        return BillTo(**{**values, "address": tuple(values["address"])})


PO_NUMBER = Text(load_default=None, allow_none=True, validate=validate.Length(min=1, max=50),
                 metadata={"description": "The customer's purchase-order number."})


class PurchaseOrderSchema(StrictSchema):
    po_number = PO_NUMBER


BILL_TO_FIELDS = ("name", "contact", "email", "tax_id", "language")


def bill_to_payload(form: Mapping[str, str]) -> dict[str, Any]:
    """The bill-to fields as typed on a page (blanks left out); the address block, a line
    per item."""
    values: dict[str, Any] = {k: form.get(k, "") for k in BILL_TO_FIELDS}
    values = {k: v for k, v in values.items() if v.strip()}
    values["address"] = [line for line in split_lines(form.get("address", "")) if line.strip()]
    return values


class InvoiceRequestSchema(StrictSchema):
    registrations = fields.List(fields.UUID(), required=True,
                                validate=validate.Length(min=1, max=500))
    bill_to = fields.Nested(BillToSchema, required=True)
    po_number = PO_NUMBER


class SelfInvoiceRequestSchema(StrictSchema):
    bill_to = fields.Nested(BillToSchema, load_default=None, allow_none=True, metadata={
        "description": "Default: the attendee's organisation, name and language."})
    po_number = PO_NUMBER


class InvoicePaymentSchema(StrictSchema):
    amount = Amount(required=True, metadata={
        "type": "string", "example": "1258.98",
        "description": "In the invoice's currency: `1258.98`, or as typed in the person's "
                       "language (`1 258,98` in French)."})
    method = Text(required=True, validate=validate.OneOf(PAYMENT_METHODS))
    reference = Text(required=True, validate=validate.Length(min=1, max=100),
                     metadata={"description": "The bank or cheque reference; one already "
                                              "recorded on the invoice is refused (409)."})
    received_on = fields.Date(required=True, metadata={
        "description": "The day the money was received (the bank statement's value date): "
                       "the journal books it on that day. Not after today, nor more than 90 "
                       "days before the invoice was issued (422)."})
    overpayment = fields.Boolean(load_default=False, metadata={
        "description": "Confirms an amount above what is due: the rest shows as a credit "
                       "to refund. Without it, such an amount is refused (409)."})


class InvoiceCancellationSchema(StrictSchema):
    reason = MultilineText(load_default=None, allow_none=True,
                           validate=validate.Length(max=200),
                           metadata={"description": "Why; it may take several lines."})


class LedgerQuerySchema(StrictSchema):
    delegation = Text(load_default=None, validate=validate.Length(min=1, max=20),
                      metadata={"description": "Only this delegation's documents."})
    status = Text(load_default=None, validate=validate.OneOf(STATUSES))
    unpaid = fields.Boolean(load_default=False, metadata={
        "description": "Only documents with a balance due."})


def period_field(required: bool, key: str, description: str) -> fields.Date:
    """A day of a period (`from` or `to`), in the edition's time zone."""
    if required:
        return fields.Date(required=True, data_key=key, metadata={"description": description})
    return fields.Date(load_default=None, data_key=key, metadata={"description": description})


class PeriodSchema(StrictSchema):
    """Both days of a period, a year at most."""

    since = period_field(True, "from", "The first day, in the edition's time zone.")
    until = period_field(True, "to", "The last day (included).")
    at_most_a_year = True

    @validates_schema
    def period_in_order(self, data: dict[str, Any], **_: Any) -> None:
        since, until = data.get("since"), data.get("until")
        if since is None or until is None:
            return
        if since > until:
            raise ValidationError(PERIOD_REVERSED, "to")
        if self.at_most_a_year and (until - since).days > 366:
            raise ValidationError(PERIOD_TOO_LONG, "to")


class JournalQuerySchema(PeriodSchema):
    method = Text(load_default=None, validate=validate.OneOf(JOURNAL_METHODS), metadata={
        "description": "Only movements made this way."})
    kind = Text(load_default=None, validate=validate.OneOf(JOURNAL_KINDS), metadata={
        "description": "Only payments, or only refunds."})
    since = period_field(False, "from", "The first day shown (none: from the first).")
    until = period_field(False, "to", "The last day shown, included (none: to the last).")
    at_most_a_year = False
