"""The waiting list's rules: strict order, all or nothing, offers that expire, and places
counted once (taken and held together never exceed the limit)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.capacity import Allocation
from domain.errors import AlreadyWaiting, NotOffered, NotWaiting
from domain.waiting_list import WaitingEntry, check_not_waiting, may_offer

NOW = datetime(2019, 5, 1, 12, tzinfo=UTC)
SEATS = "edition/type/student"


def entry(quantity: int = 1) -> WaitingEntry:
    return WaitingEntry.join(edition_id=uuid4(), registration_type="student", delegation=None,
                             quantity=quantity, first_name="Ada", last_name="Roy",
                             email="ada@example.org", language="fr", needs=[SEATS],
                             queued_on=[SEATS])


def full(limit: int) -> Allocation:
    allocation = Allocation(resource=SEATS)
    for _ in range(limit):
        allocation.take(uuid4())
    return allocation


def test_nobody_passes_the_queue_a_walk_in_waits_behind_someone_waiting() -> None:
    seats = full(2)
    first = entry()
    seats.queue(first.id, 1)
    seats.give_back(uuid4())
    assert seats.places_left(2) == 0 and not seats.has_room(2)  # the freed seat is theirs
    assert may_offer(first, {SEATS: 2}, {SEATS: seats})


def test_offers_go_in_order_and_a_smaller_later_entry_does_not_pass_a_larger_one() -> None:
    seats = full(3)
    group, single = entry(3), entry(1)
    seats.queue(group.id, 3)
    seats.queue(single.id, 1)
    seats.give_back(uuid4())
    assert not may_offer(group, {SEATS: 3}, {SEATS: seats})  # a group of 3 is not offered 1
    assert not may_offer(single, {SEATS: 3}, {SEATS: seats})  # nor does the single pass it
    seats.give_back(uuid4())
    seats.give_back(uuid4())
    assert may_offer(group, {SEATS: 3}, {SEATS: seats})


def test_an_offer_holds_its_places_until_they_are_registered() -> None:
    seats = full(2)
    group = entry(2)
    seats.queue(group.id, 2)
    seats.give_back(uuid4())
    seats.give_back(uuid4())
    until = group.offer(NOW, hours=48)
    seats.hold_offer(group.id, 2)
    assert until == NOW + timedelta(hours=48) and group.places_held == 2
    assert seats.places_left(2) == 0 and seats.held == 2 and not seats.waiting
    for _ in range(2):
        registration = uuid4()
        group.take_place(registration, NOW + timedelta(hours=1))
        seats.take_offered(group.id, registration)
    assert group.status == "accepted" and seats.taken == 2 and seats.held == 0
    with pytest.raises(NotOffered):
        group.take_place(uuid4(), NOW + timedelta(hours=2))


def test_an_offer_expires_after_its_time_and_its_places_are_given_back() -> None:
    seats = full(1)
    first = entry()
    seats.queue(first.id, 1)
    seats.give_back(uuid4())
    first.offer(NOW, hours=48)
    seats.hold_offer(first.id, 1)
    assert not first.expire_offer(NOW + timedelta(hours=47))
    with pytest.raises(NotOffered):
        first.take_place(uuid4(), NOW + timedelta(hours=48))
    assert first.expire_offer(NOW + timedelta(hours=48)) and first.status == "expired"
    seats.release_offer(first.id)
    assert seats.places_left(1) == 1 and seats.has_room(1)
    with pytest.raises(NotWaiting):
        first.leave()


def test_leaving_takes_the_entry_off_the_list() -> None:
    first = entry()
    first.leave()
    assert first.status == "left"
    with pytest.raises(NotWaiting):
        first.offer(NOW)


OPERATIONS = st.lists(st.tuples(st.sampled_from(
    ["walk_in", "cancel", "join", "offer", "accept", "expire", "leave"]),
    st.integers(min_value=1, max_value=4)), max_size=60)


@given(limit=st.integers(min_value=1, max_value=6), operations=OPERATIONS)
def test_taken_and_held_never_exceed_the_capacity(limit: int,
                                                   operations: list[tuple[str, int]]) -> None:
    """Whatever happens in whatever order, each decided by the rules the services use."""
    seats = Allocation(resource=SEATS)
    registrations: list[UUID] = []
    entries: list[WaitingEntry] = []
    for operation, n in operations:
        waiting = [e for e in entries if e.status == "waiting"]
        offered = [e for e in entries if e.status == "offered"]
        if operation == "walk_in" and seats.has_room(limit):
            registrations.append(uuid4())
            seats.take(registrations[-1])
        elif operation == "cancel" and registrations:
            seats.give_back(registrations.pop(n % len(registrations)))
        elif operation == "join" and not seats.room_for(limit, n):
            entries.append(entry(n))
            seats.queue(entries[-1].id, n)
        elif operation == "offer" and waiting and may_offer(waiting[0], {SEATS: limit},
                                                            {SEATS: seats}):
            waiting[0].offer(NOW)
            seats.hold_offer(waiting[0].id, waiting[0].quantity)
        elif operation == "accept" and offered:
            registrations.append(uuid4())
            offered[0].take_place(registrations[-1], NOW)
            seats.take_offered(offered[0].id, registrations[-1])
        elif operation == "expire" and offered:
            offered[0].expire_offer(NOW + timedelta(days=3))
            seats.release_offer(offered[0].id)
        elif operation == "leave" and (waiting or offered):
            leaving = (waiting + offered)[n % len(waiting + offered)]
            leaving.leave()
            seats.unqueue(leaving.id)
            seats.release_offer(leaving.id)
        assert seats.taken + seats.held <= limit
        assert seats.taken == len(registrations)
        assert seats.held == sum(e.places_held for e in entries)
        assert list(seats.waiting) == [str(e.id) for e in entries if e.status == "waiting"]


def test_an_address_is_on_a_list_once_while_its_entry_waits_or_holds_an_offer() -> None:
    waiting, offered = entry(), entry()
    offered.offer(NOW)
    for earlier in (waiting, offered):
        with pytest.raises(AlreadyWaiting):
            check_not_waiting([earlier], " ADA@example.org", "student", None)
    check_not_waiting([waiting], "ada@example.org", "student", "QC")  # another list
    check_not_waiting([waiting], "ada@example.org", "speaker", None)
    check_not_waiting([waiting], "bea@example.org", "student", None)
    waiting.leave()
    offered.expire_offer(NOW + timedelta(hours=48))
    check_not_waiting([waiting, offered], "ada@example.org", "student", None)  # may rejoin
