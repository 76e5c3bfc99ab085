"""French messages put a non-breaking space (U+00A0) before : ; ? and ! (Québec usage)."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

from registration.adapters.invoice_document import LABELS, names_in

ROOT = Path(__file__).resolve().parents[2]
# A sign of the high punctuation not preceded by a no-break space (U+00A0 or U+202F).
LOOSE = re.compile(r"(?<![\u00a0\u202f])[:;?!]")
# What is not prose: a placeholder's inside, an address.
NOT_PROSE = re.compile(r"%\([^)]*\)[sd]|https?://\S+|\{[^}]*\}")


def loose_signs(text: str) -> list[str]:
    prose = NOT_PROSE.sub("", text)
    return [prose[max(0, m.start() - 20):m.end()] for m in LOOSE.finditer(prose)]


def test_the_rule_catches_a_plain_space_and_a_missing_space() -> None:
    assert loose_signs("Merci : vous") and loose_signs("Des questions? Oui")
    assert not loose_signs("Merci\u00a0: vous, %(name)s\u00a0! https://x.org/a?b=1")


def test_every_french_message_has_a_no_break_space_before_high_punctuation() -> None:
    with (ROOT / "translations/fr/LC_MESSAGES/messages.po").open("rb") as po:
        catalog = read_po(po)
    loose = []
    for message in (m for m in catalog if m.id):
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        loose += [hit for text in strings if text for hit in loose_signs(text)]
    assert loose == []


def test_the_invoice_documents_french_labels_follow_the_same_rule() -> None:
    loose = [hit for text in LABELS["fr"].values() for hit in loose_signs(text)]
    assert loose == []


def test_a_bilingual_document_gives_each_name_in_both_languages_once() -> None:
    assert names_in({"fr": "Québec", "en": "Quebec"}, ["fr", "en"]) == ["Québec", "Quebec"]
    assert names_in({"fr": "Ontario", "en": "Ontario"}, ["fr", "en"]) == ["Ontario"]
    assert names_in({"en": "Georgia"}, ["fr", "en"]) == ["Georgia"]
