"""Finance's journal through the API: every movement of money of an edition (finance role)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from domain.money import Money
from domain.reconciliation import period_bounds
from registration.projections.journal_queries import JournalFilter, Movement
from registration.web.common.auth import staff_required
from registration.web.common.finance_schemas import JournalQuerySchema, PeriodSchema
from registration.web.common.http import services
from registration.web.common.schemas import load_json

journal = Blueprint("journal", __name__, url_prefix="/api")


def movement_json(movement: Movement) -> dict[str, Any]:
    row = movement.row
    return {"entry": row.entry, "kind": row.kind, "method": row.method,
            "at": movement.at.isoformat(), "day": movement.day.isoformat(),
            "received_on": row.received_on, "payer": row.payer,
            "reference": row.reference, "charge": row.charge, "amount": row.amount,
            "currency": row.currency, "registrations": row.registration_ids,
            "invoice": row.invoice, "recorded_by": row.recorded_by}


@journal.get("/editions/<slug>/journal")
@staff_required("finance")
def show(slug: str) -> Any:
    """The edition's journal: every movement of money, oldest first, with totals.
    ---
    parameters: [{in: query, schema: JournalQuerySchema}]
    responses:
      200:
        description: "`movements` (refunds negative), `received`, `refunded`, `net`,
          `by_method` and `by_day`, in the edition's currency; days in its time zone."
        content: {application/json: {schema: Journal}}
    """
    config = services().editions.config(slug)
    which = JournalFilter(**load_json(JournalQuerySchema(), request.args.to_dict()))
    found = services().queries.journal(config, which)
    return {
        "edition": slug, "currency": found.currency,
        "movements": [movement_json(m) for m in found.movements],
        "received": str(found.received), "refunded": str(found.refunded),
        "net": str(found.net),
        "by_method": {method: str(amount) for method, amount in found.by_method.items()},
        "by_day": {day.isoformat(): str(amount) for day, amount in found.by_day},
    }


@journal.get("/editions/<slug>/reconciliation")
@staff_required("finance")
def reconciliation(slug: str) -> Any:
    """The journal's card payments and refunds against the processor's balance transactions.
    ---
    parameters: [{in: query, schema: PeriodSchema}]
    responses:
      200:
        description: "`matched` (how many agree) and `differences`, each with its `kind`
          (not_in_journal, not_at_processor, amounts_differ), the charge or refund id and
          both sides' amounts. Days are the edition's; the processor's account is one for
          every edition."
        content: {application/json: {schema: Reconciliation}}
    """
    config = services().editions.config(slug)
    period = load_json(PeriodSchema(), request.args.to_dict())
    start, end = period_bounds(period["since"], period["until"], config.zone)
    found = services().reconciliation.reconcile(start, end)
    return {"edition": slug, "from": period["since"].isoformat(),
            "to": period["until"].isoformat(), "matched": found.matched,
            "differences": [{"kind": d.kind, "source": d.source,
                             "journal": money_json(d.ours.amount) if d.ours else None,
                             "processor": money_json(d.theirs.amount) if d.theirs else None}
                            for d in found.differences]}


def money_json(amount: Money) -> dict[str, str]:
    return {"amount": str(amount.amount), "currency": amount.currency}
