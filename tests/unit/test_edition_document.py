"""Reading an edition document: every problem listed at once; local times in the edition's zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from domain.edition import Edition
from domain.edition_document import parse_edition
from domain.errors import InvalidEdition, RegistrationClosed
from tests.support import editions


def problems_of(document: dict) -> list[str]:
    with pytest.raises(InvalidEdition) as refused:
        parse_edition(document)
    return refused.value.problems


def test_a_valid_document_reads_deadlines_in_the_editions_time_zone():
    config = parse_edition(editions.edition())
    early = config.registration_type("delegate").tiers[0]
    assert early.until == datetime(2019, 4, 15, 23, 59, tzinfo=ZoneInfo("America/Montreal"))
    assert config.delegation("GA").allotment == 2


def test_an_invalid_document_is_refused_with_every_problem_listed():
    document = editions.edition(
        slug="Bad Slug", host="Quebec", currency="EUR", time_zone="Mars/Olympus",
        languages=["de"], bogus=True,
    )
    document["registration_types"][0]["tiers"][1]["price"] = "free"
    document["delegations"].append({"code": "QC", "names": {"en": "Again"}})
    found = problems_of(document)
    for expected in ("bogus: is not a known field", "slug:", "host:", "currency:", "time_zone:",
                     "languages:", "registration_types[0].tiers[1].price:",
                     "delegation 'QC' appears twice"):
        assert any(expected in problem for problem in found), (expected, found)


def test_tiers_must_be_in_deadline_order_and_codes_must_name_existing_types():
    document = editions.edition()
    tiers = document["registration_types"][0]["tiers"]
    tiers[0]["until"], tiers[1]["until"] = tiers[1]["until"], tiers[0]["until"]
    document["discount_codes"][1]["registration_types"] = ["astronaut"]
    found = problems_of(document)
    assert any("deadlines must be in order" in p for p in found)
    assert any("unknown registration type 'astronaut'" in p for p in found)


def test_registration_is_refused_before_it_opens_and_after_it_closes():
    config = parse_edition(editions.edition())
    with pytest.raises(RegistrationClosed, match="opens on 2019-01-15 09:00"):
        config.check_open(datetime(2019, 1, 1, tzinfo=ZoneInfo("UTC")))
    with pytest.raises(RegistrationClosed):
        config.check_open(datetime(2019, 6, 5, tzinfo=ZoneInfo("UTC")))


def test_reloading_an_unchanged_document_records_nothing_and_the_slug_cannot_change():
    edition = Edition.schedule(editions.edition())
    edition.reconfigure(editions.edition())
    assert edition.version == 1
    edition.reconfigure(editions.edition(currency="USD"))
    assert edition.version == 2 and edition.config.currency == "USD"
    with pytest.raises(InvalidEdition):
        edition.reconfigure(editions.edition(slug="another-edition"))


def saved(document: dict) -> Edition:
    edition = Edition.schedule(document)
    edition.collect_events()  # as if saved
    return edition


def test_each_loaded_edition_reads_its_own_document_though_parsing_is_shared():
    first = saved(editions.edition(badge={"stock": "4x3"}))
    assert saved(editions.edition(badge={"stock": "4x3"})).config is first.config
    other_store = saved(editions.edition(badge={"stock": "letter-6"}))  # same slug and version
    assert (first.config.badge_stock, other_store.config.badge_stock) == ("4x3", "letter-6")

    other_store.reconfigure(editions.edition(badge={"stock": "4x3"}))  # not saved yet
    assert other_store.config.badge_stock == "4x3"
    assert saved(editions.edition(badge={"stock": "letter-6"})).config.badge_stock == "letter-6"


def test_a_control_character_anywhere_in_the_document_refuses_it_naming_where():
    document = editions.edition()
    document["venue"]["name"] = "Palais\u0000des congrès"
    document["delegations"][0]["names"]["en"] = "Que\u202ebec"
    document["tax_numbers"]["GST\ud800"] = "123456789 RT0001"
    document["invoicing"] = {"issuer": {"legal_name": "Alliance",
                                        "address": ["1001, place\nRiopelle"]}}
    found = problems_of(document)
    assert "venue.name: contains an invisible control character (U+0000), which is not " \
        "allowed." in found
    assert any(p.startswith("delegations[0].names.en: contains an invisible text-direction "
                            "control (U+202E)") for p in found)
    assert any(p.startswith("tax_numbers.'GST\\ud800': the key contains a broken character")
               for p in found)
    assert "invoicing.issuer.address[0]: must fit on one line: remove the line break." in found


def test_names_and_codes_of_an_edition_are_read_in_nfc_and_trimmed():
    document = editions.edition()
    document["names"]["fr"] = "  Confe\u0301rence de l\u2019Alliance "
    document["delegations"][0]["names"]["fr"] = "Que\u0301bec"
    config = parse_edition(document)
    assert config.names["fr"] == "Conférence de l\u2019Alliance"
    assert config.delegation("QC").name("fr") == "Québec"


def test_the_organisers_contact_is_optional_and_only_an_email_and_a_phone():
    assert parse_edition(editions.edition()).contact == {}
    contact = {"email": "info@example.org", "phone": "+1 514 555 0100"}
    assert parse_edition({**editions.edition(), "contact": contact}).contact == contact
    with pytest.raises(InvalidEdition) as refused:
        parse_edition({**editions.edition(), "contact": {"email": "nope", "fax": "1"}})
    assert "contact" in str(refused.value.problems)
    with pytest.raises(InvalidEdition) as refused:
        parse_edition({**editions.edition(), "contact": {"email": "nope"}})
    assert "contact.email" in str(refused.value.problems)
