"""Templates do no I/O: every global and filter of ours they may call reads at most the
request, and a view passes in whatever comes from a store."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask

from domain.money import Money

MONEY = Money(Decimal("454.15"), "CAD")
# One call of each template global and filter our code installs.
CALLS: dict[str, tuple[Any, ...]] = {
    "csrf_token": (), "switch_language_url": ("fr",), "new_form_key": (),
    "current_language": (), "money_of": (Decimal("1"), "CAD"),
    "money": (MONEY,), "day": (date(2019, 6, 2),),
    "time_of_day": (datetime.fromisoformat("2019-06-02T08:30:00-04:00"),),
    "moment": (datetime.fromisoformat("2019-06-02T08:30:00-04:00"),),
    "percent": (Decimal("50"),), "status_label": ("paid",), "status_tone": ("paid",),
    "amount_typed": (MONEY,), "amount_example": (),
    "dates": (date(2019, 6, 2), date(2019, 6, 4)), "decline_messages": (),
}


class NoServices:
    """Stands in for the services: any use of them fails the test."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"a template global or filter used services.{name}")


@pytest.fixture
def database_url() -> None:
    return None  # one backend is enough: nothing here may touch it


def ours(app: Flask) -> dict[str, Any]:
    installed = {**app.jinja_env.globals, **app.jinja_env.filters}
    return {name: value for name, value in installed.items()
            if getattr(value, "__module__", "").startswith(("registration", "domain"))}


def test_every_template_global_and_filter_runs_without_the_services(app: Flask) -> None:
    installed = ours(app)
    assert set(installed) == set(CALLS)  # a new one gets a call here, proving it does no I/O
    services, app.extensions["services"] = app.extensions["services"], NoServices()
    try:
        with app.test_request_context("/e/test-montreal?lang=en"):
            for name, arguments in CALLS.items():
                installed[name](*arguments)
    finally:
        app.extensions["services"] = services
