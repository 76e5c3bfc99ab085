"""The bank account an invoice asks to be paid into by transfer.

Read from the edition document's `invoicing.bank`, e.g. in Canada
    {"bank_name": "Caisse Desjardins", "account_holder": "…", "institution": "815",
     "transit": "30001", "account": "1234567"}
or in the United States (the ABA routing number for domestic wires and ACH, the SWIFT/BIC
for payers abroad; either or both)
    {"bank_name": "…", "account_holder": "…", "aba_routing": "061000104",
     "swift": "SNTRUS3A", "account": "1000123456789"}
Numbers are checked as banks write them: a Canadian institution has 3 digits and a transit
(branch) 5; an ABA routing number 9 with its check digit, a SWIFT/BIC 8 or 11 characters
(python-stdnum checks both).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from stdnum import bic
from stdnum.exceptions import ValidationError
from stdnum.us import rtn

from domain.documents import DocumentReader, join

PATH = "invoicing.bank"
DIGITS = {"institution": 3, "transit": 5}
ACCOUNT = re.compile(r"^[0-9][0-9 -]{3,32}[0-9]$")


@dataclass(frozen=True)
class BankDetails:
    bank_name: str
    account_holder: str
    account: str
    institution: str | None = None  # Canada
    transit: str | None = None  # Canada: the branch
    aba_routing: str | None = None  # United States
    swift: str | None = None  # anywhere

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BankDetails:
        return cls(**data)


def parse_bank(r: DocumentReader, doc: Any, host: str) -> BankDetails | None:
    """The account, or None when the edition gives none (the invoice then names no bank)."""
    if doc is None:
        return None
    if not isinstance(doc, Mapping):
        r.problem(PATH, "must be an object")
        return None
    unknown = set(doc) - set(BankDetails.__dataclass_fields__)
    if unknown:
        r.problem(PATH, f"unknown field(s): {', '.join(sorted(unknown))}")
    values = {key: r.text(doc, key, PATH, required=False) or None
              for key in ("institution", "transit", "aba_routing", "swift")}
    for key, length in DIGITS.items():
        value = values[key]
        if value is not None and not (value.isdigit() and len(value) == length):
            r.problem(join(PATH, key), f"must be {length} digits")
    values["aba_routing"] = _checked(r, rtn, values["aba_routing"], "aba_routing",
                                     "must be a 9-digit ABA routing number")
    values["swift"] = _checked(r, bic, values["swift"], "swift",
                               "must be a SWIFT/BIC code of 8 or 11 characters")
    account = r.text(doc, "account", PATH)
    if account and not ACCOUNT.match(account):
        r.problem(join(PATH, "account"), "must be an account number (digits)")
    if host.startswith("CA-") and not (values["institution"] and values["transit"]) \
            and not values["swift"]:
        r.problem(PATH, "a Canadian account needs its institution and transit numbers "
                        "(or a SWIFT/BIC)")
    if host.startswith("US-") and not (values["aba_routing"] or values["swift"]):
        r.problem(PATH, "a US account needs its ABA routing number or a SWIFT/BIC")
    return BankDetails(bank_name=r.text(doc, "bank_name", PATH),
                       account_holder=r.text(doc, "account_holder", PATH), account=account,
                       **values)


def _checked(r: DocumentReader, scheme: Any, value: str | None, key: str,
             message: str) -> str | None:
    if value is None:
        return None
    try:
        return str(scheme.validate(value))
    except ValidationError:
        r.problem(join(PATH, key), message)
        return None
