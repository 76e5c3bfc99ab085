"""Read your writes when only the worker updates the read models (SYNC_PROJECTIONS=false).

A client is never told 404, or shown old figures, about what it has just done: a request
that wrote waits (within bounds) for the read models; a later request waits when the client
sends back the position its write was answered with (pages keep it in the session); and a
document another request has just issued is waited for rather than reported missing. If
the read models never get there, the answer is 503 with Retry-After, not 404.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from registration.services.container import Services
from registration.web.common import freshness
from tests.support import editions

SLUG = "test-montreal"
LAG = 0.4  # seconds the worker takes to notice each write
BILL_TO = {"name": "Ministère des Relations internationales", "language": "fr"}


@pytest.fixture
def app_overrides() -> dict[str, str]:
    return {"SYNC_PROJECTIONS": "false"}


@pytest.fixture
def lagging_worker(services: Services) -> Iterator[None]:
    """The projection worker, noticing writes only `LAG` seconds late."""
    stop = threading.Event()

    def follow() -> None:
        while not stop.wait(LAG):
            services.read_models.catch_up()

    thread = threading.Thread(target=follow, daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(10)


def register(client: FlaskClient, n: int) -> Any:
    answer = client.post(f"/api/editions/{SLUG}/registrations", json={
        "registration_type": "delegate", "delegation": "QC", "attendee": editions.attendee(n)})
    assert answer.status_code == 201, answer.json
    return answer


def test_an_invoice_issued_while_the_worker_lags_is_answered_with_the_invoice(
    client: FlaskClient, edition: dict, staff_headers: Any, lagging_worker: None,
) -> None:
    rid = register(client, 1).json["id"]
    answer = client.post(f"/api/editions/{SLUG}/invoices", headers=staff_headers["finance"],
                         json={"registrations": [rid], "bill_to": BILL_TO})
    assert answer.status_code == 201, answer.json
    assert answer.json["number"] == "TEST-MONTREAL-0001"
    assert answer.json["status"] == "unpaid"
    paid = client.post("/api/invoices/TEST-MONTREAL-0001/payments",
                       headers=staff_headers["finance"],
                       json={"amount": answer.json["total"], "method": "bank_transfer",
                             "reference": "VIR-1", "received_on": "2019-03-19"})
    assert (paid.status_code, paid.json["status"], paid.json["balance_due"]) == (
        200, "paid", "0.00")


def test_a_document_another_request_just_issued_is_found_not_404(
    client: FlaskClient, edition: dict, staff_headers: Any, services: Services,
) -> None:
    rid = register(client, 2).json["id"]
    services.invoices.issue(SLUG, [_uuid(rid)], _bill_to())  # no worker has seen it yet
    catch_up_soon(services)
    answer = client.get("/api/invoices/TEST-MONTREAL-0001", headers=staff_headers["finance"])
    assert answer.status_code == 200
    assert answer.json["bill_to"]["name"] == BILL_TO["name"]


def test_a_write_answer_tells_its_position_and_a_read_sending_it_back_sees_the_write(
    client: FlaskClient, edition: dict, staff_headers: Any, services: Services,
) -> None:
    before = client.get(f"/api/editions/{SLUG}/attendance", headers=staff_headers["desk"])
    assert before.json["totals"]["registered"] == 0
    position = register(client, 3).headers[freshness.POSITION_HEADER]
    assert int(position) == services.app.recorder.max_notification_id()
    catch_up_soon(services)
    after = client.get(f"/api/editions/{SLUG}/attendance", headers={
        **staff_headers["desk"], freshness.WAIT_HEADER: position})
    assert after.json["totals"]["registered"] == 1


def test_when_the_read_models_do_not_catch_up_in_time_the_answer_is_503_not_404(
    client: FlaskClient, edition: dict, staff_headers: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(freshness, "WAIT_SECONDS", 0.2)
    rid = register(client, 4).json["id"]
    answer = client.post(f"/api/editions/{SLUG}/invoices", headers=staff_headers["finance"],
                         json={"registrations": [rid], "bill_to": BILL_TO})
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "5"
    assert "saved" in answer.json["error"]
    assert client.get(f"/api/registrations/{rid}",
                      headers=staff_headers["finance"]).json["status"] == "invoiced"


def test_the_page_after_issuing_an_invoice_shows_it_while_the_worker_lags(
    client: FlaskClient, edition: dict, services: Services, lagging_worker: None,
) -> None:
    rid = register(client, 5).json["id"]
    sign_in_as_finance(client, services)
    time.sleep(2 * LAG)  # the registration is on the issue page's list
    page = f"/staff/finance/{SLUG}/invoices/new?delegation=QC"
    token = csrf(client, page)
    answer = client.post(f"/staff/finance/{SLUG}/invoices/new", data={
        "csrf_token": token, "delegation": "QC", "registrations": rid,
        "name": BILL_TO["name"], "language": "fr"}, follow_redirects=True)
    assert answer.status_code == 200
    assert "TEST-MONTREAL-0001" in answer.get_data(True)


def test_a_page_whose_views_lag_behind_says_it_was_saved_and_reloads_itself_in_french(
    client: FlaskClient, edition: dict, services: Services, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(freshness, "WAIT_SECONDS", 0.2)
    rid = register(client, 6).json["id"]
    sign_in_as_finance(client, services)
    services.read_models.catch_up()  # the issue page lists the registration
    token = csrf(client, f"/staff/finance/{SLUG}/invoices/new?delegation=QC&lang=fr")
    answer = client.post(f"/staff/finance/{SLUG}/invoices/new", data={
        "csrf_token": token, "delegation": "QC", "registrations": rid,
        "name": BILL_TO["name"], "language": "fr"}, follow_redirects=True)
    page = answer.get_data(True)
    assert answer.status_code == 503
    assert "Enregistré — en route" in page
    assert "Votre modification est enregistrée" in page
    assert '<meta http-equiv="refresh" content="5">' in page
    services.read_models.catch_up()  # the worker gets there: the same address shows it
    shown = client.get(answer.request.path + "?" + answer.request.query_string.decode())
    assert shown.status_code == 200 and "TEST-MONTREAL-0001" in shown.get_data(True)


def catch_up_soon(services: Services) -> None:
    """The worker, a little later, in another thread."""
    threading.Timer(LAG, services.read_models.catch_up).start()


def sign_in_as_finance(client: FlaskClient, services: Services) -> None:
    password = "a long enough password"
    services.staff.create_account("Fiona", "fiona@example.com", password, "finance")
    client.post("/staff/sign-in", data={"csrf_token": csrf(client, "/staff/sign-in"),
                                        "email": "fiona@example.com", "password": password})


def csrf(client: FlaskClient, path: str) -> str:
    client.get(path)
    with client.session_transaction() as session:
        return str(session["csrf_token"])


def _uuid(value: str) -> Any:
    from uuid import UUID

    return UUID(value)


def _bill_to() -> Any:
    from domain.invoice_lines import BillTo

    return BillTo(**BILL_TO)
