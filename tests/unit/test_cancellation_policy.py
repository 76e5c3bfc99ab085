from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.money import CurrencyMismatch, Money
from domain.policy import (
    CancellationPolicy,
    CancellationTerms,
    RefundStep,
    cancellation_terms,
)

MONTREAL = ZoneInfo("America/Montreal")
EARLY = datetime(2025, 8, 1, 23, 59, tzinfo=MONTREAL)
LATE = datetime(2025, 9, 15, 23, 59, tzinfo=MONTREAL)

# Full refund less the fee until August; half until mid-September; nothing after.
POLICY = CancellationPolicy(
    steps=(RefundStep(EARLY, Decimal("100")), RefundStep(LATE, Decimal("50"))),
    fee=Decimal("75.00"),
)


def cad(amount: str) -> Money:
    return Money(Decimal(amount), "CAD")


def terms(at, *, total="850.00", paid="850.00", policy=POLICY):
    return cancellation_terms(policy, total=cad(total), paid=cad(paid), at=at)


def test_a_fully_paid_registration_cancelled_early_gets_everything_back_but_the_fee():
    result = terms(EARLY - timedelta(days=30))
    assert result == CancellationTerms(Decimal("100"), cad("75.00"), cad("775.00"))


def test_a_cancellation_exactly_at_a_deadline_still_gets_that_steps_refund():
    assert terms(EARLY).refund_percent == Decimal("100")


def test_a_cancellation_between_deadlines_gets_the_next_steps_share_less_the_fee():
    result = terms(EARLY + timedelta(seconds=1))
    assert result.refund_percent == Decimal("50")
    assert result.retained == cad("500.00")  # 425.00 kept + 75.00 fee
    assert result.refund_owed == cad("350.00")


def test_after_the_last_deadline_nothing_is_refunded():
    result = terms(LATE + timedelta(seconds=1))
    assert result.refund_percent == Decimal("0")
    assert result.retained == cad("850.00")
    assert result.refund_owed == cad("0.00")


def test_an_unpaid_registration_is_owed_nothing():
    result = terms(EARLY - timedelta(days=1), paid="0.00")
    assert result.refund_owed == cad("0.00")
    assert result.retained == cad("75.00")


def test_a_partly_paid_registration_is_owed_only_what_it_paid_beyond_what_is_retained():
    assert terms(EARLY + timedelta(days=1), paid="600.00").refund_owed == cad("100.00")
    assert terms(EARLY + timedelta(days=1), paid="400.00").refund_owed == cad("0.00")


def test_the_fee_is_never_more_than_what_was_due():
    result = terms(EARLY - timedelta(days=1), total="50.00", paid="50.00")
    assert result.retained == cad("50.00")
    assert result.refund_owed == cad("0.00")


def test_a_free_registration_retains_and_owes_nothing():
    result = terms(EARLY, total="0.00", paid="0.00")
    assert result.retained == result.refund_owed == cad("0.00")


def test_the_refundable_share_is_rounded_half_up_to_the_cent():
    policy = CancellationPolicy(steps=(RefundStep(LATE, Decimal("33.335")),), fee=Decimal("0"))
    result = terms(EARLY, total="100.00", paid="100.00", policy=policy)
    assert result.refund_owed == cad("33.34")
    assert result.retained == cad("66.66")


def test_a_policy_without_steps_refunds_nothing_but_an_overpayment():
    policy = CancellationPolicy(steps=())
    assert terms(EARLY, policy=policy).refund_owed == cad("0.00")
    assert terms(EARLY, paid="900.00", policy=policy).refund_owed == cad("50.00")


def test_deadlines_in_other_time_zones_compare_as_instants():
    just_after_early_in_utc = EARLY.astimezone(UTC) + timedelta(minutes=1)
    assert terms(just_after_early_in_utc).refund_percent == Decimal("50")


def test_a_naive_cancellation_time_is_refused():
    with pytest.raises(ValueError):
        terms(datetime(2025, 7, 1, 12, 0))


def test_a_naive_deadline_is_refused():
    with pytest.raises(ValueError):
        RefundStep(datetime(2025, 7, 1), Decimal("100"))


def test_a_refund_share_above_a_hundred_percent_is_refused():
    with pytest.raises(ValueError):
        RefundStep(EARLY, Decimal("120"))


def test_a_negative_fee_is_refused():
    with pytest.raises(ValueError):
        CancellationPolicy(steps=(), fee=Decimal("-1"))


def test_steps_are_kept_in_deadline_order_whatever_order_they_were_given_in():
    policy = CancellationPolicy(steps=tuple(reversed(POLICY.steps)), fee=POLICY.fee)
    assert policy == POLICY


def test_amounts_in_another_currency_are_refused():
    with pytest.raises(CurrencyMismatch):
        cancellation_terms(POLICY, total=cad("10"), paid=Money(Decimal("10"), "USD"), at=EARLY)


def test_a_policy_round_trips_through_plain_data():
    data = POLICY.to_dict()
    assert data["fee"] == "75.00"
    assert data["steps"][0] == {"until": "2025-08-01T23:59:00-04:00", "refund_percent": "100"}
    assert CancellationPolicy.from_dict(data) == POLICY


def test_a_policy_with_a_naive_deadline_in_its_data_is_refused():
    with pytest.raises(ValueError):
        CancellationPolicy.from_dict(
            {"steps": [{"until": "2025-08-01T23:59:00", "refund_percent": "100"}], "fee": "0"}
        )


def test_terms_round_trip_through_plain_data():
    result = terms(EARLY)
    assert result.to_dict() == {
        "refund_percent": "100",
        "retained": {"amount": "75.00", "currency": "CAD"},
        "refund_owed": {"amount": "775.00", "currency": "CAD"},
    }
    assert CancellationTerms.from_dict(result.to_dict()) == result


prices = st.decimals(min_value=0, max_value=10_000, places=2)


@given(
    total=prices,
    paid_share=st.decimals(min_value=0, max_value=1, places=2),
    fee=st.decimals(min_value=0, max_value=500, places=2),
    percent=st.decimals(min_value=0, max_value=100, places=3),
    minutes=st.integers(min_value=-10_000, max_value=10_000),
)
def test_what_is_retained_and_what_is_owed_always_add_up_to_what_was_paid(
    total, paid_share, fee, percent, minutes
):
    paid = (total * paid_share).quantize(Decimal("0.01"))
    policy = CancellationPolicy(steps=(RefundStep(EARLY, percent),), fee=fee)
    at = EARLY + timedelta(minutes=minutes)
    result = cancellation_terms(policy, total=cad(str(total)), paid=cad(str(paid)), at=at)
    assert cad("0") <= result.retained <= cad(str(total))
    assert cad("0") <= result.refund_owed <= cad(str(paid))
    assert result.refund_owed == max(cad("0"), cad(str(paid)) - result.retained)
    if paid == total:
        assert result.retained + result.refund_owed == cad(str(paid))
