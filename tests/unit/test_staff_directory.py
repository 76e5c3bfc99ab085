"""Staff sign-in e-mails are unique, whatever their case, and decided by one aggregate."""

from __future__ import annotations

from uuid import uuid4

import pytest

from domain.errors import DuplicateEmail
from domain.staff import StaffDirectory, StaffMember


def test_an_email_belongs_to_one_member_whatever_its_case() -> None:
    directory = StaffDirectory()
    first, second = uuid4(), uuid4()
    directory.enrol("Ada@Example.com", first)
    with pytest.raises(DuplicateEmail):
        directory.enrol(" ada@example.COM ", second)
    assert directory.member_for("ADA@example.com") == first


def test_enrolling_the_same_member_again_records_nothing() -> None:
    directory = StaffDirectory()
    member = uuid4()
    directory.enrol("ada@example.com", member)
    version = directory.version
    directory.enrol("ada@example.com", member)
    assert directory.version == version


def test_credentials_are_an_email_and_a_hash_recorded_as_an_event() -> None:
    member = StaffMember(name="Ada", role="admin")
    member.set_credentials("ada@example.com", "scrypt:32768:8:1$salt$hash")
    event = member.collect_events()[-1]
    assert type(event).__name__ == "CredentialsSet"
    assert (member.email, member.password_hash) == ("ada@example.com", "scrypt:32768:8:1$salt$hash")
