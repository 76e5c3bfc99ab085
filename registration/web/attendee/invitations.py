"""The access code a visitor opens invitation-only types with, on the registration and group
forms: posted once (the "unlock" form), then kept in the signed session for that edition, so
it never travels in a URL — not in server or proxy logs, a `Referer` or the browser's
history. A shared link carries it after `#code=` (never sent to the server): the page's
script posts it like the unlock form and removes it from the address bar.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import request, session

from domain.access import find_access_code
from domain.edition_config import EditionConfig
from registration.web.common import i18n
from registration.web.common.forms import Errors, typed
from registration.web.common.refusals import REFUSALS

ACCESS_CODES = "access_codes"  # in the session: {edition slug: the code that opened types}
UNLOCK = "unlock"  # the button of the unlock form (its posts register nobody)


def unlocked(slug: str) -> str | None:
    """The access code this session opened the edition's hidden types with, if any."""
    code = (session.get(ACCESS_CODES) or {}).get(slug)
    return code if isinstance(code, str) else None


def access_code(slug: str, form: Mapping[str, str]) -> str | None:
    """The code a form registers with: the one it posts (never one from a URL), else the one
    this session unlocked."""
    posted = typed(form, "access_code") if request.method == "POST" else None
    return posted or unlocked(slug)


def is_unlocking(form: Mapping[str, str]) -> bool:
    return request.method == "POST" and UNLOCK in form


def unlock(config: EditionConfig, form: Mapping[str, str]) -> Errors:
    """Keep the posted code for this edition if the document lists it (no errors), else
    forget any code kept before — the form goes back to the open types — and say why."""
    code = typed(form, "access_code")
    codes = dict(session.get(ACCESS_CODES) or {})
    codes.pop(config.slug, None)
    found = find_access_code(config.access_codes, code)
    if found is not None:
        codes[config.slug] = found.code
    session[ACCESS_CODES] = codes
    if found is not None:
        return {}
    field, message = REFUSALS["access_code_invalid" if code else "access_code_required"]
    return {field: i18n.gettext(message)}
