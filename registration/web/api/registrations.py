"""The JSON API of editions and registrations: thin translations from HTTP to service calls.

Its blueprint is the `api` one; finance, the desk and card payments have theirs beside it.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, request

from domain.attendee import Attendee
from domain.outcome import Outcome
from registration.services.history import for_holder
from registration.web.api.access import registration_for_caller, staff_reason
from registration.web.api.presenters import edition_json, quote_json, registration_json, terms_json
from registration.web.common.auth import (
    current_staff,
    holder_or_staff,
    presented_token,
    staff_required,
)
from registration.web.common.errors import ApiError
from registration.web.common.http import body, in_zone, parse_as_of, services
from registration.web.common.idempotency import (
    claim,
    manage_token,
    registration_outcome,
    replays,
)
from registration.web.common.ratelimit import budget, link_mail_allowed
from registration.web.common.schemas import (
    AnswersSchema,
    ApprovalDecisionSchema,
    AttendeeSchema,
    CorrectionSchema,
    EditionQuerySchema,
    LinkRequestSchema,
    QuoteRequestSchema,
    RegistrationRequestSchema,
    SubstitutionSchema,
    load_json,
)

api = Blueprint("api", __name__, url_prefix="/api")
# Made once: a schema's construction copies its fields, and the nested attendee's (half of
# what validating a registration cost). Loading keeps no state in the schema.
REGISTRATION_REQUEST = RegistrationRequestSchema()


@api.get("/health")
def health() -> Any:
    """Whether the service can work: its database, and how far each follower of the log is.
    ---
    responses:
      200:
        content: {application/json: {schema: Health}}
        description: >-
          `status` ok; `log_head`, the id of the last recorded event; `followers`, each
          (`read_models`, `mail`) with its `position` in the log, its `lag` in events and
          whether it has `stopped` on an event it cannot apply.
      503:
        content: {application/json: {schema: Health}}
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
      200:
        description: "`editions`: a list of editions, each as for one edition."
        content: {application/json: {schema: Editions}}
        x-links: {slug: $response.body#/editions/0/slug}
    """
    now = services().clock()
    configs = [services().editions.config(doc["slug"])
               for doc in services().queries.edition_documents()]
    return {"editions": [edition_json(c, now, services().registrations.availability(c),
                                      c.offered_types())
                         for c in configs]}


@api.get("/editions/<slug>")
def show_edition(slug: str) -> Any:
    """Show one edition: dates, venue, registration types with current prices, delegations.

    Each type's `current_price` is a full quote as of now: early bird when it applies, taxes
    of the host jurisdiction, one line per tax. Each type and delegation has `places_left`:
    what registering would find left now (0: sold out or full; null: unlimited).
    Invitation-only types are listed only with an `access_code` that opens them.
    ---
    parameters: [{in: query, schema: EditionQuerySchema}]
    responses:
      200:
        content: {application/json: {schema: Edition}}
        description: >-
          The edition, with `registration_open` telling whether one may register now.
    """
    config = services().editions.config(slug)
    access_code = load_json(EditionQuerySchema(), request.args.to_dict())["access_code"]
    return edition_json(config, services().clock(), services().registrations.availability(config),
                        config.offered_types(access_code))


@api.post("/editions/<slug>/quotes")
@budget("quotes")
def quote(slug: str) -> Any:
    """Quote the price of a registration type, with an optional discount code and moment.
    ---
    requestBody: {required: true, content: {application/json: {schema: QuoteRequestSchema}}}
    responses:
      200:
        content: {application/json: {schema: Quote}}
        description: >-
          The quote: list price, early-bird and code discounts, one line per tax, total.
      409: {description: "An invitation-only type without its access code."}
      422: {description: "Unknown type, discount code, access code or add-on, or invalid fields."}
    """
    data = load_json(QuoteRequestSchema(), body())
    config = services().editions.config(slug)
    at = in_zone(data["at"], config) if data["at"] else services().clock()
    return quote_json(config.visitor_quote(data["registration_type"], data["discount_code"],
                                           data["access_code"], at, data["extras"]))


def registration_answered(outcome: Outcome) -> Any:
    """The answer to a registration, given again to a repeated request (same key), while
    the link it gave is in force: once renewed or handed on, the replay is refused (it would
    otherwise open the registration to whoever still has the key)."""
    token = manage_token(outcome)
    if token is None:
        raise ApiError(409, "This request was answered before, and the manage link it gave "
                            "has since been replaced: the holder received the new one by "
                            "e-mail.")
    registration = services().registrations.view(UUID(outcome.ids[0]))
    document = registration_json(registration)
    document["manage_token"] = token
    return document, 201, {"Location": f"/api/registrations/{registration.id}"}


LINK_SENT = ("If a registration for this edition uses this address, its personal manage "
             "link has just been e-mailed to it. Any link sent before no longer works.")


@api.post("/editions/<slug>/manage-links")
@budget("links")
def send_link_again(slug: str) -> Any:
    """Send me my link again: e-mail a fresh manage link to the registration's address.

    The previous link stops working at once (pages opened with it too). The answer is the
    same whether or not a registration of the edition uses the address, so it tells nobody
    who is registered; the link itself goes only by e-mail.
    ---
    requestBody: {required: true, content: {application/json: {schema: LinkRequestSchema}}}
    responses:
      202:
        description: "`message`: the same neutral answer, matched or not."
        content: {application/json: {schema: LinkSent}}
      404: {description: "No such edition."}
      422: {description: "Not an e-mail address."}
      429: {description: "Too many requests from this address: wait `Retry-After` seconds."}
    """
    data = load_json(LinkRequestSchema(), body())
    services().editions.config(slug)  # 404 for an unknown edition, whatever the address
    if link_mail_allowed(data["email"]):
        services().registrations.send_link_again(slug, data["email"])
    return {"message": LINK_SENT}, 202


@api.post("/editions/<slug>/registrations")
@budget("registrations")
@replays(registration_answered)
def register(slug: str) -> Any:
    """Register an attendee; the price is quoted and frozen now.
    ---
    requestBody: {required: true, content: {application/json: {schema: RegistrationRequestSchema}}}
    responses:
      201:
        content: {application/json: {schema: NewRegistration}}
        x-links: {registration_id: $response.body#/id}
        x-body-links:
          finance_issue: {registrations: [$response.body#/id]}
          payments_open_group_payment:
            registrations: [{id: $response.body#/id, token: $response.body#/manage_token}]
        description: >-
          The registration, with `manage_token` (shown only this once) and a Location
          header.
      401: {description: "An `offer` without its entry's link token."}
      403: {description: "The token does not open the `offer`'s waiting-list entry."}
      404: {description: "No such edition, or no such waiting-list entry (`offer`)."}
      409:
        description: >-
          The `offer` is not in force or for another type or delegation (`not_offered`),
          closed, sold out, an add-on sold out (`extra_sold_out`), code or delegation
          places used up, the e-mail is already
          registered, an invitation-only type without `access_code`
          (`access_code_required`) or its access code used up (`access_code_exhausted`).
      422:
        description: >-
          Invalid or unknown fields, unknown type, delegation or discount code, an add-on
          not offered with the type or more than allowed (`extra_not_offered`), an access
          code that does not open the type (`access_code_invalid`), or answers missing or
          not acceptable (`answers_refused`: `details.answers` names each question and why).
    """
    data = load_json(REGISTRATION_REQUEST, body())
    created = services().registrations.register(
        slug, Attendee(**data["attendee"]), data["registration_type"], data["delegation"],
        data["discount_code"], idempotency=claim(registration_outcome, checked_by_decision=True),
        access_code=data["access_code"], answers=data["answers"], extras=data["extras"],
        offer=offer_presented(data["offer"]))
    document = registration_json(created.registration)
    document["manage_token"] = created.manage_token
    return document, 201, {"Location": f"/api/registrations/{created.registration.id}"}


def offer_presented(offer: UUID | None) -> tuple[UUID, str] | None:
    """The waiting-list entry a registration takes a held place of, with its link token
    (401 without one: the service refuses another's with 403)."""
    if offer is None:
        return None
    token = presented_token()
    if token is None:
        raise ApiError(401, "Send the waiting-list entry's link token to take its offer.")
    return offer, token


@api.get("/registrations/<registration_id>")
@holder_or_staff()
def show_registration(registration_id: str) -> Any:
    """Show a registration: attendee, type, delegation, frozen quote, payments, cancellation.
    ---
    responses:
      200:
        description: The registration.
        content: {application/json: {schema: Registration}}
    """
    return registration_json(registration_for_caller(registration_id))


@api.patch("/registrations/<registration_id>")
@holder_or_staff("desk")
def correct_registration(registration_id: str) -> Any:
    """Correct the attendee's details; send only the fields that change.
    ---
    requestBody: {required: true, content: {application/json: {schema: CorrectionSchema}}}
    responses:
      200:
        description: The corrected registration.
        content: {application/json: {schema: Registration}}
      409: {description: "The registration is cancelled, or the new e-mail is already registered."}
    """
    registration = registration_for_caller(registration_id)
    changes = load_json(CorrectionSchema(), body())
    reason = staff_reason(changes)
    return registration_json(services().registrations.correct_details(registration.id, changes,
                                                                      reason))


@api.put("/registrations/<registration_id>/answers")
@holder_or_staff("desk")
def answer_questions(registration_id: str) -> Any:
    """Answer the edition's questions (dietary needs, consents...): every answer at once.

    The person registered by a delegation lead, or who took over a place, answers here.
    ---
    requestBody: {required: true, content: {application/json: {schema: AnswersSchema}}}
    responses:
      200:
        description: The registration with its `answers` (and any still `unanswered`).
        content: {application/json: {schema: Registration}}
      409: {description: "The registration is cancelled."}
      422:
        description: >-
          An answer missing or not acceptable (`answers_refused`: `details.answers` names
          each question and why).
    """
    registration = registration_for_caller(registration_id)
    answers = load_json(AnswersSchema(), body())["answers"]
    return registration_json(services().registrations.answer_questions(registration.id, answers))


@api.post("/registrations/<registration_id>/approval")
@staff_required("admin")
def decide_approval(registration_id: str) -> Any:
    """Approve a place awaiting approval, or turn it down (cancelled, keeping nothing).

    The person is e-mailed the decision: with their link to pay when approved, with the
    `note` as the reason when turned down. Its seat, codes and address are freed then.
    ---
    requestBody: {required: true, content: {application/json: {schema: ApprovalDecisionSchema}}}
    responses:
      200:
        description: The registration, approved (`pending_payment` or paid) or `cancelled`.
        content: {application/json: {schema: Registration}}
      409: {description: "Not awaiting approval (`not_awaiting_approval`), or cancelled."}
      422: {description: "No decision, or turned down without a reason (`note`)."}
    """
    registration = registration_for_caller(registration_id)
    data = load_json(ApprovalDecisionSchema(), body())
    if data["decision"] == "approve":
        decided = services().registrations.approve(registration.id, data["note"])
    else:
        decided = services().registrations.refuse_approval(registration.id, data["note"])
    return registration_json(decided)


@api.post("/registrations/<registration_id>/substitution")
@holder_or_staff("desk")
def substitute(registration_id: str) -> Any:
    """Hand the place to another person, at the price already agreed.

    The new attendee gets a new check-in secret and a new manage link, sent to them by
    e-mail (never in this answer); the caller's manage token stops working at once, and the
    previous holder gets a notice without a link. The old e-mail address may register again.
    ---
    requestBody: {required: true, content: {application/json: {schema: SubstitutionSchema}}}
    responses:
      200:
        description: The registration with the new attendee.
        content: {application/json: {schema: Registration}}
      409: {description: "The registration is cancelled, or the new e-mail is already registered."}
    """
    registration = registration_for_caller(registration_id)
    payload = body()
    reason = staff_reason(load_json(SubstitutionSchema(), payload))
    attendee = AttendeeSchema().load_attendee(payload["attendee"])
    return registration_json(services().registrations.substitute(registration.id, attendee,
                                                                 reason))


@api.post("/registrations/<registration_id>/cancellation")
@holder_or_staff("finance")
def cancel(registration_id: str) -> Any:
    """Cancel the registration under the cancellation policy in force now.
    ---
    responses:
      200:
        content: {application/json: {schema: Cancellation}}
        description: >-
          The cancelled `registration`, and the `refund` owed under the policy (refund
          percent, amount retained, refund owed, currency). What was paid by card and is
          owed back is refunded to the card, once; repeating the request after a failed
          refund completes it.
      409: {description: This registration is already cancelled (and refunded).}
      503: {description: "Stripe is unreachable: retry (nothing is refunded twice)."}
    """
    registration = registration_for_caller(registration_id)
    updated = services().cancellations.cancel(registration.id)
    assert updated.cancellation is not None
    return {"registration": registration_json(updated),
            "refund": terms_json(updated.cancellation)}


@api.get("/registrations/<registration_id>/history")
@holder_or_staff()
def history(registration_id: str) -> Any:
    """List what happened to the registration, oldest first: when, by whom, with what.
    ---
    responses:
      200:
        content: {application/json: {schema: History}}
        description: >-
          `registration`, its id, and `events`, each `{event, version, at, actor, details}`:
          `actor` is `{kind, id, name, role}` with `kind` one of attendee, staff, stripe,
          system or unrecorded (events recorded before actors were); `details` depends on
          `event` (Registered, DetailsCorrected, Substituted, Cancelled, Expired (`deadline`:
          not paid by then, ended by the system), PaymentReceived, PaymentFailed,
          PaymentRequested, RefundIssued, Invoiced, InvoiceCancelled, InvoiceAdjusted, BadgePrinted,
          CheckedIn,
          ManageLinkRenewed, PlaceChanged, AnswersGiven, ApprovalAsked, Approved,
          NotApproved), amounts as `{amount, currency}`; staff's `reason` where they gave one.
          The
          holder of the manage token sees only what concerns them: a staff member as
          `{kind: staff, role}` with no id or name ("the organiser"), no system job's `name`
          nor Stripe's event id; no earlier holder's
          details (`previous`, and people recorded before the last substitution, are null);
          no staff names (`printed_by`, `by`) or reasons, and no Stripe ids but the
          references of money received and refunded. No secret is ever shown.
    """
    registration = registration_for_caller(registration_id)
    entries = services().registrations.history(registration.id)
    if current_staff() is None:
        entries = for_holder(entries)
    return {"registration": str(registration.id), "events": [e.to_dict() for e in entries]}


@api.get("/editions/<slug>/attendance")
@staff_required()
def attendance(slug: str) -> Any:
    """Count registrations per delegation and registration type, with totals.

    Without `as_of` the answer comes from the read tables; with it, from the event log.
    ---
    parameters: [{in: query, schema: AttendanceQuerySchema}]
    responses:
      200:
        content: {application/json: {schema: Attendance}}
        description: >-
          Registered, paid, cancelled, substituted, checked in and attending, per
          delegation and type.
    """
    config = services().editions.config(slug)
    as_of = parse_as_of(request.args.get("as_of"), config)
    return services().queries.attendance(config, as_of)
