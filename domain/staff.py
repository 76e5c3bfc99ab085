"""Staff accounts: who may act on behalf of the organiser, and in which role."""

from __future__ import annotations

from uuid import UUID, uuid5

from eventsourcing.domain import event

from domain.base import ConferenceAggregate
from domain.edition import NAMESPACE

ROLES = ("admin", "finance", "desk")


def staff_id(name: str) -> UUID:
    return uuid5(NAMESPACE, f"staff/{name.strip().casefold()}")


def token_id(token_hash: str) -> UUID:
    return uuid5(NAMESPACE, f"staff-token/{token_hash}")


class StaffMember(ConferenceAggregate):
    class Created(ConferenceAggregate.Created):
        name: str
        role: str

    class TokenIssued(ConferenceAggregate.Event):
        token_hash: str

    @staticmethod
    def create_id(name: str, role: str) -> UUID:
        return staff_id(name)

    @event(Created)
    def __init__(self, name: str, role: str) -> None:
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        self.name = name
        self.role = role
        self.token_hashes: list[str] = []

    @event(TokenIssued)
    def issue_token(self, token_hash: str) -> None:
        self.token_hashes.append(token_hash)


class StaffToken(ConferenceAggregate):
    """Finds the staff member behind a bearer token by the token's hash alone."""

    class Issued(ConferenceAggregate.Created):
        token_hash: str
        staff_id: UUID

    @staticmethod
    def create_id(token_hash: str, staff_id: UUID) -> UUID:
        return token_id(token_hash)

    @event(Issued)
    def __init__(self, token_hash: str, staff_id: UUID) -> None:
        self.staff_id = staff_id
