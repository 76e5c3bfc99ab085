"""A delegation lead looks after the places they registered, and only those."""

from __future__ import annotations

from uuid import uuid4

import pytest

from domain.actor import Actor, acting_as
from domain.delegation_lead import DelegationLead
from domain.errors import NotFound


@pytest.fixture(autouse=True)
def lead_acting():
    with acting_as(Actor.attendee()):
        yield


def lead(*members) -> DelegationLead:
    return DelegationLead.record(edition_id=uuid4(), delegation="QC", name="Aminata Diallo",
                                 email="aminata@example.com", language="fr",
                                 members=list(members))


def test_people_added_later_join_the_list_once_and_in_order():
    first, second, third = uuid4(), uuid4(), uuid4()
    recorded = lead(first)
    assert recorded.add_members([second, first, second, third]) == [second, third]
    assert recorded.members == [first, second, third]
    assert recorded.add_members([third]) == []
    added = [e for e in recorded.collect_events() if isinstance(e, DelegationLead.MembersAdded)]
    assert len(added) == 1


def test_the_lead_acts_only_on_their_own_members():
    mine = uuid4()
    recorded = lead(mine)
    recorded.check_member(mine)
    with pytest.raises(NotFound):
        recorded.check_member(uuid4())


def test_renewing_the_link_moves_to_the_next_generation():
    recorded = lead(uuid4())
    assert recorded.link_generation == 0
    assert recorded.renew_link() == 1 and recorded.renew_link() == 2
