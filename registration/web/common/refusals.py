"""What a domain refusal says on a page, in the page's language, keyed by its stable `code`.

The JSON API keeps the domain's English message; pages show these translations, or the
domain's message for a code without one (such as the generic `invalid` with its specifics).
"""

from __future__ import annotations

import re

from domain.errors import DomainError, Invalid, NotFound, Refused
from domain.text import TextRefused
from registration.web.common.i18n import N_, gettext
from registration.web.common.text_fields import translate_refusal

# code -> (the form field it belongs beside, "" for the whole form; what it says)
REFUSALS = {
    "duplicate_email": ("email", N_("This e-mail address is already registered for this "
                                     "edition.")),
    "code_invalid": ("discount_code", N_("This discount code is unknown, expired or not valid "
                                         "for this registration type.")),
    "code_exhausted": ("discount_code", N_("This discount code has been used up.")),
    "sold_out": ("registration_type", N_("There are no places left for this registration "
                                         "type.")),
    "access_code_required": ("access_code", N_("This registration type is by invitation: "
                                               "enter the access code you received.")),
    "access_code_invalid": ("access_code", N_("This access code is unknown or does not open "
                                              "this registration type.")),
    "access_code_exhausted": ("access_code", N_("This access code has already been used as "
                                                "many times as it may be.")),
    "allotment_exhausted": ("delegation", N_("This delegation has no places left.")),
    "unknown_delegation": ("delegation", N_("Choose a delegation from the list.")),
    "unknown_registration_type": ("registration_type", N_("Choose a registration type.")),
    "registration_closed": ("", N_("Registration is not open for this edition.")),
    "already_cancelled": ("", N_("This registration is cancelled.")),
    "already_paid": ("", N_("This registration is already paid.")),
    "already_invoiced": ("", N_("This registration is already billed by an invoice that is "
                                "still open.")),
    "invoices_not_offered": ("", N_("This edition does not send invoices on request; please "
                                    "pay by card.")),
    "missing_tax_number": ("", N_("A Canadian invoice of $100 or more must show the issuer's "
                                  "tax numbers.")),
    "not_creditable": ("", N_("Nothing on this invoice is left to credit.")),
    "badge_replaced": ("", N_("Badge replaced: the place was handed to someone else.")),
    "reference_used": ("reference", N_("A payment with this reference is already recorded.")),
    "more_than_due": ("amount", N_("This is more than what is due.")),
    "received_in_future": ("received_on", N_("The day the money was received cannot be later "
                                             "than today.")),
    "received_long_before_issue": ("received_on", N_("The day the money was received is more "
                                                     "than 90 days before the invoice was "
                                                     "issued: check the date.")),
    "awaiting_approval": ("", N_("This registration is awaiting the organisers' approval: it "
                                 "cannot be paid, invoiced, printed or checked in yet.")),
    "not_awaiting_approval": ("", N_("This registration is not awaiting approval (any more).")),
    "more_than_paid": ("amount", N_("This is more than what was paid and not yet refunded.")),
    "reason_required": ("reason", N_("Say why: the reason is kept in the history.")),
    "nothing_changed": ("registration_type", N_("Choose another registration type or "
                                                "delegation.")),
    "conflict": ("", N_("Someone else changed this at the same moment; please try again.")),
    "places_available": ("registration_type", N_("There are places left for this choice: "
                                                 "register instead of waiting.")),
    "not_offered": ("", N_("This waiting-list offer is no longer in force: its places were "
                           "registered, or its time has passed.")),
    "not_waiting": ("", N_("This entry is no longer on the waiting list.")),
    "already_waiting": ("", N_("This e-mail address is already on this waiting list: we "
                                    "e-mailed it the entry's link. Lost it? Ask for it again.")),
    "extra_sold_out": ("extras", N_("Not enough of this add-on is left: choose fewer, or "
                                    "none.")),
    "extra_not_offered": ("extras", N_("This add-on is not offered with this registration "
                                       "type, or not that many.")),
    "amount_not_positive": ("amount", N_("Enter an amount above zero.")),
    "nothing_to_bill": ("", N_("This registration costs nothing: there is nothing to bill.")),
    "unknown_registration": ("registrations", N_("A ticked registration is not one of this "
                                                 "edition's.")),
    "period_out_of_range": ("to", N_("Choose days from 1 January 2000 to 31 December 2099.")),
}


# Refusals whose message names something: the pattern of the domain's English, and ours.
NAMED = (
    (re.compile(r"^There is no edition '(?P<slug>[^']*)'\.$"),
     N_("There is no edition “%(slug)s”.")),
    (re.compile(r"^There is no invoice (?P<number>\S+)\.$"),
     N_("There is no invoice %(number)s.")),
    (re.compile(r"(?i)^No registration with id \S+\.$"),
     N_("There is no registration at this address.")),
)
# What a page says for a refusal it has no words of its own for, by kind.
NOT_FOUND = N_("Nothing was found at this address.")
REFUSED = N_("This cannot be done now.")
INVALID = N_("This request is not valid: check what you entered.")


def refusal_field(error: DomainError) -> str:
    """The form field the refusal belongs beside ("" for the whole form)."""
    return REFUSALS.get(error.code, ("", ""))[0]


def refusal_message(error: DomainError) -> str:
    """The refusal in the page's language (the domain's English message if untranslated)."""
    if isinstance(error, TextRefused):
        return translate_refusal(error)
    message = REFUSALS.get(error.code, ("", ""))[1]
    if message:
        return gettext(message)
    for pattern, named in NAMED:
        found = pattern.match(error.message)
        if found:
            return gettext(named) % found.groupdict()
    if gettext(NOT_FOUND) == NOT_FOUND:  # English pages keep the domain's own words
        return error.message
    if isinstance(error, NotFound):
        return gettext(NOT_FOUND)
    if isinstance(error, Refused):
        return gettext(REFUSED)
    if isinstance(error, Invalid):
        return gettext(INVALID)
    return error.message
