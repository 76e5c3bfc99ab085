"""Edition documents with invoicing terms: Quebec (GST+QST, French), Georgia (USD, no tax)
and Nova Scotia in 2025 (HST 15 % until March 31, 14 % from April 1)."""

from __future__ import annotations

from typing import Any

from tests.support import editions

ISSUER = {
    "legal_name": "Southeastern US-Canadian Provinces Alliance Inc.",
    "address": ["1001, place Jean-Paul-Riopelle", "Montréal (Québec) H2Z 1H5", "Canada"],
    "email": "finance@seuscp.example",
}
# Bank accounts as edition documents give them (fictitious numbers that pass the checks).
BANK_CA = {"bank_name": "Caisse d\u2019exemple", "account_holder": "Alliance",
           "institution": "999", "transit": "00011", "account": "0001234567"}
BANK_US = {"bank_name": "Example Bank", "account_holder": "Alliance",
           "aba_routing": "123456780", "swift": "EXAMUS33XXX", "account": "000123456789"}


def quebec(**changes: Any) -> dict[str, Any]:
    terms = {"prefix": "SEUS19-", "padding": 4, "payment_terms_days": 30, "issuer": ISSUER}
    return editions.edition(**{"invoicing": terms, **changes})


def georgia(**changes: Any) -> dict[str, Any]:
    issuer = {**ISSUER, "address": ["285 Andrew Young International Blvd NW",
                                    "Atlanta, GA 30313", "USA"]}
    terms = {"prefix": "ATL19-", "credit_note_prefix": "ATL19-CN-", "padding": 5,
             "payment_terms_days": 15, "issuer": issuer}
    return editions.edition(editions.GEORGIA, **{"invoicing": terms, **changes})


def nova_scotia() -> dict[str, Any]:
    """The Quebec test edition moved to Halifax in 2025, every date shifted by six years."""
    document: dict[str, Any] = _in_2025(editions.QUEBEC)
    document.update(
        slug="test-halifax", host="CA-NS", time_zone="America/Halifax", languages=["en"],
        names={"en": "Alliance Conference Halifax (test)"},
        venue={"name": "Halifax Convention Centre", "city": "Halifax"},
        tax_numbers={"HST": "987654321 RT0001"},
        invoicing={"prefix": "HFX25-", "payment_terms_days": 30, "issuer": ISSUER},
    )
    return document


def _in_2025(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("2019-", "2025-")
    if isinstance(value, dict):
        return {key: _in_2025(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_in_2025(item) for item in value]
    return value


BILL_TO_FR = {"name": "Ministère de l\u2019Économie du Québec", "contact": "Louise Gagnon",
              "address": ["710, place D\u2019Youville", "Québec (Québec) G1R 4Y4"],
              "language": "fr", "tax_id": "QC-1006290101"}
BILL_TO_EN = {"name": "Georgia Department of Economic Development", "contact": "Pat Miller",
              "address": ["75 5th St NW #1200", "Atlanta, GA 30308"], "language": "en"}
