"""Badge prints and check-ins on a registration, and the check-in code that finds it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import uuid4

import pytest

from domain.checkin import (
    SHORT_ALPHABET,
    CheckinCode,
    checkin_code_id,
    grouped,
    new_checkin_secret,
    normalised_short_code,
    short_code,
    short_code_id,
)
from domain.edition_document import parse_edition
from domain.errors import AlreadyCancelled, BadgeReplaced, InvalidEdition, MistypedCheckinCode
from domain.policy import CancellationPolicy
from domain.pricing import PriceTier, RegistrationType, price_quote
from domain.registration import Attendee, Registration
from tests.support import editions

AT = datetime.fromisoformat("2019-06-02T08:30:00-04:00")


def registration() -> Registration:
    kind = RegistrationType("delegate", {"en": "Delegate"}, (PriceTier("regular", Decimal(100)),))
    return Registration.register(
        edition_id=uuid4(), attendee=Attendee(**editions.attendee()), registration_type="delegate",
        delegation="QC", quote=price_quote(kind, "CAD", (), AT), manage_token_hash="h",
        checkin_secret="secret", holds=[])


def test_a_second_check_in_changes_nothing_and_keeps_the_first_time():
    place = registration()
    assert place.check_in("Nadia", AT) is True
    assert place.check_in("Paul", AT.replace(hour=9)) is False
    assert place.checked_in_at == AT
    assert [type(e).__name__ for e in place.collect_events()].count("CheckedIn") == 1


def test_every_badge_print_is_counted():
    place = registration()
    place.record_badge_print("Nadia")
    place.record_badge_print("Paul")
    assert place.badge_prints == 2
    printed = [e for e in place.collect_events() if isinstance(e, Registration.BadgePrinted)]
    assert [e.printed_by for e in printed] == ["Nadia", "Paul"]


def test_a_cancelled_place_gets_no_badge_and_no_check_in():
    place = registration()
    place.cancel(CancellationPolicy(steps=(), fee=Decimal(0)), AT)
    with pytest.raises(AlreadyCancelled, match="no badge"):
        place.record_badge_print("Nadia")
    with pytest.raises(AlreadyCancelled, match="cannot be checked in"):
        place.check_in("Nadia", AT)


def test_a_check_in_code_is_found_by_its_secret_and_refused_once_revoked():
    registration_id = uuid4()
    code = CheckinCode.issue("s3cret", registration_id)
    assert code.id == checkin_code_id("s3cret") != checkin_code_id("other")
    assert "s3cret" not in repr(code.collect_events()[0].__dict__)
    assert code.admits() == registration_id
    code.revoke("substituted")
    with pytest.raises(BadgeReplaced):
        code.admits()


def test_an_edition_chooses_its_badge_stock_and_a_wrong_one_is_a_problem():
    assert parse_edition(editions.edition()).badge_stock == "4x3"
    assert parse_edition(editions.edition(badge={"stock": "letter-6"})).badge_stock == "letter-6"
    with pytest.raises(InvalidEdition) as refused:
        parse_edition(editions.edition(badge={"stock": "a4"}))
    assert refused.value.problems == ["badge.stock: must be one of 4x3, letter-6"]


def test_a_registration_type_colour_must_be_a_hex_colour():
    document = editions.edition()
    document["registration_types"][0]["color"] = "red; background: url(x)"
    with pytest.raises(InvalidEdition) as refused:
        parse_edition(document)
    assert refused.value.problems == [
        'registration_types[0].color: must be a colour like "#1f4e79"']


def test_after_a_substitution_the_new_person_is_not_checked_in_and_the_history_keeps_both():
    place = registration()
    assert place.check_in("Nadia", AT) is True
    place.substitute(Attendee(**editions.attendee(9, first_name="Zoé")), checkin_secret="other")
    assert place.checked_in_at is None
    later = AT.replace(hour=10)
    assert place.check_in("Paul", later) is True  # a first scan, not "already checked in"
    assert place.checked_in_at == later
    check_ins = [e for e in place.collect_events() if isinstance(e, Registration.CheckedIn)]
    assert [(e.at, e.by) for e in check_ins] == [(AT, "Nadia"), (later, "Paul")]


def test_the_short_code_is_nine_unmistakable_characters_derived_from_the_secret():
    secret = new_checkin_secret()
    code = short_code(secret)
    assert len(code) == 9 and set(code) <= set(SHORT_ALPHABET)
    assert short_code(secret) == code != short_code(new_checkin_secret())
    assert not set(SHORT_ALPHABET) & set("0O1IL5S2Z8BG")
    assert grouped("K7M4QX9RT") == "K7M-4QX-9RT"
    assert short_code_id(code) not in (checkin_code_id(code), checkin_code_id(secret))


def test_a_typed_short_code_ignores_case_spaces_and_dashes_and_reads_a_g_as_a_6():
    assert normalised_short_code("k7m-4qx-9rt") == "K7M4QX9RT"
    assert normalised_short_code(" K7M 4QX 9RT ") == "K7M4QX9RT"
    assert normalised_short_code("K7M\u20114QX\u20139RT") == "K7M4QX9RT"
    assert normalised_short_code("K7M-4QX-GRT") == "K7M4QX6RT"
    assert normalised_short_code("K7M-4QX") is None  # too short: not a short code
    assert normalised_short_code("K7M-4QX-9R!") is None
    assert normalised_short_code(new_checkin_secret()) is None  # a scanned QR's 32 characters


@pytest.mark.parametrize("typed", ["K7M-4QX-9R0", "K7M-4QX-9RO", "k7m-4qx-9rl", "S7M-4QX-9RT",
                                   "K7M-4QX-9R8", "B7M-4QX-9RT"])
def test_a_short_code_with_a_character_no_code_uses_is_refused_with_a_hint(typed):
    with pytest.raises(MistypedCheckinCode, match="never use O, I, L, S, Z, B"):
        normalised_short_code(typed)


def test_a_short_code_index_admits_its_registration_until_revoked():
    registration_id = uuid4()
    code = CheckinCode.issue_short("K7M4QX9RT", registration_id)
    assert code.id == short_code_id("K7M4QX9RT")
    assert code.admits() == registration_id
    code.revoke("substituted")
    with pytest.raises(BadgeReplaced):
        code.admits()
