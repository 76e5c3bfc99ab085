"""A seat held unpaid, freed by its payment deadline, then taken by someone else: in a real
browser, in French, at desktop and phone width."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from registration.services.container import Services
from tests.e2e.browser.conftest import new_page, snap
from tests.e2e.browser.forms import fill_person
from tests.support import editions
from tests.support.clock import SettableClock

pytestmark = pytest.mark.browser
SLUG = "test-montreal"
NBSP = "\u00a0"
SOLD_OUT = f"Complet{NBSP}: il ne reste aucune place pour ce type d\u2019inscription"


@pytest.fixture
def edition(services: Services) -> dict:
    """Fourteen days to pay, and a single delegate seat."""
    document = editions.edition(payment_days=14)
    document["registration_types"][0]["capacity"] = 1
    services.editions.load(document)
    return document


def register_delegate(page: Page, first: str, email: str) -> None:
    page.goto(f"/e/{SLUG}/register")
    page.select_option("#delegation", "QC")
    fill_person(page, first_name=first, last_name="Tremblay", email=email,
                organisation="Hydro-Québec", job_title="Ingénieure")
    page.get_by_role("button", name="S\u2019inscrire").click()
    expect(page.locator("h1")).to_have_text("Inscription confirmée")


def test_a_seat_freed_by_its_payment_deadline_is_taken_by_someone_else(
        french_page: Page, browser: Browser, live_server: str, services: Services,
        edition: dict, clock: SettableClock) -> None:
    holder = french_page
    register_delegate(holder, "Émilie", "emilie@example.com")
    deadline = f"au plus tard le 3 avril 2019{NBSP}: après cette date"
    expect(holder.locator("[data-payment-deadline]")).to_contain_text(deadline)
    holder.get_by_role("link", name="Ouvrir mon inscription").click()
    expect(holder.locator("[data-payment-deadline]")).to_contain_text(
        f"Veuillez payer 454,15{NBSP}$ {deadline}")
    snap(holder, "deadline-manage-fr")

    other = next(new_page(browser, live_server, "fr-CA"))
    other.goto(f"/e/{SLUG}/register")
    expect(other.locator("label.choice[data-type=delegate]")).to_contain_text(SOLD_OUT)

    clock.set("2019-04-04T00:00:01-04:00")
    assert services.deadlines.run().expired == 1  # the pass the jobs process runs each minute

    holder.reload()
    expect(holder.locator("[data-status]")).to_have_text("Annulée")
    expect(holder.locator("[data-expired]")).to_have_text(
        f"Votre place a été libérée{NBSP}: elle n\u2019a pas été payée au plus tard le 3 "
        "avril 2019.")
    expect(holder.locator("[data-history] li[data-event=Expired]")).to_contain_text(
        f"Place libérée{NBSP}: non payée au plus tard le 3 avril 2019")
    expect(holder.locator("[data-history] li[data-event=Expired]")).to_contain_text(
        "par le suivi des échéances de paiement")
    expect(holder.locator("[data-payment-deadline]")).to_have_count(0)
    snap(holder, "deadline-expired-fr")

    register_delegate(other, "Nadia", "nadia@example.com")
    expect(other.locator("main")).to_contain_text("Nadia")
    snap(other, "deadline-seat-taken-fr")
    other.context.close()
