"""The person holding a place, and corrections to what we know of them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

CORRECTABLE = ("first_name", "last_name", "email", "organisation", "job_title", "language", "phone")


@dataclass(frozen=True)
class Attendee:
    first_name: str
    last_name: str
    email: str
    organisation: str
    job_title: str
    language: str = "en"
    phone: str | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def to_dict(self) -> dict[str, Any]:
        # Every field is a string or None: a shallow copy (`asdict` copies deeply, an eighth
        # of a read-model rebuild's time).
        return dict(vars(self))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Attendee:
        return cls(**{key: data.get(key) for key in CORRECTABLE})  # type: ignore[arg-type]

    def corrected(self, corrections: Corrections) -> Attendee:
        values: dict[str, Any] = dict(corrections.changes)
        return replace(self, **values)


@dataclass(frozen=True)
class Corrections:
    """New values for some of an attendee's details (a phone may be removed: None)."""

    changes: tuple[tuple[str, str | None], ...]

    def __post_init__(self) -> None:
        unknown = [name for name, _ in self.changes if name not in CORRECTABLE]
        if unknown:
            raise ValueError(f"not an attendee detail: {', '.join(unknown)}")

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> Corrections:
        return cls(tuple((name, values[name]) for name in CORRECTABLE if name in values))

    def to_dict(self) -> dict[str, Any]:
        return dict(self.changes)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Corrections:
        return cls.of(data)

    def __bool__(self) -> bool:
        return bool(self.changes)
