"""Domain refusals on pages: a French message per error code; the domain's words otherwise,
on English pages only."""

from __future__ import annotations

import pytest
from flask import Flask, g

from domain import errors
from registration.web.common import i18n
from registration.web.common.refusals import refusal_message
from tests.unit.test_page_translations import ROOT

CATALOGS = i18n.load_catalogs(ROOT / "translations")


def shown_in(language: str, error: errors.DomainError) -> str:
    with Flask(__name__).test_request_context():
        g.catalogs = CATALOGS
        i18n.set_language(language)
        return refusal_message(error)


@pytest.mark.parametrize("error", [
    errors.DuplicateEmail, errors.SoldOut, errors.CodeInvalid, errors.RegistrationClosed,
    errors.AllotmentExhausted, errors.CodeExhausted, errors.AlreadyCancelled,
    errors.AlreadyInvoiced, errors.AlreadyPaid])
def test_each_business_refusal_reads_in_french(error: type[errors.DomainError]) -> None:
    english = shown_in("en", error("a@example.com is already registered for this edition."))
    french = shown_in("fr", error("a@example.com is already registered for this edition."))
    assert "a@example.com" not in english
    assert french != english


def test_a_code_without_a_translation_shows_the_domain_message_in_english_only() -> None:
    """A French page never shows the domain's English: an invalid request without words of
    its own says so generally."""
    refused = errors.Invalid("The bill-to party needs a name.")
    assert shown_in("en", refused) == "The bill-to party needs a name."
    assert shown_in("fr", refused) == ("Cette demande n\u2019est pas valide\u00a0: vérifiez ce "
                                       "que vous avez saisi.")
