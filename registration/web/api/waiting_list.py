"""The waiting list through the API: join it (anyone, rate-limited as registering is), and
the list of an edition for staff."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from domain.edition_config import MAX_WAITING_PLACES
from registration.services.waiting_list import EntryView
from registration.web.common.auth import staff_required
from registration.web.common.http import body, services
from registration.web.common.ratelimit import budget
from registration.web.common.schemas import load_json
from registration.web.common.waiting_list_schemas import WaitingListJoinSchema

waiting_list = Blueprint("waiting_list_api", __name__, url_prefix="/api")


def entry_json(entry: EntryView) -> dict[str, Any]:
    return {"id": str(entry.id), "edition": entry.edition.slug,
            "registration_type": entry.registration_type, "delegation": entry.delegation,
            "quantity": entry.quantity, "first_name": entry.first_name,
            "last_name": entry.last_name, "email": entry.email, "language": entry.language,
            "status": entry.status, "joined_at": entry.joined_at.isoformat(),
            "offered_until": entry.offered_until.isoformat() if entry.offered_until else None,
            "position": entry.position, "registered": entry.registered}


def places_asked() -> int:
    """What joining costs from the registrations budget: one per place waited for."""
    quantity = (request.get_json(silent=True) or {}).get("quantity", 1)
    return quantity if isinstance(quantity, int) and 1 <= quantity <= MAX_WAITING_PLACES else 1


@waiting_list.post("/editions/<slug>/waiting-list")
@budget("registrations", cost=places_asked)
def join(slug: str) -> Any:
    """Join the waiting list of a sold-out registration type or full delegation allotment.

    Only while there is no room for the places asked (else 409 `places_available`:
    register instead). Offers go out first come, first served, all or nothing for a group
    (a smaller later entry never passes a larger earlier one); an offer holds the places
    for the edition's `waiting_list_hours` (48 by default) and is e-mailed with its link.
    The places are then registered at the price in force when they are taken.
    ---
    requestBody: {required: true, content: {application/json: {schema: WaitingListJoinSchema}}}
    responses:
      201:
        description: The entry, and the token of its link (shown once, and e-mailed).
        content: {application/json: {schema: NewWaitingListEntry}}
      409: {description: "There is room for these places (register instead), or
            registration is not open."}
      422: {description: An unknown registration type or delegation.}
    """
    data = load_json(WaitingListJoinSchema(), body())
    joined = services().waiting_list.join(slug, **data)
    return {**entry_json(joined.entry), "token": joined.token}, 201


@waiting_list.get("/editions/<slug>/waiting-list")
@staff_required("admin", "finance")
def entries(slug: str) -> Any:
    """The entries on the edition's waiting lists now (offered, then waiting), in the order
    they joined, each with its quantity, status, position and until when its offer holds.
    ---
    responses:
      200:
        description: The entries.
        content: {application/json: {schema: WaitingList}}
    """
    return {"edition": slug,
            "entries": [entry_json(e) for e in services().waiting_list.entries(slug)]}
