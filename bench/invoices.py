"""Invoices: issuing them, and rendering them as PDFs, per second.

On a fresh SQLite store with the demo's Montréal edition:
- issuing N one-place invoices one after another (number, invoice and registration saved
  together, ledger projected synchronously): invoices per second;
- GET /api/invoices/{number}.pdf through Flask's test client: PDFs per second, p50 and p95;
- the same documents rendered straight from the ledger's DTO (no Flask): PDFs per second;
- a delegation's invoice of 25 places (two pages): milliseconds per PDF.
`python bench/invoices.py [N] [folder to keep a sample invoice and credit note in]`.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from support import as_benchmark, attendee, backend, bench_edition, percentile

from domain.invoice_lines import BillTo
from domain.registration import Attendee
from registration.adapters.invoice_document import render_invoice
from registration.app import create_app
from registration.demo import DEMO_SLUG
from registration.projections.ledger_queries import Ledger
from registration.services.container import Services

DELEGATION_PLACES = 25
BILL_TO = BillTo(name="Ministère de l'Économie du Québec", contact="Louise Gagnon",
                 address=("710, place D'Youville", "Québec (Québec) G1R 4Y4"), language="fr")


def main(n: int, keep: Path | None) -> None:
    with backend("sqlite") as settings:
        app = create_app(settings)
        services: Services = app.extensions["services"]
        services.editions.load(bench_edition(limits=False))
        ids = [services.registrations.register(
            DEMO_SLUG, Attendee(**attendee(i)), "delegate", "QC").registration.id
            for i in range(n + DELEGATION_PLACES)]

        started = time.perf_counter()
        numbers = [services.invoices.issue(DEMO_SLUG, [i], BILL_TO).number for i in ids[:n]]
        issuing = time.perf_counter() - started
        delegation = services.invoices.issue(DEMO_SLUG, ids[n:], BILL_TO, "PO-2019-118").number
        print(f"issue: {n / issuing:,.1f} invoices/s ({issuing / n * 1000:.1f} ms each)")

        token = services.staff.create("bench-finance", "finance")[1]
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        client.get(f"/api/invoices/{numbers[0]}.pdf", headers=headers)  # warm-up
        timings = []
        for number in numbers:
            started = time.perf_counter()
            assert client.get(f"/api/invoices/{number}.pdf", headers=headers).status_code == 200
            timings.append(time.perf_counter() - started)
        print(f"GET .pdf (1 place): {len(timings) / sum(timings):,.1f} PDFs/s, "
              f"p50 {percentile(timings, 50) * 1000:.0f} ms, "
              f"p95 {percentile(timings, 95) * 1000:.0f} ms")

        ledger = Ledger(services.read_models.store)
        views = [ledger.view(number) for number in numbers]
        started = time.perf_counter()
        for view in views:
            assert view is not None
            render_invoice(services.documents, view)
        rendering = time.perf_counter() - started
        print(f"render from the DTO (1 place): {len(views) / rendering:,.1f} PDFs/s")

        big = ledger.view(delegation)
        assert big is not None
        started = time.perf_counter()
        for _ in range(5):
            document = render_invoice(services.documents, big)
        print(f"render ({DELEGATION_PLACES} places, delegation invoice): "
              f"{(time.perf_counter() - started) / 5 * 1000:.0f} ms per PDF")
        if keep is not None:
            keep_samples(services, ledger, keep, numbers[0], document)
        services.close()


def keep_samples(services: Services, ledger: Ledger, folder: Path, number: str,
                 delegation_pdf: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "delegation-invoice.pdf").write_bytes(delegation_pdf)
    note = services.invoices.cancel(number, "cancellation").number
    for name, which in (("invoice", number), ("credit-note", note)):
        view = ledger.view(which)
        assert view is not None
        (folder / f"{name}.pdf").write_bytes(render_invoice(services.documents, view))
    print(f"samples written to {folder}")


if __name__ == "__main__":
    as_benchmark(main)(int(sys.argv[1]) if len(sys.argv) > 1 else 100,
         Path(sys.argv[2]) if len(sys.argv) > 2 else None)
