"""Creating staff members and recognising them by their bearer token."""

from __future__ import annotations

from domain.staff import StaffMember, StaffToken, staff_id, token_id
from registration.application import Conference, new_secret, secret_hash


class StaffService:
    def __init__(self, app: Conference) -> None:
        self.app = app

    def create(self, name: str, role: str) -> tuple[StaffMember, str]:
        """Create the member if new (or reuse them) and issue a fresh token."""

        def decision() -> tuple[list, tuple[StaffMember, str]]:
            member = self.app.find(staff_id(name), StaffMember) or StaffMember(
                name=name.strip(), role=role)
            token = new_secret()
            member.issue_token(secret_hash(token))
            index = StaffToken(token_hash=secret_hash(token), staff_id=member.id)
            return [member, index], (member, token)

        return self.app.decide(decision)

    def authenticate(self, token: str) -> StaffMember | None:
        index = self.app.find(token_id(secret_hash(token)), StaffToken)
        if index is None:
            return None
        return self.app.find(index.staff_id, StaffMember)
