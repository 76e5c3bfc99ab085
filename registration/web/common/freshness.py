"""Read your writes: a request never reads a read model older than what it has seen happen.

With `SYNC_PROJECTIONS=false` only the worker process updates the read models, a fraction
of a second after each command. A request that has just saved something (an invoice
issued, a payment recorded) and then reads a read model waits, within bounds, until the
worker has applied its events. So does a request whose client says what it has seen:
API clients send back the `X-Log-Position` of a write's answer as `X-Wait-For-Position`;
pages keep the position of the person's last write in their session, so the page after a
form's redirect shows the form's effect.

If the read models do not get there in time (the worker stopped, or far behind), the
request answers 503 with Retry-After, never a 404 or an old figure.
"""

from __future__ import annotations

import re
from contextvars import Token
from typing import Any

from flask import Flask, Response, current_app, g, has_request_context, request, session
from werkzeug.exceptions import ServiceUnavailable

from registration.application import written_position
from registration.web.common.i18n import gettext

WAIT_SECONDS = 10.0
POSITION_HEADER = "X-Log-Position"
WAIT_HEADER = "X-Wait-For-Position"
POSITION = re.compile(r"[0-9]{1,18}")  # a log position (anything else is ignored, never a 500)
SESSION_KEY = "log_position"


def views_behind() -> ServiceUnavailable:
    return ServiceUnavailable(gettext(
        "Your change is saved, but the pages are still catching up with it. Try again in a "
        "few seconds."), retry_after=5)


def seen_position() -> int:
    """The newest log position this request has written or been told of."""
    return max(written_position.get(), g.get("must_see", 0))


def wait_for_reads() -> None:
    if not has_request_context():
        return  # a background thread (the mail sender) reads what there is
    position = seen_position()
    if position <= g.get("fresh_up_to", 0):
        return
    follower = current_app.extensions["services"].read_models.follower
    if not follower.wait_for(position, WAIT_SECONDS):
        raise views_behind()
    g.fresh_up_to = position


def wait_for_the_log_head() -> None:
    """For something the truth has and a read model lacks: wait until it has caught up
    with everything recorded so far (a GET right after another request's write)."""
    head = current_app.extensions["services"].log_head()
    g.must_see = max(g.get("must_see", 0), head)
    wait_for_reads()


def asked_position() -> int:
    """What `X-Wait-For-Position` asks for, up to the head of the log: no write was answered
    with a position beyond it, so waiting for one would only hold the request (then 503)."""
    asked = request.headers.get(WAIT_HEADER, "")
    if not POSITION.fullmatch(asked) or int(asked) == 0:
        return 0
    return min(int(asked), current_app.extensions["services"].log_head())


def install_freshness(app: Flask) -> None:
    app.extensions["services"].read_models.store.before_read = wait_for_reads

    @app.before_request
    def remember_what_the_client_saw() -> None:
        g.position_token = written_position.set(0)  # a worker thread serves many requests
        g.must_see = max(asked_position(), int(session.get(SESSION_KEY, 0)) if session else 0)

    @app.after_request
    def tell_the_client_where_its_write_is(response: Response) -> Response:
        position = written_position.get()
        if position:
            response.headers[POSITION_HEADER] = str(position)
            if session.get("csrf_token"):  # a person using the pages: for their next page
                session[SESSION_KEY] = position
        return response

    @app.teardown_request
    def forget(_: Any) -> None:
        token: Token[int] | None = g.pop("position_token", None)
        if token is not None:
            written_position.reset(token)
