"""The edition's add-ons on the forms (domain.extras): offering them, reading how many.

A form field is named `extra-<code>` (in the group form, after the row's prefix), a
number from 0 to what one registration may buy.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from domain.availability import Availability
from domain.edition_config import EditionConfig
from domain.money import Money
from registration.projections.attendance import RegistrationRow
from registration.web.common.i18n import current_language, gettext

PREFIX = "extra-"


def field_name(code: str) -> str:
    return PREFIX + code


def extra_offers(config: EditionConfig, left: Availability) -> list[dict[str, Any]]:
    """Each add-on with its name, price before tax, what is left (None: unlimited) and
    the most one registration may buy, in the page's language."""
    language = current_language()
    offers = []
    for e in config.extras:
        units_left = left.extra_left(e.code)
        offers.append({
            "code": e.code, "field": field_name(e.code), "name": e.name(language),
            "price": Money(e.prices[config.currency], config.currency), "left": units_left,
            "most": e.max_per_registration if units_left is None else
            min(e.max_per_registration, units_left),
            "asked_of": sorted(e.registration_types) if e.registration_types is not None
            else None})
    return offers


def form_extras(config: EditionConfig, type_code: str, form: Mapping[str, str],
                prefix: str = "") -> tuple[dict[str, int], dict[str, str]]:
    """How many of each add-on offered with `type_code` the form asks for (others are
    ignored: the form shows every add-on, the type chosen decides which count), and what
    is wrong with a field, beside it (keyed by the field's name without `prefix`)."""
    chosen: dict[str, int] = {}
    errors: dict[str, str] = {}
    for extra in config.extras_for(type_code):
        raw = (form.get(prefix + field_name(extra.code)) or "").strip()
        if not raw:
            continue
        if not (raw.isascii() and raw.isdigit()) or int(raw) > extra.max_per_registration:
            errors[field_name(extra.code)] = gettext(
                "Choose a number from 0 to %(num)d.") % {"num": extra.max_per_registration}
        elif int(raw):
            chosen[extra.code] = int(raw)
    return chosen, errors


def bought_extras(row: RegistrationRow) -> dict[str, int]:
    """What the read model says a place bought: add-on code -> how many."""
    return json.loads(row.extras)

