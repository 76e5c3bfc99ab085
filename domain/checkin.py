"""The check-in code printed as a QR on a badge, and which registration it admits.

The code is the registration's unguessable `checkin_secret` (never its id or e-mail). Its
index aggregate has an id derived from the secret, so a scan finds the registration in one
read without storing the secret itself anywhere but on the registration. A substitution
rotates the secret: the old code is revoked and the new person's code issued, in the same
save as the substitution.

Under the QR the badge prints a short code a person can read and type, derived from the
secret (`short_code`): 9 characters from an alphabet without look-alikes, grouped in threes
("K7M-4QX-9RT"). It has its own index (a `CheckinCode` whose id is derived from the
normalised short code), issued and revoked with the secret's, so a typed code is also found
in one read. 24⁹ ≈ 2.6e12 codes: among 5,000 badges the chance that two derive the same
code is about 5e-6, and the service draws another secret when it happens (a duplicate
index id cannot be saved, so a race ends the same way). Registrations recorded before short
codes existed derive theirs from their secret all the same; their index is issued when their
badge is next printed.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from uuid import UUID, uuid5

from eventsourcing.domain import event

from domain.base import ConferenceAggregate
from domain.errors import BadgeReplaced, MistypedCheckinCode
from domain.identifiers import NAMESPACE


def new_checkin_secret() -> str:
    """160 random bits as 32 upper-case base32 characters.

    QR alphanumeric mode fits them in a version 2 code (25 x 25 modules): larger modules on
    the printed badge, which scan better, and less to draw than the same secret as bytes.
    """
    return base64.b32encode(secrets.token_bytes(20)).decode()


def checkin_code_id(secret: str) -> UUID:
    return uuid5(NAMESPACE, f"checkin/{secret}")


# No 0/O, 1/I/L, 5/S, 2/Z, 8/B, nor G (a 6 in many fonts): what is printed reads one way only.
SHORT_ALPHABET = "ACDEFHJKMNPQRTUVWXY34679"
SHORT_LENGTH = 9
GROUP = 3
NEVER_PRINTED = frozenset("0O1IL5S2Z8B")  # typed by mistake: refused with a hint
TYPED_FOR = str.maketrans({"G": "6"})  # a look-alike typed for the one the alphabet has
SEPARATORS = str.maketrans("", "", " -\u2010\u2011\u2013\u2014._\t")  # and dashes


def short_code(secret: str) -> str:
    """The 9-character code printed under the QR, derived from the secret (not reversible)."""
    number = int.from_bytes(hashlib.sha256(f"short/{secret}".encode()).digest()[:8], "big")
    characters = []
    for _ in range(SHORT_LENGTH):
        number, digit = divmod(number, len(SHORT_ALPHABET))
        characters.append(SHORT_ALPHABET[digit])
    return "".join(characters)


def grouped(code: str) -> str:
    """The code as printed and read aloud: K7M-4QX-9RT."""
    return "-".join(code[i:i + GROUP] for i in range(0, len(code), GROUP))


def normalised_short_code(typed: str) -> str | None:
    """What a person typed, as the code it means (None: it cannot be a short code).

    Case, spaces and dashes do not matter; a G is read as the 6 it looks like. Letters and
    digits no code uses (O, I, L, S, Z, B, 0, 1, 2, 5, 8) are refused with a hint.
    """
    code = typed.upper().translate(SEPARATORS).translate(TYPED_FOR)
    if len(code) != SHORT_LENGTH or not code.isascii() or not code.isalnum():
        return None
    if any(c in NEVER_PRINTED for c in code):
        raise MistypedCheckinCode()
    return code if all(c in SHORT_ALPHABET for c in code) else None


def short_code_id(code: str) -> UUID:
    """The index id of a normalised short code."""
    return uuid5(NAMESPACE, f"checkin-short/{code}")


class CheckinCode(ConferenceAggregate):
    class Issued(ConferenceAggregate.Created):
        registration_id: UUID

    class Revoked(ConferenceAggregate.Event):
        reason: str

    @classmethod
    def issue(cls, secret: str, registration_id: UUID) -> CheckinCode:
        return cls._create(cls.Issued, id=checkin_code_id(secret), registration_id=registration_id)

    @classmethod
    def issue_short(cls, code: str, registration_id: UUID) -> CheckinCode:
        """The index of the short code printed under the QR (normalised: no dashes)."""
        return cls._create(cls.Issued, id=short_code_id(code), registration_id=registration_id)

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
