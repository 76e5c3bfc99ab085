"""Paying in headless Chromium: Stripe.js (localstripe's), the card, the webhook, the result."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from playwright.sync_api import Page, expect

from tests.e2e.browser.conftest import snap
from tests.e2e.browser.forms import fill_quebec_group
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
    expect(page.locator("#amount")).to_have_text("$454.15")
    expect(page.locator("#status")).to_have_text("Awaiting payment")
    snap(page, "checkout")
    enter_card(page, "4242 4242 4242 4242".replace(" ", ""))
    expect(page.locator("#status")).to_have_attribute("data-status", "paid", timeout=15_000)
    expect(page.locator("#status")).to_have_text("Paid")
    expect(page.locator("#message")).to_have_text("Thank you: your registration is paid.")
    expect(page.locator("#amount")).to_have_text("$0.00")
    snap(page, "checkout-paid")
    page.reload()
    expect(page.locator("#status")).to_have_attribute("data-status", "paid")
    expect(page.locator("#payment-form")).to_have_count(0)


def test_a_declined_card_shows_the_decline_and_leaves_the_registration_unpaid(
        page: Page, client, edition, webhook_server):
    link = checkout_link(client)
    page.goto(link)
    enter_card(page, "4000000000000002")
    expect(page.locator("#message")).to_have_text(
        "Your card was declined. Try another card or contact your bank.")
    expect(page.locator("#message")).to_have_class("error")
    snap(page, "checkout-declined")
    page.reload()
    expect(page.locator("#status")).to_have_attribute("data-status", "pending_payment")


def test_a_french_visitor_pays_on_a_french_page_with_french_amounts(
        french_page: Page, client, edition, webhook_server):
    page = french_page
    page.goto(checkout_link(client))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_have_text("Payer par carte")
    expect(page.locator("#amount")).to_have_text("454,15\u00a0$")
    expect(page.locator("#pay")).to_have_text("Payer 454,15\u00a0$")
    snap(page, "checkout-fr")
    enter_card(page, "4242424242424242")
    expect(page.locator("#message")).to_have_text("Merci : votre inscription est payée.",
                                                  timeout=15_000)
    expect(page.locator("#status")).to_have_text("Payée")
    expect(page.locator("#amount")).to_have_text("0,00\u00a0$")


def test_a_delegation_lead_pays_for_everyone_with_one_card(page: Page, edition, webhook_server):
    fill_quebec_group(page, "test-montreal")
    page.get_by_role("button", name="Register these people").click()
    page.get_by_role("button", name="Pay for the people ticked").click()  # on the lead's page
    expect(page.locator("#amount")).to_have_text("$908.30")
    enter_card(page, "4242424242424242")
    expect(page.locator("#message")).to_have_text("Thank you: everyone is paid for.",
                                                  timeout=15_000)
    expect(page.locator("#message")).to_have_attribute("data-status", "paid")


def test_a_declined_card_is_said_in_french_on_a_french_page_and_in_its_history(
        french_page: Page, client, edition, webhook_server):
    page = french_page
    page.goto(checkout_link(client))
    enter_card(page, "4000000000000002")
    expect(page.locator("#message")).to_have_text(
        "Votre carte a été refusée. Essayez une autre carte ou communiquez avec votre banque.")
    page.goto(page.url.replace("/pay/", "/r/"))
    expect(page.locator("main")).to_contain_text("Paiement refusé")
    expect(page.locator("main")).to_contain_text("Votre carte a été refusée.")
    expect(page.locator("main")).not_to_contain_text("Your card was declined")
