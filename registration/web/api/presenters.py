"""How the API shows editions, quotes and registrations, amounts as strings with currency."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.availability import Availability
from domain.edition_config import EditionConfig
from domain.policy import CancellationTerms
from domain.pricing import PriceQuote, RegistrationType
from registration.services.views import RegistrationView


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def quote_json(quote: PriceQuote) -> dict[str, Any]:
    return {
        "registration_type": quote.registration_type,
        "tier": quote.tier,
        "currency": quote.currency,
        "list_price": str(quote.list_price.amount),
        "early_bird_applied": quote.early_bird_applied,
        "early_bird_until": iso(quote.early_bird_until),
        "early_bird_discount": str(quote.early_bird_discount.amount),
        "discount_code": quote.code,
        "code_discount": str(quote.code_discount.amount),
        "subtotal": str(quote.subtotal.amount),
        "extras": [
            {"code": line.code, "name": line.name("en"), "quantity": line.quantity,
             "unit_price": str(line.unit_price.amount), "amount": str(line.amount.amount),
             "total": str(line.total.amount)}
            for line in quote.extras
        ],
        "before_tax": str(quote.before_tax.amount),
        "taxes": [
            {"code": line.code, "name": line.name("en"), "rate": str(line.rate),
             "base": str(line.base.amount), "amount": str(line.amount.amount),
             "registration_number": line.registration_number}
            for line in quote.all_tax_lines
        ],
        "tax_total": str((quote.total - quote.before_tax).amount),
        "total": str(quote.total.amount),
        "quoted_at": iso(quote.quoted_at),
    }


def terms_json(terms: CancellationTerms) -> dict[str, Any]:
    return {
        "refund_percent": str(terms.refund_percent),
        "retained": str(terms.retained.amount),
        "refund_owed": str(terms.refund_owed.amount),
        "currency": terms.refund_owed.currency,
    }


def registration_json(registration: RegistrationView) -> dict[str, Any]:
    return {
        "id": str(registration.id),
        "edition": registration.edition.slug,
        "status": registration.status,
        "registration_type": registration.registration_type,
        "delegation": registration.delegation,
        "attendee": registration.attendee.to_dict(),
        "quote": quote_json(registration.quote),
        "paid": str(registration.paid.amount),
        "refunded": str(registration.refunded.amount),
        "balance_due": str(registration.balance_due.amount),
        "substitutions": registration.substitutions,
        "cancellation": terms_json(registration.cancellation) if registration.cancellation
        else None,
        "registered_at": iso(registration.registered_at),
        "updated_at": iso(registration.updated_at),
        "answers": dict(registration.answers),
        "unanswered": list(registration.unanswered),
    }


def edition_json(config: EditionConfig, now: datetime, left: Availability,
                 types: tuple[RegistrationType, ...]) -> dict[str, Any]:
    """The edition, with the places `left` per type and delegation (None: unlimited), and
    of its registration types those offered (`types`: invitation-only ones need a code)."""
    return {
        "slug": config.slug,
        "names": dict(config.names),
        "host": config.host,
        "venue": dict(config.venue),
        "starts_on": config.starts_on.isoformat(),
        "ends_on": config.ends_on.isoformat(),
        "time_zone": config.time_zone,
        "currency": config.currency,
        "languages": list(config.languages),
        "registration_opens": iso(config.registration_opens),
        "registration_closes": iso(config.registration_closes),
        "registration_open": config.is_open(now),
        "registration_types": [
            {
                "code": t.code, "names": dict(t.names), "capacity": t.capacity,
                "places_left": left.type_left(t.code), "color": t.color,
                "waiting_list_open": left.type_sold_out(t.code) and not t.by_invitation,
                "current_price": quote_json(config.quote(t.code, None, now)),
                "tiers": [{"name": tier.name, "price": str(tier.price),
                           "until": iso(tier.until), "early_bird": tier.early_bird}
                          for tier in t.tiers],
            }
            for t in types
        ],
        "delegations": [
            {"code": d.code, "names": dict(d.names), "kind": d.kind, "allotment": d.allotment,
             "places_left": left.delegation_left(d.code),
             "waiting_list_open": left.delegation_full(d.code)}
            for d in config.delegations
        ],
        "questions": [
            {"code": q.code, "kind": q.kind, "labels": dict(q.labels), "required": q.required,
             "options": [{"code": o.code, "labels": dict(o.labels)} for o in q.options],
             "registration_types": sorted(q.registration_types)}
            for q in config.questions
        ],
        "extras": [
            {"code": e.code, "names": dict(e.names), "price": str(e.prices[config.currency]),
             "capacity": e.capacity, "places_left": left.extra_left(e.code),
             "max_per_registration": e.max_per_registration,
             "registration_types": sorted(e.registration_types)
             if e.registration_types is not None else None}
            for e in config.extras
        ],
    }
