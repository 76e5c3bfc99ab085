"""The check-in page's offline side, on the staff session: its service worker, the device's
copy of the edition, and the scans it queued while the network was down (see
registration.web.common.offline_desk; the API has the same two calls for bearer tokens)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import current_app, send_file

from registration.web.common.offline_desk import desk_copy, synced
from registration.web.common.staff_session import staff_page
from registration.web.staff.desk import desk_pages, staff_name

WORKER = Path("js") / "desk-offline-worker.js"


@desk_pages.get("/offline-worker.js")
def offline_worker() -> Any:
    """The service worker, served under /staff/desk/ so that it may answer for the desk's
    pages (a worker's scope is its own folder). It holds no data: no sign-in needed."""
    static = Path(current_app.static_folder or "static")
    response = send_file(static / WORKER, mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


@desk_pages.get("/<slug>/offline/copy")
@staff_page("desk")
def copy(slug: str) -> Any:
    return desk_copy(slug)


@desk_pages.post("/<slug>/offline/scans")
@staff_page("desk")
def sync(slug: str) -> Any:
    return synced(slug, staff_name())
