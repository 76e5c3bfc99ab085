"""The registration desk through HTTP: badges as PDFs, QR check-in, attendee search."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.support import editions
from tests.support.log import head_at_rest
from tests.support.pdfs import characters, page_sizes, page_texts, qr_codes

SLUG = "test-montreal"
EDITION = f"/api/editions/{SLUG}"
INCH = 72


def registered(client: FlaskClient, n: int = 1, registration_type: str = "delegate",
               delegation: str | None = "QC", **attendee: Any) -> tuple[str, dict[str, str]]:
    """A new registration's id and its holder's headers."""
    answer = client.post(f"{EDITION}/registrations", json={
        "attendee": editions.attendee(n, **attendee), "registration_type": registration_type,
        "delegation": delegation})
    assert answer.status_code == 201, answer.json
    return answer.json["id"], {"Authorization": f"Bearer {answer.json['manage_token']}"}


def badge_pdf(client: FlaskClient, registration_id: str, headers: dict[str, str],
              **query: str) -> bytes:
    answer = client.get(f"/api/registrations/{registration_id}/badge.pdf", headers=headers,
                        query_string=query)
    assert answer.status_code == 200, answer.json
    assert answer.mimetype == "application/pdf"
    return answer.data


def scan(client: FlaskClient, code: str, headers: dict[str, str]) -> Any:
    return client.post(f"{EDITION}/check-ins", json={"code": code}, headers=headers)


def printed_code(pdf: bytes, page: int = 0) -> str:
    """The short check-in code printed under the badge's QR code."""
    [code] = re.findall(r"\b[A-Z0-9]{3}-[A-Z0-9]{3}-[A-Z0-9]{3}\b", page_texts(pdf)[page])
    return code


def test_a_badge_shows_the_attendee_and_its_qr_code_checks_them_in(
        client, edition, staff_headers):
    desk = staff_headers["desk"]
    registration_id, _ = registered(client)
    pdf = badge_pdf(client, registration_id, desk)

    assert page_sizes(pdf) == [(4 * INCH, 3 * INCH)]
    text = page_texts(pdf)[0]
    for shown in ("François", "François Tremblay1", "Hydro-Québec", "Québec / Quebec · QC",
                  "PERSONNE DÉLÉGUÉE · DELEGATE", "DÉLÉGATION · DELEGATION",
                  "Conférence de l\u2019Alliance"):
        assert shown in text
    [code] = qr_codes(pdf)
    assert registration_id not in code and "example.com" not in code

    answer = scan(client, code, desk)
    assert answer.status_code == 201, answer.json
    assert answer.json["status"] == "checked_in"
    assert answer.json["attendee"]["last_name"] == "Tremblay1"
    assert answer.json["delegation"] == {"code": "QC", "name": "Québec"}
    assert answer.json["registration_type"] == {"code": "delegate", "name": "Personne déléguée"}
    assert answer.json["payment"]["status"] == "pending_payment"


def test_a_second_scan_says_when_they_were_checked_in_without_checking_in_again(
        client, services, edition, staff_headers, clock):
    desk = staff_headers["desk"]
    registration_id, holder = registered(client)
    [code] = qr_codes(badge_pdf(client, registration_id, desk))
    clock.set("2019-06-02T08:42:00-04:00")
    assert scan(client, code, desk).status_code == 201
    clock.set("2019-06-02T09:15:00-04:00")

    again = scan(client, code, desk)

    assert again.status_code == 200
    assert again.json["status"] == "already_checked_in"
    assert again.json["message"] == "Already inside since 08:42."
    history = client.get(f"/api/registrations/{registration_id}/history", headers=holder).json
    assert [e["event"] for e in history["events"]].count("CheckedIn") == 1


def test_checked_in_counts_appear_in_attendance_per_delegation(client, edition, staff_headers):
    desk = staff_headers["desk"]
    first, _ = registered(client, 1, delegation="QC")
    registered(client, 2, delegation="QC")
    third, _ = registered(client, 3, delegation="ON")
    for registration_id in (first, third):
        [code] = qr_codes(badge_pdf(client, registration_id, desk))
        assert scan(client, code, desk).status_code == 201

    report = client.get(f"{EDITION}/attendance", headers=desk).json
    by_code = {d["code"]: d["totals"] for d in report["delegations"]}
    assert (by_code["QC"]["checked_in"], by_code["QC"]["attending"]) == (1, 2)
    assert by_code["ON"]["checked_in"] == 1 and report["totals"]["checked_in"] == 2


def test_a_very_long_name_and_organisation_stay_inside_the_badge(client, edition, staff_headers):
    registration_id, _ = registered(
        client, first_name="Marie-Geneviève-Alexandrine-Kateri-Évangéline",
        last_name="de la Fontaine-Beauchemin-Saint-Laurent-Tremblay-Ouellette-Després",
        organisation="Société de développement économique des régions ressources du Québec, "
                     "des provinces atlantiques et du Sud-Est des États-Unis inc.")
    pdf = badge_pdf(client, registration_id, staff_headers["desk"])

    chars, width, height = characters(pdf)
    assert chars and all(c["x0"] >= 0 and c["x1"] <= width and c["top"] >= 0
                         and c["bottom"] <= height for c in chars)
    qr_left = width - 13 - INCH  # nothing written over the QR code
    beside_qr = [c for c in chars if 86 <= c["top"] <= 86 + INCH and c["size"] < 16]
    assert all(c["x1"] <= qr_left for c in beside_qr if c["x0"] < qr_left)
    first_name = [c for c in chars if c["size"] >= 17.5]  # its floor is 18 pt
    assert first_name and max(c["size"] for c in first_name) < 40  # shrunk from 40 pt
    assert max(c["bottom"] for c in first_name) <= 86  # at most two lines, above the details
    assert "Marie-Geneviève-" in page_texts(pdf)[0]
    assert len(qr_codes(pdf)) == 1


def test_a_cancelled_registration_gets_no_badge_and_its_code_is_refused(
        client, services, edition, staff_headers):
    desk = staff_headers["desk"]
    registration_id, holder = registered(client)
    [code] = qr_codes(badge_pdf(client, registration_id, desk))
    assert client.post(f"/api/registrations/{registration_id}/cancellation",
                       headers=holder).status_code == 200
    before = head_at_rest(services)

    refused = client.get(f"/api/registrations/{registration_id}/badge.pdf", headers=desk)
    assert refused.status_code == 409 and "no badge" in refused.json["error"]
    scanned = scan(client, code, desk)
    assert scanned.status_code == 409 and "cancelled" in scanned.json["error"]
    assert services.app.recorder.max_notification_id() == before
    batch = client.get(f"{EDITION}/badges.pdf", headers=desk)
    assert batch.status_code == 422 and batch.json["details"]["code"] == "no_badges_to_print"


def test_a_substituted_place_prints_the_new_person_and_the_old_badge_is_refused(
        client, edition, staff_headers):
    desk = staff_headers["desk"]
    registration_id, holder = registered(client)
    [old_code] = qr_codes(badge_pdf(client, registration_id, desk))
    colleague = editions.attendee(9, first_name="Zoé", last_name="Côté")
    assert client.post(f"/api/registrations/{registration_id}/substitution", headers=holder,
                       json={"attendee": colleague}).status_code == 200

    pdf = badge_pdf(client, registration_id, desk)

    assert "Zoé Côté" in page_texts(pdf)[0] and "Tremblay1" not in page_texts(pdf)[0]
    [new_code] = qr_codes(pdf)
    assert new_code != old_code
    replaced = scan(client, old_code, desk)
    assert replaced.status_code == 409 and replaced.json["details"]["code"] == "badge_replaced"
    admitted = scan(client, new_code, desk)
    assert admitted.status_code == 201 and admitted.json["attendee"]["first_name"] == "Zoé"


def test_after_a_substitution_the_new_persons_first_scan_is_a_first_scan(
        client, edition, staff_headers, clock):
    desk = staff_headers["desk"]
    registration_id, holder = registered(client)
    [old_code] = qr_codes(badge_pdf(client, registration_id, desk))
    clock.set("2019-06-02T10:02:00-04:00")
    assert scan(client, old_code, desk).status_code == 201
    colleague = editions.attendee(9, first_name="Zoé", last_name="Côté")
    assert client.post(f"/api/registrations/{registration_id}/substitution", headers=holder,
                       json={"attendee": colleague}).status_code == 200
    [new_code] = qr_codes(badge_pdf(client, registration_id, desk))
    clock.set("2019-06-02T11:30:00-04:00")

    admitted = scan(client, new_code, desk)

    assert admitted.status_code == 201, admitted.json
    assert admitted.json["status"] == "checked_in"
    assert admitted.json["message"] == "Checked in at 11:30."
    assert scan(client, new_code, desk).json["message"] == "Already inside since 11:30."
    # The previous holder's link ended with the substitution; the desk sees both check-ins.
    history = client.get(f"/api/registrations/{registration_id}/history", headers=desk).json
    assert [e["event"] for e in history["events"]].count("CheckedIn") == 2
    found = client.get(f"{EDITION}/attendees", query_string={"q": "Côté"},
                       headers=desk).json["attendees"]
    assert found[0]["checked_in_at"].startswith("2019-06-02T11:30")


def test_the_short_code_under_the_qr_is_the_apis_and_typing_it_checks_the_person_in(
        client, edition, staff_headers):
    desk = staff_headers["desk"]
    registration_id, _ = registered(client)
    other_id, _ = registered(client, 2)
    pdf = badge_pdf(client, registration_id, desk)
    code = printed_code(pdf)
    assert printed_code(badge_pdf(client, other_id, desk)) != code
    assert len(qr_codes(pdf)) == 1  # the QR code still reads

    typed = scan(client, code.lower().replace("-", " "), desk)

    assert typed.status_code == 201, typed.json
    assert typed.json["registration"] == registration_id
    assert typed.json["checkin_code"] == code
    [qr] = qr_codes(pdf)
    again = scan(client, qr, desk)
    assert again.status_code == 200 and again.json["checkin_code"] == code
    assert scan(client, code.replace("-", ""), desk).json["status"] == "already_checked_in"


def test_a_typed_code_with_letters_no_code_uses_is_unknown_with_a_hint(
        client, edition, staff_headers):
    desk = staff_headers["desk"]
    registration_id, _ = registered(client)
    code = printed_code(badge_pdf(client, registration_id, desk))
    mistyped = scan(client, "O" + code[1:], desk)
    assert mistyped.status_code == 404
    assert mistyped.json["details"]["code"] == "mistyped_checkin_code"
    assert "never use O, I, L, S, Z, B" in mistyped.json["error"]
    assert scan(client, "not-a-badge", desk).json["details"]["code"] == "mistyped_checkin_code"
    unknown = scan(client, "ACD-EFH-JKM", desk)  # well formed, but no badge has it
    assert unknown.status_code == 404
    assert unknown.json["details"]["code"] == "unknown_checkin_code"


def test_a_substitution_gives_a_new_short_code_and_refuses_the_old_one(
        client, edition, staff_headers):
    desk = staff_headers["desk"]
    registration_id, holder = registered(client)
    old = printed_code(badge_pdf(client, registration_id, desk))
    colleague = editions.attendee(9, first_name="Zoé", last_name="Côté")
    assert client.post(f"/api/registrations/{registration_id}/substitution", headers=holder,
                       json={"attendee": colleague}).status_code == 200

    new = printed_code(badge_pdf(client, registration_id, desk))

    assert new != old
    replaced = scan(client, old, desk)
    assert replaced.status_code == 409 and replaced.json["details"]["code"] == "badge_replaced"
    admitted = scan(client, new, desk)
    assert admitted.status_code == 201 and admitted.json["attendee"]["first_name"] == "Zoé"


def test_an_unknown_code_or_one_from_another_edition_is_refused(
        client, services, edition, staff_headers):
    desk = staff_headers["desk"]
    services.editions.load(editions.edition(editions.GEORGIA))
    answer = client.post("/api/editions/test-atlanta/registrations", json={
        "attendee": editions.attendee(5), "registration_type": "delegate"})
    [atlanta_code] = qr_codes(badge_pdf(client, answer.json["id"], desk))

    unknown = scan(client, "not-a-badge-at-all", desk)
    assert unknown.status_code == 404 and unknown.json["details"]["code"] == \
        "unknown_checkin_code"
    assert scan(client, atlanta_code, desk).status_code == 404
    assert client.post(f"{EDITION}/check-ins", json={"code": ""}, headers=desk
                       ).status_code == 422


def test_each_print_is_recorded_with_who_printed_it_and_reprints_are_counted(
        client, edition, staff_headers):
    desk = staff_headers["desk"]
    registration_id, holder = registered(client)
    badge_pdf(client, registration_id, desk)
    badge_pdf(client, registration_id, desk)

    events = client.get(f"/api/registrations/{registration_id}/history", headers=desk
                        ).json["events"]
    prints = [e for e in events if e["event"] == "BadgePrinted"]
    assert [e["details"]["printed_by"] for e in prints] == ["test-desk", "test-desk"]
    seen = client.get(f"/api/registrations/{registration_id}/history", headers=holder).json
    assert [e["details"] for e in seen["events"] if e["event"] == "BadgePrinted"] == [{}, {}]
    assert "test-desk" not in str(seen)  # the attendee sees the organiser, not who
    found = client.get(f"{EDITION}/attendees", query_string={"q": "Tremblay1"},
                       headers=desk).json["attendees"]
    assert found[0]["badge_prints"] == 2


def test_a_batch_is_one_document_sorted_by_delegation_then_last_name(
        client, edition, staff_headers):
    desk = staff_headers["desk"]
    for n, last, delegation in [(1, "Ouellet", "QC"), (2, "Émond", "QC"), (3, "Zhang", "ON"),
                                (4, "Bell", None), (5, "Adams", "ON"), (6, "Fortin", "QC")]:
        registered(client, n, delegation=delegation, last_name=last)

    answer = client.get(f"{EDITION}/badges.pdf", headers=desk)

    assert answer.status_code == 200 and answer.headers["X-Badge-Count"] == "6"
    order = [next(name for name in ("Ouellet", "Émond", "Zhang", "Bell", "Adams", "Fortin")
                  if name in text) for text in page_texts(answer.data)]
    assert order == ["Adams", "Zhang", "Émond", "Fortin", "Ouellet", "Bell"]
    quebec = client.get(f"{EDITION}/badges.pdf", query_string={"delegation": "QC"}, headers=desk)
    assert quebec.headers["X-Badge-Count"] == "3"
    not_printed = client.get(f"{EDITION}/badges.pdf", query_string={"not_printed": "true"},
                             headers=desk)
    assert not_printed.status_code == 422  # everyone's badge was printed above
    assert not_printed.json["error"] == "No badge to print with these filters."


def test_batch_filters_by_type_and_payment_and_rejects_unknown_codes(
        client, edition, staff_headers):
    desk = staff_headers["desk"]
    registered(client, 1)
    registered(client, 2, registration_type="speaker", last_name="Orateur")

    speakers = client.get(f"{EDITION}/badges.pdf", headers=desk,
                          query_string={"registration_type": "speaker"})
    assert speakers.headers["X-Badge-Count"] == "1" and "Orateur" in page_texts(speakers.data)[0]
    paid = client.get(f"{EDITION}/badges.pdf", headers=desk, query_string={"only_paid": "1"})
    assert paid.headers["X-Badge-Count"] == "1"  # a speaker has nothing to pay
    unknown = client.get(f"{EDITION}/badges.pdf", headers=desk,
                         query_string={"delegation": "XX"})
    assert unknown.status_code == 422
    bad_stock = client.get(f"{EDITION}/badges.pdf", headers=desk,
                           query_string={"stock": "a4"})
    assert bad_stock.status_code == 422


def test_a_letter_sheet_holds_six_badges_each_with_a_readable_code(
        client, edition, staff_headers):
    desk = staff_headers["desk"]
    for n in range(1, 8):
        registered(client, n)

    answer = client.get(f"{EDITION}/badges.pdf", query_string={"stock": "letter-6"},
                        headers=desk)

    assert page_sizes(answer.data) == [(8.5 * INCH, 11 * INCH)] * 2
    assert len(set(qr_codes(answer.data, page=1, dpi=150))) == 6
    assert len(qr_codes(answer.data, page=2, dpi=150)) == 1


def test_attendee_search_ignores_accents_and_finds_delegations_by_name(
        client, edition, staff_headers):
    desk = staff_headers["desk"]
    registered(client, 1, delegation="QC")
    registered(client, 2, delegation="ON", first_name="Frank", organisation="Magna")

    def search(q: str) -> list[str]:
        answer = client.get(f"{EDITION}/attendees", query_string={"q": q}, headers=desk)
        assert answer.status_code == 200, answer.json
        return [a["last_name"] for a in answer.json["attendees"]]

    assert search("francois") == ["Tremblay1"]
    assert search("FRANÇOIS tremblay1") == ["Tremblay1"]
    assert search("Québec") == ["Tremblay1"]  # the delegation's name
    assert search("hydro quebec") == ["Tremblay1"]
    assert search("person2@example") == ["Tremblay2"]
    assert search("magna on") == ["Tremblay2"]
    assert search("50%") == []
    assert search("") == ["Tremblay2", "Tremblay1"]  # everyone, by delegation: ON, QC


@pytest.mark.parametrize("role, status", [("finance", 403), (None, 401)])
def test_the_desk_needs_the_desk_role(client, edition, staff_headers, role, status):
    registration_id, _ = registered(client)
    headers = staff_headers[role] if role else {}
    for answer in (
        client.get(f"/api/registrations/{registration_id}/badge.pdf", headers=headers),
        client.get(f"{EDITION}/badges.pdf", headers=headers),
        client.post(f"{EDITION}/check-ins", json={"code": "x"}, headers=headers),
        client.get(f"{EDITION}/attendees", headers=headers),
    ):
        assert answer.status_code == status


def test_the_cli_prints_a_delegations_badges_to_a_file(app, client, edition, tmp_path):
    registered(client, 1, delegation="QC")
    registered(client, 2, delegation="ON")
    output = tmp_path / "qc.pdf"

    result = app.test_cli_runner().invoke(args=[
        "badges", "print", "--edition", SLUG, "--delegation", "QC", "-o", str(output),
        "--printed-by", "Nadia at the desk"])

    assert result.exit_code == 0, result.output
    assert "1 badges written" in result.output and "Printing badges" in result.output
    assert "Tremblay1" in page_texts(output.read_bytes())[0]
    refused = app.test_cli_runner().invoke(args=[
        "badges", "print", "--edition", SLUG, "--delegation", "GA", "-o", str(output)])
    assert refused.exit_code != 0 and "No badge to print" in refused.output


DEMO = json.loads((Path(__file__).parents[2] / "registration/demo/seuscp-2019.json").read_text())


@pytest.mark.parametrize("stock", ["4x3", "letter-6"])
def test_the_demos_long_title_and_longest_type_fit_the_badge_readably(
        client, services, staff_headers, stock):
    desk = staff_headers["desk"]
    government = next(t for t in DEMO["registration_types"] if t["code"] == "government")
    document = editions.edition(slug="test-long", names=DEMO["names"], discount_codes=[],
                                registration_types=[
            {**government, "tiers": [{"name": "regular", "price": "450.00"}]}])
    services.editions.load(document)
    answer = client.post("/api/editions/test-long/registrations", json={
        "attendee": editions.attendee(1, first_name="Marie-Geneviève"),
        "registration_type": "government", "delegation": "QC"})
    assert answer.status_code == 201, answer.json

    pdf = badge_pdf(client, answer.json["id"], desk, stock=stock)

    chars, width, height = characters(pdf)
    assert all(c["x0"] >= 0 and c["x1"] <= width and c["top"] >= 0 and c["bottom"] <= height
               for c in chars)
    left, top = (0, 0) if stock == "4x3" else (0.25 * INCH, INCH)  # the first label's corner
    title = [c for c in chars if c["top"] < top + 30 and c["x0"] < left + 4 * INCH]
    assert all(left < c["x0"] and c["x1"] < left + 4 * INCH - 10 for c in title)
    # inside the title's box (10 pt from the top, 17 pt high), at 7 pt or more: not clipped
    assert all(c["bottom"] <= top + 27 and c["size"] > 6.9 for c in title)
    drawn = "".join(c["text"] for c in sorted(title, key=lambda c: (round(c["top"]), c["x0"])))
    assert drawn.replace(" ", "") == DEMO["names"]["fr"].replace(" ", "")
    band = [c for c in chars if top + 3 * INCH - 30 <= c["top"] <= top + 3 * INCH]
    band_text = "".join(c["text"] for c in band)
    assert "REPRÉSENTATIONGOUVERNEMENTALE" in band_text.replace(" ", "")
    assert "GOVERNMENTOFFICIAL" in band_text.replace(" ", "")
    assert min(c["size"] for c in band if c["text"].strip()) > 9.9  # 10 pt at least
    assert all(c["x1"] <= left + 4 * INCH for c in band)
    code = printed_code(pdf)
    scanned = scan_in(client, "test-long", code, desk)
    assert scanned.status_code == 201 and scanned.json["checkin_code"] == code
    assert len(qr_codes(pdf, dpi=150)) == 1


def scan_in(client: FlaskClient, slug: str, code: str, headers: dict[str, str]) -> Any:
    return client.post(f"/api/editions/{slug}/check-ins", json={"code": code}, headers=headers)
