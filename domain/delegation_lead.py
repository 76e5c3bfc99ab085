"""The delegation lead: who registered a group of people, and the places they look after.

Recorded when a lead submits the group form, with their own secret link (derived like a
manage link: registration.links), which opens the lead's page: every member and their
status, the allotment left, paying for some or all, adding people, and asking a member to
complete their own details. Renewing the link ends every earlier one.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import event

from domain.base import ConferenceAggregate
from domain.errors import NotFound


class DelegationLead(ConferenceAggregate):
    class Recorded(ConferenceAggregate.Created):
        edition_id: UUID
        delegation: str
        name: str
        email: str
        language: str
        members: list[UUID]  # the registrations the lead made, in order

    class MembersAdded(ConferenceAggregate.Event):
        members: list[UUID]

    class LinkRenewed(ConferenceAggregate.Event):
        generation: int  # the link's number: its token is derived from it, never stored

    @event(Recorded)
    def __init__(self, edition_id: UUID, delegation: str, name: str, email: str, language: str,
                 members: list[UUID]) -> None:
        self.edition_id = edition_id
        self.delegation = delegation
        self.name = name
        self.email = email
        self.language = language
        self.members: list[UUID] = list(members)
        self.link_generation = 0

    @classmethod
    def record(cls, *, edition_id: UUID, delegation: str, name: str, email: str,
               language: str, members: list[UUID], id: UUID | None = None) -> DelegationLead:
        return cls._create(cls.Recorded, id=id, edition_id=edition_id, delegation=delegation,
                           name=name, email=email, language=language, members=members)

    def add_members(self, members: list[UUID]) -> list[UUID]:
        """Look after these registrations too; returns those not already listed."""
        new = [m for m in dict.fromkeys(members) if m not in self.members]
        if new:
            self._members_added(new)
        return new

    @event(MembersAdded)
    def _members_added(self, members: list[UUID]) -> None:
        self.members.extend(members)

    def check_member(self, registration_id: UUID) -> None:
        if registration_id not in self.members:
            raise NotFound("This person is not one of your delegation's registrations.")

    def renew_link(self) -> int:
        """End the link in force and issue the next one; returns its generation."""
        self._link_renewed(self.link_generation + 1)
        return self.link_generation

    @event(LinkRenewed)
    def _link_renewed(self, generation: int) -> None:
        self.link_generation = generation
