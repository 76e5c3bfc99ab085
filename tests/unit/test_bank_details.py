"""Bank details in the edition document: checked as banks write them, kept on invoices."""

from __future__ import annotations

from typing import Any

import pytest

from domain.bank_details import BankDetails
from domain.edition_document import parse_edition
from domain.errors import InvalidEdition
from domain.invoice_parts import IssuerSnapshot
from domain.invoicing import Issuer
from tests.support import invoicing

CANADA, USA = invoicing.BANK_CA, invoicing.BANK_US


def with_bank(document: dict[str, Any], bank: Any) -> dict[str, Any]:
    document["invoicing"]["bank"] = bank
    return document


def problems(document: dict[str, Any]) -> list[str]:
    with pytest.raises(InvalidEdition) as refused:
        parse_edition(document)
    return refused.value.problems


def test_a_canadian_and_a_us_account_are_read_and_kept_on_the_issuer_snapshot():
    terms = parse_edition(with_bank(invoicing.quebec(), CANADA)).invoicing
    assert terms is not None and terms.bank == BankDetails(**CANADA)
    us = parse_edition(with_bank(invoicing.georgia(), USA)).invoicing
    assert us is not None and us.bank == BankDetails(**USA)
    snapshot = IssuerSnapshot(Issuer("Alliance"), {}, us.bank)
    assert IssuerSnapshot.from_dict(snapshot.to_dict()) == snapshot
    assert parse_edition(invoicing.quebec()).invoicing.bank is None  # type: ignore[union-attr]


def test_an_invoice_issued_before_bank_details_reads_back_without_any():
    recorded = {"legal_name": "Alliance", "address": [], "email": None, "phone": None,
                "tax_numbers": {"GST": "123"}}
    assert IssuerSnapshot.from_dict(recorded).bank is None


def test_wrong_numbers_are_refused_each_beside_its_field():
    wrong = {**CANADA, "institution": "81", "transit": "3000A", "account": "12-x"}
    assert problems(with_bank(invoicing.quebec(), wrong)) == [
        "invoicing.bank.institution: must be 3 digits",
        "invoicing.bank.transit: must be 5 digits",
        "invoicing.bank.account: must be an account number (digits)"]
    wrong = {**USA, "aba_routing": "123456789", "swift": "EXAM"}
    assert problems(with_bank(invoicing.georgia(), wrong)) == [
        "invoicing.bank.aba_routing: must be a 9-digit ABA routing number",
        "invoicing.bank.swift: must be a SWIFT/BIC code of 8 or 11 characters",
        "invoicing.bank: a US account needs its ABA routing number or a SWIFT/BIC"]


def test_an_account_must_be_reachable_from_its_country_and_say_whose_it_is():
    us_only = {k: v for k, v in USA.items() if k not in {"swift"}}
    assert problems(with_bank(invoicing.quebec(), us_only)) == [
        "invoicing.bank: a Canadian account needs its institution and transit numbers "
        "(or a SWIFT/BIC)"]
    nameless = {k: v for k, v in CANADA.items() if k != "account_holder"}
    assert problems(with_bank(invoicing.quebec(), {**nameless, "iban": "x"})) == [
        "invoicing.bank: unknown field(s): iban",
        "invoicing.bank.account_holder: is required"]
    assert problems(with_bank(invoicing.quebec(), "815-30001")) == [
        "invoicing.bank: must be an object"]
