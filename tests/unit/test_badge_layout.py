"""Fitting badge text to its box, the QR code, and cutting batches into chunks."""

from __future__ import annotations

import io
import re

import segno
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from registration.adapters.badge_layout import (
    BAND_FLOOR,
    BAND_ONE_LINE_FLOOR,
    BAND_TRACKING,
    BAND_WIDTH,
    CONTENT_WIDTH,
    Badge,
    badge_context,
    band,
    fit,
    fit_title,
    ink_for,
    lines_needed,
    text_width,
)
from registration.adapters.badge_printer import PART_BADGES, parts
from registration.adapters.qr_code import QR_MASK, qr_png, qr_svg


def badge(n: int = 0, first_name: str = "Zoé") -> Badge:
    return Badge(str(n), first_name, f"Côté{n}", "Hydro-Québec", "QC", ("Québec", "Quebec"),
                 ("Délégué", "Delegate"), "#1f4e79", "Conférence", "secret", ("fr", "en"))


def test_a_short_name_gets_the_largest_size():
    fitted = fit("Zoé", CONTENT_WIDTH, 40, 18, bold=True)
    assert (fitted.size, fitted.wrap, fitted.text) == (40, False, "Zoé")


def test_a_longer_name_shrinks_to_fit_its_box():
    name = "Marie-Geneviève"
    fitted = fit(name, CONTENT_WIDTH, 40, 18, bold=True)
    assert 18 <= fitted.size < 40 and not fitted.wrap
    assert text_width(name, fitted.size, bold=True) <= CONTENT_WIDTH


def test_below_the_floor_text_wraps_and_beyond_two_lines_is_shortened():
    wraps = fit("Marie-Geneviève-Alexandrine-Kateri", CONTENT_WIDTH, 40, 18, bold=True)
    assert (wraps.size, wraps.wrap) == (18, True)
    assert wraps.text == "Marie-Geneviève-Alexandrine-Kateri"
    for endless in ("Alexandrine " * 20, "Marie-Geneviève-Alexandrine-Kateri-Évangéline",
                    "X" * 100):
        fitted = fit(endless, CONTENT_WIDTH, 40, 18, bold=True)
        assert fitted.wrap and fitted.text.endswith("…")
        assert lines_needed(fitted.text, CONTENT_WIDTH * 0.96, 18, bold=True) == 2


def test_lines_break_after_spaces_and_dashes_and_long_words_anywhere():
    one_word = text_width("Tremblay", 10, bold=False)
    assert lines_needed("Tremblay Tremblay", one_word * 1.5, 10, bold=False) == 2
    assert lines_needed("Tremblay-Tremblay", one_word * 1.5, 10, bold=False) == 2
    assert lines_needed("Tremblay", one_word * 0.4, 10, bold=False) == 3


def test_the_qr_code_is_a_full_qr_code_carrying_the_secret():
    svg = str(qr_svg("a-secret"))
    assert svg.startswith("<svg") and 'viewBox="0 0' in svg
    assert segno.make_qr("a-secret", error="m").designator.startswith(("1", "2", "3", "4"))


def painted_modules(svg: str, quiet_zone: int = 2) -> list[tuple[int, int]]:
    """The modules the path's strokes cover, once per stroke that covers them."""
    painted = []
    for x, y, direction, length in re.findall(r"M([\d.]+) ([\d.]+)([hv])(\d+)", svg):
        column, row = int(float(x)) - quiet_zone, int(float(y)) - quiet_zone
        step = (1, 0) if direction == "h" else (0, 1)
        painted += [(column + i * step[0], row + i * step[1]) for i in range(int(length))]
    return painted


def scanned(modules: set[tuple[int, int]], size: int) -> list[str]:
    """What a scanner reads from these dark modules, printed 8 pixels each with a quiet zone."""
    image = Image.new("L", (size + 8, size + 8), 255)
    for x, y in modules:
        image.putpixel((x + 4, y + 4), 0)
    image = image.resize(((size + 8) * 8, (size + 8) * 8), Image.Resampling.NEAREST)
    return [code.text for code in zxingcpp.read_barcodes(image)]


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", min_size=32, max_size=32))
def test_the_qr_path_paints_exactly_the_dark_modules_with_few_strokes(secret: str) -> None:
    svg = str(qr_svg(secret))
    matrix = segno.make_qr(secret, error="m", mask=QR_MASK).matrix
    dark = {(x, y) for y, row in enumerate(matrix) for x, on in enumerate(row) if on}
    row_runs = sum(1 for row in matrix for x, on in enumerate(row) if on and not (x and row[x - 1]))
    assert set(painted_modules(svg)) == dark
    assert svg.count("M") < 0.9 * row_runs  # a finder pattern: 7 strokes, not 15 row runs
    assert scanned(set(painted_modules(svg)), len(matrix)) == [secret]


@settings(max_examples=20, deadline=None)
@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", min_size=32, max_size=32))
def test_the_e_mail_s_qr_png_draws_each_module_in_8_by_8_pixels_within_a_4_module_margin(
        secret: str) -> None:
    image = Image.open(io.BytesIO(qr_png(secret)))
    matrix = segno.make_qr(secret, error="m", mask=QR_MASK).matrix
    side = (len(matrix) + 8) * 8
    assert (image.format, image.mode, image.size) == ("PNG", "1", (side, side))
    expected = Image.new("L", (len(matrix) + 8, len(matrix) + 8), 255)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            expected.putpixel((x + 4, y + 4), 0 if dark else 255)
    expected = expected.resize((side, side), Image.Resampling.NEAREST).convert("1")
    assert image.tobytes() == expected.tobytes()
    assert [code.text for code in zxingcpp.read_barcodes(image.convert("L"))] == [secret]


def test_the_band_text_is_white_on_dark_colours_and_black_on_light_ones():
    assert ink_for("#1f4e79") == "#ffffff"
    assert ink_for("#f4d03f") == "#111111"


def test_a_bilingual_badge_names_the_delegation_and_type_in_both_languages():
    context = badge_context(badge())
    assert context["delegation"].text == "Québec / Quebec · QC"
    assert context["type"].text == "DÉLÉGUÉ · DELEGATE"
    same = badge_context(Badge("1", "A", "B", "C", "ON", ("Ontario", "Ontario"),
                               ("Speaker",), "#b03a2e", "E", "s", ("en",)))
    assert same["delegation"].text == "Ontario · ON"


def test_a_batch_is_cut_into_parts_of_whole_letter_sheets_for_the_render_workers():
    many = [badge(n) for n in range(1203)]
    cut = parts(many)
    assert [b for part in cut for b in part] == many
    assert [len(p) for p in cut] == [PART_BADGES] * 20 + [3]
    assert PART_BADGES % 6 == 0  # a letter sheet of six is never split between two parts


GOVERNMENT = ("Représentation gouvernementale", "Government official")  # the demo's longest


def test_a_type_band_that_fits_takes_one_line():
    fitted = band(("Personne déléguée", "Delegate"))
    assert fitted.lines == ("PERSONNE DÉLÉGUÉE · DELEGATE",)
    assert fitted.size >= BAND_ONE_LINE_FLOOR


def test_a_long_bilingual_type_takes_a_line_per_language_at_a_readable_size():
    fitted = band(GOVERNMENT)
    assert fitted.lines == ("REPRÉSENTATION GOUVERNEMENTALE", "GOVERNMENT OFFICIAL")
    assert fitted.size >= 10
    assert all(text_width(line, fitted.size, True, BAND_TRACKING) <= BAND_WIDTH
               for line in fitted.lines)


def test_a_long_type_in_one_language_is_cut_where_its_two_lines_come_out_even():
    fitted = band(("Représentation gouvernementale du Nouveau-Brunswick",))
    assert len(fitted.lines) == 2 and fitted.size >= 10
    assert " ".join(fitted.lines) == "REPRÉSENTATION GOUVERNEMENTALE DU NOUVEAU-BRUNSWICK"
    endless = band(("Représentation " * 12, "Government " * 12))
    assert endless.size == BAND_FLOOR and all(line.endswith("…") for line in endless.lines)
    assert all(text_width(line, BAND_FLOOR, True, BAND_TRACKING) <= BAND_WIDTH
               for line in endless.lines)


def test_a_long_edition_title_takes_two_lines_at_seven_points_and_is_never_cut_off():
    title = ("12e Conférence annuelle de l\u2019Alliance SEUS/CP — Mobilité intelligente, "
             "Montréal 2019")
    fitted = fit_title(title)
    assert (fitted.size, fitted.wrap) == (7, True)
    assert fitted.text == ("12e Conférence annuelle de l\u2019Alliance\n"
                           "SEUS/CP — Mobilité intelligente, Montréal 2019")
    english = fit_title("12th Annual SEUS/CP Alliance Conference — Smart Mobility, Montréal 2019")
    assert english.text.split("\n") == ["12th Annual SEUS/CP Alliance Conference —",
                                        "Smart Mobility, Montréal 2019"]  # no lone "2019"
    assert fit_title("Conférence 2019").size == 9
    endless = fit_title("Conférence " * 30)
    assert endless.wrap and endless.text.endswith("…")
