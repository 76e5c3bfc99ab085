"""The e-mails themselves: plain text with an HTML alternative, in the person's language.

Rendered when sent, from the facts as recorded: a mail about an event (a payment, a
cancellation, a refund, a substitution, a change of place) goes to whoever held the place
then, with the registration as it was then — never to someone who took the place since.
A confirmation goes to whoever registered (with the link only while it is in force); a new
link goes to the holder in force. With
the pages' Babel catalog; labels the pages already show keep the same translation. Each
language has its own Jinja environment, so composing a French mail in the middle of an
English request changes nothing for the request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import formatdate, make_msgid, parseaddr
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from babel.dates import format_date, format_time
from babel.support import NullTranslations
from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    pass_eval_context,
    select_autoescape,
)
from jinja2.nodes import EvalContext
from markupsafe import Markup

from domain.delegation_lead import DelegationLead
from domain.edition import Edition
from domain.edition_config import EditionConfig
from domain.invoice import Invoice, invoice_id
from domain.mail import Mail
from domain.registration import Registration
from domain.reminders import InvoiceReminders
from domain.waiting_list import WaitingEntry
from registration.adapters import mime
from registration.adapters.documents import TEMPLATES, DocumentRenderer
from registration.adapters.invoice_document import render_invoice
from registration.adapters.mime import OutgoingMail
from registration.adapters.qr_code import qr_png
from registration.amounts_text import currency_text, locale_of, percent_text
from registration.application import Conference
from registration.french import first_of_month, to_name, with_article
from registration.links import ManageLinks
from registration.mail.calendar import KEPT, EditionCalendars, venue_line
from registration.mail.outbox import LinkSeal
from registration.mail.reads import MailReads
from registration.projections.ledger_queries import InvoiceView, Ledger
from registration.services.checkin_codes import typable_code
from registration.web.common.i18n import LANGUAGES, load_catalogs, span_of_days


class NotReadyYet(LookupError):
    """What the mail tells is recorded, but a read model it is rendered from (the ledger)
    has not reached it yet: the processor tries again shortly."""


@dataclass(frozen=True)
class Envelope:
    to: str
    language: str
    territory: str


def territory(config: EditionConfig) -> str:
    return config.host.split("-")[0]


@lru_cache(maxsize=1024)
def day_text(day: date, language: str, locale: str) -> str:
    """`June 2, 2019`, `1er juin 2019`: formatted once per day and locale (babel reads its
    locale data on every call), as a rush's mails repeat the same few days."""
    text = format_date(day, format="long", locale=locale)
    return first_of_month(text) if language == "fr" else text


def translator(gettext: Callable[[str], str]) -> Callable[..., str]:
    """`_` as Jinja's newstyle gettext does it (the translation always %-formatted, with its
    values escaped in HTML), in one call where Jinja's takes three through the template's
    context: about forty a mail."""

    @pass_eval_context
    def translate(eval_context: EvalContext, message: str, **values: Any) -> str:
        text = gettext(message)
        return (Markup(text) if eval_context.autoescape else text) % values

    return translate


class MailComposer:
    def __init__(self, app: Conference, seal: LinkSeal, documents: DocumentRenderer,
                 ledger: Ledger, base_url: str, sender: str, links: ManageLinks,
                 translations: Path = TEMPLATES.parent / "translations") -> None:
        self.app, self.seal, self.documents, self.ledger = app, seal, documents, ledger
        self.links = links
        self.base_url = base_url.rstrip("/")
        self.sender = sender
        self.reads = MailReads(app)  # what the mails read: once a batch, within one
        self.calendars = EditionCalendars()
        self._kept_event_facts: dict[tuple[UUID, int, str], dict[str, str]] = {}
        self.sender_address = parseaddr(sender)[1]
        self.sender_domain = self.sender_address.rpartition("@")[2]
        catalogs = load_catalogs(translations)
        self.catalogs = catalogs
        self.environments = {lang: self._environment(catalogs[lang]) for lang in LANGUAGES}

    @staticmethod
    def _environment(catalog: NullTranslations) -> Environment:
        """The templates are read once (no check of each file at each render), and `_`
        translates in one call (see `translator`)."""
        env = Environment(loader=FileSystemLoader(TEMPLATES / "mail"),
                          autoescape=select_autoescape(["html"]), undefined=StrictUndefined,
                          extensions=["jinja2.ext.i18n"], auto_reload=False)
        env.install_gettext_translations(catalog, newstyle=True)  # type: ignore[attr-defined]
        env.globals["_"] = translator(catalog.gettext)
        return env

    def compose(self, mail: Mail) -> OutgoingMail:
        """The mail, to the person and with the facts as the event it is about recorded them
        (see the module's docstring)."""
        if mail.kind == "lead_link":
            return self._lead_link(mail)
        if mail.kind == "invoice_receipt":
            return self._invoice_receipt(mail)
        if mail.kind.startswith("waitlist_"):
            return self._waiting_list(mail)
        registration = self.reads.registration(mail.registration_id)
        edition = self.reads.edition(registration.edition_id)
        config = edition.config
        if mail.kind in {"confirmation", "link"}:
            return self._with_link(mail, registration, edition)
        if mail.kind == "payment_reminder":
            return self._payment_reminder(mail, registration, config)
        if mail.kind in {"invoice", "credit_note", "reminder"}:
            return self._document(mail, registration, config)
        fact = (self._payment(registration, mail.about) if mail.kind == "receipt"
                else self._event(registration.id, int(mail.about)))
        current = registration
        registration = self.app.repository.get(registration.id,
                                               version=fact.originator_version)
        envelope = self._envelope(registration.attendee, config)
        context = {**self._context(envelope, registration, config), "fact": fact}
        attachments: list[tuple[str, bytes]] = []
        kind = mail.kind
        if mail.kind == "handed_on":
            envelope = self._envelope(fact.previous, config)
            context = {**self._context(envelope, registration, config), "fact": fact,
                       "previous": fact.previous, "holder_name": fact.attendee.full_name}
        elif mail.kind == "receipt":
            context["payment"] = {"amount": fact.amount, "method": fact.method,
                                  "reference": fact.reference, "at": fact.timestamp}
            invoice = self._invoice_on_payment(current, mail.about)
            context["invoice_number"] = invoice.document["number"] if invoice else None
            if invoice is not None:  # the tax invoice this payment got is its receipt
                # its link, while the payer's link is the one in force (not handed on since)
                context["manage_link"] = self._manage_link(mail, current) \
                    if current.link_generation == registration.link_generation else None
                attachments.append((f"{context['invoice_number']}.pdf",
                                    render_invoice(self.documents, invoice)))
            else:
                attachments.append((f"receipt-{mail.about}.pdf",
                                    self._receipt_pdf(envelope, context)))
        elif mail.kind == "moved":
            context["standing"] = registration.standing
        elif mail.kind == "expired":
            context["expired_deadline"] = fact.deadline
        elif mail.kind == "approved":
            context.update(note=fact.note, manage_link=self._manage_link(mail, current),
                           e_ticket=self._e_ticket(current),
                           **self._event_facts(edition, envelope))
        elif mail.kind == "cancelled" and fact.originator_version > 1:
            turned_down = self._event(registration.id, fact.originator_version - 1)
            if isinstance(turned_down, Registration.NotApproved):  # saved with this cancel
                kind, context["reason"] = "not_approved", turned_down.reason
        return self._message(envelope, kind, context, attachments)

    def _payment_reminder(self, mail: Mail, registration: Registration,
                          config: EditionConfig) -> OutgoingMail:
        """Before the deadline it was queued for (`about`), to the holder in force, with
        their link."""
        envelope = self._envelope(registration.attendee, config)
        context = {**self._context(envelope, registration, config),
                   "manage_link": self._manage_link(mail, registration),
                   "payment_deadline": datetime.fromisoformat(mail.about)}
        return self._message(envelope, mail.kind, context, [])

    def _envelope(self, person: Any, config: EditionConfig) -> Envelope:
        return Envelope(person.email, person.language if person.language in LANGUAGES
                        else "en", territory(config))

    def _with_link(self, mail: Mail, registration: Registration,
                   edition: Edition) -> OutgoingMail:
        """A confirmation goes to whoever registered, with the first link if it is still in
        force; a new link goes to the holder in force."""
        config = edition.config
        link: str | None = self._manage_link(mail, registration)
        attachments: list[tuple[str, bytes]] = []
        handed_by = None
        e_ticket, approval_asked = None, registration.approval is not None
        deadline = registration.payment_deadline(config)  # while it still applies
        if mail.kind == "confirmation":
            if registration.link_generation != 0:
                link = None  # renewed since (handed on, or sent again): not theirs to keep
            else:  # still theirs: the e-ticket too (not the next holder's, once handed on)
                e_ticket = self._e_ticket(registration)
            if registration.version > 1:
                registration = self.reads.as_registered(registration.id)
        else:
            handed_by = self._handed_by(registration.id, int(mail.about))
        envelope = self._envelope(registration.attendee, config)
        if mail.kind == "confirmation":
            attachments.append(("event.ics", self.calendars.ics(edition, envelope.language,
                                                                registration.id)))
        context = {**self._context(envelope, registration, config), "manage_link": link,
                   "handed_by": handed_by, "e_ticket": e_ticket,
                   "approval_asked": approval_asked, "payment_deadline": deadline,
                   **self._event_facts(edition, envelope)}
        return self._message(envelope, mail.kind, context, attachments)

    def _document(self, mail: Mail, registration: Registration,
                  config: EditionConfig) -> OutgoingMail:
        """An invoice, a credit note or an invoice's reminder, to its bill-to, with its PDF."""
        number, _, reminder = mail.about.partition("/")
        view = self.ledger.view(number)
        if view is None:
            raise NotReadyYet(f"document {number} is not in the ledger yet")
        bill_to = view.document["bill_to"]
        envelope = Envelope(bill_to["email"], bill_to.get("language", "en"), territory(config))
        context = {**self._context(envelope, registration, config), "number": number,
                   "refers_to": view.document.get("refers_to_number"),
                   "cancels": mail.kind == "credit_note" and self.ledger.cancels_whole(view),
                   "due_on": date.fromisoformat(view.document["due_on"])}
        if reminder:
            context["fact"] = self._reminder(number, int(reminder))
        return self._message(envelope, mail.kind, context,
                             [(f"{number}.pdf", render_invoice(self.documents, view))])

    def _invoice_receipt(self, mail: Mail) -> OutgoingMail:
        """A transfer or cheque against an invoice (`about`: its reference): one receipt, to
        the bill-to's contact (without an e-mail, to whoever holds its first place), naming
        the bill-to as payer, with the invoice as it stands attached."""
        payment = next(e for e in self.app.events.get(mail.registration_id)
                       if isinstance(e, Invoice.PaymentRecorded) and e.reference == mail.about)
        invoice: Invoice = self.app.repository.get(  # as it was then
            mail.registration_id, version=payment.originator_version)
        view = self.ledger.view(invoice.number)
        if view is None or view.paid < invoice.paid.amount:
            raise NotReadyYet(f"invoice {invoice.number}'s payment is not in the ledger yet")
        first = self.app.load(UUID(invoice.registration_ids[0]), Registration, "registration")
        config = self.reads.edition(invoice.edition_id).config
        bill_to = view.document["bill_to"]
        envelope = Envelope(bill_to.get("email") or first.attendee.email,
                            bill_to.get("language", "en"), territory(config))
        context = {**self._context(envelope, first, config), "number": invoice.number,
                   "bill_to": bill_to, "payment": payment,
                   "received_on": date.fromisoformat(payment.received_on),
                   "still_due": invoice.balance_due}
        return self._message(envelope, mail.kind, context,
                             [(f"{invoice.number}.pdf", render_invoice(self.documents, view))])

    def _reminder(self, number: str, sent: int) -> Any:
        """The invoice's `sent`-th reminder, as recorded (with what was due that day)."""
        reminded = [e for e in self.app.events.get(InvoiceReminders.create_id(number))
                    if isinstance(e, InvoiceReminders.Reminded)]
        return reminded[sent - 1]

    def _e_ticket(self, registration: Registration) -> dict[str, Any] | None:
        """The e-ticket shown in the message (an inline image, by its content id): the
        badge's QR code, and the short code under it once the desk can take it typed."""
        if registration.is_cancelled or registration.awaiting_approval:
            return None
        secret = registration.checkin_secret
        return {"cid": make_msgid("e-ticket", self.sender_domain)[1:-1],
                "png": qr_png(secret),
                "code": typable_code(self.app, secret, registration.id)}

    def _lead_link(self, mail: Mail) -> OutgoingMail:
        """The delegation lead's page link in force, derived now."""
        lead = self.app.load(mail.registration_id, DelegationLead, "delegation lead")
        config = self.reads.edition(lead.edition_id).config
        envelope = Envelope(lead.email, lead.language if lead.language in LANGUAGES else "en",
                            territory(config))
        name = config.name(envelope.language)
        french = envelope.language == "fr"
        token = self.links.token(lead.id, lead.link_generation)
        return self._message(envelope, "lead_link", {
            "lead": lead, "edition_name": name, "language": envelope.language,
            "edition_to": to_name(name) if french else name,
            "edition_the": with_article(name) if french else name,
            "delegation_name": config.delegation(lead.delegation).name(envelope.language),
            "lead_link": f"{self.base_url}/g/{lead.id}?{urlencode({'token': token})}"}, [])

    def _waiting_list(self, mail: Mail) -> OutgoingMail:
        """To a waiting-list entry's person: joined, offered (until `about`), or the offer
        expired; with the entry's link (derived now)."""
        entry = self.app.load(mail.registration_id, WaitingEntry, "waiting-list entry")
        config = self.reads.edition(entry.edition_id).config
        envelope = Envelope(entry.email, entry.language if entry.language in LANGUAGES
                            else "en", territory(config))
        name = config.name(envelope.language)
        french = envelope.language == "fr"
        token = self.links.token(entry.id, 0)
        delegation = config.delegation(entry.delegation).name(envelope.language) \
            if entry.delegation else None
        until = datetime.fromisoformat(mail.about).astimezone(config.zone) \
            if mail.kind == "waitlist_offered" else None
        return self._message(envelope, mail.kind, {
            "entry": entry, "edition_name": name, "language": envelope.language,
            "edition_to": to_name(name) if french else name,
            "edition_the": with_article(name) if french else name,
            "type_name": config.registration_type(entry.registration_type)
            .name(envelope.language), "delegation_name": delegation,
            "offered_until": until, "time_zone": config.time_zone,
            "entry_link": f"{self.base_url}/w/{entry.id}?{urlencode({'token': token})}"}, [])

    def _manage_link(self, mail: Mail, registration: Registration) -> str:
        """The link in force, derived now (a mail queued before derivation holds it sealed)."""
        if mail.sealed_link is not None and registration.link_generation == 0:
            token = self.seal.unseal(mail.sealed_link)
        else:
            token = self.links.current(registration)
        return f"{self.base_url}/r/{registration.id}?{urlencode({'token': token})}"

    def _event(self, registration_id: UUID, version: int) -> Any:
        """The registration's event at `version`: what a mail about it tells."""
        for recorded in self.app.events.get(registration_id, gt=version - 1, lte=version):
            return recorded
        raise LookupError(f"no event at version {version} of {registration_id}")

    def _handed_by(self, registration_id: UUID, generation: int) -> str | None:
        """Who handed the place on, when link `generation` was issued for a substitution."""
        events = list(self.app.events.get(registration_id))
        for before, recorded in pairwise(events):
            if isinstance(recorded, Registration.ManageLinkRenewed) \
                    and recorded.generation == generation \
                    and isinstance(before, Registration.Substituted):
                return str(before.previous.full_name)
        return None

    def _context(self, envelope: Envelope, registration: Registration,
                 config: EditionConfig) -> dict[str, Any]:
        language = envelope.language
        delegation = (config.delegation(registration.delegation).name(language)
                      if registration.delegation else None)
        return {**self._edition_context(envelope, config), "registration": registration,
                "type_name": config.registration_type(registration.registration_type)
                .name(language), "delegation_name": delegation, "quote": registration.quote}

    @staticmethod
    def _edition_context(envelope: Envelope, config: EditionConfig) -> dict[str, Any]:
        """What the mails tell of the edition, in the person's language."""
        language = envelope.language
        name = config.name(language)
        french = language == "fr"  # "à la 12e Conférence…", "pour la 12e Conférence…"
        return {"edition_name": name, "edition_to": to_name(name) if french else name,
                "edition_the": with_article(name) if french else name,
                "colon": "\u00a0:" if french else ":",
                "edition_dates": span_of_days(config.starts_on, config.ends_on, language,
                                              locale_of(language, envelope.territory)),
                "venue": venue_line(config), "contact": config.contact,
                "language": language, "zone": config.zone}

    def _event_facts(self, edition: Edition, envelope: Envelope) -> dict[str, str]:
        """The edition's dates, venue and contact as a confirmation shows them (_event.html
        and _event.txt), rendered once per edition version and language, like its calendar
        file (a change to the edition is a new version, so it shows)."""
        key = (edition.id, edition.version, envelope.language)
        facts = self._kept_event_facts.get(key)
        if facts is None:
            if len(self._kept_event_facts) >= KEPT:
                self._kept_event_facts.clear()
            env = self.environments[envelope.language]
            values = self._edition_context(envelope, edition.config)
            facts = {"event_html": Markup(env.get_template("_event.html").render(values)),
                     "event_text": env.get_template("_event.txt").render(values)}
            self._kept_event_facts[key] = facts
        return facts

    def _payment(self, registration: Registration, reference: str) -> Any:
        for recorded in self.app.events.get(registration.id):
            if isinstance(recorded, Registration.PaymentReceived) \
                    and recorded.reference == reference:
                return recorded
        raise LookupError(f"no payment {reference} on registration {registration.id}")

    def _invoice_on_payment(self, registration: Registration,
                            reference: str) -> InvoiceView | None:
        """The invoice issued paid on this payment, if the edition issues them."""
        for number in registration.billed_by:
            invoice = self.app.find(invoice_id(number), Invoice)
            if invoice is not None and invoice.document.get("paid_by") == reference:
                view = self.ledger.view(number)
                if view is None:
                    raise NotReadyYet(f"invoice {number} is not in the ledger yet")
                return view
        return None

    def _receipt_pdf(self, envelope: Envelope, context: Mapping[str, Any]) -> bytes:
        catalog = self.catalogs[envelope.language]

        def translate(message: str, **values: Any) -> str:
            text = str(catalog.gettext(message))
            return text % values if values else text

        return self.documents.pdf("documents/receipt.html", {
            **context, **self._filters(envelope), "_": translate},
            ("documents/receipt.css",))

    def _filters(self, envelope: Envelope) -> dict[str, Callable[..., str]]:
        locale = locale_of(envelope.language, envelope.territory)
        return {
            "money": lambda value: currency_text(value.amount, value.currency, locale),
            "percent": lambda value: percent_text(value, locale),
            "day": lambda value: day_text(value.date() if isinstance(value, datetime)
                                          else value, envelope.language, locale),
            "time": lambda value: format_time(value, format="short", locale=locale),
        }

    def _message(self, envelope: Envelope, kind: str, context: Mapping[str, Any],
                 attachments: list[tuple[str, bytes]]) -> OutgoingMail:
        """Plain text with an HTML alternative (with the e-ticket's image beside the HTML,
        which shows it), then the attachments."""
        env = self.environments[envelope.language]
        values = {**context, **self._filters(envelope)}
        html = mime.text(env.get_template(f"{kind}.html").render(**values), "html")
        ticket = context.get("e_ticket")
        if ticket is not None:
            html = mime.multipart("related", [html, mime.binary(
                ticket["png"], "image/png", mime.disposition("inline", "e-ticket.png")
                + f"Content-ID: <{ticket['cid']}>\r\n")])
        root = mime.multipart("alternative", [
            mime.text(env.get_template(f"{kind}.txt").render(**values), "plain"), html])
        if attachments:
            root = mime.multipart("mixed", [root, *map(self._attachment, attachments)])
        message_id = make_msgid(domain=self.sender_domain)
        international = not (envelope.to + self.sender_address).isascii()
        subject = env.get_template(f"{kind}.subject.txt").render(**values).strip()
        return OutgoingMail(self.sender_address, envelope.to, message_id, mime.message([
            ("From", self.sender), ("To", envelope.to), ("Subject", subject),
            ("Date", formatdate(usegmt=True)), ("Message-ID", message_id),
            ("Content-Language", envelope.language)],
            root, international), international)

    @staticmethod
    def _attachment(attachment: tuple[str, bytes]) -> mime.Part:
        filename, content = attachment
        if filename.endswith(".ics"):
            return mime.text(content.decode("utf-8"), "calendar", '; method="PUBLISH"',
                             mime.disposition("attachment", filename))
        return mime.binary(content, "application/pdf", mime.disposition("attachment", filename))
