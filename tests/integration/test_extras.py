"""Add-ons bought with a place, through the API on SQLite and PostgreSQL: priced into the
quote and the balance, never sold beyond their capacity, given back and refunded under the
policy on cancelling, and admitting their buyers to a check-in list."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from tests.e2e.test_checkin_lists import code_of, scan
from tests.integration.test_no_oversell import RACERS, race
from tests.support import editions
from tests.support.serving import serving

EDITION = "/api/editions/test-montreal"


@pytest.fixture
def edition(services: Any) -> dict[str, Any]:
    document = editions.edition(extras=editions.EXTRAS, checkin_lists=[
        {"code": "entry", "names": {"en": "Conference entry", "fr": "Entrée au congrès"}},
        editions.GALA_LIST])
    services.editions.load(document)
    return document


def register(client: Any, n: int, **body: Any) -> Any:
    return client.post(f"{EDITION}/registrations", json={
        "attendee": editions.attendee(n), "registration_type": "delegate", "delegation": "QC",
        **body})


def test_the_quote_and_the_balance_include_the_add_ons_each_taxed_like_the_place(
        client, edition, clock):
    clock.set("2019-05-01T12:00:00-04:00")
    quoted = client.post(f"{EDITION}/quotes", json={
        "registration_type": "delegate", "extras": {"gala": 1, "companion": 2}})
    assert quoted.status_code == 200, quoted.json
    assert [(e["code"], e["quantity"], e["amount"], e["total"]) for e in quoted.json["extras"]] \
        == [("gala", 1, "120.00", "137.97"), ("companion", 2, "199.98", "229.93")]
    assert (quoted.json["subtotal"], quoted.json["before_tax"], quoted.json["total"]) == (
        "495.00", "814.98", "937.03")
    assert [(t["code"], t["amount"]) for t in quoted.json["taxes"]] == [
        ("GST", "40.75"), ("QST", "81.30")]
    answer = register(client, 1, extras={"gala": 1, "companion": 2})
    assert answer.status_code == 201, answer.json
    assert (answer.json["quote"]["total"], answer.json["balance_due"]) == ("937.03", "937.03")
    shown = client.get(f"/api/registrations/{answer.json['id']}", headers={
        "Authorization": f"Bearer {answer.json['manage_token']}"})
    assert shown.json["quote"]["extras"][1]["quantity"] == 2


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"registration_type": "speaker", "extras": {"gala": 1}}, 422, "extra_not_offered"),
    ({"extras": {"companion": 3}}, 422, "extra_not_offered"),
    ({"extras": {"dessert": 1}}, 422, "extra_not_offered"),
    ({"extras": {"gala": "one"}}, 422, None),
])
def test_an_add_on_not_offered_is_refused_and_nothing_is_recorded(
        client, services, edition, body, status, code):
    answer = register(client, 1, **body)
    assert answer.status_code == status, answer.json
    if code:
        assert answer.json["details"]["code"] == code
    assert register(client, 1).status_code == 201  # the address was not taken


def test_a_limited_add_on_is_never_oversold_and_a_cancellation_gives_it_back(
        client, services, edition):
    first = register(client, 1, extras={"companion": 2})
    assert first.status_code == 201
    refused = register(client, 2, extras={"companion": 2})  # one left, two asked
    assert (refused.status_code, refused.json["details"]["code"]) == (409, "extra_sold_out")
    assert register(client, 3, extras={"companion": 1}).status_code == 201
    left = client.get(EDITION).json["extras"]
    assert [(e["code"], e["places_left"]) for e in left] == [("gala", None), ("companion", 0)]
    cancelled = client.post(f"/api/registrations/{first.json['id']}/cancellation",
                            headers={"Authorization": f"Bearer {first.json['manage_token']}"})
    assert cancelled.status_code == 200, cancelled.json
    assert [e["places_left"] for e in client.get(EDITION).json["extras"]] == [None, 2]
    assert register(client, 4, extras={"companion": 2}).status_code == 201


def test_racing_buyers_never_take_more_add_ons_than_there_are(app, edition):
    with serving(app) as server:
        answers = race(server, registration_type="delegate", extras={"companion": 1})
    statuses = Counter(status for status, _ in answers)
    assert statuses == {201: 3, 409: RACERS - 3}, answers
    assert {d["details"]["code"] for status, d in answers if status == 409} == {
        "extra_sold_out"}


def test_a_cancellation_refunds_the_add_ons_under_the_policy(client, services, edition, clock):
    clock.set("2019-05-10T12:00:00-04:00")  # 50 % back after May 1st, less the 50.00 fee
    answer = register(client, 1, extras={"gala": 1})
    registration_id = answer.json["id"]
    assert answer.json["balance_due"] == "707.10"  # 569.13 for the place, 137.97 the gala
    services.desk_payments.take_payment(UUID(registration_id), Decimal("707.10"), "cash", None)
    cancelled = client.post(f"/api/registrations/{registration_id}/cancellation",
                            headers={"Authorization": f"Bearer {answer.json['manage_token']}"})
    assert (cancelled.json["refund"]["retained"], cancelled.json["refund"]["refund_owed"]) == (
        "403.55", "303.55")


def test_the_gala_list_admits_its_types_and_those_who_bought_the_gala(
        client, services, edition, staff_headers, clock):
    desk = staff_headers["desk"]
    bought = code_of(services, register(client, 1, extras={"gala": 1}).json["id"])
    companion_only = code_of(services, register(client, 2, extras={"companion": 1}).json["id"])
    clock.set("2019-06-03T19:00:00-04:00")
    assert scan(client, bought, desk, list="gala").status_code == 201
    refused = scan(client, companion_only, desk, list="gala")
    assert (refused.status_code, refused.json["details"]["code"]) == (409, "not_on_list")
    assert scan(client, companion_only, desk, list="entry").status_code == 201
