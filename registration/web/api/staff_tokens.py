"""Staff bearer tokens over the API: who holds which, until when, and revoking one (admin)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint

from registration.services.views import StaffView, TokenView
from registration.web.api.presenters import iso
from registration.web.common.auth import current_staff, staff_required
from registration.web.common.errors import ApiError
from registration.web.common.http import services

staff_tokens = Blueprint("staff_tokens", __name__, url_prefix="/api")


def token_json(token: TokenView) -> dict[str, Any]:
    return {"prefix": token.prefix, "issued_at": iso(token.issued_at),
            "expires_at": iso(token.expires_at), "last_used": iso(token.last_used),
            "revoked": token.revoked}


def member_json(member: StaffView) -> dict[str, Any]:
    return {"id": str(member.id), "name": member.name, "role": member.role,
            "disabled": member.disabled, "second_factor": member.second_factor,
            "tokens": [token_json(t) for t in services().staff.tokens(member.id)]}


@staff_tokens.get("/staff/me")
@staff_required()
def me() -> Any:
    """The calling staff member, with their tokens (so a script can see when its expires).
    ---
    responses:
      200:
        description: "`id`, `name`, `role`, `disabled`, `second_factor`, and `tokens`: each
          with its `prefix` (first characters), `issued_at`, `expires_at`, `last_used` and
          `revoked`; never the token itself."
        content: {application/json: {schema: StaffMember}}
    """
    member = current_staff()
    assert member is not None  # staff_required ran first
    return member_json(member)


@staff_tokens.get("/staff/members")
@staff_required("admin")
def members() -> Any:
    """Every staff member with their tokens (prefix, issued, expires, last used, revoked).
    ---
    responses:
      200:
        description: "`members`: by name, each as `GET /api/staff/me` shows it."
        content: {application/json: {schema: StaffMembers}}
    """
    return {"members": [member_json(m) for m in services().staff.accounts()]}


@staff_tokens.delete("/staff/members/<member_id>/tokens/<prefix>")
@staff_required("admin")
def revoke(member_id: str, prefix: str) -> Any:
    """Revoke one of the member's tokens, named by its prefix: refused at once everywhere.
    ---
    responses:
      204: {description: "Revoked."}
    """
    try:
        member = services().staff.get(UUID(member_id))
    except ValueError:
        member = None
    if member is None or not services().staff.revoke_token(member.id, prefix[:100]):
        raise ApiError(404, "This member has no live token with that prefix.")
    return "", 204
