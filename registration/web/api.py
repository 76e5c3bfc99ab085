"""The JSON API: thin translations from HTTP to service calls and back."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from uuid import UUID

from flask import Blueprint, current_app, request

from domain.edition import Edition, EditionConfig
from domain.registration import Registration
from registration.services.container import Services
from registration.web.auth import require_holder_or_staff, staff_required
from registration.web.errors import ApiError
from registration.web.presenters import (
    edition_json,
    iso,
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


def registration_for_caller(registration_id: str) -> tuple[Registration, str]:
    registration = services().registrations.get(parse_id(registration_id))
    require_holder_or_staff(registration)
    slug = services().app.load(registration.edition_id, Edition, "edition").slug
    return registration, slug


@api.get("/editions")
def list_editions() -> Any:
    now = services().clock()
    configs = [services().editions.config(doc["slug"])
               for doc in services().queries.edition_documents()]
    return {"editions": [edition_json(c, now) for c in configs]}


@api.get("/editions/<slug>")
def show_edition(slug: str) -> Any:
    return edition_json(services().editions.config(slug), services().clock())


@api.post("/editions/<slug>/quotes")
@rate_limited
def quote(slug: str) -> Any:
    data = load_json(QuoteRequestSchema(), body())
    config = services().editions.config(slug)
    at = in_zone(data["at"], config) if data["at"] else services().clock()
    return quote_json(config.quote(data["registration_type"], data["discount_code"], at))


@api.post("/editions/<slug>/registrations")
@rate_limited
def register(slug: str) -> Any:
    payload = body()
    data = load_json(RegistrationRequestSchema(), payload)
    attendee = AttendeeSchema().load_attendee(payload["attendee"])
    created = services().registrations.register(
        slug, attendee, data["registration_type"], data["delegation"], data["discount_code"])
    document = registration_json(created.registration, slug)
    document["manage_token"] = created.manage_token
    return document, 201, {"Location": f"/api/registrations/{created.registration.id}"}


@api.get("/registrations/<registration_id>")
def show_registration(registration_id: str) -> Any:
    registration, slug = registration_for_caller(registration_id)
    return registration_json(registration, slug)


@api.patch("/registrations/<registration_id>")
def correct_registration(registration_id: str) -> Any:
    registration, slug = registration_for_caller(registration_id)
    changes = load_json(CorrectionSchema(partial=True), body())
    corrected = services().registrations.correct_details(registration.id, changes)
    return registration_json(corrected, slug)


@api.post("/registrations/<registration_id>/substitution")
def substitute(registration_id: str) -> Any:
    registration, slug = registration_for_caller(registration_id)
    payload = body()
    load_json(SubstitutionSchema(), payload)
    attendee = AttendeeSchema().load_attendee(payload["attendee"])
    return registration_json(services().registrations.substitute(registration.id, attendee), slug)


@api.post("/registrations/<registration_id>/cancellation")
def cancel(registration_id: str) -> Any:
    registration, slug = registration_for_caller(registration_id)
    terms = services().registrations.cancel(registration.id)
    updated = services().registrations.get(registration.id)
    return {"registration": registration_json(updated, slug), "refund": terms_json(terms)}


@api.get("/registrations/<registration_id>/history")
def history(registration_id: str) -> Any:
    registration, _ = registration_for_caller(registration_id)
    events = services().registrations.history(registration.id)
    return {"registration": str(registration.id),
            "events": [{**e, "at": iso(e["at"])} for e in events]}


@api.get("/editions/<slug>/attendance")
@staff_required("admin", "finance", "desk")
def attendance(slug: str) -> Any:
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
