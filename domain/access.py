"""Invitation-only registration types and the access codes that open them.

A type with `"access": "code"` is hidden and refused unless an access code listed in the
edition document is given. A code is given to a person or to a delegation; it opens the types
it lists (for a delegation's code, only registrations in that delegation), and may be used at
most `max_uses` times (counted by an Allocation, as discount codes are).
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import AccessCodeInvalid, AccessCodeRequired
from domain.pricing import RegistrationType

ACCESS = ("open", "code")


@dataclass(frozen=True)
class AccessCode:
    code: str
    registration_types: frozenset[str]
    max_uses: int | None = 1
    delegation: str | None = None  # a delegation's code: only for registrations in it
    given_to: str | None = None  # whom it was given to (for the organisers)

    def matches(self, code: str | None) -> bool:
        return bool(code) and self.code.casefold() == (code or "").strip().casefold()

    def opens(self, type_code: str, delegation: str | None = None) -> bool:
        return type_code in self.registration_types and (
            self.delegation is None or delegation is None or self.delegation == delegation)


def find_access_code(codes: tuple[AccessCode, ...], code: str | None) -> AccessCode | None:
    return next((c for c in codes if c.matches(code)), None)


def check_access(registration_type: RegistrationType, codes: tuple[AccessCode, ...],
                 code: str | None, delegation: str | None) -> AccessCode | None:
    """The access code this registration uses (None for an open type, where a code is not
    needed and not counted); refused when an invitation-only type lacks a valid one."""
    if not registration_type.by_invitation:
        return None
    if not code or not code.strip():
        raise AccessCodeRequired(
            f"The registration type {registration_type.code} is by invitation: "
            "give the access code you received.")
    found = find_access_code(codes, code)
    if found is None or not found.opens(registration_type.code, delegation):
        raise AccessCodeInvalid(
            f"The access code {code.strip()!r} is unknown or does not open the registration "
            f"type {registration_type.code}"
            + (" for this delegation." if found is not None and found.delegation else "."))
    return found


def offered(types: tuple[RegistrationType, ...], codes: tuple[AccessCode, ...],
            code: str | None) -> tuple[RegistrationType, ...]:
    """The types shown to a visitor: the open ones, and those their access code opens."""
    found = find_access_code(codes, code)
    return tuple(t for t in types if not t.by_invitation
                 or (found is not None and t.code in found.registration_types))
