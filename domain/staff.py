"""Staff accounts: who may act on behalf of the organiser, in which role, and how they get in.

A member holds bearer tokens (for the API, each with an expiry, revocable) and, when they
sign in to the pages, sessions (each known by the hash of a random id kept in the person's
cookie). Signing out ends one session; a new password ends the others; disabling ends every
session and token. Hashes and the sealed second-factor secret are computed outside the domain.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
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

    class TokenIssued(ConferenceAggregate.Event):  # before tokens expired: see TokenGranted
        token_hash: str

    class TokenGranted(ConferenceAggregate.Event):
        token_hash: str
        prefix: str  # the token's first characters, to tell tokens apart in lists
        issued_at: datetime
        expires_at: datetime

    class TokenRevoked(ConferenceAggregate.Event):
        token_hash: str

    class CredentialsSet(ConferenceAggregate.Event):
        email: str
        password_hash: str  # computed outside the domain (scrypt); never the password

    class PasswordChanged(ConferenceAggregate.Event):
        password_hash: str
        kept_session: str | None  # the session of the member who changed it (None: an admin)

    class SessionStarted(ConferenceAggregate.Event):
        session_hash: str
        started_at: datetime
        code_step: int | None  # the second-factor time step used to sign in

    class SessionEnded(ConferenceAggregate.Event):
        session_hash: str

    class Disabled(ConferenceAggregate.Event):
        pass

    class Enabled(ConferenceAggregate.Event):
        pass

    class SecondFactorEnrolled(ConferenceAggregate.Event):
        sealed_secret: str  # encrypted with a key derived from SECRET_KEY, outside the domain
        code_step: int

    class SecondFactorRemoved(ConferenceAggregate.Event):
        reason: str  # e.g. "phone lost": an admin's act, kept in the history

    @staticmethod
    def create_id(name: str, role: str) -> UUID:
        return staff_id(name)

    @event(Created)
    def __init__(self, name: str, role: str) -> None:
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        self.name = name
        self.role = role
        self.tokens: dict[str, dict[str, Any]] = {}  # hash -> prefix, issued, expires, revoked
        self.email: str | None = None
        self.password_hash: str | None = None
        self.sessions: dict[str, datetime] = {}  # session hash -> when it started
        self.disabled = False
        self.sealed_secret: str | None = None
        self.last_code_step = 0  # a second-factor code is accepted once

    @property
    def token_hashes(self) -> list[str]:
        return list(self.tokens)

    @event(TokenIssued)
    def issue_token(self, token_hash: str) -> None:
        self.tokens[token_hash] = {"prefix": None, "issued_at": None, "expires_at": None,
                                   "revoked": False}

    @event(TokenGranted)
    def grant_token(self, token_hash: str, prefix: str, issued_at: datetime,
                    expires_at: datetime) -> None:
        self.tokens[token_hash] = {"prefix": prefix, "issued_at": issued_at,
                                   "expires_at": expires_at, "revoked": False}

    def revoke_token(self, token_hash: str) -> None:
        token = self.tokens.get(token_hash)
        if token is not None and not token["revoked"]:
            self._token_revoked(token_hash)

    @event(TokenRevoked)
    def _token_revoked(self, token_hash: str) -> None:
        self.tokens[token_hash]["revoked"] = True

    def token_usable(self, token_hash: str, now: datetime, issued_at: datetime,
                     default_days: int) -> bool:
        """Whether the token opens the API now (`issued_at`: when a token of before expiry
        dates was issued, which then expires `default_days` after)."""
        token = self.tokens.get(token_hash)
        if self.disabled or token is None or token["revoked"]:
            return False
        expires = token["expires_at"] or issued_at + timedelta(days=default_days)
        return bool(now < expires)

    @event(CredentialsSet)
    def set_credentials(self, email: str, password_hash: str) -> None:
        self.email = email
        self.password_hash = password_hash
        self.sessions.clear()

    @event(PasswordChanged)
    def change_password(self, password_hash: str, kept_session: str | None) -> None:
        self.password_hash = password_hash
        self.sessions = {h: t for h, t in self.sessions.items() if h == kept_session}

    def start_session(self, session_hash: str, started_at: datetime,
                      code_step: int | None = None) -> None:
        if self.disabled:
            raise ValueError("a disabled member cannot sign in")
        if code_step is not None and not self.accepts_code_step(code_step):
            raise ValueError("this second-factor code was already used")
        self._session_started(session_hash, started_at, code_step)

    @event(SessionStarted)
    def _session_started(self, session_hash: str, started_at: datetime,
                         code_step: int | None) -> None:
        self.sessions[session_hash] = started_at
        if code_step is not None:
            self.last_code_step = max(self.last_code_step, code_step)

    def session_started_at(self, session_hash: str) -> datetime | None:
        return None if self.disabled else self.sessions.get(session_hash)

    def end_session(self, session_hash: str) -> None:
        if session_hash in self.sessions:
            self._session_ended(session_hash)

    @event(SessionEnded)
    def _session_ended(self, session_hash: str) -> None:
        self.sessions.pop(session_hash, None)

    def disable(self) -> None:
        if not self.disabled:
            self._disabled()

    @event(Disabled)
    def _disabled(self) -> None:
        self.disabled = True
        self.sessions.clear()
        for token in self.tokens.values():
            token["revoked"] = True

    def enable(self) -> None:
        if self.disabled:
            self._enabled()

    @event(Enabled)
    def _enabled(self) -> None:
        self.disabled = False

    def accepts_code_step(self, code_step: int) -> bool:
        """A second-factor code counts once: never one of a time step already used."""
        return code_step > self.last_code_step

    def enrol_second_factor(self, sealed_secret: str, code_step: int) -> None:
        if not self.accepts_code_step(code_step):
            raise ValueError("this second-factor code was already used")
        self._second_factor_enrolled(sealed_secret, code_step)

    @event(SecondFactorEnrolled)
    def _second_factor_enrolled(self, sealed_secret: str, code_step: int) -> None:
        self.sealed_secret = sealed_secret
        self.last_code_step = max(self.last_code_step, code_step)

    def remove_second_factor(self, reason: str) -> None:
        """A lost or replaced phone: the secret goes and every session ends, so the member
        signs in again with their password and enrols a new app if their role needs one.
        The used-code counter stays, so an old code can never count again."""
        if not reason.strip():
            raise ValueError("say why the second factor is removed")
        if self.sealed_secret is not None:
            self._second_factor_removed(reason.strip())

    @event(SecondFactorRemoved)
    def _second_factor_removed(self, reason: str) -> None:
        self.sealed_secret = None
        self.sessions.clear()

    @property
    def has_second_factor(self) -> bool:
        return self.sealed_secret is not None


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
    """Every staff sign-in e-mail, each unique: one small aggregate decides them all; also
    the members who only hold tokens, and which roles must use a second factor."""

    class Opened(ConferenceAggregate.Created):
        pass

    class Enrolled(ConferenceAggregate.Event):
        email: str
        staff_id: UUID

    class TokenHolderListed(ConferenceAggregate.Event):
        staff_id: UUID

    class SecondFactorPolicySet(ConferenceAggregate.Event):
        roles: list[str]

    @staticmethod
    def create_id() -> UUID:
        return uuid5(NAMESPACE, "staff-directory")

    @event(Opened)
    def __init__(self) -> None:
        self.members: dict[str, UUID] = {}  # sign-in key -> staff id
        self.token_holders: list[UUID] = []  # members without a sign-in e-mail
        self.second_factor_roles: list[str] = []

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

    def list_token_holder(self, member_id: UUID) -> None:
        if member_id not in self.token_holders and member_id not in self.members.values():
            self._token_holder_listed(member_id)

    @event(TokenHolderListed)
    def _token_holder_listed(self, staff_id: UUID) -> None:
        self.token_holders.append(staff_id)

    def all_members(self) -> list[UUID]:
        return [*dict.fromkeys([*self.members.values(), *self.token_holders])]

    def require_second_factor(self, roles: list[str]) -> None:
        wanted = [r for r in ROLES if r in roles]
        if wanted != self.second_factor_roles:
            self._second_factor_policy_set(wanted)

    @event(SecondFactorPolicySet)
    def _second_factor_policy_set(self, roles: list[str]) -> None:
        self.second_factor_roles = list(roles)
