"""The questions an edition asks when someone registers, and what makes an answer acceptable.

An edition document lists its questions (dietary needs, accessibility, photo consent, the
terms...). Each is free text, a choice among listed options, yes/no, or a consent box; it
may be required, and may be asked of some registration types only. Answers are recorded
with the registration exactly as accepted here, so pages, the desk card and the exports
show what the person gave.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from domain.errors import Invalid
from domain.text import text_problem

KINDS = ("text", "choice", "yes_no", "consent")
TEXT_LIMIT = 500  # characters in a text answer: a sentence or two, e.g. a dietary need

Answer = str | bool
# Why an answer is refused; pages and the API name the question and say it in the person's
# language (registration.web.common.answers).
PROBLEMS = ("required", "not_a_choice", "not_yes_no", "must_consent", "too_long",
            "refused_text", "not_asked")


@dataclass(frozen=True)
class Option:
    code: str
    labels: Mapping[str, str]

    def label(self, language: str) -> str:
        return _in(self.labels, language, self.code)


@dataclass(frozen=True)
class Question:
    code: str
    kind: str
    labels: Mapping[str, str]
    required: bool = False
    options: tuple[Option, ...] = ()
    registration_types: frozenset[str] = frozenset()  # empty: asked of every type
    shown_at_desk: bool = True  # a photo-consent "no" matters at the desk; the terms do not

    def label(self, language: str) -> str:
        return _in(self.labels, language, self.code)

    def asked_of(self, type_code: str) -> bool:
        return not self.registration_types or type_code in self.registration_types

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)

    def problem(self, value: Any) -> str | None:
        """Why `value` is not an acceptable answer (None: acceptable; absent is None/"")."""
        if value is None or value == "":
            return "required" if self.required else None
        if self.kind == "text":
            if not isinstance(value, str):
                return "refused_text"
            if len(value.strip()) > TEXT_LIMIT:
                return "too_long"
            if text_problem(value) is not None:
                return "refused_text"
            return "required" if self.required and not value.strip() else None
        if self.kind == "choice":
            return None if isinstance(value, str) and self.option(value) else "not_a_choice"
        if not isinstance(value, bool):
            return "not_yes_no"
        if self.kind == "consent" and self.required and not value:
            return "must_consent"
        return None


class AnswersRefused(Invalid):
    """One or more answers are missing or not acceptable; `problems` says which and why."""

    code = "answers_refused"

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)  # question code -> one of PROBLEMS
        super().__init__("Some answers are missing or not acceptable: " + ", ".join(
            f"{question} ({problem.replace('_', ' ')})"
            for question, problem in sorted(self.problems.items())) + ".")


def accepted_answers(questions: tuple[Question, ...], type_code: str,
                     given: Mapping[str, Any]) -> dict[str, Answer]:
    """The answers to record for a registration of `type_code` (unanswered optional
    questions are left out), or AnswersRefused listing every problem at once."""
    asked = {q.code: q for q in questions if q.asked_of(type_code)}
    problems = {code: "not_asked" for code in given if code not in asked}
    answers: dict[str, Answer] = {}
    for code, question in asked.items():
        value = given.get(code)
        problem = question.problem(value)
        if problem is not None:
            problems[code] = problem
        elif value is not None and value != "":
            answers[code] = value.strip() if isinstance(value, str) else value
    if problems:
        raise AnswersRefused(problems)
    return answers


def answer_text(question: Question, answer: Answer | None, language: str,
                yes_no: tuple[str, str]) -> str:
    """An answer as a person reads it: the option's label, or `yes_no` words for booleans."""
    if answer is None:
        return ""
    if isinstance(answer, bool):
        return yes_no[0] if answer else yes_no[1]
    option = question.option(answer) if question.kind == "choice" else None
    return option.label(language) if option else answer


def _in(labels: Mapping[str, str], language: str, fallback: str) -> str:
    return labels.get(language) or labels.get(language.split("-")[0]) or labels.get("en") \
        or fallback

