"""The one rounding rule (README, "Rounding"): taxes per line, each rounded half-up to the
cent; a document's tax totals are the sums of its lines'. Whatever the prices, discounts,
places and rates, what a document prints multiplies out to the cent under that rule."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st

from domain.invoice_lines import admission_line, credit_line, lines_total, summed_taxes
from domain.money import Money
from domain.tax import TaxRate, price_before_taxes

CENT = Decimal("0.01")
rates = st.lists(
    st.decimals(min_value=Decimal("0.001"), max_value=Decimal("20"), places=3),
    min_size=0, max_size=3, unique=True)
prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000"), places=2)
discounts = st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=1)
places = st.lists(st.tuples(prices, discounts, st.integers(1, 5)), min_size=1, max_size=6)


def half_up(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def cad(amount: Decimal) -> Money:
    return Money(amount, "CAD")


def taxes_of(percents: list[Decimal]) -> list[TaxRate]:
    return [TaxRate(f"T{i}", {"en": f"Tax {i}"}, rate) for i, rate in enumerate(percents)]


def invoice_lines(rows: list[tuple[Decimal, Decimal, int]], percents: list[Decimal]) -> list:
    """Each row is a price less a percent discount, billed for `quantity` places."""
    return [
        admission_line(
            registration_id=f"r{n}-{k}", attendee="Someone", item={"en": "Delegate"},
            delegation=None, price=cad(half_up(price * (100 - discount) / 100)),
            rates=taxes_of(percents), tax_numbers={}, prepaid=cad(Decimal(0)))
        for n, (price, discount, quantity) in enumerate(rows) for k in range(quantity)
    ]


def assert_multiplies_out(lines: list) -> None:
    for line in lines:
        amount = Money.from_dict(line["amount"]).amount
        taxes = [(Decimal(t["rate"]), Money.from_dict(t["amount"]).amount) for t in line["taxes"]]
        for rate, printed in taxes:
            assert printed == half_up(amount * rate / 100), (amount, rate, printed)
        assert Money.from_dict(line["total"]).amount == amount + sum(t for _, t in taxes)


@given(places, rates)
def test_every_printed_tax_multiplies_out_and_the_total_is_subtotal_plus_taxes(rows, percents):
    lines = invoice_lines(rows, percents)
    assert_multiplies_out(lines)
    subtotal = lines_total(lines, "amount", "CAD")
    document_taxes = summed_taxes(lines)
    for tax in document_taxes:  # each tax total is the sum of the lines' printed taxes
        assert tax.amount.amount == sum(
            Money.from_dict(t["amount"]).amount
            for line in lines for t in line["taxes"] if Decimal(t["rate"]) == tax.rate)
        assert tax.base == subtotal
    assert lines_total(lines, "total", "CAD").amount == subtotal.amount + sum(
        t.amount.amount for t in document_taxes)


@given(places, rates)
def test_a_credit_note_negates_each_line_exactly(rows, percents):
    credits = [credit_line(line, cad(Decimal(0))) for line in invoice_lines(rows, percents)]
    assert_multiplies_out([line for line in credits if line])


@given(prices, rates, st.decimals(min_value=Decimal("0"), max_value=Decimal("1"), places=2))
def test_a_credit_keeping_a_fee_leaves_exactly_the_fee_and_multiplies_out_when_it_can(
        price, percents, share):
    line = invoice_lines([(price, Decimal(0), 1)], percents)[0]
    line_total = Money.from_dict(line["total"])
    fee = line_total.times(share)
    credit = credit_line(line, fee)
    if credit is None:
        assert fee == line_total
        return
    credited = -Money.from_dict(credit["total"])
    assert credited + fee == line_total
    if price_before_taxes(credited, percents) is not None:
        assert_multiplies_out([credit])
    else:  # per-cent taxes step over this amount: no price reaches it
        assert all(
            p + sum(half_up(p * r / 100) for r in percents) != credited.amount
            for p in (half_up(credited.amount * 100 / (100 + sum(percents))) + d * CENT
                      for d in range(-3, 4)))


def test_the_issue_s_example_prints_per_line_taxes_that_multiply_out():
    """A 790,00 $ subtotal whose TVQ prints 78,81 $ (790 * 9.975 % = 78.8025): the lines
    print 53,87 $ (540 * 9.975 % = 53.865) and 24,94 $ (250 * 9.975 % = 24.9375), and the
    document's TVQ is their sum."""
    lines = invoice_lines([(Decimal("540.00"), Decimal(0), 1), (Decimal("250.00"), Decimal(0), 1)],
                          [Decimal("5"), Decimal("9.975")])
    assert [[t["amount"]["amount"] for t in line["taxes"]] for line in lines] == [
        ["27.00", "53.87"], ["12.50", "24.94"]]
    qst = summed_taxes(lines)[1]
    assert (qst.base.amount, qst.amount.amount) == (Decimal("790.00"), Decimal("78.81"))
