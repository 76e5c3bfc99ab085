"""What a desk device keeps to answer scans offline: the edition's badges (as keys, never
their codes), who holds them, and who is inside — whole, or what changed since a position
of the event log.

A device holds no secret: each badge is a key, the SHA-256 of "desk-copy/" and its QR text
or its normalised short code, which the device computes the same way from what it scans
(`static/js/desk-offline.js`). The keys are a read table of their own (`checkin_keys`), kept
from the events that issue a secret (registering, a substitution).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

from domain.checkin import short_code
from domain.registration import Registration
from registration.projections.store import Cursor, ReadModelStore, placeholders

PAGE = 500


def device_key(text: str) -> str:
    """The key a device finds a badge by (a scanned QR text, or a normalised short code)."""
    return hashlib.sha256(f"desk-copy/{text}".encode()).hexdigest()


class CheckinKeysProjection:
    topics: tuple[type, ...] = (Registration.Registered, Registration.Substituted)

    def __init__(self, store: ReadModelStore) -> None:
        self.store = store

    def apply(self, cursor: Cursor, events: Sequence[Any]) -> None:
        keys = {str(e.originator_id): e.checkin_secret for e in events}  # each place's last
        # A place registered in this page has no keys stored: registering is its first event,
        # and each event is applied once.
        registered = {str(e.originator_id) for e in events
                      if isinstance(e, Registration.Registered)}
        self.store.save_rows(
            cursor, "checkin_keys", ["registration_id", "code_key", "short_key"],
            ({"registration_id": rid, "code_key": device_key(secret),
              "short_key": device_key(short_code(secret))} for rid, secret in keys.items()),
            new=registered)


PEOPLE = ("SELECT r.registration_id, r.first_name, r.last_name, r.organisation, r.delegation, "
          "r.registration_type, r.attending, r.approval, k.code_key, k.short_key "
          "FROM registrations r JOIN checkin_keys k ON k.registration_id = r.registration_id "
          "WHERE r.edition_id = :edition_id")


def people(store: ReadModelStore, edition_id: str,
           only: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """The edition's places (all, or `only` these) with their keys and where they are inside."""
    if only is None:
        rows = store.query(PEOPLE, {"edition_id": edition_id})
    else:
        ids, rows = sorted(set(only)), []
        for start in range(0, len(ids), PAGE):
            names, params = placeholders("id", ids[start:start + PAGE])
            rows += store.query(f"{PEOPLE} AND r.registration_id IN ({names})",
                                {"edition_id": edition_id, **params})
    inside = _inside(store, [r["registration_id"] for r in rows])
    return [{"id": r["registration_id"], "first_name": r["first_name"],
             "last_name": r["last_name"], "organisation": r["organisation"],
             "delegation": r["delegation"] or None, "registration_type": r["registration_type"],
             "admitted": bool(r["attending"]) and r["approval"] not in {"asked", "refused"},
             "keys": [r["code_key"], r["short_key"]],
             "inside": inside.get(r["registration_id"], {})} for r in rows]


def _inside(store: ReadModelStore, ids: list[str]) -> dict[str, dict[str, str]]:
    inside: dict[str, dict[str, str]] = {}
    for start in range(0, len(ids), PAGE):
        names, params = placeholders("id", ids[start:start + PAGE])
        for row in store.query(f"SELECT * FROM presence WHERE registration_id IN ({names})",
                               params):
            inside.setdefault(row["registration_id"], {})[row["list_code"]] = row["since"]
    return inside
