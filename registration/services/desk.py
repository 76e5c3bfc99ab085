"""The registration desk: print badges (each print recorded), check people in, find them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError
from markupsafe import Markup

from domain.checkin import (
    CheckinCode,
    checkin_code_id,
    grouped,
    normalised_short_code,
    short_code,
    short_code_id,
)
from domain.checkin_lists import CheckinList
from domain.edition import Edition
from domain.edition_config import EditionConfig
from domain.errors import NothingToPrint, UnknownCheckinCode
from domain.registration import Registration
from registration.adapters.badge_layout import Badge
from registration.adapters.badge_printer import BadgePrinter
from registration.adapters.qr_code import qr_svg
from registration.application import Conference
from registration.clock import Clock
from registration.idempotency import Claim
from registration.projections.attendance import RegistrationRow
from registration.projections.desk import (
    BadgeFilter,
    badge_rows,
    reading_order,
    search_attendees,
)
from registration.projections.store import ReadModelStore
from registration.services.checkin_codes import (
    index_to_issue,
    printable_short_code,
    typable_code,
)
from registration.services.views import RegistrationView, registration_view


@dataclass(frozen=True)
class PrintedBadges:
    pdf: bytes
    count: int


@dataclass(frozen=True)
class AttendeeList:
    config: EditionConfig
    rows: list[RegistrationRow]


@dataclass(frozen=True)
class CheckIn:
    """A scan on a check-in list, as decided."""

    registration: RegistrationView
    first_scan: bool  # recorded (False: a second entry, which records nothing)
    checkin_code: str  # the short code printed under the badge's QR code (K7M-4QX-9RT)
    checkin_list: CheckinList
    direction: str  # "entry" or "exit"
    at: datetime  # in the edition's time zone: the exit, or since when they are inside


@dataclass(frozen=True)
class ScannedBadge:
    """A badge printed on scan: whose it is, and its PDF (the print recorded)."""

    registration: RegistrationView
    pdf: bytes


@dataclass(frozen=True)
class ETicket:
    """What the attendee shows at the desk: the badge's QR code and the short code under it."""

    qr: Markup  # inline SVG
    code: str | None  # K7M-4QX-9RT; None until the desk can take it (see typable_code)


def badge_of(registration: Registration, config: EditionConfig,
             code: str | None = "") -> Badge:
    """What the badge shows, in the edition's languages (both, for a bilingual edition).

    `code`: the short check-in code to print ("": the one its secret derives; None: none).
    """
    code = short_code(registration.checkin_secret) if code == "" else code
    languages = tuple(config.languages)
    delegation = config.delegation(registration.delegation) if registration.delegation else None
    kind = config.registration_type(registration.registration_type)
    attendee = registration.attendee
    return Badge(
        registration_id=str(registration.id), first_name=attendee.first_name,
        last_name=attendee.last_name, organisation=attendee.organisation,
        delegation_code=delegation.code if delegation else None,
        delegation_names=tuple(delegation.name(lang) for lang in languages) if delegation
        else (),
        type_names=tuple(kind.name(lang) for lang in languages), color=kind.color,
        edition_name=config.name(languages[0]), checkin_secret=registration.checkin_secret,
        languages=languages, checkin_code=grouped(code) if code else None,
    )


class DeskService:
    def __init__(self, app: Conference, store: ReadModelStore, printer: BadgePrinter,
                 clock: Clock) -> None:
        self.app = app
        self.store = store
        self.printer = printer
        self.clock = clock

    def _registration(self, registration_id: UUID) -> Registration:
        return self.app.load(registration_id, Registration, "registration")

    def _config(self, registration: Registration) -> EditionConfig:
        return self.app.load(registration.edition_id, Edition, "edition").config

    def badge(self, registration_id: UUID, printed_by: str, stock: str | None = None) -> bytes:
        """One badge, recorded as printed by `printed_by` (a cancelled place gets none)."""
        registration = self._registration(registration_id)
        registration.check_badge_allowed()
        config = self._config(registration)
        code = printable_short_code(self.app, registration.checkin_secret, registration.id)
        pdf = self.printer.single(badge_of(registration, config, code),
                                  stock or config.badge_stock)
        self._record_prints([registration], printed_by, {registration.id: code} if code else {})
        return pdf

    def badge_on_scan(self, slug: str, code: str, printed_by: str) -> ScannedBadge:
        """The badge of whoever's QR code or short code was scanned, printed and recorded
        (reprints counted): the print-on-scan screen. It never checks the person in."""
        registration = self._registration(self.holder_of(slug, code))
        pdf = self.badge(registration.id, printed_by)
        return ScannedBadge(registration_view(registration, self._config(registration)), pdf)

    def holder_of(self, slug: str, code: str) -> UUID:
        """The registration of the edition `slug` whose badge or e-ticket code was read."""
        registration = self._registration(self.admitted_by(code))
        if registration.edition_id != self.app.edition(slug).id:
            raise UnknownCheckinCode()
        return registration.id

    def e_ticket(self, registration_id: UUID) -> ETicket | None:
        """The holder's e-ticket (None while awaiting approval, and once the place is
        cancelled): the same check-in secret as their badge's QR code, so the desk scans
        either."""
        registration = self._registration(registration_id)
        if registration.is_cancelled or registration.awaiting_approval:
            return None
        secret = registration.checkin_secret
        return ETicket(qr_svg(secret), typable_code(self.app, secret, registration.id))

    def badges(
        self, slug: str, which: BadgeFilter, printed_by: str, stock: str | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> PrintedBadges:
        """One document with the badges `which` selects, by delegation then last name,
        rendered here (the command line, and small batches answered at once)."""
        config, registrations = self.printable(slug, which)
        pdf = self.printer.batch([badge_of(r, config) for r in registrations],
                                 stock or config.badge_stock, progress)
        self._record_prints(registrations, printed_by)
        return PrintedBadges(pdf, len(registrations))

    def printable(self, slug: str, which: BadgeFilter) -> tuple[EditionConfig,
                                                                list[Registration]]:
        """The registrations `which` selects, in printing order; NothingToPrint if none."""
        config = self.app.edition(slug).config
        registrations = [self._registration(UUID(row.registration_id))
                         for row in self.badge_rows(slug, which)]
        registrations = [r for r in registrations if not r.is_cancelled]
        if not registrations:
            raise NothingToPrint()
        return config, registrations

    def record_prints(self, registration_ids: list[UUID], printed_by: str) -> None:
        """Record a batch's prints (a background job's, when it is done)."""
        self._record_prints([self._registration(i) for i in registration_ids], printed_by)

    def badge_rows(self, slug: str, which: BadgeFilter) -> list[RegistrationRow]:
        return badge_rows(self.store, self.app.edition(slug).config, which)

    def attendee_list(self, slug: str, which: BadgeFilter, language: str) -> AttendeeList:
        """The places not cancelled that `which` selects, as a reader of `language` looks
        for a name: for the day's lists, spreadsheets and sign-in sheets."""
        config = self.app.edition(slug).config
        return AttendeeList(config, reading_order(badge_rows(self.store, config, which),
                                                  config, language))

    def _record_prints(self, printed: list[Registration], printed_by: str,
                       short_codes: dict[UUID, str] | None = None) -> None:
        """Record every print in one save; a retry reloads (and skips a place cancelled since).

        `short_codes`: the codes printed, by registration; the index of one printed for
        the first time (a place registered before short codes) is issued in the same save.
        """
        loaded: dict[UUID, Registration | None] = {r.id: r for r in printed}

        def decision() -> tuple[list[Aggregate], None]:
            fresh = [loaded.pop(r.id, None) or self._registration(r.id) for r in printed]
            fresh = [r for r in fresh if not r.is_cancelled]
            for registration in fresh:
                registration.record_badge_print(printed_by)
            indexes = [index_to_issue(self.app, code, registration_id)
                       for registration_id, code in (short_codes or {}).items()]
            return [*fresh, *[i for i in indexes if i is not None]], None

        self.app.decide(decision)

    def check_in(self, slug: str, code: str, by: str, idempotency: Claim | None = None,
                 list_code: str | None = None, direction: str = "entry") -> CheckIn:
        """Scan the holder of the badge (or e-ticket) whose code was read in or out of a
        check-in list (None: the edition's first); a second entry records nothing."""
        edition = self.app.edition(slug)
        checkin_list = edition.config.checkin_list(list_code)
        registration_id = self.admitted_by(code)

        def decision() -> tuple[list[Aggregate], CheckIn]:
            registration = self._registration(registration_id)
            if registration.edition_id != edition.id:
                raise UnknownCheckinCode()
            at = self.clock()
            recorded = registration.check_in(by, at, checkin_list, direction,
                                             edition.config.day_of(at))
            changed: list[Aggregate] = [registration] if recorded else []
            return changed, self._answer(registration, edition.config, recorded,
                                         checkin_list, direction, at)

        return self.app.decide(decision, idempotency)

    @staticmethod
    def _answer(registration: Registration, config: EditionConfig, recorded: bool,
                checkin_list: CheckinList, direction: str, at: datetime) -> CheckIn:
        since = registration.inside_since(checkin_list.code) if direction == "entry" else None
        return CheckIn(registration_view(registration, config), recorded,
                       grouped(short_code(registration.checkin_secret)), checkin_list,
                       direction, (since or at).astimezone(config.zone))

    def admitted_by(self, code: str) -> UUID:
        """The registration a scanned QR code (its secret) or a typed short code admits."""
        typed = code.strip()
        index = self.app.find(checkin_code_id(typed), CheckinCode)
        if index is None:
            short = normalised_short_code(typed)
            index = self.app.find(short_code_id(short), CheckinCode) if short else None
        if index is None:
            raise UnknownCheckinCode()
        return index.admits()

    def check_in_registration(self, registration_id: UUID, by: str) -> CheckIn:
        """Admit the attendee staff picked on the desk's page, as if their badge were scanned."""
        registration = self._registration(registration_id)
        return self.check_in(self._config(registration).slug, registration.checkin_secret, by)

    def scan(self, registration_id: UUID, first_scan: bool, list_code: str,
             direction: str, at: datetime) -> CheckIn:
        """A scan as it was answered at `at` (for a repeated request)."""
        registration = self._registration(registration_id)
        config = self._config(registration)
        return self._answer(registration, config, first_scan, config.checkin_list(list_code),
                            direction, at)

    def issue_short_codes(self, slug: str) -> tuple[int, list[str]]:
        """Issue the short-code index of every place registered before short codes existed.

        Returns how many were issued, and the places whose derived code another badge holds
        (about 2e-9 each: they print no short code, and their QR code still admits).
        """
        issued, taken = 0, []
        for row in self.badge_rows(slug, BadgeFilter()):
            registration = self._registration(UUID(row.registration_id))
            code = printable_short_code(self.app, registration.checkin_secret, registration.id)
            if code is None:
                taken.append(row.registration_id)
                continue
            index = index_to_issue(self.app, code, registration.id)
            if index is None:
                continue
            try:
                self.app.save(index)
            except IntegrityError:
                continue  # a badge printed meanwhile issued it
            issued += 1
        return issued, taken

    def attendees(self, slug: str, query: str) -> list[RegistrationRow]:
        return search_attendees(self.store, self.app.edition(slug).config, query)
