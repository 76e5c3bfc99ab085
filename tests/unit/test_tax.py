from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.money import Money
from domain.tax import (
    DEFAULT_TAX_RATES,
    TaxLine,
    TaxRate,
    parse_tax_rates,
    rates_for,
    tax_lines,
)

A_DAY = date(2025, 6, 1)


def cad(amount: str) -> Money:
    return Money(Decimal(amount), "CAD")


def codes_and_rates(rates):
    return [(rate.code, rate.rate) for rate in rates]


def test_quebec_admission_gets_gst_and_qst_as_separate_lines():
    lines = tax_lines(cad("100.00"), rates_for("CA-QC", A_DAY))
    assert [(line.code, line.amount) for line in lines] == [
        ("GST", cad("5.00")),
        ("QST", cad("9.98")),
    ]


def test_qst_is_charged_on_the_price_before_gst():
    gst, qst = tax_lines(cad("415.00"), rates_for("CA-QC", A_DAY))
    assert gst.base == qst.base == cad("415.00")
    assert qst.amount == cad("41.40")  # 41.39625 rounds half-up


def test_each_tax_line_is_rounded_on_its_own():
    lines = tax_lines(cad("0.10"), rates_for("CA-QC", A_DAY))
    assert [line.amount for line in lines] == [cad("0.01"), cad("0.01")]


def test_ontario_charges_hst_13_percent():
    assert codes_and_rates(rates_for("CA-ON", A_DAY)) == [("HST", Decimal("13"))]


@pytest.mark.parametrize("province", ["CA-NB", "CA-NL", "CA-PE"])
def test_atlantic_provinces_charge_hst_15_percent(province):
    assert codes_and_rates(rates_for(province, A_DAY)) == [("HST", Decimal("15"))]


def test_nova_scotia_hst_drops_to_14_percent_on_the_first_of_april_2025():
    assert codes_and_rates(rates_for("CA-NS", date(2025, 3, 31))) == [("HST", Decimal("15"))]
    assert codes_and_rates(rates_for("CA-NS", date(2025, 4, 1))) == [("HST", Decimal("14"))]


@pytest.mark.parametrize(
    "province", ["CA-MB", "CA-AB", "CA-BC", "CA-SK", "CA-YT", "CA-NT", "CA-NU"]
)
def test_provinces_without_hst_charge_only_gst_on_admissions(province):
    assert codes_and_rates(rates_for(province, A_DAY)) == [("GST", Decimal("5"))]


@pytest.mark.parametrize("state", ["US-GA", "US-AL", "US-TN", "XX-YY"])
def test_us_states_and_unknown_places_charge_no_tax_by_default(state):
    assert rates_for(state, A_DAY) == ()
    assert tax_lines(Money(Decimal("500"), "USD"), rates_for(state, A_DAY)) == ()


def test_a_jurisdiction_code_is_read_in_any_case():
    assert rates_for("ca-on", A_DAY) == rates_for("CA-ON", A_DAY)


def test_an_editions_schedule_replaces_the_defaults():
    admissions_tax = TaxRate("ADM", {"en": "Admissions tax"}, Decimal("4"))
    schedule = {"US-GA": (admissions_tax,)}
    assert rates_for("US-GA", A_DAY, schedule) == (admissions_tax,)
    assert rates_for("CA-ON", A_DAY, schedule) == ()


def test_tax_names_are_translated_with_english_then_the_code_as_fallback():
    gst, qst = DEFAULT_TAX_RATES["CA-QC"]
    assert (gst.name("fr"), qst.name("fr")) == ("TPS", "TVQ")
    assert DEFAULT_TAX_RATES["CA-ON"][0].name("fr-CA") == "TVH"
    assert qst.name("es") == "QST"
    assert TaxRate("X1", {}, Decimal("1")).name("fr") == "X1"


def test_a_rate_applies_between_its_dates_inclusive():
    rate = TaxRate(
        "HST",
        {},
        Decimal("14"),
        date(2025, 4, 1),
        effective_until=date(2025, 12, 31),
    )
    assert not rate.applies_on(date(2025, 3, 31))
    assert rate.applies_on(date(2025, 4, 1))
    assert rate.applies_on(date(2025, 12, 31))
    assert not rate.applies_on(date(2026, 1, 1))


def test_a_rate_refuses_a_datetime_so_the_caller_picks_the_local_date():
    with pytest.raises(TypeError):
        DEFAULT_TAX_RATES["CA-ON"][0].applies_on(datetime(2025, 1, 1, tzinfo=UTC))


def test_a_rate_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        TaxRate("GST", {}, Decimal("5"), date(2025, 2, 1), date(2025, 1, 1))


def test_a_float_rate_is_refused():
    with pytest.raises(ValueError):
        TaxRate("GST", {}, 5.0)  # type: ignore[arg-type]


def test_tax_lines_carry_the_suppliers_registration_numbers():
    numbers = {"GST": "123456789 RT0001", "QST": "1234567890 TQ0001"}
    lines = tax_lines(cad("100.00"), rates_for("CA-QC", A_DAY), numbers)
    assert [line.registration_number for line in lines] == list(numbers.values())
    assert tax_lines(cad("1"), rates_for("CA-MB", A_DAY))[0].registration_number is None


def test_a_tax_line_round_trips_through_plain_data():
    (line,) = tax_lines(cad("415.00"), rates_for("CA-ON", A_DAY), {"HST": "R1"})
    data = line.to_dict()
    assert data["rate"] == "13"
    assert data["amount"] == {"amount": "53.95", "currency": "CAD"}
    assert TaxLine.from_dict(data) == line
    assert TaxLine.from_dict(data).name("fr") == "TVH"


def test_an_editions_schedule_is_parsed_from_plain_data():
    rates = parse_tax_rates(
        [
            {"code": "HST", "names": {"en": "HST"}, "rate": "15", "effective_until": "2025-03-31"},
            {
                "code": "HST",
                "names": {"en": "HST"},
                "rate": "14",
                "effective_from": "2025-04-01",
                "effective_until": None,
            },
        ]
    )
    assert rates == (
        TaxRate("HST", {"en": "HST"}, Decimal("15"), effective_until=date(2025, 3, 31)),
        TaxRate("HST", {"en": "HST"}, Decimal("14"), effective_from=date(2025, 4, 1)),
    )


def test_the_default_schedule_round_trips_through_plain_data():
    for rates in DEFAULT_TAX_RATES.values():
        assert parse_tax_rates([rate.to_dict() for rate in rates]) == rates


def test_three_decimal_rates_survive_plain_data():
    (qst,) = parse_tax_rates([{"code": "QST", "names": {"fr": "TVQ"}, "rate": "9.975"}])
    assert qst.rate == Decimal("9.975")
    assert qst.to_dict()["rate"] == "9.975"


@pytest.mark.parametrize(
    "item",
    [
        {"names": {}, "rate": "5"},
        {"code": "GST", "names": {}, "rate": 5.0},
        {"code": "GST", "names": {}, "rate": "five"},
        {"code": "GST", "names": {}, "rate": "5", "effective_from": "1 April"},
        {"code": "GST", "names": {}, "rate": "120"},
    ],
)
def test_bad_tax_configuration_is_refused_with_a_value_error(item):
    with pytest.raises(ValueError):
        parse_tax_rates([item])


def test_the_same_tax_twice_on_the_same_day_is_refused():
    with pytest.raises(ValueError, match="same days"):
        parse_tax_rates(
            [
                {"code": "HST", "names": {}, "rate": "15", "effective_until": "2025-04-01"},
                {"code": "HST", "names": {}, "rate": "14", "effective_from": "2025-04-01"},
            ]
        )


@given(
    st.decimals(min_value=0, max_value=100_000, places=2),
    st.sampled_from(sorted(DEFAULT_TAX_RATES)),
)
def test_every_tax_line_is_within_half_a_cent_of_the_exact_tax(price, jurisdiction):
    base = cad(str(price))
    for line in tax_lines(base, rates_for(jurisdiction, A_DAY)):
        exact = price * line.rate / 100
        assert abs(line.amount.amount - exact) <= Decimal("0.005")
        assert line.amount.amount == line.amount.rounded().amount
