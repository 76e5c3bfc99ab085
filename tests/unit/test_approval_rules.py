"""Issue 14 item 1: a place of a type that needs approval, decided in the domain."""

from __future__ import annotations

from datetime import date

import pytest

from domain.edition_document import parse_edition
from domain.errors import AlreadyCancelled, AwaitingApproval, InvalidEdition, NotAwaitingApproval
from domain.payment import payable_shares
from domain.registration import Registration
from domain.standing import standing
from tests.support import editions
from tests.unit.test_registration_rules import cad, place


def awaiting() -> Registration:
    registration = place()
    registration.ask_approval()
    return registration


def test_a_place_awaiting_approval_holds_its_seat_and_owes_its_price_yet_is_not_payable():
    registration = awaiting()
    assert registration.status == "awaiting_approval" and registration.standing.attending
    assert registration.balance_due == cad("454.15")
    with pytest.raises(AwaitingApproval):
        payable_shares([registration])
    for refused in (lambda: registration.request_payment("pi_1", cad("454.15")),
                    registration.check_billable, registration.check_badge_allowed,
                    lambda: registration.take_payment_at_desk(cad("10.00"), "cash", "",
                                                              date(2019, 6, 2))):
        with pytest.raises(AwaitingApproval):
            refused()


def test_approved_it_is_an_ordinary_place_that_may_be_paid():
    registration = awaiting()
    registration.approve("Bienvenue")
    assert registration.status == "pending_payment"
    assert payable_shares([registration]) == {registration.id: cad("454.15")}
    with pytest.raises(NotAwaitingApproval):
        registration.approve("again")


def test_turned_down_it_is_cancelled_keeping_nothing_of_what_arrived_meanwhile():
    registration = awaiting()
    registration.record_payment(cad("100.00"), "card", "pi_late")  # money is never refused
    terms = registration.refuse_approval("The programme is full.")
    assert (terms.retained, terms.refund_owed) == (cad("0.00"), cad("100.00"))
    assert registration.status == "cancelled" and registration.standing.refund_owed == cad("100")
    with pytest.raises(AlreadyCancelled):
        registration.approve("too late")


def test_a_free_place_awaiting_approval_owes_nothing_but_is_not_confirmed_yet():
    decided = standing(total=cad("0"), paid=cad("0"), refunded=cad("0"), cancelled=False,
                       awaiting_approval=True)
    assert (decided.status, decided.balance_due) == ("awaiting_approval", cad("0"))


def test_approval_in_the_edition_document_is_true_or_false():
    document = editions.edition()
    document["registration_types"][1]["approval"] = "yes"
    with pytest.raises(InvalidEdition) as refused:
        parse_edition(document)
    assert "registration_types[1].approval: must be true or false" in refused.value.problems
    document["registration_types"][1]["approval"] = True
    assert parse_edition(document).registration_type("speaker").approval
