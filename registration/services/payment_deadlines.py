"""The payment-deadline pass: remind the holders of unpaid places, then expire the places.

Run every minute as a huey periodic task by the jobs process (the Procfile's `jobs`, or its
threads in the web process with JOBS_EMBEDDED), and by hand with `flask --app wsgi
registrations expire`. The jobs process already runs work for every web worker on a queue
that can schedule; the read-model worker stays a pure follower of the log.

The places to look at come from the registrations read model (only "pending_payment" ones:
neither paid nor invoiced); whether one is reminded or expired is decided on its aggregate,
so a stale read model, or several passes at once, remind and expire each place at most once
(the reminder is a `Mail` keyed by the place and its deadline; an expiry saved against a
stale version is decided again, and then finds the place already ended). Time is the
product's clock, so a rehearsal moves it.

A place with a card payment open at its deadline is asked about at Stripe first
(domain.payment_deadline.payment_holds_place): one the holder is still paying is left for
the grace hour (processing: until it settles); then the payment is recorded if it went
through, else cancelled at Stripe, and only then does the place expire. When Stripe cannot
be reached the place waits for the next pass.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from eventsourcing.persistence import IntegrityError
from huey import Huey, crontab

from domain.actor import Actor, acting_as
from domain.edition import Edition
from domain.edition_config import EditionConfig
from domain.mail import Mail
from domain.payment_deadline import payment_holds_place, reminder_due
from registration.adapters.stripe_gateway import GatewayUnavailable
from registration.application import Conference
from registration.clock import Clock
from registration.projections.store import ReadModelStore
from registration.services.payments import PaymentService
from registration.services.registrations import RegistrationService

log = logging.getLogger(__name__)
DEADLINES = Actor.system("payment-deadlines")
UNPAID = """SELECT registration_id, edition_id, registration_type, registered_at
    FROM registrations WHERE status = 'pending_payment' ORDER BY registered_at"""


@dataclass(frozen=True)
class DeadlinePass:
    reminded: int
    expired: int


class PaymentDeadlines:
    def __init__(self, app: Conference, store: ReadModelStore,
                 registrations: RegistrationService, payments: PaymentService, clock: Clock,
                 queue: Huey, in_worker_process: Callable[[], PaymentDeadlines]) -> None:
        self.app, self.store, self.registrations, self.clock = app, store, registrations, clock
        self.payments = payments
        self._pid = os.getpid()
        self._in_worker_process = in_worker_process  # built in a forked job worker
        # Every minute; calling it queues a pass at once.
        self.job = queue.periodic_task(crontab(), name="registrations.expire")(self._periodic)

    def _periodic(self) -> None:
        here = self if os.getpid() == self._pid else self._in_worker_process()
        done = here.run()
        if done.reminded or done.expired:
            log.info("payment deadlines: %d reminded, %d expired", done.reminded, done.expired)

    def run(self) -> DeadlinePass:
        """Remind and expire what is due now; what another pass did already is skipped."""
        now = self.clock()
        configs: dict[str, EditionConfig] = {}
        reminded = expired = 0
        with acting_as(DEADLINES):
            for row in self.store.query(UNPAID):
                edition = row["edition_id"]
                if edition not in configs:
                    configs[edition] = self.app.load(UUID(edition), Edition, "edition").config
                registered_at = datetime.fromisoformat(row["registered_at"])
                deadline = configs[edition].payment_deadline(row["registration_type"],
                                                             registered_at)
                place = UUID(row["registration_id"])
                if deadline is None:
                    continue
                if now >= deadline:
                    expired += self._expire(place, deadline, now)
                elif now >= reminder_due(deadline, registered_at):
                    reminded += self._remind(place, deadline)
        return DeadlinePass(reminded, expired)

    def _expire(self, registration_id: UUID, deadline: datetime, now: datetime) -> bool:
        """Expire the place unless the card payment opened for it is still going on; an
        open payment is first recorded (it went through) or cancelled at Stripe."""
        registration = self.registrations.get(registration_id)
        reference = registration.open_payment
        if reference is not None:
            try:
                if payment_holds_place(self.payments.gateway.intent(reference).status,
                                       deadline, now):
                    return False
                self.payments.settle_open_request(registration)
            except GatewayUnavailable as error:
                log.warning("payment deadlines: %s left for the next pass: %s",
                            registration_id, error.message)
                return False
        return self.registrations.expire(registration_id, now)

    def _remind(self, registration_id: UUID, deadline: datetime) -> bool:
        """Queue the reminder of this deadline once (the mailer sends it)."""
        reminder = Mail.queue("payment_reminder", registration_id, about=deadline.isoformat())
        if self.app.find(reminder.id, Mail) is not None:
            return False
        if not self.registrations.get(registration_id).may_expire:  # paid meanwhile
            return False
        with suppress(IntegrityError):  # queued meanwhile by another pass
            self.app.save(reminder)
            return True
        return False
