"""The JSON API: thin translations from HTTP to service calls and back."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from uuid import UUID

from flask import Blueprint, current_app, request

from domain.edition import Edition
from domain.edition_config import EditionConfig
from domain.idempotency import Outcome
from domain.registration import Registration
from registration.services.container import Services
from registration.web.auth import (
    STAFF_ROLES,
    current_staff,
    require_holder_or_staff,
    staff_required,
)
from registration.web.errors import ApiError
from registration.web.idempotency import claim, manage_token, registration_outcome, replays
from registration.web.presenters import (
    edition_json,
    quote_json,
    registration_json,
    terms_json,
)
from registration.web.ratelimit import rate_limited
from registration.web.schemas import (
    AttendeeSchema,
    CorrectionSchema,
    QuoteRequestSchema,
    RegistrationRequestSchema,
    SubstitutionSchema,
    load_json,
)

api = Blueprint("api", __name__, url_prefix="/api")


def services() -> Services:
    return current_app.extensions["services"]


def body() -> Any:
    payload = request.get_json(silent=True)
    if payload is None:
        raise ApiError(400, "Send a JSON body with 'Content-Type: application/json'.")
    return payload


def in_zone(moment: datetime, config: EditionConfig) -> datetime:
    """Read a moment without an offset in the edition's own time zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=config.zone)


def parse_id(registration_id: str) -> UUID:
    try:
        return UUID(registration_id)
    except ValueError:
        raise ApiError(404, f"No registration with id {registration_id!r}.") from None


def registration_for_caller(
    registration_id: str, staff_roles: tuple[str, ...] = STAFF_ROLES
) -> tuple[Registration, str]:
    """The registration, if the caller holds its manage token or is staff in `staff_roles`."""
    registration = services().registrations.get(parse_id(registration_id))
    require_holder_or_staff(registration, staff_roles)
    slug = services().app.load(registration.edition_id, Edition, "edition").slug
    return registration, slug


@api.get("/health")
def health() -> Any:
    """Whether the service can work: its database, and how far each follower of the log is.
    ---
    security: []
    responses:
      200:
        description: >-
          `status` ok; `log_head`, the id of the last recorded event; `followers`, each
          (`read_models`, `mail`) with its `position` in the log, its `lag` in events and
          whether it has `stopped` on an event it cannot apply.
      503:
        description: >-
          The database is unreachable, or a follower has stopped on an error (the event's
          id and the time are given; staff also see the error).
    """
    report = services().health().to_dict()
    staff = current_staff()
    if staff is None or staff.role != "admin":
        for follower in report["followers"]:
            if follower["error"]:
                follower["error"] = {k: v for k, v in follower["error"].items() if k != "error"}
        if report["database"] != "ok":
            report["database"] = "unreachable"
    return report, 200 if report["status"] == "ok" else 503


@api.get("/editions")
def list_editions() -> Any:
    """List the editions, each with its registration types at today's prices and delegations.
    ---
    responses:
      200: {description: "`editions`: a list of editions, each as for one edition."}
    """
    now = services().clock()
    configs = [services().editions.config(doc["slug"])
               for doc in services().queries.edition_documents()]
    return {"editions": [edition_json(c, now) for c in configs]}


@api.get("/editions/<slug>")
def show_edition(slug: str) -> Any:
    """Show one edition: dates, venue, registration types with current prices, delegations.

    Each type's `current_price` is a full quote as of now: early bird when it applies, taxes
    of the host jurisdiction, one line per tax.
    ---
    responses:
      200:
        description: >-
          The edition, with `registration_open` telling whether one may register now.
    """
    return edition_json(services().editions.config(slug), services().clock())


@api.post("/editions/<slug>/quotes")
@rate_limited
def quote(slug: str) -> Any:
    """Quote the price of a registration type, with an optional discount code and moment.
    ---
    requestBody: {required: true, content: {application/json: {schema: QuoteRequestSchema}}}
    responses:
      200:
        description: >-
          The quote: list price, early-bird and code discounts, one line per tax, total.
      422: {description: "Unknown registration type or discount code, or invalid fields."}
    """
    data = load_json(QuoteRequestSchema(), body())
    config = services().editions.config(slug)
    at = in_zone(data["at"], config) if data["at"] else services().clock()
    return quote_json(config.quote(data["registration_type"], data["discount_code"], at))


def registration_answered(outcome: Outcome) -> Any:
    """The answer to a registration, given again to a repeated request (same key)."""
    registration = services().registrations.get(UUID(outcome.ids[0]))
    slug = services().app.load(registration.edition_id, Edition, "edition").slug
    document = registration_json(registration, slug)
    document["manage_token"] = manage_token(outcome)
    return document, 201, {"Location": f"/api/registrations/{registration.id}"}


@api.post("/editions/<slug>/registrations")
@rate_limited
@replays(registration_answered)
def register(slug: str) -> Any:
    """Register an attendee; the price is quoted and frozen now.
    ---
    requestBody: {required: true, content: {application/json: {schema: RegistrationRequestSchema}}}
    responses:
      201:
        description: >-
          The registration, with `manage_token` (shown only this once) and a Location
          header.
      409:
        description: >-
          Closed, sold out, code or delegation places used up, or the e-mail is already
          registered.
      422: {description: "Invalid or unknown fields, unknown type, delegation or discount code."}
    """
    payload = body()
    data = load_json(RegistrationRequestSchema(), payload)
    attendee = AttendeeSchema().load_attendee(payload["attendee"])
    created = services().registrations.register(
        slug, attendee, data["registration_type"], data["delegation"], data["discount_code"],
        idempotency=claim(registration_outcome))
    document = registration_json(created.registration, slug)
    document["manage_token"] = created.manage_token
    return document, 201, {"Location": f"/api/registrations/{created.registration.id}"}


@api.get("/registrations/<registration_id>")
def show_registration(registration_id: str) -> Any:
    """Show a registration: attendee, type, delegation, frozen quote, payments, cancellation.
    ---
    security: [{manageToken: []}, {staffToken: []}]
    responses:
      200: {description: The registration.}
    """
    registration, slug = registration_for_caller(registration_id)
    return registration_json(registration, slug)


@api.patch("/registrations/<registration_id>")
def correct_registration(registration_id: str) -> Any:
    """Correct the attendee's details; send only the fields that change.
    ---
    security: [{manageToken: []}, {staffToken: []}]
    requestBody: {required: true, content: {application/json: {schema: CorrectionSchema}}}
    responses:
      200: {description: The corrected registration.}
      409: {description: "The registration is cancelled, or the new e-mail is already registered."}
    """
    registration, slug = registration_for_caller(registration_id, ("desk",))
    changes = load_json(CorrectionSchema(), body())
    corrected = services().registrations.correct_details(registration.id, changes)
    return registration_json(corrected, slug)


@api.post("/registrations/<registration_id>/substitution")
def substitute(registration_id: str) -> Any:
    """Hand the place to another person, at the price already agreed.

    The new attendee gets a new check-in secret; the old e-mail address may register again.
    ---
    security: [{manageToken: []}, {staffToken: []}]
    requestBody: {required: true, content: {application/json: {schema: SubstitutionSchema}}}
    responses:
      200: {description: The registration with the new attendee.}
      409: {description: "The registration is cancelled, or the new e-mail is already registered."}
    """
    registration, slug = registration_for_caller(registration_id, ("desk",))
    payload = body()
    load_json(SubstitutionSchema(), payload)
    attendee = AttendeeSchema().load_attendee(payload["attendee"])
    return registration_json(services().registrations.substitute(registration.id, attendee), slug)


@api.post("/registrations/<registration_id>/cancellation")
def cancel(registration_id: str) -> Any:
    """Cancel the registration under the cancellation policy in force now.
    ---
    security: [{manageToken: []}, {staffToken: []}]
    responses:
      200:
        description: >-
          The cancelled `registration`, and the `refund` owed under the policy (refund
          percent, amount retained, refund owed, currency). What was paid by card and is
          owed back is refunded to the card, once; repeating the request after a failed
          refund completes it.
      409: {description: This registration is already cancelled (and refunded).}
      503: {description: "Stripe is unreachable: retry (nothing is refunded twice)."}
    """
    registration, slug = registration_for_caller(registration_id, ("finance",))
    updated = services().cancellations.cancel(registration.id)
    assert updated.cancellation is not None
    return {"registration": registration_json(updated, slug),
            "refund": terms_json(updated.cancellation)}


@api.get("/registrations/<registration_id>/history")
def history(registration_id: str) -> Any:
    """List what happened to the registration, oldest first: when, by whom, with what.
    ---
    security: [{manageToken: []}, {staffToken: []}]
    responses:
      200:
        description: >-
          `registration`, its id, and `events`, each `{event, version, at, actor, details}`:
          `actor` is `{kind, id, name, role}` with `kind` one of attendee, staff, stripe,
          system or unrecorded (events recorded before actors were); `details` depends on
          `event` (Registered, DetailsCorrected, Substituted, Cancelled, PaymentReceived,
          PaymentFailed, PaymentRequested, RefundIssued, Invoiced, InvoiceCancelled,
          BadgePrinted, CheckedIn), amounts as `{amount, currency}`. The holder of the
          manage token sees a staff member's role, not their name. No secret is ever shown.
    """
    registration, _ = registration_for_caller(registration_id)
    entries = [entry.to_dict() for entry in services().registrations.history(registration.id)]
    if current_staff() is None:
        for entry in entries:
            if entry["actor"]["kind"] == "staff":
                entry["actor"] = {**entry["actor"], "id": None, "name": None}
    return {"registration": str(registration.id), "events": entries}


@api.get("/editions/<slug>/attendance")
@staff_required("admin", "finance", "desk")
def attendance(slug: str) -> Any:
    """Count registrations per delegation and registration type, with totals.

    Without `as_of` the answer comes from the read tables; with it, from the event log.
    ---
    parameters: [{in: query, schema: AttendanceQuerySchema}]
    responses:
      200:
        description: >-
          Registered, paid, cancelled, substituted, checked in and attending, per
          delegation and type.
    """
    config = services().editions.config(slug)
    as_of = parse_as_of(request.args.get("as_of"), config)
    return services().queries.attendance(config, as_of)


def parse_as_of(value: str | None, config: EditionConfig) -> datetime | None:
    """`2019-05-01` means the end of that day in the edition's zone; a date-time is exact."""
    if not value:
        return None
    try:
        if len(value) == 10:
            day = datetime.fromisoformat(value).date()
            return datetime.combine(day, time.max, tzinfo=config.zone)
        return in_zone(datetime.fromisoformat(value), config)
    except ValueError:
        raise ApiError(422, f"as_of {value!r} is not a date (2019-05-01) or a date-time.",
                       {"as_of": ["Not a valid date or date-time."]}) from None
