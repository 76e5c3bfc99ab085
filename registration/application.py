"""The event-sourced application: one event store holding every aggregate of the product."""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Transcoder

from domain.capacity import Allocation
from domain.edition import Edition
from domain.errors import Conflict, DomainError, NotFound
from domain.identifiers import edition_id
from domain.numbering import InvoiceSequence
from domain.staff import StaffMember
from domain.transcodings import value_transcodings
from registration.adapters.json_transcoder import OrjsonTranscoder
from registration.adapters.resource_locks import BUSY
from registration.idempotency import Claim
from registration.persistence import resource_locks
from registration.seats import SeatsAtSave, Take

A = TypeVar("A", bound=Aggregate)
R = TypeVar("R")

SAVE_ATTEMPTS = 12
log = logging.getLogger(__name__)
# The log position of the last event this context (a request, a command) saved: a read
# that must show it waits until the read models have reached it.
written_position: ContextVar[int] = ContextVar("written_position", default=0)
# While `decide` runs a decision: where `hold` puts the locks it takes (None once taken).
decision_locks: ContextVar[ExitStack | None] = ContextVar("decision_locks", default=None)
# While `decide` runs a decision: the seats it takes within its save (registration.seats).
seats_taken: ContextVar[list[Take] | None] = ContextVar("seats_taken", default=None)
# While `decide` runs a decision: the events of the aggregates it said it will find, read
# together with its claim's; each is used by the first `find` of it (a second reads afresh).
read_ahead: ContextVar[dict[UUID, Any] | None] = ContextVar("read_ahead", default=None)
# Snapshotted on every save (see `_store`), so loading one reads a single snapshot: these
# are the aggregates every registration of a limited type, delegation or code decides on.
SNAPSHOT_EVERY_SAVE = (Allocation,)
# Kept decoded in each process, as of the last version read: every registration loads its
# edition, which rarely changes. Each load still reads the events after the kept version,
# so a change saved by any process shows at once; only decoding old history is saved (a
# snapshot query and its JSON: about a twelfth of a registration's CPU).
KEPT_DECODED = (Edition,)


@dataclass(frozen=True)
class Newer:
    """A kept aggregate's events read ahead (`read_ahead`): those after version `after`."""

    after: int
    events: list[Any]


class Conference(Application[UUID]):
    """All editions, registrations, allocations, claims and staff in one store.

    One store means one `save()` can decide a registration together with the seat,
    code use and e-mail claim it takes, atomically.
    """

    name = "Conference"
    snapshotting_intervals = {Edition: 10, InvoiceSequence: 100, StaffMember: 100}

    def __init__(self, env: dict[str, str] | None = None) -> None:
        super().__init__(env)
        self.saved_listeners: list[Callable[[], object]] = []
        self.locks = resource_locks(self.env)
        self._kept: dict[UUID, Any] = {}  # KEPT_DECODED aggregates' state, by id: Snapshots
        # PostgreSQL's recorder reads several aggregates in one round trip (see `decide`);
        # SQLite's reads are calls in this process, one each.
        self.reads_together = hasattr(self.recorder, "select_events_of")
        assert self.snapshots is not None
        self.recorder.attach_snapshots(self.snapshots.recorder)  # type: ignore[attr-defined]

    def construct_transcoder(self) -> Transcoder:
        """orjson's: the same stored bytes as the library's `json` transcoder, in less CPU."""
        transcoder = OrjsonTranscoder()
        self.register_transcodings(transcoder)
        return transcoder

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        for transcoding in value_transcodings():
            transcoder.register(transcoding)

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        recordings = self._store(*objs, **kwargs)
        self._saved(recordings)
        return recordings

    def _store(self, *objs: Any, **kwargs: Any) -> Any:
        """The library's `save` (its `_record` and `_take_snapshots`, pinned 9.5.6), with the
        aggregates' events collected here: its `collect_events` first tests each object
        against two runtime-checkable typing protocols, which walks the protocols' members
        on every test (Python 3.11): a twentieth of a registration's CPU.

        Then a snapshot of what every registration loads (SNAPSHOT_EVERY_SAVE), written after
        the events' transaction: a cache of the state just saved (taken from the aggregate in
        hand, nothing read), never needed for correctness.
        """
        processing: ProcessingEvent[UUID] = ProcessingEvent()
        for aggregate in objs:
            processing.events.extend(aggregate.collect_events())
            processing.aggregates[aggregate.id] = aggregate
        processing.saved_kwargs.update(kwargs)
        recordings = self._record(processing)
        self._take_snapshots(processing)
        snapshots = [type(a).Snapshot.take(a) for a in objs if isinstance(a, SNAPSHOT_EVERY_SAVE)]
        if snapshots and self.snapshots is not None:
            try:
                self.snapshots.put(snapshots)
            except Exception:  # what was saved stands; the next load replays a few more events
                log.exception("snapshotting %d allocations failed", len(snapshots))
        return recordings

    def _saved(self, recordings: Any, seats: SeatsAtSave | None = None) -> None:
        ids = [r.notification.id for r in recordings if r.notification.id is not None]
        ids += seats.positions if seats is not None else []
        if ids:
            written_position.set(max(max(ids), written_position.get()))
        for listener in self.saved_listeners:
            try:
                listener()
            except Exception:  # what was saved stands; the follower reports its own failure
                log.exception("after a save, %r failed", listener)

    def find(self, aggregate_id: UUID, cls: type[A]) -> A | None:
        """The aggregate, if there is one of that kind. Only the kinds that are snapshotted
        look for a snapshot first: for the others it is a query that never finds one."""
        aggregate: Any
        if cls in KEPT_DECODED:
            aggregate = self._kept_and_newer(aggregate_id)
        elif cls in self.snapshotting_intervals or cls in SNAPSHOT_EVERY_SAVE:
            try:
                aggregate = self.repository.get(aggregate_id, projector_func=replayed)
            except AggregateNotFoundError:
                return None
        else:
            aggregate = replayed(None, self._events_of(aggregate_id))
        if not isinstance(aggregate, cls):
            return None
        return aggregate

    def _kept_and_newer(self, aggregate_id: UUID) -> Any:
        """The kept state with the events saved since (all of it, the first time)."""
        kept = self._kept.get(aggregate_id)
        if kept is None:
            try:
                aggregate = self.repository.get(aggregate_id, projector_func=replayed)
            except AggregateNotFoundError:
                return None
        else:
            ahead = read_ahead.get()
            read = ahead.pop(aggregate_id, None) if ahead is not None else None
            # Read with others (`_read_together`) after this very state, or now.
            newer = read.events if isinstance(read, Newer) and \
                read.after == kept.originator_version else \
                self.repository.event_store.get(aggregate_id, gt=kept.originator_version)
            aggregate = replayed(kept.mutate(None), newer)
        if kept is None or aggregate.version != kept.originator_version:
            self._kept[aggregate_id] = type(aggregate).Snapshot.take(aggregate)
        return aggregate

    def load(self, aggregate_id: UUID, cls: type[A], what: str) -> A:
        aggregate = self.find(aggregate_id, cls)
        if aggregate is None:
            raise NotFound(f"No {what} with id {aggregate_id}.")
        return aggregate

    def _events_of(self, aggregate_id: UUID) -> Iterable[Any]:
        ahead = read_ahead.get()
        if ahead is not None and aggregate_id in ahead:
            return ahead.pop(aggregate_id)
        return self.repository.event_store.get(aggregate_id)

    @contextmanager
    def reading_together(self, aggregate_ids: Sequence[UUID]) -> Iterator[None]:
        """Inside, the first `find` of each of these aggregates (not snapshotted ones) uses
        their events read in one query (where the store can): for a batch found one by one."""
        ahead = read_ahead.set(self._read_together(aggregate_ids))
        try:
            yield
        finally:
            read_ahead.reset(ahead)

    def histories(self, aggregate_ids: Sequence[UUID]) -> dict[UUID, list[Any]]:
        """The events of these aggregates (not snapshotted, nor kept ones): in one query
        where the store can, else one each."""
        together = self._read_together(aggregate_ids)
        if together is None:
            return {i: list(self.repository.event_store.get(i)) for i in aggregate_ids}
        return together

    def _read_together(self, aggregate_ids: Sequence[UUID], kept: Sequence[UUID] = ()
                       ) -> dict[UUID, Any] | None:
        """The events of these aggregates (not snapshotted ones), and of the `kept` ones
        (KEPT_DECODED) those since their kept state, in one query where the store can
        (`reads_together`); None: each is read when found."""
        select_events_of = getattr(self.recorder, "select_events_of", None)
        if select_events_of is None:
            return None
        to_event = self.mapper.to_domain_event
        # One not kept yet is loaded when found (from its snapshot), not here.
        newer_than = {i: state.originator_version
                      for i in kept if (state := self._kept.get(i)) is not None}
        aggregate_ids = [*aggregate_ids, *newer_than]
        if len(aggregate_ids) < 2:
            return None
        read = select_events_of(aggregate_ids, newer_than)
        return {i: Newer(newer_than[i], [to_event(stored) for stored in events])
                if i in newer_than else [to_event(stored) for stored in events]
                for i, events in read.items()}

    def find_edition(self, slug: str) -> Edition | None:
        return self.find(edition_id(slug), Edition)

    def edition(self, slug: str) -> Edition:
        edition = self.find_edition(slug)
        if edition is None:
            raise NotFound(f"There is no edition {slug!r}.")
        return edition

    def decide(self, decision: Callable[[], tuple[Sequence[Aggregate | None], R]],
               claim: Claim | None = None, reads: Sequence[UUID] = (),
               kept: Sequence[UUID] = ()) -> R:
        """Run `decision` against fresh state and save what it changed, atomically.

        A concurrent writer makes the save fail on a stale version; the decision is then
        taken again on the new state (where it may now be refused, e.g. sold out).
        With a `claim` (a request's Idempotency-Key), a key already answered raises
        Replayed instead, and a new answer is saved with the decision's effects.
        A decision that `take_at_save`s seats has them decided within its save, in turn,
        where a full resource refuses it (registration.seats). One that `hold`s limited
        resources keeps them from its load to its save;
        read models and other listeners follow once they are handed on. `reads`: small
        aggregates (not snapshotted) the decision will find, read with the claim in one
        query; a concurrent change to one still fails the save, as if read later. `kept`:
        KEPT_DECODED ones it will find, whose newer events are read in that query too.
        """
        for _attempt in range(SAVE_ATTEMPTS):
            with ExitStack() as held:
                turn, ahead = decision_locks.set(held), read_ahead.set(None)
                taken = seats_taken.set([])
                try:
                    read_ahead.set(self._read_together(
                        [*([claim.aggregate_id] if claim is not None else []), *reads], kept))
                    if claim is not None:
                        claim.check(self.find)
                    try:
                        aggregates, result = decision()
                        if claim is not None:
                            aggregates = [*aggregates, claim.record(result)]
                        seats = self._seats(held)
                        try:
                            recordings = self._store(*[a for a in aggregates if a is not None],
                                                     **({"seats": seats} if seats else {}))
                        except IntegrityError:
                            continue
                    except DomainError:  # refused, maybe at the save (no seat left)
                        if claim is not None:  # a twin request may have just done it
                            claim.check(self.find)
                        raise
                finally:
                    seats_taken.reset(taken)
                    read_ahead.reset(ahead)
                    decision_locks.reset(turn)
            self._saved(recordings, seats)
            return result
        raise Conflict(BUSY)

    def take_at_save(self, take: Take) -> None:
        """Let the save of this decision take `take` (see registration.seats): nothing is
        loaded or held now."""
        takes = seats_taken.get()
        if takes is None:
            raise RuntimeError("take_at_save() is for a decision run by decide()")
        takes.append(take)

    def _seats(self, held: ExitStack) -> SeatsAtSave | None:
        """The seats this decision takes at its save, its turn at them taken here until the
        save is done: among this process's threads (they wait in memory, not each on a
        pooled connection), and across processes too where the recorder does not take
        that turn in its transaction (SQLite)."""
        takes = seats_taken.get()
        if not takes:
            return None
        seats = SeatsAtSave(self.mapper, takes)
        held.enter_context(self.locks.holding(
            seats.resources, across=not self.recorder.locks_seats))  # type: ignore[attr-defined]
        return seats

    def hold(self, resources: Iterable[str]) -> None:
        """Wait for this decision's turn at these limited resources (by `resource_key`),
        before loading them: held until the decision is saved or refused (see
        registration.adapters.resource_locks). Once per decision, so that every decision
        takes its locks in the same order."""
        held = decision_locks.get()
        if held is None:
            raise RuntimeError("hold() is for a decision run by decide(), once")
        held.enter_context(self.locks.holding(resources))
        decision_locks.set(None)

    def close(self) -> None:
        super().close()
        self.locks.close()


def replayed(aggregate: Any, events: Iterable[Any]) -> Any:
    """The aggregate with `events` applied (None: no events). The library's projector does
    the same after an `isinstance` check against a typing protocol, which costs more than
    applying the event."""
    for domain_event in events:
        aggregate = domain_event.mutate(aggregate)
    return aggregate


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def same_secret(secret: str | None, expected_hash: str) -> bool:
    return bool(secret) and secrets.compare_digest(secret_hash(secret or ""), expected_hash)
