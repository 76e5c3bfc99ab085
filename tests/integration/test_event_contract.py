"""Events are a published contract: versioned, typed, upcast when read, and who did it is kept.

`tests/fixtures/events-v1.json` holds a season's events exactly as the product stored them
before events carried their actor and typed payloads (class_version 1): the demo seed, an
invoice with a cheque and a credit note, a card payment through Stripe refunded on
cancellation, a correction, a substitution, a check-in. Loaded into a fresh store on each
backend, they must read as today's events, give the same figures as they did then, and
live on beside the events recorded now.
"""

from __future__ import annotations

import json
import typing
from pathlib import Path
from uuid import UUID

import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import resolve_topic

from domain.actor import Actor, NobodyActing, start_acting, stop_acting
from domain.base import ConferenceAggregate, payload_hints
from domain.capacity import Allocation
from domain.checkin import grouped, short_code
from domain.errors import NotFound
from domain.registration import Attendee
from domain.transcodings import VALUE_OBJECTS
from registration.services.container import Services
from tests.support.pdfs import page_texts

FIXTURE = json.loads((Path(__file__).parents[1] / "fixtures/events-v1.json").read_text())


def event_classes() -> list[type]:
    topics = {event["topic"] for event in FIXTURE["events"]}
    found: set[type] = {resolve_topic(topic) for topic in topics}
    for aggregate in list_aggregates():
        found.update(cls for cls in vars(aggregate).values()
                     if isinstance(cls, type) and issubclass(cls, ConferenceAggregate.Event))
    return sorted(found, key=lambda c: c.__qualname__)


def list_aggregates() -> list[type]:
    def below(cls: type) -> list[type]:
        return [sub for child in cls.__subclasses__() for sub in (child, *below(child))]
    return below(ConferenceAggregate)


def load_v1(services: Services) -> None:
    services.app.recorder.insert_events([
        StoredEvent(originator_id=UUID(e["originator_id"]),
                    originator_version=e["originator_version"], topic=e["topic"],
                    state=e["state"].encode()) for e in FIXTURE["events"]])


def test_every_event_class_is_versioned_and_declares_typed_payloads() -> None:
    classes = event_classes()
    assert len(classes) > 40
    for cls in classes:
        assert cls.class_version >= 2, cls
        for step in range(1, cls.class_version):
            assert callable(getattr(cls, f"upcast_v{step}_v{step + 1}")), cls
        for name, hint in payload_hints(cls).items():
            assert hint not in (dict, list), f"{cls.__qualname__}.{name} is a free {hint}"
            if typing.get_origin(hint) in (list, tuple):
                assert typing.get_args(hint), f"{cls.__qualname__}.{name} lists what?"


def test_events_stored_before_actors_and_typed_payloads_read_as_todays_events(
    services: Services,
) -> None:
    load_v1(services)
    for originator in dict.fromkeys(UUID(e["originator_id"]) for e in FIXTURE["events"]):
        aggregate = services.app.repository.get(originator)
        assert isinstance(aggregate, Aggregate)
    expected = FIXTURE["expected"]["registrations"]
    for rid, facts in expected.items():
        registration = services.registrations.get(UUID(rid))
        assert isinstance(registration.attendee, Attendee)
        assert (registration.status, str(registration.paid.amount),
                str(registration.refunded.amount), registration.attendee.email) == (
            facts["status"], facts["paid"], facts["refunded"], facts["email"]), rid
        for entry in services.registrations.history(UUID(rid)):
            assert entry.actor == Actor.unrecorded()


def test_the_read_models_rebuilt_from_old_events_give_the_figures_of_their_day(
    services: Services,
) -> None:
    load_v1(services)
    services.read_models.rebuild()
    config = services.editions.config("seuscp-2019")
    rows = {r.registration_id: r for r in services.queries.registrations(config)}
    assert {rid: (row.status, row.paid, row.email) for rid, row in rows.items()} == {
        rid: (f["status"], f["paid"], f["email"])
        for rid, f in FIXTURE["expected"]["registrations"].items()}
    totals = services.queries.attendance(config)["totals"]
    assert totals == FIXTURE["expected"]["attendance"]
    ledger = {row["number"]: {k: row[k] for k in ("status", "paid", "credited", "balance",
                                                   "total")}
              for row in services.read_models.store.query("SELECT * FROM ledger")}
    assert ledger == FIXTURE["expected"]["ledger"]


def test_what_happens_now_to_an_old_registration_is_stored_typed_with_its_actor(
    services: Services,
) -> None:
    load_v1(services)
    rid = next(rid for rid, f in FIXTURE["expected"]["registrations"].items()
               if f["email"] == "aline@v1.example")
    services.registrations.correct_details(UUID(rid), {"organisation": "Exo (Laval)"})
    newest = services.app.recorder.select_notifications(
        start=services.app.recorder.max_notification_id(), limit=1)[0]
    state = json.loads(newest.state)
    assert state["class_version"] == 3 and state["reason"] is None
    assert state["actor"] == {"_type_": "actor", "_data_": {
        "kind": "system", "id": "tests", "name": None, "role": None}}
    assert state["changes"] == {"_type_": "corrections",
                                "_data_": {"organisation": "Exo (Laval)"}}
    history = services.registrations.history(UUID(rid))
    assert [e.actor.kind for e in history][-2:] == ["unrecorded", "system"]


def test_old_cancellations_corrections_and_refunds_read_without_a_staff_reason(
    services: Services,
) -> None:
    """Version 3 added staff's reasons, a waived fee and the refund's method."""
    load_v1(services)
    entries = [entry for rid in FIXTURE["expected"]["registrations"]
               for entry in services.registrations.history(UUID(rid))]
    details = {e.event: e.details for e in entries}
    assert details["Cancelled"]["reason"] is None
    assert details["Cancelled"]["fee_waived"] is False
    assert details["DetailsCorrected"]["reason"] is None
    assert details["Substituted"]["reason"] is None
    assert (details["RefundIssued"]["method"], details["RefundIssued"]["reason"]) == ("card", None)


def test_every_value_object_an_event_carries_has_a_stored_name() -> None:
    carried = {hint for cls in event_classes() for hint in payload_hints(cls).values()}
    typed = set()
    for hint in carried:
        options = typing.get_args(hint) or (hint,)
        typed.update(o for o in options if isinstance(o, type) and hasattr(o, "from_dict"))
    assert typed <= set(VALUE_OBJECTS.values())
    assert Actor in typed


def test_an_event_with_nobody_acting_is_refused_before_it_is_recorded() -> None:
    nobody = start_acting(None)
    try:
        with pytest.raises(NobodyActing):
            Allocation(resource="nobody/acting")
    finally:
        stop_acting(nobody)


def test_an_old_registration_gets_its_short_code_with_its_next_badge_and_it_checks_in(
    services: Services,
) -> None:
    load_v1(services)
    rid = UUID(next(rid for rid, f in FIXTURE["expected"]["registrations"].items()
                    if f["status"] == "confirmed" and not f["checked_in"]))
    code = grouped(short_code(services.registrations.get(rid).checkin_secret))
    with pytest.raises(NotFound):  # no index yet: it was registered before short codes
        services.desk.check_in("seuscp-2019", code, "Nadia")

    pdf = services.desk.badge(rid, "Nadia")

    assert code in page_texts(pdf)[0]
    admitted = services.desk.check_in("seuscp-2019", code.lower(), "Nadia")
    assert admitted.first_scan and admitted.registration.id == rid
    assert admitted.checkin_code == code


def test_a_command_issues_the_short_codes_of_old_registrations_for_batch_printing(
    app, services: Services,
) -> None:
    load_v1(services)
    services.read_models.rebuild()
    old = [UUID(rid) for rid in FIXTURE["expected"]["registrations"]
           if not services.registrations.get(UUID(rid)).is_cancelled]

    result = app.test_cli_runner().invoke(args=["badges", "issue-codes", "--edition",
                                                "seuscp-2019"])

    assert result.exit_code == 0, result.output
    issued = int(result.output.split()[0])
    assert issued >= 1 and "another badge's" not in result.output
    for rid in old:
        code = grouped(short_code(services.registrations.get(rid).checkin_secret))
        assert services.desk.check_in("seuscp-2019", code, "Nadia").registration.id == rid
    again = app.test_cli_runner().invoke(args=["badges", "issue-codes", "--edition",
                                               "seuscp-2019"])
    assert again.output.startswith("0 short codes issued")
