"""localstripe for the suite, and the app served over real HTTP so its webhooks can land.

A test module opts in by overriding `app_overrides` with `stripe_settings`;
`webhook_server` then serves that app on a loopback port and registers its webhook.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

import pytest
import requests
from flask import Flask

from registration.adapters import localstripe_dev
from tests.support.serving import serving

T = TypeVar("T")


@pytest.fixture(scope="session")
def localstripe(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A localstripe server of our own on a free loopback port, for the whole session."""
    port = localstripe_dev.free_port()
    log = tmp_path_factory.mktemp("localstripe") / "localstripe.log"
    process = localstripe_dev.start(port, log=log)
    yield f"http://127.0.0.1:{port}"
    localstripe_dev.stop(process)


@pytest.fixture
def stripe_settings(localstripe: str) -> dict[str, str]:
    return {"STRIPE_API_BASE": localstripe,
            "STRIPE_WEBHOOK_SECRET": f"whsec_{secrets.token_hex(16)}"}


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app on http://127.0.0.1:<port>."""
    with serving(app) as base_url:
        yield base_url


@pytest.fixture
def webhook_server(app: Flask, live_server: str, localstripe: str) -> str:
    """The live app, with localstripe's signed webhooks pointed at it."""
    localstripe_dev.register_webhook(localstripe, f"{live_server}/webhooks/stripe",
                                     app.config["SETTINGS"].stripe_webhook_secret, "tests")
    return live_server


def eventually(probe: Callable[[], T | None], timeout: float = 15.0) -> T:
    """Wait for `probe` to return something truthy (webhooks arrive a second or so later)."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"still {result!r} after {timeout} s")
        time.sleep(0.1)


def card_token(localstripe: str, number: str, publishable_key: str = "pk_test_local") -> str:
    """What Stripe.js's `createToken(card)` does in the browser, done from a test."""
    answer = requests.post(f"{localstripe}/v1/tokens", timeout=5, data={
        "card[number]": number, "card[exp_month]": "12", "card[exp_year]": "2030",
        "card[cvc]": "123", "key": publishable_key})
    answer.raise_for_status()
    return str(answer.json()["id"])


def signed(payload: bytes, secret: str, at: int | None = None) -> dict[str, str]:
    """Headers Stripe would send with `payload` (to replay an event as Stripe does)."""
    timestamp = int(time.time()) if at is None else at
    digest = hmac.new(secret.encode(), b"%d.%s" % (timestamp, payload), hashlib.sha256)
    return {"Stripe-Signature": f"t={timestamp},v1={digest.hexdigest()}",
            "Content-Type": "application/json"}
