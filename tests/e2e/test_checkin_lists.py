"""Check-in lists through the API: entries and exits per list, who is present now and at a
past moment, who a list refuses, and a substitution's fresh start (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from flask.testing import FlaskClient

from tests.e2e.test_desk import EDITION, registered
from tests.support import editions
from tests.unit.test_checkin_lists import LISTS


def with_lists(services: Any) -> dict[str, Any]:
    """The Quebec test edition with a conference entry, a gala for speakers and a day list,
    scheduled."""
    document = editions.edition(checkin_lists=LISTS)
    services.editions.load(document)
    return document


@pytest.fixture
def edition(services: Any) -> dict[str, Any]:
    return with_lists(services)


def code_of(services: Any, registration_id: str) -> str:
    """The text of the person's QR code."""
    return services.registrations.get(UUID(registration_id)).checkin_secret


def scan(client: FlaskClient, code: str, headers: dict[str, str], **body: str) -> Any:
    return client.post(f"{EDITION}/check-ins", json={"code": code, **body}, headers=headers)


def present(client: FlaskClient, headers: dict[str, str], **query: str) -> dict[str, Any]:
    answer = client.get(f"{EDITION}/presence", headers=headers, query_string=query)
    assert answer.status_code == 200, answer.json
    return {item["code"]: (item["present"], {d["code"]: d["present"]
                                              for d in item["delegations"]})
            for item in answer.json["lists"]}


def test_entry_exit_and_entry_again_move_who_is_present_now_and_as_of_then(
        client, services, edition, staff_headers, clock):
    desk = staff_headers["desk"]
    aline_id = registered(client, 1)[0]
    aline = code_of(services, aline_id)
    bob = code_of(services, registered(client, 2, delegation="GA")[0])
    clock.set("2019-06-03T10:02:00-04:00")
    assert scan(client, aline, desk).json["status"] == "checked_in"
    assert scan(client, bob, desk, list="entry", direction="entry").status_code == 201
    again = scan(client, aline, desk)
    assert (again.status_code, again.json["status"], again.json["message"]) == (
        200, "already_checked_in", "Already inside since 10:02.")
    assert present(client, desk)["entry"] == (2, {"QC": 1, "GA": 1})

    clock.set("2019-06-03T12:15:00-04:00")
    out = scan(client, aline, desk, direction="exit")
    assert (out.status_code, out.json["status"], out.json["message"]) == (
        201, "checked_out", "Out at 12:15.")
    assert out.json["list"] == {"code": "entry", "name": "Entrée au congrès"}  # edition: fr
    assert present(client, desk)["entry"] == (1, {"GA": 1})

    clock.set("2019-06-03T13:40:00-04:00")
    assert scan(client, aline, desk).json["message"] == "Checked in at 13:40."
    now = present(client, desk)
    assert now["entry"] == (2, {"QC": 1, "GA": 1}) and now["gala"] == (0, {})
    assert present(client, desk, as_of="2019-06-03T12:30")["entry"] == (1, {"GA": 1})
    assert present(client, desk, as_of="2019-06-02")["entry"] == (0, {})
    services.read_models.rebuild()
    assert present(client, desk) == now
    history = client.get(f"/api/registrations/{aline_id}/history",
                         headers=desk).json["events"]
    assert [e["event"] for e in history].count("CheckedIn") == 3
    found = client.get(f"{EDITION}/attendees", query_string={"q": "Tremblay1"},
                       headers=desk).json["attendees"]
    assert found[0]["checked_in_at"].startswith("2019-06-03T10:02")  # when they first came


def test_a_list_refuses_who_it_does_not_admit_and_an_exit_without_entry_records_nothing(
        client, services, edition, staff_headers, clock):
    desk = staff_headers["desk"]
    delegate = code_of(services, registered(client, 1)[0])
    speaker = code_of(services, registered(client, 2, registration_type="speaker")[0])
    clock.set("2019-06-02T18:30:00-04:00")

    gala = scan(client, delegate, desk, list="gala")
    assert gala.status_code == 409 and gala.json["details"]["code"] == "not_on_list"
    assert scan(client, speaker, desk, list="gala").status_code == 201
    day = scan(client, speaker, desk, list="day-2019-06-03")
    assert day.status_code == 409 and "2019-06-03 only" in day.json["error"]
    out = scan(client, delegate, desk, direction="exit")
    assert out.status_code == 409 and out.json["details"]["code"] == "not_inside"
    assert scan(client, delegate, desk, list="bar").status_code == 404
    assert scan(client, delegate, desk, direction="sideways").status_code == 422
    assert present(client, desk) == {"entry": (0, {}), "gala": (1, {"QC": 1}),
                                     "day-2019-06-03": (0, {})}


def test_a_substitution_starts_the_new_person_outside_every_list(
        client, services, edition, staff_headers, clock):
    desk = staff_headers["desk"]
    registration_id, holder = registered(client, 1, registration_type="speaker")
    clock.set("2019-06-02T18:30:00-04:00")
    for list_code in ("entry", "gala"):
        assert scan(client, code_of(services, registration_id), desk,
                    list=list_code).status_code == 201
    colleague = editions.attendee(9, first_name="Zoé", last_name="Côté")
    assert client.post(f"/api/registrations/{registration_id}/substitution", headers=holder,
                       json={"attendee": colleague}).status_code == 200

    assert present(client, desk) == {"entry": (0, {}), "gala": (0, {}),
                                     "day-2019-06-03": (0, {})}
    new_code = code_of(services, registration_id)
    out = scan(client, new_code, desk, list="gala", direction="exit")
    assert out.json["details"]["code"] == "not_inside"
    assert scan(client, new_code, desk, list="gala").json["status"] == "checked_in"
    assert present(client, desk)["gala"] == (1, {"QC": 1})
