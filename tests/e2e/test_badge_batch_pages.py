"""The desk's badge batches on its pages, in English and French: the form queues a job, the
job's page follows it (a progress bar, a "refresh" link) and offers the PDF when it is done."""

from __future__ import annotations

import re
import time

import pytest
from flask import Flask
from flask.testing import FlaskClient

from registration.services.container import Services
from tests.e2e.test_staff_edition import registered_francois, signed_in
from tests.support.pdfs import page_texts

SLUG = "test-montreal"
pytestmark = pytest.mark.usefixtures("edition")


@pytest.fixture
def database_url() -> None:
    """Pages on SQLite only: the batches themselves run on both (tests/integration)."""
    return None

WORDS = {
    "en": {"ready": "1 badge ready to print.", "refresh": ">Refresh<",
           "open": "Open the badges PDF",
           "none": "No badge to print with these filters", "cancelled": "Cancelled: nothing",
           "failed": "could not be rendered"},
    "fr": {"ready": "1 badge prêt à imprimer.", "refresh": ">Actualiser<",
           "open": "Ouvrir le PDF des badges", "none": "Aucun badge à imprimer avec ces filtres",
           "cancelled": "Annulé\u00a0: aucune", "failed": "pas pu être produits"},
}


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def desk_in(app: Flask, services: Services, language: str) -> FlaskClient:
    desk = signed_in(app, services, role="desk")
    desk.get(f"/staff/desk/?lang={language}")
    return desk


def queue(desk: FlaskClient, **fields: str) -> tuple[int, str]:
    form = desk.get(f"/staff/desk/{SLUG}/badges").get_data(as_text=True)
    answer = desk.post(f"/staff/desk/{SLUG}/badge-batches",
                       data={"csrf_token": csrf(form), **fields})
    return answer.status_code, answer.headers.get("Location") or answer.get_data(as_text=True)


def ended(desk: FlaskClient, job: str) -> str:
    deadline = time.monotonic() + 30
    while desk.get(f"{job}/status").json["running"]:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    return desk.get(job).get_data(as_text=True)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_desk_queues_a_delegations_badges_and_downloads_them_from_the_job_page(
        app, client, services, language):
    words = WORDS[language]
    registered_francois(client)
    desk = desk_in(app, services, language)

    status, job = queue(desk, delegation="QC")

    assert status == 303 and job.startswith("/staff/desk/badge-batches/")
    waiting = desk.get(job).get_data(as_text=True)
    assert "<progress" in waiting and "badge-batch.js" in waiting
    page = ended(desk, job)
    assert words["ready"] in page and words["open"] in page
    assert words["refresh"] not in page  # only while it runs
    pdf = desk.get(f"{job}/badges.pdf")
    assert pdf.mimetype == "application/pdf" and "Tremblay1" in page_texts(pdf.data)[0]
    assert desk.get(f"{job}/status").json["label"] == words["ready"]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_nothing_left_to_print_says_so_in_the_persons_language(app, client, services,
                                                               language):
    registered_francois(client)
    desk = desk_in(app, services, language)
    _, job = queue(desk)
    ended(desk, job)  # everyone's badge is printed now

    status, page = queue(desk, not_printed="1")

    assert status == 422 and WORDS[language]["none"] in page
    assert 'name="not_printed" value="1" checked' in page


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_running_batch_offers_refresh_and_cancel_and_a_failed_one_says_why(
        app, client, services, language, monkeypatch):
    words = WORDS[language]
    registered_francois(client)
    desk = desk_in(app, services, language)
    services.job_threads.close()  # nobody renders: the batch waits in the queue

    _, job = queue(desk)
    waiting = desk.get(job).get_data(as_text=True)
    assert words["refresh"] in waiting and f'href="{job}"' in waiting
    cancel = desk.post(f"{job}/cancel", data={"csrf_token": csrf(waiting)})
    assert cancel.status_code == 303
    assert words["cancelled"] in desk.get(job).get_data(as_text=True)

    def broken(*args: object) -> bytes:
        raise RuntimeError("the renderer broke")

    monkeypatch.setattr(services.desk.printer, "part", broken)
    _, failing = queue(desk)
    services.batches._start(failing.rsplit("/", 1)[1])  # as a render worker would
    services.batches._part(failing.rsplit("/", 1)[1], 0, "4x3", [])
    assert words["failed"] in desk.get(failing).get_data(as_text=True)


def test_an_unknown_batch_is_a_page_not_found(app, services):
    desk = desk_in(app, services, "fr")
    assert desk.get("/staff/desk/badge-batches/no-such-batch").status_code == 404
