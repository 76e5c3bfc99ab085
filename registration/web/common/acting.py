"""Who acts in a request: every event it records carries them (see domain.actor).

By default someone on the public site (the attendee, registering). A staff member signed in
with a bearer token or a page session acts as themself; a manage link's holder acts as that
registration's attendee; Stripe's webhook acts as Stripe.
"""

from __future__ import annotations

from contextvars import Token
from typing import Any

from flask import Flask, g, session

from domain.actor import Actor, start_acting, stop_acting
from registration.services.views import StaffView
from registration.web.common.auth import bearer_token, current_staff
from registration.web.common.staff_session import SESSION_KEY, signed_in_staff


def act_as(actor: Actor) -> None:
    """From now on in this request, events record `actor`."""
    start_acting(actor)  # undone with the rest at the request's end


def staff_actor(member: StaffView) -> Actor:
    return Actor.staff(member.id, member.name, member.role)


def install_actors(app: Flask) -> None:
    @app.before_request
    def who_acts() -> None:
        g.actor_token = start_acting(Actor.attendee())
        member = current_staff() if bearer_token() else None
        if member is None and session.get(SESSION_KEY):
            member = signed_in_staff()
        if member is not None:
            act_as(staff_actor(member))

    @app.teardown_request
    def nobody_acts(_: Any) -> None:
        token: Token[Actor | None] | None = g.pop("actor_token", None)
        if token is not None:
            stop_acting(token)
