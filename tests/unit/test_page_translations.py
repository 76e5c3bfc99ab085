"""Every message on the pages has its French translation, and amounts read the local way."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask import Flask

from domain.money import Money
from registration.web.common import i18n

ROOT = Path(__file__).resolve().parents[2]
METHODS = [("registration/web/**.py", "python"), ("templates/**.html", "jinja2"),
           ("templates/**.svg", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None,
            "pgettext": ((1, "c"), 2)}


def extracted() -> set[tuple[str | None, str]]:
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
            str(ROOT), METHODS, keywords=KEYWORDS):
        found.add((context, message[0] if isinstance(message, tuple) else message))
    return found


def test_every_page_message_has_a_french_translation() -> None:
    with (ROOT / "translations/fr/LC_MESSAGES/messages.po").open("rb") as po:
        catalog = read_po(po)
    translated = {(m.context, m.id[0] if isinstance(m.id, tuple) else m.id)
                  for m in catalog if m.id and (any(m.string) if isinstance(m.string, tuple)
                                                 else m.string)}
    assert sorted(extracted() - translated, key=str) == []


@pytest.mark.parametrize(("language", "territory", "expected"), [
    ("fr", "CA", "1\u00a0258,98\u00a0$"), ("en", "CA", "$1,258.98"), ("en", "US", "$1,258.98"),
])
def test_money_is_formatted_for_the_page_language(language, territory, expected) -> None:
    with Flask(__name__).test_request_context():
        i18n.set_language(language, territory)
        assert i18n.money(Money(Decimal("1258.98"), "CAD" if territory == "CA" else "USD")) \
            == expected


def test_dates_and_times_are_written_one_way_per_language() -> None:
    evening = datetime(2019, 3, 1, 22, 16, tzinfo=UTC)
    with Flask(__name__).test_request_context():
        i18n.set_language("fr", "CA")
        assert i18n.day(date(2019, 4, 15), "day-month") == "15 avril"
        assert i18n.day("2019-03-20") == i18n.day(date(2019, 3, 20)) == "20 mars 2019"
        assert i18n.day(evening) == "1er mars 2019"
        assert i18n.time_of_day(evening) == "22\u00a0h\u00a016"  # kept whole on a line
        assert i18n.moment(evening) == "1er mars 2019, 22\u00a0h\u00a016"
        i18n.set_language("en", "CA")
        assert i18n.day(date(2019, 4, 15), "day-month") == "April 15"
        assert i18n.day("2019-03-20") == "March 20, 2019"
        assert i18n.time_of_day(evening) == "10:16\u202fp.m."
        assert i18n.moment(evening) == "March 1, 2019, 10:16\u202fp.m."
