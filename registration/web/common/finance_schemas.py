"""What the finance API accepts: bill-to parties, invoice requests, payments, cancellations."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from domain.edition_document import LANGUAGES
from domain.invoice_lines import BillTo
from domain.payment_details import PAYMENT_METHODS
from registration.projections.ledger_queries import STATUSES
from registration.web.common.schemas import StrictSchema
from registration.web.common.text_fields import EmailAddress, MultilineText, Text

TEXT = validate.Length(min=1, max=200)


class BillToSchema(StrictSchema):
    name = Text(required=True, validate=TEXT, metadata={
        "description": "The organisation billed (or the person, when billed privately)."})
    contact = Text(load_default=None, allow_none=True, validate=TEXT)
    address = fields.List(Text(validate=TEXT), load_default=list, validate=validate.Length(max=6),
                          metadata={"description": "One line of the address per item."})
    email = EmailAddress(load_default=None, allow_none=True)
    tax_id = Text(load_default=None, allow_none=True, validate=validate.Length(max=50))
    language = Text(load_default="en", validate=validate.OneOf(LANGUAGES))

    def load_bill_to(self, data: Any) -> BillTo:
        values = self.load(data)
        return BillTo(**{**values, "address": tuple(values["address"])})


PO_NUMBER = Text(load_default=None, allow_none=True, validate=validate.Length(min=1, max=50),
                 metadata={"description": "The customer's purchase-order number."})


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
    amount = Text(required=True, validate=validate.Regexp(
        r"^[0-9]{1,9}(\.[0-9]{1,2})?$", error="An amount like 1258.98."),
        metadata={"description": "In the invoice's currency.", "example": "1258.98"})
    method = Text(required=True, validate=validate.OneOf(PAYMENT_METHODS))
    reference = Text(required=True, validate=validate.Length(min=1, max=100),
                     metadata={"description": "The bank or cheque reference; recording it "
                                              "twice changes nothing."})
    received_on = fields.Date(required=True)


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
