"""The attendee's secret manage link: which registration a page opens, and its pages' frame.

The registration service checks the link's token; the page then acts as that registration's
attendee and speaks its edition's languages.
"""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, request

from domain.actor import Actor
from domain.errors import WrongToken
from registration.services.views import RegistrationView
from registration.web.common import i18n
from registration.web.common.acting import act_as
from registration.web.common.http import services
from registration.web.common.pages import display_name, registration_key, use_edition


def holder_registration(registration_id: str) -> tuple[RegistrationView, str]:
    """The registration and its token, if the request carries its manage token (else 404/403)."""
    key = registration_key(registration_id)
    token = request.values.get("token", "")
    try:
        registration = services().registrations.for_holder(key, token)
    except WrongToken:
        abort(403, description=i18n.gettext(
            "This link does not open this registration. Use the link from your confirmation."))
    act_as(Actor.attendee(registration.id))
    use_edition(registration.edition)
    return registration, token


def page(template: str, registration: RegistrationView, token: str, status: int = 200,
         **context: Any) -> Any:
    """A page about the registration, with its type's and delegation's names."""
    config = registration.edition
    names = {"type_name": display_name(config, "type", registration.registration_type),
             "delegation_name": registration.delegation and display_name(
                 config, "delegation", registration.delegation)}
    return render_template(template, registration=registration, config=config, token=token,
                           **names, **context), status
