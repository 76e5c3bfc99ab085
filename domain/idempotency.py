"""Safe retries: a client's Idempotency-Key, and what the request it named achieved.

A request that creates something may carry a key of the client's choosing. The first time,
the command runs and the key is recorded with its outcome *in the same save* as the
command's effects, so either both are recorded or neither is. Whenever the same key comes
again for the same request (a retry after a dropped connection, a double click), the
client gets the first outcome again — the same registration and manage token, the same
invoice — and nothing happens twice. The same key on a different request is refused.
Keys are kept for good (at least the 24 hours clients may rely on).
"""

from __future__ import annotations

from uuid import UUID, uuid5

from eventsourcing.domain import event

from domain.base import ConferenceAggregate
from domain.errors import Invalid
from domain.identifiers import NAMESPACE
from domain.outcome import Outcome


class IdempotencyKeyReused(Invalid):
    code = "idempotency_key_reused"
    default_message = ("This Idempotency-Key was already used for a different request; use a "
                       "new key for a new request.")


def answered_request_id(scope: str, key: str) -> UUID:
    return uuid5(NAMESPACE, f"idempotency/{scope}/{key}")


class AnsweredRequest(ConferenceAggregate):
    class Answered(ConferenceAggregate.Created):
        scope: str  # the kind of request and its target, and who may repeat it
        key: str
        fingerprint: str  # of the request's content
        outcome: Outcome

    @staticmethod
    def create_id(scope: str, key: str) -> UUID:
        return answered_request_id(scope, key)

    @event(Answered)
    def __init__(self, scope: str, key: str, fingerprint: str, outcome: Outcome) -> None:
        self.fingerprint = fingerprint
        self.outcome = outcome

    def outcome_for(self, fingerprint: str) -> Outcome:
        """The first outcome, for the same request; a different request is refused."""
        if fingerprint != self.fingerprint:
            raise IdempotencyKeyReused()
        return self.outcome
