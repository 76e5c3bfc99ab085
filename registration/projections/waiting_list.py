"""Every waiting-list entry of an edition, the past ones included (accepted, expired, left,
with when), for staff: a row per entry, rebuilt from the log like the other read models.

Who waits now, and in which order, is read from the Allocation aggregates that decide it
(registration.services.waiting_list); this read model adds the entries that left the list.
The reducer is pure: `WaitingListProjection` applies it to a page of events in the runner's
transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from domain.waiting_list import WaitingEntry
from registration.projections.store import Cursor, ReadModelStore, placeholders, upsert_statement


@dataclass(frozen=True)
class EntryRow:
    entry_id: str
    edition_id: str
    registration_type: str
    delegation: str | None
    quantity: int
    first_name: str
    last_name: str
    email: str
    language: str
    status: str
    joined_at: str  # ISO moments
    offered_until: str | None
    registered: int  # places of its offer registered
    ended_at: str | None  # when it was accepted (its last place taken), expired or left

    @classmethod
    def from_mapping(cls, row: Any) -> EntryRow:
        return cls(**{f.name: row[f.name] for f in fields(cls)})


COLUMNS = [f.name for f in fields(EntryRow)]


def fold(rows: dict[str, EntryRow], events: Iterable[Any]) -> dict[str, EntryRow]:
    """Apply waiting-list events to `rows` (by entry id, in place)."""
    for event in events:
        key = str(event.originator_id)
        if isinstance(event, WaitingEntry.Joined):
            rows[key] = EntryRow(
                entry_id=key, edition_id=str(event.edition_id),
                registration_type=event.registration_type, delegation=event.delegation,
                quantity=event.quantity, first_name=event.first_name,
                last_name=event.last_name, email=event.email, language=event.language,
                status="waiting", joined_at=event.timestamp.isoformat(), offered_until=None,
                registered=0, ended_at=None)
        elif key not in rows:
            continue
        elif isinstance(event, WaitingEntry.Offered):
            rows[key] = replace(rows[key], status="offered",
                                offered_until=event.until.isoformat())
        elif isinstance(event, WaitingEntry.OfferExpired):
            rows[key] = replace(rows[key], status="expired", ended_at=event.until.isoformat())
        elif isinstance(event, WaitingEntry.Left):
            rows[key] = replace(rows[key], status="left", ended_at=event.timestamp.isoformat())
        elif isinstance(event, WaitingEntry.PlaceTaken):
            row = rows[key]
            done = row.registered + 1 >= row.quantity
            rows[key] = replace(row, registered=row.registered + 1,
                                status="accepted" if done else row.status,
                                ended_at=event.timestamp.isoformat() if done else None)
    return rows


class WaitingListProjection:
    topics: tuple[type, ...] = (WaitingEntry.Joined, WaitingEntry.Offered,
                                WaitingEntry.OfferExpired, WaitingEntry.PlaceTaken,
                                WaitingEntry.Left)

    def __init__(self, store: ReadModelStore) -> None:
        self.store = store

    def apply(self, cursor: Cursor, events: Sequence[Any]) -> None:
        touched = sorted({str(e.originator_id) for e in events})
        among, params = self.store.one_of("entry_id", touched)
        before = {row["entry_id"]: EntryRow.from_mapping(row) for row in self.store.execute(
            cursor, f"SELECT * FROM waiting_entries WHERE {among}", params, fetch=True)}
        after = fold(dict(before), events)
        self.store.execute_many(cursor, upsert_statement("waiting_entries", COLUMNS),
                                (asdict(row) for key, row in after.items()
                                 if before.get(key) != row))


def entries(store: ReadModelStore, edition_id: str, statuses: Sequence[str]) -> list[EntryRow]:
    """The edition's entries in these statuses, in the order they joined."""
    names, params = placeholders("status", statuses)
    found = store.query(f"SELECT * FROM waiting_entries WHERE edition_id = :edition_id "
                        f"AND status IN ({names}) ORDER BY joined_at, entry_id",
                        {"edition_id": edition_id, **params})
    return [EntryRow.from_mapping(row) for row in found]
