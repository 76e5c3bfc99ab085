"""A small fixed-window limit per client address for the public write endpoints."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, request

from registration.web.common.errors import ApiError

F = TypeVar("F", bound=Callable[..., Any])


class RateLimiter:
    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._windows: dict[str, tuple[int, int]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        window = int(time.time() // 60)
        with self._lock:
            start, count = self._windows.get(client, (window, 0))
            if start != window:
                start, count = window, 0
            self._windows[client] = (start, count + 1)
            if len(self._windows) > 10_000:
                self._windows = {k: v for k, v in self._windows.items() if v[0] == window}
        return count < self.per_minute


def rate_limited(view: F) -> F:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        limiter: RateLimiter = current_app.extensions["rate_limiter"]
        if not limiter.allow(request.remote_addr or "unknown"):
            raise ApiError(429, "Too many requests from this address; wait a minute.")
        return view(*args, **kwargs)

    wrapper.rate_limited = True  # type: ignore[attr-defined]  # for the OpenAPI document
    return wrapper  # type: ignore[return-value]
