"""Paying in headless Chromium: Stripe.js (localstripe's), the card, the webhook, the result."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from playwright.sync_api import Page, expect

from tests.e2e.browser.conftest import snap
from tests.support import editions


@pytest.fixture
def app_overrides(stripe_settings: dict[str, str]) -> dict[str, str]:
    return stripe_settings


def checkout_link(client: FlaskClient) -> str:
    answer = client.post("/api/editions/test-montreal/registrations", json={
        "attendee": editions.attendee(1), "registration_type": "delegate"})
    assert answer.status_code == 201, answer.json
    return f"/pay/{answer.json['id']}?token={answer.json['manage_token']}"


def enter_card(page: Page, number: str) -> None:
    card = page.locator("#card")
    card.locator("input[placeholder=number]").fill(number)
    card.locator("input[placeholder=exp_month]").fill("12")
    card.locator("input[placeholder=exp_year]").fill("30")
    card.locator("input[placeholder=cvc]").fill("123")
    card.locator("input[placeholder=postal_code]").fill("H2X1Y4")
    expect(page.locator("#pay")).to_be_enabled()
    page.locator("#pay").click()


def test_paying_with_the_test_card_shows_the_registration_paid(
        page: Page, client, edition, webhook_server):
    page.goto(checkout_link(client))
    expect(page.locator("#amount")).to_have_text("454.15")
    snap(page, "checkout")
    enter_card(page, "4242 4242 4242 4242".replace(" ", ""))
    expect(page.locator("#status")).to_have_text("paid", timeout=15_000)
    expect(page.locator("#message")).to_have_text("Thank you: your registration is paid.")
    expect(page.locator("#amount")).to_have_text("0.00")
    snap(page, "checkout-paid")
    page.reload()
    expect(page.locator("#status")).to_have_text("paid")
    expect(page.locator("#payment-form")).to_have_count(0)


def test_a_declined_card_shows_the_decline_and_leaves_the_registration_unpaid(
        page: Page, client, edition, webhook_server):
    link = checkout_link(client)
    page.goto(link)
    enter_card(page, "4000000000000002")
    expect(page.locator("#message")).to_have_text("Your card was declined.")
    expect(page.locator("#message")).to_have_class("error")
    snap(page, "checkout-declined")
    page.reload()
    expect(page.locator("#status")).to_have_text("pending_payment")
