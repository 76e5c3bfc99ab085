"""Budgets for the public writes, per client address, shared by every worker (Flask-Limiter).

A view names the budget it spends with `@budget("registrations")` (and how much one request
costs: a group form registering five people costs five). `install_budgets` gives each app its
own `Limiter` and puts the marked views under it, counting in Redis when `REDIS_URL` is set —
so the budget holds across gunicorn workers and machines — and in memory otherwise (the
single-process default). A spent budget answers 429 with `Retry-After`: JSON for the API, the
translated error page for forms.

Budgets (see `registration/config.py`): `quotes` (cheap and frequent), `registrations`
(seats, codes and allotments), `payments` (opening a card payment, alone or for a group,
paying it, asking for an invoice), `sign_in` (staff sign-in posts), `links` (asking for
one's manage link again: each sends an e-mail). Code that decides in the
middle of a view, such as sign-in, calls `spend(...)` or `allows(...)` instead.

Why one `Limiter` per app rather than Flask-Limiter's usual module-level instance: that
instance keeps its storage and settings from the first `init_app`, and the tests build many
apps in one process (two of them sharing Redis, to prove the count is shared).
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, current_app, request
from flask_limiter import Limiter, RateLimitExceeded
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

from registration.config import Settings

F = TypeVar("F", bound=Callable[..., Any])
Cost = int | Callable[[], int]
BUDGETS = ("quotes", "registrations", "payments", "sign_in", "links")
EXTENSION = "budgets"
REDIS_TIMEOUT = 1  # second: a slow Redis must not hold requests (the memory fallback steps in)
log = logging.getLogger(__name__)


def client_address() -> str:
    """Who spends the budget: the client's address (behind TRUSTED_PROXIES, the forwarded one)."""
    return request.remote_addr or "unknown"


def budget(name: str, cost: Cost = 1) -> Callable[[F], F]:
    """Mark a view as spending `name`'s budget on POST (and PATCH, PUT, DELETE), `cost` each."""
    if name not in BUDGETS:
        raise ValueError(f"unknown budget {name!r}")

    def mark(view: F) -> F:
        view.rate_budget = (name, cost)  # type: ignore[attr-defined]
        view.rate_limited = True  # type: ignore[attr-defined]  # for the OpenAPI document
        return view

    return mark


class Budgets:
    """The app's limiter and budgets (`app.extensions["budgets"]`)."""

    def __init__(self, app: Flask, settings: Settings) -> None:
        self.limits = {
            "quotes": settings.rate_limit_quotes,
            "registrations": settings.rate_limit_registrations,
            "payments": settings.rate_limit_payments,
            "sign_in": settings.rate_limit_sign_in,
            "links": settings.rate_limit_links,
        }
        self.items: dict[str, list[RateLimitItem]] = {}
        for name, limits in self.limits.items():
            try:
                self.items[name] = parse_many(limits)
            except ValueError:
                raise ValueError(f"RATE_LIMIT_{name.upper()}={limits!r} is not a rate limit "
                                 "such as '30/minute;120/hour'") from None
        redis = settings.redis_url
        self.prefix = settings.rate_limit_key_prefix
        self.fallback = MovingWindowRateLimiter(MemoryStorage())  # for `spend` if Redis fails
        self.limiter = Limiter(
            client_address,
            app=app,
            storage_uri=redis or "memory://",
            storage_options={"socket_timeout": REDIS_TIMEOUT,
                             "socket_connect_timeout": REDIS_TIMEOUT} if redis else {},
            strategy="moving-window",  # never more than the budget within any window
            key_prefix=settings.rate_limit_key_prefix,
            in_memory_fallback_enabled=redis is not None,  # Redis down: each process counts
            headers_enabled=False,  # Retry-After goes on the 429 only (see `limited`)
            enabled=settings.rate_limit_enabled,
        )

    def limited(self, view: Callable[..., Any], name: str, cost: Cost) -> Callable[..., Any]:
        """The view under its budget, shared with every view spending the same one."""
        checked = self.limiter.shared_limit(
            self.limits[name], scope=name, methods=["POST", "PATCH", "PUT", "DELETE"],
            cost=cost)(view)

        @wraps(view)
        def answering_when(*args: Any, **kwargs: Any) -> Any:
            try:
                return checked(*args, **kwargs)
            except RateLimitExceeded as spent:
                spent.retry_after = self.retry_after()
                spent.description = too_many(spent.retry_after)
                raise

        return answering_when

    def retry_after(self) -> int:
        """Seconds until the budget this request overspent has room again."""
        spent = self.limiter.current_limit
        if spent is None:
            return 60
        return max(1, math.ceil(spent.window.reset_time - time.time()))

    def spend(self, name: str, cost: int = 1, key: str | None = None) -> None:
        """Spend from `name`'s budget now, or refuse with 429 and Retry-After."""
        wait = self.refusal(name, cost, key or client_address())
        if wait is not None:
            raise TooManyRequests(too_many(wait), retry_after=wait)

    def allows(self, name: str, key: str, cost: int = 1) -> bool:
        """Whether `key` may spend `cost` from `name`'s budget now (spending it if so)."""
        return self.refusal(name, cost, key) is None

    def refusal(self, name: str, cost: int, key: str) -> int | None:
        """None when spent; else the seconds to wait."""
        if not self.limiter.enabled:
            return None
        identifiers = (self.prefix, key, name)  # the bucket the decorated views count in
        try:
            return first_refusal(self.limiter.limiter, self.items[name], identifiers, cost)
        except Exception:  # Redis unreachable: count in this process, as the views do
            log.warning("Rate limit storage unreachable; counting %s in memory", name,
                        exc_info=True)
            return first_refusal(self.fallback, self.items[name], identifiers, cost)

    def allow(self, client: str) -> bool:
        """The sign-in page's check (`extensions["rate_limiter"].allow(...)`): its budget."""
        return self.allows("sign_in", client)


def first_refusal(strategy: Any, items: list[RateLimitItem], identifiers: tuple[str, ...],
                  cost: int) -> int | None:
    for item in items:
        if not strategy.hit(item, *identifiers, cost=cost):
            reset_at, _ = strategy.get_window_stats(item, *identifiers)
            return max(1, math.ceil(reset_at - time.time()))
    return None


def too_many(seconds: int) -> str:
    """The API's message (pages translate their own: see pages.error_page)."""
    return f"Too many requests from this address; try again in {seconds} seconds."


def install_budgets(app: Flask, settings: Settings) -> Budgets:
    """Give the app its limiter and put every view marked with `budget` under it."""
    budgets = Budgets(app, settings)
    app.extensions[EXTENSION] = budgets
    app.extensions["rate_limiter"] = budgets  # the sign-in page's name for it
    for endpoint, view in list(app.view_functions.items()):
        marked = getattr(view, "rate_budget", None)
        if marked is not None:
            app.view_functions[endpoint] = budgets.limited(view, *marked)
    return budgets


def spend(name: str, cost: int = 1, key: str | None = None) -> None:
    """Spend from the current app's `name` budget, or refuse with 429 (see Budgets.spend)."""
    current_app.extensions[EXTENSION].spend(name, cost, key)


def link_mail_allowed(email: str) -> bool:
    """Whether one more manage link may be mailed to `email` now: the `links` budget counted
    per address too (hashed), so nobody can flood a person's inbox, or keep ending their
    link, from many client addresses. A spent budget is not told to the caller (the answer
    stays the same whatever the address)."""
    digest = hashlib.sha256(email.strip().casefold().encode()).hexdigest()
    return bool(current_app.extensions[EXTENSION].allows("links", f"email:{digest}"))
