"""Everything the web layer and the CLI need, built once per process."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import timedelta

from domain.actor import Actor, acting_as
from domain.base import set_clock
from domain.identifiers import edition_id
from registration.adapters.badge_printer import BadgePrinter
from registration.adapters.batch_store import BatchStore
from registration.adapters.documents import DocumentRenderer
from registration.adapters.job_queue import EmbeddedConsumer, embedded_consumer, make_queue
from registration.adapters.stripe_gateway import StripeGateway
from registration.application import Conference
from registration.clock import Clock, make_clock, rehearsal_clock
from registration.config import Settings
from registration.idempotency import Claim
from registration.links import ManageLinks
from registration.mail.outbox import LinkSeal
from registration.mail.processor import MailProcessor
from registration.mail.sender import BackgroundSender
from registration.mail.wiring import build_mail
from registration.persistence import event_store_env, one_process_at_a_time, read_model_env
from registration.projections.ledger_queries import Ledger
from registration.projections.queries import Queries
from registration.projections.runner import ReadModels
from registration.projections.store import open_store
from registration.projections.waiting_list import entries as waiting_entries
from registration.services.activity import Activity
from registration.services.badge_batches import BadgeBatchService
from registration.services.delegation_leads import DelegationLeadService
from registration.services.desk import DeskService
from registration.services.desk_payments import DeskPaymentService
from registration.services.editions import EditionService
from registration.services.health import Health, check_health
from registration.services.invoices import InvoiceService
from registration.services.offline_desk import OfflineDeskService
from registration.services.payment_deadlines import PaymentDeadlines
from registration.services.payments import PaymentService
from registration.services.preferences import StaffPreferencesService
from registration.services.reconciliation import ReconciliationService
from registration.services.refunds import CancellationService
from registration.services.registrations import RegistrationService
from registration.services.reminders import ReminderService
from registration.services.sealing import Seal
from registration.services.staff import StaffService
from registration.services.staff_access import StaffAccess
from registration.services.staff_actions import StaffActionService
from registration.services.waiting_list import WaitingListService

log = logging.getLogger(__name__)


@dataclass
class Services:
    app: Conference
    read_models: ReadModels
    queries: Queries
    editions: EditionService
    registrations: RegistrationService
    staff: StaffService
    preferences: StaffPreferencesService  # each staff member's edition and language
    staff_access: StaffAccess  # page sessions and the second factor
    clock: Clock
    documents: DocumentRenderer  # one per process: fonts and stylesheets loaded once
    desk: DeskService
    offline_desk: OfflineDeskService  # a desk device's copy, and the scans it queued offline
    desk_payments: DeskPaymentService  # card terminal and cash at the desk
    batches: BadgeBatchService  # badge batches as background jobs
    payments: PaymentService
    cancellations: CancellationService  # cancelling with the card refund the policy owes
    staff_actions: StaffActionService  # a change of type or delegation, a refund by hand
    reminders: ReminderService  # overdue invoices, and their reminders
    invoices: InvoiceService
    reconciliation: ReconciliationService  # the journal against the card processor
    leads: DelegationLeadService  # a delegation lead's own page
    deadlines: PaymentDeadlines  # reminds, then expires, unpaid places (a periodic job)
    waiting_list: WaitingListService  # offers freed places in turn (and a periodic job)
    mail: MailProcessor  # confirmations, receipts, invoices: queued, sent, retried
    mail_sender: BackgroundSender | None  # sends off-request when no mailer process runs
    seal: LinkSeal | None = None  # opens the manage tokens sealed before links were derived
    clock_note: str | None = None  # the rehearsal clock continued after recorded events
    job_threads: EmbeddedConsumer | None = None  # render threads here (JOBS_EMBEDDED)

    @classmethod
    def build(cls, settings: Settings, clock: Clock | None = None) -> Services:
        # Processes starting together on an empty database would race to create tables.
        with one_process_at_a_time(settings.database_url):
            app = Conference(env=event_store_env(settings.database_url,
                                                 settings.instance_path))
            store = open_store(read_model_env(settings.database_url, settings.instance_path))
            read_models = ReadModels(app, store)
            clock, clock_note = cls._clock(app, settings, clock)
            documents = DocumentRenderer()
            mail = build_mail(settings, app, store, documents, clock)
            activity = Activity(store)
        if settings.sync_projections:
            app.saved_listeners.insert(0, lambda: read_models.catch_up())
        registrations = RegistrationService(app, clock, ManageLinks(settings.secret_key))
        store_queries = Queries(read_models)
        invoices = InvoiceService(app, clock)
        registrations.cancellation_hooks.append(invoices.credit_cancellation)
        registrations.registration_hooks.append(mail.outbox.confirmation)
        payments = PaymentService(app, StripeGateway(
            settings.stripe_secret_key, settings.stripe_api_base,
            settings.stripe_publishable_key))
        payments.payment_hooks.append(invoices.on_card_payment)
        invoices.settle_card_payment = payments.settle_open_request
        staff = StaffService(app, clock, activity, settings.staff_token_days)
        staff_access = StaffAccess(
            app, staff, clock, activity, Seal(settings.secret_key, "staff/second-factor"),
            idle=timedelta(minutes=settings.staff_session_idle_minutes),
            lifetime=timedelta(hours=settings.staff_session_max_hours))
        editions = EditionService(app)
        desk = DeskService(app, store, BadgePrinter(documents), clock)
        queue = make_queue(settings.jobs_queue, settings.instance_path, settings.redis_url)
        batches = BadgeBatchService(desk, BatchStore(store, settings.instance_path), queue,
                                    lambda: services_of_this_process(settings).batches)
        deadlines = PaymentDeadlines(app, store, registrations, payments, clock, queue,
                                     lambda: services_of_this_process(settings).deadlines)
        waiting_list = WaitingListService(
            app, clock, registrations.links,
            lambda: [edition_id(d["slug"]) for d in store_queries.edition_documents()],
            lambda edition, statuses: waiting_entries(store, edition, statuses))
        waiting_list.schedule(queue, lambda: services_of_this_process(settings).waiting_list)
        registrations.freed_hooks.append(waiting_list.offer_freed)
        return cls(
            clock=clock, deadlines=deadlines, waiting_list=waiting_list,
            leads=DelegationLeadService(app, registrations, registrations.links),
            app=app, read_models=read_models,
            queries=store_queries,
            editions=editions, registrations=registrations,
            staff=staff, staff_access=staff_access,
            preferences=StaffPreferencesService(app, editions, clock), documents=documents,
            desk=desk, batches=batches,
            offline_desk=OfflineDeskService(app, read_models, desk, clock),
            desk_payments=DeskPaymentService(app, clock, invoices),
            job_threads=embedded_consumer(queue) if settings.jobs_embedded else None,
            payments=payments, cancellations=CancellationService(registrations, payments),
            staff_actions=StaffActionService(app, registrations, invoices),
            reminders=ReminderService(app, Ledger(store), clock),
            invoices=invoices, reconciliation=ReconciliationService(store, payments.gateway),
            mail=mail.processor, mail_sender=mail.sender,
            seal=mail.outbox.seal, clock_note=clock_note,
        )

    @staticmethod
    def _clock(app: Conference, settings: Settings,
               clock: Clock | None) -> tuple[Clock, str | None]:
        """The given clock (tests), the rehearsal clock (CLOCK_START), or real time."""
        note = None
        if clock is None and settings.clock_start is not None:
            with acting_as(Actor.system("rehearsal-clock")):
                rehearsal = rehearsal_clock(app, settings.clock_start)
            clock, note = rehearsal.clock, rehearsal.note
            if note:
                log.warning("%s", note)
        clock = clock or make_clock()
        set_clock(clock)
        return clock, note

    def health(self) -> Health:
        return check_health([self.read_models.follower, self.mail.follower])

    def log_head(self) -> int:
        """The position of the last event recorded (0 for an empty log)."""
        return self.app.recorder.max_notification_id() or 0

    def check_claim(self, claim: Claim) -> None:
        """Raise Replayed at once if the claim's key was answered before."""
        claim.check(self.app.find)

    def close(self) -> None:
        if self.job_threads is not None:
            self.job_threads.close()
        if self.mail_sender is not None:
            self.mail_sender.stop()
        self.payments.gateway.close()
        self.app.close()
        self.read_models.store.datastore.close()


_BUILT_IN: dict[int, Services] = {}


def services_of_this_process(settings: Settings) -> Services:
    """A render worker's own services, built on its first job (never the parent's, forked)."""
    pid = os.getpid()
    if pid not in _BUILT_IN:
        _BUILT_IN[pid] = Services.build(settings)
    return _BUILT_IN[pid]
