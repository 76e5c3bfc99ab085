"""Invoice numbers stay gapless and unique when many requests race, on PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from uuid import UUID

import pytest

from domain.errors import AlreadyInvoiced
from domain.invoice_lines import BillTo
from domain.numbering import InvoiceSequence, sequence_id
from domain.registration import Attendee
from registration.services.container import Services
from tests.support import editions, invoicing
from tests.support.context import in_this_context

SLUG = "test-montreal"
PLACES = 40
THREADS = 8


@pytest.fixture
def database_url(fresh_postgres: str) -> str:
    """Only PostgreSQL: the point is many connections writing at once."""
    return fresh_postgres


def test_concurrent_issues_number_invoices_one_to_n_without_gap_or_duplicate(
        services: Services):
    services.editions.load(invoicing.quebec())
    places = [services.registrations.register(
        SLUG, Attendee(**editions.attendee(n)), "delegate", "QC").registration.id
        for n in range(PLACES)]
    # Every place is asked for twice, racing: one request wins, the other is refused.
    requests = [place for place in places for _ in range(2)]

    def issue(registration_id: UUID) -> str | None:
        try:
            return services.invoices.issue(SLUG, [registration_id], BillTo(name="Québec")).number
        except AlreadyInvoiced:
            return None

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        numbers = [n for n in pool.map(in_this_context(issue), requests) if n is not None]

    assert sorted(numbers) == [f"SEUS19-{n:04d}" for n in range(1, PLACES + 1)]
    sequence = services.app.find(sequence_id("SEUS19-"), InvoiceSequence)
    assert sequence is not None and sequence.last == PLACES
    rows = services.read_models.store.query("SELECT number FROM ledger ORDER BY number")
    assert [row["number"] for row in rows] == sorted(numbers)
    billed = {services.registrations.get(p).invoice_number for p in places}
    assert billed == set(numbers)
