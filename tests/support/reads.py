"""Counting what the event store returns: stored events and snapshots read while counting."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# One aggregate at a time, several together (PostgreSQL's `select_events_of`), or within a
# save that decides seats (`select_seats`: snapshots told apart by their topic).
SELECTS = ("select_events", "select_events_of", "select_seats")


@contextmanager
def counting_reads(app: Any) -> Iterator[Counter[str]]:
    """Counts of "events" and "snapshots" the app's store returns within the block (the
    counter may be cleared at will)."""
    counts: Counter[str] = Counter()
    recorders: dict[str, Any] = {"events": app.recorder, "snapshots": app.snapshots.recorder}
    selects = {(name, method): getattr(recorder, method)
               for name, recorder in recorders.items()
               for method in SELECTS if hasattr(recorder, method)}

    def counted(name: str, method: str) -> Any:
        def select(*args: Any, **kwargs: Any) -> Any:
            rows = selects[name, method](*args, **kwargs)
            for stored in rows if method == "select_events" else \
                    [stored for found in rows.values() for stored in found]:
                counts["snapshots" if stored.topic.endswith("Snapshot") else name] += 1
            return rows
        return select

    for name, method in selects:
        setattr(recorders[name], method, counted(name, method))
    try:
        yield counts
    finally:
        for (name, method), select in selects.items():
            setattr(recorders[name], method, select)
