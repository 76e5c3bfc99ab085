"""Fixtures the security tests share."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from registration.app import create_app
from tests.support.clock import SettableClock


@pytest.fixture
def make_app(app: Flask, clock: SettableClock) -> Iterator[Callable[..., Flask]]:
    """Another instance of the app (as another gunicorn worker is) on the same database,
    with rate limits on and the settings given."""
    made: list[Flask] = []

    def make(**settings: str) -> Flask:
        other = create_app({"DATABASE_URL": "",
                            "INSTANCE_PATH": str(app.config["SETTINGS"].instance_path),
                            "RATE_LIMIT_ENABLED": "true", **settings}, clock=clock)
        other.config["TESTING"] = True
        made.append(other)
        return other

    yield make
    for other in made:
        other.extensions["services"].close()
