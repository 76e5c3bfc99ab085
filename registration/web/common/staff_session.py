"""Signed-in staff on the pages: a session cookie naming the member, checked per request.

The JSON API keeps its bearer tokens (registration.web.common.auth); pages use this
session.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from uuid import UUID

from flask import abort, g, redirect, request, session, url_for

from registration.services.views import StaffView
from registration.web.common import i18n
from registration.web.common.http import services

F = TypeVar("F", bound=Callable[..., Any])
SESSION_KEY = "staff_id"


def signed_in_staff() -> StaffView | None:
    if "page_staff" not in g:
        member_id = session.get(SESSION_KEY)
        member_uuid = _uuid(str(member_id)) if member_id else None
        member = services().staff.get(member_uuid) if member_uuid else None
        # A member whose credentials changed since signing in must sign in again.
        if member is not None and session.get("staff_credentials") != member.credentials:
            member = None
        g.page_staff = member
    return g.page_staff


def _uuid(value: str) -> UUID | None:
    try:
        return UUID(value)
    except ValueError:
        return None


def sign_in(member: StaffView) -> None:
    language = session.get("lang")
    session.clear()  # a fresh session (and CSRF token) on privilege change
    session.permanent = True
    session[SESSION_KEY] = str(member.id)
    session["staff_credentials"] = member.credentials
    if language:
        session["lang"] = language
    g.page_staff = member


def sign_out() -> None:
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    g.page_staff = None


def staff_page(*roles: str) -> Callable[[F], F]:
    """Anonymous → the sign-in page; signed in without the role → 403. Admins may do all."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            member = signed_in_staff()
            if member is None:
                return redirect(url_for("staff_pages.sign_in", next=request.full_path.rstrip("?")))
            if roles and member.role not in roles and member.role != "admin":
                abort(403, description=i18n.gettext(
                    "Your role does not give access to this page."))
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator
