"""The edition's waiting lists for staff: who waits, in which order, for how many places,
and until when an offer holds them."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

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
    listed = [] if config is None else services().waiting_list.entries(config.slug)
    return render_template("staff/waiting_list.html", config=config, documents=documents,
                           entries=listed, **(names(config) if config else {}))
