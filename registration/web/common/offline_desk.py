"""The offline desk's two calls, shared by the API (a bearer token) and the check-in page
(the staff session): the device's copy, and its queue of scans made offline."""

from __future__ import annotations

from typing import Any

from flask import request

from domain.offline_scans import OfflineScan
from registration.services.offline_desk import SyncedScan
from registration.web.common import i18n
from registration.web.common.http import body, services
from registration.web.common.offline_schemas import DeskCopyQuerySchema, OfflineSyncSchema
from registration.web.common.pages import list_name
from registration.web.common.schemas import load_json


def desk_copy(slug: str) -> dict[str, Any]:
    """The device's copy (see OfflineDeskService.copy), with the edition's names in the
    caller's language and what each list admits, for the device to answer as the desk does."""
    since = DeskCopyQuerySchema().load(request.args)["since"]
    config = services().editions.config(slug)
    language = i18n.current_language()
    return {**services().offline_desk.copy(slug, since), "edition": slug,
            "lists": [{"code": c.code, "name": list_name(config, c.code),
                       "registration_types": sorted(c.registration_types)
                       if c.registration_types is not None else None,
                       "day": c.day.isoformat() if c.day else None}
                      for c in config.checkin_lists],
            "time_zone": str(config.zone),
            "registration_types": {t.code: t.name(language) for t in config.registration_types},
            "delegations": {d.code: d.name(language) for d in config.delegations}}


def synced(slug: str, by: str) -> dict[str, Any]:
    sent = load_json(OfflineSyncSchema(), body())
    scans = [OfflineScan(s["nonce"], s["code"], s["checkin_list"], s["direction"],
                         sent["device"], s["scanned_at"]) for s in sent["scans"]]
    results = services().offline_desk.sync(slug, by, scans)
    return {"results": [synced_json(r) for r in results]}


def synced_json(result: SyncedScan) -> dict[str, Any]:
    return {"nonce": result.nonce, "status": result.status, "reason": result.reason or None,
            "registration": result.registration_id, "repeated": result.repeated,
            "message": sync_message(result)}


def sync_message(result: SyncedScan) -> str:
    if result.status == "recorded":
        return i18n.gettext("Synced.")
    if result.reason == "entered_elsewhere":
        return i18n.gettext("Conflict: already scanned in on another device; the first entry "
                            "stands.")
    if result.reason == "not_inside":
        return i18n.gettext("Conflict: exit scanned for someone not inside.")
    if result.reason == "out_of_order":
        return i18n.gettext("Conflict: a later scan was recorded first on another device.")
    return i18n.gettext("Refused when synced: check this person at the desk.")
