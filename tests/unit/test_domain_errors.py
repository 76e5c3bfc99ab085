import pytest

from domain import errors
from domain.errors import (
    AllotmentExhausted,
    AlreadyCancelled,
    CodeExhausted,
    CodeInvalid,
    Conflict,
    DomainError,
    DuplicateEmail,
    Invalid,
    InvalidEdition,
    NotFound,
    Refused,
    RegistrationClosed,
    SoldOut,
    UnknownDelegation,
    UnknownRegistrationType,
)

REFUSALS = [
    SoldOut,
    CodeExhausted,
    DuplicateEmail,
    AllotmentExhausted,
    AlreadyCancelled,
    RegistrationClosed,
    Conflict,
]
BAD_INPUT = [CodeInvalid, UnknownDelegation, UnknownRegistrationType]


@pytest.mark.parametrize("error", REFUSALS)
def test_business_refusals_are_refused_errors(error):
    assert issubclass(error, Refused)
    assert not issubclass(error, Invalid)


@pytest.mark.parametrize("error", [*BAD_INPUT, InvalidEdition])
def test_bad_input_errors_are_invalid_errors(error):
    assert issubclass(error, Invalid)
    assert not issubclass(error, Refused)


def test_not_found_is_neither_refused_nor_invalid():
    assert issubclass(NotFound, DomainError)
    assert not issubclass(NotFound, Refused | Invalid)


def test_every_domain_error_has_its_own_machine_code():
    classes = [
        value
        for value in vars(errors).values()
        if isinstance(value, type) and issubclass(value, DomainError)
    ]
    codes = [cls.code for cls in classes]
    assert len(codes) == len(set(codes)) >= 15


@pytest.mark.parametrize("error", [*REFUSALS, *BAD_INPUT, NotFound])
def test_an_error_has_a_human_message_by_default(error):
    raised = error()
    assert raised.message
    assert str(raised) == raised.message


def test_an_error_can_say_what_exactly_went_wrong():
    raised = SoldOut("Student places are sold out.")
    assert raised.message == str(raised) == "Student places are sold out."
    assert raised.code == "sold_out"


def test_an_invalid_edition_lists_its_problems():
    raised = InvalidEdition("The edition has problems.", ["no currency", "no types"])
    assert raised.problems == ["no currency", "no types"]
    assert raised.message == "The edition has problems."
    assert raised.code == "invalid_edition"


def test_an_invalid_edition_without_a_message_is_described_by_its_problems():
    raised = InvalidEdition(problems=["no currency", "no registration type"])
    assert raised.problems == ["no currency", "no registration type"]
    assert raised.message == "no currency; no registration type"


def test_an_invalid_edition_without_problems_still_has_a_message():
    assert InvalidEdition().message == InvalidEdition.default_message
