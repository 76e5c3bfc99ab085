"""The JSON API end to end, through HTTP on the Flask app, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

import pytest
from flask.testing import FlaskClient

from registration.services.container import Services
from tests.support import editions
from tests.support.clock import SettableClock
from tests.support.log import head_at_rest

SLUG = "test-montreal"
EDITION = f"/api/editions/{SLUG}"


def register(client: FlaskClient, n: int = 1, **body: Any) -> Any:
    payload = {"attendee": editions.attendee(n), "registration_type": "delegate", **body}
    return client.post(f"{EDITION}/registrations", json=payload)


def holder_of(services: Services, registration: str) -> dict[str, str]:
    """The headers of whoever holds the registration's link in force (after a substitution,
    the new holder, who got it by e-mail)."""
    token = services.registrations.current_token(UUID(registration),
                                                 services.registrations.get(
                                                     UUID(registration)).link_generation)
    return {"Authorization": f"Bearer {token}"}


def registered(client: FlaskClient, n: int = 1, **body: Any) -> tuple[str, dict[str, str]]:
    """A new registration's id and the holder's headers."""
    answer = register(client, n, **body)
    assert answer.status_code == 201, answer.json
    return answer.json["id"], {"Authorization": f"Bearer {answer.json['manage_token']}"}


@contextmanager
def nothing_recorded(services: Services) -> Iterator[None]:
    before = head_at_rest(services)
    yield
    assert services.app.recorder.max_notification_id() == before


def refusal(answer: Any, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.json
    assert set(answer.json) == {"error", "details"} and answer.json["error"]
    return answer.json


def test_editions_are_listed_with_early_bird_prices_and_quebec_taxes(client, edition):
    listed = client.get("/api/editions").json["editions"]
    assert [e["slug"] for e in listed] == [SLUG]
    shown = client.get(EDITION).json
    assert shown["delegations"] == listed[0]["delegations"] and shown["registration_open"]
    delegate = next(t for t in shown["registration_types"] if t["code"] == "delegate")
    price = delegate["current_price"]
    assert (price["tier"], price["early_bird_applied"], price["subtotal"]) == (
        "early_bird", True, "395.00")
    assert [(t["code"], t["amount"]) for t in price["taxes"]] == [
        ("GST", "19.75"), ("QST", "39.40")]
    assert price["total"] == "454.15" and price["currency"] == "CAD"
    assert [d["code"] for d in shown["delegations"]] == ["QC", "GA", "ON"]


def test_an_unknown_edition_is_not_found(client, edition):
    assert refusal(client.get("/api/editions/nowhere"), 404)["details"]["code"]


def test_a_quote_applies_a_discount_code_and_taxes(client, edition):
    quote = client.post(f"{EDITION}/quotes", json={
        "registration_type": "delegate", "discount_code": "partner20"}).json
    assert (quote["discount_code"], quote["code_discount"], quote["subtotal"]) == (
        "PARTNER20", "79.00", "316.00")
    assert [t["amount"] for t in quote["taxes"]] == ["15.80", "31.52"]
    assert quote["total"] == "363.32"


def test_a_quote_at_a_moment_after_the_early_bird_deadline_is_the_regular_price(client, edition):
    quote = client.post(f"{EDITION}/quotes", json={
        "registration_type": "delegate", "at": "2019-04-16T00:00:30"}).json
    assert (quote["tier"], quote["early_bird_applied"], quote["subtotal"]) == (
        "regular", False, "495.00")
    assert quote["quoted_at"].endswith("-04:00")  # a moment without offset is Montréal time


def test_bad_quote_requests_are_refused_clearly(client, edition):
    unknown_type = refusal(client.post(f"{EDITION}/quotes", json={"registration_type": "vip"}),
                           422)
    assert "vip" in unknown_type["error"]
    unknown_code = refusal(client.post(f"{EDITION}/quotes", json={
        "registration_type": "delegate", "discount_code": "NOPE"}), 422)
    assert unknown_code["details"]["code"] == "code_invalid"
    malformed = client.post(f"{EDITION}/quotes", data="{not json",
                            content_type="application/json")
    assert "JSON" in refusal(malformed, 400)["error"]
    assert refusal(client.post(f"{EDITION}/quotes", json=["delegate"]), 422)["details"]
    bad_moment = refusal(client.post(f"{EDITION}/quotes", json={
        "registration_type": "delegate", "at": "soon"}), 422)
    assert "at" in bad_moment["details"]


def test_registering_answers_201_with_location_and_a_manage_token(client, edition):
    answer = register(client, 1, delegation="QC", discount_code="GOV50")
    assert answer.status_code == 201
    document = answer.json
    assert answer.headers["Location"] == f"/api/registrations/{document['id']}"
    assert len(document["manage_token"]) >= 32
    assert (document["status"], document["delegation"], document["edition"]) == (
        "pending_payment", "QC", SLUG)
    assert document["quote"]["subtotal"] == "345.00"  # 395 early bird - 50
    assert (document["paid"], document["balance_due"]) == ("0.00", document["quote"]["total"])
    assert document["attendee"]["email"] == "person1@example.com"
    shown = client.get(answer.headers["Location"],
                       headers={"Authorization": f"Bearer {document['manage_token']}"}).json
    assert "manage_token" not in shown and shown["quote"] == document["quote"]


def test_refused_registrations_say_why_and_record_nothing(
        client, edition, services, clock: SettableClock):
    registered(client, 1)
    for n in range(3):
        registered(client, 10 + n, registration_type="speaker")
    with nothing_recorded(services):
        duplicate = refusal(register(client, 1, attendee=editions.attendee(
            1, email="PERSON1@EXAMPLE.com")), 409)
        assert duplicate["details"] == {"code": "duplicate_email"}
        sold_out = refusal(register(client, 20, registration_type="speaker"), 409)
        assert sold_out["details"] == {"code": "sold_out"} and "places" in sold_out["error"]
        assert refusal(register(client, 21, delegation="XX"), 422)["details"]["code"] == (
            "unknown_delegation")
        clock.set("2019-06-04T12:00:01-04:00")
        closed = refusal(register(client, 22), 409)
        assert closed["details"] == {"code": "registration_closed"}


def test_bad_fields_are_all_listed_and_unknown_fields_refused(client, edition, services):
    with nothing_recorded(services):
        bad = refusal(client.post(f"{EDITION}/registrations", json={
            "attendee": {"first_name": "", "email": "not-an-address", "language": "de",
                         "phone": "call me"},
            "discount_code": ""}), 422)
        assert set(bad["details"]) == {"attendee", "registration_type", "discount_code"}
        assert set(bad["details"]["attendee"]) == {
            "first_name", "last_name", "email", "organisation", "job_title", "language",
            "phone"}
        unknown = refusal(register(client, 2, vip=True), 422)
        assert unknown["details"] == {"vip": ["Unknown field."]}
        nested = refusal(register(client, 3, attendee={**editions.attendee(3), "age": 40}), 422)
        assert nested["details"] == {"attendee": {"age": ["Unknown field."]}}
        assert refusal(client.post(f"{EDITION}/registrations", data="nope"), 400)


def test_a_registration_is_reachable_with_its_token_or_by_staff_only(
        client, edition, staff_headers, services):
    first, holder = registered(client, 1)
    _, other_holder = registered(client, 2)
    url = f"/api/registrations/{first}"
    assert client.get(url, headers=holder).json["id"] == first
    assert client.get(f"{url}?token={holder['Authorization'][7:]}").status_code == 200
    assert client.get(url, headers=staff_headers["desk"]).status_code == 200
    with nothing_recorded(services):
        assert "manage token" in refusal(client.get(url), 401)["error"]
        refusal(client.get(url, headers=other_holder), 403)
        refusal(client.get(url, headers={"Authorization": "Bearer guessed"}), 403)
        refusal(client.patch(url, json={"job_title": "Spy"}), 401)
        refusal(client.patch(url, json={"job_title": "Spy"}, headers=other_holder), 403)
        refusal(client.post(f"{url}/cancellation", headers=other_holder), 403)
        refusal(client.get(f"{url}/history"), 401)
    refusal(client.get("/api/registrations/not-an-id", headers=staff_headers["admin"]), 404)
    missing = "/api/registrations/00000000-0000-4000-8000-000000000000"
    refusal(client.get(missing, headers=staff_headers["admin"]), 404)


def test_details_are_corrected_by_the_holder_or_by_staff(client, edition, staff_headers,
                                                          services):
    registration, holder = registered(client, 1)
    url = f"/api/registrations/{registration}"
    corrected = client.patch(url, json={"job_title": " Director ", "phone": "+1 514 555 0100"},
                             headers=holder)
    assert corrected.status_code == 200
    assert corrected.json["attendee"]["job_title"] == "Director"
    assert corrected.json["attendee"]["language"] == "fr"  # untouched fields stay
    by_staff = client.patch(url, json={"organisation": "Port de Montréal",
                                       "reason": "Name of the employer, by phone"},
                            headers=staff_headers["admin"])
    assert by_staff.json["attendee"]["organisation"] == "Port de Montréal"
    history = client.get(f"{url}/history", headers=staff_headers["admin"]).json["events"]
    assert history[-1]["details"]["reason"] == "Name of the employer, by phone"
    registered(client, 2)
    with nothing_recorded(services):
        assert refusal(client.patch(url, json={}, headers=holder), 422)["details"]
        refusal(client.patch(url, json={"email": "bad"}, headers=holder), 422)
        blank = refusal(client.patch(url, json={"last_name": "   "}, headers=holder), 422)
        assert set(blank["details"]) == {"last_name"}
        refusal(client.patch(url, json={"badge": "x"}, headers=holder), 422)
        taken = refusal(client.patch(url, json={"email": "person2@example.com"},
                                     headers=holder), 409)
        assert taken["details"] == {"code": "duplicate_email"}
        # Staff say why, as on their pages; the holder does not.
        for caller, change in ((staff_headers["admin"], {"job_title": "X"}),
                               (staff_headers["admin"], {"job_title": "X", "reason": " "}),
                               (holder, {"job_title": "X", "reason": "Because"})):
            assert set(refusal(client.patch(url, json=change, headers=caller),
                               422)["details"]) == {"reason"}
        refusal(client.patch(url, json={"reason": "Nothing else"},
                             headers=staff_headers["admin"]), 422)


def test_a_colleague_takes_the_place_at_the_same_price(client, edition, services, clock,
                                                       staff_headers):
    registration, holder = registered(client, 1, delegation="QC")
    before = client.get(f"/api/registrations/{registration}", headers=holder).json
    clock.set("2019-05-25T12:00:00-04:00")
    colleague = editions.attendee(2, first_name="Marie", last_name="Gagnon")
    answer = client.post(f"/api/registrations/{registration}/substitution",
                         json={"attendee": colleague}, headers=holder)
    assert answer.status_code == 200
    assert answer.json["attendee"]["email"] == colleague["email"]
    assert answer.json["substitutions"] == 1 and answer.json["quote"] == before["quote"]
    assert "manage_token" not in answer.json  # the new holder gets their link by e-mail
    holder = holder_of(services, registration)
    assert services.mail_sender is None or services.mail_sender.wait_idle()  # mails queued
    with nothing_recorded(services):
        refusal(client.post(f"/api/registrations/{registration}/substitution",
                            json={"attendee": {"first_name": "X"}}, headers=holder), 422)
        refusal(client.post(f"/api/registrations/{registration}/substitution",
                            json={}, headers=holder), 422)
        unexplained = refusal(client.post(
            f"/api/registrations/{registration}/substitution",
            json={"attendee": editions.attendee(3)}, headers=staff_headers["desk"]), 422)
        assert set(unexplained["details"]) == {"reason"}
    registered(client, 1)  # the first person's address is free again
    by_staff = client.post(f"/api/registrations/{registration}/substitution", json={
        "attendee": editions.attendee(3), "reason": "The delegation sends someone else"},
        headers=staff_headers["desk"])
    assert by_staff.status_code == 200, by_staff.json
    history = client.get(f"/api/registrations/{registration}/history",
                         headers=staff_headers["admin"]).json["events"]
    substituted = [e for e in history if e["event"] == "Substituted"]
    assert substituted[-1]["details"]["reason"] == "The delegation sends someone else"


def test_cancelling_returns_the_refund_owed_and_cannot_be_repeated(
        client, edition, services, clock: SettableClock):
    registration, holder = registered(client, 1, delegation="QC")
    clock.set("2019-05-10T12:00:00-04:00")
    answer = client.post(f"/api/registrations/{registration}/cancellation", headers=holder)
    assert answer.status_code == 200
    assert answer.json["refund"] == {"refund_percent": "50", "retained": "277.07",
                                     "refund_owed": "0.00", "currency": "CAD"}
    assert answer.json["registration"]["status"] == "cancelled"
    with nothing_recorded(services):
        again = refusal(client.post(f"/api/registrations/{registration}/cancellation",
                                    headers=holder), 409)
        assert again["details"] == {"code": "already_cancelled"}
        refusal(client.patch(f"/api/registrations/{registration}",
                             json={"job_title": "Late"}, headers=holder), 409)


def test_history_lists_the_events_in_order_with_their_times(client, edition, clock, services):
    registration, holder = registered(client, 1)
    url = f"/api/registrations/{registration}"
    clock.set("2019-04-01T09:00:00-04:00")
    client.patch(url, json={"job_title": "Director"}, headers=holder)
    client.post(f"{url}/substitution", json={"attendee": editions.attendee(2)}, headers=holder)
    holder = holder_of(services, registration)  # the new holder's link
    clock.set("2019-04-02T09:00:00-04:00")
    client.post(f"{url}/cancellation", headers=holder)
    history = client.get(f"{url}/history", headers=holder).json
    assert history["registration"] == registration
    events = history["events"]
    assert [e["event"] for e in events] == [
        "Registered", "DetailsCorrected", "Substituted", "ManageLinkRenewed", "Cancelled"]
    assert [e["at"][:10] for e in events] == [
        "2019-03-20", "2019-04-01", "2019-04-01", "2019-04-01", "2019-04-02"]
    assert events[1]["details"] == {"changes": None}  # the previous holder's, hidden
    assert events[2]["details"]["previous"] is None  # nor the previous holder's details
    assert events[2]["details"]["attendee"]["email"] == editions.attendee(2)["email"]
    assert "checkin_secret" not in str(history) and "manage_token" not in str(history)
    holder_actor = {"kind": "attendee", "id": registration, "name": None, "role": None}
    assert [e["actor"] for e in events] == [
        {"kind": "attendee", "id": None, "name": None, "role": None},  # registering
        holder_actor, holder_actor, holder_actor, holder_actor]


def test_attendance_needs_a_staff_token(client, edition, staff_headers, services):
    _, holder = registered(client, 1)
    url = f"{EDITION}/attendance"
    assert "staff" in refusal(client.get(url), 401)["error"]
    refusal(client.get(url, headers=holder), 401)  # a manage token is not a staff token
    for role in ("admin", "finance", "desk"):
        assert client.get(url, headers=staff_headers[role]).status_code == 200


def test_attendance_counts_now_and_as_of_a_date_or_a_moment(
        client, edition, staff_headers, clock: SettableClock):
    first, holder = registered(client, 1, delegation="QC")
    registered(client, 2, delegation="QC")
    registered(client, 3, delegation="GA", registration_type="speaker")
    clock.set("2019-04-01T12:00:00-04:00")
    client.post(f"/api/registrations/{first}/cancellation", headers=holder)
    url, staff = f"{EDITION}/attendance", staff_headers["finance"]

    now = client.get(url, headers=staff).json
    quebec = next(d for d in now["delegations"] if d["code"] == "QC")
    assert (quebec["totals"]["registered"], quebec["totals"]["cancelled"],
            quebec["totals"]["attending"]) == (2, 1, 1)
    assert now["totals"]["attending"] == 2 and now["as_of"] is None
    assert now["by_type"]["speaker"]["registered"] == 1

    on_the_day = client.get(f"{url}?as_of=2019-03-31", headers=staff).json
    assert on_the_day["totals"]["cancelled"] == 0 and on_the_day["totals"]["attending"] == 3
    assert on_the_day["as_of"].startswith("2019-03-31T23:59:59")
    before_noon = client.get(url, query_string={"as_of": "2019-04-01T11:00:00-04:00"},
                             headers=staff).json
    assert before_noon["totals"]["cancelled"] == 0
    after_noon = client.get(url, query_string={"as_of": "2019-04-01T13:00"}, headers=staff).json
    assert after_noon["totals"]["cancelled"] == 1


@pytest.mark.parametrize("as_of", ["yesterday", "2019-13-01", "2019-04-01T25:00"])
def test_a_bad_as_of_is_refused(client, edition, staff_headers, as_of):
    answer = refusal(client.get(f"{EDITION}/attendance", query_string={"as_of": as_of},
                                headers=staff_headers["admin"]), 422)
    assert answer["details"] == {"as_of": ["Not a valid date or date-time."]}
