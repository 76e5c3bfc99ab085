"""The card processor, seen through the real `stripe` SDK (Stripe, or localstripe on loopback).

Everything Stripe-specific stays here: amounts in minor units, idempotency keys, the SDK's
errors. Callers get small immutable views and two kinds of failure: `CardDeclined` (the
card said no: show the message) and `GatewayUnavailable` (Stripe is down, slow or broken:
nothing was decided, try again later).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import stripe

from domain.payment import from_minor_units
from domain.reconciliation import ProcessorMovement

REAL_STRIPE_API = "https://api.stripe.com"
REAL_STRIPE_JS = "https://js.stripe.com/v3/"
T = TypeVar("T")


class GatewayUnavailable(Exception):
    """Stripe could not be reached or answered with an error we cannot act on."""

    def __init__(self, message: str, status: int = 503) -> None:
        super().__init__(message)
        self.message, self.status = message, status


class CardTokenRefused(Exception):
    """Stripe knows no card by this token (a garbled or made-up one): the client's mistake."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CardDeclined(Exception):
    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message, self.code = message, code or "card_declined"


@dataclass(frozen=True)
class Intent:
    id: str
    status: str
    amount: int  # minor units
    currency: str  # upper case, as the domain writes it
    client_secret: str
    metadata: dict[str, str]
    failure: dict[str, str] | None  # Stripe's last_payment_error: charge, code, message
    charge_id: str | None

    @property
    def succeeded(self) -> bool:
        return self.status == "succeeded"

    @property
    def open(self) -> bool:
        return self.status in {"requires_payment_method", "requires_confirmation",
                               "requires_action"}


@dataclass(frozen=True)
class Refund:
    id: str
    amount: int
    currency: str
    status: str
    metadata: dict[str, str]


def _plain(value: Any) -> Any:
    return value.to_dict() if hasattr(value, "to_dict") else value


def _intent(obj: Any) -> Intent:
    data = _plain(obj)
    charge = data.get("latest_charge")
    failure = data.get("last_payment_error")
    return Intent(
        id=data["id"], status=data["status"], amount=int(data["amount"]),
        currency=str(data["currency"]).upper(), client_secret=data.get("client_secret") or "",
        metadata=dict(data.get("metadata") or {}),
        failure={k: str(v) for k, v in failure.items() if v is not None} if failure else None,
        charge_id=charge.get("id") if isinstance(charge, dict) else charge,
    )


def _refund(obj: Any) -> Refund:
    data = _plain(obj)
    return Refund(id=data["id"], amount=int(data["amount"]),
                  currency=str(data["currency"]).upper(), status=data.get("status") or "",
                  metadata=dict(data.get("metadata") or {}))


class StripeGateway:
    def __init__(self, secret_key: str, api_base: str, publishable_key: str,
                 timeout: float = 5.0) -> None:
        self.api_base = api_base.rstrip("/")
        self.publishable_key = publishable_key
        self.http = stripe.RequestsClient(timeout=timeout)
        self.client = stripe.StripeClient(
            secret_key, base_addresses={"api": self.api_base}, max_network_retries=0,
            http_client=self.http,
        )

    def close(self) -> None:
        """Close the connections kept open to the processor."""
        self.http.close()

    @property
    def js_url(self) -> str:
        """Stripe.js: the real one for real Stripe, localstripe's stand-in otherwise."""
        if self.api_base == REAL_STRIPE_API:
            return REAL_STRIPE_JS
        return f"{self.api_base}/js.stripe.com/v3/"

    def _call(self, what: str, request: Callable[[], T]) -> T:
        try:
            return request()
        except stripe.CardError as error:
            decline = getattr(getattr(error, "error", None), "decline_code", None)
            raise CardDeclined(error.user_message or "The card was declined.",
                               decline or error.code) from error
        except (stripe.APIConnectionError, stripe.RateLimitError) as error:
            raise GatewayUnavailable(
                f"The card payment service is not reachable ({what}); nothing was charged "
                "or recorded. Please try again in a minute.") from error
        except stripe.StripeError as error:
            raise GatewayUnavailable(
                f"The card payment service refused to {what}: {error.user_message or error}",
                status=502) from error

    def create_intent(self, amount: int, currency: str, metadata: Mapping[str, str],
                      idempotency_key: str) -> Intent:
        params: Any = {"amount": amount, "currency": currency.lower(),
                       "metadata": dict(metadata)}
        return _intent(self._call("open a payment", lambda: self.client.v1.payment_intents.create(
            params=params, options={"idempotency_key": idempotency_key})))

    def intent(self, intent_id: str) -> Intent:
        return _intent(self._call("read a payment", lambda:
                                  self.client.v1.payment_intents.retrieve(intent_id)))

    def cancel_intent(self, intent_id: str) -> Intent:
        return _intent(self._call("cancel a payment", lambda:
                                  self.client.v1.payment_intents.cancel(intent_id)))

    def pay_with_token(self, intent_id: str, token: str, email: str) -> Intent:
        """Attach the card a Stripe.js token stands for, then confirm on the server.

        The card is saved on a customer first: that is where Stripe checks it (and where a
        card that is always declined, 4000 0000 0000 0002, is refused).
        """
        customer = self._call("record the card holder", lambda: self.client.v1.customers.create(
            params={"email": email, "metadata": {"payment_intent": intent_id}},
            options={"idempotency_key": f"customer-{intent_id}-{token}"}))

        def check_card() -> Any:
            try:
                return self.client.v1.customers.payment_sources.create(
                    customer.id, params={"source": token},
                    options={"idempotency_key": f"card-{token}"})
            except stripe.InvalidRequestError as error:
                raise CardTokenRefused("Stripe knows no card by this token: make one with "
                                       "Stripe.js (stripe.createToken).") from error

        card = self._call("check the card", check_card)
        self._call("attach the card", lambda: self.client.v1.payment_intents.update(
            intent_id, params={"customer": customer.id, "payment_method": card.id}))
        return _intent(self._call("confirm the payment", lambda:
                                  self.client.v1.payment_intents.confirm(intent_id)))

    def refund(self, intent_id: str, amount: int, metadata: Mapping[str, str],
               idempotency_key: str) -> Refund:
        """Refund part of a payment, unless a refund with this key was already made."""
        for existing in self.refunds(intent_id):
            if existing.metadata.get("refund_key") == idempotency_key:
                return existing
        params: Any = {"payment_intent": intent_id, "amount": amount,
                       "metadata": {**metadata, "refund_key": idempotency_key}}
        return _refund(self._call("send a refund", lambda: self.client.v1.refunds.create(
            params=params, options={"idempotency_key": idempotency_key})))

    def balance_transactions(self, since: datetime, until: datetime) -> list[ProcessorMovement]:
        """The account's charges and refunds from `since` to `until`, newest first.

        Stripe lists them newest first; paging stops at the first one before `since`. (No
        `created` filter is sent: localstripe refuses it; real Stripe would page less.)
        """

        def read() -> list[ProcessorMovement]:
            found = []
            listing = self.client.v1.balance_transactions.list(params={"limit": 100})
            for item in listing.auto_paging_iter():
                data = _plain(item)
                at = datetime.fromtimestamp(int(data["created"]), UTC)
                if at < since:
                    break
                if at < until and data.get("type") in ("charge", "payment", "refund"):
                    found.append(ProcessorMovement(
                        id=data["id"], source=str(data["source"]), at=at,
                        amount=from_minor_units(int(data["amount"]),
                                                str(data["currency"]).upper())))
            return found

        return self._call("read the balance", read)

    def refunds(self, intent_id: str) -> list[Refund]:
        page = self._call("read refunds", lambda: self.client.v1.refunds.list(
            params={"payment_intent": intent_id, "limit": 100}))
        return [_refund(item) for item in page.data]
