"""The staff's waiting-list read model: each entry's row, from its events alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from domain.waiting_list import WaitingEntry
from registration.projections.waiting_list import fold

NOW = datetime(2019, 5, 1, 12, tzinfo=UTC)


def entry(quantity: int) -> WaitingEntry:
    return WaitingEntry.join(edition_id=uuid4(), registration_type="student", delegation="QC",
                             quantity=quantity, first_name="Ada", last_name="Roy",
                             email="ada@example.org", language="fr", needs=["s"],
                             queued_on=["s"])


def test_a_row_follows_its_entry_to_the_end_and_says_when() -> None:
    group, single, leaver = entry(2), entry(1), entry(1)
    group.offer(NOW)
    group.take_place(uuid4(), NOW)
    halfway = fold({}, group.collect_events())[str(group.id)]
    assert (halfway.status, halfway.registered, halfway.ended_at) == ("offered", 1, None)
    group.take_place(uuid4(), NOW)
    single.offer(NOW, hours=1)
    single.expire_offer(NOW + timedelta(hours=2))
    leaver.leave()
    rows = fold({str(group.id): halfway},
                [*group.collect_events(), *single.collect_events(), *leaver.collect_events()])
    assert [(r.status, r.registered) for r in rows.values()] == [
        ("accepted", 2), ("expired", 0), ("left", 0)]
    assert rows[str(single.id)].ended_at == (NOW + timedelta(hours=1)).isoformat()
    assert all(r.ended_at for r in rows.values())
    assert rows[str(group.id)].delegation == "QC" and rows[str(group.id)].quantity == 2
