"""Signed-in staff on the pages: a session recorded on the server, checked per request.

The signed cookie holds the member's id and a random session id; the session itself lives on
the member in the event store (see registration.services.staff_access), so signing out, a
new password or disabling ends it for every worker at once, and a replayed cookie is refused.
The cookie lasts as long as the browser (no permanent session); the server ends the session
after STAFF_SESSION_IDLE_MINUTES unused or STAFF_SESSION_MAX_HOURS after signing in.

Between the password and the second-factor code, the cookie names the member as pending
(for a few minutes): nothing is open to them yet.
"""

from __future__ import annotations

import time
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
SESSION_ID = "staff_session"
PENDING = "staff_pending"  # [member id, when the password was right, where to go next]
PENDING_SECONDS = 300


def signed_in_staff() -> StaffView | None:
    if "page_staff" not in g:
        member_uuid = _uuid(str(session.get(SESSION_KEY) or ""))
        handle = session.get(SESSION_ID)
        member = services().staff_access.session_member(member_uuid, str(handle)) \
            if member_uuid and handle else None
        if member is None and SESSION_KEY in session:  # ended or expired: forget it
            session.pop(SESSION_KEY, None)
            session.pop(SESSION_ID, None)
        g.page_staff = member
    return g.page_staff


def current_session_id() -> str | None:
    return str(session[SESSION_ID]) if signed_in_staff() and SESSION_ID in session else None


def _uuid(value: str) -> UUID | None:
    try:
        return UUID(value)
    except ValueError:
        return None


def _fresh_session() -> None:
    language = session.get("lang")
    session.clear()  # a fresh session (and CSRF token) on privilege change
    session.permanent = False  # the cookie ends with the browser; the server decides sooner
    if language:
        session["lang"] = language


def sign_in(member: StaffView, session_id: str) -> None:
    _fresh_session()
    session[SESSION_KEY] = str(member.id)
    session[SESSION_ID] = session_id
    g.page_staff = member


def await_code(member: StaffView, next_page: str) -> None:
    """The password was right; the second-factor code is still to come."""
    _fresh_session()
    session[PENDING] = [str(member.id), int(time.time()), next_page]


def pending_member() -> tuple[UUID, str] | None:
    """The member who gave their password a few minutes ago, and where they were going."""
    pending = session.get(PENDING)
    if not isinstance(pending, list) or len(pending) != 3:
        return None
    member_id, at, next_page = pending
    member_uuid = _uuid(str(member_id))
    if member_uuid is None or not isinstance(at, int) or time.time() - at > PENDING_SECONDS:
        return None
    return member_uuid, str(next_page)


def sign_out() -> None:
    member_uuid = _uuid(str(session.get(SESSION_KEY) or ""))
    handle = session.get(SESSION_ID)
    if member_uuid and handle:
        services().staff_access.end_session(member_uuid, str(handle))
    _fresh_session()
    g.page_staff = None


def signed_in_page(enrolled: bool = False) -> Callable[[F], F]:
    """Any signed-in member (anonymous → the sign-in page); `enrolled`: and, if their role
    requires a second factor, they have one (else → the page to enrol)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            member = signed_in_staff()
            if member is None:
                return redirect(url_for("staff_pages.sign_in", next=request.full_path.rstrip("?")))
            if enrolled and member.must_enrol:
                return redirect(url_for("staff_pages.second_factor"))
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


def staff_page(*roles: str) -> Callable[[F], F]:
    """Anonymous → the sign-in page; without a second factor their role requires → the page
    to enrol; signed in without the role → 403. Admins may do all."""

    def decorator(view: F) -> F:
        @wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            member = signed_in_staff()
            if member is not None and roles and member.role not in roles \
                    and member.role != "admin":
                abort(403, description=i18n.gettext(
                    "Your role does not give access to this page."))
            return view(*args, **kwargs)

        return signed_in_page(enrolled=True)(checked)  # type: ignore[return-value]

    return decorator
