"""Issue 14 item 11: a refused quote says why; an emptied required detail is refused."""

from __future__ import annotations

import re
from uuid import UUID

from flask.testing import FlaskClient

from registration.services.container import Services
from tests.e2e.test_pages import SLUG, csrf, form


def registered(client: FlaskClient) -> str:
    token = csrf(client, f"/e/{SLUG}/register")
    location = client.post(f"/e/{SLUG}/register", data=form(token)).headers["Location"]
    return re.search(r"/r/([^/?]+)/confirmation$", location).group(1)  # type: ignore[union-attr]


def test_a_refused_code_leaves_no_price_on_the_form_and_says_why_in_the_pages_language(
        client: FlaskClient, edition: dict) -> None:
    page = client.get(f"/e/{SLUG}/register?lang=fr&discount_code=NOPE").get_data(True)
    assert "data-quote>" not in page and "<table class=\"quote\"" not in page
    assert re.search(r"data-quote-refused>Ce code de réduction", page)
    page = client.get(f"/e/{SLUG}/register?lang=en&discount_code=NOPE").get_data(True)
    assert re.search(r"data-quote-refused>This discount code is unknown", page)
    assert "data-refusals=" in page


def test_emptying_a_required_detail_is_refused_beside_the_field_and_nothing_changes(
        client: FlaskClient, services: Services, edition: dict) -> None:
    registration_id = registered(client)
    url = f"/r/{registration_id}/details?lang=en"
    token = csrf(client, url)
    before = services.registrations.view(UUID(registration_id)).attendee
    response = client.post(url, data={**before.to_dict(), "phone": before.phone or "",
                                      "last_name": "  ", "csrf_token": token})
    assert response.status_code == 422
    assert re.search(r'id="last_name-error">Required\.', response.get_data(True))
    assert "saved" not in response.get_data(True).lower()
    assert services.registrations.view(UUID(registration_id)).attendee == before
    french = f"/r/{registration_id}/details?lang=fr"
    response = client.post(french, data={**before.to_dict(), "phone": "", "first_name": "",
                                         "csrf_token": token})
    assert response.status_code == 422
    assert re.search(r'id="first_name-error">Obligatoire\.', response.get_data(True))


def test_a_real_correction_is_still_saved(
        client: FlaskClient, services: Services, edition: dict) -> None:
    registration_id = registered(client)
    url = f"/r/{registration_id}/details"
    token = csrf(client, url)
    before = services.registrations.view(UUID(registration_id)).attendee
    response = client.post(url, data={**before.to_dict(), "phone": before.phone or "",
                                      "job_title": "Chief", "csrf_token": token})
    assert response.status_code == 302
    assert services.registrations.view(UUID(registration_id)).attendee.job_title == "Chief"
