"""Staff accounts with e-mail and password, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from domain.errors import DuplicateEmail
from domain.staff import StaffMember
from registration.services.container import Services

PASSWORD = "correct horse battery"


def test_a_member_signs_in_with_their_email_and_password_only(services: Services) -> None:
    member = services.staff.create_account("Ada Admin", "ada@example.com", PASSWORD, "admin")
    stored = services.app.find(member.id, StaffMember)
    assert stored is not None and stored.password_hash and PASSWORD not in stored.password_hash
    assert services.staff.sign_in("ADA@example.com", PASSWORD) == member
    assert services.staff.sign_in("ada@example.com", "wrong password") is None
    assert services.staff.sign_in("nobody@example.com", PASSWORD) is None


def test_a_sign_in_email_cannot_be_given_twice(services: Services) -> None:
    services.staff.create_account("Ada Admin", "ada@example.com", PASSWORD, "admin")
    with pytest.raises(DuplicateEmail):
        services.staff.create_account("Ada Again", "Ada@Example.com", PASSWORD, "desk")
    assert [m.name for m in services.staff.accounts()] == ["Ada Admin"]


def test_the_demo_account_is_ensured_idempotently_and_its_password_reset(
        services: Services) -> None:
    first = services.staff.ensure_account("Demo Admin", "admin@demo.test", PASSWORD, "admin")
    recorded = services.app.recorder.max_notification_id()
    again = services.staff.ensure_account("Demo Admin", "admin@demo.test", PASSWORD, "admin")
    assert again == first and services.app.recorder.max_notification_id() == recorded
    services.staff.ensure_account("Demo Admin", "admin@demo.test", "another password", "admin")
    assert services.staff.sign_in("admin@demo.test", "another password") is not None
    assert services.staff.sign_in("admin@demo.test", PASSWORD) is None


def test_bearer_tokens_keep_working_beside_passwords(services: Services) -> None:
    member, token = services.staff.create("api-finance", "finance")
    assert services.staff.authenticate(token) == member


def test_sessions_live_in_the_store_and_end_on_sign_out_password_or_disable(
        services: Services, clock) -> None:
    member = services.staff.create_account("Dana Desk", "desk@example.com", PASSWORD, "desk")
    access = services.staff_access
    laptop, phone = access.open_session(member.id), access.open_session(member.id)
    assert laptop and phone
    assert access.session_member(member.id, laptop) == member
    access.end_session(member.id, laptop)
    assert access.session_member(member.id, laptop) is None
    assert access.session_member(member.id, phone) is not None

    desk = access.open_session(member.id)
    assert services.staff.change_password(member.id, PASSWORD, "a new password!", desk)
    assert access.session_member(member.id, phone) is None
    assert access.session_member(member.id, desk) is not None

    services.staff.set_disabled(member.id, True)
    assert access.session_member(member.id, desk) is None
    assert access.open_session(member.id) is None
    assert services.staff.sign_in("desk@example.com", "a new password!") is None


def test_tokens_expire_are_listed_and_revoked(services: Services, clock) -> None:
    member, token, expires = services.staff.issue("api-finance", "finance", days=10)
    assert services.staff.authenticate(token) == member
    [listed] = services.staff.tokens(member.id)
    assert listed.prefix == token[:6] and listed.expires_at == expires
    assert listed.last_used is not None and not listed.revoked
    assert services.staff.revoke_token(member.id, token[:6])
    assert services.staff.authenticate(token) is None
    _, fresh, expires = services.staff.issue("api-finance", "finance", days=10)
    clock.set(expires)
    assert services.staff.authenticate(fresh) is None
    assert [m.name for m in services.staff.accounts()] == ["api-finance"]
