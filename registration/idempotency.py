"""A request's Idempotency-Key, checked and recorded inside the command's own decision."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from uuid import UUID

from domain.idempotency import AnsweredRequest, answered_request_id
from domain.outcome import Outcome


class Replayed(Exception):
    """The request was answered before: here is what it achieved."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome.resource)
        self.outcome = outcome


@dataclass(frozen=True)
class Claim:
    scope: str
    key: str
    fingerprint: str
    outcome_of: Callable[[Any], Outcome | None]  # what the command achieved (None: nothing)

    @cached_property
    def aggregate_id(self) -> UUID:
        return answered_request_id(self.scope, self.key)

    def check(self, find: Callable[[Any, type], Any]) -> None:
        """Raise Replayed if this key was answered (IdempotencyKeyReused if for another
        request); `find` is Conference.find."""
        answered = find(self.aggregate_id, AnsweredRequest)
        if answered is not None:
            raise Replayed(answered.outcome_for(self.fingerprint))

    def record(self, result: Any) -> AnsweredRequest | None:
        """To save with the command's effects: a concurrent twin's save then fails."""
        outcome = self.outcome_of(result)
        if outcome is None:
            return None
        return AnsweredRequest(scope=self.scope, key=self.key, fingerprint=self.fingerprint,
                               outcome=outcome)
