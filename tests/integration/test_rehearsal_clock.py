"""The rehearsal clock (CLOCK_START) is one clock for every process and never runs backwards."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask

from domain.base import set_clock
from domain.product_clock import STEP, resume_at
from domain.registration import Attendee
from registration.app import create_app
from registration.services.container import Services
from tests.support import editions

START = datetime.fromisoformat("2019-03-20T10:00:00-04:00")


@contextmanager
def process(database_url: str | None, instance: Path, clock_start: datetime) -> Iterator[Flask]:
    """One process of the product started with CLOCK_START (as gunicorn or the worker)."""
    app = create_app({"DATABASE_URL": database_url or "", "INSTANCE_PATH": str(instance),
                      "CLOCK_START": clock_start.isoformat()})
    try:
        yield app
    finally:
        app.extensions["services"].close()
        set_clock(None)


def services_of(app: Flask) -> Services:
    return app.extensions["services"]


def test_a_clock_asked_to_start_before_recorded_events_resumes_just_after_them() -> None:
    last = datetime.fromisoformat("2019-04-02T08:00:00-04:00")
    assert resume_at(START, last) == last + STEP
    assert resume_at(START, None) == START
    assert resume_at(last, START) == last


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_restart_with_an_earlier_clock_start_continues_after_the_last_event_and_says_so(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest,
) -> None:
    url = request.getfixturevalue("fresh_postgres") if backend == "postgres" else None
    with process(url, tmp_path, START + timedelta(days=20)) as first:
        services_of(first).editions.load(editions.edition())
        registered = services_of(first).registrations.register(
            "test-montreal", Attendee(**editions.attendee(1)), "delegate", "QC")
        recorded_at = registered.registration.updated_at
        assert services_of(first).clock_note is None
    with process(url, tmp_path, START) as restarted:
        services = services_of(restarted)
        assert recorded_at < services.clock() < recorded_at + timedelta(seconds=30)
        assert services.clock_note is not None and "continued from" in services.clock_note
        services.registrations.cancel(registered.registration.id)
        times = [entry.at for entry in services.registrations.history(
            registered.registration.id)]
        assert times == sorted(times)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_every_process_started_with_the_same_clock_start_reads_the_same_time(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest,
) -> None:
    url = request.getfixturevalue("fresh_postgres") if backend == "postgres" else None
    with process(url, tmp_path, START) as web:
        first = services_of(web).clock
        with process(url, tmp_path, START) as worker:  # boots later: reads the same time
            second = services_of(worker).clock
            assert abs(first() - second()) < timedelta(milliseconds=200)
            assert abs(first() - START) < timedelta(seconds=30)
