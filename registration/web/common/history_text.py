"""A registration's events as sentences: "Details corrected: job title → Director".

Staff read every entry; the holder reads the entries `services.history.for_holder` left
them, where earlier holders, staff names and Stripe ids are gone ("the previous holder",
"the organiser").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from domain.actor import BY_KIOSK, Actor
from domain.edition_config import EditionConfig
from domain.money import Money
from registration.services.history import HistoryEntry
from registration.web.common.declines import decline_message
from registration.web.common.i18n import N_, day, gettext, money, time_of_day
from registration.web.common.pages import display_name, list_name

FIELD_LABELS = {
    "first_name": N_("first name"), "last_name": N_("last name"), "email": N_("e-mail"),
    "organisation": N_("organisation"), "job_title": N_("job title"),
    "language": N_("language"), "phone": N_("phone"),
}
METHODS = {"card": N_("card"), "bank_transfer": N_("bank transfer"), "cheque": N_("cheque"),
           "card_terminal": N_("card terminal at the desk"), "cash": N_("cash")}


JOB_NAMES = {"mailer": N_("the mailer"), "payment-deadlines": N_("the payment deadlines"),
             "waiting-list": N_("the waiting list"),
             "rehearsal-clock": N_("the rehearsal clock"),
             "demo-seed": N_("the demo data"), "command-line": N_("the command line"),
             "tests": N_("the tests"), "benchmark": N_("a benchmark")}
ROLE_NAMES = {"admin": N_("Administrator"), "finance": N_("Finance"),
              "desk": N_("Registration desk")}


def _registered(data: dict[str, Any], config: EditionConfig) -> str:
    values = {"type": display_name(config, "type", data["registration_type"]),
              "total": money(Money.from_dict(data["total"]))}
    if not data.get("delegation"):
        return gettext("Registered as %(type)s — %(total)s") % values
    values["delegation"] = display_name(config, "delegation", data["delegation"])
    return gettext("Registered as %(type)s for the %(delegation)s delegation — %(total)s") % values


def _because(sentence: str, data: dict[str, Any]) -> str:
    """The sentence, and staff's reason when they gave one."""
    if not data.get("reason"):
        return sentence
    return gettext("%(sentence)s — reason: %(reason)s") % {"sentence": sentence,
                                                          "reason": data["reason"]}


def _person(attendee: dict[str, Any]) -> str:
    return f"{attendee.get('first_name', '')} {attendee.get('last_name', '')}".strip()


def _corrected(data: dict[str, Any], config: EditionConfig) -> str:
    if data["changes"] is None:
        return gettext("Details of the previous holder corrected")
    changes = ", ".join(f"{gettext(FIELD_LABELS.get(k, k))} → {v or '—'}"
                        for k, v in data["changes"].items())
    return _because(gettext("Details corrected: %(changes)s") % {"changes": changes}, data)


def _substituted(data: dict[str, Any], config: EditionConfig) -> str:
    earlier = gettext("the previous holder")
    return _because(gettext("Place handed from %(previous)s to %(person)s") % {
        "previous": _person(data["previous"]) if data["previous"] else earlier,
        "person": _person(data["attendee"]) if data["attendee"] else earlier}, data)


def _cancelled(data: dict[str, Any], config: EditionConfig) -> str:
    amount = money(Money.from_dict(data["refund_owed"]))
    if data.get("fee_waived"):
        sentence = gettext("Cancelled, fee waived: refund owed %(amount)s")
    else:
        sentence = gettext("Cancelled: refund owed %(amount)s")
    return _because(sentence % {"amount": amount}, data)


def _place_changed(data: dict[str, Any], config: EditionConfig) -> str:
    def place(type_code: str, delegation: str | None) -> str:
        name = display_name(config, "type", type_code)
        if not delegation:
            return gettext("%(type)s, no delegation") % {"type": name}
        return gettext("%(type)s, %(delegation)s delegation") % {
            "type": name, "delegation": display_name(config, "delegation", delegation)}

    sentence = gettext("Type or delegation changed: %(before)s → %(after)s — new total %(total)s")
    return _because(sentence % {
        "before": place(data["previous_type"], data["previous_delegation"]),
        "after": place(data["registration_type"], data["delegation"]),
        "total": money(Money.from_dict(data["total"]))}, data)


def _expired(data: dict[str, Any], config: EditionConfig) -> str:
    return gettext("Place released: not paid by %(day)s") % {
        "day": day(datetime.fromisoformat(data["deadline"]), "long", config.zone)}


def _payment(data: dict[str, Any], config: EditionConfig) -> str:
    return gettext("Payment received: %(amount)s by %(method)s (%(reference)s)") % {
        "amount": money(Money.from_dict(data["amount"])),
        "method": gettext(METHODS.get(data["method"], data["method"])),
        "reference": data["reference"]}


def _payment_failed(data: dict[str, Any], config: EditionConfig) -> str:
    return gettext("Payment failed: %(message)s") % {
        "message": decline_message(data.get("reason"), data.get("message"))}


def _refund(data: dict[str, Any], config: EditionConfig) -> str:
    values = {"amount": money(Money.from_dict(data["amount"])),
              "reference": data["reference"]}
    if data.get("method", "card") == "card":
        return gettext("Refund issued: %(amount)s (%(reference)s)") % values
    values["method"] = gettext(METHODS.get(data["method"], data["method"]))
    sentence = gettext("Refund sent by hand (%(method)s): %(amount)s (%(reference)s)")
    return _because(sentence % values, data)


def _badge(data: dict[str, Any], config: EditionConfig) -> str:
    if "printed_by" not in data:
        return gettext("Badge printed")
    if data["printed_by"] == BY_KIOSK:
        return gettext("Badge printed at the self-service kiosk")
    return gettext("Badge printed by %(name)s") % {"name": data["printed_by"]}


def _checked_in(data: dict[str, Any], config: EditionConfig) -> str:
    names = {"list": list_name(config, data["list"]), "name": data.get("by")}
    if data["direction"] == "exit":
        return (gettext("Out (%(list)s), scanned by %(name)s") if "by" in data
                else gettext("Out (%(list)s)")) % names
    return (gettext("Checked in (%(list)s) by %(name)s") if "by" in data
            else gettext("Checked in (%(list)s)")) % names


def _check_in_conflicted(data: dict[str, Any], config: EditionConfig) -> str:
    """A scan made offline that another device's scan contradicts (domain.offline_scans)."""
    names = {"list": list_name(config, data["list"]),
             "time": time_of_day(datetime.fromisoformat(data["at"]), config.zone)}
    if data["reason"] == "entered_elsewhere":
        return gettext("Conflict (%(list)s): entry scanned offline at %(time)s on another "
                       "device while already inside; not counted twice") % names
    if data["reason"] == "not_inside":
        return gettext("Conflict (%(list)s): exit scanned offline at %(time)s for someone not "
                       "inside; not recorded") % names
    return gettext("Conflict (%(list)s): scan made offline at %(time)s, older than one "
                   "recorded since on another device; not applied") % names


def _payment_requested(data: dict[str, Any], config: EditionConfig) -> str:
    return gettext("Card payment opened: %(amount)s") % {
        "amount": money(Money.from_dict(data["amount"]))}


def _invoiced(data: dict[str, Any], config: EditionConfig) -> str:
    return gettext("Invoice %(number)s issued: %(amount)s") % {
        "number": data["invoice_number"],
        "amount": money(Money.from_dict(data["amount"]))}


def _invoice_cancelled(data: dict[str, Any], config: EditionConfig) -> str:
    return gettext("Invoice %(number)s cancelled by a credit note: %(amount)s") % {
        "number": data["invoice_number"],
        "amount": money(Money.from_dict(data["total"]))}


def _invoice_adjusted(data: dict[str, Any], config: EditionConfig) -> str:
    if data["kind"] == "invoice":
        sentence = gettext("Supplementary invoice %(number)s issued for the new type or "
                           "delegation (invoice %(refers)s): %(amount)s — new total %(total)s")
    else:
        sentence = gettext("Credit note %(number)s issued for the new type or delegation "
                           "(invoice %(refers)s): %(amount)s — new total %(total)s")
    return sentence % {  # (the reason is the place change's, told just before)
        "number": data["document_number"], "refers": data["refers_to_number"],
        "amount": money(Money.from_dict(data["amount"])),
        "total": money(Money.from_dict(data["total"]))}


def _link_renewed(data: dict[str, Any], config: EditionConfig) -> str:
    if data.get("reason") == "substituted":
        return gettext("New manage link e-mailed to the new holder (the earlier one ended)")
    if data.get("reason") == "lead_asked":
        return gettext("Manage link e-mailed at the delegation lead's request, to complete "
                       "the details (the earlier one ended)")
    return gettext("Manage link sent again on request (the earlier one ended)")


def _answers(data: dict[str, Any], config: EditionConfig) -> str:
    return gettext("Answers to the questions recorded")


def _approval_asked(data: dict[str, Any], config: EditionConfig) -> str:
    return gettext("Awaiting the organisers' approval")


def _approved(data: dict[str, Any], config: EditionConfig) -> str:
    note = data.get("note")
    return gettext("Approved by the organisers: %(note)s") % {"note": note} if note else \
        gettext("Approved by the organisers")


def _not_approved(data: dict[str, Any], config: EditionConfig) -> str:
    return gettext("Not approved by the organisers: %(reason)s") % {"reason": data["reason"]}


SENTENCES: dict[str, Callable[[dict[str, Any], EditionConfig], str]] = {
    "Registered": _registered, "DetailsCorrected": _corrected, "Substituted": _substituted,
    "Cancelled": _cancelled, "Expired": _expired, "PaymentReceived": _payment,
    "PaymentFailed": _payment_failed,
    "RefundIssued": _refund, "BadgePrinted": _badge, "CheckedIn": _checked_in,
    "CheckInConflicted": _check_in_conflicted,
    "ManageLinkRenewed": _link_renewed, "PaymentRequested": _payment_requested,
    "Invoiced": _invoiced, "InvoiceCancelled": _invoice_cancelled, "AnswersGiven": _answers,
    "ApprovalAsked": _approval_asked, "Approved": _approved, "NotApproved": _not_approved,
    "PlaceChanged": _place_changed, "InvoiceAdjusted": _invoice_adjusted,
}


UNNAMED = N_("Change recorded")


def describe(item: HistoryEntry, config: EditionConfig) -> str:
    """One history entry (from RegistrationService.history) as a sentence."""
    sentence = SENTENCES.get(item.event)
    if sentence is None:  # an event added later: its name, in words (English pages only)
        if gettext(UNNAMED) != UNNAMED:
            return gettext(UNNAMED)
        return re.sub(r"(?<!^)(?=[A-Z])", " ", item.event).capitalize()
    return sentence(item.details, config)


def who(actor: Actor) -> str:
    """Who did it, as the history page says it."""
    if actor.kind == "staff" and actor.name is None:  # as the holder sees staff
        return gettext("the organiser")
    if actor.kind == "staff":
        role = ROLE_NAMES.get(actor.role or "", actor.role or "")
        return gettext("%(name)s (%(role)s)") % {"name": actor.name, "role": gettext(role)}
    if actor.kind == "attendee":
        return gettext("the attendee") if actor.id else gettext("the attendee, registering")
    if actor.kind == "kiosk":
        return gettext("the self-service kiosk")
    if actor.kind == "stripe":
        return gettext("Stripe")
    if actor.kind == "system":
        job = gettext(JOB_NAMES.get(actor.id or "", N_("the system")))
        return f"{job} ({actor.name})" if actor.name else job
    return gettext("not recorded")
