"""The demo data `make run` and `flask --app wsgi seed` load (idempotently).

The Montréal 2019 edition gets sample registrations made at their own moments in
February and March 2019: the product clock is set to each moment while it is recorded,
so the events, the history and `?as_of=` tell the story as it happened.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any
from uuid import UUID

from domain.actor import Actor, acting_as
from domain.base import set_clock
from domain.registration import Attendee
from registration.demo.samples import (
    APPROVALS,
    CANCELLATIONS,
    CORRECTIONS,
    SAMPLES,
    SUBSTITUTIONS,
    Sample,
    moment,
)
from registration.services.container import Services

HERE = Path(__file__).resolve().parent
DOCUMENTS = ("seuscp-2019.json", "seuscp-2027.json")
DEMO_SLUG = "seuscp-2019"
DEMO_ADMIN = "Demo admin"
# Sign-in accounts for trying the staff pages locally; never for a real deployment.
DEMO_ACCOUNTS = (
    (DEMO_ADMIN, "admin@seuscp.example", "demo-admin-2019", "admin"),
    ("Demo finance", "finance@seuscp.example", "demo-finance-2019", "finance"),
    ("Demo desk", "desk@seuscp.example", "demo-desk-2019", "desk"),
)
# When the Montréal edition was announced: it is scheduled at that moment, before its samples.
SCHEDULED_AT = {DEMO_SLUG: "2019-01-07 10:00"}

Step = Callable[[Services, dict[str, UUID], datetime], object]


def demo_documents() -> list[dict[str, Any]]:
    return [json.loads((HERE / name).read_text(encoding="utf-8")) for name in DOCUMENTS]


def seed_demo(services: Services) -> list[str]:
    """Load the demo editions, the demo admin and the 2019 samples; what exists is kept."""
    with acting_as(Actor.system("demo-seed")):
        lines = [load_edition(services, document) for document in demo_documents()]
        lines.append(ensure_accounts(services))
        lines.append(add_samples(services))
    services.read_models.catch_up()
    return lines


@contextmanager
def clock_at(services: Services, at: datetime) -> Iterator[None]:
    """Events recorded inside happen at `at`."""
    set_clock(lambda: at)
    try:
        yield
    finally:
        set_clock(services.clock)


def load_edition(services: Services, document: dict[str, Any]) -> str:
    slug = document["slug"]
    if services.app.find_edition(slug) is None and slug in SCHEDULED_AT:
        with clock_at(services, moment(SCHEDULED_AT[slug])):
            edition, outcome = services.editions.load(document)
    else:
        edition, outcome = services.editions.load(document)
    return f"{slug}: {outcome} (version {edition.version})"


def ensure_accounts(services: Services) -> str:
    """The demo staff can sign in (and the admin gets API tokens from `make run`)."""
    for name, email, password, role in DEMO_ACCOUNTS:
        services.staff.ensure_account(name, email, password, role)
    return "staff: " + ", ".join(f"{email} ({role})" for _, email, _, role in DEMO_ACCOUNTS)


def add_samples(services: Services) -> str:
    """The sample registrations, only into an edition that has none yet."""
    services.read_models.catch_up()
    existing = services.queries.registrations(services.editions.config(DEMO_SLUG))
    if existing:
        return f"{DEMO_SLUG}: {len(existing)} registrations already there, no samples added"
    ids: dict[str, UUID] = {}
    for at, step in timeline():
        with clock_at(services, at):
            step(services, ids, at)
    return (f"{DEMO_SLUG}: {len(SAMPLES)} sample registrations, {len(CANCELLATIONS)} "
            f"cancelled, {len(SUBSTITUTIONS)} substituted, {len(CORRECTIONS)} corrected")


def timeline() -> list[tuple[datetime, Step]]:
    """Every sample action in the order it happened."""
    steps: list[tuple[datetime, Step]] = [(moment(s.at), partial(_register, s)) for s in SAMPLES]
    steps += [(moment(at), partial(_cancel, email)) for email, at in CANCELLATIONS]
    steps += [(moment(at), partial(_substitute, email, attendee))
              for email, at, attendee in SUBSTITUTIONS]
    steps += [(moment(at), partial(_correct, email, changes))
              for email, at, changes in CORRECTIONS]
    steps += [(moment(at), partial(_approve, email, note)) for email, at, note in APPROVALS]
    return sorted(steps, key=lambda step: step[0])


# The demo's invited speakers use the programme committee's code (speakers are by invitation).
SPEAKER_CODE = "SPK-PROGRAM-2019"


def _register(sample: Sample, services: Services, ids: dict[str, UUID], at: datetime) -> None:
    created = services.registrations.register(
        DEMO_SLUG, sample.attendee(), sample.registration_type, sample.delegation, sample.code,
        at=at, access_code=SPEAKER_CODE if sample.registration_type == "speaker" else None)
    ids[sample.email] = created.registration.id


def _approve(email: str, note: str, services: Services, ids: dict[str, UUID],
             at: datetime) -> None:
    services.registrations.approve(ids[email], note)


def _cancel(email: str, services: Services, ids: dict[str, UUID], at: datetime) -> None:
    services.registrations.cancel(ids[email], at=at)


def _substitute(
    email: str, attendee: Attendee, services: Services, ids: dict[str, UUID], at: datetime
) -> None:
    services.registrations.substitute(ids[email], attendee)


def _correct(
    email: str, changes: dict[str, str], services: Services, ids: dict[str, UUID], at: datetime
) -> None:
    services.registrations.correct_details(ids[email], changes)
