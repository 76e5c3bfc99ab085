"""Staff pages open on the edition running today, else the next, else the latest; and a
staff member's choices are remembered once, whatever the number of times they are made."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import uuid4

import pytest

from domain.edition_choice import edition_for_today
from domain.edition_config import EditionConfig
from domain.edition_document import parse_edition
from domain.staff_preferences import StaffPreferences
from tests.support import editions


def edition(slug: str, year: int, **changes: Any) -> EditionConfig:
    dates = {"slug": slug, "starts_on": f"{year}-06-02", "ends_on": f"{year}-06-04",
             "registration_opens": f"{year}-01-15T09:00",
             "registration_closes": f"{year}-06-04T12:00",
             "cancellation_policy": {"steps": [], "fee": "0.00"}, "discount_codes": []}
    return parse_edition(editions.edition(**{**dates, **changes}))


MONTREAL_2019, ATLANTA_2027 = edition("montreal-2019", 2019), edition("atlanta-2027", 2027)
BOTH = [MONTREAL_2019, ATLANTA_2027]
MEMBER = uuid4()


def at(moment: str) -> datetime:
    return datetime.fromisoformat(moment)


@pytest.mark.parametrize(("now", "opens_on"), [
    ("2019-03-20T10:00:00-04:00", "montreal-2019"),  # Montréal's registration is open
    ("2019-06-03T08:00:00-04:00", "montreal-2019"),  # the event itself
    ("2019-06-04T23:30:00-04:00", "montreal-2019"),  # its last evening, in its own time zone
    ("2020-01-01T00:00:00+00:00", "atlanta-2027"),   # between the two: the next to come
    ("2030-01-01T00:00:00+00:00", "atlanta-2027"),   # after both: the latest
    ("2018-01-01T00:00:00+00:00", "montreal-2019"),  # before both: the next to come
])
def test_the_staff_pages_open_on_the_edition_of_the_day(now: str, opens_on: str) -> None:
    chosen = edition_for_today(BOTH, at(now))
    assert chosen is not None and chosen.slug == opens_on


def test_an_edition_taking_place_wins_over_one_whose_registration_is_open() -> None:
    # The next edition opens its registration during this one's event days.
    next_year = edition("toronto-2020", 2020, registration_opens="2019-06-01T09:00")
    chosen = edition_for_today([next_year, MONTREAL_2019], at("2019-06-03T10:00:00-04:00"))
    assert chosen is not None and chosen.slug == "montreal-2019"


def test_no_edition_means_no_page_edition() -> None:
    assert edition_for_today([], at("2019-06-03T10:00:00-04:00")) is None


def test_a_choice_made_again_is_recorded_once() -> None:
    preferences = StaffPreferences(staff_id=MEMBER)
    preferences.choose_edition("montreal-2019")
    preferences.choose_edition("montreal-2019")
    preferences.choose_language("fr")
    preferences.choose_language("fr")
    names = [type(e).__name__ for e in preferences.collect_events()]
    assert names == ["Started", "EditionChosen", "LanguageChosen"]
    assert (preferences.edition, preferences.language) == ("montreal-2019", "fr")


def test_only_the_pages_languages_can_be_chosen() -> None:
    with pytest.raises(ValueError, match="en, fr"):
        StaffPreferences(staff_id=MEMBER).choose_language("de")

