"""Who is calling: a staff member (bearer token, with a role) or a registration's holder.

An attendee proves they hold a registration with the manage token returned once at
registration, as a bearer token or as `?token=` in their secret link; the registration
service checks it (see `RegistrationService.for_holder`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import g, request

from registration.services.views import StaffView
from registration.web.common.errors import ApiError
from registration.web.common.http import services

F = TypeVar("F", bound=Callable[..., Any])


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return None


def presented_token() -> str | None:
    """A manage token may come in the secret link; a staff token only in the header."""
    return bearer_token() or request.args.get("token") or None


def current_staff() -> StaffView | None:
    if "staff" not in g:
        token = bearer_token()
        g.staff = services().staff.authenticate(token) if token else None
    return g.staff


def require_role(staff: StaffView, roles: tuple[str, ...]) -> None:
    """Admins may do everything; anyone else needs one of `roles` (all roles if none)."""
    if roles and staff.role not in roles and staff.role != "admin":
        raise ApiError(403, f"This needs the {' or '.join(roles)} role.")


def staff_required(*roles: str) -> Callable[[F], F]:
    """Require a signed-in staff member; admins may do everything."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            staff = current_staff()
            if staff is None and bearer_token():
                raise ApiError(401, "This token is unknown, expired or revoked, or its holder "
                               "is disabled: ask an admin for a new one.")
            if staff is None:
                raise ApiError(401, "Sign in as staff: send 'Authorization: Bearer <token>'.")
            require_role(staff, roles)
            return view(*args, **kwargs)

        wrapper.staff_roles = roles  # type: ignore[attr-defined]  # for the OpenAPI document
        return wrapper  # type: ignore[return-value]

    return decorator


def holder_or_staff(*roles: str, tokens_in_body: bool = False) -> Callable[[F], F]:
    """A registration's holder (its manage token) or a staff member in `roles` (any staff if
    none; admins always): `registration_for_caller` enforces it, the OpenAPI document says it.
    With `tokens_in_body`, the request names registrations with their tokens in its body."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            g.holder_staff_roles = roles
            return view(*args, **kwargs)

        wrapper.holder_roles = roles  # type: ignore[attr-defined]  # for the OpenAPI document
        wrapper.tokens_in_body = tokens_in_body  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator
