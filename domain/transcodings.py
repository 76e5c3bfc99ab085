"""How the value objects events carry are stored: each under its own name, as its `to_dict`.

Registered by the application (`Conference.register_transcodings`); a stored payload reads
`{"_type_": "money", "_data_": {"amount": "395.00", "currency": "CAD"}}` and comes back as
the same value object.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import Transcoding

from domain.actor import Actor
from domain.attendee import Attendee, Corrections
from domain.edition import EditionDocument
from domain.invoice_lines import BillTo
from domain.invoice_parts import EditionSnapshot, InvoiceLine, IssuerSnapshot
from domain.money import Money
from domain.outcome import Outcome
from domain.payment import Shares
from domain.payment_details import PaymentDetails
from domain.policy import CancellationTerms
from domain.pricing import PriceQuote

# Names are part of the stored contract: never rename one.
VALUE_OBJECTS: dict[str, type] = {
    "actor": Actor, "money": Money, "attendee": Attendee, "corrections": Corrections,
    "price_quote": PriceQuote, "cancellation_terms": CancellationTerms,
    "payment_details": PaymentDetails, "bill_to": BillTo, "invoice_line": InvoiceLine,
    "issuer": IssuerSnapshot, "edition_snapshot": EditionSnapshot,
    "edition_document": EditionDocument, "payment_shares": Shares,
    "request_outcome": Outcome,
}


class ValueObjectAsDict(Transcoding):
    def __init__(self, name: str, value_type: type) -> None:
        self.name = name
        self.type = value_type

    def encode(self, obj: Any) -> Any:
        return obj.to_dict()

    def decode(self, data: Any) -> Any:
        return self.type.from_dict(data)  # type: ignore[attr-defined]


def value_transcodings() -> list[Transcoding]:
    return [ValueObjectAsDict(name, value_type) for name, value_type in VALUE_OBJECTS.items()]
