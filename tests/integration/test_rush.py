"""A rush on a limited type: exact, never "busy" while places remain, and the same small cost
per registration at the 100th as at the 5,000th (SQLite and PostgreSQL).

Registrations into one limited resource take turns (registration.adapters.resource_locks)
and read its Allocation as one snapshot (domain.capacity explains the design).
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from uuid import uuid4

import pytest

from domain.actor import Actor, acting_as
from domain.availability import resource_key
from domain.capacity import Allocation
from domain.errors import Conflict, DomainError, SoldOut
from domain.identifiers import edition_id
from domain.registration import Attendee
from registration.adapters import postgres_events
from registration.adapters.resource_locks import lock_number
from registration.services.container import Services
from tests.integration.test_no_oversell import post
from tests.support import editions
from tests.support.reads import counting_reads
from tests.support.serving import serving

SLUG = "test-montreal"
PLACES = 100
RACERS = 64
ATTEMPTS = 600


def rush_edition(services: Services, places: int = PLACES) -> None:
    """The test edition with a `rush` type of `places`, the Quebec delegation and the
    GOV50 code limited too (far above what the tests take)."""
    rush = {"code": "rush", "names": {"en": "Plenary", "fr": "Plénière"}, "capacity": places,
            "tiers": [{"name": "regular", "price": "100.00"}]}
    delegations = [{**d, "allotment": 100_000} if d["code"] == "QC" else d
                   for d in editions.QUEBEC["delegations"]]
    codes = [{**c, "max_uses": 100_000, "registration_types": ["delegate", "rush"]}
             if c["code"] == "GOV50" else c for c in editions.QUEBEC["discount_codes"]]
    services.editions.load(editions.edition(
        registration_types=[*editions.QUEBEC["registration_types"], rush],
        delegations=delegations, discount_codes=codes))


def attempt(services: Services, n: int, start: threading.Event) -> str:
    """Person n registers into the rush type (once `start` is set): "registered" or the
    refusal's code."""
    start.wait()
    with acting_as(Actor.system("tests")):
        try:
            services.registrations.register(SLUG, Attendee(**editions.attendee(n)), "rush")
        except DomainError as refused:
            return refused.code
    return "registered"


def rush(services: Services, attempts: int) -> Counter[str]:
    start = threading.Event()
    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        tries = [pool.submit(attempt, services, n, start) for n in range(attempts)]
        start.set()
        return Counter(future.result() for future in tries)


def test_600_people_racing_for_100_places_get_exactly_100_and_no_busy_answer(services):
    rush_edition(services)
    outcomes = rush(services, ATTEMPTS)
    assert outcomes == {"registered": PLACES, "sold_out": ATTEMPTS - PLACES}
    left = services.registrations.availability(services.editions.config(SLUG))
    assert left.type_left("rush") == 0


def test_a_rush_over_http_answers_201_or_sold_out_and_stays_exact(app, services):
    """32 people at once for 20 places, through the JSON API served on loopback."""
    rush_edition(services, places=20)
    start = threading.Barrier(32)
    with serving(app) as base_url, ThreadPoolExecutor(max_workers=32) as pool:
        answers = list(pool.map(lambda n: post(
            f"{base_url}/api/editions/{SLUG}/registrations",
            {"attendee": editions.attendee(n), "registration_type": "rush"}, start), range(96)))
    assert Counter(status for status, _ in answers) == {201: 20, 409: 76}
    assert {document["details"]["code"] for status, document in answers if status == 409} == {
        "sold_out"}


def test_a_registration_kept_waiting_at_a_held_resource_is_told_busy_and_saves_nothing(
        services, monkeypatch):
    """PostgreSQL: another process holds the type (a cancellation giving a place back, say)
    longer than a registration may wait its turn within its save: 409 busy, nothing saved."""
    if not services.app.recorder.locks_seats:
        pytest.skip("SQLite: the turn is taken before the save (lock files)")
    rush_edition(services)
    monkeypatch.setattr(postgres_events, "WAIT", 1)
    resource = resource_key(edition_id(SLUG), "type", "rush")
    with services.app.recorder.datastore.get_connection() as other:  # another session
        other.execute("SELECT pg_advisory_lock(%s)", (lock_number(resource),))
        try:
            with pytest.raises(Conflict):
                services.registrations.register(SLUG, Attendee(**editions.attendee(1)), "rush")
        finally:
            other.execute("SELECT pg_advisory_unlock_all()")
    assert services.registrations.availability(services.editions.config(SLUG)).type_left(
        "rush") == PLACES
    services.registrations.register(SLUG, Attendee(**editions.attendee(1)), "rush")


def test_a_cancelled_place_goes_back_and_a_later_registration_takes_it(services):
    rush_edition(services, places=3)
    places = [services.registrations.register(SLUG, Attendee(**editions.attendee(n)), "rush")
              for n in range(3)]
    with pytest.raises(SoldOut):
        services.registrations.register(SLUG, Attendee(**editions.attendee(3)), "rush")
    services.registrations.cancel(places[1].registration.id)
    services.registrations.register(SLUG, Attendee(**editions.attendee(4)), "rush")
    with pytest.raises(SoldOut):
        services.registrations.register(SLUG, Attendee(**editions.attendee(5)), "rush")
    assert services.registrations.availability(services.editions.config(SLUG)).type_left(
        "rush") == 0


def test_cancellations_during_a_rush_are_taken_again_and_the_count_stays_exact(services):
    rush_edition(services, places=30)
    first = [services.registrations.register(SLUG, Attendee(**editions.attendee(n)), "rush")
             for n in range(30)]
    start = threading.Event()

    def cancel(place: Any) -> str:
        start.wait()
        with acting_as(Actor.system("tests")):
            services.registrations.cancel(place.registration.id)
        return "cancelled"

    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        cancels = [pool.submit(cancel, place) for place in first[:10]]
        tries = [pool.submit(attempt, services, 1000 + n, start) for n in range(RACERS - 10)]
        start.set()
        outcomes = Counter(future.result() for future in tries)
    assert all(future.result() == "cancelled" for future in cancels)
    assert set(outcomes) <= {"registered", "sold_out"} and outcomes["registered"] <= 10
    left = services.registrations.availability(services.editions.config(SLUG)).type_left("rush")
    assert left == 10 - outcomes["registered"]


@pytest.fixture
def counting(services: Services) -> Iterator[Counter[str]]:
    with counting_reads(services.app) as counts:
        yield counts


def read_by_one_registration(services: Services, counts: Counter[str], n: int) -> Counter[str]:
    counts.clear()
    services.registrations.register(SLUG, Attendee(**editions.attendee(n)), "delegate", "QC",
                                    "GOV50")
    return Counter(counts)


def test_a_registration_reads_the_same_handful_of_stored_events_at_100_and_5000(
        services, counting):
    """Into a limited type, delegation and code at once. Only those three Allocations grow
    with the registrations (a registration reads no other), so the 4,900 between the two
    counts are their takes, saved in bulk, exactly as registrations leave them."""
    services.editions.load(editions.edition(registration_types=[
        {**t, "capacity": 100_000} if t["code"] == "delegate" else t
        for t in editions.QUEBEC["registration_types"]],
        delegations=[{**d, "allotment": 100_000} if d["code"] == "QC" else d
                     for d in editions.QUEBEC["delegations"]],
        discount_codes=[{**c, "max_uses": 100_000} if c["code"] == "GOV50" else c
                        for c in editions.QUEBEC["discount_codes"]]))
    for n in range(99):
        services.registrations.register(SLUG, Attendee(**editions.attendee(n)), "delegate",
                                        "QC", "GOV50")
    at_100 = read_by_one_registration(services, counting, 99)
    edition = edition_id(SLUG)
    ids = [Allocation.create_id(resource_key(edition, kind, code))
           for kind, code in (("type", "delegate"), ("delegation", "QC"), ("code", "GOV50"))]
    pages_at_100 = pages_read_for_seats(services, ids)

    allocations = [services.app.load(allocation_id, Allocation, "allocation")
                   for allocation_id in ids]
    for allocation in allocations:
        for _ in range(4_899):
            allocation.take(uuid4())
    services.app.save(*allocations)
    assert {a.taken for a in allocations} == {4_999}
    at_5000 = read_by_one_registration(services, counting, 5_000)

    assert at_100 == at_5000
    assert at_5000["snapshots"] == 3, at_5000  # each Allocation, read in the save's turn
    assert sum(at_5000.values()) <= 10, at_5000
    assert pages_read_for_seats(services, ids) == pages_at_100  # and so does the database


def pages_read_for_seats(services: Services, ids: list[Any]) -> int | None:
    """PostgreSQL: the pages (buffers) its read of the seats within a save touches (the
    save's function, its second run in a session: catalogues cached), planned as a
    function's statement is from its sixth run on (a generic plan); None on SQLite."""
    recorder = services.app.recorder
    statement = getattr(recorder, "seats_statement", None)
    if statement is None:
        return None
    with recorder.datastore.get_connection() as connection, connection.transaction(
            force_rollback=True):
        connection.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        for _ in range(2):
            [row] = connection.execute(b"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement,
                                       ([], ids)).fetchall()
        plan = row["QUERY PLAN"]
    top = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
    return int(top["Shared Hit Blocks"]) + int(top["Shared Read Blocks"])


def test_an_edition_changed_many_times_is_read_from_a_snapshot(services, counting):
    """The edition every registration loads: its changes are snapshotted every ten."""
    for n in range(25):
        services.editions.load(editions.edition(venue={"name": f"Salle {n}",
                                                       "city": "Montréal"}))
    assert services.app.edition(SLUG).version == 25
    read = read_by_one_registration(services, counting, 1)
    assert read["events"] <= 10 and read["snapshots"] <= 1, read
