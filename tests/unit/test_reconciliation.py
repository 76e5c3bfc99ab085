"""Reconciling the journal with the card processor: every difference, and nothing for a
movement that only crossed the period's edge."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from domain.money import Money
from domain.reconciliation import (
    CardMovement,
    PeriodOutOfRange,
    ProcessorMovement,
    period_bounds,
    reconcile,
)

START = datetime(2019, 3, 1, 5, tzinfo=UTC)
END = datetime(2019, 4, 1, 4, tzinfo=UTC)
MID = datetime(2019, 3, 15, tzinfo=UTC)


def cad(amount: str) -> Money:
    return Money(Decimal(amount), "CAD")


def ours(source: str, amount: str, at: datetime = MID) -> CardMovement:
    return CardMovement(source, cad(amount), at, f"pi_{source}")


def theirs(source: str, amount: str, at: datetime = MID) -> ProcessorMovement:
    return ProcessorMovement(f"txn_{source}", source, cad(amount), at)


def test_a_journal_that_agrees_with_the_processor_has_no_difference() -> None:
    found = reconcile([ours("ch_1", "454.15"), ours("re_1", "-177.08")],
                      [theirs("ch_1", "454.15"), theirs("re_1", "-177.08")], START, END)
    assert found.balanced and found.matched == 2


def test_each_kind_of_difference_is_listed_with_both_sides() -> None:
    found = reconcile(
        [ours("ch_1", "454.15"), ours("ch_2", "100.00"), ours("ch_lost", "50.00")],
        [theirs("ch_1", "454.15"), theirs("ch_2", "99.99"), theirs("ch_unknown", "10.00")],
        START, END)
    assert found.matched == 1
    assert [(d.kind, d.source) for d in found.differences] == [
        ("amounts_differ", "ch_2"), ("not_in_journal", "ch_unknown"),
        ("not_at_processor", "ch_lost")]
    amounts = found.differences[0]
    assert amounts.ours is not None and amounts.theirs is not None
    assert (amounts.ours.amount, amounts.theirs.amount) == (cad("100.00"), cad("99.99"))


def test_a_charge_just_before_the_period_recorded_just_inside_is_no_difference() -> None:
    charged, recorded = START - timedelta(seconds=1), START + timedelta(seconds=2)
    found = reconcile([ours("ch_edge", "10.00", recorded)],
                      [theirs("ch_edge", "10.00", charged)], START, END)
    assert found.balanced and found.matched == 0


def test_movements_outside_the_period_are_not_reported() -> None:
    before = START - timedelta(days=3)
    found = reconcile([ours("ch_old", "10.00", before)], [theirs("ch_old2", "5.00", before)],
                      START, END)
    assert found.balanced


def test_a_period_of_days_runs_from_midnight_to_midnight_where_the_edition_is() -> None:
    start, end = period_bounds(MID.date(), MID.date(), ZoneInfo("America/Montreal"))
    assert start.isoformat() == "2019-03-15T00:00:00-04:00"
    assert end - start == timedelta(days=1)


@pytest.mark.parametrize(("since", "until"), [
    (date(1, 1, 1), date(1, 12, 31)), (date(9999, 12, 1), date(9999, 12, 31)),
    (date(1999, 12, 31), date(2019, 3, 1)), (date(2019, 3, 1), date(2100, 1, 1))])
def test_a_period_out_of_any_season_is_refused_rather_than_overflowing(
        since: date, until: date) -> None:
    with pytest.raises(PeriodOutOfRange):
        period_bounds(since, until, ZoneInfo("America/Montreal"))
