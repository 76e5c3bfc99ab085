"""Who did it: every event records the person or process on whose behalf it happened.

The service layer says who is acting (`acting_as`) for the length of a command; every event
an aggregate records meanwhile carries that actor. Recording an event with nobody acting is
a programming error, refused at once, so no event is ever anonymous by accident.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import Any

KINDS = ("attendee", "staff", "kiosk", "stripe", "system", "unrecorded")
# What the system does by itself (an operator's command-line work is "command-line", with
# the operator's login as detail).
JOBS = ("mailer", "payment-deadlines", "waiting-list", "rehearsal-clock", "demo-seed",
        "command-line", "tests", "benchmark")
ROLES = ("admin", "finance", "desk")  # a staff member's; an admin may do everything
BY_KIOSK = "kiosk"  # who printed a badge at the self-service kiosk (BadgePrinted.printed_by)


@dataclass(frozen=True)
class Actor:
    kind: str  # one of KINDS
    id: str | None = None  # the registration (attendee), staff member (also the one who
    # opened a kiosk), Stripe event or job
    name: str | None = None  # the staff member's name, or more about the system's job
    role: str | None = None  # the staff member's role

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"an actor is one of {', '.join(KINDS)}, not {self.kind!r}")

    @classmethod
    def attendee(cls, registration_id: object | None = None) -> Actor:
        """The attendee: through their manage link (`registration_id`), or registering."""
        return cls("attendee", None if registration_id is None else str(registration_id))

    @classmethod
    def staff(cls, member_id: object, name: str, role: str) -> Actor:
        return cls("staff", str(member_id), name, role)

    @classmethod
    def kiosk(cls, member_id: object, name: str) -> Actor:
        """The self-service kiosk, an attendee acting on a screen a staff member opened."""
        return cls("kiosk", str(member_id), name)

    @classmethod
    def stripe(cls, notice_id: str | None = None) -> Actor:
        """Stripe, telling us of a payment or refund (the webhook's event id, when known)."""
        return cls("stripe", notice_id)

    @classmethod
    def system(cls, job: str, detail: str | None = None) -> Actor:
        """The product itself, doing `job` (one of JOBS), e.g. the mailer sending."""
        if job not in JOBS:
            raise ValueError(f"a system job is one of {', '.join(JOBS)}, not {job!r}")
        return cls("system", job, detail)

    @classmethod
    def unrecorded(cls) -> Actor:
        """For events recorded before actors were (upcast from their first version)."""
        return cls("unrecorded")

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "name": self.name, "role": self.role}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Actor:
        return cls(data["kind"], data.get("id"), data.get("name"), data.get("role"))


_acting: ContextVar[Actor | None] = ContextVar("acting", default=None)


class NobodyActing(RuntimeError):
    """An event was about to be recorded with no actor: say who acts (`acting_as`)."""


@contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    token = start_acting(actor)
    try:
        yield actor
    finally:
        stop_acting(token)


def start_acting(actor: Actor | None) -> Token[Actor | None]:
    """For a span a `with` block does not fit (a web request): pair with `stop_acting`."""
    return _acting.set(actor)


def stop_acting(token: Token[Actor | None]) -> None:
    _acting.reset(token)


def current_actor() -> Actor:
    actor = _acting.get()
    if actor is None:
        raise NobodyActing("no actor: every event must record who did it (see domain.actor)")
    return actor
