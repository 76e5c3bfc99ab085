"""Issue 14 item 6: the questions an edition asks, and which answers it accepts."""

from __future__ import annotations

from typing import Any

import pytest

from domain.edition_document import parse_edition
from domain.errors import InvalidEdition
from domain.questions import AnswersRefused
from tests.support.editions import edition

QUESTIONS: list[dict[str, Any]] = [
    {"code": "diet", "kind": "text",
     "labels": {"en": "Dietary needs", "fr": "Besoins alimentaires"}},
    {"code": "meal", "kind": "choice", "registration_types": ["delegate"],
     "labels": {"en": "Main course", "fr": "Plat principal"},
     "options": [{"code": "fish", "labels": {"en": "Fish", "fr": "Poisson"}},
                 {"code": "veg", "labels": {"en": "Vegetarian", "fr": "Végétarien"}}]},
    {"code": "photos", "kind": "yes_no", "required": True,
     "labels": {"en": "Photos?", "fr": "Photos ?"}},
    {"code": "terms", "kind": "consent", "required": True, "shown_at_desk": False,
     "labels": {"en": "I accept the terms.", "fr": "J\u2019accepte les conditions."}},
]


def config(questions: list[dict[str, Any]] = QUESTIONS) -> Any:
    return parse_edition(edition(questions=questions))


def test_an_edition_without_questions_accepts_no_answers_and_needs_none() -> None:
    plain = parse_edition(edition())
    assert plain.answers("delegate", {}) == {}
    with pytest.raises(AnswersRefused) as refused:
        plain.answers("delegate", {"diet": "none"})
    assert refused.value.problems == {"diet": "not_asked"}


def test_accepted_answers_are_trimmed_and_unanswered_optional_ones_left_out() -> None:
    accepted = config().answers("delegate", {"diet": "  sans gluten ", "meal": "veg",
                                             "photos": False, "terms": True})
    assert accepted == {"diet": "sans gluten", "meal": "veg", "photos": False, "terms": True}
    assert config().answers("delegate", {"diet": "", "photos": True, "terms": True}) == {
        "photos": True, "terms": True}


def test_every_problem_is_named_at_once() -> None:
    with pytest.raises(AnswersRefused) as refused:
        config().answers("delegate", {"meal": "beef", "photos": "yes", "terms": False,
                                      "diet": "x" * 501, "shoe_size": "42"})
    assert refused.value.problems == {
        "meal": "not_a_choice", "photos": "not_yes_no", "terms": "must_consent",
        "diet": "too_long", "shoe_size": "not_asked"}
    with pytest.raises(AnswersRefused) as missing:
        config().answers("delegate", {})
    assert missing.value.problems == {"photos": "required", "terms": "required"}


def test_a_question_for_some_types_is_neither_asked_of_nor_answered_by_others() -> None:
    assert [q.code for q in config().questions_for("speaker")] == ["diet", "photos", "terms"]
    with pytest.raises(AnswersRefused) as refused:
        config().answers("speaker", {"meal": "fish", "photos": True, "terms": True})
    assert refused.value.problems == {"meal": "not_asked"}


def test_control_characters_are_refused_in_a_text_answer() -> None:
    with pytest.raises(AnswersRefused) as refused:
        config().answers("delegate", {"diet": "nuts\x00", "photos": True, "terms": True})
    assert refused.value.problems == {"diet": "refused_text"}


def test_labels_fall_back_to_english() -> None:
    meal = config().questions[1]
    assert (meal.label("fr"), meal.label("fr-CA"), meal.label("es")) == (
        "Plat principal", "Plat principal", "Main course")
    assert meal.option("veg").label("fr") == "Végétarien"


@pytest.mark.parametrize(("question", "problem"), [
    ({"code": "x", "kind": "essay", "labels": {"en": "X"}}, "questions[0].kind"),
    ({"code": "x", "kind": "choice", "labels": {"en": "X"},
      "options": [{"code": "a", "labels": {"en": "A"}}]}, "at least two options"),
    ({"code": "x", "kind": "text", "labels": {"en": "X"},
      "options": [{"code": "a", "labels": {"en": "A"}}]}, "only a choice lists options"),
    ({"code": "Bad Code", "kind": "text", "labels": {"en": "X"}}, "questions[0].code"),
    ({"code": "x", "kind": "text", "labels": {"en": "X"}, "registration_types": ["nope"]},
     "unknown registration type 'nope'"),
    ({"code": "x", "kind": "text", "labels": {"en": "X"}, "required": "yes"},
     "questions[0].required: must be true or false"),
])
def test_a_question_the_document_gets_wrong_is_refused_with_its_path(
        question: dict[str, Any], problem: str) -> None:
    with pytest.raises(InvalidEdition) as refused:
        config([question])
    assert any(problem in p for p in refused.value.problems), refused.value.problems


def test_two_questions_may_not_share_a_code() -> None:
    with pytest.raises(InvalidEdition) as refused:
        config([QUESTIONS[0], QUESTIONS[0]])
    assert any("appears twice" in p for p in refused.value.problems)
