"""Check-in lists: which lists an edition has, who each admits, entries and exits."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from domain.checkin_lists import DEFAULT_LIST
from domain.edition_document import parse_edition
from domain.errors import InvalidEdition, NotInside, NotOnList
from domain.registration import Attendee, Registration
from tests.support import editions
from tests.unit.test_desk_rules import registration

AT = datetime.fromisoformat("2019-06-03T10:02:00-04:00")
DAY = date(2019, 6, 3)
LISTS = [
    {"code": "entry", "names": {"en": "Conference entry", "fr": "Entrée au congrès"}},
    {"code": "gala", "names": {"en": "Gala dinner", "fr": "Dîner de gala"},
     "registration_types": ["speaker"]},
    {"code": "day-2019-06-03", "day": "2019-06-03"},
]


def lists_of(document: dict) -> dict:
    return {c.code: c for c in parse_edition(document).checkin_lists}


def test_an_edition_without_lists_has_the_conference_entry_for_everyone():
    config = parse_edition(editions.edition())
    assert config.checkin_lists == (DEFAULT_LIST,)
    assert config.checkin_list(None).name("fr") == "Entrée au congrès"


def test_an_edition_defines_its_lists_for_some_types_or_one_day():
    lists = lists_of(editions.edition(checkin_lists=LISTS))
    assert list(lists) == ["entry", "gala", "day-2019-06-03"]
    assert lists["entry"].registration_types is None
    assert lists["gala"].registration_types == {"speaker"}
    assert lists["day-2019-06-03"].day == DAY
    assert lists["day-2019-06-03"].name("en") is None  # named by its day on the pages


def test_a_list_document_is_refused_with_every_problem():
    with pytest.raises(InvalidEdition) as refused:
        parse_edition(editions.edition(checkin_lists=[
            {"code": "Gala Dinner", "names": {"en": "Gala"}, "registration_types": ["chef"]},
            {"code": "day", "day": "June 3"},
            {"code": "day", "names": {"en": "Again"}, "room": "B"},
        ]))
    problems = "\n".join(refused.value.problems)
    for expected in ("checkin_lists[0].code: must be lower-case",
                     "unknown registration type 'chef'", "'June 3' is not a date",
                     "check-in list 'day' appears twice", "checkin_lists[2].room"):
        assert expected in problems


def test_a_person_whose_type_is_not_on_the_list_is_refused_and_nothing_is_recorded():
    gala = lists_of(editions.edition(checkin_lists=LISTS))["gala"]
    place = registration()  # a delegate
    place.collect_events()
    with pytest.raises(NotOnList, match="registration type 'delegate'"):
        place.check_in("Nadia", AT, gala, "entry", DAY)
    assert place.collect_events() == []


def test_a_day_list_admits_on_its_day_only():
    day_list = lists_of(editions.edition(checkin_lists=LISTS))["day-2019-06-03"]
    place = registration()
    with pytest.raises(NotOnList, match="2019-06-03 only"):
        place.check_in("Nadia", AT - timedelta(days=1), day_list, "entry", DAY.replace(day=2))
    assert place.check_in("Nadia", AT, day_list, "entry", DAY) is True


def test_entry_exit_and_entry_again_each_record_and_a_second_entry_keeps_the_first_time():
    place = registration()
    assert place.check_in("Nadia", AT, DEFAULT_LIST, "entry", DAY) is True
    assert place.check_in("Paul", AT + timedelta(minutes=5), DEFAULT_LIST, "entry", DAY) is False
    assert place.inside_since("entry") == AT
    assert place.check_in("Paul", AT + timedelta(hours=1), DEFAULT_LIST, "exit", DAY) is True
    assert place.inside_since("entry") is None
    later = AT + timedelta(hours=2)
    assert place.check_in("Nadia", later, DEFAULT_LIST, "entry", DAY) is True
    assert place.inside_since("entry") == later
    assert place.checked_in_at == AT  # when they first came
    scans = [(e.direction, e.list_code) for e in place.collect_events()
             if isinstance(e, Registration.CheckedIn)]
    assert scans == [("entry", "entry"), ("exit", "entry"), ("entry", "entry")]


def test_an_exit_without_an_entry_is_refused():
    place = registration()
    with pytest.raises(NotInside):
        place.check_in("Nadia", AT, DEFAULT_LIST, "exit", DAY)


def test_lists_are_separate_and_a_substitution_starts_the_new_person_outside_every_list():
    gala = lists_of(editions.edition(checkin_lists=LISTS))["gala"]
    place = registration()
    place.registration_type = "speaker"
    place.check_in("Nadia", AT, DEFAULT_LIST, "entry", DAY)
    assert place.inside_since("gala") is None
    place.check_in("Nadia", AT, gala, "entry", DAY)
    place.substitute(Attendee(**editions.attendee(2)), "another-secret")
    assert (place.inside_since("entry"), place.inside_since("gala")) == (None, None)
    assert place.check_in("Paul", AT + timedelta(hours=1), gala, "entry", DAY) is True


def test_a_check_in_recorded_before_lists_reads_as_an_entry_on_the_conference_entry():
    state = {"at": AT.isoformat(), "by": "Nadia"}
    Registration.CheckedIn.upcast_v2_v3(state)
    assert state == {"at": AT.isoformat(), "by": "Nadia", "list_code": "entry",
                     "direction": "entry"}
