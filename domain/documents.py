"""Reading plain JSON-like documents into typed values while collecting every problem.

An organiser who loads an edition document wants all its mistakes at once, not the
first one: each reader records a problem with its path and returns a placeholder.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any

from domain.text import normalized


class DocumentReader:
    """Collects problems while reading values out of a nested document."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}" if path else message)

    def field(self, doc: Mapping[str, Any], key: str, path: str, *, required: bool = True) -> Any:
        value = doc.get(key) if isinstance(doc, Mapping) else None
        if value is None and required:
            self.problem(join(path, key), "is required")
        return value

    def text(self, doc: Mapping[str, Any], key: str, path: str, *, required: bool = True) -> str:
        value = self.field(doc, key, path, required=required)
        if value is None:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.problem(join(path, key), "must be a non-empty text")
            return ""
        return normalized(value)

    def names(self, doc: Mapping[str, Any], key: str, path: str) -> dict[str, str]:
        value = self.field(doc, key, path)
        if value is None:
            return {}
        if not isinstance(value, Mapping) or not value or not all(
            isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in value.items()
        ):
            self.problem(join(path, key), 'must map languages to names, e.g. {"en": "…"}')
            return {}
        return {k: normalized(v) for k, v in value.items()}

    def decimal(
        self, doc: Mapping[str, Any], key: str, path: str, *, required: bool = True,
        minimum: Decimal | None = Decimal(0),
    ) -> Decimal | None:
        value = self.field(doc, key, path, required=required)
        if value is None:
            return None
        if isinstance(value, bool | float) or not isinstance(value, str | int):
            self.problem(join(path, key), 'must be a decimal written as a string, e.g. "395.00"')
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.problem(join(path, key), f"{value!r} is not a number")
            return None
        if not number.is_finite() or (minimum is not None and number < minimum):
            self.problem(join(path, key), f"must be a number of at least {minimum}")
            return None
        return number

    def integer(
        self, doc: Mapping[str, Any], key: str, path: str, *, required: bool = False
    ) -> int | None:
        value = self.field(doc, key, path, required=required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.problem(join(path, key), "must be a whole number of 0 or more")
            return None
        return value

    def day(self, doc: Mapping[str, Any], key: str, path: str, *, required: bool = True) -> date:
        value = self.field(doc, key, path, required=required)
        if value is None:
            return date.min
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            self.problem(join(path, key), f"{value!r} is not a date like 2019-06-02")
            return date.min

    def moment(
        self, doc: Mapping[str, Any], key: str, path: str, zone: tzinfo, *, required: bool = True
    ) -> datetime | None:
        """A date-time; without an offset it is read in the edition's time zone."""
        value = self.field(doc, key, path, required=required)
        if value is None:
            return None
        try:
            moment = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            self.problem(join(path, key), f"{value!r} is not a date-time like 2019-04-15T23:59")
            return None
        return moment if moment.tzinfo else moment.replace(tzinfo=zone)

    def items(self, doc: Mapping[str, Any], key: str, path: str, *, required: bool = True) -> list:
        value = self.field(doc, key, path, required=required)
        if value is None:
            return []
        if not isinstance(value, Sequence) or isinstance(value, str):
            self.problem(join(path, key), "must be a list")
            return []
        return list(value)

    def unique(self, codes: Sequence[str], path: str, what: str) -> None:
        seen: set[str] = set()
        for code in codes:
            if code in seen:
                self.problem(path, f"{what} {code!r} appears twice")
            seen.add(code)


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key
