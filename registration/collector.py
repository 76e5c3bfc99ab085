"""Python's cyclic garbage collector, paused while work holds very many objects at once.

Each collection walks every object still alive: work that keeps hundreds of thousands of
them (a document being laid out, a rebuild's page of events) makes the collector run again
and again over all of them, and over the whole process. Reference counting still frees what
is dropped; cycles left meanwhile are collected once the collector resumes.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The collector off for the block, and on again after it (if it was on before)."""
    resume = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if resume:
            gc.enable()
