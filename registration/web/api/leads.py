"""The delegation lead's own page as JSON: their members and each one's status, the
allotment left, adding a person, asking a member to complete their details.

The lead is authorised by the token of their secret link (`/g/{lead}?token=…`, e-mailed to
them), sent as `Authorization: Bearer <token>` — as the API authorises an attendee by their
manage token. "E-mail me a new link" (on the page) ends the earlier token here too.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from uuid import UUID

from flask import Blueprint, g

from domain.actor import Actor
from domain.attendee import Attendee
from domain.errors import WrongToken
from registration.services.delegation_leads import LeadView
from registration.web.api.presenters import registration_json
from registration.web.common.acting import act_as
from registration.web.common.auth import bearer_token
from registration.web.common.errors import ApiError
from registration.web.common.http import body, services
from registration.web.common.ratelimit import budget
from registration.web.common.schemas import LeadMemberSchema, load_json

leads = Blueprint("api_leads", __name__, url_prefix="/api/leads")
F = TypeVar("F", bound=Callable[..., Any])


def lead_token_required(view: F) -> F:
    """The lead named in the path, if the bearer token is their link's token in force
    (401 without a token, 403 with another, 404 for an unknown lead); in `g.lead`."""
    @wraps(view)
    def wrapper(lead_id: str, *args: Any, **kwargs: Any) -> Any:
        key = uuid_or_404(lead_id)
        token = bearer_token()
        if token is None:
            raise ApiError(401, "Send the delegation lead's token (from their link) as "
                                "'Authorization: Bearer <token>'.")
        try:
            generation = services().leads.link_generation(key, token)
        except WrongToken:
            raise ApiError(403, "This token does not open this delegation lead's page (a "
                                "newer link may have replaced it).") from None
        g.lead = services().leads.for_grant(key, generation)
        act_as(Actor.attendee(key))
        return view(lead_id, *args, **kwargs)

    wrapper.lead_token = True  # type: ignore[attr-defined]  # for the OpenAPI document
    return wrapper  # type: ignore[return-value]


def uuid_or_404(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise ApiError(404, f"There is nothing with the id {value!r}.") from None


def lead_json(lead: LeadView) -> dict[str, Any]:
    config = lead.edition
    members = services().queries.members(lead.members)
    return {
        "id": str(lead.id), "edition": config.slug, "delegation": lead.delegation,
        "name": lead.name, "email": lead.email, "language": lead.language,
        "allotment_left": services().registrations.availability(config)
        .delegation_left(lead.delegation),
        "members": [{
            "id": m.registration_id, "first_name": m.first_name, "last_name": m.last_name,
            "email": m.email, "registration_type": m.registration_type, "status": m.status,
            "attending": m.attending, "balance_due": m.balance_due, "currency": m.currency,
        } for m in members],
    }


@leads.get("/<lead_id>")
@lead_token_required
def show_lead(lead_id: str) -> Any:
    """The delegation lead's page: every member and their status, the allotment left.
    ---
    responses:
      200:
        content: {application/json: {schema: DelegationLead}}
        description: >-
          The lead, their delegation, `allotment_left` (null: no allotment) and `members`
          with each one's `status` and `balance_due` (from the read models: send
          `X-Wait-For-Position` after a write to see it).
    """
    return lead_json(g.lead)


@leads.post("/<lead_id>/members")
@lead_token_required
@budget("registrations")
def add_member(lead_id: str) -> Any:
    """Register one more person in the lead's delegation, within its allotment.
    ---
    requestBody: {required: true, content: {application/json: {schema: LeadMemberSchema}}}
    responses:
      201:
        content: {application/json: {schema: Registration}}
        description: >-
          The new member's registration (their manage link is e-mailed to them), now listed
          on the lead's page.
      409:
        description: >-
          Closed, sold out, the delegation's allotment used up, the e-mail already
          registered, or an access code required or used up.
      422: {description: "Invalid fields, unknown type or code, or answers missing or refused."}
    """
    lead: LeadView = g.lead
    data = load_json(LeadMemberSchema(), body())
    created = services().registrations.register(
        lead.edition.slug, Attendee(**data["attendee"]), data["registration_type"],
        lead.delegation, data["discount_code"], access_code=data["access_code"],
        answers=data["answers"])
    services().leads.add_members(lead.id, lead.link_generation, [created.registration.id])
    return registration_json(created.registration), 201, {
        "Location": f"/api/registrations/{created.registration.id}"}


@leads.post("/<lead_id>/members/<registration_id>/completion-request")
@lead_token_required
@budget("links")
def ask_member(lead_id: str, registration_id: str) -> Any:
    """Ask a member to complete their own details: e-mails them a fresh manage link.
    ---
    responses:
      202:
        content: {application/json: {schema: LinkSent}}
        description: "The member is e-mailed a new link (their earlier one ends)."
      404: {description: "No such lead, or the registration is not one of the lead's."}
    """
    lead: LeadView = g.lead
    key = uuid_or_404(registration_id)
    if key not in lead.members:
        raise ApiError(404, "This registration is not one of this delegation lead's.")
    services().leads.ask_member(lead.id, lead.link_generation, key)
    return {"message": "The member has been e-mailed a new link to complete their "
                       "details."}, 202
