"""The registration desk's API: badges as PDFs, QR check-in, attendee search (desk role)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from flask import Blueprint, request, url_for

from domain.outcome import Outcome
from registration.projections.attendance import RegistrationRow
from registration.projections.desk import BadgeFilter
from registration.services.badge_batches import AT_ONCE_UP_TO
from registration.services.desk import CheckIn
from registration.web.common.auth import current_staff, staff_required
from registration.web.common.desk_schemas import (
    AttendeeQuerySchema,
    BadgeBatchQuerySchema,
    BadgeQuerySchema,
    CheckInRequestSchema,
    PresenceQuerySchema,
)
from registration.web.common.errors import ApiError
from registration.web.common.http import body, parse_as_of, parse_id, pdf_response, services
from registration.web.common.idempotency import claim, replays
from registration.web.common.schemas import load_json

desk = Blueprint("desk", __name__, url_prefix="/api")


def staff_name() -> str:
    staff = current_staff()
    assert staff is not None  # staff_required ran first
    return staff.name


@desk.get("/registrations/<registration_id>/badge.pdf")
@staff_required("desk")
def badge(registration_id: str) -> Any:
    """Print one attendee's badge (a PDF); each print is recorded, reprints counted.
    ---
    parameters: [{in: query, schema: BadgeQuerySchema}]
    responses:
      200: {description: "The badge, one page on the stock.", content: {application/pdf: {}}}
      409: {description: "The registration is cancelled: it gets no badge."}
    """
    query = BadgeQuerySchema().load(request.args)
    document = services().desk.badge(parse_id(registration_id), staff_name(), query["stock"])
    return pdf_response(document, f"badge-{registration_id}")


@desk.get("/editions/<slug>/badges.pdf")
@staff_required("desk")
def badges(slug: str) -> Any:
    """Print a small batch of badges (at most 50) as one PDF, by delegation then last name.
    ---
    parameters: [{in: query, schema: BadgeBatchQuerySchema}]
    responses:
      200: {description: "The badges (`X-Badge-Count` says how many).",
            content: {application/pdf: {}}}
      404: {description: "No edition with this slug."}
      422: {description: "No badge matches the filters (`no_badges_to_print`); more than
            50 badges (`batch_too_large`: queue them with POST
            /api/editions/{slug}/badge-batches); an unknown delegation or registration
            type, or an invalid filter."}
    """
    query = BadgeBatchQuerySchema().load(request.args)
    which = BadgeFilter(query["delegation"], query["registration_type"], query["not_printed"],
                        query["only_paid"])
    count = len(services().desk.badge_rows(slug, which))
    if count > AT_ONCE_UP_TO:
        queue = url_for("badge_batches.queue", slug=slug)
        raise ApiError(422, f"{count} badges: more than {AT_ONCE_UP_TO} are printed as a "
                       f"background job; POST {queue} with these filters.",
                       {"code": "batch_too_large", "count": count, "queue": queue})
    printed = services().desk.badges(slug, which, staff_name(), query["stock"])
    response = pdf_response(printed.pdf, f"badges-{slug}-{query['delegation'] or 'all'}")
    response.headers["X-Badge-Count"] = str(printed.count)
    return response


def check_in_outcome(result: CheckIn) -> Outcome:
    return Outcome("check_in" if result.first_scan else "already_checked_in",
                   (str(result.registration.id), result.checkin_list.code, result.direction,
                    result.at.isoformat()))


def checked_in_again(outcome: Outcome) -> Any:
    first_scan = outcome.resource == "check_in"
    registration_id, list_code, direction, at = outcome.ids
    result = services().desk.scan(UUID(registration_id), first_scan, list_code, direction,
                                  datetime.fromisoformat(at))
    return check_in_json(result), 201 if first_scan else 200


@desk.post("/editions/<slug>/check-ins")
@staff_required("desk")
@replays(checked_in_again)
def check_in(slug: str) -> Any:
    """Scan an attendee in or out of a check-in list with the code of their badge or e-ticket
    (its QR code, or the short code typed from under it).
    ---
    requestBody: {required: true, content: {application/json: {schema: CheckInRequestSchema}}}
    responses:
      201: {description: "Recorded: `checked_in` (an entry) or `checked_out` (an exit), on
            `list`; who, delegation, type, payment status, and `checkin_code` (the short code
            printed under the badge's QR code).",
            content: {application/json: {schema: CheckIn}}}
      200: {description: "Already inside this list (a second entry records nothing):
            `message` and `at` say since when.",
            content: {application/json: {schema: CheckIn}}}
      404: {description: "The code is not a badge of this edition (`mistyped_checkin_code`: it
            has characters no short code uses), or the edition has no such list
            (`unknown_checkin_list`)."}
      409: {description: "The registration is cancelled, or the badge was replaced; the list
            does not admit this person (`not_on_list`: their type, or not its day); an exit
            with no entry scanned on this list (`not_inside`: nothing is recorded)."}
      422: {description: "Invalid request (e.g. a direction other than entry or exit)."}
    """
    scanned = load_json(CheckInRequestSchema(), body())
    result = services().desk.check_in(slug, scanned["code"], staff_name(),
                                      idempotency=claim(check_in_outcome),
                                      list_code=scanned["checkin_list"],
                                      direction=scanned["direction"])
    return check_in_json(result), 201 if result.first_scan else 200


@desk.get("/editions/<slug>/presence")
@staff_required("desk")
def presence(slug: str) -> Any:
    """Who is inside now, per check-in list and delegation (entries minus exits).

    Without `as_of` the answer comes from the read tables; with it, from the event log.
    ---
    parameters: [{in: query, schema: PresenceQuerySchema}]
    responses:
      200: {description: "Each list with `present` and the delegations with someone inside.",
            content: {application/json: {schema: Presence}}}
      404: {description: "No edition with this slug."}
      422: {description: "`as_of` is not a date or a date-time."}
    """
    config = services().editions.config(slug)
    PresenceQuerySchema().load(request.args)
    return services().queries.presence(config, parse_as_of(request.args.get("as_of"), config))


@desk.get("/editions/<slug>/attendees")
@staff_required("desk")
def attendees(slug: str) -> Any:
    """Find attendees by name, e-mail, organisation or delegation (accents optional).
    ---
    parameters: [{in: query, schema: AttendeeQuerySchema}]
    responses:
      200: {description: "`attendees`: at most 50, by delegation then last name.",
            content: {application/json: {schema: Attendees}}}
    """
    query = AttendeeQuerySchema().load(request.args)
    return {"attendees": [attendee_json(row) for row in services().desk.attendees(
        slug, query["q"])]}


def check_in_json(result: CheckIn) -> dict[str, Any]:
    registration = result.registration
    config = registration.edition
    attendee = registration.attendee
    at, language = f"{result.at:%H:%M}", config.languages[0]
    exit_ = result.direction == "exit"
    return {
        "status": "checked_out" if exit_ else
        "checked_in" if result.first_scan else "already_checked_in",
        "message": f"Out at {at}." if exit_ else f"Checked in at {at}." if result.first_scan
        else f"Already inside since {at}.",
        "list": {"code": result.checkin_list.code,
                 "name": result.checkin_list.name(language) or result.checkin_list.code},
        "direction": result.direction,
        "at": result.at.isoformat(),
        "checked_in_at": None if exit_ else result.at.isoformat(),
        "registration": str(registration.id),
        "checkin_code": result.checkin_code,
        "attendee": {"first_name": attendee.first_name, "last_name": attendee.last_name,
                     "organisation": attendee.organisation},
        "delegation": {"code": registration.delegation,
                       "name": config.delegation(registration.delegation).name(language)}
        if registration.delegation else None,
        "registration_type": {"code": registration.registration_type,
                              "name": config.registration_type(
                                  registration.registration_type).name(language)},
        "payment": {"status": registration.status,
                    "balance_due": str(registration.balance_due.amount),
                    "currency": registration.balance_due.currency},
    }


def attendee_json(row: RegistrationRow) -> dict[str, Any]:
    return {
        "registration": row.registration_id, "first_name": row.first_name,
        "last_name": row.last_name, "email": row.email, "organisation": row.organisation,
        "delegation": row.delegation or None, "registration_type": row.registration_type,
        "status": row.status, "badge_prints": row.badge_prints,
        "checked_in_at": row.checked_in_at,
    }
