"""The base of every aggregate here: events take their time from the product's clock, record
who did it, and are a versioned contract.

Deadlines, quotes and "as of" questions must agree on what time it is; a demo that runs
in March 2019, or a test that registers people at chosen moments, sets one clock for all.

Every event carries its `actor` (domain.actor), taken from whoever is acting when it is
recorded. Events are at `class_version` 2: version 1, stored before actors and typed
payloads, is upcast on reading — it gets an "unrecorded" actor, and its payloads, stored
as plain mappings, become the value objects the class declares (see `revive`).
"""

from __future__ import annotations

import sys
import types
import typing
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import cache
from typing import Any, Union

from eventsourcing.domain import Aggregate

from domain.actor import Actor, current_actor


def _utc_now() -> datetime:
    return datetime.now(UTC)


_clock: list[Callable[[], datetime]] = [_utc_now]


def now() -> datetime:
    return _clock[0]()


def set_clock(clock: Callable[[], datetime] | None) -> None:
    """Use `clock` for event times (None: real time)."""
    _clock[0] = clock or _utc_now


class ConferenceAggregate(Aggregate):
    class Event(Aggregate.Event):
        class_version = 2
        actor: Actor

        @staticmethod
        def create_timestamp() -> datetime:
            return now()

        @classmethod
        def upcast_v1_v2(cls, state: dict[str, Any]) -> None:
            """Version 1 had no actor, and mappings where values are now typed."""
            state["actor"] = Actor.unrecorded()
            for name, hint in payload_hints(cls).items():
                if name in state:
                    state[name] = revive(hint, state[name])

    class Created(Event, Aggregate.Created):
        pass

    def trigger_event(self, event_class: Any, **kwargs: Any) -> None:
        kwargs.setdefault("actor", current_actor())
        super().trigger_event(event_class, **kwargs)

    @classmethod
    def _create(cls, event_class: Any, *, id: Any = None, **kwargs: Any) -> Any:
        kwargs.setdefault("actor", current_actor())
        return super()._create(event_class, id=id, **kwargs)


@cache
def payload_hints(event_class: type) -> dict[str, Any]:
    """The event's own fields (ours, not the library's) and the types they declare."""
    hints: dict[str, Any] = {}
    for klass in reversed(event_class.__mro__):
        if not klass.__module__.startswith("domain"):
            continue
        namespace = vars(sys.modules[klass.__module__])
        for name, annotation in vars(klass).get("__annotations__", {}).items():
            # Our own annotations, read in their own module's names.
            hints[name] = eval(annotation, namespace) if isinstance(annotation, str) \
                else annotation
    return hints


def revive(hint: Any, value: Any) -> Any:
    """`value` as stored in version 1 (mappings, lists), as the type `hint` declares it."""
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        for option in typing.get_args(hint):
            if option is not type(None):
                return revive(option, value)
    if origin in (list, tuple) and isinstance(value, list | tuple):
        (item,) = typing.get_args(hint)[:1] or (Any,)
        return origin(revive(item, v) for v in value)
    if isinstance(hint, type) and isinstance(value, Mapping) and hasattr(hint, "from_dict"):
        return hint.from_dict(value)
    return value
