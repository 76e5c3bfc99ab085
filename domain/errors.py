"""The domain's refusals.

Each carries a machine `code` and a human `message`. Three families let the web layer map them
in one place without knowing every error: `Refused` (a business rule says no: HTTP 409),
`Invalid` (the request names something that is wrong or unknown: 422) and `NotFound` (404);
besides them, `WrongToken` (a manage token that does not open the registration: 403).
"""

from __future__ import annotations

from collections.abc import Sequence


class DomainError(Exception):
    code: str = "domain_error"
    default_message: str = "The request cannot be carried out."

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


class Refused(DomainError):
    code = "refused"
    default_message = "The request was refused."


class Invalid(DomainError):
    code = "invalid"
    default_message = "The request is not valid."


class NotFound(DomainError):
    code = "not_found"
    default_message = "Not found."


class RegistrationClosed(Refused):
    code = "registration_closed"
    default_message = "Registration is not open."


class SoldOut(Refused):
    code = "sold_out"
    default_message = "There are no places left."


class CodeExhausted(Refused):
    code = "code_exhausted"
    default_message = "This discount code has been used as many times as it may be."


class AccessCodeRequired(Refused):
    code = "access_code_required"
    default_message = "This registration type is by invitation: an access code is needed."


class AccessCodeInvalid(Invalid):
    code = "access_code_invalid"
    default_message = "This access code is unknown or not valid for this registration."


class AccessCodeExhausted(Refused):
    code = "access_code_exhausted"
    default_message = "This access code has been used as many times as it may be."


class DuplicateEmail(Refused):
    code = "duplicate_email"
    default_message = "Someone is already registered with this e-mail address."


class AllotmentExhausted(Refused):
    code = "allotment_exhausted"
    default_message = "The delegation's reserved places are all taken."


class AlreadyCancelled(Refused):
    code = "already_cancelled"
    default_message = "This registration is already cancelled."


class AwaitingApproval(Refused):
    code = "awaiting_approval"
    default_message = ("This registration is awaiting the organisers' approval: it cannot be "
                       "paid, invoiced, printed or checked in yet.")


class NotAwaitingApproval(Refused):
    code = "not_awaiting_approval"
    default_message = "This registration is not awaiting approval."


class AlreadyPaid(Refused):
    code = "already_paid"
    default_message = "This registration is already paid."


class AlreadyInvoiced(Refused):
    code = "already_invoiced"
    default_message = "This registration is already billed by a live invoice."


class NothingToBill(Refused):
    code = "nothing_to_bill"
    default_message = "This registration costs nothing: there is nothing to bill."


class ReferenceAlreadyUsed(Refused):
    code = "reference_used"
    default_message = "A payment with this reference is already recorded."


class MoreThanDue(Refused):
    code = "more_than_due"
    default_message = "This is more than what is due."


class NothingChanged(Invalid):
    code = "nothing_changed"
    default_message = "Choose another registration type or delegation."


class ReasonRequired(Invalid):
    code = "reason_required"
    default_message = "Say why (the reason is kept in the history)."


class MoreThanPaid(MoreThanDue):
    code = "more_than_paid"
    default_message = "This is more than what was paid and not yet refunded."


class Conflict(Refused):
    code = "conflict"
    default_message = "This cannot be done in the current state."


class CodeInvalid(Invalid):
    code = "code_invalid"
    default_message = "This discount code is unknown, expired or not valid for this registration."


class UnknownDelegation(Invalid):
    code = "unknown_delegation"
    default_message = "There is no such delegation."


class UnknownRegistrationType(Invalid):
    code = "unknown_registration_type"
    default_message = "There is no such registration type."


class InvoicesNotOffered(Refused):
    code = "invoices_not_offered"
    default_message = "This edition does not offer invoices on request; please pay by card."


class InvalidEdition(Invalid):
    code = "invalid_edition"
    default_message = "The edition is not valid."

    def __init__(self, message: str | None = None, problems: Sequence[str] = ()) -> None:
        self.problems = list(problems)
        super().__init__(message or "; ".join(self.problems) or None)


class WrongToken(DomainError):
    code = "wrong_token"
    default_message = "This token does not give access to this registration."


class UnknownCheckinCode(NotFound):
    code = "unknown_checkin_code"
    default_message = "This code is not a badge of this edition."


class MistypedCheckinCode(UnknownCheckinCode):
    """A typed code with characters no badge code uses: no badge has it (404), with a hint."""

    code = "mistyped_checkin_code"

    default_message = ("Unknown code: badge codes never use O, I, L, S, Z, B, 0, 1, 2, 5 "
                       "or 8. Check the code printed under the QR code.")


class BadgeReplaced(Refused):
    code = "badge_replaced"
    default_message = "This badge was replaced: the place was handed to someone else."


class NothingToPrint(Invalid):
    code = "no_badges_to_print"
    default_message = "No badge to print with these filters."


class NotOnList(Refused):
    """The person is not admitted to this check-in list (their type, or not its day)."""

    code = "not_on_list"
    default_message = "This person is not admitted to this check-in list."

    def __init__(self, message: str | None = None, reason: str = "type") -> None:
        super().__init__(message)
        self.reason = reason  # "type" (not among the list's types) or "day" (not its day)


class NotInside(Refused):
    """An exit scanned for someone whose entry was never scanned on this list."""

    code = "not_inside"
    default_message = "No entry was scanned for this person on this list: exit not recorded."


class UnknownCheckinList(NotFound):
    code = "unknown_checkin_list"
    default_message = "This edition has no such check-in list."


class PlacesAvailable(Refused):
    code = "places_available"
    default_message = "There are places left for this choice: register instead of waiting."


class NotOffered(Refused):
    code = "not_offered"
    default_message = "This waiting-list entry has no offer in force (not yet, or no longer)."


class AlreadyWaiting(Refused):
    code = "already_waiting"
    default_message = ("This e-mail address is already on this waiting list: the entry's link "
                       "was e-mailed to it. Ask for the link again if it was lost.")


class NotWaiting(Refused):
    code = "not_waiting"
    default_message = "This waiting-list entry is no longer on the list."


class ExtraNotOffered(Invalid):
    """An add-on the edition does not have, not offered to this type, or more of it than
    one registration may buy (domain.extras)."""

    code = "extra_not_offered"
    default_message = "This add-on is not offered with this registration, or not that many."


class ExtraSoldOut(Refused):
    code = "extra_sold_out"
    default_message = "This add-on is sold out."


class ReceivedInFuture(Invalid):
    code = "received_in_future"
    default_message = "The day the money was received cannot be later than today."


class ReceivedLongBeforeIssue(Invalid):
    code = "received_long_before_issue"
    default_message = ("The day the money was received is more than 90 days before the "
                       "invoice was issued: check the date.")
