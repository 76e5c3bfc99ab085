"""Badge batches in the production topology: queued through the API by a gunicorn worker,
rendered by the `jobs` process's render workers (queue in Redis, PDF in PostgreSQL), and
downloaded from whichever web worker answers."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.production.api import MONTREAL, Stack, answered, found, register, settles, unique
from tests.support.pdfs import page_texts

pytestmark = [pytest.mark.production, pytest.mark.postgres]
COUNT = 20


def ended(stack: Stack, location: str, timeout: float = 180.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        batch = answered(stack.get(location, stack.staff["desk"]), 200)
        if batch["status"] not in {"queued", "rendering"}:
            return batch
        assert time.monotonic() < deadline, f"still {batch['status']}: {batch}"
        time.sleep(0.25)


def test_a_batch_is_queued_rendered_by_the_jobs_process_and_downloaded(stack: Stack):
    tag = unique()
    names = [f"Tremblay{tag}{n:02d}" for n in range(COUNT)]
    for n in range(COUNT):
        register(stack, f"{tag}{n:02d}", delegation="ON", organisation=f"Batch {tag}")
    settles(lambda: len(found(stack, f"Batch {tag}")), COUNT)
    render_workers = stack.topology.children("jobs")

    asked = stack.post(f"/api/editions/{MONTREAL}/badge-batches", json={"delegation": "ON"},
                       headers=stack.staff["desk"])
    queued = answered(asked, 202)
    assert asked.headers["Location"] == f"/api/badge-batches/{queued['id']}"
    batch = ended(stack, asked.headers["Location"])

    assert batch["status"] == "done", batch
    assert batch["done"] == batch["total"] >= COUNT
    pdf = stack.get(batch["download"], stack.staff["desk"])
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    texts = page_texts(pdf.content)
    assert len(texts) == batch["total"]
    assert all(any(name in text for text in texts) for name in names)
    settles(lambda: {a["badge_prints"] for a in found(stack, f"Batch {tag}")}, {1})
    assert stack.topology.children("jobs") == render_workers  # the same processes


def test_a_cancelled_batch_stops_and_the_render_workers_stay_as_they_were(stack: Stack):
    render_workers = stack.topology.children("jobs")
    asked = stack.post(f"/api/editions/{MONTREAL}/badge-batches", json={},
                       headers=stack.staff["desk"])
    answered(asked, 202)

    cancelled = answered(stack.delete(asked.headers["Location"], stack.staff["desk"]), 200)

    assert cancelled["status"] in {"cancelled", "done"}  # a small batch may beat the cancel
    time.sleep(2)
    assert stack.topology.children("jobs") == render_workers
    stack.topology.check_alive()
