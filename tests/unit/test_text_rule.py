"""The one rule for typed text: what is refused, what is cleaned, and that cleaning is stable."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from domain.errors import Invalid
from domain.text import MESSAGES, TextRefused, clean_text, split_lines, text_problem

C0 = [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"]
C1 = [chr(c) for c in range(0x80, 0xA0)]
BIDI = [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]]
NONCHARACTERS = [*map(chr, range(0xFDD0, 0xFDF0)),
                 *(chr(plane + last) for plane in range(0, 0x110000, 0x10000)
                   for last in (0xFFFE, 0xFFFF))]


def refusal(text: str, *, multiline: bool = False) -> TextRefused:
    with pytest.raises(TextRefused) as refused:
        clean_text(text, multiline=multiline)
    return refused.value


@pytest.mark.parametrize("multiline", [False, True])
@pytest.mark.parametrize("character", [*C0, "\x7f", *C1])
def test_every_control_character_is_refused_in_any_field(character, multiline):
    refused = refusal(f"A{character}B", multiline=multiline)
    assert refused.problem == "control"
    assert f"(U+{ord(character):04X})" in refused.message


def test_a_nul_byte_is_refused_with_a_message_naming_it():
    assert refusal("A\x00B").message == (
        "Contains an invisible control character (U+0000), which is not allowed.")


@pytest.mark.parametrize("multiline", [False, True])
def test_a_tab_is_refused_even_where_line_breaks_are_welcome(multiline):
    assert refusal("Gagnon\tÉlise", multiline=multiline).message == (
        "Contains a tab; use a space instead.")


@pytest.mark.parametrize("line_break", ["\n", "\r", "\r\n", "\u2028", "\u2029"])
def test_a_line_break_is_refused_in_a_one_line_field(line_break):
    refused = refusal(f"Élise{line_break}Gagnon")
    assert (refused.problem, refused.message) == (
        "line_break", "Must fit on one line: remove the line break.")


def test_a_multi_line_field_keeps_its_line_breaks_written_as_lf():
    assert clean_text("1001, place Riopelle\r\nMontréal\rQC\u2028Canada\n", multiline=True) == (
        "1001, place Riopelle\nMontréal\nQC\nCanada")


@pytest.mark.parametrize("multiline", [False, True])
@pytest.mark.parametrize("character", BIDI)
def test_direction_overrides_and_isolates_are_refused(character, multiline):
    refused = refusal(f"moc.elpmaxe{character}@", multiline=multiline)
    assert refused.problem == "direction" and f"U+{ord(character):04X}" in refused.message


@pytest.mark.parametrize("mark", ["\u200e", "\u200f", "\u061c"])
def test_the_plain_direction_marks_that_names_in_arabic_or_hebrew_use_stay(mark):
    name = f"שרה{mark} (2)"
    assert clean_text(name) == name


@pytest.mark.parametrize("surrogate", ["\ud800", "\udbff", "\udc00", "\udfff"])
def test_an_unpaired_surrogate_from_json_is_refused(surrogate):
    refused = refusal(f"Zo{surrogate}")
    assert refused.problem == "surrogate" and f"U+{ord(surrogate):04X}" in refused.message


@pytest.mark.parametrize("character", NONCHARACTERS)
def test_unicode_noncharacters_are_refused(character):
    assert refusal(f"x{character}y").problem == "noncharacter"


def test_a_refusal_is_an_invalid_request_with_a_stable_code():
    refused = refusal("\x00")
    assert isinstance(refused, Invalid) and refused.code == "text_refused"
    assert refused.character == "\x00" and refused.code_point == "U+0000"
    assert set(MESSAGES) == {"control", "tab", "line_break", "direction", "surrogate",
                             "noncharacter", "invisible"}


@pytest.mark.parametrize("text", ["\u200b", " \u2060 ", "\ufeff\u200b", "\u200d"])
def test_a_text_with_nothing_visible_is_refused_rather_than_passing_for_filled_in(text):
    refused = refusal(text)
    assert refused.problem == "invisible" and refused.code_point in refused.message


@pytest.mark.parametrize("text", ["Zo\u00eb\u200b", "\U0001f469\u200d\U0001f4bb", ""])
def test_an_invisible_character_beside_visible_text_stays(text):
    assert text_problem(text) is None


def test_the_first_offending_character_is_the_one_named():
    assert text_problem("a\u202eb\x00c").code_point == "U+202E"  # type: ignore[union-attr]
    assert text_problem("Élise Gagnon") is None


def test_a_decomposed_name_with_spaces_around_is_stored_precomposed_and_trimmed():
    assert clean_text("  Zoe\u0301  ") == "Zo\u00e9"
    assert clean_text("\u00a0Zoé\u3000") == "Zoé"  # no-break and ideographic spaces too


def test_letters_of_every_script_emoji_and_joiners_stay_as_typed():
    for name in ["Nguyễn Thị Minh Khai", "محمد", "李小龍", "Ólafur", "👩\u200d💻 Dev",
                 "O\u2019Brien", "Jean\u00a0Paul"]:
        assert clean_text(name) == unicodedata.normalize("NFC", name)


def test_only_real_line_breaks_split_an_address_block():
    assert split_lines("a\r\nb\rc\nd\u2028e\x0bf\x85g") == ["a", "b", "c", "d", "e\x0bf\x85g"]


# Any code point, surrogates included (a JSON string can carry one).
texts = st.text(alphabet=st.characters(exclude_categories=()), max_size=40)


@settings(max_examples=400, deadline=None)
@given(texts, st.booleans())
@example("  Zoe\u0301  ", False)
@example("\u0301 e\u0301 ", False)
@example("a\r\nb", True)
@example(" \u00a0\u3000", False)
def test_what_passes_is_nfc_trimmed_storable_and_cleaned_once_for_all(text, multiline):
    try:
        cleaned = clean_text(text, multiline=multiline)
    except TextRefused:
        return
    assert unicodedata.is_normalized("NFC", cleaned)
    assert cleaned == cleaned.strip()
    assert "\x00" not in cleaned  # PostgreSQL TEXT refuses NUL
    cleaned.encode("utf-8")  # no lone surrogate: storable as UTF-8
    assert text_problem(cleaned, multiline=multiline) is None
    assert clean_text(cleaned, multiline=multiline) == cleaned
    if not multiline:
        assert "\n" not in cleaned and "\r" not in cleaned


@settings(max_examples=200, deadline=None)
@given(texts, st.sampled_from([*C0, "\x7f", *C1, *BIDI, "\ud800", "\udfff", "\ufffe"]),
       st.booleans())
def test_a_forbidden_character_anywhere_is_refused(text, character, multiline):
    position = len(text) // 2
    with pytest.raises(TextRefused):
        clean_text(text[:position] + character + text[position:], multiline=multiline)
