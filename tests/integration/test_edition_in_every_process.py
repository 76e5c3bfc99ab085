"""An edition changed by one process is what every other process decides with, at once,
although each keeps the edition it last read decoded (registration.application.KEPT_DECODED)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import uuid4

from domain.identifiers import edition_id
from domain.registration import Attendee
from registration.application import Conference
from registration.persistence import event_store_env
from registration.services.container import Services
from tests.support import editions

SLUG = "test-montreal"


def test_a_reconfigured_edition_prices_the_next_registration_in_another_process(
        services: Services, edition, database_url: str | None, tmp_path: Path) -> None:
    first = services.registrations.register(SLUG, Attendee(**editions.attendee(1)), "delegate")
    assert first.registration.quote.total.currency == "CAD"

    other_process = Conference(env=event_store_env(database_url, tmp_path / "instance"))
    try:
        changed = other_process.edition(SLUG)
        changed.reconfigure(editions.edition(currency="USD"))
        other_process.save(changed)
    finally:
        other_process.close()

    second = services.registrations.register(SLUG, Attendee(**editions.attendee(2)), "delegate")
    assert second.registration.quote.total.currency == "USD"
    assert services.app.edition(SLUG).version == changed.version


def test_a_change_read_ahead_is_not_applied_to_a_kept_state_another_thread_replaced(
        services: Services, edition, database_url: str | None, tmp_path: Path) -> None:
    """A decision reads the edition's newer events with its claims (`reads`), after the
    kept version; should another thread of the process keep a newer state in between,
    the edition is read afresh, never replayed onto a version it was not read after."""
    app, the_id = services.app, edition_id(SLUG)
    before = app.edition(SLUG)
    other_process = Conference(env=event_store_env(database_url, tmp_path / "instance"))
    try:
        for currency in ("USD", "CAD"):
            changed = other_process.edition(SLUG)
            changed.reconfigure(editions.edition(currency=currency))
            other_process.save(changed)
    finally:
        other_process.close()

    def decision() -> tuple[list[Any], Any]:  # its reads were made after `before`'s version
        app._kept[the_id] = type(before).Snapshot.take(app.repository.get(
            the_id, version=before.version + 1))  # another thread kept a newer one
        return [], app.edition(SLUG)

    found = app.decide(decision, reads=[uuid4()], kept=[the_id])
    assert found.version == before.version + 2
    assert found.config.currency == "CAD"
