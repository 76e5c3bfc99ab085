"""No oversell: many real HTTP requests racing for the last place get exactly one winner.

The app is served by a threaded werkzeug server on loopback, so requests really run at the
same time against the one event store, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
import threading
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.error import HTTPError

import pytest
from flask import Flask

from domain.registration import Attendee
from registration.services.container import Services
from tests.support import editions
from tests.support.serving import serving

SLUG = "test-montreal"
RACERS = 30
WORKSHOP_SEATS = 5


@pytest.fixture
def server(app: Flask) -> Iterator[str]:
    with serving(app) as base_url:
        yield base_url


@pytest.fixture
def workshop_edition(services: Services) -> dict[str, Any]:
    """The test edition with a small workshop of five seats."""
    workshop = {"code": "workshop", "names": {"en": "Workshop", "fr": "Atelier"},
                "capacity": WORKSHOP_SEATS, "tiers": [{"name": "regular", "price": "150.00"}]}
    document = editions.edition(
        registration_types=[*editions.QUEBEC["registration_types"], workshop])
    services.editions.load(document)
    return document


def post(url: str, payload: dict[str, Any], start: threading.Barrier) -> tuple[int, Any]:
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    start.wait()
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, json.load(answer)
    except HTTPError as refused:
        with refused:
            return refused.code, json.load(refused)


def race(server: str, **body: Any) -> list[tuple[int, Any]]:
    """RACERS different people register at the same moment."""
    url = f"{server}/api/editions/{SLUG}/registrations"
    start = threading.Barrier(RACERS)
    payloads = [{"attendee": editions.attendee(1000 + n), **body} for n in range(RACERS)]
    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        return list(pool.map(lambda p: post(url, p, start), payloads))


def one_winner(answers: list[tuple[int, Any]], code: str) -> None:
    assert Counter(status for status, _ in answers) == {201: 1, 409: RACERS - 1}, answers
    for status, document in answers:
        if status == 409:
            assert document["details"] == {"code": code} and document["error"]


def fill(services: Services, seats: int, type_code: str = "delegate", delegation: str | None
         = None, code: str | None = None) -> None:
    for n in range(seats):
        services.registrations.register(
            SLUG, Attendee(**editions.attendee(n)), type_code, delegation, code)


def registered(services: Services, **where: str) -> int:
    config = services.editions.config(SLUG)
    return sum(1 for row in services.queries.registrations(config)
               if all(getattr(row, key) == value for key, value in where.items()))


def test_thirty_people_racing_for_the_last_seat_get_one_place(
        server, services, workshop_edition, staff_headers):
    fill(services, WORKSHOP_SEATS - 1, "workshop")
    one_winner(race(server, registration_type="workshop"), "sold_out")
    request = urllib.request.Request(f"{server}/api/editions/{SLUG}/attendance",
                                     headers=staff_headers["admin"])
    with urllib.request.urlopen(request, timeout=30) as answer:
        attendance = json.load(answer)
    assert attendance["by_type"]["workshop"]["registered"] == WORKSHOP_SEATS
    assert registered(services, registration_type="workshop") == WORKSHOP_SEATS


def test_a_discount_code_is_not_used_more_often_than_allowed_under_a_race(
        server, services, edition):
    fill(services, 1, code="PARTNER20")  # PARTNER20 may be used twice
    one_winner(race(server, registration_type="delegate", discount_code="PARTNER20"),
               "code_exhausted")
    assert registered(services, registration_type="delegate") == 2


def test_a_delegation_allotment_holds_under_a_race(server, services, edition):
    fill(services, 1, delegation="GA")  # Georgia has two reserved places
    one_winner(race(server, registration_type="delegate", delegation="GA"),
               "allotment_exhausted")
    assert registered(services, delegation="GA") == 2


def test_an_access_code_is_not_used_more_often_than_allowed_under_a_race(server, services):
    """The speaker type by invitation; its code SPK-TEAM opens it twice (one use left)."""
    types = [{**t, "access": "code", "capacity": None} if t["code"] == "speaker" else t
             for t in editions.QUEBEC["registration_types"]]
    services.editions.load(editions.edition(
        registration_types=types,
        access_codes=[{"code": "SPK-TEAM", "registration_types": ["speaker"], "max_uses": 2}]))
    services.registrations.register(SLUG, Attendee(**editions.attendee(1)), "speaker",
                                    access_code="SPK-TEAM")
    one_winner(race(server, registration_type="speaker", access_code="spk-team"),
               "access_code_exhausted")
    assert registered(services, registration_type="speaker") == 2
