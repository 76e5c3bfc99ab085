"""The desk's search text: lower-case and accent-free, whatever the script."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from domain.attendee import Attendee
from registration.projections.attendance import searchable


def test_accents_and_case_do_not_matter_to_the_search():
    assert searchable("François", None, "Bélanger-Ñúñez", "QC") == "francois belanger-nunez qc"


@given(st.lists(st.text() | st.none(), max_size=5))
def test_every_combining_mark_is_dropped_and_nothing_else(parts):
    text = " ".join(p for p in parts if p)
    decomposed = unicodedata.normalize("NFKD", text)
    expected = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    assert searchable(*parts) == expected


def test_an_attendee_as_a_dict_has_every_detail_and_comes_back_the_same():
    attendee = Attendee("Zoé", "Bélanger", "zoe@example.org", "Hydro-Québec", "Ingénieure",
                        "fr", None)
    assert attendee.to_dict() == {
        "first_name": "Zoé", "last_name": "Bélanger", "email": "zoe@example.org",
        "organisation": "Hydro-Québec", "job_title": "Ingénieure", "language": "fr",
        "phone": None}
    assert Attendee.from_dict(attendee.to_dict()) == attendee
