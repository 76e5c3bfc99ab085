"""`Idempotency-Key` on the requests that create something (see domain.idempotency).

An API client sends the header; a page's form carries the same key in a hidden field,
made when the form was shown, so a double click or a reload that posts again gets the
first answer instead of a second registration (or an error about the first one).

The key is scoped to the request's method and path and to who makes it (a staff member,
or anyone holding the link), and the request's content is fingerprinted: the same key
with other content is refused with 422.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from uuid import UUID

from flask import current_app, make_response, request

from domain.actor import current_actor
from domain.outcome import Outcome
from registration.idempotency import Claim, Replayed
from registration.mail.outbox import LinkSeal
from registration.services.delegation_leads import LeadView
from registration.services.registrations import NewRegistration
from registration.services.views import RegistrationView
from registration.services.waiting_list import Joined
from registration.web.common.errors import ApiError

HEADER = "Idempotency-Key"
FORM_FIELD = "idempotency_key"
KEY = re.compile(r"^[A-Za-z0-9._:-]{8,255}$")
IGNORED_FIELDS = {"csrf_token", FORM_FIELD}
F = TypeVar("F", bound=Callable[..., Any])


def new_form_key() -> str:
    """For a form's hidden field: one key per form shown."""
    return secrets.token_urlsafe(24)


def claim(outcome_of: Callable[[Any], Outcome | None], part: str = "",
          content: Any = None, checked_by_decision: bool = False) -> Claim | None:
    """The request's claim, if it carries a key. A key answered before raises Replayed at
    once, unless `checked_by_decision`: the command does nothing before its decision, which
    checks the key first thing (Conference.decide), so reading it here too costs a read of
    the store for nothing. `part` tells apart several commands one request makes (the rows
    of a group form), each fingerprinted by its own `content` rather than the whole
    request's."""
    key = request.headers.get(HEADER) or request.form.get(FORM_FIELD)
    if not key:
        return None
    if not KEY.fullmatch(key):
        raise ApiError(422, f"An {HEADER} is 8 to 255 letters, digits or . _ : - "
                            "(a random UUID is a good one).", {HEADER: ["Not a valid key."]})
    actor = current_actor()
    who = f"{actor.kind}:{actor.id}" if actor.kind == "staff" else "anyone"
    made = Claim(scope=f"{request.method} {request.path}{part} by {who}", key=key,
                 fingerprint=fingerprint(content), outcome_of=outcome_of)
    if not checked_by_decision:
        current_app.extensions["services"].check_claim(made)
    return made


def fingerprint(content: Any = None) -> str:
    """The request's content (or `content`), whatever order its fields came in."""
    if content is None and request.is_json:
        content = request.get_json(silent=True)
    elif content is None:
        content = sorted((k, v) for k, v in request.form.items(multi=True)
                         if k not in IGNORED_FIELDS)
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def replays(answer: Callable[[Outcome], Any]) -> Callable[[F], F]:
    """A view whose repeated request (same key) is answered by `answer(first outcome)`."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return view(*args, **kwargs)
            except Replayed as replayed:
                response = make_response(answer(replayed.outcome))
                response.headers["Idempotent-Replayed"] = "true"  # as Stripe says it
                return response

        wrapper.idempotent = True  # type: ignore[attr-defined]  # for the OpenAPI document
        return wrapper  # type: ignore[return-value]

    return decorator


def registration_outcome(created: NewRegistration) -> Outcome:
    """A registration made: its id (the manage token is derived again, never kept)."""
    return Outcome("registration", (str(created.registration.id),))


def lead_outcome(lead: LeadView) -> Outcome:
    """A delegation lead recorded with their group: the lead's id (their link is derived)."""
    return Outcome("delegation_lead", (str(lead.id),))


def waiting_list_outcome(joined: Joined) -> Outcome:
    """A waiting-list entry made: its id (its link is derived again)."""
    return Outcome("waiting_list_entry", (str(joined.entry.id),))


def desk_payment_outcome(registration: RegistrationView) -> Outcome:
    """A payment taken at the desk: the place it was taken for."""
    return Outcome("desk_payment", (str(registration.id),))


def manage_token(outcome: Outcome) -> str | None:
    """The manage token the first answer gave, while that link is still in force (None once
    it was renewed or handed on: a replay must not open the registration to its new holder's
    link). Answers recorded before links were derived hold it sealed."""
    registration_id = UUID(outcome.ids[0])
    token = current_app.extensions["services"].registrations.current_token(registration_id)
    if token is not None and outcome.sealed:
        return _seal().unseal(outcome.sealed[0])
    return token


def _seal() -> LinkSeal:
    seal = current_app.extensions["services"].seal
    assert seal is not None
    return seal
