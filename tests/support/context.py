"""Running a test's work in other threads as the test itself would (same actor, clock)."""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def in_this_context(function: Callable[P, R]) -> Callable[P, R]:
    """`function`, to be called from another thread with this thread's context variables
    (a new thread starts with none: no actor would be acting)."""
    captured = contextvars.copy_context()

    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        return captured.copy().run(function, *args, **kwargs)

    return run
