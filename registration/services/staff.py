"""Staff accounts: bearer tokens for the API, e-mail and password for the pages.

Passwords are hashed here (werkzeug's scrypt), outside the domain; events carry only the hash.
Tokens expire (`STAFF_TOKEN_DAYS`) and can be revoked; disabling a member ends all their
tokens and sessions. Callers get `StaffView`s, never a member's hashes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from uuid import UUID

from werkzeug.security import check_password_hash, generate_password_hash

from domain.errors import DuplicateEmail, NotFound
from domain.staff import StaffDirectory, StaffMember, StaffToken, staff_id, token_id
from registration.application import Conference, new_secret, secret_hash
from registration.services.activity import Activity
from registration.services.views import StaffView, TokenView, staff_view

# Checked against when the e-mail is unknown, so a wrong e-mail costs as much as a wrong password.
_DECOY_HASH = generate_password_hash(new_secret())
PREFIX_LENGTH = 6


class StaffService:
    def __init__(self, app: Conference, clock: Callable[[], datetime], activity: Activity,
                 token_days: int = 90) -> None:
        self.app = app
        self.clock = clock
        self.activity = activity
        self.token_days = token_days

    # --- tokens ---

    def create(self, name: str, role: str) -> tuple[StaffView, str]:
        """Create the member if new (or reuse them) and issue a fresh token."""
        member, token, _ = self.issue(name, role)
        return member, token

    def issue(self, name: str, role: str, days: int | None = None
              ) -> tuple[StaffView, str, datetime]:
        """Create the member if new (or reuse them) and issue a fresh token, with its expiry."""
        issued = self.clock()
        expires = issued + timedelta(days=days or self.token_days)

        def decision() -> tuple[list, tuple[StaffView, str, datetime]]:
            directory = self._directory()
            member = self.app.find(staff_id(name), StaffMember) or StaffMember(
                name=name.strip(), role=role)
            token = new_secret()
            member.grant_token(secret_hash(token), token[:PREFIX_LENGTH], issued, expires)
            directory.list_token_holder(member.id)
            index = StaffToken(token_hash=secret_hash(token), staff_id=member.id)
            return [directory, member, index], (self.view(member, directory), token, expires)

        return self.app.decide(decision)

    def authenticate(self, token: str) -> StaffView | None:
        """The member whose token this is, if it is theirs, unexpired, unrevoked and they are
        not disabled."""
        token_hash = secret_hash(token)
        index = self.app.find(token_id(token_hash), StaffToken)
        member = self.app.find(index.staff_id, StaffMember) if index is not None else None
        now = self.clock()
        if index is None or member is None or not member.token_usable(
                token_hash, now, index.created_on, self.token_days):
            return None
        handle = f"token/{token_hash}"
        self.activity.touch(handle, now, self.activity.last_seen(handle))
        return self.view(member)

    def tokens(self, member_id: UUID) -> list[TokenView]:
        member = self._member(member_id)
        views = []
        for token_hash, token in member.tokens.items():
            issued = token["issued_at"]
            if issued is None:  # issued before tokens had dates: its index knows when
                index = self.app.find(token_id(token_hash), StaffToken)
                issued = index.created_on if index is not None else None
            expires = token["expires_at"] or (issued or self.clock()) + timedelta(
                days=self.token_days)
            views.append(TokenView(token_hash=token_hash, prefix=token["prefix"],
                                   issued_at=issued, expires_at=expires,
                                   revoked=token["revoked"] or member.disabled,
                                   last_used=self.activity.last_seen(f"token/{token_hash}")))
        return sorted(views, key=lambda t: t.expires_at, reverse=True)

    def revoke_token(self, member_id: UUID, prefix_or_hash: str) -> bool:
        """Revoke the member's token named by its prefix (or hash); False if none matches."""

        def decision() -> tuple[list, bool]:
            member = self._member(member_id)
            found = [h for h, t in member.tokens.items()
                     if prefix_or_hash in (h, t["prefix"]) and not t["revoked"]]
            for token_hash in found:
                member.revoke_token(token_hash)
            return [member], bool(found)

        return self.app.decide(decision)

    # --- accounts ---

    def _directory(self) -> StaffDirectory:
        return self.app.find(StaffDirectory.create_id(), StaffDirectory) or StaffDirectory()

    def _member(self, member_id: UUID) -> StaffMember:
        return self.app.load(member_id, StaffMember, "staff member")

    def view(self, member: StaffMember, directory: StaffDirectory | None = None) -> StaffView:
        roles = (directory or self._directory()).second_factor_roles
        return staff_view(member, roles)

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
            return [directory, member], self.view(member, directory)

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
            return changed, self.view(member, directory)

        return self.app.decide(decision)

    def sign_in(self, email: str, password: str) -> StaffView | None:
        """The member with these credentials, or None (whichever was wrong, or disabled)."""
        member_id = self._directory().member_for(email)
        member = self.app.find(member_id, StaffMember) if member_id else None
        stored = member.password_hash if member is not None else None
        matches = check_password_hash(stored or _DECOY_HASH, password)
        if member is None or not stored or not matches or member.disabled:
            return None
        return self.view(member)

    def get(self, member_id: UUID) -> StaffView | None:
        member = self.app.find(member_id, StaffMember)
        return self.view(member) if member is not None else None

    def by_name(self, name: str) -> StaffView | None:
        return self.get(staff_id(name))

    def accounts(self) -> list[StaffView]:
        """Every member (those who sign in with an e-mail, and token holders), by name."""
        directory = self._directory()
        members = [self.app.find(i, StaffMember) for i in directory.all_members()]
        return sorted((self.view(m, directory) for m in members if m is not None),
                      key=lambda m: m.name.casefold())

    def second_factor_roles(self) -> list[str]:
        return list(self._directory().second_factor_roles)

    def require_second_factor(self, roles: list[str]) -> None:
        def decision() -> tuple[list, None]:
            directory = self._directory()
            directory.require_second_factor(roles)
            return [directory], None

        self.app.decide(decision)

    # --- passwords, disabling ---

    def change_password(self, member_id: UUID, current: str, new: str,
                        keep_session: str | None) -> bool:
        """The member's own change: False if `current` is not their password. Every session
        but `keep_session` (the one they changed it from) ends."""
        member = self._member(member_id)
        if not check_password_hash(member.password_hash or _DECOY_HASH, current):
            return False
        self._set_password(member_id, new, secret_hash(keep_session) if keep_session else None)
        return True

    def reset_password(self, member_id: UUID, new: str) -> None:
        """An admin's reset: every session of the member ends."""
        self._set_password(member_id, new, None)

    def _set_password(self, member_id: UUID, new: str, kept: str | None) -> None:
        password_hash = generate_password_hash(new)

        def decision() -> tuple[list, None]:
            member = self._member(member_id)
            if member.email is None:
                raise NotFound("This staff member has no sign-in e-mail.")
            member.change_password(password_hash, kept)
            return [member], None

        self.app.decide(decision)

    def remove_second_factor(self, member_id: UUID, reason: str) -> None:
        """An admin's act for a lost phone: the member's sessions end and, if their role
        needs a second factor, they enrol a new app at their next sign-in."""

        def decision() -> tuple[list, None]:
            member = self._member(member_id)
            member.remove_second_factor(reason)
            return [member], None

        self.app.decide(decision)

    def set_disabled(self, member_id: UUID, disabled: bool) -> StaffView:
        """Disable (every token and session ends at once) or enable again (with no token)."""

        def decision() -> tuple[list, StaffView]:
            member = self._member(member_id)
            member.disable() if disabled else member.enable()
            return [member], self.view(member)

        return self.app.decide(decision)
