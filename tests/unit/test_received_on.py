"""The day money was received, as finance types it: never after today, and not more than 90
days before the invoice (a prepayment on a purchase order, not a mistyped year)."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import ReceivedInFuture, ReceivedLongBeforeIssue
from domain.payment_details import check_received_on, value_date

ISSUED, TODAY = date(2019, 3, 20), date(2019, 3, 25)


@pytest.mark.parametrize("received", [TODAY, date(2019, 3, 20), date(2018, 12, 20)])
def test_a_day_finance_may_have_read_on_a_statement_is_taken(received: date) -> None:
    check_received_on(received, ISSUED, TODAY)


def test_tomorrow_is_refused() -> None:
    with pytest.raises(ReceivedInFuture):
        check_received_on(date(2019, 3, 26), ISSUED, TODAY)


def test_more_than_90_days_before_the_invoice_is_refused() -> None:
    with pytest.raises(ReceivedLongBeforeIssue):
        check_received_on(date(2018, 12, 19), ISSUED, TODAY)


def test_only_a_transfer_or_cheque_is_booked_on_its_received_day() -> None:
    assert value_date("bank_transfer", "2019-03-18") == "2019-03-18"
    assert value_date("cheque", "2019-03-18") == "2019-03-18"
    assert value_date("card", "2019-03-18") is None
    assert value_date("cash", "2019-03-18") is None
