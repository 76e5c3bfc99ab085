"""Reading an edition's JSON document into its configuration, listing every problem."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.access import ACCESS, AccessCode
from domain.checkin_lists import parse_checkin_lists
from domain.documents import DocumentReader, join
from domain.edition_config import (
    BADGE_STOCKS,
    MAX_OFFER_HOURS,
    OFFER_HOURS,
    Delegation,
    EditionConfig,
)
from domain.errors import (
    InvalidEdition,
)
from domain.extras import parse_extras
from domain.invoicing import parse_invoicing
from domain.payment_deadline import MAX_PAYMENT_DAYS
from domain.policy import CancellationPolicy, RefundStep
from domain.pricing import DiscountCode, PriceTier, RegistrationType
from domain.questions import KINDS, Option, Question
from domain.tax import TaxRate, parse_tax_rates
from domain.text import text_problem

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
JURISDICTION = re.compile(r"^(CA|US)-[A-Z]{2}$")
CURRENCIES = ("CAD", "USD")  # an edition is priced in one of these
LANGUAGES = ("en", "fr")  # what an edition, an attendee or a document may speak
KNOWN_KEYS = {
    "slug", "names", "host", "venue", "starts_on", "ends_on", "time_zone", "currency",
    "languages", "registration_opens", "registration_closes", "registration_types",
    "delegations", "discount_codes", "cancellation_policy", "taxes", "tax_numbers", "badge",
    "invoicing", "access_codes", "contact", "checkin_lists", "questions", "payment_days",
    "waiting_list_hours", "extras",
}
CONTACT_KEYS = ("email", "phone")  # the organisers' contact, both optional
COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
QUESTION_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")  # a form field's and a column's name


def parse_edition(doc: Mapping[str, Any]) -> EditionConfig:
    """Read an edition document, refusing it with every problem found."""
    if not isinstance(doc, Mapping):
        raise InvalidEdition("The edition document must be a JSON object.", ["must be an object"])
    r = DocumentReader()
    _refused_texts(r, doc, "")
    for key in sorted(set(doc) - KNOWN_KEYS):
        r.problem(key if isinstance(key, str) and text_problem(key) is None else ascii(key),
                  "is not a known field")
    slug = r.text(doc, "slug", "")
    if slug and not SLUG.match(slug):
        r.problem("slug", "must be lower-case letters, digits and dashes, e.g. seuscp-2019")
    host = r.text(doc, "host", "")
    if host and not JURISDICTION.match(host):
        r.problem("host", "must be an ISO 3166-2 code such as CA-QC or US-GA")
    currency = r.text(doc, "currency", "")
    if currency and currency not in CURRENCIES:
        r.problem("currency", "must be CAD or USD")
    zone = _zone(r, doc)
    languages = tuple(r.items(doc, "languages", ""))
    if not languages or not set(languages) <= set(LANGUAGES):
        r.problem("languages", 'must list "en" and/or "fr"')
    starts_on, ends_on = r.day(doc, "starts_on", ""), r.day(doc, "ends_on", "")
    if starts_on > ends_on:
        r.problem("ends_on", "must not be before starts_on")
    opens = r.moment(doc, "registration_opens", "", zone)
    closes = r.moment(doc, "registration_closes", "", zone)
    if opens and closes and opens >= closes:
        r.problem("registration_closes", "must be after registration_opens")
    types = tuple(_registration_type(r, t, join("registration_types", i), zone)
                  for i, t in enumerate(r.items(doc, "registration_types", "")))
    if not types:
        r.problem("registration_types", "must list at least one registration type")
    r.unique([t.code for t in types], "registration_types", "registration type")
    delegations = tuple(_delegation(r, d, join("delegations", i))
                        for i, d in enumerate(r.items(doc, "delegations", "")))
    r.unique([d.code for d in delegations], "delegations", "delegation")
    codes = tuple(_discount_code(r, c, join("discount_codes", i), zone, {t.code for t in types})
                  for i, c in enumerate(r.items(doc, "discount_codes", "", required=False)))
    r.unique([c.code.casefold() for c in codes], "discount_codes", "discount code")
    access_codes = tuple(
        _access_code(r, c, join("access_codes", i), {t.code for t in types if t.by_invitation},
                     {d.code for d in delegations})
        for i, c in enumerate(r.items(doc, "access_codes", "", required=False)))
    r.unique([c.code.casefold() for c in access_codes], "access_codes", "access code")
    questions = tuple(_question(r, q, join("questions", i), {t.code for t in types})
                      for i, q in enumerate(r.items(doc, "questions", "", required=False)))
    r.unique([q.code for q in questions], "questions", "question")
    policy = _policy(r, doc.get("cancellation_policy") or {}, zone)
    extras = parse_extras(r, doc, {t.code for t in types}, currency)
    checkin_lists = parse_checkin_lists(r, doc, {t.code for t in types},
                                        {extra.code for extra in extras})
    payment_days = _payment_days(r, doc, "")
    waiting_list_hours = _waiting_list_hours(r, doc)
    taxes = _taxes(r, doc)
    badge_stock = _badge_stock(r, doc)
    invoicing = parse_invoicing(r, doc, slug)
    venue = doc.get("venue") or {}
    if not isinstance(venue, Mapping) or not venue.get("name"):
        r.problem("venue", "must give at least the venue's name")
        venue = {}
    contact = doc.get("contact") or {}
    if not isinstance(contact, Mapping) or set(contact) - set(CONTACT_KEYS) or any(
            not isinstance(v, str) or not v.strip() for v in contact.values()):
        r.problem("contact", "may give only `email` and `phone`, as text")
        contact = {}
    elif "email" in contact and "@" not in contact["email"]:
        r.problem("contact.email", "must be an e-mail address")
    if r.problems:
        raise InvalidEdition("The edition document has problems.", r.problems)
    assert opens and closes
    return EditionConfig(
        slug=slug, names=r.names(doc, "names", ""), host=host, venue=dict(venue),
        starts_on=starts_on, ends_on=ends_on, time_zone=str(doc["time_zone"]),
        currency=currency, languages=languages, registration_opens=opens,
        registration_closes=closes, registration_types=types, delegations=delegations,
        cancellation_policy=policy, discount_codes=codes, access_codes=access_codes, taxes=taxes,
        tax_numbers=dict(doc.get("tax_numbers") or {}), badge_stock=badge_stock,
        invoicing=invoicing, contact={k: str(v).strip() for k, v in contact.items()},
        checkin_lists=checkin_lists, questions=questions, payment_days=payment_days,
        waiting_list_hours=waiting_list_hours,
        extras=extras,
    )


def _refused_texts(r: DocumentReader, value: Any, path: str) -> None:
    """Every text of the document, keys included, follows the text rule (domain.text).

    The document itself is recorded in the edition's events, so a text the rule refuses
    anywhere in it — even in a section read as-is, like the venue — refuses the document.
    No field of an edition is meant for several lines (an address is a list of lines).
    """
    if isinstance(value, str):
        refused = text_problem(value)
        if refused is not None:
            r.problem(path, _lower_first(refused.message))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            refused = text_problem(key) if isinstance(key, str) else None
            if refused is not None:
                r.problem(join(path, ascii(key)), "the key " + _lower_first(refused.message))
                continue
            _refused_texts(r, item, join(path, str(key)))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _refused_texts(r, item, join(path, i))


def _lower_first(message: str) -> str:
    return message[:1].lower() + message[1:]


def _zone(r: DocumentReader, doc: Mapping[str, Any]) -> ZoneInfo:
    name = r.text(doc, "time_zone", "")
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        r.problem("time_zone", f"{name!r} is not a time zone such as America/Montreal")
        return ZoneInfo("UTC")


def _registration_type(r: DocumentReader, doc: Any, path: str, zone: ZoneInfo) -> RegistrationType:
    tiers = []
    for i, tier in enumerate(r.items(doc, "tiers", path)):
        tier_path = join(join(path, "tiers"), i)
        tiers.append(PriceTier(
            name=r.text(tier, "name", tier_path),
            price=_or_zero(r.decimal(tier, "price", tier_path)),
            until=r.moment(tier, "until", tier_path, zone, required=False),
            early_bird=bool(tier.get("early_bird", False)) if isinstance(tier, Mapping) else False,
        ))
    if not tiers:
        r.problem(join(path, "tiers"), "must list at least one price tier")
        tiers.append(PriceTier("none", price=Decimal(0)))
    deadlines = [t.until for t in tiers]
    if any(d is None for d in deadlines[:-1]):
        r.problem(join(path, "tiers"), "only the last tier may have no deadline")
    dated = [d for d in deadlines if d is not None]
    if dated != sorted(dated):
        r.problem(join(path, "tiers"), "deadlines must be in order")
    color = str(doc.get("color") or "#1f4e79") if isinstance(doc, Mapping) else "#1f4e79"
    if not COLOR.match(color):
        r.problem(join(path, "color"), 'must be a colour like "#1f4e79"')
    access = r.text(doc, "access", path, required=False) or "open"
    if access not in ACCESS:
        r.problem(join(path, "access"), 'must be "open" or "code" (by invitation)')
    approval = doc.get("approval", False) if isinstance(doc, Mapping) else False
    if not isinstance(approval, bool):
        r.problem(join(path, "approval"), "must be true or false")
    return RegistrationType(
        code=r.text(doc, "code", path), names=r.names(doc, "names", path), tiers=tuple(tiers),
        capacity=r.integer(doc, "capacity", path), color=color, access=access,
        approval=approval is True,
        payment_days=_payment_days(r, doc, path),
    )


def _waiting_list_hours(r: DocumentReader, doc: Any) -> int:
    """How long a waiting-list offer holds its places (domain.waiting_list)."""
    hours = r.integer(doc, "waiting_list_hours", "")
    if hours is None:
        return OFFER_HOURS
    if not 1 <= hours <= MAX_OFFER_HOURS:
        r.problem("waiting_list_hours", f"must be from 1 to {MAX_OFFER_HOURS} hours")
        return OFFER_HOURS
    return hours


def _payment_days(r: DocumentReader, doc: Any, path: str) -> int | None:
    """Days to pay an unpaid place (domain.payment_deadline), if the document gives them."""
    days = r.integer(doc, "payment_days", path) if isinstance(doc, Mapping) else None
    if days is not None and not 1 <= days <= MAX_PAYMENT_DAYS:
        r.problem(join(path, "payment_days"), f"must be from 1 to {MAX_PAYMENT_DAYS} days")
        return None
    return days


def _delegation(r: DocumentReader, doc: Any, path: str) -> Delegation:
    return Delegation(
        code=r.text(doc, "code", path), names=r.names(doc, "names", path),
        kind=r.text(doc, "kind", path, required=False) or "jurisdiction",
        allotment=r.integer(doc, "allotment", path),
    )


def _discount_code(
    r: DocumentReader, doc: Any, path: str, zone: ZoneInfo, type_codes: set[str]
) -> DiscountCode:
    kind = r.text(doc, "kind", path)
    if kind and kind not in {"percent", "fixed"}:
        r.problem(join(path, "kind"), 'must be "percent" or "fixed"')
    value = _or_zero(r.decimal(doc, "value", path))
    if kind == "percent" and value > 100:
        r.problem(join(path, "value"), "a percentage cannot exceed 100")
    applies_to = frozenset(r.items(doc, "registration_types", path, required=False))
    for unknown in sorted(applies_to - type_codes):
        r.problem(join(path, "registration_types"), f"unknown registration type {unknown!r}")
    return DiscountCode(
        code=r.text(doc, "code", path), kind=kind, value=value,
        max_uses=r.integer(doc, "max_uses", path),
        valid_from=r.moment(doc, "valid_from", path, zone, required=False),
        valid_until=r.moment(doc, "valid_until", path, zone, required=False),
        registration_types=applies_to,
    )


def _access_code(r: DocumentReader, doc: Any, path: str, invitation_types: set[str],
                 delegations: set[str]) -> AccessCode:
    opens = frozenset(r.items(doc, "registration_types", path))
    if not opens:
        r.problem(join(path, "registration_types"), "must list the types the code opens")
    for code in sorted(opens - invitation_types):
        r.problem(join(path, "registration_types"),
                  f'{code!r} is not a registration type with "access": "code"')
    delegation = r.text(doc, "delegation", path, required=False) or None
    if delegation is not None and delegation not in delegations:
        r.problem(join(path, "delegation"), f"unknown delegation {delegation!r}")
    max_uses = r.integer(doc, "max_uses", path) if isinstance(doc, Mapping) and \
        "max_uses" in doc else 1
    return AccessCode(
        code=r.text(doc, "code", path), registration_types=opens, max_uses=max_uses,
        delegation=delegation, given_to=r.text(doc, "given_to", path, required=False) or None)


def _question(r: DocumentReader, doc: Any, path: str, type_codes: set[str]) -> Question:
    kind = r.text(doc, "kind", path)
    if kind and kind not in KINDS:
        r.problem(join(path, "kind"), 'must be "text", "choice", "yes_no" or "consent"')
    options = tuple(Option(code=r.text(o, "code", join(join(path, "options"), i)),
                           labels=r.names(o, "labels", join(join(path, "options"), i)))
                    for i, o in enumerate(r.items(doc, "options", path, required=False)))
    if kind == "choice" and len(options) < 2:
        r.problem(join(path, "options"), "a choice must list at least two options")
    if kind != "choice" and options:
        r.problem(join(path, "options"), "only a choice lists options")
    r.unique([o.code for o in options], join(path, "options"), "option")
    asked_of = frozenset(r.items(doc, "registration_types", path, required=False))
    for unknown in sorted(asked_of - type_codes):
        r.problem(join(path, "registration_types"), f"unknown registration type {unknown!r}")
    flags = {key: doc.get(key, default) if isinstance(doc, Mapping) else default
             for key, default in (("required", False), ("shown_at_desk", True))}
    for key, value in flags.items():
        if not isinstance(value, bool):
            r.problem(join(path, key), "must be true or false")
    code = r.text(doc, "code", path)
    if code and not QUESTION_CODE.match(code):
        r.problem(join(path, "code"), "must be lower-case letters, digits, - or _, e.g. diet")
    return Question(
        code=code, kind=kind, labels=r.names(doc, "labels", path),
        required=flags["required"] is True, options=options, registration_types=asked_of,
        shown_at_desk=flags["shown_at_desk"] is not False)


def _policy(r: DocumentReader, doc: Any, zone: ZoneInfo) -> CancellationPolicy:
    path = "cancellation_policy"
    steps = []
    for i, step in enumerate(r.items(doc, "steps", path, required=False)):
        step_path = join(join(path, "steps"), i)
        until = r.moment(step, "until", step_path, zone)
        share = r.decimal(step, "refund_percent", step_path)
        if share is not None and share > 100:
            r.problem(join(step_path, "refund_percent"), "cannot exceed 100")
        if until and share is not None:
            steps.append(RefundStep(until=until, refund_percent=share))
    fee = _or_zero(r.decimal(doc, "fee", path, required=False))
    return CancellationPolicy(steps=tuple(steps), fee=fee)


def _badge_stock(r: DocumentReader, doc: Mapping[str, Any]) -> str:
    badge = doc.get("badge") or {}
    stock = badge.get("stock", BADGE_STOCKS[0]) if isinstance(badge, Mapping) else None
    if stock not in BADGE_STOCKS:
        r.problem("badge.stock", f"must be one of {', '.join(BADGE_STOCKS)}")
        return BADGE_STOCKS[0]
    return str(stock)


def _or_zero(value: Decimal | None) -> Decimal:
    """A placeholder for a value already reported as a problem (or legitimately absent)."""
    return value if value is not None else Decimal(0)


def _taxes(r: DocumentReader, doc: Mapping[str, Any]) -> tuple[TaxRate, ...] | None:
    if doc.get("taxes") is None:
        return None
    try:
        return parse_tax_rates(doc["taxes"])
    except (KeyError, TypeError, ValueError) as error:
        r.problem("taxes", f"is not a valid list of tax rates ({error})")
        return None


