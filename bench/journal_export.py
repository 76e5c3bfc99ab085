"""The journal's exports and an invoice's PDF: what finance waits for.

On a fresh store (SQLite, and PostgreSQL when reachable) with the demo's Montréal edition:
- a journal of N movements (10,000 by default: card payments, refunds, desk cash and
  terminal, transfers, cheques), written straight into its read model;
- finance's CSV and XLSX exports of the whole journal, through the staff page's address
  (`/staff/finance/{edition}/journal.csv|xlsx`, signed in, French): wall time (median of 3)
  and the peak of memory allocated while one export runs (tracemalloc, a run of its own);
- invoice PDFs rendered from the ledger (one place each): p50 and p95.
`python bench/journal_export.py [N] [PDFS]`.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import time
import tracemalloc
import uuid
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from flask import Flask
from flask.testing import FlaskClient
from support import as_benchmark, attendee, backend, backends, bench_edition, percentile

from domain.identifiers import edition_id
from domain.invoice_lines import BillTo
from domain.payment_details import value_date
from domain.registration import Attendee
from registration.adapters.invoice_document import render_invoice
from registration.app import create_app
from registration.demo import DEMO_SLUG
from registration.projections.journal import METHODS, JournalRow
from registration.projections.ledger_queries import Ledger
from registration.projections.store import upsert_statement
from registration.services.container import Services

PASSWORD = "bench-journal-2019"
BILL_TO = BillTo(name="Ministère de l'Économie du Québec", contact="Louise Gagnon",
                 address=("710, place D'Youville", "Québec (Québec) G1R 4Y4"), language="fr")
START = datetime(2019, 3, 1, 14, tzinfo=UTC)


def movement(i: int, edition_id: str) -> JournalRow:
    """The i-th movement: mostly card payments, every 10th a refund, the rest spread."""
    method = METHODS[i % len(METHODS)]
    refund = i % 10 == 9 and method == "card"
    amount = Decimal("-454.15") if refund else Decimal("454.15") + i % 7
    reference = f"re_{i:08d}" if refund else f"pi_{i:08d}" if method == "card" else f"R-{i}"
    at = START + timedelta(minutes=7 * i)
    return JournalRow(
        entry=f"{'refund' if refund else 'payment'}:{reference}", edition_id=edition_id,
        kind="refund" if refund else "payment", method=method, at=at.isoformat(),
        received_on=value_date(method, (at - timedelta(days=2)).date().isoformat()),
        payer=f"Personne {i} (Hydro-Québec)", reference=reference,
        charge=f"ch_{i:08d}" if method == "card" and not refund else None,
        amount=str(amount), currency="CAD", registrations=json.dumps([str(uuid.uuid4())]),
        invoice=f"SEUS19-{i:04d}" if method in ("bank_transfer", "cheque") else None,
        recorded_by="stripe" if method == "card" else "Dana")


def fill_journal(services: Services, n: int) -> None:
    edition = str(edition_id(DEMO_SLUG))
    store = services.read_models.store
    statement = upsert_statement("journal", [f.name for f in fields(JournalRow)])
    with store.transaction() as cursor:
        store.execute_many(cursor, statement, (movement(i, edition).as_dict()
                                               for i in range(n)))


def finance_client(app: Flask, services: Services) -> FlaskClient:
    services.staff.create_account("Dana", "dana@example.com", PASSWORD, "finance")
    client = app.test_client()
    page = client.get("/staff/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    answer = client.post("/staff/sign-in", data={
        "csrf_token": token.group(1), "email": "dana@example.com", "password": PASSWORD})
    assert answer.status_code == 302, answer.status_code
    return client


def export(client: FlaskClient, kind: str, query: str = "") -> int:
    answer = client.get(f"/staff/finance/{DEMO_SLUG}/journal.{kind}?lang=fr{query}")
    assert answer.status_code == 200, answer.status_code
    return len(answer.data)


def measure_exports(client: FlaskClient, n: int) -> None:
    for kind in ("csv", "xlsx"):
        export(client, kind, "&method=cash")  # warm-up (translations), a few rows
        times, size = [], 0
        for _ in range(3):
            started = time.perf_counter()
            size = export(client, kind)
            times.append(time.perf_counter() - started)
        tracemalloc.start()
        export(client, kind)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"  journal.{kind} of {n:,} movements: {statistics.median(times):.2f} s "
              f"(median of 3), peak {peak / 2**20:.0f} MiB allocated, "
              f"file {size / 2**20:.1f} MiB")


def measure_pdfs(services: Services, count: int) -> None:
    ids = [services.registrations.register(
        DEMO_SLUG, Attendee(**attendee(i)), "delegate", "QC").registration.id
        for i in range(count)]
    numbers = [services.invoices.issue(DEMO_SLUG, [i], BILL_TO).number for i in ids]
    ledger = Ledger(services.read_models.store)
    views = [ledger.view(number) for number in numbers]
    render_invoice(services.documents, views[0])  # warm-up (fonts, stylesheets)
    timings = []
    for view in views:
        assert view is not None
        started = time.perf_counter()
        render_invoice(services.documents, view)
        timings.append(time.perf_counter() - started)
    print(f"  invoice PDF (1 place), {count} rendered: p50 {percentile(timings, 50) * 1000:.0f} ms,"
          f" p95 {percentile(timings, 95) * 1000:.0f} ms")


def main(n: int, pdfs: int) -> None:
    for name in backends():
        print(f"{name}:")
        with backend(name) as settings:
            app = create_app(settings)
            services: Services = app.extensions["services"]
            services.editions.load(bench_edition(limits=False))
            fill_journal(services, n)
            measure_exports(finance_client(app, services), n)
            measure_pdfs(services, pdfs)
            services.close()


if __name__ == "__main__":
    as_benchmark(main)(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000,
                       int(sys.argv[2]) if len(sys.argv) > 2 else 40)
