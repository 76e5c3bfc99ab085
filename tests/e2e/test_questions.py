"""Issue 14 item 6: questions per edition and type, answered when registering (form and API),
recorded with the registration, shown on the desk card, exported, answered again later."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from domain.attendee import Attendee
from registration.services.container import Services
from tests.e2e.test_pages import SLUG, csrf, form
from tests.support import editions
from tests.support.staff_pages import signed_in
from tests.unit.test_questions import QUESTIONS

EDITION = f"/api/editions/{SLUG}"
ANSWERED = {"diet": "Sans arachides", "meal": "veg", "photos": False, "terms": True}


@pytest.fixture
def asked(services: Services) -> dict[str, Any]:
    """The Quebec test edition, asking the questions of the domain's tests."""
    document = editions.edition(questions=QUESTIONS)
    services.editions.load(document)
    return document


def register(client: FlaskClient, answers: dict[str, Any] | None, n: int = 1,
             registration_type: str = "delegate") -> Any:
    body: dict[str, Any] = {"attendee": editions.attendee(n),
                            "registration_type": registration_type}
    if answers is not None:
        body["answers"] = answers
    return client.post(f"{EDITION}/registrations", json=body)


def test_the_api_lists_the_questions_and_records_the_answers(
        client: FlaskClient, asked: dict) -> None:
    listed = client.get(EDITION).json["questions"]
    assert [(q["code"], q["kind"], q["required"]) for q in listed] == [
        ("diet", "text", False), ("meal", "choice", False), ("photos", "yes_no", True),
        ("terms", "consent", True)]
    assert listed[1]["registration_types"] == ["delegate"]
    created = register(client, ANSWERED)
    assert created.status_code == 201, created.json
    assert created.json["answers"] == ANSWERED and created.json["unanswered"] == []


def test_missing_or_wrong_answers_are_refused_each_by_name_and_nothing_is_recorded(
        client: FlaskClient, services: Services, asked: dict) -> None:
    refused = register(client, {"meal": "beef", "photos": "yes"})
    assert refused.status_code == 422
    assert refused.json["details"] == {"code": "answers_refused", "answers": {
        "meal": "not_a_choice", "photos": "not_yes_no", "terms": "required"}}
    assert register(client, None).json["details"]["answers"] == {
        "photos": "required", "terms": "required"}
    assert register(client, {**ANSWERED, "photos": 3}).status_code == 422  # not text or yes/no
    assert services.queries.registrations(services.editions.config(SLUG)) == []
    assert register(client, ANSWERED).status_code == 201  # the address was never taken


def test_the_holder_answers_again_and_a_substitution_leaves_the_new_person_to_answer(
        client: FlaskClient, asked: dict) -> None:
    created = register(client, ANSWERED).json
    holder = {"Authorization": f"Bearer {created['manage_token']}"}
    url = f"/api/registrations/{created['id']}"
    changed = client.put(f"{url}/answers", headers=holder,
                         json={"answers": {"photos": True, "terms": True}})
    assert changed.status_code == 200, changed.json
    assert changed.json["answers"] == {"photos": True, "terms": True}  # diet, meal withdrawn
    assert client.put(f"{url}/answers", headers=holder, json={"answers": {"terms": True}}
                      ).json["details"]["answers"] == {"photos": "required"}
    handed = client.post(f"{url}/substitution", headers=holder,
                         json={"attendee": editions.attendee(2)})
    assert handed.status_code == 200
    assert handed.json["answers"] == {} and handed.json["unanswered"] == ["photos", "terms"]
    assert client.put(f"{url}/answers", json={"answers": ANSWERED}).status_code in (401, 403)


def test_the_registration_form_asks_only_what_the_type_is_asked_and_says_what_is_missing(
        client: FlaskClient, asked: dict) -> None:
    url = f"/e/{SLUG}/register?lang=fr"
    token = csrf(client, url)
    page = client.post(url, data=form(token, registration_type="speaker",
                                      **{"answer-meal": "fish"}))
    text = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "Veuillez répondre à cette question." in text  # photos
    assert "Vous devez accepter ceci pour vous inscrire." in text  # terms
    assert "Question posée pour\u00a0: Personne déléguée" in text
    done = client.post(url, data=form(token, registration_type="speaker", **{
        "answer-meal": "fish", "answer-photos": "no", "answer-terms": "yes",
        "answer-diet": " Végétalien "}))
    assert done.status_code == 302
    manage = client.get(done.headers["Location"].replace("/confirmation", "")).get_data(True)
    assert "Mes réponses" in manage and "Végétalien" in manage
    assert "Plat principal" not in manage  # not asked of speakers: the fish was not recorded


def test_the_desk_card_shows_the_answers_that_matter_at_the_desk_and_the_list_exports_them(
        app: Flask, client: FlaskClient, services: Services, asked: dict) -> None:
    created = register(client, ANSWERED).json
    by_a_lead = services.registrations.register(  # by someone else: no answers yet
        SLUG, Attendee(**editions.attendee(3)), "delegate", answers=None)
    desk = signed_in(app, services, "desk@example.com", "desk")
    card = desk.get(f"/staff/desk/attendees/{created['id']}?lang=fr").get_data(True)
    assert "Sans arachides" in card and "Végétarien" in card and "Non" in card
    assert "J\u2019accepte les conditions." not in card  # the terms are not for the desk
    other = desk.get(f"/staff/desk/attendees/{by_a_lead.registration.id}?lang=fr")
    assert "Des questions obligatoires sont sans réponse" in other.get_data(True)
    exported = desk.get(f"/staff/desk/{SLUG}/lists/attendees?format=csv&lang=en")
    rows = list(csv.reader(io.StringIO(exported.get_data(True).lstrip("\ufeff"))))
    header = rows[0]
    assert header[-4:] == ["Dietary needs", "Main course", "Photos?", "I accept the terms."]
    answered = next(r for r in rows if "Tremblay1" in r)
    assert answered[-4:] == ["Sans arachides", "Vegetarian", "No", "Yes"]
