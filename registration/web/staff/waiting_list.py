"""The edition's waiting lists for staff: who waits, in which order, for how many places,
and until when an offer holds them; with a status chosen, the entries that left the list
too (accepted, expired, left, with when)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request

from registration.services.waiting_list import FILTERS
from registration.web.common import i18n
from registration.web.common.http import services
from registration.web.common.pages import protect
from registration.web.common.staff_session import staff_page
from registration.web.staff.context import chosen_edition
from registration.web.staff.desk import names

waiting_list_pages = protect(Blueprint("waiting_list_pages", __name__,
                                       url_prefix="/staff/waiting-list"))


@waiting_list_pages.get("/")
@staff_page("finance")
def entries() -> Any:
    config, documents = chosen_edition()
    which = request.args.get("status") or "current"
    if which not in FILTERS:
        abort(400, description=i18n.gettext("Choose a status from the list."))
    listed = [] if config is None else services().waiting_list.listed(config.slug, which)
    return render_template("staff/waiting_list.html", config=config, documents=documents,
                           entries=listed, which=which, **(names(config) if config else {}))
