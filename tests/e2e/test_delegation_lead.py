"""The delegation lead's own page over HTTP: recorded with the group, e-mailed their link,
which opens the page (session grant + 303) after every reload; members and their status, the
allotment left, paying for some, adding people, asking a member to complete their details."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

import pytest
from flask.testing import FlaskClient

from domain.delegation_lead import DelegationLead
from domain.mail import Mail, mail_id
from registration.services.container import Services
from tests.support import editions

SLUG = "test-montreal"


@pytest.fixture
def app_overrides(stripe_settings: dict[str, str]) -> dict[str, str]:
    """The lead pays by card: through this session's own localstripe."""
    return stripe_settings


def csrf(client: FlaskClient, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def group_form(client: FlaskClient, people: list[int], url: str = f"/e/{SLUG}/group",
               **shared: str) -> dict[str, Any]:
    form: dict[str, Any] = {"csrf_token": csrf(client, url), "rows": str(len(people)),
                            "idempotency_key": "group-form-" + "-".join(map(str, people)), **shared}
    for row, n in enumerate(people):
        for field, value in editions.attendee(n).items():
            form[f"p{row}-{field}"] = value
        form[f"p{row}-registration_type"] = "delegate"
    return form


def register_group(client: FlaskClient, people: list[int]) -> str:
    """The lead registers `people` of the Georgia delegation (allotment 2); the lead's page."""
    answer = client.post(f"/e/{SLUG}/group?lang=fr", data=group_form(
        client, people, delegation="GA", lead_name="Aminata Diallo",
        lead_email="aminata@example.com"))
    assert answer.status_code == 303, answer.get_data(as_text=True)
    assert re.fullmatch(r"/g/[0-9a-f-]{36}", answer.headers["Location"])
    return answer.headers["Location"]


def test_the_page_after_a_group_submit_is_the_leads_page_and_it_survives_a_reload(
        client: FlaskClient, services: Services, edition: dict) -> None:
    lead_page = register_group(client, [1])
    for _reload in range(2):
        page = client.get(lead_page + "?lang=fr").get_data(as_text=True)
        assert "Délégation Géorgie" in page
        assert "1 personne inscrite" in page and "Tremblay1" in page
        assert "En attente de paiement" in page
        assert "Allocation de votre délégation\u00a0: 1 place restante." in page
    lead_id = UUID(lead_page.rsplit("/", 1)[1])
    lead = services.app.repository.get(lead_id)
    assert isinstance(lead, DelegationLead) and lead.language == "fr"
    assert (lead.name, lead.email, lead.delegation) == (
        "Aminata Diallo", "aminata@example.com", "GA")
    assert services.app.find(mail_id("lead_link", lead_id, "0"), Mail) is not None


def test_the_e_mailed_link_opens_the_page_in_another_browser_and_an_old_one_is_refused(
        client: FlaskClient, app: Any, services: Services, edition: dict) -> None:
    lead_page = register_group(client, [1])
    lead_id = UUID(lead_page.rsplit("/", 1)[1])
    token = services.registrations.links.token(lead_id, 0)
    other = app.test_client()
    assert other.get(lead_page, headers={"Accept-Language": "fr-CA"}).status_code == 403
    opened = other.get(f"{lead_page}?token={token}")
    assert opened.status_code == 303 and opened.headers["Location"] == lead_page
    assert other.get(lead_page).status_code == 200

    renewed = client.post(f"{lead_page}/link", data={"csrf_token": csrf(client, lead_page)})
    assert renewed.status_code == 303
    assert client.get(lead_page).status_code == 200  # this session got the new link
    refused = other.get(lead_page, headers={"Accept-Language": "fr-CA"})
    assert refused.status_code == 403
    assert "Ouvrez la page de votre délégation avec le lien" in refused.get_data(as_text=True)
    old = other.get(f"{lead_page}?token={token}", headers={"Accept-Language": "fr-CA"})
    assert old.status_code == 403 and "un lien plus récent" in old.get_data(as_text=True)
    assert app.test_client().get(f"/g/{UUID(int=1)}?lang=fr").status_code == 404


def test_the_lead_adds_people_later_within_the_allotment_and_pays_for_some(
        client: FlaskClient, services: Services, edition: dict) -> None:
    lead_page = register_group(client, [1])
    add = f"/e/{SLUG}/group?lead={lead_page.rsplit('/', 1)[1]}"
    added = client.post(add, data=group_form(client, [2], url=add))
    assert added.status_code == 303 and added.headers["Location"] == lead_page
    page = client.get(lead_page).get_data(as_text=True)
    assert "2 personnes inscrites" in page and "Tremblay2" in page
    assert "Allocation de votre délégation\u00a0: 0 place restante." in page
    full = client.post(add, data=group_form(client, [3], url=add))
    assert full.status_code == 422  # the Georgia allotment is used up

    members = re.findall(r'data-member="([0-9a-f-]{36})"', page)
    paying = client.post(f"{lead_page}/pay", data={
        "csrf_token": csrf(client, lead_page), "id": members[:1]})
    assert paying.status_code == 200
    assert "Tremblay" in paying.get_data(as_text=True)
    stranger = client.post(f"{lead_page}/pay", data={
        "csrf_token": csrf(client, lead_page), "id": [str(UUID(int=7))]})
    assert stranger.status_code == 403


def test_asking_a_member_to_complete_their_details_e_mails_them_a_fresh_link(
        client: FlaskClient, services: Services, edition: dict) -> None:
    lead_page = register_group(client, [1])
    member = re.search(r'data-member="([0-9a-f-]{36})"',
                       client.get(lead_page).get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    asked = client.post(f"{lead_page}/members/{member}/ask",
                        data={"csrf_token": csrf(client, lead_page)})
    assert asked.status_code == 303 and asked.headers["Location"] == lead_page + "?done=asked"
    history = services.registrations.history(UUID(member))
    assert history[-1].event == "ManageLinkRenewed"
    assert history[-1].details == {"reason": "lead_asked"}
    assert history[-1].actor.kind == "attendee"
    services.mail.follow()  # the mailer queues the member's new link from the log
    assert services.app.find(mail_id("link", UUID(member), "1"), Mail) is not None
    someone_else = client.post(f"{lead_page}/members/{UUID(int=9)}/ask",
                               data={"csrf_token": csrf(client, lead_page)})
    assert someone_else.status_code == 404
