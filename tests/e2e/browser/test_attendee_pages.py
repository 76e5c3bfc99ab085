"""An attendee's pages in a real browser: register in French, manage, correct, cancel."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from playwright.sync_api import Page, expect

from domain.money import Money
from registration.services.container import Services
from tests.e2e.browser.conftest import snap
from tests.e2e.browser.forms import fill_person, fill_quebec_group

pytestmark = pytest.mark.browser
SLUG = "test-montreal"
NBSP = "\u00a0"


def record_card_payment(services: Services, registration_id: Any, amount: str) -> None:
    def decision() -> tuple[list, None]:
        registration = services.registrations.get(registration_id)
        registration.record_payment(Money(Decimal(amount), "CAD"), "card", "pi_browser_test")
        return [registration], None

    services.app.decide(decision)


def test_an_attendee_registers_in_french_corrects_details_and_sees_the_refund_before_cancelling(
        french_page: Page, services: Services, edition: dict) -> None:
    page = french_page
    page.goto(f"/e/{SLUG}")
    expect(page.locator("h2").first).to_have_text("Types d\u2019inscription et prix du jour")
    delegate = page.locator("[data-type=delegate]")
    expect(delegate).to_contain_text(f"395,00{NBSP}$")
    expect(delegate).to_contain_text("prix de prévente jusqu\u2019au 15 avril")
    snap(page, "edition-fr")

    page.get_by_role("link", name="S\u2019inscrire maintenant").click()
    expect(page.locator("h1")).to_contain_text("Inscription")
    expect(page.locator("[data-quote] .total")).to_contain_text(f"454,15{NBSP}$")
    page.select_option("#delegation", "QC")
    fill_person(page, first_name="François", last_name="Tremblay", email="pas-un-courriel",
                organisation="Hydro-Québec", job_title="Ingénieur")
    page.fill("#discount_code", "PARTNER20")
    page.locator("#discount_code").blur()
    expect(page.locator("[data-quote]")).to_contain_text("Code de réduction PARTNER20")
    expect(page.locator("[data-quote] .total")).to_contain_text(f"363,32{NBSP}$")
    page.get_by_role("button", name="S\u2019inscrire").click()

    expect(page.locator("#email-error")).to_have_text(
        "Entrez une adresse courriel comme nom@exemple.com.")
    snap(page, "register-error-fr")
    page.fill("#email", "francois@example.com")
    page.get_by_role("button", name="S\u2019inscrire").click()

    expect(page.locator("h1")).to_have_text("Inscription confirmée")
    expect(page.locator("main")).to_contain_text("francois@example.com")  # the link goes there
    assert "token" not in page.url and "token=" not in page.content()
    snap(page, "confirmation-fr")

    page.get_by_role("link", name="Ouvrir mon inscription").click()  # this session holds it
    expect(page.locator("[data-status]")).to_have_text("En attente de paiement")
    expect(page.locator("[data-quote] .total")).to_contain_text(f"363,32{NBSP}$")
    registration_id = UUID(page.url.split("/r/")[1][:36])
    record_card_payment(services, registration_id, "363.32")
    page.reload()
    expect(page.locator("[data-status]")).to_have_text("Payée")
    snap(page, "manage-fr")

    page.get_by_role("link", name="Corriger mes coordonnées").click()
    page.fill("#job_title", "Directeur")
    snap(page, "details-fr")
    page.get_by_role("button", name="Enregistrer mes coordonnées").click()
    expect(page.locator(".notice.ok")).to_have_text("Vos coordonnées sont corrigées.")
    expect(page.locator("[data-field=job_title]")).to_have_text("Directeur")

    events_before = len(services.registrations.history(registration_id))
    page.get_by_role("link", name="Annuler mon inscription").click()
    # Before May 1st: everything back but the 50 $ fee, shown before anything is recorded.
    expect(page.locator("[data-refund]")).to_have_text(f"313,32{NBSP}$")
    assert len(services.registrations.history(registration_id)) == events_before
    snap(page, "cancel-fr")
    page.get_by_role("button", name="Confirmer l\u2019annulation").click()
    expect(page.locator(".notice.ok")).to_have_text("Votre inscription est annulée.")
    expect(page.locator("[data-status]")).to_have_text("Annulée")
    expect(page.locator("main")).to_contain_text(f"313,32{NBSP}$")


def test_an_english_visitor_sees_prices_the_canadian_english_way(
        page: Page, edition: dict) -> None:
    page.goto(f"/e/{SLUG}")
    expect(page.locator("[data-type=delegate]")).to_contain_text("$395.00")
    expect(page.locator("[data-type=delegate]")).to_contain_text("early-bird price until April 15")
    snap(page, "edition-en")
    page.goto(f"/e/{SLUG}/register")
    snap(page, "register-en")


def test_a_delegation_lead_registers_several_people_and_their_page_survives_a_reload(
        french_page: Page, services: Services, edition: dict) -> None:
    page = french_page
    fill_quebec_group(page, SLUG)
    snap(page, "group-fr")
    page.get_by_role("button", name="Inscrire ces personnes").click()

    for _reload in range(2):  # the lead's page, then the same after a reload
        expect(page.locator("h1")).to_have_text("Délégation Québec")
        expect(page.locator("[data-members] li")).to_have_count(2)
        expect(page.locator("[data-members]")).to_contain_text("Marie Gagnon")
        expect(page.locator("[data-members] [data-status]").first).to_have_text(
            "En attente de paiement")
        page.reload()
    assert "/g/" in page.url and "token" not in page.url
    snap(page, "lead-fr")
    page.locator("[data-members] li").first.get_by_role(
        "button", name="Lui demander de compléter ses coordonnées").click()
    expect(page.locator(".notice.ok")).to_contain_text("son propre lien par courriel")
    rows = services.queries.registrations(services.editions.config(SLUG))
    assert sorted((r.first_name, r.delegation, r.organisation) for r in rows) == [
        ("Luc", "QC", "Investissement Québec"), ("Marie", "QC", "Investissement Québec")]


def test_the_price_panel_empties_and_says_why_when_a_code_is_refused(
        french_page: Page, edition: dict) -> None:
    page = french_page
    page.goto(f"/e/{SLUG}/register")
    expect(page.locator("[data-quote] .total")).to_contain_text(f"454,15{NBSP}$")
    page.fill("#discount_code", "PARTNER20")
    page.locator("#discount_code").blur()
    expect(page.locator("[data-quote] .total")).to_contain_text(f"363,32{NBSP}$")
    page.fill("#discount_code", "NOPE")
    page.locator("#discount_code").blur()
    expect(page.locator("[data-quote]")).to_have_count(0)
    expect(page.locator("[data-quote-refused]")).to_have_text(
        "Ce code de réduction est inconnu, expiré ou non valide pour ce type d\u2019inscription.")
    page.fill("#discount_code", "")
    page.locator("#discount_code").blur()
    expect(page.locator("[data-quote] .total")).to_contain_text(f"454,15{NBSP}$")
    expect(page.locator("[data-quote-refused]")).to_have_count(0)
