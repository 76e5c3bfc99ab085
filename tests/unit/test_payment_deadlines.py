"""Payment deadlines: when an unpaid place must be paid, when its holder is reminded, and
which places expire (domain.payment_deadline, Registration.expire)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest

from domain.actor import Actor, acting_as
from domain.attendee import Attendee
from domain.edition_document import parse_edition
from domain.errors import InvalidEdition
from domain.money import Money
from domain.payment_deadline import payment_holds_place, reminder_due
from domain.registration import Registration
from tests.support import editions

MONTREAL = ZoneInfo("America/Montreal")
AT = datetime.fromisoformat("2019-03-20T10:00:00-04:00")
CONFIG = parse_edition(editions.edition(payment_days=14))


@pytest.fixture(autouse=True)
def system():
    with acting_as(Actor.system("tests")):
        yield


def place(type_code: str = "delegate") -> Registration:
    return Registration.register(
        edition_id=uuid4(), attendee=Attendee(**editions.attendee()), registration_type=type_code,
        delegation="QC", quote=CONFIG.quote(type_code, None, AT), manage_token_hash="h",
        checkin_secret="S", holds=["type/delegate"])


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=MONTREAL)


def test_an_unpaid_place_must_be_paid_by_the_end_of_the_day_its_days_after_registering():
    deadline = CONFIG.payment_deadline("delegate", AT)
    assert deadline == local("2019-04-03T23:59:59.999999")
    assert reminder_due(deadline, AT) == local("2019-03-31T23:59:59.999999")


def test_the_deadline_is_at_the_latest_the_day_before_the_event_and_none_on_its_days():
    eve = local("2019-06-01T23:59:59.999999")
    assert CONFIG.payment_deadline("delegate", local("2019-05-25T10:00")) == eve
    assert reminder_due(eve, local("2019-05-31T10:00")) == local("2019-05-31T10:00")
    assert CONFIG.payment_deadline("delegate", local("2019-06-02T00:00")) is None


def test_a_types_own_days_come_before_the_editions_and_no_days_means_no_deadline():
    document = editions.edition(payment_days=14)
    document["registration_types"][1]["payment_days"] = 3
    config = parse_edition(document)
    assert config.payment_deadline("speaker", AT) == local("2019-03-23T23:59:59.999999")
    assert parse_edition(editions.edition()).payment_deadline("delegate", AT) is None


@pytest.mark.parametrize("days", [0, -1, 400, "14", True])
def test_payment_days_are_a_whole_number_from_one_to_a_year(days):
    document = editions.edition(payment_days=days)
    document["registration_types"][0]["payment_days"] = days
    with pytest.raises(InvalidEdition) as refused:
        parse_edition(document)
    assert {p.split(":")[0] for p in refused.value.problems} == {
        "payment_days", "registration_types[0].payment_days"}


def test_an_unpaid_place_expires_once_its_deadline_has_passed_and_only_once():
    registration = place()
    deadline = CONFIG.payment_deadline("delegate", AT)
    assert not registration.expire(deadline, deadline - timedelta(seconds=1))
    assert registration.expire(deadline, deadline)
    assert registration.status == "cancelled" and registration.balance_due.is_zero
    assert registration.cancellation.refund_owed.is_zero
    assert not registration.expire(deadline, deadline + timedelta(days=1))
    expired = [e for e in registration.collect_events() if isinstance(e, Registration.Expired)]
    assert len(expired) == 1 and expired[0].deadline == deadline
    assert expired[0].actor == Actor.system("tests")


def test_paid_in_part_invoiced_or_free_places_never_expire():
    deadline = AT + timedelta(days=14)
    later = deadline + timedelta(days=30)
    part_paid = place()
    part_paid.record_payment(Money(Decimal("10.00"), "CAD"), "bank_transfer", "B-1")
    invoiced = place()
    invoiced.mark_invoiced("SEUS19-0001", invoiced.total)
    free = place("speaker")
    assert not any(r.expire(deadline, later) for r in (part_paid, invoiced, free))
    assert not place().expire(None, later)


def test_a_card_payment_going_on_at_the_deadline_holds_the_place_for_the_grace_hour() -> None:
    deadline = datetime(2019, 4, 3, 23, 59, 59, tzinfo=ZoneInfo("America/Toronto"))
    within, after = deadline + timedelta(minutes=59), deadline + timedelta(minutes=61)
    for waiting in ("requires_action", "requires_confirmation", "requires_payment_method"):
        assert payment_holds_place(waiting, deadline, within)
        assert not payment_holds_place(waiting, deadline, after)
    assert payment_holds_place("processing", deadline, after + timedelta(days=2))
    for over in ("succeeded", "canceled"):
        assert not payment_holds_place(over, deadline, within)
