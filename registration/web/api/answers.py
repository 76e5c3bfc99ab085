"""What the JSON API answers, as JSON Schema components of the OpenAPI document.

A view's docstring names its answer by component (`schema: Registration`); `openapi.py`
turns the name into a reference. Every closed list of values is an `enum`, taken from the
constant the code itself checks against, so the document cannot drift from the code.
The schemathesis run (tests/security/test_openapi_contract.py) checks every answer
against these.
"""

from __future__ import annotations

from typing import Any

from domain.actor import KINDS as ACTOR_KINDS
from domain.actor import ROLES
from domain.checkin_lists import DIRECTIONS
from domain.edition_document import CURRENCIES, LANGUAGES
from domain.questions import KINDS as QUESTION_KINDS
from domain.reconciliation import DIFFERENCES
from domain.standing import STATUSES as REGISTRATION_STATUSES
from registration.adapters.batch_store import STATUSES as BATCH_STATUSES
from registration.projections.journal import KINDS as JOURNAL_KINDS
from registration.projections.journal import METHODS as JOURNAL_METHODS
from registration.projections.ledger_queries import STATUSES as INVOICE_STATUSES

Schema = dict[str, Any]
# A PaymentIntent's status, as Stripe names them.
INTENT_STATUSES = ("requires_payment_method", "requires_confirmation", "requires_action",
                   "processing", "requires_capture", "canceled", "succeeded")
CARD_OUTCOMES = ("succeeded", "processing", "requires_action")
CHECK_IN_STATUSES = ("checked_in", "already_checked_in", "checked_out")
HEALTH = ("ok", "failing")
WAITING_STATUSES = ("waiting", "offered", "accepted", "expired", "left")  # domain.waiting_list
INVOICE_KINDS = ("invoice", "credit_note")  # domain.invoice.KINDS (the web imports no aggregate)
COUNTS = ("registered", "paid", "cancelled", "substituted", "checked_in", "attending")


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: dict[str, Schema], optional: tuple[str, ...] = ()) -> Schema:
    """An object with exactly these properties, all present but `optional`."""
    return {"type": "object", "additionalProperties": False, "properties": properties,
            "required": [name for name in properties if name not in optional]}


def nullable(schema: Schema) -> Schema:
    if "$ref" in schema:
        return {"allOf": [schema], "nullable": True}
    return {**schema, "nullable": True}


def enum(values: tuple[str, ...] | list[str], description: str = "") -> Schema:
    schema: Schema = {"type": "string", "enum": list(values)}
    return {**schema, "description": description} if description else schema


def mapping(values: Schema) -> Schema:
    return {"type": "object", "additionalProperties": values}


def array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


STRING: Schema = {"type": "string"}
INTEGER: Schema = {"type": "integer"}
BOOLEAN: Schema = {"type": "boolean"}
UUID: Schema = {"type": "string", "format": "uuid"}
DATE: Schema = {"type": "string", "format": "date"}
MOMENT: Schema = {"type": "string", "format": "date-time"}
DECIMAL: Schema = {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$",
                   "description": "A decimal number as a string, like 454.15."}
CURRENCY = enum(CURRENCIES)
LANGUAGE = enum(LANGUAGES)
NAMES = {**mapping(STRING), "description": "The name in each language (en, fr)."}
MONEY = obj({"amount": DECIMAL, "currency": CURRENCY})

TAX_LINE = obj({"code": STRING, "name": STRING, "rate": DECIMAL, "base": DECIMAL,
                "amount": DECIMAL, "registration_number": nullable(STRING)})
QUOTE = obj({
    "registration_type": STRING, "tier": STRING, "currency": CURRENCY, "list_price": DECIMAL,
    "early_bird_applied": BOOLEAN, "early_bird_until": nullable(MOMENT),
    "early_bird_discount": DECIMAL, "discount_code": nullable(STRING),
    "code_discount": DECIMAL, "subtotal": DECIMAL, "extras": {**array(obj({
        "code": STRING, "name": STRING, "quantity": INTEGER, "unit_price": DECIMAL,
        "amount": DECIMAL, "total": DECIMAL})), "description": (
            "Add-ons bought with the place, each taxed like it (`total`: taxes included).")},
    "before_tax": {**DECIMAL, "description": "The place (`subtotal`) and its add-ons."},
    "taxes": {**array(TAX_LINE), "description": "The place's and its add-ons' taxes."},
    "tax_total": DECIMAL, "total": DECIMAL, "quoted_at": nullable(MOMENT)})
ATTENDEE = obj({"first_name": STRING, "last_name": STRING, "email": STRING,
                "organisation": STRING, "job_title": STRING, "language": LANGUAGE,
                "phone": nullable(STRING)})
REFUND = obj({"refund_percent": DECIMAL, "retained": DECIMAL, "refund_owed": DECIMAL,
              "currency": CURRENCY})
REGISTRATION_PROPERTIES = {
    "id": UUID, "edition": STRING, "status": enum(REGISTRATION_STATUSES),
    "registration_type": STRING, "delegation": nullable(STRING),
    "attendee": ref("RegisteredAttendee"),
    "quote": ref("Quote"), "paid": DECIMAL, "refunded": DECIMAL, "balance_due": DECIMAL,
    "substitutions": INTEGER, "cancellation": nullable(ref("CancellationTerms")),
    "registered_at": nullable(MOMENT), "updated_at": nullable(MOMENT),
    "answers": {**mapping({"oneOf": [STRING, BOOLEAN]}), "description": (
        "Answers to the edition's questions by code: a text or an option's code, or "
        "true/false.")},
    "unanswered": {**array(STRING), "description": "Required questions not answered yet."}}
REGISTRATION = obj(REGISTRATION_PROPERTIES)
NEW_REGISTRATION = obj({**REGISTRATION_PROPERTIES, "manage_token": {
    **STRING, "description": "The manage token: shown only in this answer; keep it."}})
CANCELLED = obj({"registration": ref("Registration"), "refund": ref("CancellationTerms")})
ACTOR = obj({"kind": enum(ACTOR_KINDS), "id": nullable(STRING), "name": nullable(STRING),
             "role": nullable(enum(ROLES))})
HISTORY = obj({"registration": UUID, "events": array(obj({
    "event": STRING, "version": INTEGER, "at": MOMENT, "actor": ACTOR,
    "details": {"type": "object", "description": "Depends on `event`."}}))})

TIER = obj({"name": STRING, "price": DECIMAL, "until": nullable(MOMENT),
            "early_bird": BOOLEAN})
PLACES_LEFT = {**nullable(INTEGER), "description": (
    "Places left now (0: sold out, or the delegation is full, or someone on the waiting list "
    "comes first), as registering decides; null when unlimited.")}
WAITING_LIST_OPEN = {**BOOLEAN, "description": (
    "Sold out: POST /api/editions/{slug}/waiting-list to wait for places.")}
REGISTRATION_TYPE = obj({"code": STRING, "names": NAMES, "capacity": nullable(INTEGER),
                         "places_left": PLACES_LEFT, "waiting_list_open": WAITING_LIST_OPEN,
                         "color": nullable(STRING), "current_price": ref("Quote"),
                         "tiers": array(TIER)})
DELEGATION = obj({"code": STRING, "names": NAMES, "kind": STRING,
                  "allotment": nullable(INTEGER), "places_left": PLACES_LEFT,
                  "waiting_list_open": WAITING_LIST_OPEN})
QUESTION = obj({
    "code": STRING, "kind": enum(QUESTION_KINDS), "labels": NAMES, "required": BOOLEAN,
    "options": array(obj({"code": STRING, "labels": NAMES})),
    "registration_types": {**array(STRING), "description": (
        "The types asked this question; empty: every type.")}})
EXTRA = obj({
    "code": STRING, "names": NAMES, "price": {**DECIMAL, "description": "Before tax."},
    "capacity": nullable(INTEGER), "places_left": PLACES_LEFT,
    "max_per_registration": INTEGER, "registration_types": {**nullable(array(STRING)),
                                                            "description": (
        "The types it is offered with; null: every type.")}})
EDITION = obj({
    "slug": STRING, "names": NAMES, "host": STRING, "venue": mapping(STRING),
    "starts_on": DATE, "ends_on": DATE, "time_zone": STRING, "currency": CURRENCY,
    "languages": array(LANGUAGE), "registration_opens": nullable(MOMENT),
    "registration_closes": nullable(MOMENT), "registration_open": BOOLEAN,
    "registration_types": array(ref("RegistrationType")), "delegations": array(DELEGATION),
    "questions": array(QUESTION), "extras": array(EXTRA)})
EDITIONS = obj({"editions": array(ref("Edition"))})

FIGURES = obj({name: INTEGER for name in COUNTS})
ATTENDANCE = obj({
    "edition": STRING, "as_of": nullable(MOMENT), "totals": FIGURES,
    "by_type": mapping(FIGURES), "delegations": array(obj({
        "code": nullable(STRING), "name": nullable(STRING), "totals": FIGURES,
        "by_type": mapping(FIGURES)}))})
HEALTH_REPORT = obj({
    "status": enum(HEALTH), "database": STRING, "log_head": nullable(INTEGER),
    "followers": array(obj({"name": STRING, "position": INTEGER, "lag": INTEGER,
                            "stopped": BOOLEAN, "error": nullable({"type": "object"})}))})

CHECKOUT = obj({
    "payment": {**STRING, "description": "The Stripe PaymentIntent id."},
    "client_secret": STRING, "status": enum(INTENT_STATUSES), "amount": DECIMAL,
    "currency": CURRENCY, "shares": mapping(DECIMAL), "publishable_key": STRING,
    "stripe_js": STRING})
CARD_OUTCOME = obj({"status": enum(CARD_OUTCOMES), "client_secret": nullable(STRING)})
PAYMENT_STATUS = obj({"status": enum(REGISTRATION_STATUSES), "balance_due": DECIMAL,
                      "payment": nullable(STRING)})

CHECK_IN = obj({
    "status": enum(CHECK_IN_STATUSES), "message": STRING,
    "list": obj({"code": STRING, "name": STRING}), "direction": enum(DIRECTIONS),
    "at": {**MOMENT, "description": "The exit, or since when the person is inside."},
    "checked_in_at": nullable(MOMENT), "registration": UUID,
    "checkin_code": {**STRING, "description": "The short code printed under the QR code."},
    "attendee": obj({"first_name": STRING, "last_name": STRING, "organisation": STRING}),
    "delegation": nullable(obj({"code": STRING, "name": STRING})),
    "registration_type": obj({"code": STRING, "name": STRING}),
    "payment": obj({"status": enum(REGISTRATION_STATUSES), "balance_due": DECIMAL,
                    "currency": CURRENCY})})
PRESENCE = obj({"edition": STRING, "as_of": nullable(MOMENT), "lists": array(obj({
    "code": STRING, "name": nullable(STRING), "day": nullable(DATE), "present": INTEGER,
    "delegations": array(obj({"code": nullable(STRING), "present": INTEGER}))}))})
DESK_COPY = obj({
    "edition": STRING, "position": INTEGER, "complete": BOOLEAN, "time_zone": STRING,
    "lists": array(obj({"code": STRING, "name": STRING, "day": nullable(DATE),
                        "registration_types": nullable(array(STRING))})),
    "registration_types": mapping(STRING), "delegations": mapping(STRING),
    "people": array(obj({
        "id": UUID, "first_name": STRING, "last_name": STRING, "organisation": STRING,
        "delegation": nullable(STRING), "registration_type": STRING, "admitted": BOOLEAN,
        "keys": {**array(STRING), "description": "SHA-256 (hex) of `desk-copy/` and the "
                 "badge's QR text, then of its normalised short code."},
        "inside": {**mapping(MOMENT), "description": "List code: inside since."}}))})
OFFLINE_SCANS = obj({"results": array(obj({
    "nonce": STRING, "status": enum(("recorded", "conflict", "refused")),
    "reason": nullable(STRING), "registration": nullable(STRING), "repeated": BOOLEAN,
    "message": STRING}))})
ATTENDEES = obj({"attendees": array(obj({
    "registration": STRING, "first_name": STRING, "last_name": STRING, "email": STRING,
    "organisation": STRING, "delegation": nullable(STRING), "registration_type": STRING,
    "status": enum(REGISTRATION_STATUSES), "badge_prints": INTEGER,
    "checked_in_at": nullable(STRING)}))})

DOCUMENT_TAX = obj({"code": STRING, "names": NAMES, "rate": DECIMAL, "base": DECIMAL,
                    "amount": DECIMAL, "registration_number": nullable(STRING)})
INVOICE = obj({
    "number": STRING, "kind": enum(INVOICE_KINDS), "refers_to_number": nullable(STRING),
    "currency": CURRENCY, "languages": array(LANGUAGE), "issued_on": DATE,
    "due_on": nullable(DATE), "po_number": nullable(STRING), "delegation": nullable(STRING),
    "reason": nullable(STRING),
    "issuer": {"type": "object",
               "description": "Legal name, address, tax numbers, bank details (`bank`)."},
    "paid_by": {**nullable(STRING), "description": "The card payment (PaymentIntent) an "
                "invoice issued on payment was issued for, and paid by; null otherwise."},
    "bill_to": {"type": "object", "description": "As sent in `bill_to`."},
    "edition": STRING,
    "lines": array({"type": "object", "description": "One per place billed or credited."}),
    "subtotal": DECIMAL, "taxes": array(DOCUMENT_TAX), "total": DECIMAL,
    "status": enum(INVOICE_STATUSES), "paid": DECIMAL, "credited": DECIMAL,
    "balance_due": DECIMAL, "credit_notes": array(STRING), "pdf": STRING})
LEDGER = obj({"edition": STRING, "invoices": array({
    "type": "object", "required": ["number", "kind", "status", "currency", "total"],
    "properties": {"number": STRING, "kind": enum(INVOICE_KINDS),
                   "status": enum(INVOICE_STATUSES), "currency": CURRENCY,
                   "total": DECIMAL, "paid": DECIMAL, "balance": DECIMAL,
                   "taxes": array({"type": "object"})}})})
MOVEMENT = obj({
    "entry": STRING, "kind": enum(JOURNAL_KINDS), "method": enum(JOURNAL_METHODS),
    "at": {**MOMENT, "description": "When it was recorded."},
    "day": {**DATE, "description": "The day it is booked on: a transfer's or cheque's "
                                   "`received_on`, else the day of `at` (the edition's)."},
    "received_on": {**nullable(DATE), "description": "The day a transfer or cheque was "
                                                     "received."},
    "payer": STRING, "reference": STRING, "charge": nullable(STRING),
    "amount": {**DECIMAL, "description": "Negative for a refund."}, "currency": CURRENCY,
    "registrations": array(UUID), "invoice": nullable(STRING),
    "recorded_by": {**STRING, "description": "A staff member's name, or stripe, attendee, "
                                              "system."}})
JOURNAL = obj({
    "edition": STRING, "currency": CURRENCY, "movements": array(ref("Movement")),
    "received": DECIMAL, "refunded": DECIMAL, "net": DECIMAL,
    "by_method": mapping(DECIMAL), "by_day": mapping(DECIMAL)})
RECONCILIATION = obj({
    "edition": STRING, "from": DATE, "to": DATE, "matched": INTEGER,
    "differences": array(obj({"kind": enum(DIFFERENCES), "source": STRING,
                              "journal": nullable(MONEY), "processor": nullable(MONEY)}))})
STAFF_TOKEN = obj({"prefix": nullable(STRING), "issued_at": nullable(MOMENT),
                   "expires_at": MOMENT, "last_used": nullable(MOMENT), "revoked": BOOLEAN})
STAFF_MEMBER = obj({"id": UUID, "name": STRING, "role": enum(ROLES), "disabled": BOOLEAN,
                    "second_factor": BOOLEAN, "tokens": array(STAFF_TOKEN)})
STAFF_MEMBERS = obj({"members": array(ref("StaffMember"))})
LINK_SENT = obj({"message": STRING})
DELEGATION_LEAD = obj({
    "id": UUID, "edition": STRING, "delegation": STRING, "name": STRING, "email": STRING,
    "language": enum(LANGUAGES), "allotment_left": nullable(INTEGER),
    "members": array(obj({
        "id": UUID, "first_name": STRING, "last_name": STRING, "email": STRING,
        "registration_type": STRING, "status": enum(REGISTRATION_STATUSES),
        "attending": BOOLEAN, "balance_due": DECIMAL, "currency": enum(CURRENCIES)}))})
BADGE_BATCH = obj({
    "id": STRING, "edition": STRING,
    "status": enum(BATCH_STATUSES),
    "done": INTEGER, "total": INTEGER, "filters": {"type": "object"}, "stock": nullable(STRING),
    "asked_at": STRING, "finished_at": nullable(STRING), "download": nullable(STRING),
    "error": nullable(obj({"code": STRING, "message": STRING}))})
WAITING_LIST_ENTRY_PROPERTIES = {
    "id": UUID, "edition": STRING, "registration_type": STRING, "delegation": nullable(STRING),
    "quantity": INTEGER, "first_name": STRING, "last_name": STRING, "email": STRING,
    "language": LANGUAGE, "status": enum(WAITING_STATUSES), "joined_at": MOMENT,
    "offered_until": nullable(MOMENT),
    "position": {**nullable(INTEGER), "description": "1: the next to be offered (null: not "
                                                     "waiting)."},
    "registered": {**INTEGER, "description": "Places of its offer already registered."},
    "ended_at": {**nullable(MOMENT), "description": "When it was accepted (its last place "
                                                    "registered), expired or left."}}
WAITING_LIST_ENTRY = obj(WAITING_LIST_ENTRY_PROPERTIES)
NEW_WAITING_LIST_ENTRY = obj({**WAITING_LIST_ENTRY_PROPERTIES, "token": {
    **STRING, "description": "The entry's link token: its page is /w/{id}?token=…"}})
WAITING_LIST = obj({"edition": STRING, "entries": array(ref("WaitingListEntry"))})

ANSWERS: dict[str, Schema] = {
    "Quote": QUOTE, "RegisteredAttendee": ATTENDEE, "CancellationTerms": REFUND,
    "Registration": REGISTRATION, "NewRegistration": NEW_REGISTRATION,
    "Cancellation": CANCELLED, "History": HISTORY, "RegistrationType": REGISTRATION_TYPE,
    "Edition": EDITION, "Editions": EDITIONS, "Attendance": ATTENDANCE,
    "Health": HEALTH_REPORT, "Checkout": CHECKOUT, "CardOutcome": CARD_OUTCOME,
    "PaymentStatus": PAYMENT_STATUS, "CheckIn": CHECK_IN, "Presence": PRESENCE,
    "Attendees": ATTENDEES, "DeskCopy": DESK_COPY, "OfflineScans": OFFLINE_SCANS,
    "Invoice": INVOICE, "Ledger": LEDGER, "Movement": MOVEMENT, "Journal": JOURNAL,
    "Reconciliation": RECONCILIATION, "StaffMember": STAFF_MEMBER, "StaffMembers": STAFF_MEMBERS,
    "LinkSent": LINK_SENT, "BadgeBatch": BADGE_BATCH, "DelegationLead": DELEGATION_LEAD,
    "WaitingListEntry": WAITING_LIST_ENTRY, "NewWaitingListEntry": NEW_WAITING_LIST_ENTRY,
    "WaitingList": WAITING_LIST,
}
