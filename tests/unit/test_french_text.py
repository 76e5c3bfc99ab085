"""Québec French the formatters do not give: 1er, du … au …, articles and elision."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask

from registration.french import first_of_month, of_name, to_name, with_article
from registration.web.common import i18n


def test_the_first_of_a_month_is_1er_and_no_other_day() -> None:
    assert first_of_month("1 mars 2019, 11 mars, 21\u00a0juin, 1\u00a0juin") == \
        "1er mars 2019, 11 mars, 21\u00a0juin, 1er\u00a0juin"


@pytest.mark.parametrize(("name", "to", "the"), [
    ("12e Conférence annuelle", "à la 12e Conférence annuelle", "la 12e Conférence annuelle"),
    ("Congrès de Québec", "au Congrès de Québec", "le Congrès de Québec"),
    ("Assemblée annuelle", "à l\u2019Assemblée annuelle", "l\u2019Assemblée annuelle"),
    ("Montréal 2026", "à Montréal 2026", "Montréal 2026"),
])
def test_an_events_name_takes_its_article(name: str, to: str, the: str) -> None:
    assert to_name(name) == to and with_article(name) == the


@pytest.mark.parametrize(("name", "of"), [
    ("Alliance des États du Sud-Est", "de l\u2019Alliance des États du Sud-Est"),
    ("Conseil du trésor", "du Conseil du trésor"),
    ("Fédération X", "de la Fédération X"),
    ("Hydro-Québec", "d\u2019Hydro-Québec"),
    ("Bell Canada", "de Bell Canada"),
])
def test_an_organisations_name_after_de(name: str, of: str) -> None:
    assert of_name(name) == of


@pytest.mark.parametrize(("language", "start", "end", "expected"), [
    ("fr", date(2019, 6, 2), date(2019, 6, 4), "du 2 au 4 juin 2019"),
    ("fr", date(2019, 3, 1), date(2019, 3, 3), "du 1er au 3 mars 2019"),
    ("fr", date(2019, 5, 30), date(2019, 6, 1), "du 30 mai au 1er juin 2019"),
    ("fr", date(2019, 12, 30), date(2020, 1, 2), "du 30 décembre 2019 au 2 janvier 2020"),
    ("en", date(2019, 6, 2), date(2019, 6, 4), "June 2\u20134, 2019"),
    ("en", date(2019, 5, 30), date(2019, 6, 1), "May 30 \u2013 June 1, 2019"),
])
def test_a_span_of_days_reads_the_local_way(language, start, end, expected) -> None:
    with Flask(__name__).test_request_context():
        i18n.set_language(language, "CA")
        assert i18n.dates(start, end) == expected


def test_a_french_day_is_1er_on_the_first() -> None:
    with Flask(__name__).test_request_context():
        i18n.set_language("fr", "CA")
        assert i18n.day(date(2019, 3, 1)) == "1er mars 2019"
        assert i18n.day(date(2019, 3, 1), "day-month") == "1er mars"
