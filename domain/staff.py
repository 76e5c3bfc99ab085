"""Staff accounts: who may act on behalf of the organiser, and in which role."""

from __future__ import annotations

from uuid import UUID, uuid5

from eventsourcing.domain import event

from domain.actor import ROLES
from domain.base import ConferenceAggregate
from domain.errors import DuplicateEmail
from domain.identifiers import NAMESPACE


def staff_id(name: str) -> UUID:
    return uuid5(NAMESPACE, f"staff/{name.strip().casefold()}")


def token_id(token_hash: str) -> UUID:
    return uuid5(NAMESPACE, f"staff-token/{token_hash}")


def sign_in_key(email: str) -> str:
    return email.strip().casefold()


class StaffMember(ConferenceAggregate):
    class Created(ConferenceAggregate.Created):
        name: str
        role: str

    class TokenIssued(ConferenceAggregate.Event):
        token_hash: str

    class CredentialsSet(ConferenceAggregate.Event):
        email: str
        password_hash: str  # computed outside the domain (scrypt); never the password

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
        self.email: str | None = None
        self.password_hash: str | None = None

    @event(TokenIssued)
    def issue_token(self, token_hash: str) -> None:
        self.token_hashes.append(token_hash)

    @event(CredentialsSet)
    def set_credentials(self, email: str, password_hash: str) -> None:
        self.email = email
        self.password_hash = password_hash


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


class StaffDirectory(ConferenceAggregate):
    """Every staff sign-in e-mail, each unique: one small aggregate decides them all."""

    class Opened(ConferenceAggregate.Created):
        pass

    class Enrolled(ConferenceAggregate.Event):
        email: str
        staff_id: UUID

    @staticmethod
    def create_id() -> UUID:
        return uuid5(NAMESPACE, "staff-directory")

    @event(Opened)
    def __init__(self) -> None:
        self.members: dict[str, UUID] = {}  # sign-in key -> staff id

    def member_for(self, email: str) -> UUID | None:
        return self.members.get(sign_in_key(email))

    def enrol(self, email: str, member_id: UUID) -> None:
        """Give `member_id` this sign-in e-mail; refused if another member has it."""
        holder = self.member_for(email)
        if holder is not None and holder != member_id:
            raise DuplicateEmail(f"{email} is already a staff member's sign-in e-mail.")
        if holder is None:
            self._enrolled(email.strip(), member_id)

    @event(Enrolled)
    def _enrolled(self, email: str, staff_id: UUID) -> None:
        self.members[sign_in_key(email)] = staff_id
