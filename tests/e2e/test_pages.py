"""The HTML pages through HTTP: languages, CSRF, inline errors, secret links, staff roles."""

from __future__ import annotations

import re
from uuid import UUID

from flask import Flask
from flask.testing import FlaskClient

from registration.services.container import Services
from tests.support import editions

SLUG = "test-montreal"


def csrf(client: FlaskClient, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def form(token: str, **changes: str) -> dict[str, str]:
    person = {**editions.attendee(1), "registration_type": "delegate", "delegation": "QC",
              "csrf_token": token}
    return {**person, **changes}


def test_the_language_follows_the_link_then_the_session_then_the_browser(
        client: FlaskClient, services: Services, edition: dict) -> None:
    french = {"Accept-Language": "fr-CA,fr;q=0.9"}
    assert "Types d\u2019inscription" in client.get(f"/e/{SLUG}", headers=french).get_data(True)
    assert "Registration types" in client.get(f"/e/{SLUG}?lang=en", headers=french).get_data(True)
    assert "Registration types" in client.get(f"/e/{SLUG}", headers=french).get_data(True)
    services.editions.load(editions.edition(editions.GEORGIA))
    fresh = client.application.test_client()
    assert "Registration types" in fresh.get("/e/test-atlanta", headers=french).get_data(True)


def test_a_form_posted_without_its_csrf_token_is_refused_and_records_nothing(
        client: FlaskClient, services: Services, edition: dict) -> None:
    before = services.app.recorder.max_notification_id()
    response = client.post(f"/e/{SLUG}/register", data=form(""))
    assert response.status_code == 400
    assert "did not come from this site" in response.get_data(True)
    assert services.app.recorder.max_notification_id() == before


def test_bad_input_is_shown_beside_its_field_and_nothing_is_recorded(
        client: FlaskClient, services: Services, edition: dict) -> None:
    token = csrf(client, f"/e/{SLUG}/register")
    before = services.app.recorder.max_notification_id()
    response = client.post(f"/e/{SLUG}/register?lang=en", data=form(
        token, email="nope", first_name="", discount_code="NOPE"))
    page = response.get_data(True)
    assert response.status_code == 422
    assert re.search(r'id="email-error">Enter an e-mail address', page)
    assert re.search(r'id="first_name-error">Required.', page)
    assert services.app.recorder.max_notification_id() == before
    response = client.post(f"/e/{SLUG}/register", data=form(token, discount_code="NOPE"))
    assert re.search(r'id="discount_code-error">This discount code is unknown',
                     response.get_data(True))


def test_a_refusal_on_a_french_page_is_shown_in_french(
        client: FlaskClient, services: Services, edition: dict) -> None:
    token = csrf(client, f"/e/{SLUG}/register?lang=fr")
    assert client.post(f"/e/{SLUG}/register", data=form(token)).status_code == 302
    before = services.app.recorder.max_notification_id()
    response = client.post(f"/e/{SLUG}/register", data=form(token, first_name="Autre"))
    assert response.status_code == 422
    assert re.search(r'id="email-error">Cette adresse courriel est déjà inscrite à cette '
                     r"édition\.", response.get_data(True))
    assert services.app.recorder.max_notification_id() == before


def test_the_manage_page_opens_only_with_its_secret_token(
        app: Flask, client: FlaskClient, services: Services, edition: dict) -> None:
    token = csrf(client, f"/e/{SLUG}/register")
    location = client.post(f"/e/{SLUG}/register", data=form(token)).headers["Location"]
    registration_id = re.search(r"/r/([^/?]+)/confirmation$", location).group(1)  # type: ignore[union-attr]
    assert client.get(location).status_code == 200  # the session that registered holds it
    secret = services.registrations.current_token(UUID(registration_id))
    stranger = app.test_client()
    opened = stranger.get(f"/r/{registration_id}?token={secret}")
    assert opened.status_code == 303 and opened.headers["Location"] == f"/r/{registration_id}"
    assert stranger.get(f"/r/{registration_id}").status_code == 200
    other = app.test_client()
    assert other.get(f"/r/{registration_id}?token=guess").status_code == 403
    assert other.get(f"/r/{registration_id}").status_code == 403
    assert other.get("/r/not-an-id?token=x").status_code == 404


def test_staff_pages_need_a_session_and_the_role(
        client: FlaskClient, services: Services, edition: dict,
        staff_headers: dict[str, dict[str, str]]) -> None:
    response = client.get("/staff/")
    assert response.status_code == 302 and "/staff/sign-in?next=/staff/" in response.location
    # A bearer token opens the API, not the pages.
    assert client.get("/staff/", headers=staff_headers["admin"]).status_code == 302
    assert client.get(f"/api/editions/{SLUG}/attendance",
                      headers=staff_headers["desk"]).status_code == 200
    services.staff.create_account("Dana", "dana@example.com", "a long enough password", "desk")
    token = csrf(client, "/staff/sign-in")
    client.post("/staff/sign-in", data={"csrf_token": token, "email": "dana@example.com",
                                        "password": "a long enough password"})
    assert client.get("/staff/").status_code == 200
    assert client.get("/staff/accounts").status_code == 403
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


def test_sign_in_only_follows_a_next_link_on_this_site(
        client: FlaskClient, services: Services) -> None:
    services.staff.create_account("Ada", "ada@example.com", "a long enough password", "admin")
    token = csrf(client, "/staff/sign-in")
    response = client.post("/staff/sign-in", data={
        "csrf_token": token, "email": "ada@example.com", "password": "a long enough password",
        "next": "//evil.example/"})
    assert response.location == "/staff/"


def test_an_admin_adding_a_taken_sign_in_e_mail_sees_why_beside_the_field(
        client: FlaskClient, services: Services) -> None:
    password = "a long enough password"
    services.staff.create_account("Ada", "ada@example.com", password, "admin")
    client.post("/staff/sign-in", data={"csrf_token": csrf(client, "/staff/sign-in"),
                                        "email": "ada@example.com", "password": password})
    response = client.post("/staff/accounts?lang=fr", data={
        "csrf_token": csrf(client, "/staff/accounts"), "name": "Ada Bis",
        "email": "ada@example.com", "role": "desk", "password": password})
    assert response.status_code == 422
    assert "appartient déjà à un membre du personnel" in response.get_data(True)
    assert [m.name for m in services.staff.accounts()] == ["Ada"]
