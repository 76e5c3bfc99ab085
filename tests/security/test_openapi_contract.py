"""The API keeps the contract its OpenAPI document states, checked by schemathesis.

Schemathesis reads `/api/openapi.json` from the app (in-process, WSGI, on SQLite, with
localstripe for card payments) and runs its phases: the documented examples, boundary
cases (coverage), generated valid and invalid requests for every operation (fuzzing), then
sequences that follow the document's links (stateful: register, then read, correct, pay,
invoice, cancel that registration; issue an invoice, then read, pay and credit it). Staff
operations are called as an admin; a holder's operations on a registration whose manage
token is known (seeded, or returned by a registration during the run) with that token.

Every answer must be no server error, match the response schema documented for its status,
and have a documented status and content type. The figures (cases, operations, failures,
time) are written to `CONTRACT_FIGURES` (a JSON file under /tmp) and printed in the terminal
summary of the session.

Run it alone: `.venv/bin/python -m pytest -q tests/security/test_openapi_contract.py`
(`SCHEMATHESIS_EXAMPLES=200` for a longer run, `SCHEMATHESIS_SEED=…` to replay one).
"""

from __future__ import annotations

import json
import os
import random
import time
from collections import Counter
from typing import Any

import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema

from domain.actor import ROLES
from registration.web.api.openapi import PATH_VARIABLE
from tests.conftest import CONTRACT_FIGURES, bearer
from tests.support import editions

SLUG = "test-montreal"
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "20"))  # per operation, fuzzing phase
STATEFUL_STEPS = int(os.environ.get("SCHEMATHESIS_STATEFUL_STEPS", "60"))
CHECKS = ("not_a_server_error", "response_schema_conformance", "status_code_conformance",
          "content_type_conformance")


@pytest.fixture
def database_url() -> None:
    return None  # SQLite: the contract does not depend on the database


@pytest.fixture
def app_overrides(stripe_settings: dict[str, str]) -> dict[str, str]:
    return stripe_settings


def register(client: FlaskClient, n: int) -> tuple[str, str]:
    answer = client.post(f"/api/editions/{SLUG}/registrations", json={
        "attendee": editions.attendee(n), "registration_type": "delegate"})
    assert answer.status_code == 201, answer.json
    return answer.json["id"], answer.json["manage_token"]


def seeded(client: FlaskClient, admin: dict[str, str]) -> dict[str, str]:
    """A few registrations (one invoiced) whose manage tokens the run may use."""
    holders = dict(register(client, n) for n in range(1, 5))
    first = next(iter(holders))
    issued = client.post(f"/api/editions/{SLUG}/invoices", headers=admin, json={
        "registrations": [first], "bill_to": {"name": "Exo"}})
    assert issued.status_code == 201, issued.json
    return holders


def contract_schema(app: Flask, admin_token: str, holders: dict[str, str],
                    seed: int) -> Any:
    config = SchemathesisConfig.from_dict({
        "seed": seed,
        "cache": {"enabled": False},  # nothing written in the checkout
        "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
        "generation": {"max-examples": EXAMPLES, "database": "none"},
        "phases": {"stateful": {"max-steps": STATEFUL_STEPS}},
    })
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app, config=config)
    document = app.test_client().get("/api/openapi.json").json
    holder_operations = {
        f"{method.upper()} {path}" for path, item in document["paths"].items()
        for method, op in item.items()
        if method != "parameters" and {"manageToken": []} in op.get("security", [])}

    class Credentials:
        """Admin for staff operations; the holder's own token where one is known."""

        def get(self, case: Any, context: Any) -> str:
            return admin_token

        def set(self, case: Any, token: str, context: Any) -> None:
            registration = (case.path_parameters or {}).get("registration_id")
            if case.operation.label in holder_operations and registration in holders:
                token = holders[registration]
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}

    schema.auth.auth(refresh_interval=None)(Credentials)

    @schema.hook("after_call")
    def remember_manage_tokens(context: Any, case: Any, response: Any) -> None:
        if response.status_code == 201 and case.operation.label.endswith("/registrations"):
            answer = json.loads(response.content)
            holders[answer["id"]] = answer["manage_token"]

    return schema


def run(schema: Any) -> dict[str, Any]:
    """Every phase of schemathesis; what it did and what it found."""
    cases: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    failures: Counter[str] = Counter()
    spent: Counter[str] = Counter()
    errors: list[str] = []
    started = time.monotonic()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            recorder = event.recorder
            cases[str(event.phase.value)] += len(recorder.cases)
            for interaction in recorder.interactions.values():
                if interaction.response is not None:
                    statuses[str(interaction.response.status_code)] += 1
                    spent[recorder.label] += interaction.response.elapsed
            for checks in recorder.checks.values():
                for check in checks:
                    if check.failure_info is not None:
                        failures[f"{check.name}: {recorder.label}: "
                                 f"{check.failure_info.failure.title}"] += 1
        elif isinstance(event, events.NonFatalError):
            errors.append(f"{event.label}: {event.value!r}")
        elif isinstance(event, events.FatalError):
            errors.append(repr(event.exception))
    return {"cases": sum(cases.values()), "cases_by_phase": dict(cases),
            "statuses": dict(sorted(statuses.items())), "failures": dict(failures),
            "errors": errors, "seconds": round(time.monotonic() - started, 1),
            "slowest": {label: round(seconds, 1) for label, seconds in spent.most_common(5)}}


@pytest.mark.xdist_group("schemathesis")
@pytest.mark.timeout(900)
def test_every_operation_keeps_its_documented_contract(app, client, edition, services):
    assert app.config["SETTINGS"].rate_limit_enabled is False  # no 429 to tell apart
    admin_token = services.staff.create("contract-admin", "admin")[1]
    holders = seeded(client, bearer(admin_token))
    seed = int(os.environ.get("SCHEMATHESIS_SEED") or random.randrange(2**32))
    schema = contract_schema(app, admin_token, holders, seed)
    figures = run(schema)
    figures.update(seed=seed, operations=len(list(schema.get_all_operations())),
                   server_errors=sum(n for name, n in figures["failures"].items()
                                     if name.startswith("not_a_server_error")),
                   schema_violations=sum(n for name, n in figures["failures"].items()
                                         if name.startswith("response_schema_conformance")),
                   registrations_with_known_token=len(holders))
    CONTRACT_FIGURES.write_text(json.dumps(figures, indent=2))
    assert not figures["errors"], figures["errors"]
    assert figures["failures"] == {}, json.dumps(figures["failures"], indent=2)
    assert figures["cases"] >= 2000, figures["cases_by_phase"]
    assert figures["cases_by_phase"].get("stateful", 0) > 0
    assert figures["statuses"].get("201", 0) > 0  # the stateful phase created things


def placeholder(rule_path: str, values: dict[str, str]) -> str:
    return PATH_VARIABLE.sub(lambda m: values.get(m["name"], "x"), rule_path)


def test_every_api_route_is_documented_with_its_methods_and_the_roles_it_lets_in(
        app, client, edition, staff_headers):
    """Generic over the URL map: an endpoint added later is checked the same way. Each
    role's token is tried on each operation: refused (403) exactly when the document leaves
    the role out."""
    document = client.get("/api/openapi.json").json
    registration, _ = register(client, 9)
    values = {"slug": SLUG, "registration_id": registration}
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.endpoint.startswith("docs."):
            continue
        path = PATH_VARIABLE.sub(r"{\g<name>}", rule.rule)
        view = app.view_functions[rule.endpoint]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            op = document["paths"][path][method.lower()]
            staff, holder = getattr(view, "staff_roles", None), getattr(view, "holder_roles", None)
            if getattr(view, "lead_token", False):  # a delegation lead's: no staff role
                assert op["security"] == [{"leadToken": []}] and "x-roles" not in op, path
                continue
            if staff is None and holder is None:
                assert op["security"] == [] and "x-roles" not in op, (method, path)
                continue
            named = staff if staff is not None else holder
            assert op["x-roles"] == [r for r in ROLES if not named or r in named or r == "admin"]
            expected = [{"staffToken": []}] if staff is not None else [
                {}, {"staffToken": []}] if view.tokens_in_body else [
                {"manageToken": []}, {"manageLink": []}, {"staffToken": []}]
            assert op["security"] == expected, (method, path)
            assert "Who may call:" in op["description"]
            if "<" in rule.rule and not set(rule.arguments) <= set(values):
                continue  # an invoice or payment that does not exist: 404 before any role
            for role in ROLES:
                answer = client.open(placeholder(rule.rule, values), method=method, json={},
                                     headers=staff_headers[role])
                refused = answer.status_code == 403
                assert refused == (role not in op["x-roles"]), (method, path, role, answer.json)
                checked += 1
    assert checked >= 30
