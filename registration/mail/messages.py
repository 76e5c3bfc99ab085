"""The e-mails themselves: plain text with an HTML alternative, in the person's language.

Rendered when sent, from the current state (a corrected address or language is used), with
the pages' Babel catalog; labels the pages already show keep the same translation. Each
language has its own Jinja environment, so composing a French mail in the middle of an
English request changes nothing for the request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from babel.support import NullTranslations
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from domain.edition import Edition
from domain.edition_config import EditionConfig
from domain.invoice import Invoice, invoice_id
from domain.mail import Mail
from domain.registration import Registration
from registration.adapters.documents import TEMPLATES, DocumentRenderer
from registration.adapters.invoice_document import render_invoice
from registration.adapters.qr_code import qr_png
from registration.application import Conference
from registration.french import first_of_month, to_name, with_article
from registration.links import ManageLinks
from registration.mail.calendar import edition_ics, venue_line
from registration.mail.outbox import LinkSeal
from registration.projections.ledger_queries import InvoiceView, Ledger
from registration.services.checkin_codes import typable_code
from registration.web.common.i18n import LANGUAGES, load_catalogs, span_of_days


@dataclass(frozen=True)
class Envelope:
    to: str
    language: str
    territory: str


def territory(config: EditionConfig) -> str:
    return config.host.split("-")[0]


class MailComposer:
    def __init__(self, app: Conference, seal: LinkSeal, documents: DocumentRenderer,
                 ledger: Ledger, base_url: str, sender: str, links: ManageLinks,
                 translations: Path = TEMPLATES.parent / "translations") -> None:
        self.app, self.seal, self.documents, self.ledger = app, seal, documents, ledger
        self.links = links
        self.base_url = base_url.rstrip("/")
        self.sender = sender
        catalogs = load_catalogs(translations)
        self.catalogs = catalogs
        self.environments = {lang: self._environment(catalogs[lang]) for lang in LANGUAGES}

    @staticmethod
    def _environment(catalog: NullTranslations) -> Environment:
        env = Environment(loader=FileSystemLoader(TEMPLATES / "mail"),
                          autoescape=select_autoescape(["html"]), undefined=StrictUndefined,
                          extensions=["jinja2.ext.i18n"])
        env.install_gettext_translations(catalog, newstyle=True)  # type: ignore[attr-defined]
        return env

    def compose(self, mail: Mail) -> EmailMessage:
        registration = self.app.load(mail.registration_id, Registration, "registration")
        config = self.app.load(registration.edition_id, Edition, "edition").config
        attendee = registration.attendee
        envelope = Envelope(attendee.email, attendee.language if attendee.language in
                            LANGUAGES else "en", territory(config))
        context = self._context(envelope, registration, config)
        attachments: list[tuple[str, bytes]] = []
        if mail.kind in {"confirmation", "link"}:
            context["manage_link"] = self._manage_link(mail, registration)
            if mail.kind == "confirmation":
                attachments.append(("event.ics", edition_ics(config, envelope.language,
                                                             registration.id)))
                context["e_ticket"] = self._e_ticket(registration)
        elif mail.kind in {"approved", "not_approved"}:
            decided = self._recorded(registration, int(mail.about))
            if isinstance(decided, Registration.Approved):
                context.update(note=decided.note, manage_link=self._manage_link(mail, registration),
                               e_ticket=self._e_ticket(registration))
            else:
                context["reason"] = getattr(decided, "reason", "")
        elif mail.kind == "handed_on":
            previous, holder = self._handed_on(registration, int(mail.about))
            envelope = Envelope(previous.email, previous.language if previous.language in
                                LANGUAGES else "en", envelope.territory)
            context = {**self._context(envelope, registration, config), "previous": previous,
                       "holder_name": holder.full_name}
        elif mail.kind == "receipt":
            context["payment"] = self._payment(registration, mail.about)
            invoice = self._invoice_on_payment(registration, mail.about)
            context["invoice_number"] = invoice.document["number"] if invoice else None
            if invoice is not None:  # the tax invoice this payment got is the receipt
                context["manage_link"] = self._manage_link(mail, registration)
                attachments.append((f"{context['invoice_number']}.pdf",
                                    render_invoice(self.documents, invoice)))
            else:
                attachments.append((f"receipt-{mail.about}.pdf",
                                    self._receipt_pdf(envelope, context)))
        else:
            view = self.ledger.view(mail.about)
            if view is None:
                raise LookupError(f"invoice {mail.about} is not in the ledger yet")
            bill_to = view.document["bill_to"]
            envelope = Envelope(bill_to["email"], bill_to.get("language", "en"),
                                envelope.territory)
            context = {**self._context(envelope, registration, config), "number": mail.about}
            attachments.append((f"{mail.about}.pdf", render_invoice(self.documents, view)))
        return self._message(envelope, mail.kind, context, attachments)

    def _e_ticket(self, registration: Registration) -> dict[str, Any] | None:
        """The e-ticket shown in the message (an inline image, by its content id): the
        badge's QR code, and the short code under it once the desk can take it typed."""
        if registration.is_cancelled or registration.awaiting_approval:
            return None
        secret = registration.checkin_secret
        return {"cid": make_msgid("e-ticket", self.sender.rpartition("@")[2].strip(">"))[1:-1],
                "png": qr_png(secret),
                "code": typable_code(self.app, secret, registration.id)}

    def _manage_link(self, mail: Mail, registration: Registration) -> str:
        """The link in force, derived now (a mail queued before derivation holds it sealed)."""
        if mail.sealed_link is not None and registration.link_generation == 0:
            token = self.seal.unseal(mail.sealed_link)
        else:
            token = self.links.current(registration)
        return f"{self.base_url}/r/{registration.id}?{urlencode({'token': token})}"

    def _recorded(self, registration: Registration, version: int) -> Any:
        """The registration's event at `version`: the facts a mail about it tells."""
        for recorded in self.app.events.get(registration.id, gt=version - 1, lte=version):
            return recorded
        raise LookupError(f"no event at version {version} of {registration.id}")

    def _handed_on(self, registration: Registration, version: int) -> tuple[Any, Any]:
        """Who handed the place on, and to whom, as the substitution recorded them."""
        recorded = self._recorded(registration, version)
        if not isinstance(recorded, Registration.Substituted):
            raise LookupError(f"no substitution at version {version} of {registration.id}")
        return recorded.previous, recorded.attendee

    def _context(self, envelope: Envelope, registration: Registration,
                 config: EditionConfig) -> dict[str, Any]:
        language = envelope.language
        delegation = (config.delegation(registration.delegation).name(language)
                      if registration.delegation else None)
        name = config.name(language)
        french = language == "fr"  # "à la 12e Conférence…", "pour la 12e Conférence…"
        return {"registration": registration, "edition_name": name,
                "edition_to": to_name(name) if french else name,
                "edition_the": with_article(name) if french else name,
                "colon": "\u00a0:" if french else ":",
                "edition_dates": span_of_days(config.starts_on, config.ends_on, language,
                                              f"{language}_{envelope.territory}"),
                "venue": venue_line(config), "contact": config.contact,
                "type_name": config.registration_type(registration.registration_type)
                .name(language), "delegation_name": delegation, "quote": registration.quote,
                "language": language, "zone": config.zone}

    def _payment(self, registration: Registration, reference: str) -> dict[str, Any]:
        for recorded in self.app.events.get(registration.id):
            if isinstance(recorded, Registration.PaymentReceived) \
                    and recorded.reference == reference:
                return {"amount": recorded.amount, "method": recorded.method,
                        "reference": reference, "at": recorded.timestamp}
        raise LookupError(f"no payment {reference} on registration {registration.id}")

    def _invoice_on_payment(self, registration: Registration,
                            reference: str) -> InvoiceView | None:
        """The invoice issued paid on this payment, if the edition issues them."""
        for number in registration.billed_by:
            invoice = self.app.find(invoice_id(number), Invoice)
            if invoice is not None and invoice.document.get("paid_by") == reference:
                view = self.ledger.view(number)
                if view is None:
                    raise LookupError(f"invoice {number} is not in the ledger yet")
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
        locale = f"{envelope.language}_{envelope.territory}"
        return {
            "money": lambda value: format_currency(value.amount, value.currency, locale=locale),
            "percent": lambda value: format_decimal(value, format="#,##0.###",
                                                    locale=locale) + "\u00a0%",
            "day": lambda value: self._day(value, envelope.language, locale),
        }

    @staticmethod
    def _day(value: Any, language: str, locale: str) -> str:
        text = format_date(value, format="long", locale=locale)
        return first_of_month(text) if language == "fr" else text

    def _message(self, envelope: Envelope, kind: str, context: Mapping[str, Any],
                 attachments: list[tuple[str, bytes]]) -> EmailMessage:
        env = self.environments[envelope.language]
        values = {**context, **self._filters(envelope)}
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = envelope.to
        message["Subject"] = env.get_template(f"{kind}.subject.txt").render(**values).strip()
        message["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2].strip(">"))
        message["Content-Language"] = envelope.language
        message.set_content(env.get_template(f"{kind}.txt").render(**values))
        message.add_alternative(env.get_template(f"{kind}.html").render(**values),
                                subtype="html")
        ticket = context.get("e_ticket")
        if ticket is not None:  # shown in the HTML body, where mail clients show images
            html = message.get_body(("html",))
            assert html is not None
            html.add_related(ticket["png"], maintype="image", subtype="png",
                             cid=f"<{ticket['cid']}>", filename="e-ticket.png",
                             disposition="inline")
        for filename, content in attachments:
            if filename.endswith(".ics"):
                message.add_attachment(content.decode("utf-8"), subtype="calendar",
                                       charset="utf-8", filename=filename,
                                       params={"method": "PUBLISH"})
            else:
                message.add_attachment(content, maintype="application", subtype="pdf",
                                       filename=filename)
        return message

