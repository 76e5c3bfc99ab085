"""Reconciling the journal's card movements with the card processor's balance transactions."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.reconciliation import Reconciliation, reconcile
from registration.adapters.stripe_gateway import StripeGateway
from registration.projections.journal_queries import card_movements
from registration.projections.store import ReadModelStore

# A charge and its recording may fall on either side of the period's edge: both sides are
# read this much further so that neither is reported missing for it (see domain.reconciliation).
MARGIN = timedelta(days=1)


class ReconciliationService:
    def __init__(self, store: ReadModelStore, gateway: StripeGateway) -> None:
        self.store = store
        self.gateway = gateway

    def reconcile(self, start: datetime, end: datetime) -> Reconciliation:
        """Every difference between the journal and the processor over [start, end)."""
        theirs = self.gateway.balance_transactions(start - MARGIN, end + MARGIN)
        return reconcile(card_movements(self.store), theirs, start, end)
