"""Which registration an API call may act on: its holder's (manage token) or, for staff in
the right role, any. The holder then acts as that registration's attendee."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import g
from marshmallow import ValidationError

from domain.actor import ROLES, Actor
from domain.errors import WrongToken
from registration.services.views import RegistrationView
from registration.web.common.acting import act_as
from registration.web.common.auth import current_staff, presented_token, require_role
from registration.web.common.errors import ApiError
from registration.web.common.http import parse_id, services


def registration_for_caller(registration_id: str) -> RegistrationView:
    """The registration, if the caller holds its manage token or is staff in the roles the
    view's `holder_or_staff` names (any staff if it names none)."""
    key = parse_id(registration_id)
    staff = current_staff()
    if staff is not None:
        view = services().registrations.view(key)
        require_role(staff, g.get("holder_staff_roles", ROLES))
        return view
    token = presented_token()
    try:
        view = services().registrations.for_holder(key, token or "")
    except WrongToken:
        if token is None:
            raise ApiError(401, "Send the registration's manage token, or sign in as staff.") \
                from None
        raise ApiError(403, "This token does not give access to this registration.") from None
    act_as(Actor.attendee(view.id))
    return view


def is_finance() -> bool:
    staff = current_staff()
    return staff is not None and staff.role in {"finance", "admin"}


def require_holder_or_finance(registration_ids: list[UUID]) -> None:
    """Finance sees every document; an attendee, those billing their own registration."""
    if is_finance():
        return
    token = presented_token()
    holder = services().registrations.held_by(registration_ids, token)
    if current_staff() is not None:
        raise ApiError(403, "This needs the finance role.")
    if token is None:
        raise ApiError(401, "Send the registration's manage token, or sign in as finance.")
    if holder is None:
        raise ApiError(403, "This token does not give access to this invoice.")
    act_as(Actor.attendee(holder))


def staff_reason(data: dict[str, Any]) -> str | None:
    """The reason a correction or substitution is recorded with: staff give one (kept in
    the history, as their pages ask), the holder none; refused otherwise (422, `reason`)."""
    reason = data.pop("reason", None)
    if current_staff() is not None:
        if not reason:
            raise ValidationError({"reason": [
                "Staff give a reason: it is kept in the registration's history."]})
        return str(reason)
    if reason is not None:
        raise ValidationError({"reason": ["Only staff give a reason."]})
    return None
