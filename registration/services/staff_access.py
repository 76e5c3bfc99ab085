"""Staff on the pages: sessions kept in the event store, and the second factor (TOTP).

Signing in starts a session on the member (`SessionStarted`, keyed by the hash of a random
id that only the person's cookie holds); each request checks it is still there, under the
absolute lifetime (STAFF_SESSION_MAX_HOURS) and used within the idle lifetime
(STAFF_SESSION_IDLE_MINUTES, from the shared activity table). Every worker reads the same
store, so a signed-out, replaced or disabled session is refused everywhere at once.

Second-factor secrets are sealed with a key derived from SECRET_KEY before they are
recorded; a code is accepted once (its time step must be after the last one used). Codes
follow real time, as authenticator apps do, whatever the product clock says.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from uuid import UUID

import pyotp

from domain.staff import StaffMember
from registration.application import Conference, new_secret, secret_hash
from registration.services.activity import Activity
from registration.services.sealing import Seal
from registration.services.staff import StaffService
from registration.services.views import StaffView

ISSUER = "Conference registration"
CODE_WINDOW = 1  # steps of 30 s either side of now: a phone's clock may be a little off


class StaffAccess:
    def __init__(self, app: Conference, staff: StaffService, clock: Callable[[], datetime],
                 activity: Activity, seal: Seal, idle: timedelta, lifetime: timedelta,
                 real_time: Callable[[], float] = time.time) -> None:
        self.app = app
        self.staff = staff
        self.clock = clock
        self.activity = activity
        self.seal = seal
        self.idle = idle
        self.lifetime = lifetime
        self.real_time = real_time

    # --- sessions ---

    def open_session(self, member_id: UUID, code: str | None = None) -> str | None:
        """Start a session for the member (whose password was just checked) and return its
        id for the cookie; None when disabled, or their second-factor code is wrong or used."""
        session = new_secret()
        now = self.clock()

        def decision() -> tuple[list, str | None]:
            member = self.app.find(member_id, StaffMember)
            if member is None or member.disabled:
                return [], None
            step = None
            if member.has_second_factor:
                step = self._code_step(member, code)
                if step is None or not member.accepts_code_step(step):
                    return [], None
            for old, started in list(member.sessions.items()):
                if now - started >= self.lifetime:  # long over: forget it
                    member.end_session(old)
            member.start_session(secret_hash(session), now, step)
            return [member], session

        return self.app.decide(decision)

    def session_member(self, member_id: UUID, session: str) -> StaffView | None:
        """The member, if this session of theirs is alive; its use is recorded."""
        member = self.app.find(member_id, StaffMember)
        handle = secret_hash(session)
        started = member.session_started_at(handle) if member is not None else None
        if member is None or started is None:
            return None
        now = self.clock()
        seen = self.activity.last_seen(f"session/{handle}")
        if now - started >= self.lifetime or now - max(seen or started, started) >= self.idle:
            return None
        self.activity.touch(f"session/{handle}", now, seen)
        return self.staff.view(member)

    def end_session(self, member_id: UUID, session: str) -> None:
        def decision() -> tuple[list, None]:
            member = self.app.find(member_id, StaffMember)
            if member is None:
                return [], None
            member.end_session(secret_hash(session))
            return [member], None

        self.app.decide(decision)

    def needs_code(self, member_id: UUID) -> bool:
        member = self.app.find(member_id, StaffMember)
        return member is not None and member.has_second_factor

    # --- the second factor ---

    def new_second_factor(self) -> str:
        """A fresh secret, to show the member (and keep, sealed, until they confirm it)."""
        return pyotp.random_base32()

    def provisioning_uri(self, member: StaffView, secret: str) -> str:
        return pyotp.TOTP(secret).provisioning_uri(name=member.email or member.name,
                                                   issuer_name=ISSUER)

    def enrol(self, member_id: UUID, secret: str, code: str) -> bool:
        """Record the secret once the member proves their app reads it (a fresh code)."""
        step = self._matching_step(secret, code)
        if step is None:
            return False

        def decision() -> tuple[list, bool]:
            member = self.app.load(member_id, StaffMember, "staff member")
            if not member.accepts_code_step(step):
                return [], False
            member.enrol_second_factor(self.seal.seal(secret), step)
            return [member], True

        return self.app.decide(decision)

    def _code_step(self, member: StaffMember, code: str | None) -> int | None:
        secret = self.seal.unseal(member.sealed_secret or "")
        return self._matching_step(secret, code) if secret and code else None

    def _matching_step(self, secret: str, code: str) -> int | None:
        code = "".join(code.split())
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            return None
        totp = pyotp.TOTP(secret)
        now = int(self.real_time() // totp.interval)
        for step in range(now - CODE_WINDOW, now + CODE_WINDOW + 1):
            if hmac.compare_digest(totp.generate_otp(step), code):
                return step
        return None
