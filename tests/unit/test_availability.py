"""Places left: the one rule registering decides with and the pages show."""

from __future__ import annotations

from uuid import uuid4

from domain.availability import availability, places_left, resource_key
from domain.capacity import Allocation
from domain.edition_document import parse_edition
from tests.support import editions


def test_places_left_is_the_limit_less_what_is_taken_never_below_zero() -> None:
    assert places_left(3, 0) == 3
    assert places_left(3, 2) == 1
    assert places_left(3, 3) == 0
    assert places_left(2, 3) == 0  # a capacity lowered under what is already taken
    assert places_left(None, 500) is None  # unlimited


def test_an_allocation_has_room_exactly_while_places_are_left() -> None:
    allocation = Allocation(resource="r")
    for _ in range(3):
        assert allocation.has_room(3)
        allocation.take(uuid4())
    assert not allocation.has_room(3) and allocation.places_left(3) == 0
    allocation.give_back(uuid4())
    assert allocation.has_room(3) and allocation.places_left(3) == 1
    assert allocation.places_left(None) is None


def test_availability_counts_only_limited_types_and_delegations() -> None:
    config = parse_edition(editions.edition(editions.QUEBEC))
    edition_id = uuid4()
    taken = {resource_key(edition_id, "type", "speaker"): 3,
             resource_key(edition_id, "delegation", "GA"): 1,
             resource_key(edition_id, "type", "delegate"): 40}
    asked: list[str] = []

    def count(resource: str) -> int:
        asked.append(resource)
        return taken.get(resource, 0)

    left = availability(config, edition_id, count)
    assert left.types == {"delegate": None, "speaker": 0}
    assert left.delegations == {"QC": None, "GA": 1, "ON": None}
    assert left.type_sold_out("speaker") and not left.type_sold_out("delegate")
    assert not left.delegation_full("GA") and left.delegation_left("GA") == 1
    assert sorted(asked) == sorted([resource_key(edition_id, "type", "speaker"),
                                    resource_key(edition_id, "delegation", "GA")])
