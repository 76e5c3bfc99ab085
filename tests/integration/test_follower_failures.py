"""A follower that cannot apply an event stops loudly, keeps what it could, and says so.

The command that saved the event still succeeds; health answers 503 naming the event;
the follower does not crash-loop, and it resumes by itself once the event can be applied.
"""

from __future__ import annotations

import logging
from typing import Any
from uuid import uuid4

import pytest
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic
from flask.testing import FlaskClient

from domain.registration import Registration
from registration import following
from registration.projections import attendance
from registration.services.container import Services
from tests.support import editions

SLUG = "test-montreal"


def register(client: FlaskClient, n: int) -> Any:
    return client.post(f"/api/editions/{SLUG}/registrations", json={
        "registration_type": "delegate", "delegation": "QC",
        "attendee": editions.attendee(n)})


def poison(services: Services) -> int:
    """Record an event no follower can read (its stored state is not what it should be)."""
    stored = StoredEvent(originator_id=uuid4(), originator_version=1,
                         topic=get_topic(Registration.Registered), state=b"\x00not json")
    ids = services.app.recorder.insert_events([stored])
    assert ids
    return ids[0]


def test_an_event_the_read_models_cannot_apply_stops_them_loudly_and_later_writes_still_succeed(
    client: FlaskClient, services: Services, edition: dict[str, Any], staff_headers: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert register(client, 1).status_code == 201
    bad = poison(services)
    with caplog.at_level(logging.ERROR, logger="registration.following"):
        answer = register(client, 2)  # catches up after saving: meets the bad event
    assert answer.status_code == 201
    assert f"stopped at notification {bad}" in caplog.text

    health = client.get("/api/health")
    assert health.status_code == 503
    read_models = next(f for f in health.json["followers"] if f["name"] == "read_models")
    assert read_models["stopped"] is True
    assert read_models["error"]["notification_id"] == bad
    assert "error" not in read_models["error"]  # the error text is for administrators
    detailed = client.get("/api/health", headers=staff_headers["admin"]).json
    assert "MapperDeserialisationError" in next(
        f for f in detailed["followers"] if f["name"] == "read_models")["error"]["error"]
    # Everything before the bad event was applied; nothing after it.
    assert read_models["position"] == bad - 1
    counts = client.get(f"/api/editions/{SLUG}/attendance", headers=staff_headers["admin"])
    assert counts.json["totals"]["registered"] == 1


def test_a_stopped_follower_waits_before_trying_again_and_resumes_once_the_bug_is_fixed(
    client: FlaskClient, services: Services, edition: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(row: Any, event: Any) -> Any:
        raise RuntimeError("a bug in the projection")

    with monkeypatch.context() as bug:
        bug.setitem(attendance.REDUCERS, Registration.Registered, broken)
        assert register(client, 3).status_code == 201
        assert services.read_models.follower.state().error is not None
        assert services.read_models.catch_up() == 0  # no tight loop: it waits RETRY_AFTER
    # The fix is deployed; the follower tries again after its pause, and catches up.
    monkeypatch.setattr(following, "RETRY_AFTER", 0.0)
    assert services.read_models.catch_up() == 1
    assert client.get("/api/health").status_code == 200
    assert services.queries.attendance(services.editions.config(SLUG))["totals"][
        "registered"] == 1


def test_health_reports_each_followers_position_and_lag(
    client: FlaskClient, services: Services, edition: dict[str, Any],
) -> None:
    register(client, 4)
    report = client.get("/api/health")
    assert report.status_code == 200
    assert report.json["status"] == "ok"
    head = report.json["log_head"]
    assert head == services.app.recorder.max_notification_id()
    followers = {f["name"]: f for f in report.json["followers"]}
    assert followers["read_models"] == {"name": "read_models", "position": head, "lag": 0,
                                        "stopped": False, "error": None}
    assert set(followers) == {"read_models", "mail"}
