"""A staff member's tokens, sessions and second factor, decided by the aggregate alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.staff import StaffDirectory, StaffMember

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


def member() -> StaffMember:
    return StaffMember(name="Dana Desk", role="desk")


def test_a_token_issued_before_expiry_dates_expires_its_default_days_after_issue() -> None:
    dana = member()
    dana.issue_token("old-hash")  # the event of before tokens expired
    issued = NOW - timedelta(days=89)
    assert dana.token_usable("old-hash", NOW, issued, default_days=90)
    assert not dana.token_usable("old-hash", NOW + timedelta(days=1), issued, default_days=90)


def test_a_token_works_until_it_expires_or_is_revoked() -> None:
    dana = member()
    dana.grant_token("h", "abc123", NOW, NOW + timedelta(days=1))
    assert dana.token_usable("h", NOW, NOW, 90)
    assert not dana.token_usable("h", NOW + timedelta(days=1), NOW, 90)
    dana.revoke_token("h")
    version = dana.version
    dana.revoke_token("h")
    assert dana.version == version and not dana.token_usable("h", NOW, NOW, 90)
    assert not dana.token_usable("unknown", NOW, NOW, 90)


def test_a_new_password_keeps_only_the_session_it_was_changed_from() -> None:
    dana = member()
    for session in ("laptop", "phone", "kiosk"):
        dana.start_session(session, NOW)
    dana.change_password("new-hash", kept_session="laptop")
    assert list(dana.sessions) == ["laptop"]
    dana.change_password("newer-hash", kept_session=None)  # an admin's reset
    assert dana.sessions == {}


def test_disabling_ends_every_session_and_token_and_enabling_revives_none() -> None:
    dana = member()
    dana.grant_token("h", "abc123", NOW, NOW + timedelta(days=90))
    dana.start_session("laptop", NOW)
    dana.disable()
    assert dana.session_started_at("laptop") is None
    assert not dana.token_usable("h", NOW, NOW, 90)
    dana.enable()
    assert not dana.token_usable("h", NOW, NOW, 90) and dana.sessions == {}


def test_a_second_factor_code_counts_once() -> None:
    dana = member()
    dana.enrol_second_factor("sealed", code_step=100)
    assert not dana.accepts_code_step(100) and not dana.accepts_code_step(99)
    dana.start_session("laptop", NOW, code_step=101)
    assert not dana.accepts_code_step(101) and dana.accepts_code_step(102)


def test_removing_a_lost_second_factor_needs_a_reason_ends_sessions_and_keeps_old_codes_spent(
) -> None:
    dana = member()
    dana.enrol_second_factor("sealed", code_step=100)
    dana.start_session("phone", NOW, code_step=101)
    with pytest.raises(ValueError):
        dana.remove_second_factor("  ")
    assert dana.has_second_factor
    dana.remove_second_factor("phone lost")
    assert not dana.has_second_factor and dana.sessions == {}
    assert not dana.accepts_code_step(101)  # a code of the old app never counts again
    events = dana.collect_events()
    assert events[-1].reason == "phone lost"
    dana.remove_second_factor("again")
    assert dana.collect_events() == []  # nothing left to remove: nothing recorded


def test_the_directory_lists_token_holders_and_the_roles_requiring_a_code() -> None:
    directory = StaffDirectory()
    dana = member()
    directory.list_token_holder(dana.id)
    directory.list_token_holder(dana.id)
    assert directory.all_members() == [dana.id]
    directory.require_second_factor(["desk", "admin", "nobody"])
    assert directory.second_factor_roles == ["admin", "desk"]
