"""The schemas' text fields: the domain's rule, its refusals named per field, in French on pages."""

from __future__ import annotations

import pytest
from flask import Flask, g
from marshmallow import ValidationError

from domain import text
from registration.web.common import i18n
from registration.web.common.finance_schemas import BillToSchema, InvoiceCancellationSchema
from registration.web.common.forms import validate
from registration.web.common.schemas import AttendeeSchema, RegistrationRequestSchema
from registration.web.common.text_fields import MESSAGES
from tests.unit.test_page_translations import ROOT

CATALOGS = i18n.load_catalogs(ROOT / "translations")
PERSON = {"first_name": "Élise", "last_name": "Gagnon", "email": "elise@example.ca",
          "organisation": "Exo", "job_title": "Planner", "language": "fr"}


def refusals(schema, payload) -> dict:
    with pytest.raises(ValidationError) as refused:
        schema.load(payload)
    return refused.value.messages  # type: ignore[return-value]


def on_a_page(language: str, schema, payload) -> dict[str, str]:
    with Flask(__name__).test_request_context():
        g.catalogs = CATALOGS
        i18n.set_language(language)
        return validate(schema, payload)[1]


def test_the_pages_mark_for_translation_exactly_the_domains_messages():
    assert MESSAGES == text.MESSAGES


def test_a_nul_in_a_name_is_refused_naming_the_field_and_the_character():
    messages = refusals(RegistrationRequestSchema(), {
        "registration_type": "delegate", "attendee": {**PERSON, "first_name": "A\u0000B"}})
    assert messages == {"attendee": {"first_name": [
        "Contains an invisible control character (U+0000), which is not allowed."]}}


def test_every_attendee_field_is_cleaned_to_nfc_and_trimmed():
    attendee = AttendeeSchema().load_attendee({
        **PERSON, "first_name": "  Zoe\u0301 ", "organisation": "\u00a0Ville de Montre\u0301al",
        "email": " elise@example.ca "})
    assert (attendee.first_name, attendee.organisation, attendee.email) == (
        "Zoé", "Ville de Montréal", "elise@example.ca")


def test_an_e_mail_address_with_a_control_character_in_quotes_is_refused():
    # A quoted local part with \x01 would pass the e-mail check on its own.
    messages = refusals(AttendeeSchema(), {**PERSON, "email": '"a\x01b"@example.com'})
    assert messages == {"email": [
        "Contains an invisible control character (U+0001), which is not allowed."]}


def test_a_blank_name_after_trimming_is_too_short():
    assert set(refusals(AttendeeSchema(), {**PERSON, "last_name": "\u3000 "})) == {"last_name"}


def test_a_cancellation_reason_keeps_its_line_breaks_but_a_bill_to_line_may_not_have_any():
    reason = InvoiceCancellationSchema().load({"reason": "Duplicate.\r\nSee PO 12."})["reason"]
    assert reason == "Duplicate.\nSee PO 12."
    assert refusals(BillToSchema(), {"name": "Exo", "address": ["1 rue\nA"]}) == {
        "address": {0: ["Must fit on one line: remove the line break."]}}


def test_a_refusal_on_a_french_page_is_in_french_beside_its_field():
    errors = on_a_page("fr", RegistrationRequestSchema(), {
        "registration_type": "delegate", "attendee": {**PERSON, "last_name": "Ga\u202egnon"}})
    assert errors == {"last_name": "Contient un caractère invisible qui force le sens de "
                                   "l\u2019écriture (U+202E), ce qui n\u2019est pas permis."}


def test_a_refused_address_line_is_shown_beside_the_address():
    errors = on_a_page("en", BillToSchema(), {"name": "Exo", "address": ["ok", "A\x85"]})
    assert errors == {"address": "Contains an invisible control character (U+0085), which is "
                                 "not allowed."}


@pytest.mark.parametrize(("problem", "sample"), [
    ("control", "\x00"), ("tab", "\t"), ("line_break", "\n"), ("direction", "\u2066"),
    ("surrogate", "\udc00"), ("noncharacter", "\ufdd0")])
def test_each_refusal_has_a_french_wording_naming_the_same_character(problem, sample):
    english = on_a_page("en", AttendeeSchema(), {**PERSON, "job_title": f"x{sample}y"})
    french = on_a_page("fr", AttendeeSchema(), {**PERSON, "job_title": f"x{sample}y"})
    assert english["job_title"] == text.TextRefused(problem, sample).message
    assert french["job_title"] != english["job_title"]
    code_point = f"U+{ord(sample):04X}"
    assert (code_point in french["job_title"]) == (code_point in english["job_title"])
