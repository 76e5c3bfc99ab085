"""Issuing and revoking a badge's check-in codes: the QR's secret and the short code under it.

Both are `CheckinCode` index aggregates saved with the registration's own event, with ids
derived from the codes: when a new secret's short code is already some badge's (about 2e-9
at 5,000 badges), the save is refused and the decision, taken again, draws another secret.
So the printed codes admit one person each, without a lookup in every registration.
"""

from __future__ import annotations

from uuid import UUID

from domain.checkin import (
    CheckinCode,
    checkin_code_id,
    grouped,
    short_code,
    short_code_id,
)
from registration.application import Conference


def issued(secret: str, registration_id: UUID) -> list[CheckinCode]:
    """The indexes of a new secret and of its short code."""
    return [CheckinCode.issue(secret, registration_id),
            CheckinCode.issue_short(short_code(secret), registration_id)]


def revoked(app: Conference, secret: str, reason: str) -> list[CheckinCode]:
    """The indexes of a secret and of its short code, revoked (those that exist)."""
    codes = [app.find(checkin_code_id(secret), CheckinCode),
             app.find(short_code_id(short_code(secret)), CheckinCode)]
    for code in codes:
        if code is not None and not code.revoked:
            code.revoke(reason)
    return [code for code in codes if code is not None]


def printable_short_code(app: Conference, secret: str, registration_id: UUID) -> str | None:
    """The short code a badge may print (its index is issued with the print if missing).

    A registration recorded before short codes existed has no index yet: it is issued with
    its next badge print (`index_to_issue`). If its derived code already belongs to another
    badge (about 2e-9 at 5,000 badges), the badge prints no short code: its QR code still admits.
    """
    code = short_code(secret)
    index = app.find(short_code_id(code), CheckinCode)
    return code if index is None or index.registration_id == registration_id else None


def index_to_issue(app: Conference, code: str, registration_id: UUID) -> CheckinCode | None:
    """The short code's index, unless it was issued already."""
    if app.find(short_code_id(code), CheckinCode) is not None:
        return None
    return CheckinCode.issue_short(code, registration_id)


def typable_code(app: Conference, secret: str, registration_id: UUID) -> str | None:
    """The short code an e-ticket shows (K7M-4QX-9RT), once its index is issued — a place
    registered before short codes: at its first badge print or `badges issue-codes` — so a
    typed e-ticket code is never refused."""
    index = app.find(code_index_id(secret), CheckinCode)
    return grouped(short_code(secret)) \
        if index is not None and index.registration_id == registration_id else None


def code_index_id(secret: str) -> UUID:
    """The id of the index of the secret's short code."""
    return short_code_id(short_code(secret))
