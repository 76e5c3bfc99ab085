"""A declined card in the page's language: Stripe's decline codes to messages of ours.

Stripe's own `user_message` is English (the JSON API keeps it); pages, the card script and
the history show these instead, keyed by Stripe's `decline_code` or error `code`, or by the
English message Stripe sent when only that was recorded.
"""

from __future__ import annotations

from registration.web.common.i18n import N_, gettext

DECLINED = N_("Your card was declined. Try another card or contact your bank.")
DECLINES = {
    "card_declined": DECLINED,
    "generic_decline": DECLINED,
    "do_not_honor": DECLINED,
    "insufficient_funds": N_("Your card has insufficient funds. Try another card."),
    "expired_card": N_("Your card has expired. Check the expiry date or use another card."),
    "incorrect_cvc": N_("Your card's security code is incorrect."),
    "invalid_cvc": N_("Your card's security code is incorrect."),
    "incorrect_number": N_("Your card number is incorrect."),
    "invalid_number": N_("Your card number is incorrect."),
    "invalid_expiry_month": N_("Your card's expiry month is invalid."),
    "invalid_expiry_year": N_("Your card's expiry year is invalid."),
    "processing_error": N_("An error occurred while processing your card. Please try again "
                           "in a moment."),
    "lost_card": DECLINED,
    "stolen_card": DECLINED,
    "fraudulent": DECLINED,
    "card_velocity_exceeded": N_("Your card's limit has been reached. Try another card."),
    "authentication_required": N_("Your bank asks to confirm this payment; please try again "
                                  "and follow its instructions."),
}
# Stripe's English user messages, for what was recorded as a message only.
STRIPE_MESSAGES = {
    "Your card was declined.": "card_declined",
    "The card was declined.": "card_declined",
    "Your card has insufficient funds.": "insufficient_funds",
    "Your card has expired.": "expired_card",
    "Your card's security code is incorrect.": "incorrect_cvc",
    "Your card number is incorrect.": "incorrect_number",
    "An error occurred while processing your card. Try again in a little bit.":
        "processing_error",
}


def decline_message(reason: str | None = None, message: str | None = None) -> str:
    """Why the card was declined, in the page's language (a generic decline if unknown)."""
    code = reason if reason in DECLINES else STRIPE_MESSAGES.get(message or "", "")
    return gettext(DECLINES.get(code, DECLINED))


def decline_messages() -> dict[str, str]:
    """Every decline message, translated, for the card script (keyed by code)."""
    return {code: gettext(message) for code, message in DECLINES.items()} | {
        "": gettext(DECLINED)}
