"""What is left of an edition's limited resources: a type's seats, a delegation's allotment.

Pure: the counts come from whoever asks (the service reads them from the Allocation
aggregates of domain.capacity, which decide registrations with the same rule).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from uuid import UUID

from domain.edition_config import EditionConfig


def resource_key(edition_id: UUID, kind: str, code: str) -> str:
    return f"{edition_id}/{kind}/{code.casefold()}"


def places_left(limit: int | None, taken: int) -> int | None:
    """How many units of a resource limited to `limit` are still free once `taken` are
    taken: never below 0 (a limit lowered under what is taken leaves none); None when the
    resource is unlimited. Registering decides with this, and pages show it."""
    if limit is None:
        return None
    return max(limit - taken, 0)


@dataclass(frozen=True)
class Availability:
    """Places left per registration type and per delegation of an edition (None: no limit),
    as the Allocation aggregates that decide registrations count them."""

    types: Mapping[str, int | None]
    delegations: Mapping[str, int | None]
    extras: Mapping[str, int | None] = field(default_factory=dict)  # add-ons' units left

    def type_left(self, code: str) -> int | None:
        return self.types.get(code)

    def delegation_left(self, code: str) -> int | None:
        return self.delegations.get(code)

    def type_sold_out(self, code: str) -> bool:
        return self.types.get(code) == 0

    def delegation_full(self, code: str) -> bool:
        return self.delegations.get(code) == 0

    def extra_left(self, code: str) -> int | None:
        return self.extras.get(code)


def availability(config: EditionConfig, edition_id: UUID, taken: Callable[[str], int],
                 waiting: Callable[[str], bool] = lambda resource: False) -> Availability:
    """What is left of each limited type and delegation, given how many units of a resource
    (by `resource_key`) are taken (held for a waiting-list offer included), and whether
    someone `waiting` for it comes first (then nothing is left for anyone else)."""
    def left(kind: str, code: str, limit: int | None) -> int | None:
        if limit is None:
            return None
        resource = resource_key(edition_id, kind, code)
        return 0 if waiting(resource) else places_left(limit, taken(resource))

    return Availability(
        types={t.code: left("type", t.code, t.capacity) for t in config.registration_types},
        delegations={d.code: left("delegation", d.code, d.allotment)
                     for d in config.delegations},
        extras={e.code: left("extra", e.code, e.capacity) for e in config.extras},
    )
