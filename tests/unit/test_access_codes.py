"""Invitation-only types: hidden and refused without an access code the document lists."""

from __future__ import annotations

import copy

import pytest

from domain.edition_document import parse_edition
from domain.errors import AccessCodeInvalid, AccessCodeRequired, InvalidEdition
from tests.support import editions


def invitation_document() -> dict:
    document = copy.deepcopy(editions.edition())
    speaker = next(t for t in document["registration_types"] if t["code"] == "speaker")
    speaker["access"] = "code"
    document["access_codes"] = [
        {"code": "SPK-ANNE", "registration_types": ["speaker"], "given_to": "Anne Roy"},
        {"code": "SPK-GA", "registration_types": ["speaker"], "delegation": "GA",
         "max_uses": 3},
        {"code": "SPK-ANY", "registration_types": ["speaker"], "max_uses": None},
    ]
    return document


def test_an_invitation_only_type_is_hidden_unless_a_code_opens_it() -> None:
    config = parse_edition(invitation_document())
    assert [t.code for t in config.offered_types()] == ["delegate"]
    assert [t.code for t in config.offered_types("nope")] == ["delegate"]
    assert [t.code for t in config.offered_types(" spk-anne ")] == ["delegate", "speaker"]


def test_registering_for_it_needs_a_valid_code_and_a_delegation_code_its_delegation() -> None:
    config = parse_edition(invitation_document())
    assert config.check_access("delegate", None) is None  # open: no code needed
    with pytest.raises(AccessCodeRequired):
        config.check_access("speaker", None)
    with pytest.raises(AccessCodeRequired):
        config.check_access("speaker", "  ")
    with pytest.raises(AccessCodeInvalid):
        config.check_access("speaker", "SPK-NOBODY")
    anne = config.check_access("speaker", "spk-anne")
    assert anne is not None and anne.max_uses == 1 and anne.given_to == "Anne Roy"
    assert config.check_access("speaker", "SPK-GA", "GA").max_uses == 3  # type: ignore[union-attr]
    with pytest.raises(AccessCodeInvalid):
        config.check_access("speaker", "SPK-GA", "QC")
    assert config.check_access("speaker", "SPK-ANY").max_uses is None  # type: ignore[union-attr]


def test_an_invitation_only_price_is_quoted_only_with_a_code_that_opens_the_type() -> None:
    config = parse_edition(invitation_document())
    at = config.registration_opens
    with pytest.raises(AccessCodeRequired):
        config.visitor_quote("speaker", None, None, at)
    with pytest.raises(AccessCodeInvalid):
        config.visitor_quote("speaker", None, "SPK-BOB", at)
    assert config.visitor_quote("speaker", None, "spk-anne", at) == \
        config.quote("speaker", None, at)
    assert config.visitor_quote("delegate", None, None, at) == config.quote("delegate", None, at)


def test_a_document_with_access_mistakes_is_refused_with_each_listed() -> None:
    document = invitation_document()
    document["registration_types"][0]["access"] = "secret"
    document["access_codes"] += [
        {"code": "DEL", "registration_types": ["delegate"]},
        {"code": "spk-anne", "registration_types": ["speaker"], "delegation": "XX"},
    ]
    with pytest.raises(InvalidEdition) as refused:
        parse_edition(document)
    problems = " | ".join(str(p) for p in refused.value.problems)
    assert 'registration_types[0].access: must be "open" or "code"' in problems
    assert "access_codes[3].registration_types: 'delegate' is not a registration type" \
        in problems
    assert "access_codes[4].delegation: unknown delegation 'XX'" in problems
    assert "access code" in problems  # SPK-ANNE twice
