"""What the benchmarks share: the backends to measure, a bench edition, attendees, figures.

Each backend is fresh: a temporary instance folder for SQLite, a new database on the local
PostgreSQL server (dropped afterwards) for PostgreSQL.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import socket
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

import psycopg

from domain.actor import Actor, acting_as
from registration.demo import DEMO_SLUG, demo_documents

P = ParamSpec("P")
R = TypeVar("R")

POSTGRES_SERVER = os.environ.get("DATABASE_URL_TEST", "postgresql://postgres@127.0.0.1:5432/test")
CLOCK_START = "2019-03-20T10:00:00-04:00"  # early bird on, registration open
DELEGATIONS = ("AL", "GA", "MS", "NC", "SC", "TN", "QC", "ON", "NS", "NB", "MB", "PE", "NL")


@contextmanager
def backend(name: str) -> Iterator[dict[str, str]]:
    """App settings for a fresh `sqlite` or `postgres` store, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        settings = {"INSTANCE_PATH": folder, "CLOCK_START": CLOCK_START,
                    "RATE_LIMIT_ENABLED": "false", "DATABASE_URL": ""}
        if name == "sqlite":
            yield settings
            return
        database = f"bench_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(POSTGRES_SERVER, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{database}"')
        try:
            yield {**settings, "DATABASE_URL": f"{POSTGRES_SERVER.rsplit('/', 1)[0]}/{database}"}
        finally:
            with psycopg.connect(POSTGRES_SERVER, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def postgres_available() -> bool:
    try:
        with psycopg.connect(POSTGRES_SERVER, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def backends() -> list[str]:
    names = ["sqlite"]
    if postgres_available():
        names.append("postgres")
    else:
        print(f"PostgreSQL not reachable at {POSTGRES_SERVER}: measuring SQLite only")
    return names


def bench_edition(limits: bool = True) -> dict[str, Any]:
    """The demo's Montréal edition; without limits, for runs larger than its allotments."""
    document = copy.deepcopy(next(d for d in demo_documents() if d["slug"] == DEMO_SLUG))
    if not limits:
        for delegation in document["delegations"]:
            delegation.pop("allotment", None)
        for code in document["discount_codes"]:
            code.pop("max_uses", None)
    return document


def limited_edition(places: int) -> dict[str, Any]:
    """The demo's Montréal edition with every limit on, each of `places`: each registration
    type's capacity, each delegation's allotment, each discount code's uses (so a rush decides
    its seats as a sold-out-able conference does, without running out)."""
    document = copy.deepcopy(next(d for d in demo_documents() if d["slug"] == DEMO_SLUG))
    for registration_type in document["registration_types"]:
        registration_type["capacity"] = places
    for delegation in document["delegations"]:
        delegation["allotment"] = places
    for code in document["discount_codes"]:
        code["max_uses"] = places
    return document


def attendee(n: int) -> dict[str, str]:
    return {"first_name": "Zoé", "last_name": f"Bélanger-{n}", "email": f"p{n}@bench.example",
            "organisation": "Hydro-Québec", "job_title": "Ingénieure", "language": "fr"}


def answers(n: int) -> dict[str, Any]:
    """What a registrant answers to the demo's questions (the photos and terms are required)."""
    given: dict[str, Any] = {"photos": n % 3 != 0, "terms": True, "gala-meal": "fish"}
    if n % 5 == 0:
        given["diet"] = "Sans gluten"
    return given


def registration_request(n: int) -> dict[str, Any]:
    """Mostly delegates across all delegations; every fourth a government official with a code;
    each answers the edition's questions."""
    government = n % 4 == 3
    return {"attendee": attendee(n), "delegation": DELEGATIONS[n % len(DELEGATIONS)],
            "registration_type": "government" if government else "delegate",
            "discount_code": "GOUV100" if government else None, "answers": answers(n)}


def post_registration(port: int, n: int, timeout: float = 120,
                      idempotency_key: str | None = None,
                      request: dict[str, Any] | None = None) -> tuple[int, bytes, float, float]:
    """POST registration n (`request`, else `registration_request(n)`) to the app on `port`:
    status, body, when sent and when answered. The request is written to a socket as bytes
    and the answer read to the connection's close (gunicorn's sync workers close each one):
    http.client parses headers with the e-mail package, and the load generator shares the
    two cores with what it measures."""
    body = json.dumps(request or registration_request(n)).encode()
    key = f"Idempotency-Key: {idempotency_key}\r\n" if idempotency_key is not None else ""
    head = (f"POST /api/editions/{DEMO_SLUG}/registrations HTTP/1.1\r\nHost: 127.0.0.1:{port}"
            f"\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n{key}"
            "Connection: close\r\n\r\n").encode()
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(head + body)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    answered = time.perf_counter()
    headers, _, data = b"".join(chunks).partition(b"\r\n\r\n")
    if b"chunked" in headers.lower():
        raise ValueError("a chunked answer: post_registration reads only whole ones")
    return int(headers.split(b" ", 2)[1]), data, started, answered


def as_benchmark(function: Callable[P, R]) -> Callable[P, R]:
    """`function`, recording what it does as the benchmark's (in whichever thread it runs:
    every event records who did it)."""

    @functools.wraps(function)
    def acting(*args: P.args, **kwargs: P.kwargs) -> R:
        with acting_as(Actor.system("benchmark")):
            return function(*args, **kwargs)

    return acting


def percentile(values: list[float], share: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[share - 1]
