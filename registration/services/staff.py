"""Staff accounts: bearer tokens for the API, e-mail and password for the pages.

Passwords are hashed here (werkzeug's scrypt), outside the domain; events carry only the hash.
Callers get `StaffView`s, never a member's hashes.
"""

from __future__ import annotations

from uuid import UUID

from werkzeug.security import check_password_hash, generate_password_hash

from domain.errors import DuplicateEmail
from domain.staff import StaffDirectory, StaffMember, StaffToken, staff_id, token_id
from registration.application import Conference, new_secret, secret_hash
from registration.services.views import StaffView, staff_view

# Checked against when the e-mail is unknown, so a wrong e-mail costs as much as a wrong password.
_DECOY_HASH = generate_password_hash(new_secret())


class StaffService:
    def __init__(self, app: Conference) -> None:
        self.app = app

    def create(self, name: str, role: str) -> tuple[StaffView, str]:
        """Create the member if new (or reuse them) and issue a fresh token."""

        def decision() -> tuple[list, tuple[StaffView, str]]:
            member = self.app.find(staff_id(name), StaffMember) or StaffMember(
                name=name.strip(), role=role)
            token = new_secret()
            member.issue_token(secret_hash(token))
            index = StaffToken(token_hash=secret_hash(token), staff_id=member.id)
            return [member, index], (staff_view(member), token)

        return self.app.decide(decision)

    def authenticate(self, token: str) -> StaffView | None:
        index = self.app.find(token_id(secret_hash(token)), StaffToken)
        return self.get(index.staff_id) if index is not None else None

    def _directory(self) -> StaffDirectory:
        return self.app.find(StaffDirectory.create_id(), StaffDirectory) or StaffDirectory()

    def create_account(self, name: str, email: str, password: str, role: str) -> StaffView:
        """A new staff member who signs in with `email` and `password`."""
        password_hash = generate_password_hash(password)

        def decision() -> tuple[list, StaffView]:
            directory = self._directory()
            if self.app.find(staff_id(name), StaffMember) is not None:
                raise DuplicateEmail(f"There is already a staff member named {name.strip()}.")
            member = StaffMember(name=name.strip(), role=role)
            directory.enrol(email, member.id)
            member.set_credentials(email.strip(), password_hash)
            return [directory, member], staff_view(member)

        return self.app.decide(decision)

    def ensure_account(self, name: str, email: str, password: str, role: str) -> StaffView:
        """The member exists and signs in with these credentials: idempotent, for the demo.

        A member created earlier with a token only (same name) is given the credentials.
        """

        def decision() -> tuple[list, StaffView]:
            directory = self._directory()
            member_id = directory.member_for(email) or staff_id(name)
            member = self.app.find(member_id, StaffMember) or StaffMember(
                name=name.strip(), role=role)
            changed: list = [member]
            if directory.member_for(email) is None:
                directory.enrol(email, member.id)
                changed.append(directory)
            if not check_password_hash(member.password_hash or _DECOY_HASH, password):
                member.set_credentials(email.strip(), generate_password_hash(password))
            return changed, staff_view(member)

        return self.app.decide(decision)

    def sign_in(self, email: str, password: str) -> StaffView | None:
        """The member with these credentials, or None (whichever of the two was wrong)."""
        member_id = self._directory().member_for(email)
        member = self.app.find(member_id, StaffMember) if member_id else None
        stored = member.password_hash if member is not None else None
        matches = check_password_hash(stored or _DECOY_HASH, password)
        return staff_view(member) if member is not None and stored and matches else None

    def get(self, member_id: UUID) -> StaffView | None:
        member = self.app.find(member_id, StaffMember)
        return staff_view(member) if member is not None else None

    def accounts(self) -> list[StaffView]:
        """The members who sign in with an e-mail, by name."""
        members = [self.get(i) for i in self._directory().members.values()]
        return sorted((m for m in members if m is not None), key=lambda m: m.name.casefold())
