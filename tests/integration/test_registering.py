"""Registering, correcting, substituting and cancelling, on SQLite and on PostgreSQL."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

import pytest

from domain.checkin import short_code
from domain.errors import (
    AllotmentExhausted,
    AlreadyCancelled,
    CodeExhausted,
    CodeInvalid,
    DuplicateEmail,
    RegistrationClosed,
    SoldOut,
    UnknownDelegation,
)
from domain.registration import Attendee
from registration.services import registrations
from registration.services.container import Services
from tests.support import editions
from tests.support.clock import SettableClock

SLUG = "test-montreal"


def person(n: int = 1, **changes: str) -> Attendee:
    return Attendee(**editions.attendee(n, **changes))


def test_early_bird_registration_freezes_the_quote_with_quebec_taxes(services, edition):
    created = services.registrations.register(SLUG, person(), "delegate", "QC")
    quote = created.registration.quote
    assert quote.early_bird_applied and quote.early_bird_discount.amount == Decimal("100.00")
    assert [(line.code, line.amount.amount) for line in quote.tax_lines] == [
        ("GST", Decimal("19.75")), ("QST", Decimal("39.40"))]
    assert quote.total.amount == Decimal("454.15")
    stored = services.registrations.get(created.registration.id)
    assert stored.quote == quote and stored.status == "pending_payment"


def test_price_changes_after_the_deadline_but_a_frozen_quote_does_not(
        services, edition, clock: SettableClock):
    early = services.registrations.register(SLUG, person(1), "delegate", "QC")
    clock.set("2019-04-16T00:00:30-04:00")
    late = services.registrations.register(SLUG, person(2), "delegate", "QC")
    assert late.registration.quote.subtotal.amount == Decimal("495.00")
    assert services.registrations.get(early.registration.id).quote.subtotal.amount == Decimal(
        "395.00")


def test_refusals_are_clear_and_record_nothing(services, edition, clock: SettableClock):
    services.registrations.register(SLUG, person(1), "delegate", "QC")
    before = services.app.recorder.max_notification_id()
    with pytest.raises(DuplicateEmail):
        services.registrations.register(SLUG, person(1, email="PERSON1@example.com"), "delegate")
    with pytest.raises(UnknownDelegation):
        services.registrations.register(SLUG, person(2), "delegate", "XX")
    with pytest.raises(CodeInvalid):
        services.registrations.register(SLUG, person(2), "delegate", code="NOPE")
    clock.set("2019-06-05T09:00:00-04:00")
    with pytest.raises(RegistrationClosed):
        services.registrations.register(SLUG, person(2), "delegate")
    assert services.app.recorder.max_notification_id() == before


def test_capacity_code_uses_and_allotments_are_enforced(services, edition):
    for n in range(3):
        services.registrations.register(SLUG, person(n), "speaker")
    with pytest.raises(SoldOut):
        services.registrations.register(SLUG, person(9), "speaker")
    services.registrations.register(SLUG, person(10), "delegate", code="PARTNER20")
    services.registrations.register(SLUG, person(11), "delegate", code="partner20")
    with pytest.raises(CodeExhausted):
        services.registrations.register(SLUG, person(12), "delegate", code="PARTNER20")
    services.registrations.register(SLUG, person(20), "delegate", "GA")
    services.registrations.register(SLUG, person(21), "delegate", "GA")
    with pytest.raises(AllotmentExhausted):
        services.registrations.register(SLUG, person(22), "delegate", "GA")


def test_cancelling_frees_the_seat_and_the_email(services, edition):
    seats = [services.registrations.register(SLUG, person(n), "speaker") for n in range(3)]
    services.registrations.cancel(seats[0].registration.id)
    services.registrations.register(SLUG, person(0), "speaker")
    with pytest.raises(AlreadyCancelled):
        services.registrations.cancel(seats[0].registration.id)


def test_cancellation_refund_follows_the_policy_at_that_moment(
        services, edition, clock: SettableClock):
    created = services.registrations.register(SLUG, person(), "delegate", "QC")
    clock.set("2019-05-10T12:00:00-04:00")
    terms = services.registrations.cancel(created.registration.id)
    assert terms.refund_percent == Decimal("50")
    # nothing was paid, so nothing is owed back; half the price plus the fee is retained
    assert terms.refund_owed.amount == Decimal("0.00")
    assert terms.retained.amount == Decimal("277.07")  # 454.15 - 227.08 (half, rounded) + 50


def test_substitution_keeps_the_price_and_moves_the_email(services, edition, clock):
    created = services.registrations.register(SLUG, person(1), "delegate", "QC")
    before = services.registrations.get(created.registration.id)
    clock.set("2019-05-25T12:00:00-04:00")
    colleague = person(2, first_name="Marie", last_name="Gagnon")
    substituted = services.registrations.substitute(created.registration.id, colleague)
    assert substituted.attendee == colleague
    assert substituted.quote == created.registration.quote
    assert services.registrations.get(substituted.id).checkin_secret != before.checkin_secret
    services.registrations.register(SLUG, person(1), "delegate", "QC")  # address is free again
    with pytest.raises(DuplicateEmail):
        services.registrations.register(SLUG, colleague, "delegate", "QC")


def test_history_lists_every_event_in_order_without_secrets(services, edition):
    created = services.registrations.register(SLUG, person(1), "delegate", "QC")
    services.registrations.correct_details(created.registration.id, {"job_title": "Director"})
    services.registrations.cancel(created.registration.id)
    history = services.registrations.history(created.registration.id)
    assert [e.event for e in history] == ["Registered", "DetailsCorrected", "Cancelled"]
    assert history[1].details == {"changes": {"job_title": "Director"}, "reason": None}
    assert all("checkin_secret" not in e.details for e in history)


def test_attendance_counts_per_delegation_and_as_of_a_past_moment(
        services: Services, edition, clock: SettableClock):
    a = services.registrations.register(SLUG, person(1), "delegate", "QC")
    services.registrations.register(SLUG, person(2), "delegate", "QC")
    services.registrations.register(SLUG, person(3), "speaker", "GA")
    clock.set("2019-04-01T12:00:00-04:00")
    services.registrations.cancel(a.registration.id)
    services.registrations.substitute(
        services.registrations.register(SLUG, person(4), "delegate").registration.id, person(5))
    config = services.editions.config(SLUG)
    now = services.queries.attendance(config)
    quebec = next(d for d in now["delegations"] if d["code"] == "QC")
    assert quebec["totals"]["registered"] == 2 and quebec["totals"]["cancelled"] == 1
    assert quebec["totals"]["attending"] == 1
    assert now["totals"] == {"registered": 4, "cancelled": 1, "paid": 0, "substituted": 1,
                             "checked_in": 0, "attending": 3}
    before = services.queries.attendance(config, clock.current.replace(month=3, day=31))
    assert before["totals"]["registered"] == 3 and before["totals"]["cancelled"] == 0


def test_rebuilding_the_read_models_gives_the_same_attendance(services: Services, edition):
    for n in range(7):
        services.registrations.register(SLUG, person(n), "delegate", ["QC", "ON", None][n % 3])
    first = services.queries.registrations(services.editions.config(SLUG))[0]
    services.registrations.cancel(UUID(first.registration_id))
    config = services.editions.config(SLUG)
    live = services.queries.attendance(config)
    rows = services.queries.registrations(config)
    services.read_models.rebuild()
    assert services.queries.attendance(config) == live
    assert services.queries.registrations(config) == rows


def test_a_secret_whose_short_code_a_badge_has_is_drawn_again_and_the_badge_keeps_it(
        services, edition, monkeypatch):
    first = services.registrations.register(SLUG, person(1), "delegate", "QC")
    taken = services.registrations.get(first.registration.id).checkin_secret
    draws = iter([taken, "A" * 32])
    monkeypatch.setattr(registrations, "new_checkin_secret", lambda: next(draws))
    second = services.registrations.register(SLUG, person(2), "delegate", "QC")
    assert services.registrations.get(second.registration.id).checkin_secret == "A" * 32
    assert services.registrations.get(first.registration.id).checkin_secret == taken
    assert short_code(taken) != short_code("A" * 32)
