"""The edition's questions on the pages: reading answers from a form, saying why one is refused.

A form field is named `answer-<code>`. Yes/no questions are two radio buttons ("yes"/"no"),
a consent is a checkbox ("yes"), a choice is radio buttons with the option's code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from domain.edition_config import EditionConfig
from domain.questions import AnswersRefused, Question, answer_text
from registration.web.common.i18n import N_, gettext

PREFIX = "answer-"
# Why an answer is refused (domain.questions.PROBLEMS), as the person reads it.
PROBLEMS = {
    "required": N_("Please answer this question."),
    "not_a_choice": N_("Choose one of the answers offered."),
    "not_yes_no": N_("Answer yes or no."),
    "must_consent": N_("You must accept this to register."),
    "too_long": N_("This answer is too long (500 characters at most)."),
    "refused_text": N_("This answer holds a character that cannot be recorded."),
    "not_asked": N_("This question is not asked for this registration type."),
}


def field_name(question: Question) -> str:
    return PREFIX + question.code


def form_answers(config: EditionConfig, type_code: str, form: Mapping[str, str],
                 prefix: str = "") -> dict[str, Any]:
    """The answers a form gives to the questions asked of `type_code` (others are ignored:
    the form shows every question, the type chosen decides which count); `prefix` names a
    row of the group form (`p0-answer-diet`)."""
    answers: dict[str, Any] = {}
    for question in config.questions_for(type_code):
        value = form.get(prefix + field_name(question))
        if question.kind == "yes_no":
            answers[question.code] = {"yes": True, "no": False}.get(value or "")
        elif question.kind == "consent":
            answers[question.code] = value == "yes" or (None if question.required else False)
        else:
            answers[question.code] = value or None
    return answers


def answer_errors(config: EditionConfig, refused: AnswersRefused) -> dict[str, str]:
    """Each refused answer's message beside its field, in the page's language."""
    questions = {q.code: q for q in config.questions}
    errors = {}
    for code, problem in refused.problems.items():
        question = questions.get(code)
        if question is None:
            continue  # not a question of this edition: no field to show it beside
        if question.kind == "consent" and problem == "required":
            problem = "must_consent"
        errors[field_name(question)] = gettext(PROBLEMS[problem])
    return errors or {"": gettext(PROBLEMS["not_asked"])}


def form_values(answers: Mapping[str, Any]) -> dict[str, str]:
    """Recorded answers as form values (to fill the form in again)."""
    values = {}
    for code, answer in answers.items():
        values[PREFIX + code] = ("yes" if answer else "no") if isinstance(answer, bool) else answer
    return values


def readable_answers(config: EditionConfig, type_code: str, answers: Mapping[str, Any],
                     language: str, *, desk: bool = False) -> list[tuple[str, str]]:
    """(question, answer) as a person reads them, in the document's order; for the desk,
    only the questions shown at the desk and answered."""
    shown = [q for q in config.questions_for(type_code)
             if not desk or (q.shown_at_desk and answers.get(q.code) not in (None, ""))]
    return list(zip([q.label(language) for q in shown], answer_texts(shown, answers, language),
                    strict=True))


def answer_texts(questions: Iterable[Question], answers: Mapping[str, Any],
                 language: str) -> list[str]:
    """Each question's answer as a person reads it ("" where unanswered)."""
    yes_no = (gettext("Yes"), gettext("No"))
    return [answer_text(q, answers.get(q.code), language, yes_no) for q in questions]
