"""The check-in screen when the network drops, in a real browser: scans answered from the
device's copy and queued ("offline — will sync"), sent when the network returns; the same
person scanned in on two offline devices comes back as a conflict, never a second entry."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from domain.checkin import grouped, short_code
from registration.services.container import Services
from tests.e2e.browser.conftest import new_page, snap
from tests.e2e.browser.test_phone_and_accessibility import axe_violations
from tests.e2e.browser.test_staff_pages import PASSWORD, SLUG, register, sign_in

pytestmark = pytest.mark.browser
CHECK_IN = f"/staff/desk/{SLUG}/check-in"


@pytest.fixture
def second_device(browser: Browser, live_server: str) -> Iterator[Page]:
    """Another desk device (its own browser storage)."""
    yield from new_page(browser, live_server, "en-CA")


def open_check_in(page: Page, language: str, badges: int) -> None:
    page.goto(f"{CHECK_IN}?lang={language}")
    expect(page.locator("[data-offline-desk]")).to_have_attribute("data-ready", "true")
    expect(page.locator("[data-offline-status]")).to_contain_text(str(badges))


def scanned_offline(page: Page, code: str) -> None:
    """A scan with no network: answered on the page itself (no page is loaded)."""
    page.locator("#code").fill(code)
    page.locator("#code").press("Enter")


def entries(services: Services, registration: Any) -> list[str]:
    return [e.event for e in services.registrations.history(registration)
            if e.event in {"CheckedIn", "CheckInConflicted"}]


def test_scans_made_offline_are_answered_queued_and_synced_when_the_network_returns(
        page: Page, services: Services, edition: dict) -> None:
    services.staff.create_account("Dana Desk", "desk@example.com", PASSWORD, "desk")
    francois, zoe = register(services, 1, "QC"), register(services, 2, "QC")
    sign_in(page, "desk@example.com")
    open_check_in(page, "en", 2)

    page.context.set_offline(True)
    page.reload()  # the service worker serves the page without the network
    expect(page.locator("[data-offline-desk]")).to_have_attribute("data-ready", "true")
    status = page.locator("[data-offline-status]")
    expect(status).to_contain_text("Offline — scans are kept on this device")
    scanned_offline(page, grouped(short_code(services.registrations.get(francois).checkin_secret)))
    answer = page.locator("[data-answer]")
    expect(answer).to_have_attribute("data-offline", "true")
    expect(answer).to_contain_text("Checked in — offline, will sync")
    expect(answer).to_contain_text("François Tremblay1")
    expect(status).to_contain_text("Scans waiting to sync: 1.")
    scanned_offline(page, services.registrations.get(zoe).checkin_secret)  # a USB scanner
    expect(answer).to_contain_text("Tremblay2")
    expect(status).to_contain_text("Scans waiting to sync: 2.")
    scanned_offline(page, services.registrations.get(zoe).checkin_secret)
    # the time as the pages write it ("10:00 a.m."), in the edition's zone
    expect(answer).to_contain_text(re.compile(r"Already inside since \d{1,2}:\d\d\s[ap]\.m\."))
    expect(status).to_contain_text("Scans waiting to sync: 2.")  # a second entry is not queued
    expect(page.locator("[data-present]")).to_have_text("2 people inside now")
    snap(page, "desk-offline-queued-en")
    assert entries(services, francois) == []

    page.context.set_offline(False)
    expect(page.locator("[data-offline-results]")).to_contain_text(
        "Back online. Scans synced: 2.")
    expect(status).not_to_contain_text("waiting")
    assert entries(services, francois) == ["CheckedIn"]
    assert entries(services, zoe) == ["CheckedIn"]
    snap(page, "desk-offline-synced-en")


def test_one_person_scanned_in_on_two_offline_devices_is_a_conflict_on_the_desk(
        page: Page, second_device: Page, services: Services, edition: dict,
        axe_source: str) -> None:
    services.staff.create_account("Dana Desk", "desk@example.com", PASSWORD, "desk")
    services.staff.create_account("Paul Porte", "door@example.com", PASSWORD, "desk")
    aline = register(services, 3, "QC")
    code = grouped(short_code(services.registrations.get(aline).checkin_secret))
    devices = ((page, "desk@example.com"), (second_device, "door@example.com"))
    for device, email in devices:
        sign_in(device, email)
        open_check_in(device, "fr", 1)
        device.context.set_offline(True)
        scanned_offline(device, code)
        expect(device.locator("[data-answer]")).to_contain_text(
            "Arrivée enregistrée — hors ligne, sera synchronisée")

    page.context.set_offline(False)
    expect(page.locator("[data-offline-results]")).to_contain_text(
        "Scans synchronisés\u00a0: 1.")
    second_device.context.set_offline(False)
    conflict = second_device.locator("[data-sync-result=conflict]")
    expect(conflict).to_contain_text("François Tremblay3")
    expect(conflict).to_contain_text("Conflit\u00a0: entrée déjà scannée sur un autre appareil")
    snap(second_device, "desk-offline-conflict-fr")
    assert axe_violations(second_device, axe_source) == []
    assert entries(services, aline) == ["CheckedIn", "CheckInConflicted"]

    second_device.goto(f"/staff/desk/attendees/{aline}")  # the desk card: every scan
    scans = second_device.locator("[data-scans-list=entry] li")
    expect(scans).to_have_count(2)
    expect(scans.nth(0)).to_have_attribute("data-scan", "entry")
    expect(scans.nth(0)).to_contain_text("par Dana Desk")
    expect(scans.nth(1)).to_have_attribute("data-scan", "conflict")
    expect(scans.nth(1)).to_contain_text("Conflit (Entrée au congrès)\u00a0: entrée scannée "
                                         "hors ligne")
    expect(scans.nth(1)).to_contain_text("par Paul Porte")
    snap(second_device, "desk-card-scans-fr")
    assert axe_violations(second_device, axe_source) == []
