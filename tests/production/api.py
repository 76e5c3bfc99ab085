"""Talking to the production stack over HTTP as its clients do, and what they may expect.

The rule every scenario asserts: a client is never answered 404 or 409 (nor shown figures from
before) about something that has just succeeded. Such an answer raises `ClientMisled`, so a
scenario marked `xfail(raises=ClientMisled)` for a known bug still fails for real on anything
else. Read models (attendance, the ledger list, attendee search) and e-mail may lag behind the
commands: those are polled with a bounded wait until they show exactly the right figures.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any, TypeVar

import requests

from tests.support import editions
from tests.support.localstripe import card_token
from tests.support.smtp import Inbox
from tests.support.topology import Topology

T = TypeVar("T")
MONTREAL = "test-montreal"  # shared by the scenarios; invoices SEUS19-0001…
ATLANTA = "test-atlanta"  # only the attendance scenario registers here
CLOCK_START = "2019-03-20T10:00:00-04:00"  # early-bird prices, registration open
TIMEOUT = 30  # one HTTP request (two sync gunicorn workers, a busy 2-core machine)
LAG = 20.0  # the most a read model, Stripe's webhook or the mailer may take here
VISA = "4242424242424242"


class ClientMisled(AssertionError):
    """A client was answered 404/409, or shown stale figures, about what had just succeeded."""


@dataclass(repr=False)
class Stack:
    topology: Topology
    inbox: Inbox
    localstripe: str
    staff: dict[str, dict[str, str]]  # Authorization headers per role

    def __repr__(self) -> str:
        return f"Stack({self.topology.base_url}, logs in {self.topology.workdir})"

    def get(self, path: str, headers: dict[str, str] | None = None,
            **params: str) -> requests.Response:
        return requests.get(f"{self.topology.base_url}{path}", headers=headers, params=params,
                            timeout=TIMEOUT)

    def delete(self, path: str, headers: dict[str, str] | None = None) -> requests.Response:
        return requests.delete(f"{self.topology.base_url}{path}", headers=headers,
                               timeout=TIMEOUT)

    def post(self, path: str, json: Any = None,
             headers: dict[str, str] | None = None) -> requests.Response:
        return requests.post(f"{self.topology.base_url}{path}", json=json, headers=headers,
                             timeout=TIMEOUT)


def described(response: requests.Response) -> str:
    request = response.request
    return (f"{request.method} {request.path_url} answered {response.status_code} "
            f"{response.text.strip()[:600]}")


def answered(response: requests.Response, status: int) -> Any:
    """The JSON body of `response`, which must have `status`."""
    if response.status_code != status:
        if status < 400 and response.status_code in {404, 409}:
            raise ClientMisled(f"{described(response)} instead of {status}")
        raise AssertionError(f"{described(response)}, expected {status}")
    return response.json()


def not_stale(condition: bool, response: requests.Response, expected: str) -> None:
    if not condition:
        raise ClientMisled(f"{described(response)}: it should already show {expected}")


def settles(probe: Callable[[], T], expected: object, timeout: float = LAG) -> T:
    """Poll `probe` until it returns `expected`; fail with the last value seen."""
    deadline = time.monotonic() + timeout
    while True:
        seen = probe()
        if seen == expected:
            return seen
        if time.monotonic() > deadline:
            raise AssertionError(f"after {timeout:.0f} s still {seen!r}, expected {expected!r}")
        time.sleep(0.1)


def unique() -> str:
    """A word no other scenario uses (for names and e-mail addresses)."""
    return uuid.uuid4().hex[:10]


def person(tag: str, **changes: Any) -> dict[str, Any]:
    return editions.attendee(0, **{"last_name": f"Tremblay{tag}", "email": f"{tag}@example.com",
                                   **changes})


def register(stack: Stack, tag: str, slug: str = MONTREAL, delegation: str | None = "QC",
             **changes: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """A new registration (answered 201) and its holder's headers."""
    answer = stack.post(f"/api/editions/{slug}/registrations", json={
        "attendee": person(tag, **changes), "registration_type": "delegate",
        "delegation": delegation})
    document = answered(answer, 201)
    assert answer.headers["Location"] == f"/api/registrations/{document['id']}"
    return document, {"Authorization": f"Bearer {document['manage_token']}"}


def status(stack: Stack, registration_id: str, headers: dict[str, str]) -> str:
    return str(answered(stack.get(f"/api/registrations/{registration_id}", headers), 200)[
        "status"])


def events(stack: Stack, registration_id: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    answer = stack.get(f"/api/registrations/{registration_id}/history", headers)
    return list(answered(answer, 200)["events"])


def pay_by_card(stack: Stack, registration_id: str, holder: dict[str, str],
                amount: str = "454.15", currency: str = "CAD") -> str:
    """What the checkout page does: open the payment, send the card (a token from Stripe.js);
    the payment is recorded when Stripe's signed webhook lands. The payment's id."""
    payment = answered(stack.post(f"/api/registrations/{registration_id}/payment",
                                  headers=holder), 200)
    assert (payment["amount"], payment["currency"]) == (amount, currency)
    assert payment["shares"] == {registration_id: amount}
    card = {"client_secret": payment["client_secret"], "token": card_token(stack.localstripe,
                                                                           VISA)}
    charged = answered(stack.post(f"/api/payments/{payment['payment']}/card", json=card), 200)
    assert charged == {"status": "succeeded", "client_secret": None}
    settles(lambda: status(stack, registration_id, holder), "paid")
    return str(payment["payment"])


def found(stack: Stack, query: str, slug: str = MONTREAL) -> list[dict[str, Any]]:
    """The desk's attendee search (a read model)."""
    answer = stack.get(f"/api/editions/{slug}/attendees", stack.staff["desk"], q=query)
    return list(answered(answer, 200)["attendees"])


def mail_to(stack: Stack, address: str, subject: str, count: int = 1) -> list[EmailMessage]:
    """Wait until `count` messages to `address` whose subject starts with `subject` arrived."""

    def matching() -> int:
        return len([m for m in stack.inbox.to(address) if m["Subject"].startswith(subject)])

    settles(matching, count)
    return [m for m in stack.inbox.to(address) if m["Subject"].startswith(subject)]


def attachments(message: EmailMessage) -> list[str]:
    return [str(part.get_filename()) for part in message.iter_attachments()]


def text_of(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())
