"""Add-ons bought with a place: priced and taxed like it, limited without overselling,
and admitting their buyers to a check-in list."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.capacity import Allocation
from domain.edition_document import parse_edition
from domain.errors import ExtraNotOffered, InvalidEdition, NotOnList
from domain.invoice_lines import admission_line, credit_line
from domain.invoice_parts import InvoiceLine
from domain.money import Money
from domain.pricing import PriceQuote
from domain.staff_actions import requote
from tests.support import editions

MONTREAL = ZoneInfo("America/Montreal")
AT = datetime(2019, 5, 1, 12, tzinfo=MONTREAL)
QUEBEC = parse_edition(editions.edition(extras=editions.EXTRAS,
                                        checkin_lists=[editions.GALA_LIST]))


def test_an_add_on_is_its_own_line_taxed_like_the_place_and_rounded_per_line():
    quote = QUEBEC.quote("delegate", None, AT, {"gala": 1, "companion": 2})
    gala, companion = quote.extras
    assert (gala.code, gala.quantity, gala.amount.amount) == ("gala", 1, Decimal("120.00"))
    assert [(t.code, t.amount.amount) for t in gala.tax_lines] == [
        ("GST", Decimal("6.00")), ("QST", Decimal("11.97"))]
    assert companion.amount.amount == Decimal("199.98")
    assert [t.amount.amount for t in companion.tax_lines] == [Decimal("10.00"), Decimal("19.95")]
    place = QUEBEC.quote("delegate", None, AT)
    assert quote.subtotal == place.subtotal and quote.tax_lines == place.tax_lines
    assert quote.total == place.total + gala.total + companion.total
    assert quote.total.amount == Decimal("569.13") + Decimal("137.97") + Decimal("229.93")


def test_a_discount_code_does_not_apply_to_add_ons():
    quote = QUEBEC.quote("delegate", "PARTNER20", AT, {"gala": 1})
    assert quote.code_discount.amount == Decimal("99.00")  # 20 % of the place alone
    assert quote.extras[0].amount.amount == Decimal("120.00")


def test_an_add_on_is_priced_in_the_editions_currency():
    georgia = parse_edition(editions.edition(editions.GEORGIA, extras=editions.EXTRAS))
    line = georgia.quote("delegate", None, AT, {"gala": 1}).extras[0]
    assert line.total.amount == Decimal("90.00") and line.total.currency == "USD"


def test_none_of_an_add_on_leaves_it_out_of_the_quote():
    assert QUEBEC.quote("delegate", None, AT, {"gala": 0}).extras == ()


@pytest.mark.parametrize(("type_code", "chosen"), [
    ("speaker", {"gala": 1}),  # not offered with this type
    ("delegate", {"companion": 3}),  # more than one registration may buy
    ("delegate", {"dessert": 1}),  # no such add-on
    ("delegate", {"gala": -1}),
])
def test_an_add_on_not_offered_is_refused(type_code, chosen):
    with pytest.raises(ExtraNotOffered):
        QUEBEC.quote(type_code, None, AT, chosen)


def test_a_quote_with_add_ons_is_stored_and_read_back_and_older_quotes_still_read():
    quote = QUEBEC.quote("delegate", None, AT, {"companion": 1})
    assert PriceQuote.from_dict(quote.to_dict()) == quote
    plain = QUEBEC.quote("delegate", None, AT)
    assert "extras" not in plain.to_dict()  # a quote stored before add-ons existed
    assert PriceQuote.from_dict(plain.to_dict()).extras == ()


def test_a_change_of_type_keeps_the_add_ons_as_bought():
    quote = QUEBEC.quote("delegate", None, AT, {"gala": 1})
    moved = requote(QUEBEC, quote, "speaker")
    assert moved.extras == quote.extras and moved.subtotal.amount == 0


def test_offered_add_ons_follow_the_registration_type():
    assert [e.code for e in QUEBEC.extras_for("delegate")] == ["gala", "companion"]
    assert [e.code for e in QUEBEC.extras_for("speaker")] == ["companion"]


def test_an_add_on_document_is_refused_with_every_problem():
    with pytest.raises(InvalidEdition) as refused:
        parse_edition(editions.edition(extras=[
            {"code": "Gala Dinner", "names": {"en": "Gala"}, "prices": {"USD": "10.00"}},
            {"code": "wine", "names": {"en": "Wine"}, "prices": {"CAD": "ten"},
             "registration_types": ["chef"], "max_per_registration": 0, "colour": "red"},
            {"code": "wine", "names": {"en": "Wine"}, "prices": {"CAD": "1.00"}},
        ], checkin_lists=[{"code": "gala", "names": {"en": "Gala"}, "extras": ["dessert"]}]))
    problems = "\n".join(refused.value.problems)
    for expected in ("extras[0].code: must be lower-case", "extras[0].prices: must give the "
                     "price in the edition's currency", "extras[1].prices.CAD",
                     "unknown registration type 'chef'", "extras[1].max_per_registration",
                     "extras[1].colour: is not a known field", "extra 'wine' appears twice",
                     "checkin_lists[0].extras: unknown add-on 'dessert'"):
        assert expected in problems


def test_a_list_admits_its_types_or_those_who_bought_its_add_on():
    gala = QUEBEC.checkin_list("gala")
    day = AT.date()
    gala.check_admits("speaker", day)
    gala.check_admits("delegate", day, frozenset({"gala"}))
    with pytest.raises(NotOnList):
        gala.check_admits("delegate", day, frozenset({"companion"}))


def test_a_list_for_buyers_alone_admits_no_type_by_itself():
    config = parse_edition(editions.edition(extras=editions.EXTRAS, checkin_lists=[
        {"code": "gala", "names": {"en": "Gala"}, "extras": ["gala"]}]))
    gala = config.checkin_list("gala")
    assert gala.registration_types == frozenset()
    with pytest.raises(NotOnList):
        gala.check_admits("speaker", AT.date())
    gala.check_admits("delegate", AT.date(), frozenset({"gala"}))


@given(st.lists(st.one_of(st.integers(min_value=1, max_value=2),
                          st.just(0)), max_size=40),
       st.integers(min_value=0, max_value=6))
def test_units_of_a_limited_add_on_are_never_sold_beyond_its_capacity(attempts, capacity):
    """Each attempt buys 1 or 2 tickets (0: the oldest buyer cancels and gives theirs back),
    deciding as registering does: room for all the tickets asked, or none taken."""
    allocation = Allocation(resource="extra")
    holders: list[int] = []
    for quantity in attempts:
        if quantity == 0:
            for _ in range(holders.pop(0) if holders else 0):
                allocation.give_back(uuid4())
        elif allocation.has_room(capacity, quantity):
            for _ in range(quantity):
                allocation.take(uuid4())
            holders.append(quantity)
        assert allocation.taken == sum(holders) <= capacity


def test_an_invoice_line_bills_the_add_ons_with_the_place_each_taxed_on_its_own():
    quote = QUEBEC.quote("delegate", None, AT, {"gala": 1, "companion": 2})
    line = admission_line(
        registration_id="r", attendee="Aline", item={"en": "Delegate"}, delegation="QC",
        price=quote.subtotal, rates=QUEBEC.tax_rates(AT), tax_numbers={}, prepaid=Money.zero(
            "CAD"), extras=quote.extras)
    assert Money.from_dict(line["total"]) == quote.total  # the same rounding as the quote
    assert Money.from_dict(line["amount"]) == quote.before_tax
    assert [(e["code"], e["quantity"], e["amount"]["amount"]) for e in line["extras"]] == [
        ("gala", 1, "120.00"), ("companion", 2, "199.98")]
    stored = InvoiceLine.from_dict(line).to_dict()
    assert stored["extras"] == line["extras"]
    credit = credit_line(line, Money.zero("CAD"))
    assert credit is not None and Money.from_dict(credit["total"]) == -quote.total
