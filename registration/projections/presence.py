"""Who is inside now, per check-in list: a row per person and list while they are inside.

An entry adds the row, an exit removes it, a substitution removes the place's rows (the new
person starts outside every list). The reducer is pure: `PresenceProjection` applies it to
the page's events in the runner's transaction, and `fold` to events replayed from the log
for "as of"; counts per delegation join the registration rows (cancelled places not counted).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from domain.checkin_lists import passage
from domain.registration import Registration
from registration.projections.attendance import RegistrationRow
from registration.projections.store import Cursor, ReadModelStore

# (registration id, list code) -> inside since (ISO)
Presence = dict[tuple[str, str], str]


def fold(presence: Presence, events: Iterable[Any]) -> Presence:
    """Apply check-ins and substitutions to `presence` (in place)."""
    for event in events:
        registration_id = str(event.originator_id)
        if isinstance(event, Registration.Substituted):
            for key in [k for k in presence if k[0] == registration_id]:
                del presence[key]
        elif isinstance(event, Registration.CheckedIn):
            key = (registration_id, event.list_code)
            since = presence.get(key)
            after = passage(datetime.fromisoformat(since) if since else None,
                            event.direction, event.at)
            if after is None:
                presence.pop(key, None)
            else:
                presence[key] = after.isoformat()
    return presence


def counts(presence: Presence, rows: dict[str, RegistrationRow],
           edition_id: str) -> dict[tuple[str, str], int]:
    """People inside per (list code, delegation), places not cancelled, of one edition."""
    inside: Counter[tuple[str, str]] = Counter()
    for registration_id, list_code in presence:
        row = rows.get(registration_id)
        if row is not None and row.edition_id == edition_id and row.attending:
            inside[(list_code, row.delegation)] += 1
    return dict(inside)


class PresenceProjection:
    topics: tuple[type, ...] = (Registration.CheckedIn, Registration.Substituted)

    def __init__(self, store: ReadModelStore) -> None:
        self.store = store

    def apply(self, cursor: Cursor, events: Sequence[Any]) -> None:
        before = self._load(cursor, sorted({str(e.originator_id) for e in events}))
        after = fold(dict(before), events)
        for key in before.keys() - after.keys():
            self.store.execute(cursor, "DELETE FROM presence WHERE registration_id = :rid "
                               "AND list_code = :list", {"rid": key[0], "list": key[1]})
        self.store.execute_many(
            cursor, "INSERT INTO presence (registration_id, list_code, since) "
                    "VALUES (:rid, :list, :since)",
            ({"rid": k[0], "list": k[1], "since": v} for k, v in after.items()
             if k not in before))

    def _load(self, cursor: Cursor, ids: list[str]) -> Presence:
        among, params = self.store.one_of("registration_id", ids)
        rows = self.store.execute(cursor, f"SELECT * FROM presence WHERE {among}", params,
                                  fetch=True)
        return {(r["registration_id"], r["list_code"]): r["since"] for r in rows}


def present_now(store: ReadModelStore, edition_id: str) -> dict[tuple[str, str], int]:
    """People inside per (list code, delegation), from the read tables."""
    rows = store.query(
        "SELECT p.list_code, r.delegation, COUNT(*) AS inside FROM presence p "
        "JOIN registrations r ON r.registration_id = p.registration_id "
        "WHERE r.edition_id = :edition_id AND r.attending "
        "GROUP BY p.list_code, r.delegation", {"edition_id": edition_id})
    return {(r["list_code"], r["delegation"]): int(r["inside"]) for r in rows}
