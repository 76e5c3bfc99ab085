"""The waiting list against the production topology: a place given back is offered to the
person waiting, by the projection-free path the web workers and the mailer share."""

from __future__ import annotations

import pytest

from tests.production.api import Stack, answered, mail_to, person, register, unique
from tests.support import editions, invoicing

pytestmark = [pytest.mark.production, pytest.mark.postgres]


def test_a_cancelled_place_is_offered_to_the_person_waiting_who_takes_it_through_the_api(
        stack: Stack):
    tag = unique()
    slug = f"prod-wait-{tag}"
    one_place = [{**editions.QUEBEC["registration_types"][0], "capacity": 1}]
    stack.topology.load_edition(invoicing.quebec(slug=slug, registration_types=one_place))
    created, holder = register(stack, f"{tag}a", slug=slug)
    walk_in = stack.post(f"/api/editions/{slug}/registrations", json={
        "attendee": person(f"{tag}w"), "registration_type": "delegate", "delegation": "QC"})
    assert answered(walk_in, 409)["details"]["code"] == "sold_out"

    waiting = person(f"{tag}b", language="fr")
    joined = answered(stack.post(f"/api/editions/{slug}/waiting-list", json={
        "registration_type": "delegate", "delegation": "QC", "quantity": 1,
        **{k: waiting[k] for k in ("first_name", "last_name", "email", "language")}}), 201)
    assert (joined["status"], joined["position"]) == ("waiting", 1)
    mail_to(stack, waiting["email"], "Vous êtes sur la liste d")
    again = stack.post(f"/api/editions/{slug}/waiting-list", json={
        "registration_type": "delegate", "delegation": "QC",
        **{k: waiting[k] for k in ("first_name", "last_name", "email", "language")}})
    assert answered(again, 409)["details"]["code"] == "already_waiting"

    answered(stack.post(f"/api/registrations/{created['id']}/cancellation", headers=holder), 200)
    mail_to(stack, waiting["email"], "Une place vous attend")  # one place, singular
    still_sold_out = stack.post(f"/api/editions/{slug}/registrations", json={
        "attendee": person(f"{tag}x"), "registration_type": "delegate", "delegation": "QC"})
    assert answered(still_sold_out, 409)["details"]["code"] == "sold_out"  # held for the offer

    taken = stack.post(f"/api/editions/{slug}/registrations", json={
        "attendee": waiting, "registration_type": "delegate", "delegation": "QC",
        "offer": joined["id"]}, headers={"Authorization": f"Bearer {joined['token']}"})
    assert answered(taken, 201)["status"] == "pending_payment"
    gone = stack.delete(f"/api/waiting-list/{joined['id']}",
                        headers={"Authorization": f"Bearer {joined['token']}"})
    assert answered(gone, 409)["details"]["code"] == "not_waiting"
