"""The cancellation policy: how much of the price is refunded, depending on when one cancels."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from domain.money import Money


def _require_aware(moment: datetime, what: str) -> None:
    # A naive time means "somewhere": deadlines are compared across time zones, so refuse it.
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise ValueError(f"{what} must be a time-zone-aware datetime, not {moment!r}")


def _decimal(value: Any, what: str) -> Decimal:
    if isinstance(value, float | bool) or not isinstance(value, str | int | Decimal):
        raise ValueError(f"{what} must be a string or Decimal, not {type(value).__name__}")
    try:
        return Decimal(value)
    except InvalidOperation as error:
        raise ValueError(f"{what} is not a number: {value!r}") from error


@dataclass(frozen=True)
class RefundStep:
    until: datetime  # aware; the step covers cancellations up to and including this moment
    refund_percent: Decimal

    def __post_init__(self) -> None:
        _require_aware(self.until, "A refund deadline")
        percent = _decimal(self.refund_percent, "A refund percentage")
        if not Decimal(0) <= percent <= Decimal(100):
            raise ValueError(f"A refund percentage must be 0 to 100, not {percent}")
        object.__setattr__(self, "refund_percent", percent)


@dataclass(frozen=True)
class CancellationPolicy:
    steps: tuple[RefundStep, ...]
    fee: Decimal = Decimal("0")  # fixed amount kept, in the edition's currency

    def __post_init__(self) -> None:
        # Sorted here so configuration may list the deadlines in any order.
        object.__setattr__(self, "steps", tuple(sorted(self.steps, key=lambda s: s.until)))
        fee = _decimal(self.fee, "A cancellation fee")
        if fee < 0:
            raise ValueError(f"A cancellation fee cannot be negative: {fee}")
        object.__setattr__(self, "fee", fee)

    def to_dict(self) -> dict[str, Any]:
        return {
            "steps": [
                {"until": step.until.isoformat(), "refund_percent": str(step.refund_percent)}
                for step in self.steps
            ],
            "fee": str(self.fee),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CancellationPolicy:
        steps = []
        for step in data.get("steps", ()):
            try:
                until = datetime.fromisoformat(step["until"])
            except (KeyError, TypeError, ValueError) as error:
                raise ValueError(f"A refund step needs an ISO-8601 'until': {step!r}") from error
            steps.append(RefundStep(until, _decimal(step.get("refund_percent"), "refund_percent")))
        return cls(steps=tuple(steps), fee=_decimal(data.get("fee", "0"), "fee"))


@dataclass(frozen=True)
class CancellationTerms:
    refund_percent: Decimal
    retained: Money
    refund_owed: Money

    def to_dict(self) -> dict[str, Any]:
        return {
            "refund_percent": str(self.refund_percent),
            "retained": self.retained.to_dict(),
            "refund_owed": self.refund_owed.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CancellationTerms:
        return cls(
            refund_percent=_decimal(data["refund_percent"], "refund_percent"),
            retained=Money.from_dict(data["retained"]),
            refund_owed=Money.from_dict(data["refund_owed"]),
        )


def _refund_percent_at(policy: CancellationPolicy, at: datetime) -> Decimal:
    for step in policy.steps:
        if step.until >= at:
            return step.refund_percent
    return Decimal(0)


def cancellation_terms(
    policy: CancellationPolicy, *, total: Money, paid: Money, at: datetime
) -> CancellationTerms:
    """What the organiser keeps and what it owes back when a registration is cancelled at `at`.

    The organiser keeps the non-refundable share plus the fee, but never more than the total
    due; whatever was paid beyond that is owed back (so an unpaid registration is owed nothing).
    """
    _require_aware(at, "The cancellation time")
    percent = _refund_percent_at(policy, at)
    zero = Money.zero(total.currency)
    refundable = total.times(percent / 100)
    kept = total - refundable + Money(policy.fee, total.currency)
    retained = max(zero, min(total, kept)).rounded()
    refund_owed = max(zero, (paid - retained).rounded())
    return CancellationTerms(refund_percent=percent, retained=retained, refund_owed=refund_owed)
