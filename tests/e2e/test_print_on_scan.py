"""Print on scan: a badge's QR code (or its short code, or the attendee's e-ticket) scanned at
the desk's print screen opens that person's badge, its print recorded; nobody is checked in.
The attendee's manage page shows the e-ticket: the badge's own QR code and short code."""

from __future__ import annotations

import re
from uuid import UUID

import pytest
from flask import Flask
from flask.testing import FlaskClient

from domain.attendee import Attendee
from domain.checkin import grouped, short_code
from registration.adapters.qr_code import qr_svg
from registration.services.container import Services
from tests.support import editions
from tests.support.pdfs import page_texts, qr_codes
from tests.support.staff_pages import signed_in

SLUG = "test-montreal"
SCREEN = f"/staff/desk/{SLUG}/print-on-scan"
pytestmark = pytest.mark.usefixtures("edition")


@pytest.fixture
def database_url() -> None:
    """Pages on SQLite only: the desk service runs on both (tests/e2e/test_desk.py)."""
    return None


def registered(services: Services, n: int = 1) -> tuple[UUID, str]:
    created = services.registrations.register(SLUG, Attendee(**editions.attendee(n)),
                                              "delegate", "QC")
    return created.registration.id, created.manage_token


def desk_in(app: Flask, services: Services, language: str = "en") -> FlaskClient:
    desk = signed_in(app, services, role="desk")
    desk.get(f"/staff/desk/?lang={language}")
    return desk


def scanned(desk: FlaskClient, code: str) -> object:
    form = desk.get(SCREEN).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token is not None
    return desk.post(SCREEN, data={"csrf_token": token.group(1), "code": code})


def events(services: Services, registration_id: UUID) -> list[str]:
    return [e.event for e in services.registrations.history(registration_id)]


def test_a_scanned_qr_code_or_short_code_opens_the_badge_and_records_each_print_without_check_in(
        app, services):
    registration_id, _ = registered(services)
    secret = services.registrations.get(registration_id).checkin_secret
    desk = desk_in(app, services)
    screen = desk.get(SCREEN)
    assert screen.status_code == 200 and "Print on scan" in screen.get_data(as_text=True)
    assert "camera=(self)" in screen.headers["Permissions-Policy"]

    printed = scanned(desk, secret)

    assert printed.status_code == 200 and printed.mimetype == "application/pdf"
    assert printed.headers["Content-Disposition"].startswith("inline")
    assert qr_codes(printed.data) == [secret]
    assert "François Tremblay1" in page_texts(printed.data)[0]
    reprinted = scanned(desk, grouped(short_code(secret)).lower())
    assert reprinted.mimetype == "application/pdf"
    history = events(services, registration_id)
    assert history.count("BadgePrinted") == 2 and "CheckedIn" not in history
    assert services.registrations.get(registration_id).checked_in_at is None


@pytest.mark.parametrize(("language", "unknown", "mistyped", "cancelled", "replaced"), [
    ("en", "Unknown code: no badge of this conference", "badge codes never use O, I, L",
     "Cancelled registration: do not admit.", "Badge replaced"),
    ("fr", "Code inconnu\u00a0: aucun badge de cette conférence", "n\u2019emploient jamais O, I, L",
     "Inscription annulée", "Badge remplacé"),
])
def test_a_code_that_prints_no_badge_says_why_in_red_and_records_nothing(
        app, services, language, unknown, mistyped, cancelled, replaced):
    gone, _ = registered(services, 1)
    handed, _ = registered(services, 2)
    gone_secret = services.registrations.get(gone).checkin_secret
    old_secret = services.registrations.get(handed).checkin_secret
    services.cancellations.cancel(gone)
    services.registrations.substitute(handed, Attendee(**editions.attendee(3)))
    desk = desk_in(app, services, language)
    before = services.app.recorder.max_notification_id()

    for code, status, why in (("ACD-EFH-JKM", 404, unknown), ("ACD-EFH-JK0", 404, mistyped),
                              (gone_secret, 409, cancelled), (old_secret, 409, replaced)):
        answer = scanned(desk, code)
        page = answer.get_data(as_text=True)
        assert answer.status_code == status and answer.mimetype == "text/html", code
        assert 'data-answer="bad"' in page and why.replace("'", "&#39;") in page, code
    assert services.app.recorder.max_notification_id() == before


@pytest.mark.parametrize(("language", "title"), [("en", "E-ticket"),
                                                  ("fr", "Billet électronique")])
def test_the_manage_page_shows_the_e_ticket_that_the_desk_scans(
        app, services, client, language, title):
    registration_id, token = registered(services)
    secret = services.registrations.get(registration_id).checkin_secret
    client.get(f"/r/{registration_id}?token={token}")

    page = client.get(f"/r/{registration_id}?lang={language}").get_data(as_text=True)

    assert title in page and str(qr_svg(secret)) in page  # inline SVG, no script, no image
    assert f"data-ticket-code>{grouped(short_code(secret))}<" in page
    printed = scanned(desk_in(app, services), grouped(short_code(secret)))
    assert printed.mimetype == "application/pdf"  # the desk prints the badge from it
    services.cancellations.cancel(registration_id)
    assert "data-e-ticket" not in client.get(f"/r/{registration_id}").get_data(as_text=True)
