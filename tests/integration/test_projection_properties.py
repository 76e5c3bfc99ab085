"""Whatever happens, the live read model equals a rebuild from scratch and the log's replay."""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.base import set_clock
from domain.errors import DomainError
from domain.registration import Attendee
from registration.config import Settings
from registration.projections.attendance import summarise
from registration.services.container import Services
from tests.support import editions
from tests.support.clock import SettableClock

SLUG = "test-montreal"
action = st.one_of(
    st.tuples(st.just("register"), st.integers(0, 7), st.sampled_from(["delegate", "speaker"]),
              st.sampled_from(["QC", "GA", "ON", None])),
    st.tuples(st.just("cancel"), st.integers(0, 7)),
    st.tuples(st.just("substitute"), st.integers(0, 7), st.integers(8, 15)),
    st.tuples(st.just("correct"), st.integers(0, 7)),
    st.tuples(st.just("pay"), st.integers(0, 7)),
)


def run(services: Services, steps: list[tuple]) -> None:
    registrations = services.registrations
    ids: dict[int, object] = {}
    for step in steps:
        try:
            if step[0] == "register":
                person = Attendee(**editions.attendee(step[1]))
                created = registrations.register(SLUG, person, step[2], step[3])
                ids[step[1]] = created.registration.id
            elif step[1] in ids and step[0] == "cancel":
                registrations.cancel(ids[step[1]])
            elif step[1] in ids and step[0] == "substitute":
                registrations.substitute(ids[step[1]], Attendee(**editions.attendee(step[2])))
            elif step[1] in ids and step[0] == "correct":
                registrations.correct_details(ids[step[1]], {"organisation": "Bombardier"})
            elif step[1] in ids and step[0] == "pay":
                def pay(registration_id=ids[step[1]]):
                    registration = registrations.get(registration_id)
                    registration.record_payment(registration.balance_due, "cheque",
                                                f"cheque-{registration.version}")
                    return [registration], None
                services.app.decide(pay)
        except DomainError:
            pass  # refusals are part of life; they must leave the read model consistent too


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(action, max_size=25))
def test_live_projection_equals_rebuild_and_replay(steps: list[tuple]) -> None:
    clock = SettableClock(datetime.fromisoformat("2019-03-20T10:00:00-04:00"))
    with tempfile.TemporaryDirectory() as folder:
        services = Services.build(Settings(instance_path=Path(folder)), clock)
        try:
            services.editions.load(editions.edition())
            run(services, steps)
            config = services.editions.config(SLUG)
            live_attendance = services.queries.attendance(config)
            live_rows = services.queries.registrations(config)
            replayed = services.read_models.replay(clock() + timedelta(seconds=1))
            assert services.queries.attendance(config, clock() + timedelta(seconds=1))[
                "totals"] == live_attendance["totals"]
            by_id = sorted(live_rows, key=lambda r: r.registration_id)
            assert sorted(replayed.values(), key=lambda r: r.registration_id) == by_id
            services.read_models.rebuild()
            assert services.queries.attendance(config) == live_attendance
            assert services.queries.registrations(config) == live_rows
            counts = summarise(replayed.values(), live_rows[0].edition_id) if live_rows else {}
            assert sum(c["registered"] for c in counts.values()) == len(live_rows)
        finally:
            services.close()
            set_clock(None)
