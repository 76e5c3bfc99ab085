"""The typed parts an issued invoice or credit note records: its lines, issuer and edition.

Each part is what the document said when it was issued (a later change of the edition's
configuration changes no issued document). `to_dict` gives the plain form the document's
readers (totals, taxes, PDF, JSON) work with; events carry the typed parts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from domain.bank_details import BankDetails
from domain.invoicing import Issuer
from domain.money import Money
from domain.tax import TaxLine


@dataclass(frozen=True)
class InvoiceLine:
    """One registration billed (an admission) or credited (a credit)."""

    kind: str  # "admission" or "credit"
    registration_id: str
    attendee: str
    item: dict[str, str] = field(hash=False)  # the registration type's name per language
    delegation: str | None
    amount: Money  # before tax
    taxes: tuple[TaxLine, ...]
    total: Money
    prepaid: Money  # already paid when the line was issued
    retained: Money | None = None  # what a credit leaves billed (the cancellation fee)
    # add-ons billed within the line (domain.extras): code, item (names), quantity, amount
    extras: tuple[dict[str, Any], ...] = field(default=(), hash=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "registration_id": self.registration_id,
            "attendee": self.attendee, "item": dict(self.item), "delegation": self.delegation,
            "amount": self.amount.to_dict(), "taxes": [t.to_dict() for t in self.taxes],
            "total": self.total.to_dict(), "prepaid": self.prepaid.to_dict(),
            "retained": self.retained.to_dict() if self.retained is not None else None,
            **({"extras": [dict(extra) for extra in self.extras]} if self.extras else {}),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> InvoiceLine:
        retained = data.get("retained")
        return cls(
            kind=data["kind"], registration_id=str(data["registration_id"]),
            attendee=data["attendee"], item=dict(data["item"]),
            delegation=data.get("delegation"), amount=Money.from_dict(data["amount"]),
            taxes=tuple(TaxLine.from_dict(t) for t in data["taxes"]),
            total=Money.from_dict(data["total"]), prepaid=Money.from_dict(data["prepaid"]),
            retained=Money.from_dict(retained) if retained else None,
            extras=tuple(dict(extra) for extra in data.get("extras", ())))


@dataclass(frozen=True)
class IssuerSnapshot:
    """Who issued the document, with the tax numbers it shows."""

    issuer: Issuer
    tax_numbers: dict[str, str] = field(default_factory=dict, hash=False)
    bank: BankDetails | None = None  # documents issued before bank details name none

    def to_dict(self) -> dict[str, Any]:
        return {**self.issuer.to_dict(), "tax_numbers": dict(self.tax_numbers),
                "bank": self.bank.to_dict() if self.bank else None}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> IssuerSnapshot:
        bank = data.get("bank")
        return cls(Issuer.from_dict(data), dict(data.get("tax_numbers") or {}),
                   BankDetails.from_dict(bank) if bank else None)


@dataclass(frozen=True)
class EditionSnapshot:
    """The edition as the document names it: slug, names, host, zone, delegations' names."""

    slug: str
    names: dict[str, str] = field(hash=False)
    host: str
    time_zone: str
    delegations: dict[str, dict[str, str]] = field(default_factory=dict, hash=False)

    def to_dict(self) -> dict[str, Any]:
        return {"slug": self.slug, "names": dict(self.names), "host": self.host,
                "time_zone": self.time_zone,
                "delegations": {code: dict(names) for code, names in self.delegations.items()}}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EditionSnapshot:
        return cls(slug=data["slug"], names=dict(data["names"]), host=data["host"],
                   time_zone=data["time_zone"],
                   delegations={k: dict(v) for k, v in (data.get("delegations") or {}).items()})
