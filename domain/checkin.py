"""The check-in code printed as a QR on a badge, and which registration it admits.

The code is the registration's unguessable `checkin_secret` (never its id or e-mail). Its
index aggregate has an id derived from the secret, so a scan finds the registration in one
read without storing the secret itself anywhere but on the registration. A substitution
rotates the secret: the old code is revoked and the new person's code issued, in the same
save as the substitution.
"""

from __future__ import annotations

import base64
import secrets
from uuid import UUID, uuid5

from eventsourcing.domain import event

from domain.base import ConferenceAggregate
from domain.errors import BadgeReplaced
from domain.identifiers import NAMESPACE


def new_checkin_secret() -> str:
    """160 random bits as 32 upper-case base32 characters.

    QR alphanumeric mode fits them in a version 2 code (25 x 25 modules): larger modules on
    the printed badge, which scan better, and less to draw than the same secret as bytes.
    """
    return base64.b32encode(secrets.token_bytes(20)).decode()


def checkin_code_id(secret: str) -> UUID:
    return uuid5(NAMESPACE, f"checkin/{secret}")


class CheckinCode(ConferenceAggregate):
    class Issued(ConferenceAggregate.Created):
        registration_id: UUID

    class Revoked(ConferenceAggregate.Event):
        reason: str

    @classmethod
    def issue(cls, secret: str, registration_id: UUID) -> CheckinCode:
        return cls._create(cls.Issued, id=checkin_code_id(secret), registration_id=registration_id)

    @event(Issued)
    def __init__(self, registration_id: UUID) -> None:
        self.registration_id = registration_id
        self.revoked = False

    @event(Revoked)
    def revoke(self, reason: str) -> None:
        self.revoked = True

    def admits(self) -> UUID:
        """The registration this code checks in, unless the badge was replaced."""
        if self.revoked:
            raise BadgeReplaced()
        return self.registration_id
