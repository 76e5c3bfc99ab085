from __future__ import annotations

from decimal import Decimal

from domain.money import Money

CAD = "CAD"


def cad(amount: str) -> Money:
    return Money(Decimal(amount), CAD)
