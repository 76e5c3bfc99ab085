"""What an edition is configured to be: types, prices, delegations, codes, policy, taxes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from domain.access import AccessCode, check_access, offered
from domain.checkin_lists import DEFAULT_LIST, CheckinList
from domain.errors import (
    CodeInvalid,
    RegistrationClosed,
    UnknownCheckinList,
    UnknownDelegation,
    UnknownRegistrationType,
)
from domain.extras import Extra, extra_lines
from domain.invoicing import InvoicingTerms
from domain.payment_deadline import payment_deadline
from domain.policy import CancellationPolicy
from domain.pricing import DiscountCode, PriceQuote, RegistrationType, price_quote
from domain.questions import Answer, Question, accepted_answers
from domain.tax import TaxRate, rates_for

BADGE_STOCKS = ("4x3", "letter-6")  # a 4 x 3 in badge per page; a letter sheet of six


@dataclass(frozen=True)
class Delegation:
    code: str
    names: Mapping[str, str]
    kind: str = "jurisdiction"
    allotment: int | None = None

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names.get("en") or self.code


OFFER_HOURS = 48  # how long a waiting-list offer holds its places, unless the edition says
MAX_OFFER_HOURS = 30 * 24
MAX_WAITING_PLACES = 30  # places one waiting-list entry may wait for (the group form's rows)


@dataclass(frozen=True)
class EditionConfig:
    slug: str
    names: Mapping[str, str]
    host: str
    venue: Mapping[str, str]
    starts_on: date
    ends_on: date
    time_zone: str
    currency: str
    languages: tuple[str, ...]
    registration_opens: datetime
    registration_closes: datetime
    registration_types: tuple[RegistrationType, ...]
    delegations: tuple[Delegation, ...]
    cancellation_policy: CancellationPolicy
    discount_codes: tuple[DiscountCode, ...] = ()
    access_codes: tuple[AccessCode, ...] = ()
    taxes: tuple[TaxRate, ...] | None = None
    tax_numbers: Mapping[str, str] = field(default_factory=dict)
    badge_stock: str = BADGE_STOCKS[0]
    invoicing: InvoicingTerms | None = None
    contact: Mapping[str, str] = field(default_factory=dict)  # the organisers: email, phone
    checkin_lists: tuple[CheckinList, ...] = (DEFAULT_LIST,)
    questions: tuple[Question, ...] = ()
    payment_days: int | None = None  # days to pay an unpaid place (None: no deadline)
    waiting_list_hours: int = OFFER_HOURS  # how long a waiting-list offer holds its places
    extras: tuple[Extra, ...] = ()  # add-ons bought with a place (domain.extras)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def day_of(self, moment: datetime) -> date:
        """The calendar day of `moment` where the edition takes place (its "today")."""
        return moment.astimezone(self.zone).date()

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names.get("en") or self.slug

    @property
    def invoices_on_request(self) -> bool:
        """May an attendee ask for an invoice instead of paying by card?"""
        return self.invoicing is None or self.invoicing.attendee_requests

    def payment_deadline(self, type_code: str, registered_at: datetime) -> datetime | None:
        """When a place of this type registered at `registered_at` must be paid, unless an
        invoice bills it (domain.payment_deadline); the type's own days come first."""
        days = self.registration_type(type_code).payment_days
        return payment_deadline(days if days is not None else self.payment_days,
                                registered_at, self.starts_on, self.zone)

    def registration_type(self, code: str) -> RegistrationType:
        for registration_type in self.registration_types:
            if registration_type.code == code:
                return registration_type
        raise UnknownRegistrationType(f"There is no registration type {code!r} in {self.slug}.")

    def delegation(self, code: str) -> Delegation:
        for delegation in self.delegations:
            if delegation.code == code:
                return delegation
        raise UnknownDelegation(f"There is no delegation {code!r} in {self.slug}.")

    def checkin_list(self, code: str | None) -> CheckinList:
        """The list called `code` (None: the first, the conference entry by default)."""
        if code is None:
            return self.checkin_lists[0]
        for checkin_list in self.checkin_lists:
            if checkin_list.code == code:
                return checkin_list
        raise UnknownCheckinList(f"There is no check-in list {code!r} in {self.slug}.")

    def discount_code(self, code: str) -> DiscountCode:
        for discount in self.discount_codes:
            if discount.code.casefold() == code.strip().casefold():
                return discount
        raise CodeInvalid(f"The discount code {code!r} does not exist.")

    def check_access(self, type_code: str, code: str | None,
                     delegation: str | None = None) -> AccessCode | None:
        """The access code an invitation-only type needs (None: an open type)."""
        return check_access(self.registration_type(type_code), self.access_codes, code,
                            delegation)

    def offered_types(self, code: str | None = None) -> tuple[RegistrationType, ...]:
        """The types a visitor sees: open ones, and those their access code opens."""
        return offered(self.registration_types, self.access_codes, code)

    def is_open(self, at: datetime) -> bool:
        """May one register at `at`: from the opening to the closing moment, both included."""
        return self.registration_opens <= at <= self.registration_closes

    def check_open(self, at: datetime) -> None:
        if self.is_open(at):
            return
        if at < self.registration_opens:
            opens = self.registration_opens.astimezone(self.zone)
            raise RegistrationClosed(f"Registration opens on {opens:%Y-%m-%d %H:%M}.")
        raise RegistrationClosed("Registration for this edition is closed.")

    def tax_rates(self, at: datetime) -> tuple[TaxRate, ...]:
        day = at.astimezone(self.zone).date()
        schedule = {self.host: self.taxes} if self.taxes is not None else None
        return rates_for(self.host, day, schedule)

    def quote(self, type_code: str, code: str | None, at: datetime,
              extras: Mapping[str, int] | None = None) -> PriceQuote:
        """The place's price at `at`, with the add-ons `extras` (code -> quantity)."""
        discount = self.discount_code(code) if code else None
        rates = self.tax_rates(at)
        quote = price_quote(
            self.registration_type(type_code), self.currency, rates, at, discount,
            self.tax_numbers,
        )
        if not extras:
            return quote
        return quote.with_extras(extra_lines(self.extras, extras, type_code, self.currency,
                                             rates, self.tax_numbers))

    def extras_for(self, type_code: str) -> tuple[Extra, ...]:
        """The add-ons offered with a place of this type, in the document's order."""
        return tuple(extra for extra in self.extras if extra.offered_with(type_code))

    def visitor_quote(self, type_code: str, code: str | None, access_code: str | None,
                      at: datetime, extras: Mapping[str, int] | None = None) -> PriceQuote:
        """The price a visitor is shown: an invitation-only type's only with an access code
        that opens it (AccessCodeRequired, AccessCodeInvalid otherwise), so its price is as
        hidden as the type."""
        self.check_access(type_code, access_code)
        return self.quote(type_code, code, at, extras)

    def questions_for(self, type_code: str) -> tuple[Question, ...]:
        """The questions a registration of this type is asked, in the document's order."""
        return tuple(q for q in self.questions if q.asked_of(type_code))

    def answers(self, type_code: str, given: Mapping[str, Any]) -> dict[str, Answer]:
        """The answers to record (AnswersRefused: every problem at once)."""
        return accepted_answers(self.questions, type_code, given)
