"""The offline desk's API (desk role): a device's copy of the edition, and its queued scans."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from registration.web.api.desk import staff_name
from registration.web.common.auth import staff_required
from registration.web.common.offline_desk import desk_copy, synced

desk_offline = Blueprint("desk_offline", __name__, url_prefix="/api")


@desk_offline.get("/editions/<slug>/desk-copy")
@staff_required("desk")
def copy(slug: str) -> Any:
    """What a desk device keeps to scan offline: each place (names, delegation, type, whether
    it is admitted, its badge keys, the lists it is inside since when), and the event log
    `position` they were read at; with `since`, only the places changed after it.
    ---
    parameters: [{in: query, schema: DeskCopyQuerySchema}]
    responses:
      200: {description: "`position`, `complete` (false: a delta since `since`), `people`.",
            content: {application/json: {schema: DeskCopy}}}
      404: {description: "No edition with this slug."}
    """
    return desk_copy(slug)


@desk_offline.post("/editions/<slug>/offline-scans")
@staff_required("desk")
def sync(slug: str) -> Any:
    """Scans a device made offline, applied once each (by nonce) in the order it scanned:
    each `recorded`, a `conflict` (recorded as one in the history: `entered_elsewhere`,
    `not_inside`, `out_of_order`), or `refused` (its reason; nothing recorded).
    ---
    requestBody: {required: true, content: {application/json: {schema: OfflineSyncSchema}}}
    responses:
      200: {description: "`results`: one per scan, in the order applied.",
            content: {application/json: {schema: OfflineScans}}}
      404: {description: "No edition with this slug."}
      422: {description: "Invalid request (more than 500 scans, a scan without a nonce…)."}
    """
    return synced(slug, staff_name())
