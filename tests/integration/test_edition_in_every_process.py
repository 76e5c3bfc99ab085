"""An edition changed by one process is what every other process decides with, at once,
although each keeps the edition it last read decoded (registration.application.KEPT_DECODED)."""

from __future__ import annotations

from pathlib import Path

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
