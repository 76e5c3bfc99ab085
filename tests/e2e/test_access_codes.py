"""Invitation-only types through the API: hidden without the code, refused without it,
each code used at most as often as the document allows."""

from __future__ import annotations

import html
import re
from typing import Any

from flask.testing import FlaskClient

from registration.services.container import Services
from tests.e2e.test_api import EDITION, SLUG, nothing_recorded, refusal, register, registered
from tests.support import editions


def by_invitation(services: Services) -> None:
    types = [{**t, "access": "code"} if t["code"] == "speaker" else t
             for t in editions.QUEBEC["registration_types"]]
    services.editions.load(editions.edition(registration_types=types, access_codes=[
        {"code": "SPK-ANNE", "registration_types": ["speaker"], "given_to": "Anne Roy"},
        {"code": "SPK-GA", "registration_types": ["speaker"], "delegation": "GA",
         "max_uses": 2}]))


def types_listed(client: FlaskClient, query: str = "") -> list[str]:
    return [t["code"] for t in client.get(f"{EDITION}{query}").json["registration_types"]]


def test_an_invitation_only_type_is_hidden_and_refused_without_its_code(
        client: FlaskClient, services: Services, edition: dict) -> None:
    by_invitation(services)
    assert types_listed(client) == ["delegate"]
    assert types_listed(client, "?access_code=nope") == ["delegate"]
    assert types_listed(client, "?access_code=spk-anne") == ["delegate", "speaker"]
    with nothing_recorded(services):
        required = refusal(register(client, 1, registration_type="speaker"), 409)
        assert required["details"] == {"code": "access_code_required"}
        assert "invitation" in required["error"]
        wrong = refusal(register(client, 1, registration_type="speaker",
                                 access_code="SPK-BOB"), 422)
        assert wrong["details"] == {"code": "access_code_invalid"}
        elsewhere = refusal(register(client, 1, registration_type="speaker",
                                     delegation="QC", access_code="SPK-GA"), 422)
        assert elsewhere["details"] == {"code": "access_code_invalid"}
    registered(client, 1, registration_type="speaker", access_code="spk-anne")
    used: Any = refusal(register(client, 2, registration_type="speaker",
                                 access_code="SPK-ANNE"), 409)
    assert used["details"] == {"code": "access_code_exhausted"}
    registered(client, 3, registration_type="speaker", delegation="GA", access_code="SPK-GA")
    # an open type needs no code, and a code given with it is not counted
    registered(client, 4, access_code="SPK-ANNE")


def csrf(client: FlaskClient, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def unlock(client: FlaskClient, code: str, form: str = "register", lang: str = "en") -> Any:
    url = f"/e/{SLUG}/{form}?lang={lang}"
    return client.post(url, data={"csrf_token": csrf(client, url), "access_code": code,
                                  "unlock": "1"})


def test_the_register_page_shows_the_type_once_the_code_is_posted_and_never_from_a_url(
        client: FlaskClient, services: Services, edition: dict) -> None:
    by_invitation(services)
    page = client.get(f"/e/{SLUG}/register?lang=fr").get_data(as_text=True)
    assert 'data-type="speaker"' not in page and "Votre code d\u2019accès" in page
    assert '<form method="post" class="card invitation"' in page
    url_code = client.get(f"/e/{SLUG}/register?lang=en&access_code=SPK-ANNE").get_data(True)
    assert 'data-type="speaker"' not in url_code and "SPK-ANNE" not in url_code
    opened = unlock(client, "spk-anne")
    assert opened.status_code == 303
    assert opened.headers["Location"] == f"/e/{SLUG}/register?lang=en"  # and no code
    page = client.get(f"/e/{SLUG}/register?lang=en").get_data(True)
    assert 'data-type="speaker"' in page
    assert 'name="access_code" value="SPK-ANNE"' in page  # posted with the form, not a URL


def test_a_refused_code_is_said_in_the_pages_language_and_forgets_the_one_before(
        client: FlaskClient, services: Services, edition: dict) -> None:
    by_invitation(services)
    unlock(client, "SPK-ANNE")
    refused = unlock(client, "SPK-BOB", lang="fr")
    assert refused.status_code == 422
    page = html.unescape(refused.get_data(as_text=True))
    assert "Ce code d\u2019accès est inconnu" in page
    assert 'data-type="speaker"' not in page and 'value="SPK-BOB"' in page
    page = client.get(f"/e/{SLUG}/register?lang=en").get_data(True)
    assert 'data-type="speaker"' not in page and "SPK-ANNE" not in page


def test_the_price_of_an_invitation_only_type_is_quoted_only_with_its_code(
        client: FlaskClient, services: Services, edition: dict) -> None:
    by_invitation(services)
    quotes = f"{EDITION}/quotes"
    required = client.post(quotes, json={"registration_type": "speaker"})
    assert required.status_code == 409
    assert required.json["details"] == {"code": "access_code_required"}
    wrong = client.post(quotes, json={"registration_type": "speaker", "access_code": "SPK-BOB"})
    assert wrong.status_code == 422 and wrong.json["details"] == {"code": "access_code_invalid"}
    quoted = client.post(quotes, json={"registration_type": "speaker", "access_code": "spk-anne"})
    assert quoted.status_code == 200 and "total" in quoted.json
    # the form's own price panel, sent back with the hidden type chosen and no code
    page = html.unescape(client.get(f"/e/{SLUG}/register?lang=fr&registration_type=speaker")
                         .get_data(True))
    assert '<table class="quote"' not in page
    assert re.search(r"data-quote-refused>Ce type d\u2019inscription est sur invitation", page)
