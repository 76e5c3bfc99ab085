"""The demo edition documents read without a problem and say what the demo promises."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from domain.edition_config import EditionConfig
from domain.edition_document import parse_edition
from registration.demo import demo_documents
from registration.demo.samples import SAMPLES, moment

ALLIANCE = ["AL", "GA", "MS", "NC", "SC", "TN", "QC", "ON", "NS", "NB", "MB", "PE", "NL"]


def config(slug: str) -> EditionConfig:
    return next(parse_edition(d) for d in demo_documents() if d["slug"] == slug)


def test_both_demo_documents_parse():
    assert [parse_edition(d).slug for d in demo_documents()] == ["seuscp-2019", "seuscp-2027"]


def test_montreal_2019_is_a_bilingual_quebec_edition_with_the_thirteen_delegations():
    montreal = config("seuscp-2019")
    assert (montreal.host, montreal.currency, montreal.time_zone) == (
        "CA-QC", "CAD", "America/Montreal")
    assert montreal.languages == ("fr", "en")
    assert [d.code for d in montreal.delegations] == ALLIANCE
    assert montreal.delegation("QC").allotment is not None
    named = [montreal.names, *(t.names for t in montreal.registration_types),
             *(d.names for d in montreal.delegations)]
    assert all(set(names) == {"fr", "en"} for names in named)
    assert montreal.delegation("NS").name("fr") == "Nouvelle-Écosse"


def test_montreal_early_bird_ends_on_15_april_at_23_59_local_time_with_gst_and_qst():
    montreal = config("seuscp-2019")
    deadline = datetime(2019, 4, 15, 23, 59, tzinfo=ZoneInfo("America/Montreal"))
    assert montreal.registration_type("delegate").tiers[0].until == deadline
    early = montreal.quote("delegate", None, deadline)
    late = montreal.quote("delegate", None, datetime(2019, 4, 16, 9, tzinfo=deadline.tzinfo))
    assert early.early_bird_applied and not late.early_bird_applied
    assert [(line.code, line.registration_number is not None) for line in early.tax_lines] == [
        ("GST", True), ("QST", True)]


def test_the_discount_codes_are_a_limited_partner_percentage_and_a_government_amount():
    montreal = config("seuscp-2019")
    partner, government = montreal.discount_codes
    assert (partner.kind, partner.max_uses) == ("percent", 30)
    assert (government.kind, government.value, government.registration_types) == (
        "fixed", Decimal("100.00"), frozenset({"government"}))


def test_atlanta_2027_is_an_english_only_georgia_edition_in_dollars_without_sales_tax():
    atlanta = config("seuscp-2027")
    assert (atlanta.host, atlanta.currency, atlanta.languages) == ("US-GA", "USD", ("en",))
    quote = atlanta.quote("delegate", None, atlanta.registration_opens)
    assert quote.tax_lines == () and quote.early_bird_applied


def test_every_sample_fits_the_montreal_document_at_its_moment_before_the_demo_clock():
    montreal = config("seuscp-2019")
    demo_clock = datetime.fromisoformat("2019-03-20T10:00:00-04:00")
    for sample in SAMPLES:
        montreal.check_open(moment(sample.at))
        montreal.delegation(sample.delegation)
        montreal.quote(sample.registration_type, sample.code, moment(sample.at))
        assert moment(sample.at) < demo_clock
    assert len({sample.email for sample in SAMPLES}) == len(SAMPLES)
