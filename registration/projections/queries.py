"""Reads for the web layer, from the read tables (or, for a past moment, the log)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.billing import billable
from domain.edition_config import EditionConfig
from domain.identifiers import edition_id
from registration.projections import attendance, presence
from registration.projections.attendance import RegistrationRow
from registration.projections.journal_queries import (
    Journal,
    JournalFilter,
    Movement,
    invoice_movements,
)
from registration.projections.journal_queries import journal as journal_of
from registration.projections.runner import ReadModels


class Queries:
    def __init__(self, read_models: ReadModels) -> None:
        self.read_models = read_models
        self.store = read_models.store

    def edition_documents(self) -> list[dict[str, Any]]:
        rows = self.store.query("SELECT document FROM editions ORDER BY slug")
        return [json.loads(row["document"]) for row in rows]

    def journal(self, config: EditionConfig, which: JournalFilter) -> Journal:
        """The edition's movements of money that `which` selects, with their totals."""
        return journal_of(self.store, config, which)

    def invoice_payments(self, config: EditionConfig, number: str) -> list[Movement]:
        return invoice_movements(self.store, config, number)

    def attendance(self, config: EditionConfig, as_of: datetime | None = None) -> dict[str, Any]:
        """Counts per delegation and registration type, with totals."""
        key = str(edition_id(config.slug))
        if as_of is None:
            rows = self.store.query(
                "SELECT * FROM attendance WHERE edition_id = :edition_id", {"edition_id": key})
            counts = {(r["delegation"], r["registration_type"]):
                      Counter({c: r[c] for c in attendance.COUNTS}) for r in rows}
        else:
            replayed = self.read_models.replay(as_of).values()
            counts = attendance.summarise(replayed, key)
        return attendance_report(config, counts, as_of)

    def presence(self, config: EditionConfig, as_of: datetime | None = None) -> dict[str, Any]:
        """People inside now (or at `as_of`) per check-in list and delegation."""
        key = str(edition_id(config.slug))
        if as_of is None:
            inside = presence.present_now(self.store, key)
        else:
            events = list(self.read_models.events_until(as_of))
            rows = attendance.fold({}, events)
            inside = presence.counts(presence.fold({}, events), rows, key)
        return presence_report(config, inside, as_of)

    def registrations(self, config: EditionConfig) -> list[RegistrationRow]:
        rows = self.store.query(
            "SELECT * FROM registrations WHERE edition_id = :edition_id "
            "ORDER BY delegation, last_name, first_name",
            {"edition_id": str(edition_id(config.slug))})
        return [RegistrationRow.from_mapping(r) for r in rows]

    def members(self, registration_ids: Sequence[UUID]) -> list[RegistrationRow]:
        """These registrations (a delegation lead's), by name."""
        if not registration_ids:
            return []
        names = {f"id{i}": str(key) for i, key in enumerate(registration_ids)}
        rows = self.store.query(
            "SELECT * FROM registrations WHERE registration_id IN ("
            + ", ".join(f":{name}" for name in names) + ") ORDER BY last_name, first_name",
            names)
        return [RegistrationRow.from_mapping(r) for r in rows]

    def billable(self, config: EditionConfig, delegation: str) -> list[RegistrationRow]:
        """The delegation's places an invoice may bill now (domain.billing), by name."""
        rows = [r for r in self.registrations(config) if r.delegation == delegation
                and billable(cancelled=not r.attending, invoiced=r.invoiced,
                             free=Decimal(r.total).is_zero())]
        return sorted(rows, key=lambda r: (r.last_name.casefold(), r.first_name.casefold()))


def attendance_report(
    config: EditionConfig, counts: dict[tuple[str, str], Counter], as_of: datetime | None
) -> dict[str, Any]:
    def figures(counter: Counter) -> dict[str, int]:
        numbers = {c: int(counter.get(c, 0)) for c in attendance.COUNTS}
        numbers["attending"] = numbers["registered"] - numbers["cancelled"]
        return numbers

    names = {d.code: d.name("en") for d in config.delegations}
    codes = [d.code for d in config.delegations]
    codes += sorted({d for d, _ in counts} - set(codes) - {attendance.NO_DELEGATION})
    if any(d == attendance.NO_DELEGATION for d, _ in counts):
        codes.append(attendance.NO_DELEGATION)
    types = [t.code for t in config.registration_types]
    delegations: list[dict[str, Any]] = []
    grand: Counter = Counter()
    by_type_total: dict[str, Counter] = {t: Counter() for t in types}
    for code in codes:
        total: Counter = Counter()
        by_type = {}
        for type_code in types:
            counter = counts.get((code, type_code), Counter())
            total.update(counter)
            by_type_total[type_code].update(counter)
            by_type[type_code] = figures(counter)
        grand.update(total)
        delegations.append({
            "code": code or None, "name": names.get(code, code or "No delegation"),
            "by_type": by_type, "totals": figures(total),
        })
    return {
        "edition": config.slug,
        "as_of": as_of.isoformat() if as_of else None,
        "delegations": delegations,
        "by_type": {t: figures(c) for t, c in by_type_total.items()},
        "totals": figures(grand),
    }


def presence_report(config: EditionConfig, inside: dict[tuple[str, str], int],
                    as_of: datetime | None) -> dict[str, Any]:
    """Each list with its count, and the delegations with someone inside (in the
    edition's order; "no delegation" last)."""
    order = [d.code for d in config.delegations]
    lists = []
    for checkin_list in config.checkin_lists:
        found = {d: n for (code, d), n in inside.items() if code == checkin_list.code and n}
        codes = sorted(found, key=lambda d: (d == attendance.NO_DELEGATION,
                                             order.index(d) if d in order else len(order), d))
        lists.append({
            "code": checkin_list.code, "name": checkin_list.name("en"),
            "day": checkin_list.day.isoformat() if checkin_list.day else None,
            "present": sum(found.values()),
            "delegations": [{"code": d or None, "present": found[d]} for d in codes]})
    return {"edition": config.slug, "as_of": as_of.isoformat() if as_of else None,
            "lists": lists}
