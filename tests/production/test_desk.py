"""The desk and the organisers against the production topology: QR check-in, attendance."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.production.api import (
    ATLANTA,
    Stack,
    answered,
    events,
    found,
    pay_by_card,
    person,
    register,
    settles,
    unique,
)
from tests.support.pdfs import qr_codes

pytestmark = [pytest.mark.production, pytest.mark.postgres]


def scan(stack: Stack, code: str, slug: str) -> Any:
    return stack.post(f"/api/editions/{slug}/check-ins", json={"code": code},
                      headers=stack.staff["desk"])


def badge_code(stack: Stack, registration_id: str) -> str:
    badge = stack.get(f"/api/registrations/{registration_id}/badge.pdf", stack.staff["desk"])
    assert badge.status_code == 200 and badge.headers["Content-Type"] == "application/pdf"
    [code] = qr_codes(badge.content)
    return code


def test_the_desk_checks_in_by_the_badges_qr_code_and_a_second_scan_admits_no_one_twice(
        stack: Stack):
    tag = unique()
    created, holder = register(stack, tag, delegation="ON")
    code = badge_code(stack, created["id"])

    admitted = answered(scan(stack, code, "test-montreal"), 201)

    assert (admitted["status"], admitted["registration"]) == ("checked_in", created["id"])
    assert admitted["attendee"]["last_name"] == f"Tremblay{tag}"
    assert admitted["delegation"] == {"code": "ON", "name": "Ontario"}
    assert admitted["payment"]["status"] == "pending_payment"
    again = answered(scan(stack, code, "test-montreal"), 200)
    assert again["status"] == "already_checked_in"
    assert again["message"] == admitted["message"].replace("Checked in at", "Already inside since")
    assert [e["event"] for e in events(stack, created["id"], holder)].count("CheckedIn") == 1
    settles(lambda: [(a["checked_in_at"] is not None, a["badge_prints"])
                     for a in found(stack, tag)], [(True, 1)])


def test_attendance_per_delegation_converges_to_exactly_what_happened(stack: Stack):
    """The Atlanta edition is this scenario's alone, so every figure is known."""
    quebec = [register(stack, unique(), ATLANTA, "QC") for _ in range(3)]
    georgia = [register(stack, unique(), ATLANTA, "GA") for _ in range(2)]
    register(stack, unique(), ATLANTA, "ON")
    (cancelled, cancelled_holder), (checked_in, _) = quebec[0], quebec[1]
    (paid, paid_holder), (handed_on, handed_on_holder) = georgia

    answered(stack.post(f"/api/registrations/{cancelled['id']}/cancellation",
                        headers=cancelled_holder), 200)
    answered(scan(stack, badge_code(stack, checked_in["id"]), ATLANTA), 201)
    pay_by_card(stack, paid["id"], paid_holder, amount="395.00", currency="USD")
    answered(stack.post(f"/api/registrations/{handed_on['id']}/substitution",
                        json={"attendee": person(unique())}, headers=handed_on_holder), 200)

    def figures(totals: dict[str, int]) -> tuple[int, ...]:
        return tuple(totals[k] for k in ("registered", "cancelled", "attending", "paid",
                                         "substituted", "checked_in"))

    def attendance() -> dict[str, tuple[int, ...]]:
        report = answered(stack.get(f"/api/editions/{ATLANTA}/attendance",
                                    stack.staff["admin"]), 200)
        return {**{d["code"]: figures(d["totals"]) for d in report["delegations"]},
                "all": figures(report["totals"]),
                "delegates": figures(report["by_type"]["delegate"])}

    #                      registered, cancelled, attending, paid, substituted, checked in
    settles(attendance, {"QC": (3, 1, 2, 0, 0, 1),
                         "GA": (2, 0, 2, 1, 1, 0),
                         "ON": (1, 0, 1, 0, 0, 0),
                         "all": (6, 1, 5, 1, 1, 1),
                         "delegates": (6, 1, 5, 1, 1, 1)})

    def present() -> dict[str, Any]:
        report = answered(stack.get(f"/api/editions/{ATLANTA}/presence", stack.staff["desk"]),
                          200)
        return {item["code"]: item["delegations"] for item in report["lists"]}

    # Who is inside, as the projection worker keeps it: the one person scanned in.
    settles(present, {"entry": [{"code": "QC", "present": 1}]})


def test_scans_queued_offline_on_two_devices_record_once_each_and_the_second_entry_is_a_conflict(
        stack: Stack):
    """Several workers, the projection worker apart: the device's copy follows the log."""
    tag = unique()
    created, holder = register(stack, tag)
    code = badge_code(stack, created["id"])
    desk, copy_path = stack.staff["desk"], "/api/editions/test-montreal/desk-copy"

    def copied(since: int | None = None) -> dict[str, Any]:
        query = {} if since is None else {"since": since}
        return dict(answered(stack.get(copy_path, desk, **query), 200))

    before = settles(lambda: created["id"] in {p["id"] for p in copied()["people"]}, True)
    assert before
    position = copied()["position"]

    scanned_at = datetime.now(UTC).isoformat()

    def queue(device: str, nonce: str) -> list[dict[str, Any]]:
        answer = stack.post("/api/editions/test-montreal/offline-scans", headers=desk, json={
            "device": device, "scans": [{
                "nonce": nonce, "code": code, "list": "entry", "direction": "entry",
                "scanned_at": scanned_at}]})
        return list(answered(answer, 200)["results"])

    first, second = f"{tag}-a", f"{tag}-b"
    assert queue("device-one", first)[0]["status"] == "recorded"
    resent = queue("device-one", first)[0]
    assert resent["repeated"] is True, resent  # resent: recorded once
    assert queue("device-two", second)[0]["reason"] == "entered_elsewhere"
    assert [e["event"] for e in events(stack, created["id"], holder)
            if e["event"] in {"CheckedIn", "CheckInConflicted"}] == [
        "CheckedIn", "CheckInConflicted"]
    settles(lambda: [list(p["inside"]) for p in copied(position)["people"]
                     if p["id"] == created["id"]], [["entry"]])
