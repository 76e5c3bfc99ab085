"""The group (delegation) form asks each person the edition's questions of their type and
takes the delegation's access code (posted, never in a URL), recording both with each
registration as the single form does."""

from __future__ import annotations

import html
from typing import Any
from uuid import UUID

from flask.testing import FlaskClient

from registration.services.container import Services
from tests.e2e.test_delegation_lead import csrf, group_form
from tests.support import editions
from tests.unit.test_questions import QUESTIONS

SLUG = "test-montreal"
GROUP = f"/e/{SLUG}/group?lang=fr"
LEAD = {"delegation": "GA", "lead_name": "Aminata Diallo", "lead_email": "aminata@example.com"}


def asking_questions_with_a_georgian_speakers_code(services: Services) -> None:
    types = [{**t, "access": "code"} if t["code"] == "speaker" else t
             for t in editions.QUEBEC["registration_types"]]
    services.editions.load(editions.edition(
        questions=QUESTIONS, registration_types=types, access_codes=[
            {"code": "SPK-GA", "registration_types": ["speaker"], "delegation": "GA",
             "max_uses": 2}]))


def members(services: Services, lead_page: str) -> dict[str, Any]:
    lead = services.leads.for_grant(UUID(lead_page.rsplit("/", 1)[1]), 0)
    views = [services.registrations.view(member) for member in lead.members]
    return {view.attendee.last_name: view for view in views}


def test_each_person_answers_the_questions_of_their_type_and_a_missing_answer_is_refused(
        client: FlaskClient, services: Services, edition: dict) -> None:
    asking_questions_with_a_georgian_speakers_code(services)
    page = html.unescape(client.get(GROUP).get_data(as_text=True))
    assert 'name="p0-answer-photos"' in page and 'name="p5-answer-terms"' in page
    assert "Questions pour cette personne" in page and "Photos ?" in page
    form = group_form(client, [1, 2], **LEAD)
    form.update({"p0-answer-photos": "yes", "p0-answer-terms": "yes", "p0-answer-meal": "veg",
                 "p1-answer-photos": "no"})
    refused = client.post(GROUP, data=form)
    assert refused.status_code == 422
    text = html.unescape(refused.get_data(as_text=True))
    assert 'id="p1-answer-terms-error">Vous devez accepter ceci pour vous inscrire.' in text
    assert "p0-answer-terms-error" not in text
    assert services.queries.registrations(services.editions.config(SLUG)) == []
    form["p1-answer-terms"] = "yes"
    done = client.post(GROUP, data=form)
    assert done.status_code == 303, done.get_data(as_text=True)
    answered = members(services, done.headers["Location"])
    assert answered["Tremblay1"].answers == {"photos": True, "terms": True, "meal": "veg"}
    assert answered["Tremblay2"].answers == {"photos": False, "terms": True}


def test_the_delegations_access_code_is_posted_once_and_opens_the_type_for_its_rows(
        client: FlaskClient, services: Services, edition: dict) -> None:
    asking_questions_with_a_georgian_speakers_code(services)
    assert 'value="speaker"' not in client.get(GROUP).get_data(as_text=True)
    unlocked = client.post(GROUP, data={"csrf_token": csrf(client, GROUP),
                                        "access_code": "spk-ga", "unlock": "1"})
    assert unlocked.status_code == 303 and "SPK" not in unlocked.headers["Location"].upper()
    page = client.get(GROUP).get_data(as_text=True)
    assert 'value="speaker"' in page
    form = group_form(client, [1], **LEAD)
    form.update({"p0-registration_type": "speaker", "p0-answer-photos": "yes",
                 "p0-answer-terms": "yes"})
    done = client.post(GROUP, data=form)
    assert done.status_code == 303, done.get_data(as_text=True)
    speaker = members(services, done.headers["Location"])["Tremblay1"]
    assert speaker.registration_type == "speaker"


def test_a_code_for_another_delegation_is_refused_beside_the_row(
        client: FlaskClient, services: Services, edition: dict) -> None:
    asking_questions_with_a_georgian_speakers_code(services)
    client.post(GROUP, data={"csrf_token": csrf(client, GROUP), "access_code": "SPK-GA",
                             "unlock": "1"})
    form = group_form(client, [1], **{**LEAD, "delegation": "QC"})
    form.update({"p0-registration_type": "speaker", "p0-answer-photos": "yes",
                 "p0-answer-terms": "yes"})
    refused = client.post(GROUP, data=form)
    assert refused.status_code == 422
    assert "Ce code d\u2019accès est inconnu ou ne donne pas accès" in html.unescape(
        refused.get_data(as_text=True))
    assert services.queries.registrations(services.editions.config(SLUG)) == []
