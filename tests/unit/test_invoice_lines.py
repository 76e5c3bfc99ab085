"""Invoice lines, credit lines, taxes, languages, numbering terms and the number sequence."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.billing import due_and_overpaid, newest_first
from domain.edition_document import parse_edition
from domain.errors import Invalid, InvalidEdition, MoreThanDue, ReferenceAlreadyUsed
from domain.invoice import Invoice, MissingTaxNumber, NotCreditable
from domain.invoice_lines import (
    BillTo,
    adjustment_lines,
    admission_line,
    credit_line,
    document_languages,
    lines_total,
    place_credit_line,
    summed_taxes,
    tax_point,
)
from domain.invoice_parts import EditionSnapshot, IssuerSnapshot
from domain.invoicing import Issuer
from domain.money import Money
from domain.numbering import InvoiceSequence
from domain.tax import DEFAULT_TAX_RATES
from tests.support import invoicing
from tests.support.money import CAD, cad


def quebec_line(price: str, registration_id: str = "r1", prepaid: str = "0.00") -> dict:
    return admission_line(
        registration_id=registration_id, attendee="François Tremblay",
        item={"en": "Delegate", "fr": "Délégué"}, delegation="QC", price=cad(price),
        rates=DEFAULT_TAX_RATES["CA-QC"], tax_numbers={"GST": "123", "QST": "456"},
        prepaid=cad(prepaid))


def test_a_line_rounds_each_tax_half_up_and_its_total_adds_up_exactly():
    line = quebec_line("395.00")
    assert [t["amount"]["amount"] for t in line["taxes"]] == ["19.75", "39.40"]  # 39.40125
    assert line["total"] == {"amount": "454.15", "currency": CAD}


def test_document_taxes_sum_the_lines_so_the_totals_add_up_to_the_cent():
    lines = [quebec_line("395.00", "r1"), quebec_line("333.33", "r2")]
    taxes = summed_taxes(lines)
    subtotal = lines_total(lines, "amount", CAD)
    total = lines_total(lines, "total", CAD)
    assert [(t.code, t.rate, t.amount) for t in taxes] == [
        ("GST", Decimal("5"), cad("36.42")), ("QST", Decimal("9.975"), cad("72.65"))]
    assert subtotal + taxes[0].amount + taxes[1].amount == total == cad("837.40")


def test_a_credit_without_retention_negates_the_line_exactly():
    credit = credit_line(quebec_line("395.00"), cad("0.00"))
    assert credit is not None
    assert credit["amount"]["amount"] == "-395.00"
    assert [t["amount"]["amount"] for t in credit["taxes"]] == ["-19.75", "-39.40"]
    assert credit["total"]["amount"] == "-454.15" and credit["retained"] is None


def test_a_credit_keeps_the_retained_fee_billed_and_adds_up_to_the_cent():
    line = quebec_line("395.00")
    credit = credit_line(line, cad("277.07"))
    assert credit is not None
    amounts = [Decimal(t["amount"]["amount"]) for t in credit["taxes"]]
    assert Decimal(credit["amount"]["amount"]) + sum(amounts) == Decimal("-177.08")
    assert Money.from_dict(credit["total"]) == -(Money.from_dict(line["total"]) - cad("277.07"))
    assert credit["retained"] == {"amount": "277.07", "currency": CAD}


def test_a_place_change_bills_the_difference_at_the_lines_rates_and_tax_numbers():
    line = quebec_line("395.00")
    speaker = {"en": "Speaker", "fr": "Personne conférencière"}
    billed = {"F-1": cad("454.15")}
    [(refers_to, more)] = adjustment_lines(line, cad("300.00"), speaker, "GA", billed)
    assert refers_to == "F-1" and more["kind"] == "admission" and more["delegation"] == "GA"
    assert [(t["amount"]["amount"], t["registration_number"]) for t in more["taxes"]] == [
        ("15.00", "123"), ("29.93", "456")]
    assert more["total"]["amount"] == "344.93" and more["item"] == speaker
    [(refers_to, less)] = adjustment_lines(line, cad("-300.00"), speaker, "QC", billed)
    assert refers_to == "F-1" and less["kind"] == "credit"
    assert less["total"]["amount"] == "-344.93" and less["retained"] is None
    assert adjustment_lines(line, cad("0.00"), speaker, "QC", billed) == []


def test_a_cheaper_place_credits_its_supplementary_invoice_first_then_its_invoice():
    """Delegate (454,15 $ on F-1), exhibitor (+344,93 $ on F-2), then speaker (free): F-2
    is credited all it bills, F-1 the rest; each credit adds up under the rounding rule."""
    line = quebec_line("395.00")
    billed = {"F-1": cad("454.15"), "F-2": cad("344.93")}
    credits = adjustment_lines(line, cad("-695.00"), {"en": "Speaker"}, "QC", billed)
    assert [(number, c["total"]["amount"]) for number, c in credits] == [
        ("F-2", "-344.93"), ("F-1", "-454.15")]
    for _, credit in credits:
        taxes = sum(Decimal(t["amount"]["amount"]) for t in credit["taxes"])
        assert Decimal(credit["amount"]["amount"]) + taxes == Decimal(credit["total"]["amount"])
        assert credit["retained"] is None
    back = adjustment_lines(line, cad("-300.00"), {"en": "Delegate"}, "QC", billed)
    assert [(number, c["total"]["amount"]) for number, c in back] == [("F-2", "-344.93")]


def test_money_is_shared_over_a_places_documents_newest_first_the_rest_on_the_oldest():
    documents = [("F-1", cad("454.15")), ("F-2", cad("344.93")), ("F-3", cad("100.00"))]
    assert newest_first(documents, cad("400.00")) == [("F-3", cad("100.00")),
                                                      ("F-2", cad("300.00"))]
    assert newest_first(documents, cad("1000.00")) == [
        ("F-3", cad("100.00")), ("F-2", cad("344.93")), ("F-1", cad("555.07"))]
    settled = [("F-1", cad("454.15")), ("F-2", cad("-10.00")), ("F-3", cad("0.00"))]
    assert newest_first(settled, cad("50.00")) == [("F-1", cad("50.00"))]
    assert newest_first([], cad("50.00")) == []


def test_one_payers_overpayment_never_lowers_what_another_still_owes():
    assert due_and_overpaid([Decimal("454.15"), Decimal("-45.85"), Decimal("0")]) == (
        Decimal("454.15"), Decimal("45.85"))
    assert due_and_overpaid([]) == (Decimal(0), Decimal(0))


@given(st.lists(st.decimals(min_value=-10**6, max_value=10**6, places=2)))
def test_what_is_due_less_what_was_overpaid_is_the_documents_net_balance(balances):
    due, overpaid = due_and_overpaid(balances)
    assert due >= 0 and overpaid >= 0 and due - overpaid == sum(balances, Decimal(0))


def test_a_place_credit_credits_what_is_still_billed_less_what_is_kept():
    line = quebec_line("395.00")
    whole = place_credit_line(line, cad("454.15"), cad("0.00"))
    assert whole is not None and whole == credit_line(line, cad("0.00"))
    part = place_credit_line(line, cad("109.22"), cad("50.00"))  # after a 344.93 credit note
    assert part is not None and part["total"]["amount"] == "-59.22"
    assert part["retained"] == {"amount": "50.00", "currency": CAD}
    assert place_credit_line(line, cad("50.00"), cad("50.00")) is None


def test_nothing_is_credited_when_everything_is_retained():
    assert credit_line(quebec_line("395.00"), cad("454.15")) is None


def test_the_rate_follows_the_earlier_of_payment_and_due_date():
    assert tax_point(date(2025, 4, 9), None) == date(2025, 4, 9)
    assert tax_point(date(2025, 4, 9), date(2025, 3, 20)) == date(2025, 3, 20)
    assert tax_point(date(2025, 3, 16), date(2025, 3, 20)) == date(2025, 3, 16)


def test_quebec_documents_are_french_and_english_bill_tos_get_both_languages():
    assert document_languages("CA-QC", "fr") == ["fr"]
    assert document_languages("CA-QC", "en") == ["fr", "en"]
    assert document_languages("US-GA", "fr") == ["fr"]
    assert document_languages("CA-ON", "en") == ["en"]


def test_a_bill_to_needs_a_name_and_a_known_language():
    with pytest.raises(Invalid):
        BillTo(name="  ")
    with pytest.raises(Invalid):
        BillTo(name="Acme", language="de")


def test_invoicing_terms_number_documents_with_their_prefix_and_padding():
    terms = parse_edition(invoicing.georgia()).invoicing
    assert terms is not None
    assert terms.number("invoice", 7) == "ATL19-00007"
    assert terms.number("credit_note", 7) == "ATL19-CN-00007"
    quebec = parse_edition(invoicing.quebec()).invoicing
    assert quebec is not None and quebec.series("credit_note") == quebec.series("invoice")


def test_an_edition_without_invoicing_terms_gets_a_prefix_from_its_slug():
    terms = parse_edition(invoicing.quebec(invoicing=None)).invoicing
    assert terms is not None and terms.number("invoice", 12) == "TEST-MONTREAL-0012"


def test_bad_invoicing_terms_are_listed_with_the_other_problems():
    document = invoicing.quebec(invoicing={"prefix": "bad prefix", "padding": 0,
                                           "issuer": {"address": "one line"}})
    with pytest.raises(InvalidEdition) as refused:
        parse_edition(document)
    assert {"invoicing.prefix: must be capitals, digits and dashes, e.g. SEUS19-",
            "invoicing.padding: must be between 1 and 10",
            "invoicing.issuer.legal_name: is required",
            "invoicing.issuer.address: must be a list"} <= set(refused.value.problems)


def test_a_sequence_hands_out_consecutive_numbers():
    sequence = InvoiceSequence(series="SEUS19-")
    assert [sequence.take(), sequence.take(), sequence.take()] == [1, 2, 3]


def issue(lines: list[dict], host: str = "CA-QC", kind: str = "invoice") -> Invoice:
    return Invoice.issue(
        edition=EditionSnapshot(slug="x", names={"en": "X"}, host=host,
                                time_zone="America/Montreal"),
        bill_to=BillTo(name="Acme"), lines=lines, issued_on=date(2019, 3, 20),
        due_on=date(2019, 4, 19), edition_id=uuid4(), number="SEUS19-0001", kind=kind,
        refers_to_number=None, issuer=IssuerSnapshot(Issuer("Alliance")), currency=CAD,
        languages=["fr"], po_number=None, delegation=None, reason=None)


def test_a_canadian_invoice_of_100_dollars_or_more_needs_the_issuers_tax_numbers():
    line = quebec_line("395.00")
    line["taxes"][1]["registration_number"] = None
    with pytest.raises(MissingTaxNumber, match="QST"):
        issue([line])
    small = quebec_line("50.00")
    small["taxes"][1]["registration_number"] = None
    assert issue([small]).total == cad("57.49")


def test_a_reference_counts_once_more_than_due_needs_confirming_and_balance_follows():
    invoice = issue([quebec_line("395.00", prepaid="100.00")])
    day = date(2019, 4, 2)  # received and recorded
    assert invoice.balance_due == cad("354.15")
    invoice.record_payment(cad("300.00"), "cheque", "CHQ-1", day, day)
    with pytest.raises(ReferenceAlreadyUsed):
        invoice.record_payment(cad("300.00"), "cheque", "CHQ-1", day, day)
    assert invoice.balance_due == cad("54.15")
    with pytest.raises(MoreThanDue):
        invoice.record_payment(cad("60.00"), "cheque", "CHQ-2", day, day)
    invoice.record_payment(cad("60.00"), "cheque", "CHQ-2", day, day, overpayment=True)
    assert invoice.balance_due == cad("-5.85")  # a credit to refund
    with pytest.raises(Invalid):
        invoice.record_payment(cad("-1.00"), "cheque", "CHQ-3", day, day)


def test_a_registration_is_credited_once_and_a_credit_note_never():
    invoice = issue([quebec_line("395.00", "r1"), quebec_line("395.00", "r2")])
    note = issue([credit_line(invoice.line_for("r1"), cad("0")) or {}], kind="credit_note")
    invoice.record_credit(note, ["r1"])
    assert invoice.uncredited() == ["r2"] and invoice.balance_due == cad("454.15")
    with pytest.raises(NotCreditable):
        invoice.check_creditable(["r1"])
    with pytest.raises(NotCreditable):
        note.check_creditable(note.registration_ids)


def test_invoices_on_request_are_offered_unless_the_edition_says_otherwise():
    assert parse_edition(invoicing.quebec()).invoices_on_request
    document = invoicing.quebec()
    document["invoicing"]["attendee_requests"] = False
    assert not parse_edition(document).invoices_on_request
    document["invoicing"]["attendee_requests"] = "no"
    with pytest.raises(InvalidEdition) as refused:
        parse_edition(document)
    assert refused.value.problems == ["invoicing.attendee_requests: must be true or false"]


def on_payment(document: dict) -> bool:
    terms = parse_edition(document).invoicing
    assert terms is not None
    return terms.on_payment


def test_card_payments_are_invoiced_by_default_where_a_canadian_host_has_its_tax_numbers():
    assert on_payment(invoicing.quebec()) and on_payment(invoicing.nova_scotia())
    assert not on_payment(invoicing.georgia())
    assert not on_payment(invoicing.quebec(tax_numbers={}))  # nothing to show: a receipt
    document = invoicing.quebec()
    document["invoicing"]["on_payment"] = False
    assert not on_payment(document)


def test_invoicing_on_payment_needs_a_yes_or_no_and_in_canada_the_tax_numbers():
    document = invoicing.quebec(tax_numbers={})
    document["invoicing"]["on_payment"] = True
    with pytest.raises(InvalidEdition) as refused:
        parse_edition(document)
    assert refused.value.problems == [
        "invoicing.on_payment: needs the issuer's tax_numbers: a Canadian invoice of $100 or "
        "more shows them"]
    document["invoicing"]["on_payment"] = "yes"
    with pytest.raises(InvalidEdition) as refused:
        parse_edition(document)
    assert refused.value.problems == ["invoicing.on_payment: must be true or false"]
