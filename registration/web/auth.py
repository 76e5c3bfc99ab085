"""Who is calling: a staff member (bearer token, with a role) or a registration's holder.

An attendee proves they hold a registration with the manage token returned once at
registration, as a bearer token or as `?token=` in their secret link.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, g, request

from domain.actor import Actor
from domain.registration import Registration
from domain.staff import StaffMember
from registration.application import same_secret
from registration.web.acting import act_as
from registration.web.errors import ApiError

F = TypeVar("F", bound=Callable[..., Any])


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return None


def presented_token() -> str | None:
    """A manage token may come in the secret link; a staff token only in the header."""
    return bearer_token() or request.args.get("token") or None


def current_staff() -> StaffMember | None:
    if "staff" not in g:
        token = bearer_token()
        services = current_app.extensions["services"]
        g.staff = services.staff.authenticate(token) if token else None
    return g.staff


def staff_required(*roles: str) -> Callable[[F], F]:
    """Require a signed-in staff member; admins may do everything."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            staff = current_staff()
            if staff is None:
                raise ApiError(401, "Sign in as staff: send 'Authorization: Bearer <token>'.")
            if roles and staff.role not in roles and staff.role != "admin":
                raise ApiError(403, f"This needs the {' or '.join(roles)} role.")
            return view(*args, **kwargs)

        wrapper.staff_roles = roles  # type: ignore[attr-defined]  # for the OpenAPI document
        return wrapper  # type: ignore[return-value]

    return decorator


STAFF_ROLES = ("admin", "finance", "desk")


def require_holder_or_staff(
    registration: Registration, staff_roles: tuple[str, ...] = STAFF_ROLES
) -> None:
    """The holder of the manage token, or a staff member in one of `staff_roles`."""
    staff = current_staff()
    if staff is not None:
        if staff.role not in staff_roles and staff.role != "admin":
            raise ApiError(403, f"This needs the {' or '.join(staff_roles)} role.")
        return
    token = presented_token()
    if token is None:
        raise ApiError(401, "Send the registration's manage token, or sign in as staff.")
    if not same_secret(token, registration.manage_token_hash):
        raise ApiError(403, "This token does not give access to this registration.")
    act_as(Actor.attendee(registration.id))
