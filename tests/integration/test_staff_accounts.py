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
