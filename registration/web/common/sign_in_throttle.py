"""Failed staff sign-ins slow down: per account (the e-mail tried) and per client address.

Five failures are free; each one after locks the account or address for twice as long as
the one before (30 s, 1 min, 2 min… up to an hour). Failures are counted for a day from the
first, in the limiter's storage (`ratelimit.Budgets`): Redis with REDIS_URL, shared by every
worker and machine; this process's memory otherwise, and when Redis does not answer. A
success forgets the account's failures (not the address's: one's own account must not
clear the way to guessing another's). Off with the other limits (RATE_LIMIT_ENABLED=false).
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Iterable
from typing import Any

from flask import current_app

from registration.web.common.ratelimit import EXTENSION, Budgets, client_address

FREE_FAILURES = 5
FIRST_WAIT = 30  # seconds, after the fifth failure in a row
LONGEST_WAIT = 3600
REMEMBERED = 86400  # failures are forgotten a day after the first
log = logging.getLogger(__name__)


def keys_for(email: str) -> list[str]:
    """The account's and the address's keys (the e-mail hashed: no addresses in Redis)."""
    account = hashlib.sha256(email.strip().casefold().encode()).hexdigest()[:32]
    return [f"account/{account}", f"address/{client_address()}"]


class SignInThrottle:
    def __init__(self, budgets: Budgets) -> None:
        self.budgets = budgets
        self.prefix = f"{budgets.prefix}/sign-in-failures"

    def _storages(self) -> list[Any]:
        return [self.budgets.limiter.storage, self.budgets.fallback.storage]

    def _run(self, action: Any) -> Any:
        """`action(storage)` on the shared storage, or this process's memory if it fails."""
        if not self.budgets.limiter.enabled:
            return None
        try:
            return action(self._storages()[0])
        except Exception:
            log.warning("Rate limit storage unreachable; sign-in failures counted in memory",
                        exc_info=True)
            return action(self._storages()[1])

    def wait(self, keys: Iterable[str]) -> int | None:
        """Seconds before these keys may try again, or None if they may now."""
        def longest(storage: Any) -> int | None:
            waits = []
            for key in keys:
                lock = f"{self.prefix}/lock/{key}"
                if storage.get(lock) > 0:
                    waits.append(max(1, math.ceil(storage.get_expiry(lock) - time.time())))
            return max(waits) if waits else None

        return self._run(longest)

    def failed(self, keys: Iterable[str]) -> int | None:
        """Count a failure on each key; the seconds now to wait, if any is locked."""
        def count(storage: Any) -> int | None:
            waits = []
            for key in keys:
                failures = storage.incr(f"{self.prefix}/count/{key}", REMEMBERED)
                if failures >= FREE_FAILURES:
                    wait = min(LONGEST_WAIT, FIRST_WAIT * 2 ** (failures - FREE_FAILURES))
                    lock = f"{self.prefix}/lock/{key}"
                    storage.clear(lock)
                    storage.incr(lock, wait)
                    waits.append(wait)
            return max(waits) if waits else None

        return self._run(count)

    def succeeded(self, email: str) -> None:
        account = keys_for(email)[0]

        def forget(storage: Any) -> None:
            storage.clear(f"{self.prefix}/count/{account}")
            storage.clear(f"{self.prefix}/lock/{account}")

        self._run(forget)


def throttle() -> SignInThrottle:
    budgets: Budgets = current_app.extensions[EXTENSION]
    found = current_app.extensions.get("sign_in_throttle")
    if found is None or found.budgets is not budgets:
        found = current_app.extensions["sign_in_throttle"] = SignInThrottle(budgets)
    return found
