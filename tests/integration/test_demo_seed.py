"""Seeding the demo: idempotent, and the story it tells happened at its own moments."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import pytest

from domain.base import now
from domain.edition_document import parse_edition
from registration.demo import DEMO_SLUG, demo_documents, seed_demo
from registration.demo.samples import SAMPLES, SUBSTITUTIONS, moment
from registration.services.container import Services


@pytest.fixture
def app_overrides() -> dict[str, str]:
    """No job threads: their every-minute passes (payment deadlines, the waiting list) would
    record what the seeded story owes when a minute turns, between the two seeds."""
    return {"JOBS_EMBEDDED": "false"}


def registrations(services: Services) -> list:
    return services.queries.registrations(services.editions.config(DEMO_SLUG))


def test_seeding_twice_gives_the_same_registrations_and_records_nothing_more(services):
    first = seed_demo(services)
    before, position = registrations(services), services.app.recorder.max_notification_id()
    second = seed_demo(services)
    assert registrations(services) == before and len(before) == len(SAMPLES)
    assert services.app.recorder.max_notification_id() == position
    assert "seuscp-2019: scheduled (version 1)" in first
    assert "seuscp-2019: unchanged (version 1)" in second


def test_the_demo_documents_load_as_they_parse(services):
    seed_demo(services)
    for document in demo_documents():
        assert services.editions.config(document["slug"]) == parse_edition(document)


def test_attendance_counts_the_samples_and_their_cancellations_and_substitution(
        services, staff_headers, client):
    seed_demo(services)
    answer = client.get(f"/api/editions/{DEMO_SLUG}/attendance", headers=staff_headers["desk"])
    totals = answer.get_json()["totals"]
    assert (totals["registered"], totals["cancelled"], totals["substituted"]) == (29, 2, 1)
    quebec = next(d for d in answer.get_json()["delegations"] if d["code"] == "QC")
    assert quebec["totals"]["attending"] == 10
    february = client.get(f"/api/editions/{DEMO_SLUG}/attendance?as_of=2019-02-28",
                          headers=staff_headers["desk"]).get_json()["totals"]
    assert february["registered"] == sum(s.at < "2019-03" for s in SAMPLES)


def test_events_carry_the_moments_of_the_story_and_the_clock_is_given_back(services, clock):
    seed_demo(services)
    substituted_email = SUBSTITUTIONS[0][2].email
    row = next(r for r in registrations(services) if r.email == substituted_email)
    history = services.registrations.history(UUID(row.registration_id))
    assert [(e.event, e.at) for e in history] == [
        ("Registered", moment("2019-02-25 14:05")), ("Substituted", moment("2019-03-18 11:00")),
        ("ManageLinkRenewed", moment("2019-03-18 11:00"))]  # the new holder's link
    assert now() >= datetime.fromisoformat("2019-03-20T10:00:00-04:00")
    assert now() == clock.current


def test_the_seed_command_prints_what_it_did(app):
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "29 sample registrations, 2 cancelled, 1 substituted, 1 corrected" in result.output
