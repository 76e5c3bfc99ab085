"""Badge batches as background jobs: queued through the API, rendered in parts by the render
workers (here the threads of JOBS_EMBEDDED), merged, recorded as printed by who asked."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from flask.testing import FlaskClient

from domain.registration import Attendee
from registration.adapters.badge_layout import Badge
from registration.adapters.badge_printer import PART_BADGES, BadgePrinter
from registration.services.container import Services
from tests.support import editions
from tests.support.pdfs import page_sizes, page_texts, qr_codes

SLUG = "test-montreal"
QUEUE = f"/api/editions/{SLUG}/badge-batches"


def badge(n: int) -> Badge:
    return Badge(str(n), "Zoé", f"Côté-{n:03d}", "Hydro-Québec", "QC", ("Québec", "Quebec"),
                 ("Délégué", "Delegate"), "#1f4e79", "Conférence", f"secret-{n:03d}",
                 ("fr", "en"))


def register_many(services: Services, count: int, delegation: str = "QC") -> list[str]:
    ids = []
    for n in range(count):
        created = services.registrations.register(
            SLUG, Attendee(**editions.attendee(n, last_name=f"Côté-{n:03d}")), "delegate",
            delegation)
        ids.append(str(created.registration.id))
    return ids


def finished(client: FlaskClient, location: str, headers: dict[str, str],
             timeout: float = 60.0) -> tuple[dict[str, Any], list[int]]:
    """The batch once it has ended, and the progress seen on the way."""
    seen: list[int] = []
    deadline = time.monotonic() + timeout
    while True:
        batch = client.get(location, headers=headers).json
        seen.append(batch["done"])
        if batch["status"] not in {"queued", "rendering"}:
            return batch, seen
        assert time.monotonic() < deadline, batch
        time.sleep(0.1)


def children() -> set[int]:
    """This process's child processes, from /proc."""
    return {int(pid) for task in Path("/proc/self/task").iterdir()
            for pid in (task / "children").read_text().split()}


def queue(client: FlaskClient, headers: dict[str, str], **filters: Any) -> Any:
    answer = client.post(QUEUE, json=filters, headers=headers)
    assert answer.status_code == 202, answer.json
    assert answer.headers["Location"] == f"/api/badge-batches/{answer.json['id']}"
    return answer


@pytest.mark.parametrize("database_url", [None])  # SQLite: a few hundred badges
def test_a_few_hundred_badges_go_through_the_queue_and_are_recorded_as_the_staff_member(
        client, services, edition, staff_headers):
    desk = staff_headers["desk"]
    ids = register_many(services, 4 * PART_BADGES + 10)  # five parts
    started = time.monotonic()

    asked = queue(client, desk)
    assert asked.json["status"] == "queued" and asked.json["total"] == len(ids)
    assert asked.json["download"] is None
    batch, seen = finished(client, asked.headers["Location"], desk)

    assert batch["status"] == "done", batch
    assert (batch["done"], batch["total"]) == (len(ids), len(ids))
    assert seen == sorted(seen)  # progress only goes forward
    pdf = client.get(batch["download"], headers=desk)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    texts = page_texts(pdf.data)
    assert len(texts) == len(ids)
    assert [t.split("Côté-")[1][:3] for t in texts] == [f"{n:03d}" for n in range(len(ids))]
    assert time.monotonic() - started < 60
    assert {services.registrations.get(UUID(i)).badge_prints for i in ids} == {1}
    again = client.post(QUEUE, json={"not_printed": True}, headers=desk)
    assert again.status_code == 422 and again.json["details"]["code"] == "no_badges_to_print"


def test_the_prints_are_recorded_as_the_staff_member_who_asked(
        client, services, edition, staff_headers):
    desk = staff_headers["desk"]
    answer = client.post(f"/api/editions/{SLUG}/registrations", json={
        "attendee": editions.attendee(1), "registration_type": "delegate", "delegation": "ON"})
    registration_id = answer.json["id"]

    batch, _ = finished(client, queue(client, desk, delegation="ON").headers["Location"], desk)

    assert batch["status"] == "done", batch
    events = client.get(f"/api/registrations/{registration_id}/history",
                        headers=staff_headers["admin"]).json["events"]
    [printed] = [e for e in events if e["event"] == "BadgePrinted"]
    assert printed["details"]["printed_by"] == "test-desk"
    assert (printed["actor"]["kind"], printed["actor"]["name"]) == ("staff", "test-desk")


def test_sheets_of_six_stay_whole_across_parts(client, services, edition, staff_headers):
    desk = staff_headers["desk"]
    register_many(services, PART_BADGES + 7)

    batch, _ = finished(client, queue(client, desk, stock="letter-6").headers["Location"], desk)

    pdf = client.get(batch["download"], headers=desk).data
    assert page_sizes(pdf) == [(612.0, 792.0)] * 12  # 67 badges: 11 full sheets and one
    assert len(set(qr_codes(pdf, page=11, dpi=150))) == 6


@pytest.mark.parametrize("database_url", [None])
def test_a_cancelled_batch_stops_records_nothing_and_leaves_no_process_behind(
        client, services, edition, staff_headers):
    desk = staff_headers["desk"]
    ids = register_many(services, 3 * PART_BADGES)
    before = children()

    asked = queue(client, desk)
    cancelled = client.delete(asked.headers["Location"], headers=desk)
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    time.sleep(1.5)  # a part in hand ends; nothing else starts

    batch = client.get(asked.headers["Location"], headers=desk).json
    assert batch["status"] == "cancelled" and batch["done"] < len(ids)
    assert client.get(f"{asked.headers['Location']}/badges.pdf", headers=desk).status_code \
        == 409
    assert all(services.registrations.get(UUID(i)).badge_prints == 0
               for i in ids)
    assert children() == before


@pytest.mark.parametrize("database_url", [None])
def test_a_failed_batch_says_why_and_leaves_no_process_behind(
        client, services, edition, staff_headers, monkeypatch):
    desk = staff_headers["desk"]
    register_many(services, 3)
    before = children()

    def broken(*args: Any) -> bytes:
        raise RuntimeError("the renderer broke")

    monkeypatch.setattr(services.desk.printer, "part", broken)
    batch, _ = finished(client, queue(client, desk).headers["Location"], desk)

    assert batch["status"] == "failed"
    assert batch["error"]["code"] == "render_failed" and "could not be rendered" in \
        batch["error"]["message"]
    assert children() == before


def test_the_printer_renders_a_batch_in_parts_merged_in_order():
    done: list[int] = []
    pdf = BadgePrinter().batch([badge(n) for n in range(PART_BADGES + 3)], "4x3",
                               progress=done.append)

    assert done == [PART_BADGES, 3]
    numbers = [text.split("Côté-")[1][:3] for text in page_texts(pdf)]
    assert numbers == [f"{n:03d}" for n in range(PART_BADGES + 3)]
