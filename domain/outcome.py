"""What a request achieved, kept with its Idempotency-Key (see domain.idempotency)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Outcome:
    """What a request achieved: the kind of thing and its ids (secrets sealed)."""

    resource: str  # "registration", "payment", "invoice", "check_in", …
    ids: tuple[str, ...]
    sealed: tuple[str, ...] = ()  # e.g. a registration's manage token, encrypted

    def to_dict(self) -> dict[str, Any]:
        return {"resource": self.resource, "ids": list(self.ids), "sealed": list(self.sealed)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Outcome:
        return cls(data["resource"], tuple(data["ids"]), tuple(data.get("sealed") or ()))
