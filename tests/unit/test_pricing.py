"""Price quotes: early bird against the list price, discount codes, one line per tax."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.edition_document import parse_edition
from domain.errors import CodeInvalid
from tests.support import editions

MONTREAL = ZoneInfo("America/Montreal")
QUEBEC = parse_edition(editions.edition())
GEORGIA = parse_edition(editions.edition(editions.GEORGIA))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=MONTREAL)


def test_early_bird_is_a_discount_on_the_regular_list_price_until_the_deadline():
    quote = QUEBEC.quote("delegate", None, at("2019-04-15T23:59"))
    assert (quote.tier, quote.list_price.amount, quote.early_bird_discount.amount) == (
        "early_bird", Decimal("495.00"), Decimal("100.00"))
    assert quote.early_bird_until == at("2019-04-15T23:59")
    after = QUEBEC.quote("delegate", None, at("2019-04-16T00:00"))
    assert (after.tier, after.early_bird_applied, after.subtotal.amount) == (
        "regular", False, Decimal("495.00"))
    on_site = QUEBEC.quote("delegate", None, at("2019-06-03T09:00"))
    assert (on_site.tier, on_site.subtotal.amount) == ("on_site", Decimal("595.00"))


def test_quebec_quotes_carry_gst_and_qst_lines_with_registration_numbers():
    quote = QUEBEC.quote("delegate", None, at("2019-05-01T12:00"))
    lines = [(t.code, t.rate, t.amount.amount, t.registration_number) for t in quote.tax_lines]
    assert lines == [("GST", Decimal("5"), Decimal("24.75"), "123456789 RT0001"),
                     ("QST", Decimal("9.975"), Decimal("49.38"), "1234567890 TQ0001")]
    assert quote.total.amount == Decimal("569.13")


def test_a_georgia_edition_is_in_dollars_without_sales_tax():
    quote = GEORGIA.quote("delegate", None, at("2019-05-01T12:00"))
    assert quote.currency == "USD" and quote.tax_lines == () and quote.total.amount == Decimal(
        "495.00")


def test_percent_and_fixed_codes_apply_after_the_early_bird_and_are_checked():
    percent = QUEBEC.quote("delegate", "partner20", at("2019-03-01T12:00"))
    assert percent.code_discount.amount == Decimal("79.00") and percent.code == "PARTNER20"
    fixed = QUEBEC.quote("delegate", "GOV50", at("2019-05-01T12:00"))
    assert fixed.subtotal.amount == Decimal("445.00")
    with pytest.raises(CodeInvalid, match="does not apply"):
        QUEBEC.quote("speaker", "GOV50", at("2019-05-01T12:00"))
    with pytest.raises(CodeInvalid, match="expired"):
        QUEBEC.quote("delegate", "GOV50", at("2019-06-01T12:00"))


def test_a_fixed_code_larger_than_the_price_makes_it_free_not_negative():
    config = parse_edition(editions.edition(discount_codes=[
        {"code": "ALL", "kind": "fixed", "value": "9999"}]))
    quote = config.quote("delegate", "ALL", at("2019-05-01T12:00"))
    assert quote.subtotal.amount == 0 and quote.total.amount == 0


@given(price=st.decimals(min_value=0, max_value=5000, places=2),
       percent=st.decimals(min_value=0, max_value=100, places=1))
def test_a_quote_always_adds_up_to_the_cent(price: Decimal, percent: Decimal):
    document = editions.edition(discount_codes=[
        {"code": "P", "kind": "percent", "value": str(percent)}])
    document["registration_types"][0]["tiers"][1]["price"] = str(price)
    quote = parse_edition(document).quote("delegate", "P", at("2019-05-01T12:00"))
    assert quote.subtotal + quote.tax_total == quote.total
    assert quote.list_price - quote.early_bird_discount - quote.code_discount == quote.subtotal
    assert quote.total.amount >= 0
    assert all(line.amount.amount == line.amount.amount.quantize(Decimal("0.01"))
               for line in quote.tax_lines)
