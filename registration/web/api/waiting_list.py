"""The waiting list through the API: join it (anyone, rate-limited as registering is), have
its link e-mailed again, leave it (with the entry's link token as bearer, as a registration's
holder is authorised), and the list of an edition for staff. Accepting an offer is
registering with its `offer` (registration.web.api.registrations)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, request

from domain.edition_config import MAX_WAITING_PLACES
from domain.errors import WrongToken
from registration.services.waiting_list import EntryView
from registration.web.common.auth import presented_token, staff_required
from registration.web.common.errors import ApiError
from registration.web.common.http import body, services
from registration.web.common.ratelimit import budget, link_mail_allowed
from registration.web.common.schemas import LinkRequestSchema, load_json
from registration.web.common.waiting_list_schemas import (
    WaitingListJoinSchema,
    WaitingListQuerySchema,
)

waiting_list = Blueprint("waiting_list_api", __name__, url_prefix="/api")


def entry_json(entry: EntryView) -> dict[str, Any]:
    return {"id": str(entry.id), "edition": entry.edition.slug,
            "registration_type": entry.registration_type, "delegation": entry.delegation,
            "quantity": entry.quantity, "first_name": entry.first_name,
            "last_name": entry.last_name, "email": entry.email, "language": entry.language,
            "status": entry.status, "joined_at": entry.joined_at.isoformat(),
            "offered_until": entry.offered_until.isoformat() if entry.offered_until else None,
            "position": entry.position, "registered": entry.registered,
            "ended_at": entry.ended_at.isoformat() if entry.ended_at else None}


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
      409: {description: "There is room for these places (register instead), the address
            is already on this list (`already_waiting`: its link was e-mailed; ask for it
            again), or registration is not open."}
      422: {description: An unknown registration type or delegation.}
    """
    data = load_json(WaitingListJoinSchema(), body())
    joined = services().waiting_list.join(slug, **data)
    return {**entry_json(joined.entry), "token": joined.token}, 201


@waiting_list.get("/editions/<slug>/waiting-list")
@staff_required("admin", "finance")
def entries(slug: str) -> Any:
    """The entries of the edition's waiting lists, in the order they joined, each with its
    quantity, status, position and until when its offer holds; by default those on the list
    now (waiting or offered), with `status` the past ones too: accepted, expired or left,
    with when (`ended_at`). The past ones come from a read model that follows the log a
    moment behind (send `X-Wait-For-Position` to see a write of yours).
    ---
    parameters: [{in: query, schema: WaitingListQuerySchema}]
    responses:
      200:
        description: The entries.
        content: {application/json: {schema: WaitingList}}
      422: {description: "An unknown `status`."}
    """
    which = load_json(WaitingListQuerySchema(), request.args.to_dict())["status"]
    return {"edition": slug,
            "entries": [entry_json(e) for e in services().waiting_list.listed(slug, which)]}


LINK_SENT = ("If an entry on this edition's waiting lists uses this address, its link has "
             "just been e-mailed to it again.")


@waiting_list.post("/editions/<slug>/waiting-list/links")
@budget("links")
def send_link_again(slug: str) -> Any:
    """E-mail a waiting-list entry's link again (each entry of the edition's lists that
    uses the address, waiting or offered). The answer is the same whether or not one does.
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
        services().waiting_list.send_link_again(slug, data["email"])
    return {"message": LINK_SENT}, 202


@waiting_list.delete("/waiting-list/<entry_id>")
def leave(entry_id: str) -> Any:
    """Leave the waiting list; an offer's places go to the next in turn. Send the entry's
    link token (from joining, or its e-mail) as `Authorization: Bearer <token>`.
    ---
    responses:
      200:
        description: The entry, now `left`.
        content: {application/json: {schema: WaitingListEntry}}
      401: {description: "No token."}
      403: {description: "The token does not open this entry."}
      404: {description: "No such entry."}
      409: {description: "The entry is no longer on the list (`not_waiting`)."}
    """
    try:
        key = UUID(entry_id)
    except ValueError:
        raise ApiError(404, f"No waiting-list entry with id {entry_id!r}.") from None
    token = presented_token()
    if token is None:
        raise ApiError(401, "Send the waiting-list entry's link token.")
    entry = services().waiting_list.view(key)  # 404 first, for an unknown entry
    if not services().waiting_list.opens(entry.id, token):
        raise WrongToken("This token does not give access to this waiting-list entry.")
    return entry_json(services().waiting_list.leave(entry.id))
