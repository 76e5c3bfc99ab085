"""What every audience reads from a request or sends back: the services serving it, a JSON
body, ids and moments named in paths and queries, PDF documents."""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Any
from uuid import UUID

from flask import Response, current_app, request

from domain.edition_config import EditionConfig
from registration.services.container import Services
from registration.web.common.errors import ApiError
from registration.web.common.schemas import FIRST_YEAR, LAST_YEAR

UNSAFE_IN_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def services() -> Services:
    return current_app.extensions["services"]


def body() -> Any:
    payload = request.get_json(silent=True)
    if payload is None:
        raise ApiError(400, "Send a JSON body with 'Content-Type: application/json'.")
    return payload


def parse_id(registration_id: str) -> UUID:
    try:
        return UUID(registration_id)
    except ValueError:
        raise ApiError(404, f"No registration with id {registration_id!r}.") from None


def in_zone(moment: datetime, config: EditionConfig) -> datetime:
    """Read a moment without an offset in the edition's own time zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=config.zone)


def plausible(moment: datetime) -> None:
    """A moment the conference's calendar can hold (far years overflow time-zone arithmetic)."""
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise ValueError(moment)


def parse_as_of(value: str | None, config: EditionConfig) -> datetime | None:
    """`2019-05-01` means the end of that day in the edition's zone; a date-time is exact."""
    if not value:
        return None
    try:
        if len(value) == 10:
            day = datetime.fromisoformat(value).date()
            moment = datetime.combine(day, time.max, tzinfo=config.zone)
        else:
            moment = in_zone(datetime.fromisoformat(value), config)
        plausible(moment)
        return moment
    except ValueError:
        raise ApiError(422, f"as_of {value!r} is not a date (2019-05-01) or a date-time.",
                       {"as_of": ["Not a valid date or date-time."]}) from None


def pdf_response(document: bytes, filename: str) -> Response:
    safe = UNSAFE_IN_FILENAME.sub("-", filename).strip("-") or "badges"
    return Response(document, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{safe}.pdf"', "Cache-Control": "no-store"})
