"""Reads for the registration desk, from the registrations read table.

Attendee search: every word typed must match, accent-insensitively ("francois" finds
"François"), a name, e-mail, organisation or delegation code in the row's `search_text` — or
the name of the delegation in any of the edition's languages ("Québec" finds QC).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domain.edition_config import EditionConfig
from domain.identifiers import edition_id
from registration.projections.attendance import NO_DELEGATION, RegistrationRow, searchable
from registration.projections.store import ReadModelStore, placeholders

LIMIT = 50
SETTLED = ("paid", "confirmed")  # nothing left to pay


@dataclass(frozen=True)
class BadgeFilter:
    delegation: str | None = None
    registration_type: str | None = None
    not_printed: bool = False
    only_paid: bool = False


def sort_key(row: RegistrationRow) -> tuple[bool, str, str, str]:
    """By delegation (people without one last), then last and first name, accents aside."""
    return (row.delegation == NO_DELEGATION, row.delegation, searchable(row.last_name),
            searchable(row.first_name))


def search_attendees(
    store: ReadModelStore, config: EditionConfig, query: str, limit: int = LIMIT
) -> list[RegistrationRow]:
    conditions = ["edition_id = :edition_id"]
    params: dict[str, object] = {"edition_id": str(edition_id(config.slug))}
    for i, term in enumerate(searchable(query).split()):
        params[f"t{i}"] = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace(
            "_", "\\_") + "%"
        condition = f"search_text LIKE :t{i} ESCAPE '\\'"
        codes = delegations_named(config, term)
        if codes:
            names, values = placeholders(f"d{i}_", codes)
            params.update(values)
            condition = f"({condition} OR delegation IN ({names}))"
        conditions.append(condition)
    rows = store.query(f"SELECT * FROM registrations WHERE {' AND '.join(conditions)}", params)
    found = sorted((RegistrationRow.from_mapping(r) for r in rows), key=sort_key)
    return found[:limit]


def delegations_named(config: EditionConfig, term: str) -> Sequence[str]:
    return [d.code for d in config.delegations
            if any(term in searchable(name) for name in d.names.values())]


def badge_rows(store: ReadModelStore, config: EditionConfig, which: BadgeFilter) -> list[
        RegistrationRow]:
    """The registrations to print badges for (never a cancelled one, nor one awaiting
    approval), in printing order."""
    conditions = ["edition_id = :edition_id", "attending = :attending", "approval <> :asked"]
    params: dict[str, object] = {"attending": True, "asked": "asked"}
    if which.only_paid:
        statuses, settled = placeholders("s", SETTLED)
        conditions.append(f"status IN ({statuses})")
        params.update(settled)
    params["edition_id"] = str(edition_id(config.slug))
    if which.delegation is not None:
        conditions.append("delegation = :delegation")
        params["delegation"] = config.delegation(which.delegation).code
    if which.registration_type is not None:
        conditions.append("registration_type = :registration_type")
        params["registration_type"] = config.registration_type(which.registration_type).code
    if which.not_printed:
        conditions.append("badge_prints = 0")
    rows = store.query(f"SELECT * FROM registrations WHERE {' AND '.join(conditions)}", params)
    return sorted((RegistrationRow.from_mapping(r) for r in rows), key=sort_key)


def reading_order(rows: Sequence[RegistrationRow], config: EditionConfig,
                  language: str) -> list[RegistrationRow]:
    """As a reader of `language` looks for a name on a list: delegations by their name in
    that language (people without one last), then last and first names, accents and case
    aside ("Émond" beside "Emond", before "Fortin"), the exact spelling breaking ties."""

    def delegation_name(code: str) -> str:
        found = next((d for d in config.delegations if d.code == code), None)
        return found.name(language) if found is not None else code

    return sorted(rows, key=lambda row: (
        row.delegation == NO_DELEGATION, searchable(delegation_name(row.delegation)),
        searchable(row.last_name), searchable(row.first_name), row.last_name, row.first_name))
