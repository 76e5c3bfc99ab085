"""The web layer stays above the services: it never imports an aggregate module (an
import-linter contract, whose list is checked here) nor reaches one through the services."""

from __future__ import annotations

import importlib
import pkgutil
import re
import tomllib
from pathlib import Path

from eventsourcing.domain import Aggregate

import domain

ROOT = Path(__file__).resolve().parents[2]
# What only an aggregate (or the event store behind the services) has.
REACHING_PAST_THE_SERVICES = re.compile(
    r"\.registrations\.get\(|\.invoices\.get\(|\bapp\.(load|find|edition|events|repository)\b"
    r"|manage_token_hash|checkin_secret|password_hash|same_secret")


def aggregate_modules() -> set[str]:
    found = set()
    for info in pkgutil.iter_modules(domain.__path__, "domain."):
        module = importlib.import_module(info.name)
        if any(isinstance(value, type) and issubclass(value, Aggregate)
               and value.__module__ == info.name for value in vars(module).values()):
            found.add(info.name)
    return found


def test_the_web_may_import_no_module_that_defines_an_aggregate_and_the_list_says_which():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts = pyproject["tool"]["importlinter"]["contracts"]
    web = next(c for c in contracts if c.get("source_modules") == ["registration.web"])
    assert set(web["forbidden_modules"]) == aggregate_modules() | {"eventsourcing"}


def test_no_page_or_api_module_loads_an_aggregate_or_reads_its_secrets():
    offending = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
                 for path in sorted((ROOT / "registration" / "web").rglob("*.py"))
                 for number, line in enumerate(path.read_text().splitlines(), 1)
                 if REACHING_PAST_THE_SERVICES.search(line)]
    assert offending == []
