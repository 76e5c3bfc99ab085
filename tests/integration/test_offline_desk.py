"""The offline desk's API: a device's copy of the edition with the log position it was read
at, only what changed since that position, and the scans it queued offline — each nonce
recorded once, two devices' entries of one person a conflict (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
from typing import Any
from uuid import uuid4

from flask.testing import FlaskClient

from domain.checkin import grouped, short_code
from tests.e2e.test_checkin_lists import code_of, present
from tests.e2e.test_desk import EDITION, registered
from tests.security.test_staff_access import PASSWORD, csrf, post, sign_in


def key(text: str) -> str:
    return hashlib.sha256(f"desk-copy/{text}".encode()).hexdigest()


def copy(client: FlaskClient, headers: dict[str, str], since: int | None = None) -> Any:
    answer = client.get(f"{EDITION}/desk-copy", headers=headers,
                        query_string={} if since is None else {"since": since})
    assert answer.status_code == 200, answer.json
    return answer.json


def sync(client: FlaskClient, headers: dict[str, str], device: str,
         *scans: dict[str, str]) -> list[dict[str, Any]]:
    answer = client.post(f"{EDITION}/offline-scans", headers=headers,
                         json={"device": device, "scans": list(scans)})
    assert answer.status_code == 200, answer.json
    return answer.json["results"]


def scanned(code: str, at: str, direction: str = "entry", nonce: str | None = None) -> dict:
    return {"nonce": nonce or uuid4().hex, "code": code, "list": "entry",
            "direction": direction, "scanned_at": at}


def test_a_device_gets_every_badge_as_keys_then_only_what_changed_since_its_position(
        client, services, edition, staff_headers, clock):
    desk = staff_headers["desk"]
    aline_id = registered(client, 1)[0]
    bob_id = registered(client, 2, delegation="GA")[0]
    whole = copy(client, desk)
    assert whole["complete"] is True and whole["position"] > 0
    people = {p["id"]: p for p in whole["people"]}
    aline = code_of(services, aline_id)
    assert people[aline_id]["keys"] == [key(aline), key(short_code(aline))]
    assert aline not in str(whole)  # the device holds keys, never a badge's code
    assert (people[bob_id]["delegation"], people[bob_id]["inside"]) == ("GA", {})
    assert whole["lists"][0]["code"] == "entry" and whole["delegations"]["GA"]

    clock.set("2019-06-03T10:02:00-04:00")
    assert client.post(f"{EDITION}/check-ins", json={"code": grouped(short_code(aline))},
                       headers=desk).status_code == 201
    carla_id = registered(client, 3)[0]
    delta = copy(client, desk, since=whole["position"])
    assert delta["complete"] is False and delta["position"] > whole["position"]
    assert {p["id"] for p in delta["people"]} == {aline_id, carla_id}  # Bob did not change
    inside = {p["id"]: p["inside"] for p in delta["people"]}[aline_id]
    assert list(inside) == ["entry"] and inside["entry"].startswith("2019-06-03T10:02:00")
    assert copy(client, desk, since=delta["position"])["people"] == []


def test_a_queued_scan_sent_twice_is_recorded_once(client, services, edition, staff_headers,
                                                   clock):
    desk = staff_headers["desk"]
    aline_id = registered(client, 1)[0]
    clock.set("2019-06-03T11:00:00-04:00")
    entry = scanned(code_of(services, aline_id), "2019-06-03T10:02:00-04:00", nonce="nonce-0001")
    first = sync(client, desk, "device-A1", entry)
    again = sync(client, desk, "device-A1", entry)  # the answer was lost: the device resends
    assert (first[0]["status"], first[0]["repeated"]) == ("recorded", False)
    assert (again[0]["status"], again[0]["repeated"]) == ("recorded", True)
    other = sync(client, desk, "device-A1", {**entry, "direction": "exit"})  # reused nonce
    assert (other[0]["status"], other[0]["reason"]) == ("refused", "idempotency_key_reused")
    history = client.get(f"/api/registrations/{aline_id}/history", headers=desk).json["events"]
    checked_in = [e for e in history if e["event"] == "CheckedIn"]
    assert [e["details"]["at"] for e in checked_in] == ["2019-06-03T10:02:00-04:00"]  # its time
    assert present(client, desk)["entry"][0] == 1


def test_one_person_entered_on_two_offline_devices_is_a_conflict_in_the_history(
        client, services, edition, staff_headers, clock):
    desk = staff_headers["desk"]
    aline_id = registered(client, 1)[0]
    aline = code_of(services, aline_id)
    clock.set("2019-06-03T11:00:00-04:00")
    on_a = sync(client, desk, "device-A1", scanned(aline, "2019-06-03T10:05:00-04:00"))
    on_b = sync(client, desk, "device-B2",  # B's queue, in the order B scanned it
                scanned(aline, "2019-06-03T12:30:00-04:00", "exit"),
                scanned(grouped(short_code(aline)), "2019-06-03T10:01:00-04:00"))
    assert on_a[0]["status"] == "recorded"
    assert [(r["status"], r["reason"]) for r in on_b] == [
        ("conflict", "entered_elsewhere"), ("recorded", None)]  # the exit at 11:00 (clamped)
    assert "another device" in on_b[0]["message"]
    history = client.get(f"/api/registrations/{aline_id}/history", headers=desk).json["events"]
    conflict = next(e for e in history if e["event"] == "CheckInConflicted")
    assert conflict["details"] == {"at": "2019-06-03T10:01:00-04:00", "list": "entry",
                                  "direction": "entry", "device": "device-B2",
                                  "reason": "entered_elsewhere", "by": "test-desk",
                                  "inside_since": "2019-06-03T10:05:00-04:00"}
    assert [e["event"] for e in history].count("CheckedIn") == 2  # A's entry, B's exit
    assert present(client, desk)["entry"][0] == 0


def test_a_queued_scan_the_desk_would_refuse_is_refused_and_the_rest_recorded(
        client, services, edition, staff_headers, clock):
    desk = staff_headers["desk"]
    aline_id = registered(client, 1)[0]
    clock.set("2019-06-03T11:00:00-04:00")
    results = sync(client, desk, "device-A1",
                   scanned("ACD-EFH-JKM", "2019-06-03T10:00:00-04:00"),
                   scanned(code_of(services, aline_id), "2019-06-03T10:01:00-04:00"))
    assert [(r["status"], r["reason"]) for r in results] == [
        ("refused", "unknown_checkin_code"), ("recorded", None)]
    bad = client.post(f"{EDITION}/offline-scans", headers=desk, json={
        "device": "device-A1", "scans": [{"nonce": "x", "code": "A"}]})
    assert bad.status_code == 422
    assert client.get(f"{EDITION}/desk-copy").status_code == 401


def test_the_check_in_page_syncs_on_its_session_and_signing_out_clears_the_device(
        client, services, edition, clock):
    services.staff.create_account("Dana Desk", "desk@example.com", PASSWORD, "desk")
    assert sign_in(client, "desk@example.com").status_code == 302
    aline_id = registered(client, 1)[0]
    pages = f"/staff/desk/{edition['slug']}/offline"
    assert client.get(f"{pages}/copy").json["people"][0]["id"] == aline_id
    queue = {"device": "device-A1", "scans": [scanned(code_of(services, aline_id),
                                                      "2019-03-20T09:59:00-04:00")]}
    assert client.post(f"{pages}/scans", json=queue).status_code == 400  # no CSRF token
    token = csrf(client, f"/staff/desk/{edition['slug']}/check-in")
    synced = client.post(f"{pages}/scans", json=queue, headers={"X-CSRF-Token": token})
    assert synced.json["results"][0]["status"] == "recorded"

    signed_out = post(client, "/staff/sign-out")
    assert signed_out.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert client.get(f"{pages}/copy").status_code == 302  # to sign in again
